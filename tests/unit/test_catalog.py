"""The bundled catalog's schema and truth rules, and the validator that enforces them."""

from __future__ import annotations

import copy
import json
import math
import re
import subprocess
import sys

import pytest

from hfcompare.catalog import (
    BENCHMARK_FIELDS,
    FIELDS,
    RANGES,
    CatalogError,
    catalog_json,
    load_catalog,
    parse_catalog,
    raw_catalog,
    validate_catalog,
)

REQUIRED = {
    "embeddings": ["sentence-transformers/all-MiniLM-L6-v2", "sentence-transformers/all-mpnet-base-v2",
                   "intfloat/e5-large-v2", "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"],
    "generation": ["mistralai/Mistral-7B-Instruct-v0.2", "meta-llama/Llama-2-7b-chat-hf", "google/flan-t5-base"],
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def test_bundled_catalog_is_valid_and_large_enough():
    assert validate_catalog(raw_catalog()) == []
    catalog = load_catalog()
    assert len(catalog.entries) >= 25
    for task, ids in REQUIRED.items():
        for model_id in ids:
            entry = catalog.by_id(model_id)
            assert entry is not None and entry.task == task, model_id
    for task in ("embeddings", "generation"):
        assert len(catalog.for_task(task)) >= 10


def test_every_figure_has_a_dated_source_and_sane_value():
    for entry in load_catalog().entries:
        assert entry.figures, f"{entry.id} has no figures at all"
        for name, figure in entry.figures.items():
            assert figure.source.url.startswith("https://"), (entry.id, name)
            assert ISO_DATE.match(figure.source.checked), (entry.id, name)
            assert figure.source.published is None or ISO_DATE.match(figure.source.published), (entry.id, name)
            assert figure.quote, f"{entry.id}.{name} has no quote from its source"
            if name in RANGES:
                low, high = RANGES[name]
                assert low <= figure.value <= high, (entry.id, name, figure.value)
            if name in BENCHMARK_FIELDS:
                assert figure.benchmark, (entry.id, name)


def test_benchmark_scores_belong_to_the_right_task():
    for entry in load_catalog().entries:
        if entry.task == "embeddings":
            assert "leaderboard_average" not in entry.figures and "context_length" not in entry.figures
        else:
            assert not {"mteb_average", "mteb_retrieval", "dimensions"} & set(entry.figures)


def test_retrieval_average_is_below_the_overall_average_where_both_are_known():
    # A sanity check on transcription: on MTEB English v1 retrieval is the hardest group for every model listed.
    for entry in load_catalog().for_task("embeddings"):
        if entry.value("mteb_average") and entry.value("mteb_retrieval"):
            assert entry.value("mteb_retrieval") < entry.value("mteb_average"), entry.id


def _tiny() -> dict:
    return {
        "snapshot_date": "2026-01-01",
        "sources": {"card": {"title": "A card", "url": "https://huggingface.co/org/m", "published": None,
                             "checked": "2026-01-01"}},
        "models": [{"id": "org/m", "task": "embeddings", "fields": {
            "dimensions": {"value": 384, "source": "card", "quote": "384 dimensional"},
            "mteb_average": {"value": 56.2, "source": "card", "benchmark": "MTEB English v1 (56 datasets)",
                             "quote": "56.2"},
        }}],
    }


@pytest.mark.parametrize("break_it, problem", [
    (lambda d: d["models"][0]["fields"]["dimensions"].update(source="nowhere"), "not in the sources table"),
    (lambda d: d["models"][0]["fields"]["dimensions"].pop("source"), "not in the sources table"),
    (lambda d: d["models"][0]["fields"]["dimensions"].update(value=-3), "outside the sane range"),
    (lambda d: d["models"][0]["fields"]["dimensions"].update(value=math.nan), "not a number"),
    (lambda d: d["models"][0]["fields"]["dimensions"].update(value=True), "not a number"),
    (lambda d: d["models"][0]["fields"]["mteb_average"].update(value=156.0), "outside the sane range"),
    (lambda d: d["models"][0]["fields"]["mteb_average"].pop("benchmark"), "name its benchmark"),
    (lambda d: d["models"][0]["fields"].update(speed={"value": 1, "source": "card"}), "unknown field"),
    (lambda d: d["models"][0]["fields"].update(multilingual={"value": "yes", "source": "card"}), "true or false"),
    (lambda d: d["models"][0]["fields"].update(languages={"value": "100+", "source": "card"}), "list of language"),
    (lambda d: d["models"][0].update(task="vision"), "task must be"),
    (lambda d: d["models"].append(copy.deepcopy(d["models"][0])), "listed twice"),
    (lambda d: d["sources"]["card"].update(url="http://insecure.example"), "https"),
    (lambda d: d["sources"]["card"].pop("checked"), "'checked' is missing"),
])
def test_validator_names_each_problem(break_it, problem):
    raw = _tiny()
    assert validate_catalog(raw) == []
    break_it(raw)
    problems = validate_catalog(raw)
    assert any(problem in p for p in problems), problems
    with pytest.raises(CatalogError, match=re.escape(problem)):
        parse_catalog(raw)


def test_json_export_has_id_task_and_each_figure_with_value_and_source():
    rows = catalog_json("embeddings")
    assert rows and all(r["task"] == "embeddings" for r in rows)
    minilm = next(r for r in rows if r["id"] == "sentence-transformers/all-MiniLM-L6-v2")
    assert minilm["dimensions"]["value"] == 384
    assert set(minilm["dimensions"]["source"]) == {"title", "url", "published", "checked"}
    assert minilm["mteb_average"]["benchmark"]
    assert set(minilm) - {"id", "task"} <= set(FIELDS)


def test_cli_catalog_json_and_table():
    out = subprocess.run([sys.executable, "-m", "hfcompare", "catalog", "--task", "generation", "--json"],
                         capture_output=True, text=True, check=True).stdout
    rows = json.loads(out)
    assert {r["task"] for r in rows} == {"generation"}
    assert any(r["id"] == "google/flan-t5-base" for r in rows)
    table = subprocess.run([sys.executable, "-m", "hfcompare", "catalog"], capture_output=True, text=True,
                           check=True).stdout
    assert "intfloat/e5-large-v2" in table and "snapshot" in table
