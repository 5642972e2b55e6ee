"""Evaluation mode in the browser: upload a BEIR-style set, run the bundled models, read the
metrics, and select a point in the embedding map to read its text."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import screenshot, settle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def write_beir(folder):
    from hfcompare.samples import load_retrieval_sample

    ds = load_retrieval_sample()
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps({"_id": d, "title": "", "text": t})
                                                   for d, t in ds.corpus.items()))
    (folder / "queries.jsonl").write_text("\n".join(json.dumps({"_id": q, "text": t}) for q, t in ds.queries.items()))
    rows = [f"{q}\t{d}\t{s}" for q, docs in ds.qrels.items() for d, s in docs.items()]
    (folder / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\n" + "\n".join(rows) + "\n")
    return [folder / "corpus.jsonl", folder / "queries.jsonl", folder / "qrels.tsv"]


def test_upload_beir_set_evaluate_and_select_points(tmp_path, app_url, page):
    files = write_beir(tmp_path)
    page.goto(app_url)
    page.get_by_role("heading", name="Compare embedding models").wait_for()
    page.get_by_text("Evaluate retrieval", exact=True).click()
    page.get_by_text("Upload files", exact=True).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(f) for f in files])
    page.get_by_text("20 queries with judged texts").wait_for()
    page.get_by_role("button", name="Run evaluation").click()
    page.get_by_role("heading", name="Embedding space").wait_for(timeout=240_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    page.get_by_text("Select points (click, box or lasso)").wait_for()

    settle(page)   # the run has ended: the chart is drawn
    drag_area = page.locator(".js-plotly-plot").last.locator(".nsewdrag").first   # the plotting area
    drag_area.scroll_into_view_if_needed()   # waits until it is visible and stable
    # a box selection is a drag across the plotting area: no locator can express its path, so the drag
    # goes corner to corner of the area's box
    area = drag_area.bounding_box()
    page.mouse.move(area["x"] + 5, area["y"] + 5)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2, steps=5)
    page.mouse.move(area["x"] + area["width"] - 5, area["y"] + area["height"] - 5, steps=5)
    page.mouse.up()
    page.get_by_text("Select points (click, box or lasso)").wait_for(state="detached", timeout=30_000)
    screenshot(page, "evaluation_selected")
    assert page.locator('[data-testid="stException"]').count() == 0
