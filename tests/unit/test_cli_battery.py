"""A battery of bad command lines (issue 25, points 5 and 6): every command with bad numbers (nan, inf,
negative, huge), bad paths, bad homes, empty, binary and non-UTF-8 files, huge line counts, unknown
models and bad JSON. Each case must end with exit 0, 1 or 2 (3: a bench threshold missed) and, when it
fails, one-line `error: ...` messages on stderr, never a traceback. Cases that could hang run in a
subprocess whose timeout is only a hang guard, never a timed assertion.

The named tests at the end are the cases the audit found; each failed before the fix.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hfcompare.cli import MAX_GENERATION_TOKENS, main
from hfcompare.config import MAX_CHARS_PER_TEXT, MAX_TEXTS

#: A hang guard for subprocess cases (never a speed target).
HANG_GUARD_S = 120
BIG_LINES = 20_000
GGUF_MODEL = "local:HuggingFaceTB/SmolLM2-135M-Instruct"

BAD = {2}            # refused as bad input
FAILED = {1}         # the model failed
OK = {0}
ANY = {0, 1, 2}      # any clean outcome
BENCH_ANY = {0, 1, 2, 3}


def _write_inputs(root: Path) -> dict[str, str]:
    """Every input file the cases name, by placeholder (`@name` in a case's arguments)."""
    root.mkdir(parents=True, exist_ok=True)

    def write(name: str, data: bytes | str) -> str:
        path = root / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return str(path)

    files = {
        "texts": write("texts.txt", "How do I create an invoice?\nInvoice creation steps\nReset my password\n"),
        "one": write("one.txt", "just one text\n"),
        "empty": write("empty.txt", b""),
        "blank": write("blank.txt", "\n \n\t\n\n"),
        "binary": write("binary.bin", bytes(range(256)) * 8),
        "latin1": write("latin1.txt", b"caf\xe9\nna\xefve\n"),
        "utf16": write("utf16.txt", "hello\nworld\n".encode("utf-16")),
        "nul": write("nul.txt", b"one\x00two\nthree\n"),
        "crlf": write("crlf.txt", b"first text\r\nsecond text\r\n"),
        "bom": write("bom.txt", b"\xef\xbb\xbffirst\nsecond\n"),
        "emoji": write("emoji.txt", "\U0001f600 smile\n\u2028separated\u2029lines\ncaf\u00e9\n"),
        "big": write("big.txt", "".join(f"text number {i}\n" for i in range(BIG_LINES))),
        "at_limit": write("at_limit.txt", "".join(f"text {i}\n" for i in range(MAX_TEXTS))),
        "over_limit": write("over_limit.txt", "".join(f"text {i}\n" for i in range(MAX_TEXTS + 1))),
        "long_line": write("long_line.txt", "short\n" + "x" * (MAX_CHARS_PER_TEXT + 1) + "\n"),
        "notes": write("notes.txt", "These are my notes.\nNot a database.\n"),
        "bad_json": write("bad.json", '{"prompts": [1, 2'),
        "wrong_json": write("wrong.json", "[1, 2, 3]"),
        "deep_json": write("deep.json", "[" * 5_000),
        "null_json": write("null.json", "null"),
        "prompts_json": write("prompts.json", json.dumps({"prompts": [{"prompt": "Say hi", "keywords": "hi"}]})),
        "nan_json": write("nan.json", '{"prompts": [{"prompt": "hi", "max_chars": NaN}]}'),
        "prompts_txt": write("prompts.txt", "Say hello.\nName a colour.\n"),
        "csv": write("pairs.csv",
                     "query,document\nhow to pay,Pay by card\nreset password,Reset it here\n,a distractor\n"),
        "csv_header": write("header.csv", "query,document\n"),
        "csv_bad": write("bad.csv", "no,such,columns\n1,2,3\n"),
        "csv_nan_score": write("nan_score.csv", "query,document,score\nq,d,nan\n"),
        "jsonl": write("pairs.jsonl", '{"query": "how to pay", "relevant": ["Pay by card"]}\n{"document": "other"}\n'),
        "jsonl_bad": write("bad.jsonl", '{"query": "q", "relevant": ["d"]}\n{not json\n'),
        "jsonl_deep": write("deep.jsonl", '{"query": "q", "relevant": ["d"]}\n' + "[" * 5_000 + "\n"),
        "big_csv": write("big.csv", "query,document\n" + "".join(f"question {i},answer {i}\n" for i in range(600))),
        "corpus": write("corpus.jsonl", '{"_id": "d1", "title": "", "text": "Pay by card"}\n'
                                        '{"_id": "d2", "title": "", "text": "Reset it here"}\n'),
        "queries": write("queries.jsonl", '{"_id": "q1", "text": "how to pay"}\n'),
        "qrels": write("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n"),
        "qrels_bad": write("qrels_bad.tsv", "query-id\tcorpus-id\tscore\nq1\tnowhere\t1\n"),
        "qrels_inf": write("qrels_inf.tsv", "query-id\tcorpus-id\tscore\nq1\td1\tinf\n"),
        "toml_bad": write("bad.toml", "[openai\nbase_url = 1\n"),
        "afile": write("afile", "a plain file\n"),
        # decide's measurement files
        "m_csv": write("m.csv", "model,criterion,value\nlexical:a,performance,0.5\nlexical:b,performance,0.6\n"
                                "lexical:a,speed,3\nlexical:b,speed,4\n"),
        "m_nan_csv": write("m_nan.csv", "model,criterion,value,low,high\nlexical:a,performance,0.5,nan,1e309\n"),
        "m_nul_csv": write("m_nul.csv", "model,criterion,value\nlexical:a\x00b,performance,0.5\n"),
        "m_field_csv": write("m_field.csv", "model,criterion,value\n" + "a" * 200_000 + ",performance,0.5\n"),
        "m_control_csv": write("m_control.csv", "model,criterion,value\n\x1b[31mred,performance,0.5\nb,speed,3\n"),
        "m_many_csv": write("m_many.csv", "model,criterion,value\n" + "".join(f"m{i},performance,0.{i % 9}\n"
                                                                              for i in range(1_001))),
        "m_latin1_csv": write("m_latin1.csv", b"model,criterion,value\ncaf\xe9,performance,0.5\n"),
        "m_binary_json": write("m_binary.json", bytes(range(256)) * 8),
        "m_deep_json": write("m_deep.json", "[" * 100_000),
        "m_nan_json": write("m_nan.json", '{"lexical:a": {"ndcg@10": NaN}}'),
        "m_list_json": write("m_list.json", "[1, 2]"),
        "m_eval_json": write("m_eval.json", json.dumps({"lexical:a": {"ndcg@10": 0.5, "ndcg@10_per_query": [0.4, 0.6]},
                                                        "lexical:b": {"ndcg@10": 0.4, "ndcg@10_per_query": [0.3, 0.5]}})),
        "m_per_query_words_json": write("m_pq_words.json", json.dumps(
            {"lexical:a": {"ndcg@10": 0.5, "ndcg@10_per_query": ["x", None]}})),
        "m_per_query_number_json": write("m_pq_number.json", json.dumps({"lexical:a": {"ndcg@10": 0.5,
                                                                                       "ndcg@10_per_query": 5}})),
        "m_bench_rows_json": write("m_bench_rows.json", json.dumps(
            {"embeddings": [{"model": 5, "ms_per_text": "fast"}, None, [1]], "generation": "x"})),
        "m_bench_shape_json": write("m_bench_shape.json", json.dumps({"embeddings": {"models": []}})),
        "m_bench_words_json": write("m_bench_words.json", json.dumps(
            {"embeddings": [{"model": "lexical:a", "ndcg@10": "high", "cold_ms_per_text": 3}],
             "generation": [{"model": "lexical:g", "pass_rate": "most"}]})),
    }
    folder = root / "a_folder"
    folder.mkdir(exist_ok=True)
    files["dir"] = str(folder)
    files["missing"] = str(root / "missing.txt")
    files["missing_dir_file"] = str(root / "no" / "such" / "folder" / "out.npy")
    files["under_file"] = str(root / "afile" / "sub")
    fifo = root / "fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    files["fifo"] = str(fifo)
    files["long_name"] = str(root / ("n" * 300 + ".npy"))
    files["out_npy"] = str(root / "out" / "vectors.npy")
    files["out_plain"] = str(root / "vectors")
    files["out_dir"] = str(root / "bench-out")
    (root / "out").mkdir(exist_ok=True)
    files["new_db"] = str(root / "new.sqlite3")
    files["store"] = str(root / "store.sqlite3")
    from hfcompare.storage.store import Store

    Store(path=Path(files["store"])).close()
    return files


def _expand(args: list[str], files: dict[str, str]) -> list[str]:
    return [files[a[1:]] if a.startswith("@") and a[1:] in files else a for a in args]


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    """main() in this process; argparse's own refusals (SystemExit) count as their exit code."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _assert_clean(code: int, err: str, allowed: set[int], argv) -> None:
    assert code in allowed, (code, argv, err[-2000:])
    assert "Traceback" not in err, (argv, err[-2000:])
    if code not in (0, 3) and "usage:" not in err:   # our own refusals: one-line `error:` messages
        lines = [line for line in err.splitlines() if line.strip()]
        assert any(line.startswith("error: ") for line in lines), (argv, err[-2000:])


# ---------------------------------------------------------------------------------------------- cases

EMBED = ["embed", "--model", "lexical:tfidf", "--input", "@texts", "--output", "@out_npy"]


def _embed(**changes) -> list[str]:
    args = {"--model": "lexical:tfidf", "--input": "@texts", "--output": "@out_npy", **changes}
    return ["embed", *[x for k, v in args.items() if v is not None for x in (k, v)]]


CASES: list[tuple[str, list[str], set[int]]] = []


def case(name: str, args: list[str], allowed: set[int]) -> None:
    CASES.append((name, args, allowed))


# embed: models
for name, model, allowed in [
    ("ok", "lexical:tfidf", OK), ("unknown-backend", "nope:x", BAD), ("empty", "", BAD), ("space", " ", BAD),
    ("backend-only", "lexical:", BAD), ("colon", ":", BAD), ("local-empty", "local:", BAD),
    ("very-long", "a" * 500, BAD), ("spaces", "bge small en", BAD),
    ("near-miss", "local:sentence-transformers/all-MiniLM-L6-v3", BAD),
    ("not-bundled-offline", "local:example-org/not-bundled", ANY), ("onnx-unknown", "onnx:nope/nope", ANY),
    ("lexical-unknown", "lexical:nope", ANY), ("path-escape", "../../etc/passwd", ANY),
    ("a-folder", "local:/etc", ANY), ("control-char", "lexical:tf\nidf", BAD), ("nul-ish", "local:a\tb", BAD),
]:
    case(f"embed-model-{name}", _embed(**{"--model": model}), allowed)
# embed: inputs
for name, source, allowed in [
    ("missing", "@missing", BAD), ("folder", "@dir", BAD), ("empty", "@empty", BAD), ("blank-lines", "@blank", BAD),
    ("binary", "@binary", BAD), ("latin1", "@latin1", BAD), ("utf16", "@utf16", BAD), ("nul", "@nul", BAD),
    ("crlf", "@crlf", OK), ("bom", "@bom", OK), ("emoji-and-separators", "@emoji", OK), ("one-text", "@one", OK),
    ("20000-lines", "@big", BAD), ("at-limit", "@at_limit", OK), ("over-limit", "@over_limit", BAD),
    ("long-line", "@long_line", BAD), ("fifo-no-writer", "@fifo", BAD), ("dev-null", "/dev/null", BAD),
    ("proc-missing", "/proc/nope/texts.txt", BAD), ("empty-path", "", BAD), ("json", "@bad_json", ANY),
    ("name-too-long", "@long_name", BAD),
]:
    case(f"embed-input-{name}", _embed(**{"--input": source}), allowed)
# embed: outputs
for name, out, allowed in [
    ("folder", "@dir", BAD), ("proc-missing", "/proc/nope/out.npy", BAD), ("proc-file", "/proc/self/status", BAD),
    ("proc-folder", "/proc/self/out.npy", BAD), ("missing-folder", "@missing_dir_file", BAD),
    ("under-a-file", "@under_file", BAD), ("existing-file", "@afile", OK), ("no-suffix", "@out_plain", OK),
    ("empty", "", BAD), ("fifo", "@fifo", BAD), ("dev-null", "/dev/null", OK), ("name-too-long", "@long_name", BAD),
]:
    case(f"embed-output-{name}", _embed(**{"--output": out}), allowed)
# embed: limits, prompts, roles, remote flags
for name, extra, allowed in [
    ("max-texts-raised", ["--input", "@over_limit", "--max-texts", str(MAX_TEXTS + 1)], OK),
    ("max-texts-lowered", ["--max-texts", "2"], BAD), ("max-texts-0", ["--max-texts", "0"], BAD),
    ("max-texts-negative", ["--max-texts", "-1"], BAD), ("max-texts-nan", ["--max-texts", "nan"], BAD),
    ("max-texts-inf", ["--max-texts", "inf"], BAD), ("max-texts-word", ["--max-texts", "many"], BAD),
    ("max-texts-float", ["--max-texts", "1.5"], BAD), ("max-texts-huge", ["--max-texts", "9" * 30], OK),
    ("role-query", ["--role", "query"], OK),
    ("role-bad", ["--role", "both"], BAD),
    ("prompt-empty", ["--prompt", ""], OK),
    ("prompt-newline", ["--prompt", "a\nb"], BAD), ("prompt-huge", ["--prompt", "p" * 100_000], ANY),
    ("prompt-surrogate", ["--prompt", "\udcff"], ANY), ("backend-unknown", ["--backend", "nope"], ANY),
    ("batch-size-0", ["--batch-size", "0"], BAD), ("batch-size-nan", ["--batch-size", "nan"], BAD),
    ("batch-size-negative", ["--batch-size", "-3"], BAD), ("timeout-nan", ["--timeout", "nan"], BAD),
    ("timeout-inf", ["--timeout", "inf"], BAD), ("timeout-negative", ["--timeout", "-5"], BAD),
    ("concurrency-huge", ["--concurrency", "9" * 20], OK), ("no-cache", ["--no-cache"], OK),
]:
    case(f"embed-{name}", EMBED + extra, allowed)

# evaluate
EVALUATE = ["evaluate", "--models", "lexical:tfidf"]
for name, extra, allowed in [
    ("sample", ["--sample"], OK), ("sample-json", ["--sample", "--json"], OK),
    ("budget-nan", ["--sample", "--budget-mb", "nan"], BAD), ("budget-inf", ["--sample", "--budget-mb", "inf"], BAD),
    ("budget-minus-inf", ["--sample", "--budget-mb=-inf"], BAD),
    ("budget-negative", ["--sample", "--budget-mb", "-1"], BAD), ("budget-0", ["--sample", "--budget-mb", "0"], BAD),
    ("budget-tiny", ["--sample", "--budget-mb", "1e-300"], OK),
    ("budget-huge", ["--sample", "--budget-mb", "1e300"], OK),
    ("budget-word", ["--sample", "--budget-mb", "lots"], BAD), ("budget-empty", ["--sample", "--budget-mb", ""], BAD),
    ("no-data", [], BAD), ("data-missing", ["--data", "@missing"], BAD), ("data-folder", ["--data", "@dir"], BAD),
    ("data-empty", ["--data", "@empty"], BAD), ("data-binary", ["--data", "@binary"], BAD),
    ("data-latin1", ["--data", "@latin1"], BAD), ("data-csv", ["--data", "@csv"], OK),
    ("data-csv-header-only", ["--data", "@csv_header"], BAD), ("data-csv-bad-columns", ["--data", "@csv_bad"], BAD),
    ("data-csv-nan-score", ["--data", "@csv_nan_score"], BAD), ("data-jsonl", ["--data", "@jsonl"], OK),
    ("data-jsonl-bad", ["--data", "@jsonl_bad"], BAD), ("data-jsonl-deep", ["--data", "@jsonl_deep"], BAD),
    ("data-txt", ["--data", "@texts"], BAD), ("data-json", ["--data", "@bad_json"], BAD),
    ("data-fifo", ["--data", "@fifo"], BAD), ("data-dev-null", ["--data", "/dev/null"], BAD),
    ("data-over-limit", ["--data", "@big_csv", "--max-texts", "500"], BAD),
    ("data-over-limit-raised", ["--data", "@big_csv", "--max-texts", "2000"], OK),
    ("max-texts-0", ["--sample", "--max-texts", "0"], BAD), ("max-texts-nan", ["--sample", "--max-texts", "nan"], BAD),
    ("max-texts-low", ["--sample", "--max-texts", "10"], BAD),
    ("beir", ["--corpus", "@corpus", "--queries", "@queries", "--qrels", "@qrels"], OK),
    ("beir-corpus-only", ["--corpus", "@corpus"], BAD),
    ("beir-bad-qrels", ["--corpus", "@corpus", "--queries", "@queries", "--qrels", "@qrels_bad"], BAD),
    ("beir-inf-score", ["--corpus", "@corpus", "--queries", "@queries", "--qrels", "@qrels_inf"], BAD),
    ("beir-swapped", ["--corpus", "@qrels", "--queries", "@queries", "--qrels", "@corpus"], BAD),
    ("beir-missing", ["--corpus", "@missing", "--queries", "@queries", "--qrels", "@qrels"], BAD),
    ("query-prompt-other-model", ["--sample", "--query-prompt", "lexical:other=x "], BAD),
    ("query-prompt-empty", ["--sample", "--query-prompt", ""], OK),
    ("document-prompt-newline", ["--sample", "--document-prompt", "a\nb"], BAD),
    ("timeout-nan", ["--sample", "--timeout", "nan"], BAD),
    ("batch-size-inf", ["--sample", "--batch-size", "inf"], BAD),
]:
    case(f"evaluate-{name}", EVALUATE + extra, allowed)
for name, models, allowed in [
    ("empty", "", BAD),
    ("commas", ",,,", BAD),
    ("unknown-backend", "nope:x", BAD),
    ("spaces", "lexical:tfidf,bge small en", BAD),
    ("seven", ",".join(f"lexical:m{i}" for i in range(7)), BAD), ("duplicate", "lexical:tfidf,lexical:tfidf", ANY),
    ("near-miss", "local:sentence-transformers/all-MiniLM-L6-v3", BAD),
    ("not-bundled-offline", "local:example-org/x", ANY),
    ("huge-list", ",".join(["lexical:tfidf"] * 10_000), ANY),
]:
    case(f"evaluate-models-{name}", ["evaluate", "--models", models, "--sample"], allowed)

# bench
BENCH = ["bench", "--quiet", "--out", "@out_dir"]
BENCH_EMBED = BENCH + ["--models", "lexical:tfidf", "--texts", "@texts"]
BENCH_GEN = BENCH + ["--generators", "fake:fake-a", "--prompts", "@prompts_txt"]
for name, extra, allowed in [
    ("embed-ok", [], OK), ("texts-missing", ["--texts", "@missing"], BAD), ("texts-folder", ["--texts", "@dir"], BAD),
    ("texts-empty", ["--texts", "@empty"], BAD), ("texts-one", ["--texts", "@one"], BAD),
    ("texts-binary", ["--texts", "@binary"], BAD), ("texts-latin1", ["--texts", "@latin1"], BAD),
    ("texts-utf16", ["--texts", "@utf16"], BAD), ("texts-20000-lines", ["--texts", "@big"], BAD),
    ("texts-over-limit", ["--texts", "@over_limit"], BAD), ("texts-long-line", ["--texts", "@long_line"], BAD),
    ("texts-fifo", ["--texts", "@fifo"], BAD), ("max-texts-0", ["--max-texts", "0"], BAD),
    ("max-texts-low", ["--max-texts", "2"], BAD), ("labeled-bad", ["--labeled", "@jsonl_bad"], BAD),
    ("labeled-missing", ["--labeled", "@missing"], BAD), ("labeled-over-limit", ["--labeled", "@big_csv"], BAD),
    ("labeled-ok", ["--labeled", "@jsonl"], BENCH_ANY),
    ("out-file", ["--out", "@afile"], BAD), ("out-proc", ["--out", "/proc/nope/out.json"], BAD),
    ("out-proc-self", ["--out", "/proc/self"], BAD), ("out-under-file", ["--out", "@under_file"], BAD),
    ("out-dev-null", ["--out", "/dev/null"], BAD), ("out-empty", ["--out", ""], BAD),
    ("out-name-too-long", ["--out", "@long_name"], BAD),
    ("min-quality-nan", ["--min-quality", "nan"], BAD), ("min-quality-inf", ["--min-quality", "inf"], BAD),
    ("max-ms-nan", ["--max-ms-per-text", "nan"], BAD), ("max-ms-minus-inf", ["--max-ms-per-text=-inf"], BAD),
    ("min-ndcg-nan", ["--min-ndcg", "nan"], BAD), ("min-quality-word", ["--min-quality", "high"], BAD),
    ("min-quality-high", ["--min-quality", "0.999"], {3}), ("models-unknown", ["--models", "nope:x"], BAD),
    ("models-seven", ["--models", ",".join(f"lexical:m{i}" for i in range(7))], BAD),
    ("models-not-bundled", ["--models", "lexical:tfidf,local:example-org/x"], BENCH_ANY),
    ("hourly-rate-nan", ["--hourly-rate", "nan"], BAD), ("hourly-rate-inf", ["--hourly-rate", "inf"], BAD),
    ("hourly-rate-negative", ["--hourly-rate=-1"], BAD), ("hourly-rate-word", ["--hourly-rate", "cheap"], BAD),
    ("hourly-rate-empty", ["--hourly-rate", ""], BAD), ("hourly-rate-huge", ["--hourly-rate", "1e999"], BAD),
    ("hourly-rate-zero", ["--hourly-rate", "0"], OK), ("max-cost-nan", ["--max-cost-per-1000", "nan"], BAD),
    ("max-cost-negative", ["--max-cost-per-1000=-1"], BAD), ("max-cost-word", ["--max-cost-per-1000", "x"], BAD),
    ("max-cost-zero", ["--max-cost-per-1000", "0"], {3}),
]:
    case(f"bench-{name}", BENCH_EMBED + extra, allowed)
for name, extra, allowed in [
    ("gen-ok", [], OK), ("nothing", None, BAD), ("models-without-texts", ["--models", "lexical:tfidf"], BAD),
    ("max-tokens-0", ["--max-tokens", "0"], BAD), ("max-tokens-negative", ["--max-tokens", "-5"], BAD),
    ("max-tokens-huge", ["--max-tokens", "10000000"], BAD),
    ("max-tokens-cap", ["--max-tokens", str(MAX_GENERATION_TOKENS)], OK),
    ("max-tokens-nan", ["--max-tokens", "nan"], BAD), ("max-tokens-30-digits", ["--max-tokens", "9" * 30], BAD),
    ("prompts-bad-json", ["--prompts", "@bad_json"], BAD), ("prompts-wrong-json", ["--prompts", "@wrong_json"], BAD),
    ("prompts-deep-json", ["--prompts", "@deep_json"], BAD), ("prompts-null-json", ["--prompts", "@null_json"], BAD),
    ("prompts-nan-json", ["--prompts", "@nan_json"], ANY), ("prompts-json", ["--prompts", "@prompts_json"], OK),
    ("prompts-empty", ["--prompts", "@empty"], BAD), ("prompts-binary", ["--prompts", "@binary"], BAD),
    ("prompts-missing", ["--prompts", "@missing"], BAD), ("prompts-folder", ["--prompts", "@dir"], BAD),
    ("prompts-20000-lines", ["--prompts", "@big"], BAD), ("prompts-fifo", ["--prompts", "@fifo"], BAD),
    ("generators-unknown", ["--generators", "nope:x"], BAD),
    ("generators-broken", ["--generators", "fake:fake-broken"], FAILED),
    ("reference-threshold-nan", ["--prompts", "@prompts_json", "--reference-model", "fake:fake-b",
                                 "--reference-threshold", "nan"], BAD),
    ("reference-threshold-inf", ["--prompts", "@prompts_json", "--reference-model", "fake:fake-b",
                                 "--reference-threshold", "inf"], BAD),
    ("reference-model-unknown", ["--prompts", "@prompts_json", "--reference-model", "nope:x"], BAD),
    ("min-pass-rate-nan", ["--min-pass-rate", "nan"], BAD), ("min-tokens-inf", ["--min-tokens-per-s", "inf"], BAD),
    ("max-latency-nan", ["--max-latency-s", "nan"], BAD),
]:
    case(f"bench-{name}", BENCH if extra is None else BENCH_GEN + extra, allowed)

# generate
GENERATE = ["generate", "--model", "fake:fake-a", "--prompt", "How do I pay?"]
for name, extra, allowed in [
    ("ok", [], OK), ("json", ["--json"], OK), ("max-tokens-0", ["--max-tokens", "0"], BAD),
    ("max-tokens-negative", ["--max-tokens", "-1"], BAD),
    ("max-tokens-cap", ["--max-tokens", str(MAX_GENERATION_TOKENS)], OK),
    ("max-tokens-over-cap", ["--max-tokens", str(MAX_GENERATION_TOKENS + 1)], BAD),
    ("max-tokens-10m", ["--max-tokens", "10000000"], BAD), ("max-tokens-30-digits", ["--max-tokens", "9" * 30], BAD),
    ("max-tokens-float", ["--max-tokens", "1.5"], BAD), ("temperature-nan", ["--temperature", "nan"], BAD),
    ("temperature-inf", ["--temperature", "inf"], BAD), ("temperature-negative", ["--temperature", "-1"], BAD),
    ("temperature-6", ["--temperature", "6"], BAD),
    ("top-p-0", ["--top-p", "0"], BAD),
    ("top-p-nan", ["--top-p", "nan"], BAD),
    ("top-p-2", ["--top-p", "2"], BAD),
    ("seed-negative", ["--seed", "-1"], BAD),
    ("seed-huge", ["--seed", "9" * 30], BAD),
    ("seed-word", ["--seed", "lucky"], BAD),
    ("seed-ok", ["--seed", "42"], OK),
    ("system-surrogate", ["--system", "\udcff"], ANY),
    ("system-huge", ["--system", "s" * 100_000], ANY), ("timeout-nan", ["--timeout", "nan"], BAD),
]:
    case(f"generate-{name}", GENERATE + extra, allowed)
for name, model, prompt, allowed in [
    ("prompt-empty", "fake:fake-a", "", BAD), ("prompt-blank", "fake:fake-a", "   ", BAD),
    ("prompt-surrogate", "fake:fake-a", "\udcff", ANY), ("prompt-nul", "fake:fake-a", "a\x00b", ANY),
    ("prompt-huge", "fake:fake-a", "word " * 50_000, ANY), ("model-unknown-backend", "nope:x", "hi", BAD),
    ("model-empty", "", "hi", BAD), ("model-broken", "fake:fake-broken", "hi", FAILED),
    ("model-near-miss", "local:HuggingFaceTB/SmolLM2-135M-Instrct", "hi", BAD),
    ("model-not-bundled-offline", "local:example-org/nothing-here", "hi", ANY),
    ("model-missing-gguf", "local:/nope/x.gguf", "hi", ANY),
]:
    case(f"generate-{name}", ["generate", "--model", model, "--prompt", prompt], allowed)

# copy-store
for name, extra, allowed in [
    ("from-text-file", ["--from", "@notes", "--to", "@new_db"], BAD),
    ("from-missing", ["--from", "@missing", "--to", "@new_db"], BAD),
    ("from-folder", ["--from", "@dir", "--to", "@new_db"], BAD),
    ("from-empty", ["--from", "@empty", "--to", "@new_db"], BAD),
    ("from-binary", ["--from", "@binary", "--to", "@new_db"], BAD),
    ("from-fifo", ["--from", "@fifo", "--to", "@new_db"], BAD),
    ("from-dev-null", ["--from", "/dev/null", "--to", "@new_db"], BAD),
    ("from-memory", ["--from", "sqlite://", "--to", "@new_db"], BAD),
    ("from-store", ["--from", "@store", "--to", "@new_db"], OK),
    ("to-text-file", ["--from", "@store", "--to", "@notes"], BAD),
    ("to-folder", ["--from", "@store", "--to", "@dir"], BAD),
    ("to-binary", ["--from", "@store", "--to", "@binary"], BAD),
    ("to-same", ["--from", "@store", "--to", "@store"], BAD),
    ("to-empty-file", ["--from", "@store", "--to", "@empty"], OK),
    ("to-proc", ["--from", "@store", "--to", "/proc/nope/x.db"], BAD), ("to-nothing", ["--from", "@store"], BAD),
    ("to-refused-port", ["--from", "@store", "--to", "postgresql://user:secret@127.0.0.1:1/db"], {1, 2}),
    ("to-unknown-scheme", ["--from", "@store", "--to", "nosuchdb://x/y"], BAD),
    ("to-garbage-url", ["--from", "@store", "--to", "://"], BAD),
    ("from-url-missing", ["--from", "sqlite:///@missing", "--to", "@new_db"], BAD),
    ("default-source-missing", ["--to", "@new_db"], BAD),
    ("json", ["--from", "@store", "--to", "@new_db", "--json"], OK),
]:
    case(f"copy-store-{name}", ["copy-store", *extra], allowed)

# decide (issue 25: the commands added since the battery was written get the same hostile values)
DECIDE = ["decide", "--input", "@m_csv"]
for name, extra, allowed in [
    ("ok", [], OK), ("json", ["--json"], OK), ("task-generation", ["--task", "generation"], OK),
    ("task-bad", ["--task", "chat"], BAD), ("no-input", None, BAD),
    ("evaluate-json", ["--input", "@m_eval_json"], OK), ("many-inputs", ["--input", "@m_csv"] * 200, OK),
    ("expect-other", ["--expect", "lexical:nobody"], {3}), ("expect-huge", ["--expect", "x" * 100_000], {3}),
    ("expect-empty", ["--expect", ""], OK),
    ("control-characters", ["--input", "@m_control_csv"], OK), ("nul-csv", ["--input", "@m_nul_csv"], ANY),
    ("weights-only-commas", ["--weights=,,,"], OK),   # no weights given: the preset's
]:
    case(f"decide-{name}", ["decide"] if extra is None else DECIDE + extra, allowed)
for name, source in [
    ("missing", "@missing"), ("folder", "@dir"), ("empty", "@empty"), ("empty-name", ""), ("fifo", "@fifo"),
    ("dev-zero", "/dev/zero"), ("dev-null", "/dev/null"), ("proc-status", "/proc/self/status"),
    ("latin1", "@m_latin1_csv"), ("binary-json", "@m_binary_json"), ("deep-json", "@m_deep_json"),
    ("nan-json", "@m_nan_json"), ("list-json", "@m_list_json"), ("nan-csv", "@m_nan_csv"),
    ("field-over-csv-limit", "@m_field_csv"), ("1001-models", "@m_many_csv"),
    ("per-query-words", "@m_per_query_words_json"), ("per-query-not-a-list", "@m_per_query_number_json"),
    ("bench-rows-not-objects", "@m_bench_rows_json"), ("bench-rows-not-a-list", "@m_bench_shape_json"),
    ("bench-values-words", "@m_bench_words_json"), ("text-file", "@texts"),
]:
    case(f"decide-input-{name}", ["decide", "--input", source], BAD)
for flag, values in [
    ("--threshold", ["nan", "inf", "-1", "1e309", "0", "2", "", "most"]),
    ("--margin", ["nan", "inf", "-1", "1e309", "0.6", ""]),
    ("--weights", ["performance=nan", "performance=inf", "performance=-1", "performance=1e309", "performance=0",
                   "performance=", "=1", "nope=1", "performance"]),
    ("--at-most", ["speed=nan", "speed=inf", "speed=1e309", "speed=", "nope=1"]),
    ("--at-least", ["speed=-inf", "speed=word"]),
    ("--scale", ["speed=nan:1", "speed=1:1", "speed=1:2:3", "speed=1", "speed=inf:1", "speed=:"]),
]:
    for value in values:
        case(f"decide{flag}-{value or 'empty'}", DECIDE + [f"{flag}={value}"], BAD)

# the flags added since the battery was written, with the same hostile values
for name, extra, allowed in [
    ("json", ["--json"], OK), ("json-max-cost-zero", ["--json", "--max-cost-per-1000", "0"], {3}),
    ("max-cost-inf", ["--max-cost-per-1000", "inf"], BAD), ("max-cost-1e309", ["--max-cost-per-1000", "1e309"], BAD),
    ("max-cost-empty", ["--max-cost-per-1000", ""], BAD), ("hourly-rate-minus-inf", ["--hourly-rate=-inf"], BAD),
    ("hourly-rate-1e309", ["--hourly-rate", "1e309"], BAD), ("hourly-rate-tiny", ["--hourly-rate", "1e-320"], OK),
]:
    case(f"bench-new-{name}", BENCH_EMBED + extra, allowed)
for name, value, allowed in [("1e309", "1e309", BAD), ("minus-zero", "-0", BAD)]:
    case(f"evaluate-budget-{name}", EVALUATE + ["--sample", f"--budget-mb={value}"], allowed)

# prune-calls
for name, extra, allowed in [
    ("nan", ["--older-than-days", "nan"], BAD),
    ("inf", ["--older-than-days", "inf"], BAD),
    ("minus-inf", ["--older-than-days=-inf"], BAD),
    ("negative", ["--older-than-days=-1"], BAD),
    ("zero", ["--older-than-days", "0"], BAD),
    ("huge", ["--older-than-days", "1e308"], BAD),
    ("a-thousand-years", ["--older-than-days", "365000"], OK),
    ("tiny", ["--older-than-days", "1e-300"], OK),
    ("word", ["--older-than-days", "ninety"], BAD),
    ("missing-flag", [], BAD),
    ("source", ["--older-than-days", "90", "--source", "support-bot"], OK),
    ("source-empty", ["--older-than-days", "90", "--source", ""], OK),
]:
    case(f"prune-calls-{name}", ["prune-calls", *extra], allowed)

# models and catalog
for name, args, allowed in [
    ("models", ["models"], OK),
    ("models-json", ["models", "--json"], OK),
    ("models-task-bad", ["models", "--task", "chat"], BAD),
    ("models-backend-bad", ["models", "--backend", "nope"], BAD),
    ("models-server-refused",
     ["models", "--backend", "openai", "--base-url", "http://127.0.0.1:1/v1", "--timeout", "1"], {1, 2}),
    ("models-server-not-a-url", ["models", "--backend", "openai", "--base-url", "not a url", "--timeout", "1"], {1, 2}),
    ("catalog", ["catalog"], OK),
    ("catalog-json", ["catalog", "--json"], OK),
    ("catalog-task-bad", ["catalog", "--task", "x"], BAD),
    ("no-command", [], BAD),
    ("unknown-command", ["frobnicate"], BAD),
    ("help-flag-typo", ["embed", "--modle", "x"], BAD),
]:
    case(f"cli-{name}", args, allowed)

# every command under a home that cannot be used
COMMANDS = {
    "models": ["models"], "catalog": ["catalog"], "embed": EMBED, "evaluate": EVALUATE + ["--sample"],
    "bench": BENCH_EMBED, "generate": GENERATE, "copy-store": ["copy-store", "--to", "@new_db"],
    "prune-calls": ["prune-calls", "--older-than-days", "30"],
}
HOMES = {"a-file": "@afile", "proc": "/proc/x/home", "under-a-file": "@under_file", "unknown-user": "~nosuchuser-hfc/x"}
for command, args in COMMANDS.items():
    for home_name in HOMES:
        case(f"home-{home_name}-{command}", args, BAD)
for config_name in ("fifo", "dir", "binary", "toml_bad"):
    case(f"config-{config_name}-embed", EMBED, BAD)


@pytest.fixture
def inputs(tmp_path, monkeypatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)   # a default --out (bench-results) lands in tmp_path too
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HFCOMPARE_MAX_RETRIES", "0")
    monkeypatch.delenv("HFCOMPARE_DATABASE_URL", raising=False)
    monkeypatch.delenv("HFCOMPARE_CONFIG", raising=False)
    return _write_inputs(tmp_path / "in")


def _may_hang(name: str, args: list[str]) -> bool:
    """Cases that hung before the fix (a named pipe no one writes to, /dev/zero read whole, 20,000 texts):
    run in a subprocess."""
    return "@fifo" in args or "@big" in args or name.startswith("config-fifo") or name == "decide-input-dev-zero"


@pytest.mark.parametrize(("args", "allowed"), [pytest.param(a, e, id=n) for n, a, e in CASES])
def test_battery(args, allowed, inputs, capsys, monkeypatch, fake_backend, request):
    name = request.node.callspec.id
    if name.startswith("home-"):
        home = next(v for k, v in HOMES.items() if name.startswith(f"home-{k}-"))
        monkeypatch.setenv("HFCOMPARE_HOME", inputs.get(home[1:], home))
    if name.startswith("config-"):
        key = name.removeprefix("config-").removesuffix("-embed")
        monkeypatch.setenv("HFCOMPARE_CONFIG", inputs[key])
    argv = _expand(args, inputs)
    if name == "copy-store-from-url-missing":
        argv[2] = "sqlite:///" + inputs["missing"]
    if _may_hang(name, args):
        # the fake backend lives only in this process: a bundled model stands in (refused before loading)
        argv = [GGUF_MODEL if a == "fake:fake-a" else a for a in argv]
        run = _cli(*argv, env={"HFCOMPARE_MAX_RETRIES": "0"})
        code, err = run.returncode, run.stderr
    else:
        code, _, err = _run(argv, capsys)
    _assert_clean(code, err, allowed, argv)


def test_the_battery_is_big_enough():
    assert len(CASES) >= 200
    assert len({name for name, _, _ in CASES}) == len(CASES)


# --------------------------------------------------------------------------- the audit's cases, named


@pytest.mark.parametrize("budget", ["nan", "inf"])
def test_evaluate_refuses_a_budget_that_is_not_finite(budget, capsys):
    code, _, err = _run(["evaluate", "--models", "lexical:tfidf", "--sample", "--budget-mb", budget], capsys)
    assert code == 2 and "--budget-mb must be more than 0 and finite" in err and "Traceback" not in err


@pytest.mark.parametrize("out", ["/proc/nope/out.json", "FILE", "/proc/self"])
def test_bench_refuses_an_out_it_cannot_write_before_running(out, tmp_path, capsys, fake_backend):
    texts = tmp_path / "texts.txt"
    texts.write_text("one text\nanother text\n")
    target = tmp_path / "results.json"
    target.write_text("keep me")
    out = str(target) if out == "FILE" else out
    code, _, err = _run(["bench", "--quiet", "--models", "fake:fake-a", "--texts", str(texts), "--out", out], capsys)
    assert code == 2 and err.startswith(f"error: cannot write --out {out}") and len(err.splitlines()) == 1
    assert not fake_backend.calls   # refused before any work
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("out", ["FOLDER", "/proc/nope/out.npy", "/proc/self/status"])
def test_embed_refuses_an_output_it_cannot_write(out, tmp_path, capsys, fake_backend):
    texts = tmp_path / "texts.txt"
    texts.write_text("one text\nanother text\n")
    out = str(tmp_path) if out == "FOLDER" else out
    code, _, err = _run(["embed", "--model", "fake:fake-a", "--input", str(texts), "--output", out], capsys)
    assert code == 2 and err.startswith(f"error: cannot write --output {out}") and not fake_backend.calls


def test_embed_writes_the_output_path_as_named(tmp_path, capsys):
    import numpy as np

    texts = tmp_path / "texts.txt"
    texts.write_text("one text\nanother text\n")
    assert _run(["embed", "--model", "lexical:tfidf", "--input", str(texts), "--output", str(tmp_path / "vec")],
                capsys)[0] == 0
    assert np.load(tmp_path / "vec").shape[0] == 2 and not (tmp_path / "vec.npy").exists()


@pytest.mark.parametrize("home", ["FILE", "/proc/x/home"])
def test_a_home_that_cannot_be_a_folder_is_named(home, tmp_path, monkeypatch, capsys):
    if home == "FILE":
        home = str(tmp_path / "home-file")
        Path(home).write_text("not a folder")
    monkeypatch.setenv("HFCOMPARE_HOME", home)
    for args in (["models"], ["prune-calls", "--older-than-days", "1"], ["copy-store"]):
        code, _, err = _run(args, capsys)
        assert code == 2 and err.startswith(f"error: HFCOMPARE_HOME is {home}, which") and "Traceback" not in err


def test_home_and_models_dir_raise_a_typed_error(tmp_path, monkeypatch):
    from hfcompare.config import HomeError, home, models_dir

    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("HFCOMPARE_HOME", str(tmp_path / "file"))
    with pytest.raises(HomeError, match="HFCOMPARE_HOME is .*file, which is a file"):
        home()
    monkeypatch.setenv("HFCOMPARE_HOME", str(tmp_path / "ok"))
    monkeypatch.setenv("HFCOMPARE_MODELS", "/proc/x/models")
    with pytest.raises(HomeError, match="HFCOMPARE_MODELS is /proc/x/models, which cannot be created"):
        models_dir()
    monkeypatch.delenv("HFCOMPARE_MODELS")
    assert models_dir() == tmp_path / "ok" / "models" and models_dir().is_dir()


def test_copy_store_refuses_a_text_file_and_leaves_it_alone(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    code, out, err = _run(["copy-store", "--from", str(notes), "--to", str(tmp_path / "new.db")], capsys)
    assert code == 2 and "is not a SQLite database" in err and "copied" not in out
    assert notes.read_text() == "my notes\n" and sorted(p.name for p in tmp_path.iterdir()) == ["home", "notes.txt"]
    code, _, err = _run(["copy-store", "--from", str(tmp_path / "absent.db"), "--to", str(tmp_path / "new.db")], capsys)
    assert code == 2 and "There is no store at" in err
    store = tmp_path / "store.sqlite3"
    from hfcompare.storage.store import Store

    Store(path=store).close()
    code, _, err = _run(["copy-store", "--from", str(store), "--to", str(notes)], capsys)
    assert code == 2 and "is not a SQLite database" in err and notes.read_text() == "my notes\n"
    assert _run(["copy-store", "--from", str(store), "--to", str(tmp_path / "new.db")], capsys)[0] == 0


def _cli(*args, env: dict | None = None, timeout: float = HANG_GUARD_S) -> subprocess.CompletedProcess:
    """`python -m hfcompare ...` in a subprocess; the timeout only guards against a hang."""
    return subprocess.run([sys.executable, "-m", "hfcompare", *args], capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}, timeout=timeout)


@pytest.mark.parametrize("command", ["embed", "bench"])
def test_20000_lines_are_refused_unless_the_limit_is_raised(command, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("".join(f"text number {i}\n" for i in range(BIG_LINES)))
    args = (["embed", "--model", "lexical:tfidf", "--input", str(big), "--output", str(tmp_path / "o.npy")]
            if command == "embed" else
            ["bench", "--quiet", "--models", "lexical:tfidf", "--texts", str(big), "--out", str(tmp_path / "out")])
    run = _cli(*args)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"has {BIG_LINES:,} texts; the limit is {MAX_TEXTS:,}" in run.stderr and "--max-texts" in run.stderr
    assert not (tmp_path / "o.npy").exists() and not (tmp_path / "out").exists()


def test_max_texts_raises_the_limit_on_purpose(tmp_path, capsys):
    import numpy as np

    texts = tmp_path / "texts.txt"
    texts.write_text("".join(f"text {i}\n" for i in range(MAX_TEXTS + 5)))
    out = tmp_path / "o.npy"
    code, _, err = _run(["embed", "--model", "lexical:tfidf", "--input", str(texts), "--output", str(out)], capsys)
    assert code == 2 and f"has {MAX_TEXTS + 5:,} texts" in err
    code, _, _ = _run(["embed", "--model", "lexical:tfidf", "--input", str(texts), "--output", str(out),
                       "--max-texts", str(MAX_TEXTS + 5)], capsys)
    assert code == 0 and np.load(out).shape[0] == MAX_TEXTS + 5
    rows = tmp_path / "big.csv"
    rows.write_text("query,document\n" + "".join(f"q {i},d {i}\n" for i in range(300)))
    # evaluate's default is the evaluation's own limits (50,000 texts and 5,000 queries), not one comparison's 500
    assert _run(["evaluate", "--models", "lexical:tfidf", "--data", str(rows)], capsys)[0] == 0
    code, _, err = _run(["evaluate", "--models", "lexical:tfidf", "--data", str(rows), "--max-texts", "599"], capsys)
    assert code == 2 and "600 texts (300 corpus texts and 300 queries)" in err and "--max-texts" in err
    assert _run(["evaluate", "--models", "lexical:tfidf", "--data", str(rows), "--max-texts", "600"], capsys)[0] == 0
    for command in ("embed", "bench", "evaluate"):
        code, out, _ = _run([command, "--help"], capsys)
        assert code == 0 and "--max-texts N" in out


def test_generate_refuses_max_tokens_beyond_the_context():
    from hfcompare.backends.local.llamacpp import bundled_generation_models

    if not bundled_generation_models():
        pytest.skip("no bundled GGUF model here")
    run = _cli("generate", "--model", GGUF_MODEL, "--prompt", "Say hi", "--max-tokens", "10000000", "--no-cache")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"--max-tokens must be 1 to {MAX_GENERATION_TOKENS:,}" in run.stderr


class _SilentHub:
    """A Hub that answers the API (model info with a revision and a file list) but never serves a file:
    every /resolve/ request is held open without an answer."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_HEAD(self) -> None:
                self.do_GET()

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                owner.requests[path] += 1
                if "/resolve/" in path:
                    owner.release.wait(HANG_GUARD_S)
                    return
                status = 200
                if path.startswith("/api/models/"):
                    model_id = path.removeprefix("/api/models/")
                    body = json.dumps({"id": model_id, "sha": "0" * 40, "pipeline_tag": "sentence-similarity",
                                       "siblings": [{"rfilename": n} for n in ("config.json", "modules.json",
                                                                               "model.safetensors")]}).encode()
                elif path == "/api/models":
                    body = b"[]"
                else:
                    status, body = 404, b'{"error": "no such route"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.slow  # two CLI processes wait out the Hub's stated timeouts (about 40 s)
def test_a_hub_model_whose_files_never_come_fails_within_the_stated_timeout(tmp_path):
    """evaluate and embed of a Hub id, with a Hub that answers but serves no file: each ends with the
    model failed (exit 1) and a message naming the timeout. HF_HUB_ETAG_TIMEOUT / HF_HUB_DOWNLOAD_TIMEOUT
    of 1 s make the stated wait 3 s; before the fix each file was retried for minutes."""
    texts = tmp_path / "texts.txt"
    texts.write_text("one text\nanother text\n")
    model = "local:example-org/silent-embedder"
    with _SilentHub() as hub:
        env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HUB_ETAG_TIMEOUT": "1", "HF_HUB_DOWNLOAD_TIMEOUT": "1",
               "HF_HOME": str(tmp_path / "hf"), "HF_HUB_CACHE": str(tmp_path / "hf" / "hub")}
        env.pop("HF_HUB_OFFLINE", None)
        commands = [["evaluate", "--models", model, "--sample"],
                    ["embed", "--model", model, "--input", str(texts), "--output", str(tmp_path / "o.npy")]]
        runs = [subprocess.Popen([sys.executable, "-m", "hfcompare", *args], env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE) for args in commands]
        try:
            finished = [run.communicate(timeout=HANG_GUARD_S) for run in runs]
        finally:
            for run in runs:
                if run.poll() is None:
                    run.kill()
                    run.wait()
    for run, (_, err) in zip(runs, finished):
        assert run.returncode == 1 and "Traceback" not in err, err[-2000:]
        assert "answered but served none of its files within 3 s" in err, err[-2000:]
    assert any("/resolve/" in path for path in hub.requests)


def test_non_utf8_arguments_and_file_names_end_cleanly(tmp_path):
    texts = tmp_path / "texts.txt"
    texts.write_text("one text\nanother text\n")
    out = os.fsencode(tmp_path) + b"/vec\xff.npy"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    base = [sys.executable.encode(), b"-m", b"hfcompare", b"embed", b"--model", b"lexical:tfidf", b"--input"]
    for args in ([bytes(texts), b"--output", out],
                 [os.fsencode(tmp_path) + b"/in\xfe.txt", b"--output", out],
                 [bytes(texts), b"--output", out, b"--prompt", b"\xff\xfe "]):
        run = subprocess.run(base + args, capture_output=True, env=env, timeout=HANG_GUARD_S)
        assert run.returncode in (0, 2) and b"Traceback" not in run.stderr, run.stderr[-2000:]
    assert Path(os.fsdecode(out)).exists()
