"""Share-link state: round trips (property tests), limits and hostile input. The store behind ids is
tested on both engines in test_store.py."""

from __future__ import annotations

import string
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfcompare.storage.sharing import MAX_QUERY_CHARS, Field, UndeclaredLinkField, from_query, link_for
from hfcompare.storage.store import Store
from tests.link_pages import fields, link_pages

ref = st.from_regex(r"[a-z]{2,8}:[A-Za-z0-9_.-]{1,20}(/[A-Za-z0-9_.-]{1,30})?", fullmatch=True)
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
embeddings_state = st.fixed_dictionaries({}, optional={
    "mode": st.sampled_from(["compare", "evaluate"]),
    "models": st.lists(ref, min_size=1, max_size=6),
    "texts": text.filter(str.strip), "suite": text.filter(str.strip), "run": st.booleans(),
})
scorecard_state = st.fixed_dictionaries({}, optional={
    "task": st.sampled_from(["embeddings", "generation"]),
    "weights": st.dictionaries(st.sampled_from(["performance", "speed", "size", "multilingual"]),
                               st.floats(min_value=0, max_value=100), min_size=1),
    "policy": st.sampled_from(["skip", "penalize"]), "samples": st.integers(100, 2000),
})


def to_query(page: str, state: dict, store=None) -> dict[str, str]:
    """The query parameters of a link (what `link_for` left out is checked apart)."""
    return link_for(page, state, fields(page), store)[0]


def read(page: str, params: dict, store=None) -> tuple[dict, list[str]]:
    """`from_query` with the page's own link fields."""
    return from_query(page, params, fields(page), store)


@settings(max_examples=80, deadline=None)
@given(state=embeddings_state)
def test_embeddings_state_round_trips_through_url_or_store(tmp_path_factory, state):
    store = Store(tmp_path_factory.mktemp("s") / "store.sqlite3")
    params = to_query("embeddings", state, store)
    assert len(urlencode(params)) <= MAX_QUERY_CHARS or set(params) == {"c"}
    back, warnings = read("embeddings", params, store)
    assert warnings == []
    expected = {k: v for k, v in state.items() if v not in ("", [], None)}
    assert back == expected
    store.close()


@settings(max_examples=60, deadline=None)
@given(state=scorecard_state)
def test_scorecard_state_round_trips(state):
    back, warnings = read("scorecard", to_query("scorecard", state))
    assert warnings == [] and back == state


@pytest.mark.parametrize("params, fragment", [
    ({"models": ",".join(["local:x"] * 10_000)}, "'models' is too long"),
    ({"models": "a,b,c,d,e,f,g"}, "lists 7 items"),
    ({"max_tokens": "1e400"}, "'max_tokens'"),
    ({"temperature": "NaN"}, "finite"),
    ({"temperature": "-1"}, "between"),
    ({"seed": "3.5"}, "whole number"),
    ({"prompts": "{not json"}, "'prompts'"),
    ({"run": "<img src=x>"}, "1 or 0"),
    ({"models": 17}, "wrong type"),
])
def test_hostile_generation_and_embedding_params_become_warnings(params, fragment):
    page = "generation" if set(params) & {"max_tokens", "temperature", "seed", "prompts"} else "embeddings"
    state, warnings = read(page, params)
    assert state == {} and len(warnings) == 1 and fragment in warnings[0]


def test_weights_must_be_finite_and_non_negative():
    for bad in ('{"size": -1}', '{"size": NaN}', '{"size": "heavy"}', '[1, 2]', '{"size": 1e9}'):
        state, warnings = read("scorecard", {"weights": bad})
        assert "weights" not in state and warnings


def test_unknown_parameter_names_are_quoted_safely():
    _, warnings = read("discover", {"\x00<b>evil</b>" * 20: "1"})
    assert warnings and "\x00" not in warnings[0] and len(warnings[0]) < 300


def _valid_and_invalid(field) -> tuple[object, str]:
    """A value `field` accepts, and a raw parameter it must refuse, per kind (a new kind fails here until added)."""
    top = field.high if field.high is not None else 10
    return {
        "str": lambda: ("a text\nwith lines", "x" * (field.max_chars + 1)),
        "choice": lambda: (field.choices[-1], "not-a-choice"),
        "bool": lambda: (True, "maybe"),
        "int": lambda: (int(top), str(int(top) + 1)),
        "float": lambda: (float(top), "NaN"),
        "list": lambda: (["local:a", "hf:org/b"][:field.max_items], ",".join(["x"] * (field.max_items + 1))),
        "weights": lambda: ({"speed": 40.0, "size": 60.0}, '{"speed": -1}'),
        "json": lambda: ({"prompts": ["Hi"], "n": 2}, "{not json"),
        "prompts": lambda: ({"local:a": {"query": "query: ", "document": "passage: "}}, '{"local:a": {"query": 5}}'),
    }[field.kind]()


