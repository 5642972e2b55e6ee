"""A bad-input battery (issue 16.8): hostile inputs on every surface, each answered by a specific,
clear message and never a traceback.

One table per surface:

- LIBRARY: the public functions (`ModelRef.parse`, `validate_texts`, `validate_models`, `Check`,
  `prompts_and_checks`, `normalize_weights`, `score`, `get_backend`, `embed`, `generate`) raise
  their typed error (SpecError, ScoringError, BackendError) whose message says what to change;
- FILES: labeled-data files (CSV, JSONL, BEIR, the typed test suite) raise DatasetError naming the
  file and the line; a broken config file gives ConfigError naming the file and the line;
- UPLOADS: the evaluation mode's uploads (`dataset_from_uploads`), including oversize, binary and
  mismatched sets;
- CLI: flags and files given to `python -m hfcompare`: exit code 2 and `error: ...` on stderr;
- URL: share-link parameters decoded by `sharing.from_query` (every refused part is a warning,
  the page uses its default) and, end to end, links opened on the pages in AppTest;
- TEXT BOXES: what a visitor types into the pages' text areas and model pickers, in AppTest.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from hfcompare.config import MAX_CHARS_PER_TEXT, MAX_MODELS, MAX_TEXTS

# --------------------------------------------------------------------------------------------
# Library: public functions raise a typed error with a message to show
# --------------------------------------------------------------------------------------------


def _parse(text):
    from hfcompare.refs import ModelRef

    return lambda: ModelRef.parse(text)


def _texts(texts):
    from hfcompare.refs import validate_texts

    return lambda: validate_texts(texts)


def _models(refs):
    from hfcompare.refs import ModelRef, validate_models

    return lambda: validate_models([ModelRef.parse(r) for r in refs])


def _check(**kwargs):
    from hfcompare.generation.checks import Check

    return lambda: Check(**kwargs)


def _prompts(rows, **kwargs):
    from hfcompare.generation.checks import prompts_and_checks

    return lambda: prompts_and_checks(rows, **kwargs)


def _weights(weights):
    from hfcompare.decide.scoring import normalize_weights

    return lambda: normalize_weights(weights)


def _score(candidates=1, criteria=1, missing="skip"):
    from hfcompare.decide.scoring import Candidate, Criterion, score

    return lambda: score([Candidate(f"m{i}") for i in range(candidates)],
                         [Criterion(f"c{i}", f"C{i}", 1.0, binary=True) for i in range(criteria)], missing=missing)


def _backend(name):
    from hfcompare.backends import get_backend

    return lambda: get_backend(name)


def _embed(texts, model, backend="local"):
    import hfcompare

    return lambda: hfcompare.embed(texts, model, backend)


def _generate(prompt, model, backend="local", **params):
    import hfcompare

    return lambda: hfcompare.generate(prompt, model, backend, **params)


LIBRARY = [
    ("modelref-empty", _parse(""), "is not a model reference"),
    ("modelref-none", _parse(None), "is not a model reference"),
    ("modelref-spaces", _parse("   \t "), "is not a model reference"),
    ("modelref-colon-only", _parse(":"), "is not a model reference"),
    ("modelref-no-model", _parse("local:"), "is not a model reference"),
    ("modelref-no-backend", _parse(":org/model"), "is not a model reference"),
    ("modelref-space-in-id", _parse("local:two words"), "is not a valid model id"),
    ("modelref-newline-in-id", _parse("local:a\nb"), "is not a valid model id"),
    ("modelref-too-long", _parse("local:" + "x" * 201), "at most 200 characters"),
    ("texts-none", _texts([]), "Enter at least two texts"),
    ("texts-one", _texts(["only one"]), "a similarity matrix needs pairs"),
    ("texts-too-many", _texts(["t"] * (MAX_TEXTS + 1)), f"more than the {MAX_TEXTS:,}"),
    ("texts-too-long", _texts(["short", "x" * (MAX_CHARS_PER_TEXT + 1)]), "Line 2 is longer than"),
    ("models-none", _models([]), "Choose at least one model"),
    ("models-too-many", _models([f"fake:m{i}" for i in range(MAX_MODELS + 1)]), f"Choose at most {MAX_MODELS}"),
    ("check-regex-unclosed", _check(regex="("), "is not valid"),
    ("check-regex-bad-range", _check(regex="[z-a]"), "is not valid"),
    ("check-regex-nested", _check(regex="(" * 5000 + ")" * 5000), "The regex"),
    ("check-max-chars-zero", _check(max_chars=0), "at least 1 character"),
    ("check-similarity-2", _check(min_similarity=2.0), "between -1 and 1"),
    ("check-similarity-nan", _check(min_similarity=math.nan), "between -1 and 1"),
    ("prompts-none", _prompts([]), "Enter at least one prompt"),
    ("prompts-blank", _prompts([{"prompt": "   "}, {"prompt": None}]), "Enter at least one prompt"),
    ("prompts-too-long", _prompts([{"prompt": "x" * 100_000}]), "Prompt 1 is longer than"),
    ("prompts-bad-regex", _prompts([{"prompt": "ok"}, {"prompt": "hi", "regex": "(("}]), "Prompt 2:"),
    ("prompts-max-chars-text", _prompts([{"prompt": "hi", "max chars": "lots"}]), "Prompt 1:"),
    ("prompts-max-chars-negative", _prompts([{"prompt": "hi", "max chars": -4}]), "at least 1 character"),
    ("prompts-threshold", _prompts([{"prompt": "hi"}], min_similarity=3), "reference threshold must lie"),
    ("weights-text", _weights({"speed": "fast"}), "must be a number, not 'fast'"),
    ("weights-nan", _weights({"speed": math.nan}), "must be a number"),
    ("weights-inf", _weights({"speed": math.inf}), "must be a number"),
    ("weights-bool", _weights({"speed": True}), "must be a number"),
    ("weights-negative", _weights({"speed": -1}), "is negative"),
    ("weights-all-zero", _weights({"speed": 0, "size": 0}), "Every weight is 0"),
    ("score-no-candidate", _score(candidates=0), "no candidate to rank"),
    ("score-no-criterion", _score(criteria=0), "no criterion to rank on"),
    ("score-bad-policy", _score(missing="ignore"), "missing-value policy must be one of"),
    ("backend-unknown", _backend("nope"), "Unknown backend 'nope'. Valid backends:"),
    ("backend-empty-name", _backend(""), "Unknown backend ''"),
    ("embed-unknown-backend", _embed(["a", "b"], "x", backend="nope"), "Valid backends"),
    ("embed-no-texts", _embed([], "lexical:tfidf"), "Give at least one text to embed"),
    ("embed-one-string", _embed("not a list", "lexical:tfidf"), "not one string; pass [text]"),
    ("embed-not-iterable", _embed(42, "lexical:tfidf"), "texts must be a list of texts, not int"),
    ("embed-none-item", _embed(["a", None], "lexical:tfidf"), "Text 2 is NoneType, not a text"),
    ("embed-lone-surrogate", _embed(["a", "\ud800"], "lexical:tfidf"), "Text 2 is not valid Unicode text"),
    ("embed-bad-ref", _embed(["a", "b"], "lexical:"), "is not a model reference"),
    ("embed-javascript-url", lambda: __import__("hfcompare").embed(["a"], "openai:x", base_url="javascript:alert(1)"),
     "must start with http:// or https://"),
    ("generate-lexical", _generate("hi", "lexical:tfidf"), "cannot generate text. Backends that can:"),
    ("generate-empty-prompt", _generate("  ", "fake:fake-a"), "The prompt must be a non-empty text"),
    ("generate-none-prompt", _generate(None, "fake:fake-a"), "The prompt must be a non-empty text"),
    ("generate-surrogate-prompt", _generate("hi \ud800", "fake:fake-a"), "The prompt is not valid Unicode text"),
    ("generate-none-system", _generate("hi", "fake:fake-a", system=None), "system prompt must be a text"),
    ("generate-max-tokens-zero", _generate("hi", "fake:fake-a", max_tokens=0), "max_tokens must be a whole number"),
    ("generate-max-tokens-fraction", _generate("hi", "fake:fake-a", max_tokens=2.5), "not 2.5"),
    ("generate-temperature-text", _generate("hi", "fake:fake-a", temperature="hot"),
     "temperature must be a number from 0 to 5, not 'hot'"),
    ("generate-temperature-nan", _generate("hi", "fake:fake-a", temperature=math.nan), "not nan"),
    ("generate-temperature-negative", _generate("hi", "fake:fake-a", temperature=-1), "from 0 to 5, not -1"),
    ("generate-top-p-zero", _generate("hi", "fake:fake-a", top_p=0), "top_p must be a number above 0"),
    ("generate-top-p-five", _generate("hi", "fake:fake-a", top_p=5), "at most 1, not 5"),
    ("generate-seed-negative", _generate("hi", "fake:fake-a", seed=-3), "seed must be a whole number of 0 or more"),
    ("generate-seed-text", _generate("hi", "fake:fake-a", seed="x"), "not 'x'"),
    ("generate-unknown-backend", _generate("hi", "nope:x"), "Valid backends"),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in LIBRARY], ids=[c[0] for c in LIBRARY])
def test_library_functions_refuse_bad_input_with_a_message(call, message):
    from hfcompare.backends import BackendError
    from hfcompare.decide.scoring import ScoringError
    from hfcompare.refs import SpecError

    with pytest.raises((SpecError, ScoringError, BackendError)) as caught:
        call()
    assert message in str(caught.value)


# --------------------------------------------------------------------------------------------
# Files: labeled data and the config file; the message names the file and the line
# --------------------------------------------------------------------------------------------


def _csv(raw):
    from hfcompare.retrieval.labeled import parse_csv

    return lambda: parse_csv(raw, source="pairs.csv")


def _jsonl(raw):
    from hfcompare.retrieval.labeled import parse_jsonl

    return lambda: parse_jsonl(raw, source="pairs.jsonl")


CORPUS = '{"_id": "d1", "text": "invoice"}\n{"_id": "d2", "text": "password"}\n'
QUERIES = '{"_id": "q1", "text": "find the invoice"}\n'
QRELS = "query-id\tcorpus-id\tscore\nq1\td1\t1\n"


def _beir(corpus=CORPUS, queries=QUERIES, qrels=QRELS):
    from hfcompare.retrieval.labeled import parse_beir

    return lambda: parse_beir(corpus, queries, qrels, names=("corpus.jsonl", "queries.jsonl", "qrels.tsv"))


def _suite(text, distractors=""):
    from hfcompare.retrieval.labeled import parse_test_suite

    return lambda: parse_test_suite(text, distractors, source="test suite")


FILES = [
    ("csv-empty", _csv(""), "pairs.csv, line 1: the header must name the columns"),
    ("csv-wrong-header", _csv("q,d\nx,y\n"), "(found: q, d)"),
    ("csv-empty-document", _csv("query,document\nfind it,\n"), "pairs.csv, line 2: the document is empty"),
    ("csv-no-pairs", _csv("query,document\n"), "no row pairs a query with a document"),
    ("csv-latin1", _csv("query,document\ncaf\xe9,x\n".encode("latin-1")), "pairs.csv, line 2: not UTF-8 text"),
    ("csv-utf16", _csv("query,document\nq,d\n".encode("utf-16-le")), "pairs.csv, line 1: contains a NUL"),
    ("csv-lone-surrogate", _csv("query,document\nq,\ud800\n"), "pairs.csv, line 2: not valid Unicode"),
    ("csv-huge-field", _csv("query,document\nq," + "x" * 140_000 + "\n"), "pairs.csv, line 2"),
    ("csv-binary", _csv(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "pairs.csv, line 1: not UTF-8 text"),
    ("jsonl-not-json", _jsonl('{"query": "q", "relevant": ["a"]}\n{oops\n'), "pairs.jsonl, line 2: not valid JSON"),
    ("jsonl-array", _jsonl("[1, 2]\n"), "pairs.jsonl, line 1: expected a JSON object"),
    ("jsonl-relevant-text", _jsonl('{"query": "q", "relevant": "a"}\n'), "'relevant' must be a list of texts"),
    ("jsonl-query-number", _jsonl('{"query": 7, "relevant": ["a"]}\n'), "'query' must be a text"),
    ("jsonl-unknown-keys", _jsonl('{"question": "q"}\n'), "pairs.jsonl, line 1: expected a 'query'"),
    ("jsonl-deep", _jsonl("[" * 5_000), "pairs.jsonl, line 1: JSON nested too deeply"),
    ("jsonl-long-number", _jsonl('{"query": ' + "9" * 5_000 + "}\n"), "pairs.jsonl, line 1: a number is too long"),
    ("jsonl-empty", _jsonl("\n\n"), "pairs.jsonl: no line has a query"),
    ("jsonl-surrogate-escape", _jsonl('{"query": "\\ud800", "relevant": ["a"]}\n'), "is not valid Unicode text"),
    ("beir-duplicate-doc", _beir(corpus=CORPUS + '{"_id": "d1", "text": "again"}\n'),
     "corpus.jsonl, line 3: the id 'd1' appears twice"),
    ("beir-doc-without-text", _beir(corpus='{"_id": "d1"}\n'), "corpus.jsonl, line 1: 'text' is missing"),
    ("beir-doc-without-id", _beir(corpus='{"text": "x"}\n'), "corpus.jsonl, line 1: '_id' is missing"),
    ("beir-duplicate-query", _beir(queries=QUERIES + QUERIES), "queries.jsonl, line 2: the id 'q1' appears twice"),
    ("beir-qrels-no-header", _beir(qrels="q1\td1\t1\n"), "qrels.tsv, line 1: expected the header"),
    ("beir-qrels-columns", _beir(qrels="query-id\tcorpus-id\tscore\nq1 d1 1\n"),
     "qrels.tsv, line 2: expected 3 tab-separated columns, found 1"),
    ("beir-qrels-unknown-query", _beir(qrels="query-id\tcorpus-id\tscore\nq9\td1\t1\n"),
     "query id 'q9' is not in queries.jsonl"),
    ("beir-qrels-unknown-doc", _beir(qrels="query-id\tcorpus-id\tscore\nq1\td9\t1\n"),
     "corpus id 'd9' is not in corpus.jsonl"),
    ("suite-text-before-query", _suite("- a text before any query\nA query"), "line 1"),
    ("suite-nul", _suite("a query\x00\n- text"), "contains a NUL"),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in FILES], ids=[c[0] for c in FILES])
def test_bad_data_files_name_the_file_and_line(call, message):
    from hfcompare.retrieval.labeled import DatasetError

    with pytest.raises(DatasetError) as caught:
        call()
    assert message in str(caught.value)


CONFIGS = [
    ("config-not-toml", b"[openai\nbase_url = 1\n", "line 1: not valid TOML"),
    ("config-unterminated-string", b'[openai]\nbase_url = "http://x\n', "line 2: not valid TOML"),
    ("config-not-utf8", b"[openai]\nbase_url = '\xff'\n", "line 2: not UTF-8 text"),
    ("config-deep", b"a = " + b"[" * 5_000, "nested too deeply"),
    ("config-huge-number", b"a = " + b"9" * 5_000 + b"\n", "a number is too long"),
    ("config-too-big", b"# " + b"x" * 1_000_001, "a config file may have 1,000,000"),
    ("config-directory", None, "cannot be read"),
]


@pytest.mark.parametrize("raw, message", [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS])
def test_a_broken_config_file_is_named_with_its_problem(tmp_path, monkeypatch, capsys, raw, message):
    from hfcompare.backends.remote.common import config_problem
    from hfcompare.cli import main

    path = tmp_path / "config.toml"
    if raw is None:
        path.mkdir()
    else:
        path.write_bytes(raw)
    monkeypatch.setenv("HFCOMPARE_CONFIG", str(path))
    problem = config_problem()
    assert problem and str(path) in problem and message in problem
    assert main(["models"]) == 2                    # the CLI stops with the same message
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


# --------------------------------------------------------------------------------------------
# Uploads: the evaluation mode's file uploader
# --------------------------------------------------------------------------------------------


class Upload:
    """What st.file_uploader returns: a name, a size, the bytes."""

    def __init__(self, name: str, raw: bytes | str, size: int | None = None):
        self.name = name
        self._raw = raw.encode() if isinstance(raw, str) else raw
        self.size = len(self._raw) if size is None else size

    def getvalue(self) -> bytes:
        return self._raw


UPLOADS = [
    ("nothing", [], "Upload a CSV or JSONL file"),
    ("wrong-extension", [Upload("data.xlsx", b"PK\x03\x04")], "data.xlsx: labeled data is one .csv or .jsonl file"),
    ("two-csv", [Upload("a.csv", "query,document\nq,d\n"), Upload("b.csv", "query,document\nq,d\n")],
     "a.csv, b.csv: labeled data is one .csv or .jsonl file"),
    ("beir-missing-qrels", [Upload("corpus.jsonl", CORPUS), Upload("queries.jsonl", QUERIES)], "missing: qrels"),
    ("beir-only-qrels", [Upload("qrels.tsv", QRELS)], "missing: corpus, queries"),
    ("oversize", [Upload("huge.csv", b"", size=201 * 2**20)], "huge.csv: 210,763,776 bytes; the limit is"),
    ("csv-binary", [Upload("photo.csv", b"\xff\xd8\xff\xe0JFIF")], "photo.csv, line 1: not UTF-8 text"),
    ("csv-utf16", [Upload("pairs.csv", "query,document\nq,d\n".encode("utf-16"))], "pairs.csv, line 1"),
    ("jsonl-deep", [Upload("deep.jsonl", b"{" * 5_000)], "deep.jsonl, line 1"),
    ("jsonl-html", [Upload("page.jsonl", "<html><script>alert(1)</script></html>")],
     "page.jsonl, line 1: not valid JSON"),
    ("beir-bad-qrels", [Upload("corpus.jsonl", CORPUS), Upload("queries.jsonl", QUERIES),
                        Upload("qrels.tsv", "nope\n")], "qrels.tsv, line 1: expected the header"),
]


@pytest.mark.parametrize("files, message", [c[1:] for c in UPLOADS], ids=[c[0] for c in UPLOADS])
def test_bad_uploads_get_a_message(files, message):
    from hfcompare.retrieval.labeled import DatasetError
    from ui.retrieval_mode import dataset_from_uploads

    with pytest.raises(DatasetError) as caught:
        dataset_from_uploads(files)
    assert message in str(caught.value)


# --------------------------------------------------------------------------------------------
# CLI: flags and files; exit code 2 and one `error:` line, never a traceback
# --------------------------------------------------------------------------------------------

TEXTS = "How do I create an invoice?\nInvoice templates\nReset my password\n"

CLI = [
    ("no-command", [], "the following arguments are required: command"),
    ("unknown-command", ["frobnicate"], "invalid choice: 'frobnicate'"),
    ("models-bad-task", ["models", "--task", "audio"], "invalid choice: 'audio'"),
    ("embed-no-model", ["embed", "--input", "{texts}", "--output", "{out}"], "required: --model"),
    ("embed-missing-file", ["embed", "--model", "lexical:tfidf", "--input", "{tmp}/missing.txt", "--output", "{out}"],
     "cannot read"),
    ("embed-directory", ["embed", "--model", "lexical:tfidf", "--input", "{tmp}", "--output", "{out}"],
     "cannot read"),
    ("embed-empty-file", ["embed", "--model", "lexical:tfidf", "--input", "{empty}", "--output", "{out}"], "no text"),
    ("embed-binary-file", ["embed", "--model", "lexical:tfidf", "--input", "{binary}", "--output", "{out}"],
     "line 1: not UTF-8 text"),
    ("embed-unknown-backend", ["embed", "--model", "nope:x", "--input", "{texts}", "--output", "{out}"],
     "Unknown backend 'nope'"),
    ("embed-model-with-space", ["embed", "--model", "local:a b", "--input", "{texts}", "--output", "{out}"],
     "is not a valid model id"),
    ("embed-model-colon", ["embed", "--model", ":", "--input", "{texts}", "--output", "{out}"],
     "is not a model reference"),
    ("embed-output-nowhere", ["embed", "--model", "lexical:tfidf", "--input", "{texts}",
                              "--output", "{tmp}/no/such/dir/o.npy"], "cannot write"),
    ("embed-bad-role", ["embed", "--model", "lexical:tfidf", "--input", "{texts}", "--output", "{out}",
                        "--role", "answer"], "invalid choice: 'answer'"),
    ("embed-batch-zero", ["embed", "--model", "openai:x", "--input", "{texts}", "--output", "{out}",
                          "--base-url", "http://127.0.0.1:9/v1", "--batch-size", "0"], "must be above 0, not '0'"),
    ("embed-concurrency-text", ["embed", "--model", "openai:x", "--input", "{texts}", "--output", "{out}",
                                "--concurrency", "many"], "'many' is not a whole number"),
    ("generate-timeout-negative", ["generate", "--model", "openai:x", "--prompt", "hi", "--timeout", "-5"],
     "must be above 0, not '-5'"),
    ("generate-timeout-nan", ["generate", "--model", "openai:x", "--prompt", "hi", "--timeout", "nan"],
     "must be above 0, not 'nan'"),
    ("generate-empty-prompt", ["generate", "--model", "lexical:tfidf", "--prompt", ""], "the prompt is empty"),
    ("generate-max-tokens-text", ["generate", "--model", "x", "--prompt", "hi", "--max-tokens", "lots"],
     "invalid int value: 'lots'"),
    ("generate-max-tokens-zero", ["generate", "--model", "local:x", "--prompt", "hi", "--max-tokens", "0"],
     "--max-tokens must be at least 1"),
    ("generate-temperature-negative", ["generate", "--model", "local:x", "--prompt", "hi", "--temperature", "-1"],
     "--temperature 0 to 5"),
    ("generate-temperature-nan", ["generate", "--model", "local:x", "--prompt", "hi", "--temperature", "nan"],
     "--temperature 0 to 5"),
    ("generate-top-p-two", ["generate", "--model", "local:x", "--prompt", "hi", "--top-p", "2"],
     "--top-p above 0 up to 1"),
    ("generate-unknown-backend", ["generate", "--model", "nope:x", "--prompt", "hi"], "Valid backends"),
    ("evaluate-no-data", ["evaluate", "--models", "lexical:tfidf"], "give --corpus, --queries and --qrels"),
    ("evaluate-partial-beir", ["evaluate", "--models", "lexical:tfidf", "--corpus", "{texts}"],
     "give --corpus, --queries and --qrels"),
    ("evaluate-no-models", ["evaluate", "--models", "", "--sample"], "Choose at least one model"),
    ("evaluate-data-txt", ["evaluate", "--models", "lexical:tfidf", "--data", "{texts}"],
     "labeled data is one .csv or .jsonl file"),
    ("evaluate-data-missing", ["evaluate", "--models", "lexical:tfidf", "--data", "{tmp}/missing.csv"],
     "cannot read"),
    ("evaluate-data-bad-header", ["evaluate", "--models", "lexical:tfidf", "--data", "{badcsv}"],
     "bad.csv, line 1: the header must name the columns"),
    ("evaluate-budget-negative", ["evaluate", "--models", "lexical:tfidf", "--sample", "--budget-mb", "-1"],
     "--budget-mb must be more than 0"),
    ("evaluate-prompt-for-other-model", ["evaluate", "--models", "lexical:tfidf", "--sample",
                                         "--query-prompt", "nope:x=hi"], "which is not one of --models"),
    ("bench-nothing", ["bench", "--quiet", "--out", "{tmp}/b"], "give --models (embedding) and/or --generators"),
    ("bench-models-without-texts", ["bench", "--quiet", "--models", "lexical:tfidf", "--out", "{tmp}/b"],
     "--models needs --texts FILE"),
    ("bench-min-quality-text", ["bench", "--models", "lexical:tfidf", "--min-quality", "high"],
     "invalid float value: 'high'"),
    ("bench-hourly-rate-text", ["bench", "--quiet", "--models", "lexical:tfidf", "--texts", "{texts}", "--out",
                                "{tmp}/b", "--hourly-rate", "cheap"],
     "--hourly-rate must be a number of US dollars per hour (0 or more), not 'cheap'."),
    ("bench-hourly-rate-nan", ["bench", "--quiet", "--models", "lexical:tfidf", "--texts", "{texts}", "--out",
                               "{tmp}/b", "--hourly-rate", "nan"], "--hourly-rate must be a finite number"),
    ("bench-max-cost-negative", ["bench", "--quiet", "--models", "lexical:tfidf", "--texts", "{texts}", "--out",
                                 "{tmp}/b", "--max-cost-per-1000=-1"], "--max-cost-per-1000 is US dollars per 1,000"),
]


@pytest.mark.parametrize("argv, message", [c[1:] for c in CLI], ids=[c[0] for c in CLI])
def test_cli_bad_input_exits_2_with_a_message(tmp_path, capsys, argv, message):
    from hfcompare.cli import main

    files = {"tmp": str(tmp_path), "out": str(tmp_path / "o.npy"), "texts": str(tmp_path / "texts.txt"),
             "empty": str(tmp_path / "empty.txt"), "binary": str(tmp_path / "binary.txt"),
             "badcsv": str(tmp_path / "bad.csv")}
    (tmp_path / "texts.txt").write_text(TEXTS, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("\n \n\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00\x01binary")
    (tmp_path / "bad.csv").write_text("q,d\nx,y\n", encoding="utf-8")
    try:
        code = main([arg.format(**files) for arg in argv])
    except SystemExit as exc:  # argparse: usage and the error on stderr
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "error: " in err and message in err, err
    assert "Traceback" not in err


# --------------------------------------------------------------------------------------------
# URL parameters: share links, decoded field by field; refused parts are warnings
# --------------------------------------------------------------------------------------------

URL = [
    ("id-malformed", "embeddings", {"c": "../../etc/passwd"}, "comparison id is malformed"),
    ("id-not-text", "embeddings", {"c": ["a", "b"]}, "comparison id is malformed"),
    ("id-unknown", "embeddings", {"c": "aaaaaaaaaaaaaaaa"}, "No saved comparison has the id aaaaaaaaaaaaaaaa"),
    ("unknown-parameter", "embeddings", {"zzz": "1"}, "parameters this page does not know ('zzz')"),
    ("unknown-parameter-control-chars", "embeddings", {"a\x00\x1b[31m": "1"}, "does not know ('a??[31m')"),
    ("mode-script", "embeddings", {"mode": "<script>alert(1)</script>"}, "'mode' must be one of compare, evaluate"),
    ("models-too-many", "embeddings", {"models": ",".join(f"m{i}" for i in range(7))}, "at most 6 are allowed"),
    ("models-empty-item", "embeddings", {"models": ["a", " "]}, "'models' holds an item that is empty"),
    ("models-long-item", "embeddings", {"models": "x" * 400}, "'models' holds an item that is empty or too long"),
    ("models-huge", "embeddings", {"models": "x" * 5_000}, "'models' is too long (5,000 characters)"),
    ("models-wrong-type", "embeddings", {"models": {"a": 1}}, "'models' has the wrong type"),
    ("run-maybe", "embeddings", {"run": "maybe"}, "'run' must be 1 or 0"),
    ("prompts-not-json", "embeddings", {"prompts": "{oops"}, "'prompts'"),
    ("texts-wrong-type", "embeddings", {"texts": 12}, "'texts' has the wrong type"),
    ("max-tokens-text", "generation", {"max_tokens": "lots"}, "'max_tokens'"),
    ("max-tokens-negative", "generation", {"max_tokens": "-5"}, "'max_tokens' must lie between 1 and 4096"),
    ("max-tokens-fraction", "generation", {"max_tokens": "1.5"}, "'max_tokens' must be a whole number"),
    ("temperature-nan", "generation", {"temperature": "nan"}, "'temperature' must be a finite number"),
    ("temperature-inf", "generation", {"temperature": "inf"}, "'temperature' must be a finite number"),
    ("top-p-seven", "generation", {"top_p": "7"}, "'top_p' must lie between 0.01 and 1"),
    ("seed-huge", "generation", {"seed": "9" * 30}, "'seed' must lie between"),
    ("system-too-long", "generation", {"system": "x" * 20_001}, "'system' is too long (20,001 characters)"),
    ("gen-prompts-deep", "generation", {"prompts": "[" * 3_000}, "'prompts'"),
    ("weights-not-json", "scorecard", {"weights": "size=3"}, "'weights'"),
    ("weights-list", "scorecard", {"weights": "[1, 2]"}, "'weights' must map criteria to weights"),
    ("weights-negative", "scorecard", {"weights": '{"size": -3}'}, "must hold weights between 0 and 100"),
    ("weights-nan", "scorecard", {"weights": '{"size": NaN}'}, "must hold weights between 0 and 100"),
    ("samples-low", "scorecard", {"samples": "5"}, "'samples' must lie between 100 and 2000"),
    ("sources-deep", "scorecard", {"sources": "[" * 3_000}, "'sources' nests too deeply"),
    ("policy-unknown", "scorecard", {"policy": "drop"}, "'policy' must be one of skip, penalize"),
    ("discover-query-long", "discover", {"q": "x" * 101}, "'q' is too long (101 characters)"),
    ("discover-task", "discover", {"task": "audio"}, "'task' must be one of embeddings, generation"),
    ("discover-languages-many", "discover", {"languages": ",".join(["en"] * 51)}, "at most 50 are allowed"),
]


@pytest.mark.parametrize("page, params, message", [c[1:] for c in URL], ids=[c[0] for c in URL])
def test_bad_link_parameters_warn_and_are_dropped(page, params, message):
    from hfcompare.storage.sharing import from_query
    from tests.link_pages import fields

    state, warnings = from_query(page, params, fields(page))
    assert any(message in w for w in warnings), warnings
    bad = {k for k in params if k != "c"}
    assert not bad & set(state)                           # the page uses its default for each


# The same links opened on the pages: a warning (or, for what a link runs, an error) on the page, the default in the widget, no exception.
PAGE_LINKS = [
    ("embeddings-bad-mode", None, {"mode": "<img src=x onerror=alert(1)>"}, "'mode' must be one of"),
    ("embeddings-unknown-model", None, {"models": "nonsense:foo"}, "cannot run"),
    ("embeddings-bad-id", None, {"c": "'; DROP TABLE states; --"}, "malformed"),
    ("generation-bad-numbers", "app_pages/generation.py", {"temperature": "nan", "max_tokens": "-5"},
     "'temperature' must be a finite number"),
    ("scorecard-negative-weight", "app_pages/scorecard.py", {"weights": '{"size": -3}'},
     "weights between 0 and 100"),
    ("generation-prompts-object", "app_pages/generation.py", {"prompts": '{"a": 1}'},
     "The link's prompts are not a table of prompts"),
    ("generation-prompts-null", "app_pages/generation.py", {"prompts": "null"},
     "The link's prompts are not a table of prompts"),
    ("generation-max-chars-infinite", "app_pages/generation.py",
     {"prompts": '[{"prompt": "hi", "max chars": 1e400}]', "models": "fake:fake-a", "run": "1"},
     "cells of the wrong type (row 1, max chars)"),
    ("generation-keywords-a-number", "app_pages/generation.py", {"prompts": '[{"prompt": "hi", "keywords": 5}]'},
     "cells of the wrong type (row 1, keywords)"),
    ("generation-cells-of-every-wrong-type", "app_pages/generation.py",
     {"prompts": '[{"prompt": "hi", "regex": [1], "reference": {"a": 1}, "max chars": "ten"}, {"prompt": 3}]'},
     "cells of the wrong type (row 1, regex, row 1, max chars, row 1, reference)"),
    ("scorecard-fields-of-the-wrong-type", "app_pages/scorecard.py",
     {"sources": '{"speed": 5}', "measured": '{"m": {"speed": ["fast", 1]}}'},
     "Parts of the link could not be used (sources (speed), measured)"),
    ("scorecard-unknown-candidates", "app_pages/scorecard.py", {"candidates": "nope:zzz,<b>x</b>"},
     "Not candidates here: 'nope:zzz', '<b>x</b>'"),
    ("scorecard-unknown-criterion", "app_pages/scorecard.py", {"preset": "custom", "weights": '{"zzz": 5}'},
     "weighs criteria this page does not know ('zzz')"),
    ("embeddings-suite-run", None, {"mode": "evaluate", "suite": "- before\nq", "models": "fake:fake-a", "run": "1"},
     "test suite, line 1: a text to find comes before any query"),
]


@pytest.mark.parametrize("page, params, message", [c[1:] for c in PAGE_LINKS], ids=[c[0] for c in PAGE_LINKS])
def test_bad_links_on_the_pages_warn(fake_backend, page, params, message):
    from tests.app.pages import open_link, shown

    at = open_link(params, page=page)
    assert not at.exception
    shown_messages = [shown(m.value) for m in (*at.warning, *at.error)]
    assert any(message in m for m in shown_messages), shown_messages


# --------------------------------------------------------------------------------------------
# Text boxes: what a visitor types on the embeddings page
# --------------------------------------------------------------------------------------------

TEXT_BOXES = [
    ("texts-empty", "", ["fake:fake-a"], "at least two texts"),
    ("texts-whitespace", " \n\t\n  ", ["fake:fake-a"], "at least two texts"),
    ("texts-one-line", "only one line", ["fake:fake-a"], "a similarity matrix needs pairs"),
    ("texts-too-long", "short\n" + "x" * (MAX_CHARS_PER_TEXT + 1), ["fake:fake-a"], "Line 2 is longer than"),
    ("model-typed-with-space", "a\nb", ["fake:fake-a", "two words"], "not a valid model id"),
    ("no-model", "a\nb", [], "Choose at least one model"),
]


@pytest.mark.parametrize("texts, models, message", [c[1:] for c in TEXT_BOXES], ids=[c[0] for c in TEXT_BOXES])
def test_bad_typed_inputs_on_the_embeddings_page(fake_backend, texts, models, message):
    from tests.app.pages import open_app

    at = open_app()
    at.multiselect[0].set_value(models)
    at.text_area[0].set_value(texts)
    next(b for b in at.button if b.label == "Run comparison").click().run()
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]


def test_a_malformed_test_suite_typed_in_evaluation_mode_names_the_line(fake_backend):
    from tests.app.pages import open_app

    at = open_app()
    at.segmented_control[0].set_value("evaluate").run()
    at.text_area[0].set_value("- a text before any query\nA query").run()
    assert not at.exception
    assert any("line 1" in e.value and "before any query" in e.value for e in at.error)


def test_the_battery_holds_at_least_80_cases():
    total = (len(LIBRARY) + len(FILES) + len(CONFIGS) + len(UPLOADS) + len(CLI) + len(URL) + len(PAGE_LINKS)
             + len(TEXT_BOXES) + 1)
    assert total >= 80


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps({"library": len(LIBRARY), "files": len(FILES) + len(CONFIGS), "uploads": len(UPLOADS),
                      "cli": len(CLI), "url": len(URL) + len(PAGE_LINKS), "text boxes": len(TEXT_BOXES) + 1},
                     indent=1), Path(__file__).name)
