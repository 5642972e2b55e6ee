"""Where a model runs from here, now, and what would make it run."""

from __future__ import annotations

from hfcompare.backends import RemoteSettings
from hfcompare.hub.availability import Where, availability, in_hub_cache
from hfcompare.refs import ModelRef


def test_bundled_models_run_offline():
    for ref in ("local:sentence-transformers/all-MiniLM-L6-v2", "onnx:sentence-transformers/all-MiniLM-L6-v2",
                "lexical:tfidf"):
        found = availability(ModelRef.parse(ref), "embeddings", hub_up=False)
        assert (found.where, found.runs_now, found.fix) == (Where.BUNDLED, True, "")
    generator = availability(ModelRef.parse("local:HuggingFaceTB/SmolLM2-135M-Instruct"), "generation", hub_up=False)
    assert generator.where == Where.BUNDLED and generator.runs_now


def test_a_downloaded_model_runs_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    ref = ModelRef.parse("BAAI/bge-small-en-v1.5")
    assert not in_hub_cache(ref.model)
    snapshot = tmp_path / "models--BAAI--bge-small-en-v1.5" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    assert not in_hub_cache(ref.model)              # an empty snapshot is not a download
    (snapshot / "config.json").write_text("{}")
    found = availability(ref, "embeddings", hub_up=False)
    assert (found.where, found.runs_now) == (Where.DOWNLOADED, True)


def test_a_hub_model_runs_once_downloaded_and_offline_says_what_would_make_it_run(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    ref = ModelRef.parse("intfloat/multilingual-e5-base")
    online = availability(ref, "embeddings", hub_up=True)
    assert (online.where, online.runs_now) == (Where.HUB, True)
    offline = availability(ref, "embeddings", hub_up=False)
    assert (offline.where, offline.runs_now) == (Where.HUB, False)
    assert "connect to the internet" in offline.fix and "hf download intfloat/multilingual-e5-base" in offline.fix
    assert offline.label == "here once downloaded (needs the Hub): not now"


def test_a_server_model_runs_when_its_server_is_set_up():
    ref = ModelRef.parse("openai:nomic-embed-text")
    none = availability(ref, "embeddings", {"openai": RemoteSettings()})
    assert (none.where, none.runs_now) == (Where.NO_SERVER, False)
    assert "Endpoints" in none.fix and "local" in none.fix and "openai" not in none.fix.split("backend:")[-1]
    served = availability(ref, "embeddings", {"openai": RemoteSettings(base_url="http://127.0.0.1:8000/v1")})
    assert (served.where, served.runs_now) == (Where.SERVER, True)
    hosted = ModelRef.parse("hf:BAAI/bge-m3")  # a token reaches Inference Providers, on the internet
    assert availability(hosted, "embeddings", {"hf": RemoteSettings(api_key="hf_x")}, hub_up=True).runs_now
    offline = availability(hosted, "embeddings", {"hf": RemoteSettings(api_key="hf_x")}, hub_up=False)
    assert not offline.runs_now and "internet" in offline.fix


def test_a_discover_row_runs_where_it_runs_best(tmp_path, monkeypatch):
    from hfcompare.hub.availability import best_availability

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    bundled = best_availability("sentence-transformers/all-MiniLM-L6-v2", "embeddings")
    assert (bundled.where, bundled.runs_now) == (Where.BUNDLED, True)
    listed = best_availability("nomic-ai/nomic-embed-text-v1.5", "embeddings",
                               server_models=["openai:nomic-ai/nomic-embed-text-v1.5"])
    assert (str(listed.ref), listed.where, listed.runs_now) == ("openai:nomic-ai/nomic-embed-text-v1.5",
                                                               Where.SERVER, True)
    tei = best_availability("BAAI/bge-m3", "embeddings", {"hf": RemoteSettings(base_url="http://127.0.0.1:8080")})
    assert (str(tei.ref), tei.runs_now) == ("hf:BAAI/bge-m3", True)
    nowhere = best_availability("BAAI/bge-m3", "embeddings")
    assert (str(nowhere.ref), nowhere.where, nowhere.runs_now) == ("local:BAAI/bge-m3", Where.HUB, False)