def test_every_field_of_every_page_round_trips_and_refuses_a_bad_value():
    for page, spec in link_pages().items():
        for key, field in spec.items():
            assert set(key) <= set(string.ascii_lowercase + "_"), (page, key)   # plain URL parameter names
            good, bad = _valid_and_invalid(field)
            back, warnings = read(page, to_query(page, {key: good}))
            assert warnings == [] and back == {key: good}, (page, key)
            state, warnings = read(page, {key: bad})
            assert state == {} and len(warnings) == 1 and f"'{key}'" in warnings[0], (page, key, warnings)


def test_a_deeply_nested_field_becomes_a_warning_and_the_rest_of_the_link_stays():
    state, warnings = read("scorecard", {"sources": "[" * 3000, "task": "generation", "samples": "300"})
    assert state == {"task": "generation", "samples": 300}
    assert len(warnings) == 1 and "'sources' nests too deeply" in warnings[0]
    deep: object = []
    for _ in range(3000):
        deep = [deep]
    params, problems = link_for("scorecard", {"sources": deep, "task": "generation"}, fields("scorecard"))
    assert params == {"task": "generation"} and "'sources'" in problems[0]


def test_the_writer_applies_the_readers_limits():
    state = {"max_tokens": 10**6, "temperature": 0.5, "models": ["local:a"] * 7, "seed": 3}
    params, problems = link_for("generation", state, fields("generation"))
    assert set(params) == {"temperature", "seed"} and len(problems) == 2
    assert to_query("generation", state) == params
    back, warnings = read("generation", params)
    assert warnings == [] and back == {"temperature": 0.5, "seed": 3}


def test_limits_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HFCOMPARE_LINK_MAX_KB", "4")
    monkeypatch.setenv("HFCOMPARE_LINK_QUOTA_MB", "not a number")
    monkeypatch.setenv("HFCOMPARE_LINK_EXPIRY_DAYS", "2")
    store = Store(tmp_path / "s.sqlite3")
    assert store.max_state_bytes == 4 * 1024 and store.quota_bytes == 200 * 1024 * 1024
    assert store.expiry_s == 2 * 86_400
    store.close()


def test_the_round_trip_keeps_the_criteria_in_the_users_order(tmp_path):
    from hfcompare.storage.sharing import SHORT_LINK_CHARS
    from hfcompare.storage.store import Store

    state = {"task": "embeddings", "candidates": ["b/model", "a/model"],
             "weights": {"speed": 30.0, "size": 20.0, "performance": 40.0},
             "sources": {"speed": "measured:ms_per_text", "performance": "catalog:mteb_retrieval"}}
    params, _ = link_for("scorecard", state, fields("scorecard"))
    back, _ = read("scorecard", params)
    assert list(back["weights"]) == ["speed", "size", "performance"]
    store = Store(tmp_path / "s.sqlite3")
    short, _ = link_for("scorecard", state, fields("scorecard"), store, short_above=SHORT_LINK_CHARS)
    assert list(short) == ["c"]
    back, _ = read("scorecard", short, store)
    assert list(back["weights"]) == ["speed", "size", "performance"] and back["candidates"] == ["b/model", "a/model"]
    reordered = dict(state, weights={"performance": 40.0, "speed": 30.0, "size": 20.0})
    assert link_for("scorecard", reordered, fields("scorecard"), store,
                    short_above=SHORT_LINK_CHARS)[0]["c"] != short["c"]


def test_a_state_key_the_page_did_not_declare_is_a_programming_error():
    spec = {"models": Field("list"), "run": Field("bool")}
    with pytest.raises(UndeclaredLinkField, match=r"The demo page's link state has keys .*'margin'"):
        link_for("demo", {"models": ["local:a"], "margin": 0.1}, spec)
    with pytest.raises(UndeclaredLinkField, match="'margin'"):   # even empty: the page writes it, so declare it
        link_for("demo", {"margin": None}, spec)
    params, problems = link_for("demo", {"models": ["x"] * 60, "run": True}, spec)   # a value its field refuses:
    assert params == {"run": "1"} and "The link leaves out 'models'" in problems[0]  # a problem, as before


def test_no_page_may_declare_the_stored_links_id():
    with pytest.raises(ValueError, match="'c'"):
        link_for("demo", {}, {"c": Field("str")})
    with pytest.raises(ValueError, match="'c'"):
        from_query("demo", {}, {"c": Field("str")})


def test_a_stored_link_is_decoded_against_the_fields_of_the_page_that_reads_it(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    old, new = {"models": Field("list")}, {"models": Field("list", max_items=1), "texts": Field("str")}
    params, _ = link_for("demo", {"models": ["local:a", "local:b"]}, old, store, short_above=0)
    assert list(params) == ["c"]
    back, warnings = from_query("demo", params, new, store)
    assert back == {} and "'models' lists 2 items" in warnings[0]
    _, warnings = from_query("demo", params, {"texts": Field("str")}, store)
    assert "does not know ('models')" in warnings[0]
    store.close()
