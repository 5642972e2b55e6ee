"""The command line: `python -m hfcompare models|catalog|embed|evaluate|bench|generate|decide|copy-store|prune-calls ...`."""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from dataclasses import asdict
from pathlib import Path

from hfcompare.config import MAX_CHARS_PER_TEXT, MAX_TEXTS

EXIT_MODEL_FAILED = 1
EXIT_BAD_INPUT = 2

#: The most tokens one answer may ask for: the context llama.cpp runs the local GGUF models with
#: (hfcompare.backends.local.llamacpp), and the most a share link keeps for generation.
MAX_GENERATION_TOKENS = 4096
#: The largest --older-than-days of prune-calls: a thousand years.
MAX_PRUNE_DAYS = 365_000
#: The largest --seed (llama.cpp takes an unsigned 32-bit seed).
MAX_SEED = 2**32 - 1
#: The first bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"


#: Terminal control characters (C0 but tab and newline, DEL, C1): a model name or message from a file or a
#: server that carries them could recolour, move the cursor or retitle the person's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class InertTerminal:
    """A text stream for a terminal that writes control characters as visible escapes (`\x1b`), so
    untrusted text stays text there as on the pages. Pipes and files get the text unchanged."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _inert_terminals() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            terminal = stream.isatty() and not isinstance(stream, InertTerminal)
        except (AttributeError, ValueError):
            terminal = False
        if terminal:
            setattr(sys, name, InertTerminal(stream))


def _one_line(message) -> str:
    """A message on one line (a model's or a library's error may span several)."""
    return " ".join(line.strip() for line in str(message).splitlines() if line.strip())


def _fail(message: str, code: int) -> int:
    print(f"error: {_one_line(message)}", file=sys.stderr)
    return code


def _unusable_output(path: str, flag: str, folder: bool = False) -> str | None:
    """Why `path` cannot take a command's output ("cannot write --out PATH: ..."), or None when it can.
    Checked before any work, so a run never ends with results it cannot save. `folder`: the path is a
    folder the command writes its files into (created when missing); otherwise a file the command writes
    (replaced when there)."""
    import stat
    import tempfile

    if not path.strip():
        return f"cannot write {flag}: the name is empty."
    where = f"cannot write {flag} {path}"
    try:
        target = Path(path).expanduser()
        if folder:
            if target.exists() and not target.is_dir():
                return f"{where}: it is a file, and {flag} names a folder for the results."
            target.mkdir(parents=True, exist_ok=True)
            probe_in = target
        else:
            if target.is_dir():
                return f"{where}: it is a folder; name a file."
            if not target.parent.is_dir():
                return f"{where}: the folder {target.parent} does not exist."
            if target.exists():
                mode = target.stat().st_mode
                if not (stat.S_ISREG(mode) or stat.S_ISCHR(mode)):   # a FIFO or socket would block or fail
                    return f"{where}: it is not a regular file."
                with open(target, "ab"):   # writable, and left as it is
                    pass
                return None
            probe_in = target.parent
        with tempfile.NamedTemporaryFile(dir=probe_in, prefix=".hfcompare-write-check-"):
            pass
    except OSError as exc:
        return f"{where} ({exc.strerror or exc})."
    except (RuntimeError, ValueError) as exc:   # ~nobody, a NUL byte in the path
        return f"{where}: not a usable path ({exc})."
    return None


_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


def _texts_within(raw: str, source: str, limit: int) -> list[str]:
    """The texts of `raw`, one per line, blank lines dropped (as refs.parse_texts); raises SpecError
    when there are more than `limit`, without holding more than `limit` of them."""
    from hfcompare.refs import SpecError

    texts, count = [], 0
    for match in _LINE.finditer(raw):
        text = match.group().strip()
        if text:
            count += 1
            if count <= limit:
                texts.append(text)
    if count > limit:
        raise SpecError(_over_limit(f"{source} has {count:,} texts", limit))
    return texts


def _over_limit(given: str, limit: int) -> str:
    which = {MAX_TEXTS: "hfcompare.config.MAX_TEXTS", EVALUATE_MAX_TEXTS: "the evaluation's limits"}.get(
        limit, "set by --max-texts")
    return f"{given}; the limit is {limit:,} ({which}). To run more on purpose, raise it with --max-texts N."


#: `evaluate` reads labeled data within the evaluation's own limits (the page's: 50,000 texts and
#: 5,000 queries), not the 500 texts of one comparison.
EVALUATE_MAX_TEXTS = 55_000


def _dataset_within(dataset, source: str, limit: int) -> None:
    """Raise SpecError when labeled data has more texts (corpus texts and queries) than `limit`."""
    from hfcompare.refs import SpecError

    count = len(dataset.corpus) + len(dataset.queries)
    if count > limit:
        raise SpecError(_over_limit(f"{source} has {count:,} texts ({len(dataset.corpus):,} corpus texts and "
                                    f"{len(dataset.queries):,} queries)", limit))


def _remote_settings(args: argparse.Namespace, backend: str):
    """RemoteSettings from the config file, the environment and the remote flags; None for local backends."""
    import os

    from hfcompare.backends.remote.common import remote_settings

    api_key = os.environ.get(args.api_key_env) if getattr(args, "api_key_env", None) else None
    return remote_settings(
        backend,
        base_url=args.base_url,
        api_key=api_key,
        provider=args.provider,
        batch_size=args.batch_size,
        concurrency=args.concurrency,
        timeout_s=args.timeout,
    )


def _list_server_models(args: argparse.Namespace) -> int:
    from hfcompare.backends import BackendError, get_backend, settings_from_environment

    settings = _remote_settings(args, args.backend) or settings_from_environment(args.backend)
    try:
        models = get_backend(args.backend, settings).list_models()
    except BackendError as exc:
        return _fail(str(exc), EXIT_MODEL_FAILED)
    rows = [{"id": m, "task": None, "backend": args.backend, "offline": False, "ref": f"{args.backend}:{m}"}
            for m in models]
    print(json.dumps(rows, indent=2) if args.json else "\n".join(r["ref"] for r in rows))
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from hfcompare.backends import available_models

    if args.backend:
        return _list_server_models(args)
    models = available_models(args.task)
    if args.json:
        print(json.dumps([{**asdict(m), "ref": m.ref} for m in models], indent=2))
        return 0
    if not models:
        print("No models available for that task.")
        return 0
    width = max(len(m.ref) for m in models)
    print(f"{'MODEL'.ljust(width)}  TASK        OFFLINE  DESCRIPTION")
    for m in models:
        print(f"{m.ref.ljust(width)}  {m.task:<10}  {'yes' if m.offline else 'no':<7}  {m.label}")
    print("\nAny other Hub id works as local:<id> when the Hub is reachable.")
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    from hfcompare.hub.catalog import FIELDS, CatalogError, catalog_json, load_catalog

    try:
        catalog = load_catalog()
    except CatalogError as exc:
        return _fail(str(exc), EXIT_MODEL_FAILED)
    if args.json:
        print(json.dumps(catalog_json(args.task), indent=2))
        return 0
    entries = catalog.for_task(args.task)
    shown = ["parameters", "dimensions", "max_seq_length", "context_length", "mteb_average", "leaderboard_average",
             "license"]
    shown = [name for name in shown if any(name in e.figures for e in entries)]
    rows = [[e.id, e.task, *(_cell(e.value(name)) for name in shown)] for e in entries]
    header = ["MODEL", "TASK", *(FIELDS[name][0] for name in shown)]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(w) if i < 2 else str(cell).rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths))).rstrip())
    print(f"\nBundled catalog snapshot of {catalog.snapshot_date}; '-' is unknown. "
          "Sources and quotes: --json.")
    return 0


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1_000_000:
        return f"{value / 1e9:.2f}B" if value >= 1e9 else f"{value / 1e6:.1f}M"
    return str(value)


def _checked(refs: list, task: str) -> list:
    """`refs` after the checks a typed id gets in the app (`hfcompare.hub.model_ids`: its syntax, a
    "did you mean" for a near miss of a known model, the Hub's word); raises SpecError."""
    from hfcompare.hub.model_ids import check_model_id, known_refs
    from hfcompare.refs import SpecError

    known = known_refs(task)
    for ref in refs:
        check = check_model_id(str(ref), known)
        if not check.ok:
            raise SpecError(check.message)
    return refs


def cmd_embed(args: argparse.Namespace) -> int:
    import numpy as np

    from hfcompare.embeddings.runs import embed_with_stats
    from hfcompare.refs import ModelRef, SpecError
    from hfcompare.retrieval.labeled import DatasetError
    from hfcompare.storage.cache import EmbeddingCache

    try:
        (ref,) = _checked([ModelRef.parse(args.model, default_backend=args.backend)], "embeddings")
        raw = _read_file(args.input)
        texts = _texts_within(raw, args.input, args.max_texts or MAX_TEXTS)
    except (SpecError, DatasetError) as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"cannot read {args.input}: {exc}", EXIT_BAD_INPUT)
    if not texts:
        return _fail(f"{args.input} has no text (one text per line).", EXIT_BAD_INPUT)
    too_long = [i + 1 for i, t in enumerate(texts) if len(t) > MAX_CHARS_PER_TEXT]
    if too_long:
        return _fail(f"line {too_long[0]} is longer than {MAX_CHARS_PER_TEXT:,} characters.", EXIT_BAD_INPUT)
    from hfcompare.backends import UnknownBackendError, get_backend

    try:
        get_backend(ref.backend)
    except UnknownBackendError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    from hfcompare.backends.prompts import PromptError, PromptOverride
    from hfcompare.embeddings.prompts import prompts_for

    settings = _remote_settings(args, ref.backend)
    prompt = ""
    try:
        if args.prompt is not None:
            prompt = PromptOverride(query=args.prompt).query
        elif args.role:
            prompt = prompts_for(ref, settings=settings).for_role(args.role)
    except PromptError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    problem = _unusable_output(args.output, "--output")
    if problem:
        return _fail(problem, EXIT_BAD_INPUT)
    result = embed_with_stats(texts, ref, None if args.no_cache else EmbeddingCache(), settings=settings,
                              role=args.role, prompt=prompt)
    if not result.ok:
        return _fail(f"{ref}: {result.error}", EXIT_MODEL_FAILED)
    try:
        with open(Path(args.output).expanduser(), "wb") as out:   # the path as named (np.save would add .npy)
            np.save(out, result.vectors)
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror or exc}", EXIT_BAD_INPUT)
    stats = result.speed
    speed = (f", {stats.median_ms:.2f} ms/text median of {stats.passes_text}, range {stats.range_text}"
             if result.computed and stats is not None else "")
    print(
        f"wrote {result.vectors.shape[0]}x{result.vectors.shape[1]} float32 vectors to {args.output} "
        f"({result.cache_hits} from cache, {result.computed} computed{speed})"
    )
    if args.role or prompt:
        print(f"embedded as {args.role or 'plain text'} with " + (f"the prompt {json.dumps(prompt)}" if prompt
                                                                   else "no prompt"))
    return 0


