"""Share links in AppTest: pages read their state from query parameters, write it back, keep long
state in the store, and survive hostile links with warnings."""

from __future__ import annotations

import json

import pytest

from tests.app.pages import table_with, open_link, shown

TEXTS = "How do I create an invoice?\nInvoice templates\nReset my password"
LONGER = TEXTS + "\nWhere can I download all my invoices as PDF?\nCan I get a refund for last month's subscription?"




def test_embeddings_link_reproduces_the_comparison_from_the_cache(fake_backend):
    first = open_link({"models": "fake:fake-a,fake:fake-b", "texts": TEXTS, "run": "1"})
    assert not first.exception
    assert "Similarity matrices" in [s.value for s in first.main.subheader]
    # a second visitor: same link, results from the cache, and it says so
    second = open_link({"models": "fake:fake-a,fake:fake-b", "texts": TEXTS, "run": "1"})
    assert any("every result came from the cache" in s.value for s in second.success)
    assert second.multiselect[0].value == ["fake:fake-a", "fake:fake-b"]
    assert list(second.dataframe[0].value["computed"]) == [0, 0]


def test_changing_an_input_updates_the_url(fake_backend):
    at = open_link({})
    at.multiselect[0].set_value(["fake:fake-a"]).run()
    at.text_area[0].set_value("one\ntwo").run()             # a short state stays in the link itself
    assert at.query_params["texts"] == "one\ntwo" and at.query_params["models"] == "fake:fake-a"
    at.text_area[0].set_value(LONGER).run()                  # longer than SHORT_LINK_CHARS: a stored id
    assert "texts" not in at.query_params and len(at.query_params["c"]) == 16
    assert open_link({"c": at.query_params["c"]}).text_area[0].value == LONGER
    at.segmented_control[0].set_value("evaluate").run()    # no texts in evaluate mode: short again
    assert at.query_params["mode"] == "evaluate"


def test_a_share_link_is_short_by_default_with_the_long_one_on_request(fake_backend):
    from hfcompare.storage.sharing import SHORT_LINK_CHARS

    at = open_link({})
    at.text_area[0].set_value(LONGER).run()
    short = at.code[0].value
    assert "?c=" in short and len(short.split("?", 1)[1]) < 30
    long_toggle = next(t for t in at.toggle if t.label == "Long link (works without the store)")
    long_toggle.set_value(True).run()
    long = at.code[1].value
    assert "texts=" in long and len(long.split("?", 1)[1]) > SHORT_LINK_CHARS
    from urllib.parse import parse_qsl

    reopened = open_link(dict(parse_qsl(long.split("?", 1)[1])))   # works with no stored id at all
    assert reopened.text_area[0].value == LONGER


def test_long_state_goes_to_the_store_under_an_id_that_never_changes(fake_backend):
    long_texts = "\n".join(f"support question number {i} about invoices and refunds" for i in range(200))
    at = open_link({})
    at.text_area[0].set_value(long_texts).run()
    first_id = at.query_params["c"]
    assert len(first_id) == 16 and "texts" not in at.query_params
    reopened = open_link({"c": first_id})
    assert reopened.text_area[0].value == long_texts
    reopened.text_area[0].set_value(long_texts + "\none more").run()
    assert reopened.query_params["c"] != first_id      # editing makes a new id
    again = open_link({"c": first_id})
    assert again.text_area[0].value == long_texts        # the old id still means the old state


def test_a_long_view_is_saved_once_not_on_every_rerun(fake_backend, monkeypatch):
    from hfcompare.storage.store import Store

    saves = []
    original = Store.save_state
    monkeypatch.setattr(Store, "save_state", lambda self, *args: saves.append(args[0]) or original(self, *args))
    long_texts = "\n".join(f"support question number {i} about invoices and refunds" for i in range(50))
    at = open_link({})
    at.text_area[0].set_value(long_texts).run()
    for _ in range(3):
        at.run()
    assert len(saves) == 1 and at.query_params["c"] == saves[0]
    at.text_area[0].set_value(long_texts + "\none more").run()
    assert len(saves) == 2 and at.query_params["c"] == saves[1] != saves[0]
    monkeypatch.setattr("ui.share.RESAVE_AFTER_S", 0.0)   # after a while on screen, saved again (kept recent)
    at.run()
    assert len(saves) == 3 and saves[2] == saves[1]


@pytest.mark.parametrize("params, warning", [
    ({"models": "nonsense:foo,fake:fake-a"}, "cannot run"),
    ({"mode": "<script>alert(1)</script>"}, "'mode' must be one of"),
    ({"models": ",".join(f"fake:m{i}" for i in range(10_000))}, "'models'"),
    ({"c": "aaaaaaaaaaaaaaaa"}, "No saved comparison has the id"),
    ({"c": "../../etc/passwd"}, "malformed"),
    ({"run": "maybe"}, "'run' must be 1 or 0"),
    ({"zzz": "1"}, "does not know"),
])
def test_bad_links_warn_and_fall_back_to_defaults(fake_backend, params, warning):
    at = open_link(params)
    assert not at.exception
    assert any(warning in shown(w.value) for w in at.warning), [w.value for w in at.warning]


def test_generation_link_sets_prompts_and_parameters(fake_backend):
    prompts = json.dumps([{"prompt": "Say hi", "keywords": "hi", "regex": "", "max chars": None, "reference": ""}])
    at = open_link({"models": "fake:fake-a", "prompts": prompts, "temperature": "0.5", "max_tokens": "64",
                   "seed": "7", "run": "1"}, page="app_pages/generation.py")
    assert not at.exception
    assert next(n for n in at.number_input if n.label == "Temperature").value == 0.5
    assert next(n for n in at.number_input if n.label == "Seed").value == 7
    assert "Summary" in [s.value for s in at.main.subheader]
    bad = open_link({"temperature": "nan", "max_tokens": "-5", "top_p": "7"}, page="app_pages/generation.py")
    assert not bad.exception
    assert sum("the default is used" in w.value for w in bad.warning) == 3


def test_scorecard_link_carries_weights_and_rejects_negative_ones(fake_backend):
    weights = json.dumps({"performance": 0, "size": 100})
    at = open_link({"task": "embeddings", "candidates": "sentence-transformers/all-MiniLM-L6-v2,intfloat/e5-large-v2",
                   "weights": weights}, page="app_pages/scorecard.py")
    assert not at.exception
    assert list(table_with(at, "model", "score")["model"])[0] == "sentence-transformers/all-MiniLM-L6-v2"
    bad = open_link({"weights": json.dumps({"size": -3})}, page="app_pages/scorecard.py")
    assert any("weights between 0 and 100" in w.value for w in bad.warning)


def test_a_state_too_large_to_share_says_so_and_the_url_is_left_alone(fake_backend, monkeypatch):
    monkeypatch.setenv("HFCOMPARE_LINK_MAX_KB", "4")
    at = open_link({})
    at.text_area[0].set_value("\n".join(f"support question number {i} about invoices" for i in range(300))).run()
    assert not at.exception
    assert any("too large to share" in w.value and "at most 4 KB" in w.value for w in at.warning), \
        [w.value for w in at.warning]
    assert "c" not in at.query_params and "texts" not in at.query_params
    assert not at.code or all("?c=" not in c.value for c in at.code)


def test_a_deeply_nested_link_field_warns_and_the_rest_of_the_link_applies(fake_backend):
    at = open_link({"sources": "[" * 3000, "samples": "300"}, page="app_pages/scorecard.py")
    assert not at.exception
    assert any("sources" in w.value and "nests too deeply" in w.value for w in at.warning), \
        [w.value for w in at.warning]
