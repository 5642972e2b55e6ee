"""`python -m hfcompare` end to end (lexical and fake backends; real models live in slow tests)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from hfcompare.cli import main


def test_models_json_lists_bundled_models(capsys):
    assert main(["models", "--task", "embeddings", "--json"]) == 0
    models = json.loads(capsys.readouterr().out)
    by_ref = {f"{m['backend']}:{m['id']}": m for m in models}
    assert {"id", "task", "backend", "offline"} <= set(models[0])
    assert by_ref["local:sentence-transformers/all-MiniLM-L6-v2"]["offline"] is True
    assert by_ref["lexical:tfidf"]["task"] == "embeddings"


def test_models_table(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "onnx:sentence-transformers/all-MiniLM-L6-v2" in out and "OFFLINE" in out


def test_embed_writes_npy(tmp_path, capsys):
    source = tmp_path / "texts.txt"
    source.write_text("create an invoice\n\ninvoice templates\nreset password\n", encoding="utf-8")
    out = tmp_path / "out.npy"
    assert main(["embed", "--model", "lexical:tfidf", "--input", str(source), "--output", str(out)]) == 0
    vectors = np.load(out)
    assert vectors.shape[0] == 3 and vectors.dtype == np.float32
    assert "wrote 3x" in capsys.readouterr().out


def test_embed_prints_the_median_speed_with_its_range(tmp_path, capsys, fake_backend):
    from hfcompare.config import SPEED_PASSES

    source = tmp_path / "texts.txt"
    source.write_text("create an invoice\ninvoice templates\nreset password\n", encoding="utf-8")
    assert main(["embed", "--model", "fake:fake-a", "--input", str(source), "--output", str(tmp_path / "o.npy")]) == 0
    out = capsys.readouterr().out
    assert f"ms/text median of {SPEED_PASSES} × 3 texts, range " in out


def test_bench_records_the_median_and_range(tmp_path, capsys, fake_backend):
    from hfcompare.config import SPEED_PASSES

    texts = tmp_path / "texts.txt"
    texts.write_text("How do I create an invoice?\nInvoice creation steps\nReset my password\n")
    assert main(["bench", "--quiet", "--models", "fake:fake-a", "--texts", str(texts),
                 "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "ms/text range" in printed and "ms/text low" not in printed and "cold ms/text" in printed
    row = json.loads((tmp_path / "out" / "bench.json").read_text())["embeddings"][0]
    assert row["ms_per_text_low"] <= row["cold_ms_per_text"] <= row["ms_per_text_high"]
    assert row["ms_per_text_range"] and row["passes"] == f"{SPEED_PASSES} × 3 texts"
    assert row["speed_from"] == "this run"


def test_embed_bad_inputs_exit_2_with_a_message(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    out = str(tmp_path / "o.npy")
    assert main(["embed", "--model", "lexical:tfidf", "--input", str(tmp_path / "missing.txt"), "--output", out]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["embed", "--model", "lexical:tfidf", "--input", str(empty), "--output", out]) == 2
    assert "no text" in capsys.readouterr().err
    assert main(["embed", "--model", "nope:x", "--input", str(empty.with_name("t.txt")), "--output", out]) == 2
    (tmp_path / "t.txt").write_text("a\n", encoding="utf-8")
    assert main(["embed", "--model", "nope:x", "--input", str(tmp_path / "t.txt"), "--output", out]) == 2
    assert "Valid backends" in capsys.readouterr().err


def test_embed_model_failure_exits_1(tmp_path, capsys, fake_backend):
    source = tmp_path / "t.txt"
    source.write_text("a\nb\n", encoding="utf-8")
    code = main(["embed", "--model", "fake:fake-broken", "--input", str(source), "--output", str(tmp_path / "o.npy")])
    assert code == 1
    err = capsys.readouterr().err
    assert "always fails" in err and "Traceback" not in err


def test_module_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "hfcompare", "models", "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)


def test_generate_json_has_the_documented_fields(capsys, fake_backend):
    assert main(["generate", "--model", "fake:fake-a", "--prompt", "How do I create an invoice?", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert {"text", "latency_s", "ttft_s", "output_tokens", "tokens_per_s"} <= set(record)
    assert record["text"] == "fake-a answers: How do I create an invoice?" and record["output_tokens"] == 8


def test_generate_plain_prints_the_answer_then_timings(capsys, fake_backend):
    assert main(["generate", "--model", "fake-b", "--backend", "fake", "--prompt", "hi", "--max-tokens", "2"]) == 0
    printed = capsys.readouterr()
    assert printed.out.strip() == "fake-b answers:" and "tokens/s" in printed.err


def test_generate_bad_input_and_failures(capsys, fake_backend):
    assert main(["generate", "--model", "fake:fake-a", "--prompt", "  "]) == 2
    assert main(["generate", "--model", "fake:fake-a", "--prompt", "hi", "--max-tokens", "0"]) == 2
    assert main(["generate", "--model", "nope:x", "--prompt", "hi"]) == 2
    assert main(["generate", "--model", "fake:fake-broken", "--prompt", "hi"]) == 1
    err = capsys.readouterr().err
    assert "prompt is empty" in err and "--max-tokens" in err and "Valid backends" in err and "always fails" in err


def _bench(tmp_path, *args, env_extra=None):
    import os

    texts = tmp_path / "texts.txt"
    texts.write_text("How do I create an invoice?\nInvoice creation steps\nReset my password\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "hfcompare", "bench", "--quiet", "--texts", str(texts),
                           "--out", str(tmp_path / "out"), *args], capture_output=True, text=True, env=env,
                          timeout=600)


@pytest.mark.slow  # four `hfcompare bench` processes, each importing the library afresh (about 30 s)
def test_bench_writes_json_csv_and_report_and_exits_by_outcome(tmp_path):
    ok = _bench(tmp_path, "--models", "lexical:tfidf", "--labeled", "hfcompare/samples/invoice_retrieval.jsonl")
    assert ok.returncode == 0, ok.stderr
    out = tmp_path / "out"
    payload = json.loads((out / "bench.json").read_text())
    assert payload["embeddings"][0]["model"] == "lexical:tfidf" and "ndcg@10" in payload["embeddings"][0]
    assert (out / "bench_embeddings.csv").exists() and "<html" in (out / "bench_report.html").read_text()

    missed = _bench(tmp_path, "--models", "lexical:tfidf", "--min-quality", "0.99")
    assert missed.returncode == 3 and "quality" in missed.stderr
    failed = _bench(tmp_path, "--models", "lexical:tfidf,local:example-org/not-bundled")
    assert failed.returncode == 1 and "example-org/not-bundled" in failed.stderr
    bad = _bench(tmp_path, "--models", "nowhere:x")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


@pytest.mark.slow
def test_bench_generation_on_the_bundled_model(tmp_path):
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("Say hello.\nName a colour.\n")
    run = _bench(tmp_path, "--generators", "local:HuggingFaceTB/SmolLM2-135M-Instruct", "--prompts", str(prompts),
                 "--max-tokens", "16", "--min-tokens-per-s", "0.1")
    assert run.returncode == 0, run.stderr
    summary = json.loads((tmp_path / "out" / "bench.json").read_text())["generation"][0]
    assert summary["answers"] == 2 and summary["median_tokens_per_s"] > 0


def test_bench_and_evaluate_refuse_bad_input_with_a_message(tmp_path):
    bad_json = tmp_path / "prompts.json"
    bad_json.write_text("[1, 2]")
    cases = [["bench", "--generators", "lexical:tfidf", "--prompts", str(bad_json)],
             ["bench", "--models", "lexical:tfidf"],
             ["evaluate", "--models", "lexical:tfidf", "--sample", "--budget-mb", "0"],
             ["evaluate", "--models", ",".join(f"lexical:m{i}" for i in range(7)), "--sample"]]
    for args in cases:
        run = subprocess.run([sys.executable, "-m", "hfcompare", *args], capture_output=True, text=True, timeout=120)
        assert run.returncode == 2 and run.stderr.startswith("error: ") and "Traceback" not in run.stderr, args


def test_evaluate_prompt_flags_reach_the_backend_per_model(capsys, fake_backend):
    e5, other = "fake:intfloat/e5-base-v2", "fake:fake-a"
    assert main(["evaluate", "--models", f"{e5},{other}", "--sample", "--json", "--no-cache",
                 "--query-prompt", f"{other}=find: ", "--document-prompt", "intfloat/e5-base-v2="]) == 0
    results = json.loads(capsys.readouterr().out)
    assert results[e5]["prompts"] == {"query": "query: ", "document": "", "query_from": "catalog",
                                      "document_from": "you"}
    assert results[other]["prompts"]["query"] == "find: " and results[other]["prompts"]["document"] == ""
    sent = {text for call in fake_backend.calls for text in call}
    assert "find: How do I create an invoice?" in sent and "query: How do I create an invoice?" in sent
    assert not any(text.startswith("passage: ") for text in sent)      # e5's document prompt turned off
    # one TEXT for every model, and the table names the prompts used
    assert main(["evaluate", "--models", f"{e5},{other}", "--sample", "--no-cache", "--query-prompt", "Q: "]) == 0
    table = capsys.readouterr().out
    assert 'query "Q: ", document "passage: " (query: you; document: catalog)' in table
    assert 'query "Q: ", no document prompt (query: you; document: none)' in table


def test_evaluate_refuses_a_prompt_for_a_model_it_does_not_run(fake_backend):
    run = subprocess.run([sys.executable, "-m", "hfcompare", "evaluate", "--models", "lexical:tfidf", "--sample",
                          "--query-prompt", "lexical:other=x "], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "not one of --models" in run.stderr and "Traceback" not in run.stderr


def test_embed_as_queries_uses_the_models_prompt(tmp_path, capsys, fake_backend):
    source = tmp_path / "texts.txt"
    source.write_text("create an invoice\nreset password\n", encoding="utf-8")
    out = tmp_path / "out.npy"
    args = ["embed", "--model", "fake:intfloat/e5-base-v2", "--input", str(source), "--output", str(out)]
    assert main(args + ["--role", "query"]) == 0
    assert 'embedded as query with the prompt "query: "' in capsys.readouterr().out
    assert "query: create an invoice" in {t for call in fake_backend.calls for t in call}
    assert main(args + ["--role", "document", "--prompt", ""]) == 0
    assert "embedded as document with no prompt" in capsys.readouterr().out


def test_bench_checks_reference_answers_at_the_threshold_given(tmp_path, capsys, fake_backend):
    """The sample's prompts with reference answers scored by the fake embedding model: per-check pass rates
    with intervals in bench.json and on screen, the threshold as given, and a warning about 5 prompts."""
    from hfcompare.embeddings.runs import embed
    from hfcompare.samples import load_sample

    sample = "hfcompare/samples/invoice_chatbot_prompts.json"
    args = ["bench", "--quiet", "--generators", "fake:fake-a", "--prompts", sample, "--reference-model",
            "fake:fake-b"]
    assert main([*args, "--reference-threshold", "0", "--out", str(tmp_path / "zero")]) == 0
    zero = json.loads((tmp_path / "zero" / "bench.json").read_text())
    shown = capsys.readouterr()
    assert "Checks (reference: cosine similarity ≥ 0.00 by fake:fake-b)" in shown.out
    assert "rest on 5 prompt(s)" in shown.err
    checks = {row["check"]: row for row in zero["checks"]}
    assert list(checks) == ["all checks", "keywords", "regex", "max length", "reference"]
    expected = sum(float(v[0] @ v[1]) >= 0 for p in load_sample("invoice_chatbot_prompts")["prompts"] if p["reference"]
                   for v in [embed([f"fake-a answers: {p['prompt']}", p["reference"]], "fake:fake-b")])
    assert (checks["reference"]["passed"], checks["reference"]["checked"]) == (expected, 4)
    assert checks["reference"]["low"] <= checks["reference"]["pass_rate"] <= checks["reference"]["high"]
    assert zero["inputs"]["reference_threshold"] == 0.0
    assert main([*args, "--reference-threshold", "1", "--out", str(tmp_path / "one")]) == 0
    one = {row["check"]: row for row in json.loads((tmp_path / "one" / "bench.json").read_text())["checks"]}
    assert one["reference"]["passed"] == 0
    assert main([*args, "--reference-threshold", "1.5", "--out", str(tmp_path / "bad")]) == 2
    assert "threshold must lie between -1 and 1" in capsys.readouterr().err
    # without a reference model the reference answers are left out, and the output says so
    assert main(["bench", "--quiet", "--generators", "fake:fake-a", "--prompts", sample,
                 "--out", str(tmp_path / "none")]) == 0
    none = json.loads((tmp_path / "none" / "bench.json").read_text())
    assert "reference" not in {row["check"] for row in none["checks"]}
    assert "reference answers are not checked" in capsys.readouterr().err


def test_crafted_files_exit_2_with_file_line_and_problem(tmp_path, capsys, fake_backend):
    """Deep JSON, oversize CSV fields, bad encodings, NUL bytes, long numbers, a runaway regex and a file of the
    wrong kind: each exits 2 with a message naming the file, never a traceback."""
    def write(name: str, data: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    deep = write("deep.json", b"[" * 5_000)
    digits = write("digits.json", b'{"prompts": [{"prompt": "hi", "max_chars": ' + b"9" * 5_000 + b"}]}")
    huge = write("huge.json", b'{"prompts": [{"prompt": "hi", "max_chars": 1e400}]}')
    regex = write("regex.json", json.dumps({"prompts": [{"prompt": "hi", "regex": "(" * 2_000 + ")" * 2_000}]}).encode())
    latin = write("latin.txt", b"Say hello.\ncaf\xe9\n")
    nul = write("nul.txt", "Say hello.\n".encode("utf-16-le"))
    wrong = write("wrong.json", b"query,document\nq,d\n")
    big_field = write("big.csv", b"query,document\nq," + b"x" * 140_000 + b"\n")
    deep_jsonl = write("deep.jsonl", b'{"query": "q", "relevant": ["d"]}\n' + b"[" * 5_000)
    bench = ["bench", "--quiet", "--generators", "fake:fake-a", "--out", str(tmp_path / "out"), "--prompts"]
    cases = [(bench + [deep], "deep.json: JSON nested too deeply"),
             (bench + [digits], "digits.json: a number is too long"),
             (bench + [huge], "huge.json: Prompt 1"),
             (bench + [regex], "regex.json: Prompt 1"),
             (bench + [latin], "latin.txt, line 2: not UTF-8"),
             (bench + [nul], "nul.txt, line 1: contains a NUL"),
             (bench + [wrong], "wrong.json, line 1: not valid JSON"),
             (["evaluate", "--models", "fake:fake-a", "--data", big_field], "big.csv, line 2: not readable as CSV"),
             (["evaluate", "--models", "fake:fake-a", "--data", deep_jsonl], "deep.jsonl, line 2: JSON nested too deeply"),
             (["embed", "--model", "fake:fake-a", "--input", latin, "--output", str(tmp_path / "o.npy")],
              "latin.txt, line 2: not UTF-8"),
             (["bench", "--quiet", "--models", "fake:fake-a", "--texts", nul, "--out", str(tmp_path / "out")],
              "nul.txt, line 1: contains a NUL")]
    for args, message in cases:
        assert main(args) == 2, args
        assert message in capsys.readouterr().err, args


def test_a_broken_config_file_exits_2_naming_its_line(tmp_path, monkeypatch, capsys):
    config = tmp_path / "config.toml"
    config.write_bytes(b"[openai]\nbase_url = " + b"[" * 5_000)
    monkeypatch.setenv("HFCOMPARE_CONFIG", str(config))
    assert main(["models", "--json"]) == 2
    assert f"{config}: nested too deeply" in capsys.readouterr().err
    config.write_text("[openai]\nbase_url = \n", encoding="utf-8")
    assert main(["models", "--json"]) == 2
    assert f"{config}, line 2: not valid TOML" in capsys.readouterr().err


def test_a_wrong_thread_count_is_a_warning_and_the_command_runs(monkeypatch, capsys):
    monkeypatch.setenv("HFCOMPARE_THREADS", "0")
    assert main(["models", "--json"]) == 0
    assert "warning: HFCOMPARE_THREADS is '0'" in capsys.readouterr().err


def test_models_get_the_apps_id_checks(tmp_path, capsys, monkeypatch):
    """--model/--models/--generators: a near miss of a known model gets "did you mean" and exit 2, as in
    the app's pickers; an id that cannot be one says why."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    texts = tmp_path / "texts.txt"
    texts.write_text("one\ntwo\n")
    assert main(["embed", "--model", "sentence-transformers/all-MiniLM-L6-v3", "--input", str(texts),
                 "--out", str(tmp_path / "v.npy")]) == 2
    assert "Did you mean local:sentence-transformers/all-MiniLM-L6-v2?" in capsys.readouterr().err
    assert main(["evaluate", "--models", "lexical:tfidf,bge small en", "--sample"]) == 2
    assert "no spaces" in capsys.readouterr().err
    assert main(["bench", "--quiet", "--generators", "local:HuggingFaceTB/SmolLM2-135M-Instrct", "--prompts",
                 str(texts), "--out", str(tmp_path / "out")]) == 2
    assert "Did you mean local:HuggingFaceTB/SmolLM2-135M-Instruct?" in capsys.readouterr().err


