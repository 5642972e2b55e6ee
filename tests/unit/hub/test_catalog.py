"""The bundled catalog's schema and truth rules, and the validator that enforces them."""

from __future__ import annotations

import copy
import csv
import json
import math
import re
import subprocess
import sys

import pytest

from hfcompare.hub.catalog import (
    BENCHMARK_FIELDS,
    FIELDS,
    LEADERBOARD_ROW_RULE,
    RANGES,
    CatalogError,
    catalog_json,
    load_catalog,
    parse_catalog,
    pick_leaderboard_row,
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
    checked = [entry.id for entry in load_catalog().for_task("embeddings")
               if entry.value("mteb_average") and entry.value("mteb_retrieval")]
    assert len(checked) >= 8, f"only {checked} have both averages: the check would prove nothing"
    for model_id in checked:
        entry = load_catalog().by_id(model_id)
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


# --- The leaderboard copy's rows, as the catalog quotes them ---------------------------------------------------------

#: Models the leaderboard copy (source lb-modelrank_csv) lists twice, with both rows' averages (2 decimals), read
#: from the copy: the catalog must keep both rows and pick one by LEADERBOARD_ROW_RULE.
DUPLICATED_IN_THE_COPY = {
    "microsoft/Phi-3-mini-4k-instruct": {27.56, 25.97},
    "Qwen/Qwen2.5-0.5B-Instruct": {10.11, 8.14},
    "HuggingFaceTB/SmolLM2-135M-Instruct": {6.47, 3.21},
}


def leaderboard_columns(quote: str) -> dict:
    """The columns of a quoted row of the copy: 'eval_name,Precision,Type,T,Weight type,Architecture,...,fullname,
    Model sha,Average,Hub License,Hub hearts,#Params (B),Available,MoE,Flagged,Chat Template,...,Merged,Official
    Providers,Upload To Hub Date,Submission Date,Generation,Base Model' (the HTML 'Model' column elided as '...')."""
    head, sep, tail = quote.partition(",...,")
    assert sep, f"not a quoted row of the copy: {quote[:80]}"
    left = next(csv.reader([head]))
    right = next(csv.reader([tail.split("  [")[0]]))
    assert len(left) == 6 and len(right) >= 10, f"the quote stops before the 'Chat Template' column: {quote[:120]}"
    columns = {"precision": left[1], "type": left[2], "architecture": left[5], "fullname": right[0],
               "average": float(right[2]), "params_b": right[5],
               "chat_template": {"True": True, "False": False}[right[9]]}
    if len(right) >= 29:
        columns["submitted"] = right[-3]
    return columns


def leaderboard_figures():
    return [(e, e.figures["leaderboard_average"]) for e in load_catalog().for_task("generation")
            if "leaderboard_average" in e.figures]


def test_every_leaderboard_quote_is_the_models_own_row_and_gives_its_average():
    figures = leaderboard_figures()
    assert len(figures) >= 13
    for entry, figure in figures:
        columns = leaderboard_columns(figure.quote)
        assert columns["fullname"] == entry.id
        assert round(columns["average"], 2) == figure.value, entry.id


def test_models_listed_twice_keep_both_rows_and_follow_the_stated_rule():
    for model_id, averages in DUPLICATED_IN_THE_COPY.items():
        figure = load_catalog().by_id(model_id).figures["leaderboard_average"]
        assert {row["value"] for row in figure.rows} == averages, model_id
        assert figure.value == pick_leaderboard_row(list(figure.rows))["value"], model_id
        assert "chat template" in figure.basis and "latest" in figure.basis, model_id
        for row in figure.rows:   # each row's flags are what its own quote says
            columns = leaderboard_columns(row["quote"])
            assert columns["fullname"] == model_id
            assert round(columns["average"], 2) == row["value"]
            assert columns["chat_template"] == row["chat_template"]
            assert columns["submitted"] == row["submitted"]
    # and no other model claims duplicates the copy does not have
    assert {e.id for e, f in leaderboard_figures() if f.rows} == set(DUPLICATED_IN_THE_COPY)


def test_the_row_rule_prefers_the_chat_template_then_the_latest_submission():
    old_chat = {"value": 1.0, "chat_template": True, "submitted": "2024-06-12"}
    new_chat = {"value": 2.0, "chat_template": True, "submitted": "2024-07-02"}
    newest_plain = {"value": 3.0, "chat_template": False, "submitted": "2024-11-14"}
    assert pick_leaderboard_row([old_chat, newest_plain]) is old_chat
    assert pick_leaderboard_row([newest_plain, old_chat, new_chat]) is new_chat
    assert "chat template" in LEADERBOARD_ROW_RULE and "latest" in LEADERBOARD_ROW_RULE


def _tiny_generation(rows, value=27.56, basis="picked by the rule") -> dict:
    raw = _tiny()
    raw["models"].append({"id": "org/chat", "task": "generation", "fields": {"leaderboard_average": {
        "value": value, "source": "card", "benchmark": "Open LLM Leaderboard v2", "quote": "row", "basis": basis,
        "rows": rows}}})
    return raw


ROW_A = {"value": 27.56, "chat_template": True, "submitted": "2024-07-02", "quote": "row a"}
ROW_B = {"value": 25.97, "chat_template": True, "submitted": "2024-06-12", "quote": "row b"}


@pytest.mark.parametrize("rows, value, basis, problem", [
    ([ROW_A, ROW_B], 25.97, "x", "the row the rule picks"),
    ([ROW_A, {**ROW_B, "submitted": "2024-07-02"}], 27.56, "x", "cannot tell the top rows apart"),
    ([ROW_A, ROW_B], 27.56, None, "must say how"),
    ([ROW_A], 27.56, "x", "at least two rows"),
    ([ROW_A, {**ROW_B, "chat_template": "yes"}], 27.56, "x", "chat_template must be true or false"),
    ([ROW_A, {**ROW_B, "submitted": "June"}], 27.56, "x", "YYYY-MM-DD"),
    ([ROW_A, {**ROW_B, "quote": ""}], 27.56, "x", "needs its quote"),
    ([ROW_A, {**ROW_B, "value": 250}], 27.56, "x", "is not a score"),
])
def test_validator_checks_the_rows_of_a_duplicated_model(rows, value, basis, problem):
    assert validate_catalog(_tiny_generation([ROW_A, ROW_B])) == []
    problems = validate_catalog(_tiny_generation(rows, value, basis))
    assert any(problem in p for p in problems), problems


def test_only_leaderboard_figures_keep_rows():
    raw = _tiny()
    raw["models"][0]["fields"]["dimensions"]["rows"] = [ROW_A, ROW_B]
    assert any("only a leaderboard figure" in p for p in validate_catalog(raw))


def test_rows_reach_the_json_export():
    phi3 = next(r for r in catalog_json("generation") if r["id"] == "microsoft/Phi-3-mini-4k-instruct")
    assert {row["value"] for row in phi3["leaderboard_average"]["rows"]} == {27.56, 25.97}


def test_rows_typed_pretrained_or_run_without_the_chat_template_say_so():
    said = 0
    for entry, figure in leaderboard_figures():
        columns = leaderboard_columns(figure.quote)
        if "pretrained" in columns["type"]:
            assert "types this row '🟢 pretrained'" in figure.basis, entry.id
            said += 1
        if not columns["chat_template"]:
            assert "without the chat template" in figure.basis, entry.id
    assert said >= 2  # Llama-2-7b-chat-hf and Llama-3.1-8B-Instruct (and flan-t5-base) are typed pretrained


NO_AVERAGE_CLAIM = re.compile(
    r"\bno\b[^.]{0,80}\b(leaderboard|average|avg)\b[^.]{0,60}\b(found|reported|quoted)\b"
    r"|\b(leaderboard average|leaderboard result)[^.]{0,20}(left unknown|not found)", re.IGNORECASE)


def test_no_note_claims_a_missing_leaderboard_average_that_the_catalog_has():
    assert NO_AVERAGE_CLAIM.search("No Open LLM Leaderboard v2 average found in stored text.")
    for entry, _ in leaderboard_figures():
        found = NO_AVERAGE_CLAIM.search(entry.notes or "")
        assert not found, f"{entry.id}: {found.group(0)!r}"


def test_parameter_counts_agree_with_the_leaderboard_count_or_are_marked_nominal():
    """The copy's '#Params (B)' is counted from the weights; where it gives three significant digits, a parameter
    figure more than 1% away from it must say it is a nominal size (e.g. '7B' for 6.74 billion)."""
    compared = 0
    for entry, figure in leaderboard_figures():
        params_b = leaderboard_columns(figure.quote)["params_b"]
        if len(params_b.replace(".", "").lstrip("0")) < 3 or "parameters" not in entry.figures:
            continue
        compared += 1
        parameters = entry.figures["parameters"]
        counted = float(params_b) * 1e9
        if abs(parameters.value - counted) > 0.01 * counted:
            assert "nominal" in (parameters.basis or ""), f"{entry.id}: {parameters.value:g} vs {counted:g}"
    assert compared >= 10


def test_the_arctic_metadata_citation_points_at_a_revision_holding_the_quoted_lines():
    # mteb/models/arctic_models.py at 29db476 lists only arctic-embed-m-v1.5 (languages=["eng_Latn"],
    # embed_dim=256): none of the lines quoted for arctic-embed-m is there. At b04b46e
    # (mteb/models/model_implementations/arctic_models.py) the arctic_embed_m entry has them all.
    url = raw_catalog()["sources"]["mteb_arctic"]["url"]
    assert "29db47698f812a4549e1abf40c2ddeb6f2dbba2a" not in url
    assert url.endswith("/blob/b04b46e20f9e96924aed0fa71eebe2e39c85a10a/"
                        "mteb/models/model_implementations/arctic_models.py")
    arctic = load_catalog().by_id("Snowflake/snowflake-arctic-embed-m")
    quoted = {f.quote for f in arctic.figures.values() if f.source.id == "mteb_arctic"}
    assert quoted == {'max_tokens=512,\n    embed_dim=768,', 'languages=["eng-Latn"],', "open_weights=True,"}
