"""Query and document prompts: resolution, the catalog's sourced prompts, every backend applying them,
the cache keeping prompted vectors apart, and retrieval metrics equal to sentence-transformers'
InformationRetrievalEvaluator run with the same prompts."""

from __future__ import annotations

import hashlib
import json
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from hfcompare.backends.prompts import (
    FROM_CATALOG,
    FROM_MODEL,
    FROM_NOWHERE,
    FROM_USER,
    PromptError,
    PromptOverride,
    overrides_from_json,
    role_prompts,
)
from hfcompare.embeddings.prompts import resolve_prompts
from hfcompare.embeddings.runs import embed_with_stats
from hfcompare.hub.catalog import PROMPT_FIELDS, load_catalog, raw_catalog, validate_catalog
from hfcompare.refs import ModelRef
from hfcompare.retrieval.evaluation import evaluate, evaluate_model
from hfcompare.retrieval.metrics import metric_names
from hfcompare.samples import load_retrieval_sample
from hfcompare.storage.cache import EmbeddingCache

E5 = "intfloat/e5-base-v2"
BGE_QUERY = "Represent this sentence for searching relevant passages: "
#: The prompts the issue names, as the catalog must carry them (query, document).
EXPECTED = {
    "intfloat/e5-base-v2": ("query: ", "passage: "),
    "intfloat/e5-large-v2": ("query: ", "passage: "),
    "intfloat/multilingual-e5-base": ("query: ", "passage: "),
    "intfloat/multilingual-e5-large": ("query: ", "passage: "),
    "BAAI/bge-small-en-v1.5": (BGE_QUERY, ""),
    "BAAI/bge-base-en-v1.5": (BGE_QUERY, ""),
    "BAAI/bge-large-en-v1.5": (BGE_QUERY, ""),
    "Snowflake/snowflake-arctic-embed-m": (BGE_QUERY, ""),
    "mixedbread-ai/mxbai-embed-large-v1": (BGE_QUERY, ""),
    "nomic-ai/nomic-embed-text-v1.5": ("search_query: ", "search_document: "),
}


# --- the catalog: each prompt is a figure with a source and a quote --------------------------------

def test_catalog_carries_each_models_prompts_with_a_source_and_a_quote():
    catalog = load_catalog()
    for model_id, (query, document) in EXPECTED.items():
        entry = catalog.by_id(model_id)
        assert (entry.value("query_prompt"), entry.value("document_prompt")) == (query, document), model_id
        for name in PROMPT_FIELDS:
            figure = entry.figures[name]
            assert figure.source.url.startswith("https://") and figure.quote, (model_id, name)
            if figure.value:  # a prompt's exact text is in its quote (a known "none" quotes the sentence saying so)
                assert figure.value.strip() in figure.quote, (model_id, name)


def test_the_validator_refuses_a_prompt_without_a_quote_or_that_is_not_one_line():
    raw = raw_catalog()
    fields = next(m for m in raw["models"] if m["id"] == E5)["fields"]
    fields["query_prompt"] = {"value": "query: ", "source": "mteb-e5-meta"}
    assert any("must quote" in p for p in validate_catalog(raw))
    fields["query_prompt"] = {"value": "query:\n", "source": "mteb-e5-meta", "quote": "q"}
    assert any("one line of text" in p for p in validate_catalog(raw))


# --- resolution: the user's override, else the model's configuration, else the catalog -------------

def test_resolution_order_per_role():
    assert resolve_prompts(E5) == resolve_prompts(E5, None, {})
    auto = resolve_prompts(E5)
    assert (auto.query, auto.document, auto.origin) == ("query: ", "passage: ", FROM_CATALOG)
    configured = resolve_prompts(E5, configured={"query": "Q: "})
    assert (configured.query, configured.query_from, configured.document_from) == ("Q: ", FROM_MODEL, FROM_CATALOG)
    mine = resolve_prompts(E5, PromptOverride(document=""), {"query": "Q: "})
    assert (mine.query, mine.document) == ("Q: ", "")
    assert mine.origin == "query: model configuration; document: you"
    assert resolve_prompts("org/unknown-model").origin == FROM_NOWHERE
    assert resolve_prompts("org/unknown-model", PromptOverride(query="x ")).query_from == FROM_USER


