"""A lexical baseline: TF-IDF vectors fitted on the texts being compared."""

from __future__ import annotations

import numpy as np

from hfcompare.backends.base import Capability, EmbeddingBackend, ModelInfo, ModelUnavailableError

TFIDF_ID = "tfidf"


class LexicalBackend(EmbeddingBackend):
    """Word-overlap reference row: shows what an embedding model adds beyond shared words.

    scikit-learn's TfidfVectorizer does the tokenizing and weighting; the vocabulary is fitted on
    the texts of the comparison, so a text's vector depends on the others and is never cached.
    """

    name = "lexical"
    capabilities = frozenset({Capability.EMBED, Capability.LIST_MODELS, Capability.SPARSE, Capability.SHARES_CPU})
    cacheable = False
    #: A reference row, not a candidate: the Scorecard never recommends it unless the user adds it.
    baseline = True
    note = "TF-IDF is fitted on the compared texts, so it is recomputed on every run."

    def load(self, model: str) -> None:
        import sklearn.feature_extraction.text  # noqa: F401 - import cost belongs to loading

    def embed_batch(self, model: str, texts: list[str]) -> np.ndarray:
        return self.sparse_vectors(model, texts).toarray()

    def sparse_vectors(self, model: str, texts: list[str]):
        """The same TF-IDF vectors as a scipy sparse matrix (rows L2-normalized): a large corpus has
        far more distinct words than a dense array could hold."""
        if model != TFIDF_ID:
            raise ModelUnavailableError(f"The lexical backend offers only {TFIDF_ID!r}, not {model!r}.")
        import scipy.sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b")
        try:
            return vectorizer.fit_transform(texts).astype(np.float32).tocsr()
        except ValueError:
            return scipy.sparse.csr_matrix((len(texts), 1), dtype=np.float32)

    def fingerprint(self, model: str) -> str:
        return "tfidf-sublinear-1-2gram"

    def available_models(self) -> list[ModelInfo]:
        return [
            ModelInfo(
                id=TFIDF_ID,
                backend=self.name,
                task="embeddings",
                label="TF-IDF · lexical baseline",
                offline=True,
                description="Word and word-pair overlap (scikit-learn TF-IDF); a reference, not a model.",
                baseline=True,
            )
        ]
