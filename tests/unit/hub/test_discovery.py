"""Merging catalog and Hub rows, and the Discover filters."""

from __future__ import annotations

from hfcompare.hub.catalog import parse_catalog
from hfcompare.hub.discovery import Filters, apply_filters, candidate_rows, option_values, size_bounds_m
from hfcompare.hub.metadata import HubModel

SOURCE = {"s": {"title": "t", "url": "https://example.org", "published": None, "checked": "2026-01-01"}}


def _fig(value):
    return {"value": value, "source": "s", "quote": "q"}


def _catalog():
    models = [
        {"id": "org/small-en", "task": "embeddings", "fields": {
            "parameters": _fig(20_000_000), "languages": _fig(["en"]), "license": _fig("mit"),
            "open_weights": _fig(True)}},
        {"id": "org/big-multi", "task": "embeddings", "fields": {
            "parameters": _fig(600_000_000), "languages": _fig(["en", "de", "fr"]), "license": _fig("apache-2.0"),
            "open_weights": _fig(True)}},
        {"id": "org/unknown", "task": "embeddings", "fields": {"license": _fig("mit")}},
    ]
    return parse_catalog({"snapshot_date": "2026-01-01", "sources": SOURCE, "models": models})


def test_rows_keep_unknowns_empty_and_add_live_counts_and_hub_only_models():
    entries = list(_catalog().entries)
    live = {"org/small-en": HubModel(id="org/small-en", downloads=2_000_000, likes=150)}
    extra = [HubModel(id="org/small-en", downloads=1), HubModel(id="other/found", downloads=10, likes=1,
                                                                  parameters=5_000_000, license="mit")]
    frame = candidate_rows(entries, live, extra).set_index("id")
    assert list(frame.index) == ["org/small-en", "org/big-multi", "org/unknown", "other/found"]
    assert frame.loc["org/small-en", "badges"] == "community approved, widely used"
    assert frame.loc["org/small-en", "downloads"] == 2_000_000
    assert frame.loc["org/big-multi", "downloads"] is None or frame["downloads"].isna()["org/big-multi"]
    assert frame["parameters"].isna()["org/unknown"]
    assert not frame.loc["other/found", "in_catalog"] and frame.loc["other/found", "sources"] == 0


def test_filters_combine_and_unknown_sizes_drop_out_only_when_size_is_narrowed():
    frame = candidate_rows(list(_catalog().entries))
    ids = lambda f: list(apply_filters(frame, f)["id"])  # noqa: E731
    assert ids(Filters()) == ["org/small-en", "org/big-multi", "org/unknown"]
    assert ids(Filters(size_range_m=(10, 100))) == ["org/small-en"]
    assert ids(Filters(languages=["de"])) == ["org/big-multi"]
    assert ids(Filters(licenses=["mit"])) == ["org/small-en", "org/unknown"]
    assert ids(Filters(open_weights_only=True)) == ["org/small-en", "org/big-multi"]
    assert ids(Filters(query="BIG")) == ["org/big-multi"]
    assert ids(Filters(query="big", licenses=["mit"])) == []


def test_option_values_and_size_bounds():
    frame = candidate_rows(list(_catalog().entries))
    assert option_values(frame, "languages") == ["de", "en", "fr"]
    assert option_values(frame, "license") == ["apache-2.0", "mit"]
    assert size_bounds_m(frame) == (20.0, 600.0)
