"""Share-link round trips (issue 26, point 3), one per page with a link: a link that sets every field
the page declares (`LINK_FIELDS`) to a valid value other than the page's default opens the page, and
the link the page then writes holds every field again, equal. It fails when a field is declared but
not applied (the default comes back), applied but not written back (missing), written but not
declared (`link_for` raises), or read by `apply_link` without being declared.

The Scorecard's measured values are built by the page itself (a generation run, then the Scorecard)
and checked on their own: the format is the page's to choose."""

from __future__ import annotations

import json

import pytest

from hfcompare.storage.sharing import UndeclaredLinkField, from_query, link_for
from tests.app.pages import APP
from tests.link_pages import fields, link_pages

PAGE_FILES = {"embeddings": None, "generation": "app_pages/generation.py", "scorecard": "app_pages/scorecard.py",
              "discover": "app_pages/discover.py"}
LINK_ICONS = {"🔗", "🔒"}   # the icons of the warnings a link's refused parts give

SUITE = ("How do I create an invoice?\n- Open Billing and choose New invoice, then press Send.\n\n"
         "How do I reset my password?\n- Use the Forgot password link on the sign-in page.")
DISTRACTORS = "Our office is closed on public holidays.\nParcels arrive within three to five working days."
PAIRS = [["How do I create an invoice?", "Where do I make a new bill?", "similar"],
         ["How do I create an invoice?", "Reset my password", "not similar"],
         ["Export invoices as PDF", "Download my bills", "4.5"]]
GEN_PROMPTS = [
    {"prompt": "Say hi to the team", "keywords": "hi", "regex": "team", "max chars": 200, "reference": ""},
    {"prompt": "Name a colour", "keywords": "", "regex": "", "max chars": None, "reference": ""},
]
SC_CANDIDATES = ["Qwen/Qwen2.5-0.5B-Instruct", "HuggingFaceTB/SmolLM2-135M-Instruct"]
SC_WEIGHTS = {"quality": 50.0, "speed": 20.0, "latency": 15.0, "size": 15.0}

#: Per page, link states that together set every declared field to a valid value that is not the
#: page's default (the embeddings page writes the fields of its current mode only, so it has one
#: state per mode). The Scorecard's `measured` is left out here: see the test of its own below.
SAMPLES: dict[str, list[dict]] = {
    "embeddings": [
        {"mode": "compare", "models": ["fake:fake-a", "fake:fake-b"], "run": True,
         "texts": "How do I create an invoice?\nInvoice templates\nReset my password"},
        {"mode": "evaluate", "models": ["fake:fake-b", "fake:fake-a"], "run": True, "suite": SUITE,
         "distractors": DISTRACTORS, "prompts": {"fake:fake-a": {"query": "search: ", "document": "passage: "}}},
        {"mode": "pairs", "models": ["fake:fake-b", "fake:fake-a"], "run": True, "pairs": PAIRS},
    ],
    "generation": [
        {"models": ["fake:fake-b", "fake:fake-a"], "prompts": GEN_PROMPTS, "system": "Answer in one line.",
         "max_tokens": 64, "temperature": 0.5, "top_p": 0.9, "seed": 7, "threshold": 0.6,
         "embedder": "(no reference checks)", "overrides": {"fake:fake-a": {"max tokens": 32, "temperature": 0.3}},
         "run": True},
    ],
    "scorecard": [
        {"task": "generation", "candidates": SC_CANDIDATES, "preset": "custom", "weights": SC_WEIGHTS,
         "sources": {"quality": "measured:pass_rate", "speed": "measured:tokens_per_s",
                     "latency": "measured:latency_s", "size": "catalog:parameters"},
         "policy": "skip", "samples": 500, "margin": 0.1, "threshold": 0.75,
         "scales": {"speed": {"worst": 5.0, "best": 100.0}, "size": {"worst": 1e10, "best": 1e8}},
         "limits": {"latency": 30.0, "speed": 2.0, "size": 8.0, "multilingual": 1.0}},
    ],
    "discover": [
        {"task": "generation", "q": "qwen", "languages": ["fr"], "licenses": ["apache-2.0"], "open": True,
         "model": "Qwen/Qwen2.5-1.5B-Instruct"},
    ],
}
#: Fields a page fills in from its own data rather than from a sample here (checked apart).
BUILT_BY_THE_PAGE = {"scorecard": {"measured"}}


class Reads(dict):
    """A link's state that notes every key `apply_link` asks for."""

    def __init__(self, data: dict, seen: set[str]):
        super().__init__(data)
        self.seen = seen

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.seen.add(key)
        return super().get(key, default)

    def __contains__(self, key):
        self.seen.add(key)
        return super().__contains__(key)


