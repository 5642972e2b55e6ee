"""The live Hub path through huggingface_hub.HfApi, against a local server with Hub-shaped JSON."""

from __future__ import annotations

import pytest

from hfcompare.hub import metadata as hub_metadata
from hfcompare.backends import hub
from hfcompare.hub.metadata import HubUnavailable, model_metadata, search_hub
from tests.integration.hub_server import HubServer, use_local_hub
from tests.servers import free_port


@pytest.fixture
def local_hub(monkeypatch):
    with HubServer() as server:
        use_local_hub(server, monkeypatch)
        yield server


def test_model_metadata_reads_counts_parameters_eval_results_and_card(local_hub):
    model = model_metadata("example-org/tiny-embedder")
    assert (model.downloads, model.likes) == (1_234_567, 150)
    assert model.parameters == 22_700_000
    assert model.pipeline_tag == "sentence-similarity" and model.library == "sentence-transformers"
    assert model.last_modified == "2025-03-04" and model.license == "apache-2.0"
    assert "sentence-transformers" in model.tags
    assert model.eval_results == [{"task": "Retrieval", "dataset": "MTEB ArguAna", "split": "test",
                                   "metric": "ndcg_at_10", "value": 44.5, "verified": None}]
    assert model.card_section == "Limitations and bias"
    assert "English" in model.card_excerpt and "Short inputs" in model.card_excerpt
    assert "Citation" not in model.card_excerpt
    assert model.url == f"{local_hub.url}/example-org/tiny-embedder"


def test_metadata_is_cached_until_its_ttl_runs_out(local_hub):
    model_metadata("example-org/tiny-embedder")
    model_metadata("example-org/tiny-embedder")
    assert local_hub.requests["/api/models/example-org/tiny-embedder"] == 1
    model_metadata("example-org/quiet-embedder", ttl_s=0.001)
    import time

    time.sleep(0.01)
    quiet = model_metadata("example-org/quiet-embedder", ttl_s=0.001)
    assert local_hub.requests["/api/models/example-org/quiet-embedder"] == 2
    assert quiet.card_excerpt is None and quiet.parameters is None


def test_unknown_model_gets_a_clear_message(local_hub):
    with pytest.raises(HubUnavailable, match="no public model called example-org/nope"):
        model_metadata("example-org/nope")


def test_search_filters_by_task_and_sorts_by_downloads(local_hub):
    found = search_hub("embedder", "embeddings")
    assert [m.id for m in found] == ["example-org/tiny-embedder", "example-org/quiet-embedder"]
    assert [m.id for m in search_hub("", "generation")] == ["example-org/tiny-chat"]
    assert found[0].likes == 150


def test_unreachable_hub_raises_quickly(monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "_last_probes", {})
    with pytest.raises(HubUnavailable, match="cannot be reached"):
        model_metadata("example-org/tiny-embedder")
    with pytest.raises(HubUnavailable):
        search_hub("bge", "embeddings")


def test_answers_from_one_endpoint_are_not_served_for_another(local_hub, monkeypatch):
    model_metadata("example-org/tiny-embedder")
    with HubServer(models={}) as empty:
        monkeypatch.setenv("HF_ENDPOINT", empty.url)
        with pytest.raises(HubUnavailable, match="no public model"):
            hub_metadata.model_metadata("example-org/tiny-embedder")


def test_a_missing_model_is_remembered_for_the_ttl(local_hub):
    for _ in range(3):
        with pytest.raises(HubUnavailable):
            model_metadata("example-org/nope")
    assert local_hub.requests["/api/models/example-org/nope"] == 1


def test_many_models_fetches_concurrently_and_leaves_out_unknown_ids(local_hub):
    from hfcompare.hub.metadata import many_models

    found = many_models(["example-org/tiny-embedder", "example-org/nope", "example-org/tiny-chat"])
    assert sorted(found) == ["example-org/tiny-chat", "example-org/tiny-embedder"]
    assert found["example-org/tiny-chat"].parameters == 135_000_000


def test_typed_ids_are_checked_against_the_hub_when_it_answers(local_hub):
    from hfcompare.hub.model_ids import check_model_id, hub_model_exists

    assert hub_model_exists("example-org/tiny-embedder") is True
    assert hub_model_exists("example-org/tiny-embeder") is False
    typo = check_model_id("example-org/tiny-embeder", ["local:example-org/tiny-embedder"])
    assert typo.message == ("example-org/tiny-embeder is not a model on the Hugging Face Hub. "
                            "Did you mean example-org/tiny-embedder?")
    assert check_model_id("example-org/tiny-embedder", []).ok
