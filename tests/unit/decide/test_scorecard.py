"""Scorecard inputs (catalog and measured cells, presets, explanations) and the HTML report."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

import pytest

from hfcompare.decide.explain import explain
from hfcompare.decide.scorecard import (
    HINTS,
    PRESETS,
    Provenance,
    SPECS,
    best_source,
    build_candidates,
    catalog_id,
    cell_for,
    is_baseline,
    measured_from_embeddings,
    ranking_table,
    shown_table,
    specs_for,
)
from hfcompare.decide.scoring import score


def test_the_briefs_default_weights():
    assert PRESETS["balanced"]["embeddings"] == {"performance": 40, "speed": 30, "size": 20, "multilingual": 10}
    assert PRESETS["balanced"]["generation"] == {"quality": 40, "speed": 30, "context": 20, "fine_tuning": 10}


def test_every_preset_uses_known_criteria_for_both_tasks():
    for preset in PRESETS.values():
        for task in ("embeddings", "generation"):
            assert set(preset[task]) <= set(specs_for(task)) and sum(preset[task].values()) == 100


#: A catalog model per task that has every catalog field its task's criteria read, or not, as the catalog says.
SAMPLE_MODEL = {"embeddings": "sentence-transformers/all-MiniLM-L6-v2",
                "generation": "meta-llama/Llama-3.2-1B-Instruct"}


def test_every_source_resolves_to_its_own_value_or_says_why_not():
    """Each criterion source gives the value it names (the catalog's figure of that field, the measurement under
    that key) with a description of it, and an unknown value says it is unknown or unmeasured."""
    from hfcompare.hub.catalog import load_catalog

    resolved = 0
    for task, specs in SPECS.items():
        name = SAMPLE_MODEL[task]
        entry = load_catalog().by_id(name)
        for spec in specs:
            for source in spec.sources:
                kind, key = source.split(":", 1)
                if kind == "catalog":
                    figure = entry.figures.get(key)
                    cell = cell_for(name, source, {})
                    if figure is None:
                        assert cell.value is None and cell.source.startswith("unknown"), (task, source)
                    else:
                        assert cell.value == float(figure.value) and figure.source.url in cell.source, (task, source)
                        resolved += 1
                else:
                    measured = {name: {key: (12.5, f"measured here: {key}")}}
                    cell = cell_for(name, source, measured)
                    assert (cell.value, cell.source) == (12.5, f"measured here: {key}"), (task, source)
                    missing = cell_for(name, source, {name: {"another": (1.0, "m")}})
                    assert missing.value is None and missing.source.startswith("not measured"), (task, source)
                    resolved += 1
    assert resolved >= 15


def test_cells_come_from_the_catalog_or_measurements_with_their_source():
    assert catalog_id("local:sentence-transformers/all-MiniLM-L6-v2") == "sentence-transformers/all-MiniLM-L6-v2"
    assert catalog_id("BAAI/bge-small-en-v1.5") == "BAAI/bge-small-en-v1.5"
    size = cell_for("local:sentence-transformers/all-MiniLM-L6-v2", "catalog:parameters", {})
    assert size.value == 22_700_000 and "https://" in size.source
    multi = cell_for("intfloat/multilingual-e5-large", "catalog:multilingual", {})
    assert multi.value == 1.0
    unknown = cell_for("lexical:tfidf", "catalog:parameters", {})
    assert unknown.value is None and "unknown" in unknown.source
    measured = {"lexical:tfidf": {"ndcg@10": (0.7, "measured here: nDCG@10 over 20 labeled queries")}}
    assert cell_for("lexical:tfidf", "measured:ndcg@10", measured).value == 0.7
    assert cell_for("x/y", "measured:ndcg@10", measured).value is None


def test_best_source_prefers_measurements_when_there_are_any():
    names = ["local:sentence-transformers/all-MiniLM-L6-v2", "BAAI/bge-small-en-v1.5"]
    assert best_source("embeddings", "performance", names, {}) == "catalog:mteb_retrieval"
    measured = {names[0]: {"ndcg@10": (0.9, "m")}}
    assert best_source("embeddings", "performance", names, measured) == "measured:ndcg@10"


def test_catalog_figures_alone_recommend_nothing_and_say_what_to_measure():
    names = ["BAAI/bge-small-en-v1.5", "intfloat/e5-large-v2", "sentence-transformers/all-MiniLM-L6-v2"]
    weights = PRESETS["balanced"]["embeddings"]
    sources = {k: best_source("embeddings", k, names, {}) for k in weights}
    candidates = build_candidates(names, "embeddings", sources, {})
    criteria = [replace(specs_for("embeddings")[k].criterion, weight=w) for k, w in weights.items()]
    scored = score(candidates, criteria)
    assert scored.recommended is None          # speed (30%) is unknown for all: 70% known at most
    text = explain("The brief's defaults", scored, candidates, criteria, 0.9, hints=HINTS["embeddings"]).text
    assert text.startswith("No recommendation yet") and "run a comparison of these models to measure speed" in text
    table = ranking_table(scored, criteria)
    assert set(table["status"]) == {"not recommended: 70% of the weight known"}
    shown = shown_table(table, ["Speed pts"])
    assert set(shown["Speed pts"]) == {"unknown"}


def test_measured_speed_with_its_range_and_run_reaches_the_cell():
    from hfcompare.embeddings.speed import SpeedStats

    class Result:
        ok, ref = True, "local:m"
        speed = SpeedStats(12.0, 10.5, 14.25, 5, 20, "CPU, 2 cores", "2026-11-29T14:00:00+00:00", True)

    measured = measured_from_embeddings([Result()])
    cell = cell_for("local:m", "measured:ms_per_text", measured)
    assert (cell.value, cell.low, cell.high) == (12.0, 10.5, 14.25)
    assert "median 12.00 ms/text over 5 timed passes of 20 texts (range 10.50–14.25)" in cell.source
    made = measured["local:m"]["ms_per_text"].provenance   # provenance is data, not a sentence to parse
    assert made == Provenance("text comparison", 20, "", "CPU, 2 cores", 5, "2026-11-29T14:00:00+00:00", "here")
    assert cell.run == "text comparison · 20 texts · CPU, 2 cores · 5 passes · 2026-11-29 14:00 UTC"
    Result.speed = SpeedStats(12.0, 10.5, 14.25, 5, 20, "CPU, 2 cores", "2026-11-28T09:30:00+00:00", False, (), "ab12cd34")
    again = measured_from_embeddings([Result()])["local:m"]["ms_per_text"].provenance
    assert again.via == "earlier" and again.basis == "ab12cd34|CPU, 2 cores"
    assert again.describe().endswith("remembered from an earlier run") and "#ab12cd" in again.describe()


def test_baselines_are_references_not_candidates():
    assert is_baseline("lexical:tfidf")
    assert not is_baseline("local:sentence-transformers/all-MiniLM-L6-v2")
    assert not is_baseline("sentence-transformers/all-MiniLM-L6-v2") and not is_baseline("nobackend:x")


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_report_is_standalone_with_tables_charts_and_hardware():
    import pandas as pd
    import plotly.graph_objects as go

    from hfcompare.reporting.report import build_report

    html = build_report("Title <x>", "Winner **A** because <b>", [
        ("Ranking", pd.DataFrame([{"model": "<script>alert(1)</script>", "score": 0.5, "gap": None}])),
        ("Chart one", go.Figure(go.Bar(x=[1], y=[2]))), ("Chart two", go.Figure(go.Bar(x=[1], y=[3]))),
        ("Note", "plain <text>")])
    parser = _Collect()
    parser.feed(html)
    assert "table" in parser.tags and parser.tags.count("script") >= 2
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert html.count("plotly.js v") <= 2  # the library is inlined once, not per chart
    text = " ".join(parser.text)
    assert "CPU cores" in text and "UTC" in text and "unknown" in text and "Winner A because <b>" in text
    assert "<script src=" not in html  # plotly.js is inlined, so the report opens offline


def test_generation_measurements_become_quality_speed_and_latency():
    from hfcompare.decide.scorecard import measured_from_generation
    from hfcompare.generation.checks import Outcome, Verdict
    from hfcompare.generation.runs import GenerationResult
    from hfcompare.generation.timing import Timings
    from hfcompare.refs import ModelRef

    fast, slow = ModelRef.parse("fake:fast"), ModelRef.parse("fake:slow")
    results, verdicts = [], {}
    for i in range(3):
        results.append(GenerationResult(fast, i, "p", "a", Timings(1.0 + i, 0.1, 20, 5, 40.0 + i, "reported")))
        results.append(GenerationResult(slow, i, "p", "b", Timings(3.0, 0.5, 20, 5, 10.0, "reported")))
        verdicts[(fast, i)] = Verdict([Outcome("kw", i < 2, "")])
        verdicts[(slow, i)] = Verdict([Outcome("kw", True, "")])
    measured = measured_from_generation(results, verdicts)
    assert measured["fake:fast"]["pass_rate"][0] == pytest.approx(2 / 3)
    assert measured["fake:fast"]["tokens_per_s"][0] == 41.0 and measured["fake:fast"]["latency_s"][0] == 2.0
    assert measured["fake:slow"]["pass_rate"][0] == 1.0 and "measured" in measured["fake:slow"]["tokens_per_s"][1]


def test_a_variant_never_inherits_its_parents_published_figures():
    """The int8 ONNX copy of MiniLM showed the fp32 model's MTEB average (56.26) and parameter count as
    its own; they stay unknown, and the source names them as the parent's."""
    from hfcompare.decide.scorecard import cell_for, variant_parent

    copy = "onnx:sentence-transformers/all-MiniLM-L6-v2"
    assert variant_parent(copy) == "local:sentence-transformers/all-MiniLM-L6-v2"
    for source in ("catalog:mteb_average", "catalog:parameters"):
        cell = cell_for(copy, source, {})
        assert not cell.known and "is a copy of local:sentence-transformers/all-MiniLM-L6-v2" in cell.source
        assert "of that parent, not of this copy" in cell.source
        assert cell_for("local:sentence-transformers/all-MiniLM-L6-v2", source, {}).known
    assert "56.26" in cell_for(copy, "catalog:mteb_average", {}).source