def test_role_prompts_reads_a_configuration_like_encode_query_and_encode_document():
    assert role_prompts({"query": "q: ", "passage": "p: ", "corpus": "c: "}) == {"query": "q: ", "document": "p: "}
    assert role_prompts({"document": "d: ", "passage": "p: "}) == {"document": "d: "}
    assert role_prompts({"query": "", "document": ""}) == {}  # sentence-transformers saves empty prompts
    assert role_prompts(None) == {}


@pytest.mark.parametrize("raw, problem", [
    ({"query": "a\nb"}, "line break"),
    ({"query": "x" * 301}, "at most 300"),
    ({"query": 3}, "must be text"),
    ({"title": "x"}, "only 'query' and 'document'"),
])
def test_bad_prompts_are_refused_with_a_reason(raw, problem):
    with pytest.raises(PromptError, match=problem):
        PromptOverride.from_dict(raw)
    with pytest.raises(PromptError, match=problem):
        overrides_from_json(json.dumps({"fake:m": raw}))


# --- raw-text backends get the prefix put before each text ----------------------------------------

def test_a_raw_text_backend_embeds_queries_and_documents_with_the_catalog_prompts(fake_backend):
    dataset = load_retrieval_sample()
    result = evaluate_model(dataset, ModelRef("fake", E5))
    assert result.ok and (result.prompts.query, result.prompts.document) == ("query: ", "passage: ")
    sent = {text for call in fake_backend.calls for text in call}  # the timed speed passes repeat some
    assert sent == ({"passage: " + t for t in dataset.corpus.values()}
                    | {"query: " + dataset.queries[q] for q in dataset.judged_queries})
    # a user's override wins, per model; "" is none
    fake_backend.calls.clear()
    again = evaluate(dataset, [ModelRef("fake", E5)], prompts={f"fake:{E5}": PromptOverride(query="", document="")})[0]
    assert again.prompts.origin == FROM_USER and not any(t.startswith(("query: ", "passage: "))
                                                         for call in fake_backend.calls for t in call)
    assert again.metrics != result.metrics


def test_prompts_are_part_of_the_cache_key(fake_backend):
    cache = EmbeddingCache()
    texts = ["how do I pay", "an invoice"]
    plain = embed_with_stats(texts, ModelRef("fake", "fake-a"), cache, speed_passes=0)
    prompted = embed_with_stats(texts, ModelRef("fake", "fake-a"), cache, speed_passes=0, role="query",
                                prompt="query: ")
    assert prompted.cache_hits == 0 and prompted.computed == 2          # never the unprompted vectors
    assert not np.allclose(plain.vectors, prompted.vectors)
    other = embed_with_stats(texts, ModelRef("fake", "fake-a"), cache, speed_passes=0, role="query", prompt="q: ")
    assert other.cache_hits == 0
    repeat = embed_with_stats(texts, ModelRef("fake", "fake-a"), cache, speed_passes=0, role="query",
                              prompt="query: ")
    assert repeat.cache_hits == 2 and np.array_equal(repeat.vectors, prompted.vectors)
    assert (repeat.role, repeat.prompt) == ("query", "query: ")


