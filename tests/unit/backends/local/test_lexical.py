"""The TF-IDF baseline."""

from __future__ import annotations

import numpy as np
import pytest

from hfcompare.backends import ModelUnavailableError, get_backend
from hfcompare.embeddings.similarity import cosine_matrix


def test_tfidf_scores_shared_words_higher():
    texts = ["create an invoice", "invoice templates", "reset my password"]
    vectors = get_backend("lexical").embed_batch("tfidf", texts)
    sim = cosine_matrix(vectors)
    assert sim[0, 1] > sim[0, 2]
    assert sim[0, 2] == pytest.approx(0.0)


def test_tfidf_without_any_word_gives_zero_vectors():
    vectors = get_backend("lexical").embed_batch("tfidf", ["!!!", "..."])
    assert vectors.shape[0] == 2 and not np.any(vectors)


def test_unknown_lexical_model_is_a_clear_error():
    with pytest.raises(ModelUnavailableError, match="only 'tfidf'"):
        get_backend("lexical").embed_batch("bm99", ["a"])
