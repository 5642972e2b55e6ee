"""Typed model ids: syntax, "did you mean" by edit distance, and the Hub's word when it answers."""

from __future__ import annotations

import pytest
from rapidfuzz.distance import Levenshtein

from hfcompare.hub.model_ids import check_model_id, closest, known_refs, syntax_problem

KNOWN = ["local:sentence-transformers/all-MiniLM-L6-v2", "onnx:sentence-transformers/all-MiniLM-L6-v2",
         "local:BAAI/bge-small-en-v1.5", "local:intfloat/multilingual-e5-base", "lexical:tfidf",
         "openai:nomic-embed-text"]


@pytest.mark.parametrize("text, problem", [
    ("bge small en", "no spaces"),
    ("nope:x", "Valid backends"),
    ("local:org/na$me", "is not a Hugging Face model id"),
    ("local:org/a/b", "is not a Hugging Face model id"),
    ("local:org--name/x", "is not a Hugging Face model id"),
    ("", "is not a model reference"),
])
def test_ids_that_cannot_be_ids_are_refused_with_the_reason(text, problem):
    ref, reason = syntax_problem(text)
    assert ref is None and problem in reason


@pytest.mark.parametrize("text", ["sentence-transformers/all-MiniLM-L6-v2", "openai:llama3:8b", "lexical:tfidf",
                                  "hf:BAAI/bge-m3", "gpt2", "local:Qwen/Qwen2.5-0.5B-Instruct"])
def test_real_ids_pass_the_syntax_check(text):
    ref, reason = syntax_problem(text)
    assert ref is not None and reason == ""


def test_did_you_mean_is_the_nearest_known_id_written_like_the_users():
    assert closest("sentence-transformers/all-MiniLM-L6-v3", KNOWN) == "sentence-transformers/all-MiniLM-L6-v2"
    assert closest("onnx:sentence-transformers/all-minilm-l6-v3", KNOWN) == "onnx:sentence-transformers/all-MiniLM-L6-v2"
    assert closest("all-MiniLM-L6-v2", KNOWN) == "sentence-transformers/all-MiniLM-L6-v2"   # the owner was missing
    assert closest("bge small en", KNOWN) == "BAAI/bge-small-en-v1.5"                       # not an id at all
    assert closest("intfloat/multilingual-e5-bsae", KNOWN) == "intfloat/multilingual-e5-base"
    assert closest("sentence-transformers/all-MiniLM-L6-v2", KNOWN) is None                 # known already
    assert closest("mistralai/Mistral-7B-Instruct-v0.3", KNOWN) is None                     # nothing close


def test_the_distance_is_levenshteins():
    typed, known = "sentence-transformers/all-MiniLM-L6-v3", "sentence-transformers/all-MiniLM-L6-v2"
    assert Levenshtein.distance(typed.lower(), known.lower()) == 1
    assert closest("intfloat/e5-base", ["local:intfloat/e5-base-v2"]) is None  # 3 edits on a 16-character id: too far


def test_offline_a_typo_of_a_known_model_is_refused_and_an_unknown_id_is_kept():
    typo = check_model_id("sentence-transformers/all-MiniLM-L6-v3", KNOWN, hub_up=False)
    assert not typo.ok and typo.suggestion == "sentence-transformers/all-MiniLM-L6-v2"
    assert not typo.certain                                   # a guess: the user may keep it anyway
    assert typo.message.endswith("Did you mean sentence-transformers/all-MiniLM-L6-v2?")
    unknown = check_model_id("mistralai/Mistral-7B-Instruct-v0.3", KNOWN, hub_up=False)
    assert unknown.ok and unknown.ref.model == "mistralai/Mistral-7B-Instruct-v0.3"
    assert check_model_id("openai:nomic-embed-txt", KNOWN, hub_up=False).ok   # a server's names are its own


def test_online_the_hubs_answer_decides():
    missing = check_model_id("sentence-transformers/all-MiniLM-L6-v3", KNOWN, hub_up=True, exists=lambda m: False)
    assert missing.refused == "sentence-transformers/all-MiniLM-L6-v3 is not a model on the Hugging Face Hub."
    assert missing.suggestion == "sentence-transformers/all-MiniLM-L6-v2" and missing.certain
    real = check_model_id("BAAI/bge-small-en", KNOWN, hub_up=True, exists=lambda m: True)
    assert real.ok
    unsure = check_model_id("sentence-transformers/all-MiniLM-L6-v3", KNOWN, hub_up=True, exists=lambda m: None)
    assert unsure.ok


def test_known_refs_hold_the_bundled_the_catalog_and_the_servers_models():
    known = known_refs("embeddings", ["openai:nomic-embed-text"])
    assert "local:sentence-transformers/all-MiniLM-L6-v2" in known and "lexical:tfidf" in known
    assert "local:intfloat/multilingual-e5-base" in known and "openai:nomic-embed-text" in known