def _read_file(path: str, binary: bool = False):
    """A file's bytes or UTF-8 text, size checked before reading; raises DatasetError (file, line, problem)
    or OSError."""
    import stat

    from hfcompare.retrieval.labeled import MAX_FILE_BYTES, DatasetError, decode_text

    if not path.strip():
        raise DatasetError("a file name is empty.")
    info = Path(path).stat()
    if stat.S_ISREG(info.st_mode):
        if info.st_size > MAX_FILE_BYTES:
            raise DatasetError(f"{path}: {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}.")
        raw = Path(path).read_bytes()
    elif stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(21, "Is a directory", path)
    else:
        # a pipe (/dev/stdin) or a device: read up to the limit. Opened without waiting, so a named pipe
        # no one writes to reads as empty instead of blocking forever.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise DatasetError(f"{path}: more than {MAX_FILE_BYTES:,} bytes, the limit.")
    return raw if binary else decode_text(raw, path)


def _dataset_name(args: argparse.Namespace) -> str:
    """How the labeled data was named on the command line, for messages."""
    return ("the bundled sample" if args.sample else args.data if args.data
            else ", ".join(p for p in (args.corpus, args.queries, args.qrels) if p))


def _load_dataset(args: argparse.Namespace):
    from hfcompare.retrieval.labeled import DatasetError, load_labeled, parse_beir
    from hfcompare.samples import load_retrieval_sample

    beir = [args.corpus, args.queries, args.qrels]
    if args.sample:
        return load_retrieval_sample()
    if args.data:
        return load_labeled([(args.data, _read_file(args.data, binary=True))])
    if all(beir):
        return parse_beir(*(_read_file(p, binary=True) for p in beir), names=tuple(beir))
    raise DatasetError("give --corpus, --queries and --qrels (a BEIR-style set), or --data FILE, or --sample.")


def _prompt_overrides(args: argparse.Namespace, refs: list) -> dict:
    """{ref: PromptOverride} from --query-prompt / --document-prompt; raises SpecError or PromptError.

    `MODEL=TEXT` sets one model's prompt: MODEL as written in --models (`backend:model` or the bare
    id) or its short name, the part after the last `/` (a short name two models share sets both).
    `TEXT` alone sets every model's. Text before the first `=` that names no model is refused when
    it has no space in it (a mistyped model, e.g. `all-MiniLM-L6-v2=` for a model not in --models);
    with a space (`query: a=b`) the whole value is the prompt. `=TEXT` is TEXT for every model,
    whatever it holds."""
    from hfcompare.backends.prompts import PromptOverride
    from hfcompare.refs import SpecError

    names: dict[str, list] = {}
    for ref in refs:
        for name in {str(ref), ref.model, ref.model.rsplit("/", 1)[-1]}:
            if ref not in names.setdefault(name, []):
                names[name].append(ref)
    chosen: dict = {ref: {} for ref in refs}
    for role, values in (("query", args.query_prompt or []), ("document", args.document_prompt or [])):
        for value in values:
            written, sep, text = value.partition("=")
            target = written.strip()
            if sep and target in names:
                for ref in names[target]:
                    chosen[ref][role] = text
                continue
            if sep and target and not any(ch.isspace() for ch in written):
                models = ", ".join(f"{ref} (or {ref.model.rsplit('/', 1)[-1]})" for ref in refs)
                raise SpecError(f"--{role}-prompt {value[:120]!r} names {target[:80]!r} (before '='), which is "
                                f"not one of --models: {models}. For a prompt that contains '=', put '=' before it "
                                f"(--{role}-prompt '={value[:40]}' for every model).")
            for ref in refs:
                chosen[ref][role] = text if sep and not target else value
    return {ref: PromptOverride(**roles) for ref, roles in chosen.items() if roles}