class _Recorder:
    """A loopback server speaking the OpenAI embeddings protocol (/v1/embeddings) and TEI's (a POST of
    {"inputs": [...]}) that records every text it is sent."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                texts = request.get("input", request.get("inputs", []))
                texts = [texts] if isinstance(texts, str) else texts
                owner.texts.extend(texts)
                vectors = [list(np.frombuffer(hashlib.sha256(t.encode()).digest()[:32], dtype=np.uint8) / 255.0)
                           for t in texts]
                if "input" in request:
                    body = {"object": "list", "model": request.get("model"), "usage": {"prompt_tokens": 1,
                                                                                      "total_tokens": 1},
                            "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]}
                else:
                    body = vectors
                raw = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> _Recorder:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("backend, path", [("openai", "/v1"), ("hf", "/tei")])
def test_server_backends_send_the_prefixed_texts(backend, path):
    from hfcompare.backends import RemoteSettings

    dataset = load_retrieval_sample()
    with _Recorder() as server:
        settings = {backend: RemoteSettings(base_url=server.url + path, max_retries=0)}
        result = evaluate(dataset, [ModelRef(backend, "nomic-ai/nomic-embed-text-v1.5")], settings=settings)[0]
    assert result.ok, result.error
    assert set(server.texts) == ({"search_document: " + t for t in dataset.corpus.values()}  # timed passes repeat
                                 | {"search_query: " + dataset.queries[q] for q in dataset.judged_queries})


@pytest.mark.slow
def test_the_onnx_backend_puts_the_prompt_before_each_text():
    from hfcompare.backends import get_backend
    from hfcompare.backends.local.sentence_transformer import MINILM_ID

    onnx = get_backend("onnx")
    prompted = onnx.embed_prompted(MINILM_ID, ["pay an invoice"], "query", "query: ")
    assert np.allclose(prompted, onnx.embed_batch(MINILM_ID, ["query: pay an invoice"]))
    assert not np.allclose(prompted, onnx.embed_batch(MINILM_ID, ["pay an invoice"]))


# --- a local sentence-transformers model with prompts in its configuration --------------------------

@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A small sentence-transformers model built here (static token embeddings over the bundled MiniLM
    tokenizer, seeded), with query and document prompts in its configuration, saved to a folder."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import StaticEmbedding
    from tokenizers import Tokenizer

    from hfcompare.backends.local.sentence_transformer import bundled_minilm_dir

    torch.manual_seed(15)
    tokenizer = Tokenizer.from_file(str(bundled_minilm_dir() / "tokenizer.json"))
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_dim=32)], device="cpu",
                                prompts={"query": "query: ", "document": "passage: "})
    folder = tmp_path_factory.mktemp("tiny") / "tiny-st"
    model.save(str(folder))
    return folder


def _reference(folder, dataset, query_prompt: str, corpus_prompt: str) -> dict[str, float]:
    """sentence-transformers' own evaluator on the same data, with the given prompts."""
    from sentence_transformers import SentenceTransformer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from sentence_transformers.evaluation import InformationRetrievalEvaluator

    model = SentenceTransformer(str(folder), device="cpu")
    relevant = {q: {d for d, s in docs.items() if s > 0} for q, docs in dataset.qrels.items()}
    scores = InformationRetrievalEvaluator(dataset.queries, dataset.corpus, relevant, write_csv=False, name="ref",
                                           query_prompt=query_prompt, corpus_prompt=corpus_prompt)(model)
    return {name: scores[f"ref_cosine_{name}"] for name in metric_names()}


def test_metrics_equal_the_evaluator_run_with_the_models_own_prompts(tiny_model, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # a local folder: no Hub probe
    from hfcompare.backends import get_backend

    assert get_backend("local").configured_prompts(str(tiny_model), load=False) == {"query": "query: ",
                                                                                    "document": "passage: "}
    dataset = load_retrieval_sample()
    ref = ModelRef("local", str(tiny_model))
    prompted = evaluate_model(dataset, ref, EmbeddingCache())
    assert prompted.ok, prompted.error
    assert (prompted.prompts.query, prompted.prompts.document) == ("query: ", "passage: ")
    assert prompted.prompts.origin == FROM_MODEL
    expected = _reference(tiny_model, dataset, query_prompt="query: ", corpus_prompt="passage: ")
    for name in metric_names():
        assert prompted.metrics[name] == pytest.approx(expected[name], abs=1e-6), name

    # the same data without prompts: different numbers, equal to the evaluator's without prompts
    plain = evaluate_model(dataset, ref, EmbeddingCache(), prompts=PromptOverride(query="", document=""))
    assert plain.ok and plain.prompts.origin == FROM_USER and not plain.prompts.any
    unprompted = _reference(tiny_model, dataset, query_prompt="", corpus_prompt="")
    for name in metric_names():
        assert plain.metrics[name] == pytest.approx(unprompted[name], abs=1e-6), name
    assert any(abs(plain.metrics[n] - prompted.metrics[n]) > 1e-3 for n in metric_names())


def test_the_embed_api_takes_a_role_or_a_prompt(fake_backend):
    from hfcompare.embeddings.runs import embed

    as_query = embed(["pay an invoice"], f"fake:{E5}", role="query")
    assert np.allclose(as_query, embed(["query: pay an invoice"], f"fake:{E5}"))
    assert np.allclose(embed(["pay an invoice"], f"fake:{E5}", role="query", prompt="q: "),
                       embed(["q: pay an invoice"], f"fake:{E5}"))
    assert np.allclose(embed(["pay an invoice"], f"fake:{E5}"), embed(["pay an invoice"], f"fake:{E5}", prompt=""))
