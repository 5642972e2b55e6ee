"""`hfcompare decide` (issue 26, point 5): the verdict from measurement files, for scripts and CI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hfcompare.cli import EXIT_VERDICT_CHANGED, main
from hfcompare.decide.decision import DecisionError, decide, merge, read_measurements

MINILM, MPNET = "local:sentence-transformers/all-MiniLM-L6-v2", "local:sentence-transformers/all-mpnet-base-v2"


def evaluate_json(tmp_path, lead: float, noise: float = 0.004, n: int = 20):
    rng = np.random.default_rng(3)
    b = rng.uniform(0.5, 0.95, n)
    a = np.clip(b + lead + rng.normal(0, noise, n), 0, 1)
    data = {model: {"ndcg@10": float(v.mean()), "queries": "q20", "ndcg@10_per_query": v.tolist()}
            for model, v in ((MPNET, a), (MINILM, b))}
    path = tmp_path / "eval.json"
    path.write_text(json.dumps(data))
    return path


def speed_csv(tmp_path, minilm: float = 4.0, mpnet: float = 25.0):
    path = tmp_path / "speed.csv"
    path.write_text(f"model,criterion,value,low,high\nsentence-transformers/all-MiniLM-L6-v2,speed,{minilm},3.8,4.4\n"
                    f"sentence-transformers/all-mpnet-base-v2,speed,{mpnet},24,27\n")
    return path


def test_files_merge_under_one_name_and_sizes_come_from_the_catalog(tmp_path):
    measured = merge([read_measurements(evaluate_json(tmp_path, 0.03)), read_measurements(speed_csv(tmp_path))])
    assert set(measured) == {MINILM, MPNET} and set(measured[MINILM]) == {"performance", "speed"}
    assert measured[MINILM]["performance"].paired_on == "q20:ndcg@10"
    decision = decide("embeddings", measured, {"performance": 40, "speed": 30, "size": 20, "multilingual": 10})
    assert decision.verdict.kind == "recommend" and decision.verdict.models == (MINILM,)
    assert decision.as_json()["ranking"][0]["unknown"] == []   # size and languages came from the catalog


def test_a_paired_quality_lead_alone_is_too_close_with_the_queries_that_would_settle_it(tmp_path):
    measured = merge([read_measurements(evaluate_json(tmp_path, 0.01, noise=0.05))])
    decision = decide("embeddings", measured, {"performance": 100})
    assert decision.verdict.kind == "too_close"
    assert "labeled queries in all (now 20)" in decision.verdict.text


def test_published_averages_never_fill_a_gap_beside_measured_ndcg(tmp_path):
    """nDCG (0-1) for one model and an MTEB average (0-100) for another are not alike: the gap stays unknown."""
    path = tmp_path / "one.csv"
    path.write_text("model,criterion,value\nsentence-transformers/all-MiniLM-L6-v2,performance,0.9\n"
                    "BAAI/bge-small-en-v1.5,speed,5\n")
    decision = decide("embeddings", merge([read_measurements(path)]), {"performance": 50, "speed": 50})
    ranking = {row["model"]: row for row in decision.as_json()["ranking"]}
    assert "performance" in ranking["local:BAAI/bge-small-en-v1.5"]["unknown"]


@pytest.mark.parametrize("content, words", [
    ("model,value\nx,1\n", "needs the columns model,criterion,value"),
    ("model,criterion,value\nx,speed,fast\n", "'fast' is not a number"),
    ("model,criterion,value\nx,speed,nan\n", "not a finite number"),
])
def test_bad_files_are_messages(tmp_path, content, words):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(DecisionError, match=words):
        read_measurements(path)


def test_the_command_prints_the_verdict_and_fails_ci_when_it_changes(tmp_path, capsys):
    files = ["--input", str(evaluate_json(tmp_path, 0.03)), "--input", str(speed_csv(tmp_path))]
    assert main(["decide", *files, "--expect", MINILM]) == 0
    assert "Recommend all-MiniLM-L6-v2" in capsys.readouterr().out
    assert main(["decide", *files, "--expect", MPNET]) == EXIT_VERDICT_CHANGED
    assert "no longer 'recommend" in capsys.readouterr().err
    assert main(["decide", *files, "--json", "--at-most", "speed=10,size=50000000"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["verdict"]["kind"] == "recommend"
    assert found["ranking"][-1]["excluded"] == ["Speed 25 ms/text is over the limit of 10 ms/text",
                                                "Size 109M parameters is over the limit of 50M parameters"]
    for bad in (["--weights", "speed"], ["--weights", "nope=3"], ["--scale", "speed=1:1"], ["--threshold", "nan"]):
        assert main(["decide", *files, *bad]) == 2
        assert "error:" in capsys.readouterr().err