def _stderr_progress(ref, done: int, total: int, stage: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{stage:<9} {ref}  {done:,}/{total:,}", end="" if done < total else "\n", file=sys.stderr)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from hfcompare.backends import UnknownBackendError, get_backend
    from hfcompare.backends.prompts import PromptError
    from hfcompare.refs import ModelRef, SpecError, validate_models
    from hfcompare.retrieval.evaluation import evaluate
    from hfcompare.retrieval.labeled import DatasetError
    from hfcompare.retrieval.metrics import PRIMARY_METRIC, grade_range, graded_note, metric_names
    from hfcompare.retrieval.significance import bootstrap_ci
    from hfcompare.storage.cache import EmbeddingCache

    try:
        refs = validate_models([ModelRef.parse(m.strip()) for m in args.models.split(",") if m.strip()])
        for ref in refs:
            get_backend(ref.backend)
        _checked(refs, "embeddings")
        if not (math.isfinite(args.budget_mb) and args.budget_mb > 0):
            raise SpecError(f"--budget-mb must be more than 0 and finite, not {args.budget_mb}.")
        for ref in refs:
            get_backend(ref.backend)
        if args.pairs or args.pairs_sample:
            return _evaluate_pairs(args, refs)
        overrides = _prompt_overrides(args, refs)
        dataset = _load_dataset(args)
        _dataset_within(dataset, _dataset_name(args), args.max_texts or EVALUATE_MAX_TEXTS)
    except (SpecError, DatasetError, UnknownBackendError, PromptError) as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except OSError as exc:
        return _fail(f"cannot read {exc.filename}: {exc.strerror}", EXIT_BAD_INPUT)
    settings = {ref.backend: _remote_settings(args, ref.backend) for ref in refs}
    results = evaluate(dataset, refs, None if args.no_cache else EmbeddingCache(), _stderr_progress, settings,
                       budget_bytes=int(args.budget_mb * 2**20), keep_vectors=False, prompts=overrides)
    for failed in (r for r in results if not r.ok):
        print(_one_line(f"error: {failed.ref} failed ({failed.error_kind}): {failed.error}"), file=sys.stderr)
    ok = [r for r in results if r.ok]
    if args.json:
        queries = dataset.fingerprint()   # models evaluated on the same data are compared query by query
        print(json.dumps({str(r.ref): {**r.metrics, "prompts": r.prompts.as_dict(), "queries": queries,
                                       "n_queries": len(dataset.judged_queries), "graded": dataset.graded,
                                       **({"grades": list(grade_range(dataset.qrels))} if dataset.graded else {}),
                                       "ndcg@10_per_query": [round(float(v), 6) for v in r.values("ndcg@10")],
                                       **_speed_json(r.embedding)}
                          for r in ok}, indent=2))
    else:
        shown = ["ndcg@10", "mrr@10", "map@100", "recall@10", "precision@1", "accuracy@1"]
        width = max([len(str(r.ref)) for r in ok] + [5])
        print(f"{len(dataset.judged_queries)} queries, {len(dataset.corpus):,} corpus texts")
        if dataset.graded:
            print(graded_note(dataset.qrels)[0].upper() + graded_note(dataset.qrels)[1:] + ".")
        print("MODEL".ljust(width) + "".join(f"{n:>13}" for n in shown) + f"  {PRIMARY_METRIC} 95% CI")
        for r in ok:
            low, high = bootstrap_ci(r.values())
            cells = "".join(f"{r.metrics[n]:>13.4f}" for n in shown)
            print(str(r.ref).ljust(width) + cells + f"  {low:.3f}-{high:.3f}")
        print("Prompts:")
        for r in ok:
            print(f"  {str(r.ref).ljust(width)}  {r.prompts.describe()}")
        print(f"All metrics ({', '.join(metric_names())}): --json.")
    return EXIT_MODEL_FAILED if len(ok) < len(results) else 0


def _evaluate_pairs(args: argparse.Namespace, refs: list) -> int:
    """`evaluate --pairs FILE` (or --pairs-sample): how well each model's cosine similarity follows
    labeled pairs (hfcompare.retrieval.pairs); exit 2 for a bad file, 1 when a model failed."""
    from hfcompare.retrieval import pairs as P
    from hfcompare.storage.cache import EmbeddingCache

    retrieval = [flag for flag, value in (("--data", args.data), ("--corpus", args.corpus), ("--sample", args.sample),
                                          ("--query-prompt", args.query_prompt),
                                          ("--document-prompt", args.document_prompt)) if value]
    if retrieval or (args.pairs and args.pairs_sample):
        extra = retrieval or ["--pairs-sample"]
        return _fail(f"--pairs evaluates labeled pairs; {', '.join(extra)} belong{'s' if len(extra) == 1 else ''} to "
                     "another evaluation. Give one of --pairs FILE or --pairs-sample, alone.", EXIT_BAD_INPUT)
    try:
        labeled = P.load_sample() if args.pairs_sample else P.parse_pairs(_read_file(args.pairs, binary=True),
                                                                          args.pairs)
    except P.PairsError as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except OSError as exc:
        return _fail(f"cannot read {exc.filename}: {exc.strerror}", EXIT_BAD_INPUT)
    settings = {ref.backend: _remote_settings(args, ref.backend) for ref in refs}
    results = P.evaluate_pairs(labeled, refs, None if args.no_cache else EmbeddingCache(), settings, _stderr_progress)
    for failed in (r for r in results if not r.ok):
        print(_one_line(f"error: {failed.ref} failed ({failed.error_kind}): {failed.error}"), file=sys.stderr)
    ok = [r for r in results if r.ok]
    compared = P.comparisons(results, labeled)
    labels = "similar (1) or not (0)" if labeled.binary else f"scores {min(labeled.labels):g} to {max(labeled.labels):g}"
    if args.json:
        print(json.dumps({str(r.ref): {**{k: round(v, 6) for k, v in r.scores.items()},
                                       "intervals": {k: [round(lo, 6), round(hi, 6)] for k, (lo, hi) in r.intervals.items()},
                                       "primary": labeled.primary, "pairs": len(labeled), "binary": labeled.binary,
                                       "compared": [{"with": str(b if a == r.ref else a),
                                                     "difference": round(c.difference if a == r.ref else -c.difference, 6),
                                                     "p": round(c.p_value, 6), "holm_p": round(p, 6)}
                                                    for a, b, c, p in compared if r.ref in (a, b)]}
                          for r in ok}, indent=2))
        return EXIT_MODEL_FAILED if len(ok) < len(results) else 0
    shown = ["roc_auc", "gap", "spearman", "pearson"] if labeled.binary else ["spearman", "pearson"]
    width = max([len(str(r.ref)) for r in ok] + [5])
    print(f"{len(labeled)} labeled pairs ({labels}); models ranked by {labeled.primary}")
    print("MODEL".ljust(width) + "".join(f"{n:>10}" for n in shown) + f"  {labeled.primary} 95% CI")
    def best_first(r) -> float:  # an undefined metric (NaN) last
        value = r.scores[labeled.primary]
        return -value if math.isfinite(value) else math.inf

    for r in sorted(ok, key=best_first):
        low, high = r.intervals.get(labeled.primary, (float("nan"), float("nan")))
        print(str(r.ref).ljust(width) + "".join(f"{r.scores[n]:>10.4f}" for n in shown) + f"  {low:.3f}-{high:.3f}")
    for a, b, c, p in compared:
        better = a if c.difference > 0 else b
        verdict = f"{better} is better" if p < 0.05 else "no significant difference"
        print(f"{a} vs {b}: {labeled.primary} difference {c.difference:+.3f}, p = {c.p_value:.4f}, "
              f"Holm p = {p:.4f}: {verdict}")
    return EXIT_MODEL_FAILED if len(ok) < len(results) else 0


def _speed_json(result) -> dict:
    """The speed an embedding run measured, for `decide`: the median ms per text with every timed pass,
    the texts timed (count and fingerprint), where and when; {} when there is none."""
    speed = getattr(result, "speed", None)
    if speed is None:
        return {}
    return {"speed": {"ms_per_text": speed.median_ms, "passes_ms": [round(v, 6) for v in speed.pass_ms],
                      "n_texts": speed.n_texts, "texts_id": speed.texts_id, "where": speed.where,
                      "measured_at": speed.measured_at, "this_run": speed.this_run}}


def _read_prompts(path: str, threshold: float | None = None, references: bool = False):
    """Prompts and checks: a .json file in the sample's shape, or a text file with one prompt per line.
    Reference answers are kept only when `references` (there is a model to score them); they need
    `threshold` (default REFERENCE_THRESHOLD)."""
    from hfcompare.generation.checks import REFERENCE_THRESHOLD, prompts_and_checks
    from hfcompare.refs import SpecError

    raw = _read_file(path)
    if path.lower().endswith(".json"):
        from hfcompare.retrieval.labeled import load_json

        data = load_json(raw, path, SpecError, line_of_error=True)
        items = data.get("prompts") if isinstance(data, dict) else None
        if not isinstance(items, list) or not all(isinstance(p, dict) for p in items):
            raise SpecError(f'{path}: expected {{"prompts": [{{"prompt": ..., "keywords": ...}}, ...]}} '
                            "(the shape of hfcompare/samples/invoice_chatbot_prompts.json).")
        rows = [{"prompt": p.get("prompt"), "keywords": p.get("keywords", ""), "regex": p.get("regex", ""),
                 "max chars": p.get("max_chars"), "reference": p.get("reference", "") if references else ""}
                for p in items]
        try:
            prompts, checks = prompts_and_checks(rows, REFERENCE_THRESHOLD if threshold is None else threshold)
        except SpecError as exc:
            raise SpecError(f"{path}: {exc}") from None
        return prompts, checks, str(data.get("system", ""))
    try:  # a text file: prompt N is line N
        prompts, checks = prompts_and_checks([{"prompt": line} for line in raw.splitlines()])
    except SpecError as exc:
        raise SpecError(f"{path}: {str(exc).replace('Prompt ', 'line ', 1)}") from None
    return prompts, checks, ""


def _reference_similarity(ref, args: argparse.Namespace):
    """similarity(answer, reference) by the embedding model `ref` (None: no reference checks); raises
    SpecError when the model fails."""
    if ref is None:
        return None
    from hfcompare.generation.judging import reference_similarity
    from hfcompare.storage.cache import EmbeddingCache

    return reference_similarity(ref, None if args.no_cache else EmbeddingCache(), _remote_settings(args, ref.backend))


def _print_check_rates(rates, args: argparse.Namespace) -> None:
    """Pass rates per check with their 95% intervals, and what they cannot tell."""
    from hfcompare.generation.checks import MIN_RELIABLE_PROMPTS
    from hfcompare.generation.tables import PASS_RATE, RATE_LABELS

    if rates.empty:
        return
    percent = "{:.0%}".format
    shown = rates.assign(**{PASS_RATE: rates[PASS_RATE].map(percent),
                            "95% interval": rates["low"].map(percent) + "–" + rates["high"].map(percent)})
    print("Checks (reference: cosine similarity ≥ "
          f"{args.reference_threshold:.2f} by {args.reference_model}):" if args.reference_model else "Checks:")
    print(shown.drop(columns=["low", "high", "too_few"]).rename(columns=RATE_LABELS).to_string(index=False) + "\n")
    few = rates[rates["too_few"] & (rates["check"] == "all checks")]
    if not few.empty:
        print(f"note: these pass rates rest on {int(few['checked'].max())} prompt(s) per model, fewer than the about "
              f"{MIN_RELIABLE_PROMPTS} a pass rate needs; read the intervals before ranking models.", file=sys.stderr)
    if not args.reference_model and args.prompts and args.prompts.lower().endswith(".json"):
        print("note: reference answers are not checked; give --reference-model (an embedding model) to check them.",
              file=sys.stderr)


def cmd_bench(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from hfcompare.backends import UnknownBackendError, get_backend
    from hfcompare.refs import ModelRef, SpecError, validate_models
    from hfcompare.reporting import bench, costs
    from hfcompare.retrieval.labeled import DatasetError, load_labeled
    from hfcompare.storage.cache import EmbeddingCache, GenerationCache

    def refs_of(flag: str | None) -> list:
        return [ModelRef.parse(m.strip()) for m in (flag or "").split(",") if m.strip()]

    try:
        embedders, generators = refs_of(args.models), refs_of(args.generators)
        if not embedders and not generators:
            raise SpecError("give --models (embedding) and/or --generators (generation).")
        for ref in embedders + generators:
            get_backend(ref.backend)
        embedders = _checked(validate_models(embedders), "embeddings") if embedders else []
        generators = _checked(validate_models(generators), "generation") if generators else []
        if embedders and not args.texts:
            raise SpecError("--models needs --texts FILE.")
        if generators and not args.prompts:
            raise SpecError("--generators needs --prompts FILE.")
        for ref in embedders + generators:
            get_backend(ref.backend)
        if generators:
            _check_max_tokens(args.max_tokens)
        for flag in ("max_ms_per_text", "min_quality", "min_ndcg", "min_pass_rate", "min_tokens_per_s",
                     "max_latency_s", "max_cost_per_1000"):
            value = getattr(args, flag)
            if value is not None and not math.isfinite(value):
                raise SpecError(f"--{flag.replace('_', '-')} must be a finite number, not {value}.")
        if args.max_cost_per_1000 is not None and args.max_cost_per_1000 < 0:
            raise SpecError(f"--max-cost-per-1000 is US dollars per 1,000 requests, 0 or more, not "
                            f"{args.max_cost_per_1000:g}.")
        rate = costs.rate_in_use(args.hourly_rate)   # RateError (a ValueError) on a bad flag or variable
        limit = args.max_texts or MAX_TEXTS
        texts = _texts_within(_read_file(args.texts), args.texts, limit) if embedders else []
        if embedders and len(texts) < 2:
            raise SpecError(f"{args.texts} needs at least two texts, one per line.")
        too_long = [i + 1 for i, t in enumerate(texts) if len(t) > MAX_CHARS_PER_TEXT]
        if too_long:
            raise SpecError(f"{args.texts}: text {too_long[0]} is longer than {MAX_CHARS_PER_TEXT:,} characters.")
        dataset = None
        if args.labeled:
            dataset = load_labeled([(args.labeled, _read_file(args.labeled, binary=True))])
            _dataset_within(dataset, args.labeled, limit)
        reference_model = ModelRef.parse(args.reference_model) if args.reference_model else None
        if reference_model is not None:
            get_backend(reference_model.backend)
        prompts, checks, system = (_read_prompts(args.prompts, args.reference_threshold, reference_model is not None)
                                   if generators else ([], [], ""))
    except (SpecError, DatasetError, UnknownBackendError, ValueError) as exc:
        return _fail(str(exc), bench.EXIT_BAD_INPUT)
    except OSError as exc:
        return _fail(f"cannot read {exc.filename}: {exc.strerror}", bench.EXIT_BAD_INPUT)
    problem = _unusable_output(args.out, "--out", folder=True)
    if problem:
        return _fail(problem, bench.EXIT_BAD_INPUT)

    result = bench.BenchResult(rate=rate)
    settings = {ref.backend: _remote_settings(args, ref.backend) for ref in embedders + generators}
    prices = costs.server_prices(embedders + generators, settings)   # hf models on Inference Providers only
    if embedders:
        with tqdm(total=len(embedders) * len(texts), desc="embedding", unit="text", file=sys.stderr,
                  disable=args.quiet) as bar:
            done: dict = {}

            def progress(ref, count, n, stage):
                bar.set_postfix_str(str(ref))
                bar.update(count - done.get(ref, 0))
                done[ref] = count

            result.embeddings, failures = bench.bench_embeddings(
                texts, embedders, dataset, None if args.no_cache else EmbeddingCache(), progress, settings,
                rate=rate.rate, prices=prices)
            result.failures += failures
    if generators:
        with tqdm(total=len(generators) * len(prompts), desc="generating", unit="answer", file=sys.stderr,
                  disable=args.quiet) as bar:
            try:
                result.generation, failures, result.checks = bench.bench_generation(
                    prompts, checks, generators, system, None if args.no_cache else GenerationCache(),
                    on_done=lambda r: bar.update(1), settings=settings, max_tokens=args.max_tokens,
                    similarity=_reference_similarity(reference_model, args), rate=rate.rate, prices=prices)
            except SpecError as exc:  # the reference checks' embedding model failed
                return _fail(str(exc), bench.EXIT_MODEL_FAILED)
            result.failures += failures
    limits = bench.Thresholds(args.max_ms_per_text, args.min_quality, args.min_ndcg, args.min_pass_rate,
                              args.min_tokens_per_s, args.max_latency_s, args.max_cost_per_1000)
    result.breaches = bench.check_thresholds(result, limits)
    inputs = {"models": [str(r) for r in embedders], "texts": args.texts, "labeled": args.labeled,
              "generators": [str(r) for r in generators], "prompts": args.prompts,
              "reference_model": args.reference_model, "reference_threshold": args.reference_threshold}
    try:
        written = bench.write_outputs(result, Path(args.out).expanduser(), limits, inputs)
    except OSError as exc:
        return _fail(f"cannot write --out {args.out} ({exc.strerror or exc}).", bench.EXIT_BAD_INPUT)
    if args.json:   # the same record as bench.json, on stdout; the rest on stderr
        print(json.dumps(bench.payload(result, limits, inputs), indent=2))
    else:
        print(f"Cost per 1,000 requests: {rate.describe()}.\n")
        for name, frame in (("Embedding models", result.embeddings), ("Generation models", result.generation)):
            if not frame.empty:
                print(f"{name}:\n{bench.for_people(frame, terminal=True).to_string(index=False)}\n")
        _print_check_rates(result.checks, args)
    for line in result.failures + result.breaches:
        print(_one_line(f"error: {line}"), file=sys.stderr)
    print("wrote " + ", ".join(str(p) for p in written), file=sys.stderr if args.json else sys.stdout)
    return result.exit_code


def _above_zero(kind: type):
    """An argparse type: a finite number above 0 (a timeout of -5 or a batch of 0 is refused up front)."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if kind is int else ''}number") from None
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(f"must be above 0, not {text!r}")
        return value

    parse.__name__ = kind.__name__
    return parse


def add_remote_flags(parser: argparse.ArgumentParser) -> None:
    """Flags for the `openai` and `hf` backends; keys come from environment variables, never flags."""
    group = parser.add_argument_group("remote backends (openai, hf)")
    group.add_argument("--base-url", help="server address, e.g. http://localhost:8000/v1 (or a TEI/TGI URL for hf)")
    group.add_argument("--api-key-env", metavar="VAR",
                       help="environment variable holding the key (default: HFCOMPARE_OPENAI_API_KEY, "
                            "OPENAI_API_KEY, or HF_TOKEN for hf)")
    group.add_argument("--provider", help="hf only: an Inference Provider, or auto")
    group.add_argument("--batch-size", type=_above_zero(int), help="texts per request (default 32)")
    group.add_argument("--concurrency", type=_above_zero(int), help="requests in flight at once (default 4)")
    group.add_argument("--timeout", type=_above_zero(float), help="seconds per request (default 60)")


def _check_max_tokens(max_tokens: int) -> None:
    """Raise SpecError unless 1 <= max_tokens <= MAX_GENERATION_TOKENS (a larger answer would not fit
    the local models' context, and asking a server for millions of tokens ties it up for minutes)."""
    from hfcompare.refs import SpecError

    if not 1 <= max_tokens <= MAX_GENERATION_TOKENS:
        raise SpecError(f"--max-tokens must be 1 to {MAX_GENERATION_TOKENS:,} (the context size of the local "
                        f"llama.cpp models, and the most one answer may ask for), not {max_tokens:,}.")


def cmd_generate(args: argparse.Namespace) -> int:
    from hfcompare.backends import GenerationParams, UnknownBackendError, get_backend
    from hfcompare.generation.runs import generate_one
    from hfcompare.refs import ModelRef, SpecError
    from hfcompare.storage.cache import GenerationCache

    if not args.prompt.strip():
        return _fail("the prompt is empty.", EXIT_BAD_INPUT)
    for flag, text in (("--prompt", args.prompt), ("--system", args.system)):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:   # bytes the terminal's encoding could not decode
            return _fail(f"{flag} is not valid UTF-8 text.", EXIT_BAD_INPUT)
    if args.max_tokens < 1 or not 0 <= args.temperature <= 5 or not 0 < args.top_p <= 1:
        return _fail("--max-tokens must be at least 1, --temperature 0 to 5, --top-p above 0 up to 1.", EXIT_BAD_INPUT)
    if args.seed is not None and not 0 <= args.seed <= MAX_SEED:
        return _fail(f"--seed must be a whole number from 0 to {MAX_SEED:,}, not {args.seed}.", EXIT_BAD_INPUT)
    try:
        _check_max_tokens(args.max_tokens)
        ref = ModelRef.parse(args.model, default_backend=args.backend)
        get_backend(ref.backend)
        _checked([ref], "generation")
    except (SpecError, UnknownBackendError) as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    params = GenerationParams(max_tokens=args.max_tokens, temperature=args.temperature, top_p=args.top_p,
                              seed=args.seed)
    result = generate_one(ref, args.prompt, params, args.system, settings=_remote_settings(args, ref.backend),
                          cache=None if args.no_cache else GenerationCache())
    if not result.ok:
        return _fail(f"{ref}: {result.error}", EXIT_MODEL_FAILED)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
        return 0
    t = result.timings
    print(result.text)
    rate = f"{t.tokens_per_s:.1f} tokens/s" if t.tokens_per_s else f"tokens/s n/a ({t.speed_note or 'unknown'})"
    ttft = f"{t.ttft_s:.2f}s to first token" if t.ttft_s is not None else "no token"
    source = " (from the cache)" if result.cached else ""
    load = f"; loading took {result.load_s:.2f}s before it" if result.load_s and result.load_s >= 0.005 else ""
    threads = f", {t.threads} thread{'s' if t.threads != 1 else ''}" if t.threads else ""
    print(f"\n-- {ref}: {t.latency_s:.2f}s, {ttft}, {t.output_tokens} tokens, {rate}{source}{load}; "
          f"{result.where}{threads}", file=sys.stderr)
    return 0


def cmd_copy_store(args: argparse.Namespace) -> int:
    """Copy a store (default: the SQLite file under $HFCOMPARE_HOME) into another (default:
    $HFCOMPARE_DATABASE_URL); safe to run again."""
    from hfcompare.config import database_url, home
    from hfcompare.storage.store import STORE_FILE, Store, StoreUnavailable
    from hfcompare.storage.transfer import copy_store

    def as_url(text: str | None) -> str | None:   # a plain path names a SQLite file
        if text and "://" not in text:
            return f"sqlite:///{Path(text).expanduser().resolve()}"
        return text

    try:
        source_url = as_url(args.source) or f"sqlite:///{home() / STORE_FILE}"
        target_url = as_url(args.to) or database_url()
    except (OSError, RuntimeError, ValueError) as exc:   # ~nobody, a NUL byte, a path too long
        return _fail(f"--from/--to: not a usable path ({exc}).", EXIT_BAD_INPUT)
    if not target_url:
        return _fail("Name the database to copy into: --to postgresql://user:password@host:port/database, or set "
                     "HFCOMPARE_DATABASE_URL.", EXIT_BAD_INPUT)
    problem = (_unusable_store(source_url, "--from" if args.source else "the store under HFCOMPARE_HOME", True)
               or _unusable_store(target_url, "--to" if args.to else "HFCOMPARE_DATABASE_URL", False))
    if problem:
        return _fail(problem, EXIT_BAD_INPUT)
    try:
        source = Store(url=source_url)
        target = Store(url=target_url)
    except StoreUnavailable as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    if source.where == target.where:
        return _fail("The source and the target are the same store.", EXIT_BAD_INPUT)
    print(f"Copying {source.where} into {target.where}", file=sys.stderr)
    try:
        results = copy_store(source, target)
    except StoreUnavailable as exc:
        return _fail(str(exc), EXIT_MODEL_FAILED)
    finally:
        source.close()
        target.close()
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        for r in results:
            print(f"{r.table:<14} {r.copied:>9,} copied {r.skipped:>9,} already there")
    return 0


def _unusable_store(url: str, flag: str, source: bool) -> str | None:
    """Why the store at `url` cannot be copied from (`source`) or into, or None. Checked before the store
    opens it: the store moves a file that is not a SQLite database aside and starts an empty one in its
    place, which is right for its own file but not for a text file someone named by mistake. A source must
    be an existing SQLite file; a target may also be missing or empty (a new store)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - sqlalchemy raises ArgumentError or ValueError; the URL may hold a password
        return f"{flag} is neither a database URL (sqlite:///path, postgresql://...) nor a file path."
    if not parsed.drivername.startswith("sqlite"):
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return f"{flag} names an in-memory database, which has no store to copy." if source else None
    path = Path(database)
    try:
        path = path.expanduser()
        if not path.exists():
            return f"There is no store at {path} to copy." if source else None
        if path.is_dir():
            return f"{flag} {path} is a folder, not a SQLite store file."
        if not path.is_file():
            return f"{flag} {path} is not a regular file, so not a SQLite store."
        with open(path, "rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"{flag} {path} cannot be read ({exc.strerror or exc})."
    except (RuntimeError, ValueError) as exc:   # ~nobody, a NUL byte in the path
        return f"{flag} is not a usable path ({exc})."
    if not head:
        return f"{flag} {path} is empty: there is no store in it to copy." if source else None
    if head != SQLITE_HEADER:
        return (f"{flag} {path} is not a SQLite database (it does not start with \"SQLite format 3\"); "
                "it was left as it is. Name a store file made by hfcompare, or a database URL.")
    return None


#: `decide --expect MODEL` exits with this when the verdict is not "recommend MODEL" (a CI job fails
#: when the verdict changes).
EXIT_VERDICT_CHANGED = 3


def _pairs(raw: str | None, flag: str) -> dict[str, str]:
    """`a=1,b=2` as {"a": "1", "b": "2"}; SpecError naming the flag for anything else."""
    from hfcompare.refs import SpecError

    out = {}
    for part in (raw or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise SpecError(f"{flag} takes criterion=value pairs separated by commas, not {part.strip()!r}.")
        out[key.strip()] = value.strip()
    return out


def _finite(text: str, flag: str) -> float:
    from hfcompare.refs import SpecError

    try:
        value = float(text)
    except ValueError:
        raise SpecError(f"{flag}: {text!r} is not a number.") from None
    if not math.isfinite(value):
        raise SpecError(f"{flag}: {text!r} is not a finite number.")
    return value


def cmd_decide(args: argparse.Namespace) -> int:
    from hfcompare.decide.decision import DecisionError, decide, merge, read_measurements
    from hfcompare.decide.scorecard import PRESETS
    from hfcompare.decide.scoring import Limit, ScoringError
    from hfcompare.refs import SpecError

    try:
        weights = {k: _finite(v, "--weights") for k, v in _pairs(args.weights, "--weights").items()} \
            or dict(PRESETS["balanced"][args.task])
        limits = [Limit(k, at_most=_finite(v, "--at-most")) for k, v in _pairs(args.at_most, "--at-most").items()]
        limits += [Limit(k, at_least=_finite(v, "--at-least")) for k, v in _pairs(args.at_least, "--at-least").items()]
        if args.multilingual:
            limits.append(Limit("multilingual", at_least=1.0))
        anchors = {}
        for key, pair in _pairs(args.scale, "--scale").items():
            worst, sep, best = pair.partition(":")
            if not sep:
                raise SpecError(f"--scale takes criterion=worst:best, not {key}={pair}.")
            anchors[key] = {"worst": _finite(worst, "--scale"), "best": _finite(best, "--scale")}
        if not 0 < args.threshold <= 1 or not 0 <= args.margin <= 0.5:
            raise SpecError("--threshold must lie in (0, 1] and --margin in [0, 0.5].")
        decision = decide(args.task, merge([read_measurements(path) for path in args.input]), weights, limits,
                          anchors, args.threshold, args.margin, catalog=not args.no_catalog)
    except (DecisionError, SpecError, ScoringError) as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    if args.json:
        print(json.dumps(decision.as_json(), indent=2))
    else:
        found = decision.as_json()
        width = max(len(row["model"]) for row in found["ranking"])
        print(f"{'model':<{width}}  score  P(best)  status")
        for row in found["ranking"]:
            status = "excluded: " + "; ".join(row["excluded"]) if row["excluded"] else (
                f"unknown: {', '.join(row['unknown'])}" if row["unknown"] else "")
            print(f"{row['model']:<{width}}  {row['score']:.3f}  {row['p_best']:.2f}     {status}")
        print(f"\n{decision.verdict.text}")
    if args.expect and (decision.verdict.kind != "recommend" or decision.verdict.models[0] != args.expect):
        print(_one_line(f"error: the verdict is no longer 'recommend {args.expect}': {decision.verdict.text}"),
              file=sys.stderr)
        return EXIT_VERDICT_CHANGED
    return 0


def cmd_prune_calls(args: argparse.Namespace) -> int:
    """Delete logged calls older than --older-than-days from the store (this app's and production's)."""
    import time

    from hfcompare.storage.store import Store, StoreUnavailable

    if not 0 < args.older_than_days <= MAX_PRUNE_DAYS:   # inf or 1e308 would delete nothing and report success
        return _fail(f"--older-than-days must be a number of days above 0 and at most {MAX_PRUNE_DAYS:,}.",
                     EXIT_BAD_INPUT)
    try:
        store = Store()
    except StoreUnavailable as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    try:
        before = time.time() - args.older_than_days * 86_400
        deleted = store.delete_calls(before, args.source or None)
    except StoreUnavailable as exc:
        return _fail(str(exc), EXIT_MODEL_FAILED)
    finally:
        store.close()
    which = f" from {', '.join(args.source)}" if args.source else ""
    print(f"Deleted {deleted:,} call{'' if deleted == 1 else 's'}{which} older than {args.older_than_days:g} days "
          f"from {store.where}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from hfcompare.generation.checks import REFERENCE_THRESHOLD

    parser = argparse.ArgumentParser(prog="python -m hfcompare", description="Compare Hugging Face models.")
    sub = parser.add_subparsers(dest="command", required=True)

    models = sub.add_parser("models", help="list the models available here and whether each works offline")
    models.add_argument("--task", choices=["embeddings", "generation"], default=None)
    models.add_argument("--json", action="store_true", help="print a JSON list")
    models.add_argument("--backend", choices=["openai"], help="list the models a server offers instead")
    add_remote_flags(models)
    models.set_defaults(func=cmd_models)

    catalog = sub.add_parser("catalog", help="list the bundled catalog: published figures with their sources")
    catalog.add_argument("--task", choices=["embeddings", "generation"], default=None)
    catalog.add_argument("--json", action="store_true",
                         help="print a JSON list: id, task, and each figure with its value and source")
    catalog.set_defaults(func=cmd_catalog)

    embed = sub.add_parser("embed", help="embed a file of texts (one per line) into a .npy array")
    embed.add_argument("--model", required=True, help="model id, or backend:model-id")
    embed.add_argument("--backend", default="local", help="backend for a bare model id (default: local)")
    embed.add_argument("--input", required=True, help="text file, one text per line")
    embed.add_argument("--output", required=True,
                       help="where to write the (n, d) float32 .npy array (that very path; checked before the run)")
    embed.add_argument("--no-cache", action="store_true", help="neither read nor write the disk cache")
    embed.add_argument("--role", choices=["query", "document"],
                       help="embed the texts as queries or documents, with the model's prompt for that role "
                            "(its own configuration, else the catalog's); default: as typed, no prompt")
    embed.add_argument("--prompt", help="the text to put before each text instead (\"\" for none)")
    embed.add_argument("--max-texts", type=_above_zero(int), metavar="N",
                       help=f"refuse a file of more than N texts (default {MAX_TEXTS}); raise it on purpose for "
                            "bigger runs")
    add_remote_flags(embed)
    embed.set_defaults(func=cmd_embed)

    evaluate = sub.add_parser("evaluate", help="retrieval metrics of embedding models on labeled data")
    evaluate.add_argument("--models", required=True, help="comma-separated models, e.g. A,B or local:A,onnx:B")
    evaluate.add_argument("--corpus", help="corpus.jsonl of a BEIR-style set (_id, title, text)")
    evaluate.add_argument("--queries", help="queries.jsonl of a BEIR-style set (_id, text)")
    evaluate.add_argument("--qrels", help="qrels.tsv of a BEIR-style set (query-id, corpus-id, score; header)")
    evaluate.add_argument("--data", help="or one .csv (query,document[,score]) or .jsonl ({query, relevant}) file")
    evaluate.add_argument("--sample", action="store_true", help="or the bundled labeled sample")
    evaluate.add_argument("--pairs", metavar="FILE",
                          help="instead of retrieval, labeled pairs: a .csv/.tsv (text1,text2,label or the STS layout "
                               "sentence1,sentence2,score) or .jsonl; labels 1/0 (similar or not) or scores 0 to 5. "
                               "Prints Spearman, Pearson and, for 1/0 labels, ROC AUC and the gap, with 95%% "
                               "intervals, and each pair of models compared (Holm-corrected p)")
    evaluate.add_argument("--pairs-sample", action="store_true", help="or the bundled labeled pairs sample")
    evaluate.add_argument("--json", action="store_true",
                          help="print {model: {ndcg@10, mrr@10, map@100, recall@k, precision@k, accuracy@k}}")
    evaluate.add_argument("--budget-mb", type=float, default=64,
                          help="memory for one block of query-document scores (default 64)")
    evaluate.add_argument("--no-cache", action="store_true", help="neither read nor write the embedding cache")
    evaluate.add_argument("--max-texts", type=_above_zero(int), metavar="N",
                          help=f"refuse labeled data of more than N texts, corpus texts and queries together "
                               f"(default {EVALUATE_MAX_TEXTS:,}: the evaluation's limits of 50,000 texts and 5,000 "
                               "queries); raise it on purpose for bigger sets")
    evaluate.add_argument("--query-prompt", action="append", metavar="[MODEL=]TEXT",
                          help="text put before each query instead of the model's own prompt (its configuration, "
                               "else the catalog's): TEXT for every model, MODEL=TEXT for one (MODEL as in "
                               "--models, or its short name after the last '/'); \"\" for none. Repeatable. Text "
                               "before the first '=' with no space in it must name a model (else exit 2); a "
                               "prompt whose text before '=' has a space ('query: a=b') is taken whole, and "
                               "'=TEXT' is TEXT for every model, whatever it holds")
    evaluate.add_argument("--document-prompt", action="append", metavar="[MODEL=]TEXT",
                          help="the same for each corpus text (document)")
    add_remote_flags(evaluate)
    evaluate.set_defaults(func=cmd_evaluate)

    bench_cmd = sub.add_parser("bench", help="the benchmark for CI: embedding and/or generation models, "
                               "JSON/CSV/HTML results, non-zero exit on failure or a missed threshold")
    bench_cmd.add_argument("--models", help="embedding models, comma-separated (backend:model or Hub ids)")
    bench_cmd.add_argument("--texts", help="text file, one text per line (the first two should be alike)")
    bench_cmd.add_argument("--labeled", help="optional labeled data (.csv or .jsonl) for retrieval metrics")
    bench_cmd.add_argument("--generators", help="generation models, comma-separated")
    bench_cmd.add_argument("--prompts", help="prompts: one per line (.txt) or the sample's .json with checks")
    bench_cmd.add_argument("--max-tokens", type=int, default=128,
                           help=f"tokens per answer, 1 to {MAX_GENERATION_TOKENS} (default 128)")
    bench_cmd.add_argument("--max-texts", type=_above_zero(int), metavar="N",
                           help=f"refuse --texts or --labeled of more than N texts (default {MAX_TEXTS}); raise it "
                                "on purpose for bigger runs")
    bench_cmd.add_argument("--out", default="bench-results",
                           help="folder for bench.json, CSVs and the report (created; checked before the run)")
    bench_cmd.add_argument("--max-ms-per-text", type=float,
                           help="fail when a model's median ms per text (over the timed passes) is higher")
    bench_cmd.add_argument("--min-quality", type=float, help="fail when cosine(text 1, text 2) is lower")
    bench_cmd.add_argument("--min-ndcg", type=float, help="fail when nDCG@10 on --labeled is lower")
    bench_cmd.add_argument("--min-pass-rate", type=float, help="fail when a generator passes fewer checks")
    bench_cmd.add_argument("--reference-model", metavar="MODEL",
                           help="embedding model that scores the reference answers of a .json prompts file, e.g. "
                                "local:sentence-transformers/all-MiniLM-L6-v2 (without it they are not checked)")
    bench_cmd.add_argument("--reference-threshold", type=float, default=REFERENCE_THRESHOLD, metavar="COSINE",
                           help=f"similarity to the reference answer a check needs (default {REFERENCE_THRESHOLD}, "
                                "set for all-MiniLM-L6-v2; other models score higher or lower: see the README)")
    bench_cmd.add_argument("--min-tokens-per-s", type=float, help="fail when a generator is slower")
    bench_cmd.add_argument("--max-latency-s", type=float, help="fail when a generator's median latency is higher")
    bench_cmd.add_argument("--max-cost-per-1000", type=float, metavar="USD",
                           help="fail when a model's cost per 1,000 requests (texts or prompts) is higher, or "
                                "unknown (a limit that cannot be checked is not met)")
    bench_cmd.add_argument("--hourly-rate", metavar="USD",
                           help="US dollars per hour of the hardware self-hosted models run on (cost = measured "
                                "seconds × rate); default: HFCOMPARE_HOURLY_RATE, else the bundled, sourced "
                                "Inference Endpoints CPU price named in the output")
    bench_cmd.add_argument("--json", action="store_true",
                           help="print bench.json's record on stdout instead of the tables")
    bench_cmd.add_argument("--no-cache", action="store_true", help="neither read nor write the caches")
    bench_cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    add_remote_flags(bench_cmd)
    bench_cmd.set_defaults(func=cmd_bench)

    generate = sub.add_parser("generate", help="generate one answer and time it")
    generate.add_argument("--model", required=True, help="model id, or backend:model-id")
    generate.add_argument("--prompt", required=True)
    generate.add_argument("--system", default="", help="system prompt")
    generate.add_argument("--backend", default="local", help="backend for a bare model id (default: local)")
    generate.add_argument("--max-tokens", type=int, default=256,
                          help=f"tokens in the answer, 1 to {MAX_GENERATION_TOKENS} (default 256)")
    generate.add_argument("--temperature", type=float, default=0.0)
    generate.add_argument("--top-p", type=float, default=1.0)
    generate.add_argument("--seed", type=int, default=None, help=f"0 to {MAX_SEED} (default: none)")
    generate.add_argument("--json", action="store_true",
                          help="print text, latency_s, ttft_s, output_tokens, tokens_per_s (and more) as JSON")
    generate.add_argument("--no-cache", action="store_true", help="neither read nor write the generation cache")
    add_remote_flags(generate)
    generate.set_defaults(func=cmd_generate)

    copy = sub.add_parser("copy-store", help="copy a store (votes, share links, calls, A/B tests) into another, "
                                             "e.g. the SQLite file into PostgreSQL; safe to run again")
    copy.add_argument("--from", dest="source", default=None,
                      help="the store to copy: a SQLite file's path, or a database URL (sqlite:///path, "
                           "postgresql://...); default: the SQLite file under HFCOMPARE_HOME")
    copy.add_argument("--to", default=None, help="the store to copy into, a URL or a SQLite file's path "
                                                 "(default: HFCOMPARE_DATABASE_URL)")
    copy.add_argument("--json", action="store_true", help="print what was copied per table as JSON")
    copy.set_defaults(func=cmd_copy_store)

    prune = sub.add_parser("prune-calls", help="delete logged calls older than N days (production monitoring "
                                               "grows without end; run this from cron for a retention period)")
    prune.add_argument("--older-than-days", type=float, required=True)
    prune.add_argument("--source", action="append", default=[],
                       help="only the calls of this source (repeat for several; 'hfcompare' is this app's own)")
    prune.set_defaults(func=cmd_prune_calls)

    decide_cmd = sub.add_parser("decide", help="rank candidates from measurement files and print the verdict "
                                                "(recommend, too close to call, none qualifies)")
    decide_cmd.add_argument("--task", choices=["embeddings", "generation"], default="embeddings")
    decide_cmd.add_argument("--input", action="append", required=True, metavar="FILE",
                            help="a CSV (model,criterion,value[,low,high]), the JSON of `evaluate --json`, or a "
                                 "bench.json; repeat for several (later files win)")
    decide_cmd.add_argument("--weights", help="criterion=weight pairs, e.g. performance=40,speed=30,size=20,"
                                              "multilingual=10 (default: the brief's)")
    decide_cmd.add_argument("--at-most", help="must-haves, e.g. speed=50,size=500000000 (ms per text, parameters)")
    decide_cmd.add_argument("--at-least", help="must-haves, e.g. speed=20 for generation tokens/s")
    decide_cmd.add_argument("--multilingual", action="store_true", help="must be multilingual")
    decide_cmd.add_argument("--scale", help="value scales as criterion=worst:best, e.g. speed=500:1")
    decide_cmd.add_argument("--threshold", type=float, default=0.9, help="P(best) a recommendation needs (0.9)")
    decide_cmd.add_argument("--margin", type=float, default=0.02, help="scores closer than this are a tie (0.02)")
    decide_cmd.add_argument("--no-catalog", action="store_true", help="do not fill gaps from the catalog")
    decide_cmd.add_argument("--json", action="store_true",
                            help="print {ranking: [{model, score, p_best, excluded, unknown}], verdict: {kind, "
                                 "models, text}, weights, scales}")
    decide_cmd.add_argument("--expect", metavar="MODEL",
                            help=f"exit {EXIT_VERDICT_CHANGED} unless the verdict is to recommend MODEL (for CI)")
    decide_cmd.set_defaults(func=cmd_decide)
    return parser


def _home_problem(command: str) -> str | None:
    """What is wrong with HFCOMPARE_HOME (a file, a folder that cannot be created, or, for the commands
    that keep state, one this user cannot write), or None."""
    from hfcompare.config import HOME_ENV, HomeError, home

    try:
        folder = home()
    except HomeError as exc:
        return str(exc)
    if command not in ("models", "catalog") and not os.access(folder, os.W_OK | os.X_OK):
        return f"{HOME_ENV} is {folder}, which this user cannot write; set {HOME_ENV} to a folder this user can write."
    return None


def _config_file_problem() -> str | None:
    """A HFCOMPARE_CONFIG that is a pipe or a device (reading it could wait forever), or None."""
    import stat

    from hfcompare.config import CONFIG_ENV

    raw = os.environ.get(CONFIG_ENV, "").strip()
    try:
        mode = Path(raw).expanduser().stat().st_mode if raw else None
    except (OSError, RuntimeError, ValueError):   # missing (no config), or not a path: config_problem says
        return None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return f"{CONFIG_ENV} is {raw}, which is not a regular file; name a config.toml file, or unset it."
    return None


def main(argv: list[str] | None = None) -> int:
    _inert_terminals()
    args = build_parser().parse_args(argv)
    from hfcompare.backends.remote.common import config_problem
    from hfcompare.config import CONFIG_ENV, HomeError

    problem = _home_problem(args.command) or _config_file_problem()
    if problem:
        return _fail(problem, EXIT_BAD_INPUT)
    try:
        problem = config_problem()
    except (RuntimeError, ValueError) as exc:   # HFCOMPARE_CONFIG=~nobody/config.toml, or a NUL byte
        problem = f"{CONFIG_ENV} names no usable file ({exc})."
    if problem:
        return _fail(f"{problem} Fix or remove the config file (its path: HFCOMPARE_CONFIG, or config.toml "
                     "in HFCOMPARE_HOME).", EXIT_BAD_INPUT)
    from hfcompare.backends.local.cpu import threads_problem

    threads = threads_problem()
    if threads:   # a wrong thread count is not worth refusing the command: said, then "auto"
        print(f"hfcompare: warning: {threads}", file=sys.stderr)
    try:
        return args.func(args)
    except HomeError as exc:   # HFCOMPARE_MODELS, read when a bundled model is assembled
        return _fail(str(exc), EXIT_BAD_INPUT)
    except ModuleNotFoundError as exc:   # `pip install hfcompare` alone: the store's commands only
        if not exc.name or exc.name.startswith("hfcompare"):
            raise
        return _fail(f"`hfcompare {args.command}` needs the app's dependencies ({exc.name} is not installed): "
                     'pip install "hfcompare[app]".', EXIT_BAD_INPUT)


def run() -> None:
    """The `hfcompare` command and `python -m hfcompare`: main(), then exit with its code."""
    import os

    try:   # a file name that is not UTF-8, or a terminal that cannot show a character, prints escaped
        sys.stdout.reconfigure(errors="backslashreplace")
    except (AttributeError, ValueError):
        pass
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader (`| head`) stopped early: not an error of ours; silence the final flush too
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