def _graded_beir(tmp_path, grade: int = 2) -> list[str]:
    """The flags of a small BEIR-style set on disk whose qrels grade relevance 0..`grade`."""
    (tmp_path / "corpus.jsonl").write_text("\n".join(
        json.dumps({"_id": f"d{i}", "text": t}) for i, t in enumerate(
            ["refund an invoice", "invoice refund policy", "reset a password", "export invoices", "vat rates"])))
    (tmp_path / "queries.jsonl").write_text("\n".join(
        json.dumps({"_id": f"q{i}", "text": t}) for i, t in enumerate(["how do refunds work", "which vat rate"])))
    (tmp_path / "qrels.tsv").write_text(f"query-id\tcorpus-id\tscore\nq0\td0\t{grade}\nq0\td1\t1\nq0\td3\t0\n"
                                        f"q1\td4\t{grade}\nq1\td0\t1\n")
    return ["--corpus", str(tmp_path / "corpus.jsonl"), "--queries", str(tmp_path / "queries.jsonl"),
            "--qrels", str(tmp_path / "qrels.tsv")]


def test_evaluate_says_when_relevance_is_graded(tmp_path, capsys, fake_backend):
    data = _graded_beir(tmp_path)
    assert main(["evaluate", "--models", "fake:fake-a", *data, "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert ("Graded relevance (0\u20132): nDCG uses the grades (gain = grade, as trec_eval's ndcg_cut); the other "
            "metrics count any grade above 0 as relevant.") in out
    assert main(["evaluate", "--models", "fake:fake-a", *data, "--no-cache", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["fake:fake-a"]
    assert found["graded"] is True and found["grades"] == [0, 2]
    # binary judgments: no note, "graded": false
    assert main(["evaluate", "--models", "fake:fake-a", *_graded_beir(tmp_path, grade=1), "--no-cache"]) == 0
    assert "raded relevance" not in capsys.readouterr().out
    assert main(["evaluate", "--models", "fake:fake-a", "--sample", "--no-cache", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["fake:fake-a"]["graded"] is False


def _overrides(*query_prompts: str, models: str = "local:sentence-transformers/all-MiniLM-L6-v2,lexical:tfidf"):
    import argparse

    from hfcompare.cli import _prompt_overrides
    from hfcompare.refs import ModelRef

    refs = [ModelRef.parse(m) for m in models.split(",")]
    found = _prompt_overrides(argparse.Namespace(query_prompt=list(query_prompts), document_prompt=None), refs)
    return {str(ref): override.query for ref, override in found.items()}


def test_a_prompt_names_its_model_by_short_name_as_written_or_in_full():
    minilm = "local:sentence-transformers/all-MiniLM-L6-v2"
    for written in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", minilm):
        assert _overrides(f"{written}=query: ") == {minilm: "query: "}, written
    assert _overrides("tfidf=Q ", "all-MiniLM-L6-v2=query: ") == {minilm: "query: ", "lexical:tfidf": "Q "}


def test_a_prompt_with_an_equals_sign_and_a_space_before_it_is_taken_whole():
    both = ["local:sentence-transformers/all-MiniLM-L6-v2", "lexical:tfidf"]
    assert _overrides("query: a=b") == dict.fromkeys(both, "query: a=b")
    assert _overrides("find: ") == dict.fromkeys(both, "find: ")
    assert _overrides("=a=b") == dict.fromkeys(both, "a=b")     # '=' first: the rest, for every model


def test_a_prompt_that_names_no_model_exits_2_listing_the_models(capsys, fake_backend):
    for value in ("all-mpnet-base-v2=query: ", "other/model=x", "lexical:bm25=x", "a=b"):
        code = main(["evaluate", "--models", "fake:sentence-transformers/all-MiniLM-L6-v2,fake:fake-a", "--sample",
                     "--no-cache", "--query-prompt", value])
        err = capsys.readouterr().err
        assert code == 2, value
        assert "not one of --models" in err and "fake:sentence-transformers/all-MiniLM-L6-v2" in err and \
            "fake:fake-a" in err and "all-MiniLM-L6-v2)" in err, err
    # the short name reaches the backend for that model only
    assert main(["evaluate", "--models", "fake:sentence-transformers/all-MiniLM-L6-v2,fake:fake-a", "--sample",
                 "--no-cache", "--json", "--query-prompt", "all-MiniLM-L6-v2=query: "]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["fake:sentence-transformers/all-MiniLM-L6-v2"]["prompts"]["query"] == "query: "
    assert found["fake:fake-a"]["prompts"]["query"] != "all-MiniLM-L6-v2=query: "


def test_evaluate_pairs_prints_each_models_figures_and_the_comparison(tmp_path, capsys, fake_backend):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("text1,text2,label\n" + "\n".join(
        f"invoice {i} paid,invoice {i} settled,1\ninvoice {i} paid,reset my password {i},0" for i in range(6)))
    assert main(["evaluate", "--models", "fake:fake-a,fake:fake-b", "--pairs", str(pairs), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "12 labeled pairs (similar (1) or not (0)); models ranked by roc_auc" in out
    assert "fake:fake-a vs fake:fake-b: roc_auc difference" in out and "Holm p = " in out
    assert main(["evaluate", "--models", "fake:fake-a,fake:fake-broken", "--pairs", str(pairs), "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert list(found) == ["fake:fake-a"] and found["fake:fake-a"]["primary"] == "roc_auc"
    low, high = found["fake:fake-a"]["intervals"]["roc_auc"]
    assert low <= found["fake:fake-a"]["roc_auc"] <= high and found["fake:fake-a"]["pairs"] == 12


@pytest.mark.parametrize("extra, message", [
    (["--sample"], "--sample belongs to another evaluation"),
    (["--pairs-sample"], "Give one of --pairs FILE or --pairs-sample, alone"),
])
def test_evaluate_pairs_refuses_a_second_source(tmp_path, capsys, fake_backend, extra, message):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("text1,text2,label\na,b,1\nc,d,0\n")
    assert main(["evaluate", "--models", "fake:fake-a", "--pairs", str(pairs), *extra]) == 2
    assert message in capsys.readouterr().err


def test_evaluate_pairs_names_the_bad_row(tmp_path, capsys, fake_backend):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("text1,text2,label\na,b,1\nc,d,9\n")
    assert main(["evaluate", "--models", "fake:fake-a", "--pairs", str(pairs)]) == 2
    assert "row 2: the label 9 is outside 0 to 5" in capsys.readouterr().err
    assert main(["evaluate", "--models", "fake:fake-a", "--pairs", str(tmp_path / "missing.csv")]) == 2


def _bench_json(tmp_path, capsys, *args) -> tuple[int, dict, str]:
    texts = tmp_path / "texts.txt"
    texts.write_text("How do I create an invoice?\nInvoice creation steps\nReset my password\n")
    code = main(["bench", "--quiet", "--json", "--texts", str(texts), "--out", str(tmp_path / "out"), *args])
    printed = capsys.readouterr()
    return code, json.loads(printed.out), printed.err


def test_bench_json_carries_cost_from_ms_per_text_and_the_rate_and_memory(tmp_path, capsys, monkeypatch,
                                                                           fake_backend):
    from fractions import Fraction

    monkeypatch.delenv("HFCOMPARE_HOURLY_RATE", raising=False)
    code, payload, err = _bench_json(tmp_path, capsys, "--models", "fake:fake-a,lexical:tfidf",
                                     "--hourly-rate", "0.072")
    assert code == 0, err
    assert payload == json.loads((tmp_path / "out" / "bench.json").read_text())   # stdout = bench.json
    for row in payload["embeddings"]:
        ms = row["cold_ms_per_text"]   # a request is one text: ms per text × 1,000 = s per 1,000 requests
        assert row["cost_per_1000"] == float(Fraction(str(ms)) * Fraction("0.072") / 3600)   # exactly
        assert row["cost_how"].startswith(f"{ms:g} ms/text (median of ")
        assert "× $0.072/h ÷ 3,600 s/h" in row["cost_how"]
        assert {"memory_mb", "peak_memory_mb", "memory_from"} <= set(row)
    assert payload["cost"]["hourly_rate"]["set_by"] == "--hourly-rate"
    assert "wrote " in err


def test_bench_names_the_bundled_default_rate_with_its_source(tmp_path, capsys, monkeypatch, fake_backend):
    from hfcompare.cost import bundled_rate

    monkeypatch.delenv("HFCOMPARE_HOURLY_RATE", raising=False)
    texts = tmp_path / "texts.txt"
    texts.write_text("How do I create an invoice?\nInvoice creation steps\n")
    assert main(["bench", "--quiet", "--models", "fake:fake-a", "--texts", str(texts),
                 "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    default = bundled_rate()
    assert f"${default.usd_per_hour:g}/h (the bundled default, {default.label}; source:" in printed
    assert default.source.url in printed and "$ per 1,000 requests" in printed
    rate = json.loads((tmp_path / "out" / "bench.json").read_text())["cost"]["hourly_rate"]
    assert rate["set_by"] == "bundled default" and rate["usd_per_hour"] == default.usd_per_hour

    monkeypatch.setenv("HFCOMPARE_HOURLY_RATE", "2")
    code, payload, _ = _bench_json(tmp_path, capsys, "--models", "fake:fake-a")
    assert code == 0 and payload["cost"]["hourly_rate"]["set_by"] == "HFCOMPARE_HOURLY_RATE"


def test_bench_generation_rows_carry_cost_and_memory(tmp_path, capsys, monkeypatch, fake_backend):
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("Say hello.\nName a colour.\n")
    code, payload, err = _bench_json(tmp_path, capsys, "--generators", "fake:fake-a", "--prompts", str(prompts),
                                     "--hourly-rate", "3.6")
    assert code == 0, err
    row = payload["generation"][0]
    assert {"cost_per_1000", "cost_how", "memory_mb", "peak_memory_mb", "kv_cache_mb", "memory_from"} <= set(row)
    assert row["cost_per_1000"] is not None and "÷ 2 requests × 1,000 × $3.6/h" in row["cost_how"]


def test_bench_fails_on_cost_over_the_limit(tmp_path, capsys, monkeypatch, fake_backend):
    # $3,600,000/h is $1,000 per second: any measured time costs more than $0
    code, payload, err = _bench_json(tmp_path, capsys, "--models", "fake:fake-a", "--hourly-rate", "3600000",
                                     "--max-cost-per-1000", "0")
    assert code == 3 and payload["exit_code"] == 3
    assert payload["thresholds"] == {"max_cost_per_1000": 0.0}
    assert payload["threshold_breaches"][0].startswith("fake:fake-a: $ per 1,000 requests ")
    assert "error: fake:fake-a: $ per 1,000 requests" in err


def test_bench_fails_on_unknown_cost_when_a_limit_is_set_and_json_says_null(tmp_path, capsys, monkeypatch,
                                                                            fake_backend):
    from hfcompare.reporting import costs

    monkeypatch.delenv("HFCOMPARE_HOURLY_RATE", raising=False)
    monkeypatch.setattr(costs, "bundled_rate", lambda: None)   # no rate anywhere: the cost is unknown
    code, payload, err = _bench_json(tmp_path, capsys, "--models", "fake:fake-a", "--max-cost-per-1000", "1")
    row = payload["embeddings"][0]
    assert row["cost_per_1000"] is None and row["cost_how"] == "unknown: no hourly rate set for the hardware"
    assert code == 3 and payload["cost"]["hourly_rate"]["usd_per_hour"] is None
    assert payload["threshold_breaches"] == ["fake:fake-a: cost unknown (no hourly rate set for the hardware), so "
                                             "--max-cost-per-1000 1 cannot be checked, and a limit that cannot be "
                                             "checked is not met"]
    assert '"cost_per_1000": null' in (tmp_path / "out" / "bench.json").read_text()
    code, payload, _ = _bench_json(tmp_path, capsys, "--models", "fake:fake-a")   # no limit: unknown is no breach
    assert code == 0 and payload["embeddings"][0]["cost_per_1000"] is None


@pytest.mark.parametrize("flag, value, message", [
    ("--hourly-rate", "-1", "--hourly-rate must be a finite number of US dollars per hour, 0 or more, not '-1'."),
    ("--hourly-rate", "nan", "--hourly-rate must be a finite number of US dollars per hour, 0 or more, not 'nan'."),
    ("--hourly-rate", "inf", "--hourly-rate must be a finite number of US dollars per hour, 0 or more, not 'inf'."),
    ("--hourly-rate", "cheap", "--hourly-rate must be a number of US dollars per hour (0 or more), not 'cheap'."),
    ("--hourly-rate", "", "--hourly-rate is empty"),
    ("--max-cost-per-1000", "-0.5", "--max-cost-per-1000 is US dollars per 1,000 requests, 0 or more, not -0.5."),
    ("--max-cost-per-1000", "nan", "--max-cost-per-1000 must be a finite number, not nan."),
    ("--max-cost-per-1000", "inf", "--max-cost-per-1000 must be a finite number, not inf."),
])
def test_bench_refuses_a_bad_rate_or_cost_limit_before_running(flag, value, message, tmp_path, capsys,
                                                               fake_backend):
    texts = tmp_path / "texts.txt"
    texts.write_text("one text\nanother text\n")
    code = main(["bench", "--quiet", "--models", "fake:fake-a", "--texts", str(texts), "--out",
                 str(tmp_path / "out"), f"{flag}={value}"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.splitlines()) == 1, err
    assert "Traceback" not in err and not fake_backend.calls and not (tmp_path / "out" / "bench.json").exists()


def test_bench_refuses_a_bad_hourly_rate_variable(tmp_path, capsys, monkeypatch, fake_backend):
    monkeypatch.setenv("HFCOMPARE_HOURLY_RATE", "nan")
    texts = tmp_path / "texts.txt"
    texts.write_text("one text\nanother text\n")
    code = main(["bench", "--quiet", "--models", "fake:fake-a", "--texts", str(texts), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "HFCOMPARE_HOURLY_RATE must be a finite number" in err and "unset it" in err
    assert "Traceback" not in err and not fake_backend.calls
