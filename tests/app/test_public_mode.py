"""Public mode (HFCOMPARE_PUBLIC=1): a link cannot make the server load a model that is not bundled,
allow-listed or added by the visitor with a click; `run=1` reuses the cache and asks before
computing anything new; uploads are capped by the operator before they are read."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import open_link, shown

TEXTS = "How do I create an invoice?\nInvoice templates\nReset my password"
UNBUNDLED = "local:some/unbundled-model"


@pytest.fixture
def no_local_loads(monkeypatch):
    """Every attempt to load a local model, recorded (and refused, so nothing is downloaded)."""
    from hfcompare.backends import BackendError
    from hfcompare.backends.local.generation import LocalGenerationBackend
    from hfcompare.backends.local.sentence_transformer import SentenceTransformersBackend

    loads: list[str] = []

    def load(self, model):
        loads.append(model)
        raise BackendError(f"test: {model} must not be loaded")

    monkeypatch.setattr(SentenceTransformersBackend, "load", load)
    monkeypatch.setattr(LocalGenerationBackend, "load_generator", load)
    return loads


def open_app(params: dict, page: str | None = None) -> AppTest:
    at = open_link(params, page)
    assert not at.exception
    return at


def buttons(at: AppTest, start: str) -> list:
    return [b for b in at.button if shown(b.label).startswith(start)]


def test_public_mode_is_off_unless_set(monkeypatch):
    from hfcompare.config import public_mode

    monkeypatch.delenv("HFCOMPARE_PUBLIC", raising=False)
    assert not public_mode()
    monkeypatch.setenv("HFCOMPARE_PUBLIC", "1")
    assert public_mode()


def test_a_link_naming_an_unbundled_model_loads_nothing_and_warns(fake_backend, public, no_local_loads):
    at = open_app({"models": f"fake:fake-a,{UNBUNDLED}", "texts": TEXTS, "run": "1"})
    assert any("public mode" in w.value and "some/unbundled-model" in shown(w.value) for w in at.warning), \
        [w.value for w in at.warning]
    assert at.multiselect[0].value == ["fake:fake-a"]
    assert no_local_loads == [] and fake_backend.calls == []   # fake-a is not cached: it waits for a click too
    assert not buttons(at, f"Add {UNBUNDLED}")   # a local model would be downloaded: never in public mode


def test_a_link_naming_a_server_model_offers_it_with_a_click(fake_backend, public):
    at = open_app({"models": "fake:fake-a,openai:some-served-model", "texts": TEXTS})
    buttons(at, "Add openai:some-served-model")[0].click().run()
    assert at.multiselect[0].value == ["fake:fake-a", "openai:some-served-model"]


def test_a_run_link_asks_before_new_work_and_reuses_the_cache(fake_backend, public):
    link = {"models": "fake:fake-a,fake:fake-b", "texts": TEXTS, "run": "1"}
    first = open_app(link)
    assert fake_backend.calls == []
    assert "Similarity matrices" not in [s.value for s in first.main.subheader]
    ask = buttons(first, "Compute 6 new results")
    assert ask, [b.label for b in first.button]
    ask[0].click().run()
    assert not first.exception
    assert fake_backend.calls                                  # computed only after the click
    assert "Similarity matrices" in [s.value for s in first.main.subheader]
    computed = len(fake_backend.calls)
    # a second visitor with the same link: everything is cached, so it runs at once
    second = open_app(link)
    assert "Similarity matrices" in [s.value for s in second.main.subheader]
    assert any("every result came from the cache" in s.value for s in second.success)
    assert not buttons(second, "Compute")
    assert len(fake_backend.calls) == computed                 # no new vectors (the speed passes only run on misses)


def test_a_generation_run_link_asks_before_generating(fake_backend, public):
    prompts = json.dumps([{"prompt": "Say hi", "keywords": "hi", "regex": "", "max chars": None, "reference": ""}])
    link = {"models": "fake:fake-a", "prompts": prompts, "temperature": "0", "run": "1"}
    at = open_app(link, page="app_pages/generation.py")
    assert fake_backend.generations == []
    buttons(at, "Compute 1 new results")[0].click().run()
    assert not at.exception
    assert fake_backend.generations == [("fake-a", "Say hi")]
    assert "Summary" in [s.value for s in at.main.subheader]
    again = open_app(link, page="app_pages/generation.py")
    assert "Summary" in [s.value for s in again.main.subheader] and not buttons(again, "Compute")
    assert fake_backend.generations == [("fake-a", "Say hi")]   # the answer came from the cache


def test_an_evaluation_run_link_asks_before_embedding(fake_backend, public):
    suite = ("How do I create an invoice?\n- To create an invoice, open Billing.\n\n"
             "Can I change the currency?\n- Each invoice has a currency field.")
    link = {"mode": "evaluate", "models": "fake:fake-a", "suite": suite, "distractors": "Reset my password", "run": "1"}
    at = open_app(link)
    assert fake_backend.calls == []
    buttons(at, "Compute 5 new results")[0].click().run()
    assert not at.exception
    assert "Retrieval metrics" in [s.value for s in at.main.subheader]
    computed = len(fake_backend.calls)
    again = open_app(link)
    assert "Retrieval metrics" in [s.value for s in again.main.subheader] and not buttons(again, "Compute")
    assert len(fake_backend.calls) == computed


def test_an_allow_listed_model_passes_and_others_are_refused(fake_backend, public, monkeypatch):
    link = {"models": "fake:fake-a,fake:fake-extra", "texts": TEXTS}
    refused = open_app(link)
    assert refused.multiselect[0].value == ["fake:fake-a"]
    monkeypatch.setenv("HFCOMPARE_ALLOWED_MODELS", "fake:fake-extra, local:other/model")
    allowed = open_app(link)
    assert allowed.multiselect[0].value == ["fake:fake-a", "fake:fake-extra"]
    assert not any("public mode" in w.value for w in allowed.warning)


class RawUpload:
    """An upload of raw bytes with the size Streamlit reports; reading it is recorded."""

    def __init__(self, name: str, raw: bytes, size: int):
        self.name, self._raw, self.size, self.read = name, raw, size, False

    def getvalue(self) -> bytes:
        self.read = True
        return self._raw


def test_uploads_over_the_operator_limit_are_refused_before_reading(monkeypatch):
    from hfcompare.retrieval.labeled import DatasetError
    from ui.retrieval_mode import dataset_from_uploads

    monkeypatch.setenv("HFCOMPARE_MAX_UPLOAD_MB", "1")
    big = RawUpload("pairs.csv", b"query,document\nq,a\n", size=2 * 1024 * 1024)
    with pytest.raises(DatasetError, match="the limit is 1,048,576"):
        dataset_from_uploads([big])
    assert not big.read
    small = RawUpload("pairs.csv", b"query,document\nq,a\n", size=20)
    assert len(dataset_from_uploads([small]).corpus) == 1


def test_the_sidebar_shows_visitors_no_server_path_and_no_way_to_empty_the_shared_cache(fake_backend, public):
    import os

    at = open_app({})
    home = os.environ["HFCOMPARE_HOME"]
    said = " ".join(c.value for c in at.sidebar.caption)
    assert home not in said and "only its operator can clear it" in said and "SQLite on this server" in said
    assert not [b for b in at.sidebar.button if b.label == "Clear cache"]


def test_outside_public_mode_the_sidebar_says_where_and_offers_to_clear(fake_backend):
    import os

    at = open_app({})
    assert os.environ["HFCOMPARE_HOME"] in " ".join(c.value for c in at.sidebar.caption)
    assert [b for b in at.sidebar.button if b.label == "Clear cache"]


def test_a_store_warning_does_not_name_the_servers_folder_to_visitors(fake_backend, public):
    import os

    from hfcompare.storage.store import shared_store

    store = shared_store()
    store.warnings.append(f"The store {os.environ['HFCOMPARE_HOME']}/hfcompare.sqlite3 was removed while the app ran.")
    try:
        at = open_app({})
        said = " ".join(shown(w.value) for w in at.sidebar.warning)
        assert "the app's data folder/hfcompare.sqlite3" in said and os.environ["HFCOMPARE_HOME"] not in said
    finally:
        store.warnings.pop()