@pytest.fixture
def offline_hub(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def reads(monkeypatch) -> set[str]:
    """The link keys the pages' `apply_link` read during the test."""
    import ui.share

    seen: set[str] = set()
    decode = ui.share.from_query

    def recording(*args, **kwargs):
        state, warnings = decode(*args, **kwargs)
        return Reads(state, seen), warnings

    monkeypatch.setattr(ui.share, "from_query", recording)
    return seen


def open_on(page: str, params: dict):
    """The app opened on `page` with these query parameters and no others (`pages.open_link` keeps
    the parameters the first page wrote when it switches)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    if PAGE_FILES[page]:
        at.run()
        at.switch_page(PAGE_FILES[page])
        at.query_params.clear()
    at.query_params.update(params)
    return at.run()


def open_with(page: str, state: dict):
    """The app opened on `page` by a link holding `state` (in full, never a stored id)."""
    params, problems = link_for(page, state, fields(page))
    assert problems == [] and "c" not in params, problems
    at = open_on(page, params)
    assert not at.exception, [e.value for e in at.exception]
    refused = [w.value for w in at.warning if getattr(w, "icon", None) in LINK_ICONS]
    assert refused == [], refused
    return at


def written(at, page: str) -> dict:
    """The state in the link the page wrote (a long one is in the store under ?c=)."""
    from hfcompare.storage.store import Store

    store = Store()
    try:
        state, warnings = from_query(page, {k: at.query_params[k] for k in at.query_params}, fields(page), store)
    finally:
        store.close()
    assert warnings == [], warnings
    return state


def test_every_declared_field_has_a_sample():
    for page, declared in link_pages().items():
        sampled = set().union(*map(set, SAMPLES[page])) | BUILT_BY_THE_PAGE.get(page, set())
        assert sampled == set(declared), (page, sampled ^ set(declared))


@pytest.mark.parametrize("page", sorted(SAMPLES))
def test_a_state_with_a_key_the_page_did_not_declare_cannot_be_written(page):
    with pytest.raises(UndeclaredLinkField, match=f"The {page} page's .*'zz_extra'"):
        link_for(page, {**SAMPLES[page][0], "zz_extra": 1}, fields(page))


@pytest.mark.parametrize("page", sorted(SAMPLES))
def test_every_link_field_comes_back_in_the_link_the_page_writes(fake_backend, offline_hub, reads, page):
    default = written(open_on(page, {}), page)
    for key in set().union(*map(set, SAMPLES[page])):   # the samples differ from what the page shows unasked
        assert any(sample.get(key) != default.get(key) for sample in SAMPLES[page] if key in sample), key
    for sample in SAMPLES[page]:
        reads.clear()
        back = written(open_with(page, sample), page)
        assert reads <= set(fields(page)), f"apply_link reads undeclared keys {reads - set(fields(page))}"
        assert set(sample) <= reads, f"apply_link never looks at {set(sample) - reads}"
        for key, value in sample.items():   # (the prompts table's "max chars" 200 comes back as 200.0: equal)
            assert key in back, f"{page}: '{key}' was not written back"
            assert back[key] == value, (page, key, back[key], value)


def unshared(value):
    """Measured values without the marks the Scorecard puts on what a link brought: the note
    `LINK_NOTE` after a description, and a provenance `via` (where it was measured: "here", "link")."""
    from app_pages.scorecard import LINK_NOTE

    if isinstance(value, str):
        return value.removesuffix(LINK_NOTE)
    if isinstance(value, dict):
        return {k: unshared(v) for k, v in value.items() if k != "via"}
    if isinstance(value, (list, tuple)):
        return [unshared(v) for v in value]
    return value


def test_the_scorecards_measured_values_come_back(fake_backend, offline_hub):
    """`measured` as the page builds it (after a generation run), opened in a new session, comes back
    with the same values; opened once more, unchanged."""
    at = open_with("generation", SAMPLES["generation"][0])
    at.switch_page(PAGE_FILES["scorecard"])
    at.query_params.clear()
    first = written(at.run(), "scorecard")
    assert set(first.get("measured", {})) == {"fake:fake-a", "fake:fake-b"} == set(first["candidates"]), first
    assert all(first["measured"].values()), first["measured"]
    shared = written(open_with("scorecard", first), "scorecard")
    assert {k: v for k, v in shared.items() if k != "measured"} == {k: v for k, v in first.items() if k != "measured"}
    assert unshared(shared.get("measured")) == unshared(first["measured"])
    assert written(open_with("scorecard", shared), "scorecard") == shared   # a shared scorecard shared again
