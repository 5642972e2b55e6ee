"""Labeled pairs, the brief's "semantic similarity accuracy": pairs of texts a person labeled as
similar or not (1/0), or scored from 0 to 5 as in STS, and how well each model's cosine similarity
follows the labels.

Per model: the Spearman and Pearson correlation of cosine similarity with the labels (the figures
sentence-transformers' EmbeddingSimilarityEvaluator reports); for similar/not-similar labels also
ROC AUC (the chance that a similar pair scores above a not-similar one) and the gap between the mean
similarity of similar and of not-similar pairs. Each has a 95% percentile bootstrap interval over
pairs. Two models are compared on the primary metric (ROC AUC for 1/0 labels, Spearman for scores)
with a paired permutation test over pairs: each pair's two similarities, as ranks within their
model, are swapped between the models at random (both metrics depend only on ranks, so models on
different similarity scales can be swapped); p-values of several pairs get Holm's correction.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Labels a pairs file may use: 0/1 (not similar/similar), or scores from 0 to MAX_SCORE (STS).
MAX_SCORE = 5.0
MAX_PAIRS = 2_000
N_RESAMPLES = 1_000
N_PERMUTATIONS = 2_000
CONFIDENCE = 0.95
SEED = 0
#: Column names a file may use for each field (the first found wins): ours, then the STS layout.
TEXT1_COLUMNS = ("text1", "sentence1", "text_a", "s1")
TEXT2_COLUMNS = ("text2", "sentence2", "text_b", "s2")
LABEL_COLUMNS = ("label", "score", "similarity", "gold")


class PairsError(ValueError):
    """A pairs file or table that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class LabeledPairs:
    """Pairs of texts with a label each: 0/1, or a score from 0 to 5."""

    text1: tuple[str, ...]
    text2: tuple[str, ...]
    labels: tuple[float, ...]
    name: str = "pairs"

    @property
    def binary(self) -> bool:
        """True when every label is 0 or 1 (similar or not)."""
        return all(label in (0.0, 1.0) for label in self.labels)

    @property
    def primary(self) -> str:
        """The metric models are ranked and compared on: ROC AUC for 0/1 labels, else Spearman."""
        return "roc_auc" if self.binary else "spearman"

    def __len__(self) -> int:
        return len(self.labels)


def make_pairs(rows: list[tuple[Any, Any, Any]], name: str = "pairs", source: str = "the table") -> LabeledPairs:
    """Checked pairs from (text1, text2, label) rows; raises PairsError naming the row at fault."""
    text1, text2, labels = [], [], []
    for number, (a, b, label) in enumerate(rows, start=1):
        a, b = ("" if v is None else str(v).strip() for v in (a, b))
        if not a and not b and (label is None or str(label).strip() == ""):
            continue  # a blank row of an editor
        if not a or not b:
            raise PairsError(f"{source}, row {number}: both texts are needed.")
        value = _label(label, source, number)
        text1.append(a)
        text2.append(b)
        labels.append(value)
    if len(labels) < 2:
        raise PairsError(f"{source}: at least 2 labeled pairs are needed, found {len(labels)}.")
    if len(labels) > MAX_PAIRS:
        raise PairsError(f"{source}: {len(labels):,} pairs; at most {MAX_PAIRS:,} are evaluated at once.")
    if len(set(labels)) < 2:
        raise PairsError(f"{source}: every pair has the label {labels[0]:g}; a correlation needs at least "
                         "two different labels (some similar pairs and some not).")
    return LabeledPairs(tuple(text1), tuple(text2), tuple(labels), name)


def _label(value: Any, source: str, number: int) -> float:
    text = "" if value is None else str(value).strip().lower()
    named = {"similar": 1.0, "yes": 1.0, "true": 1.0, "not similar": 0.0, "no": 0.0, "false": 0.0}
    if text in named:
        return named[text]
    try:
        number_value = float(text)
    except ValueError:
        raise PairsError(f"{source}, row {number}: the label {str(value)[:40]!r} is not a number from 0 to "
                         f"{MAX_SCORE:g} (or similar / not similar).") from None
    if not math.isfinite(number_value) or not 0 <= number_value <= MAX_SCORE:
        raise PairsError(f"{source}, row {number}: the label {number_value:g} is outside 0 to {MAX_SCORE:g}.")
    return number_value


def _column(fields: list[str], wanted: tuple[str, ...], source: str, what: str) -> str:
    lowered = {f.strip().lower(): f for f in fields if f}
    for name in wanted:
        if name in lowered:
            return lowered[name]
    raise PairsError(f"{source}: no {what} column (one of {', '.join(wanted)}); its columns are "
                     f"{', '.join(f for f in fields if f) or 'none'}.")


def parse_pairs(raw: bytes | str, source: str = "pairs.csv") -> LabeledPairs:
    """Pairs from a CSV or TSV with a header (text1,text2,label; or the STS layout sentence1,
    sentence2,score), or from JSONL with the same keys; raises PairsError."""
    from hfcompare.retrieval.labeled import DatasetError, decode_text

    try:
        text = decode_text(raw, source)
    except DatasetError as exc:
        raise PairsError(str(exc)) from None
    if source.lower().endswith((".jsonl", ".json")) or text.lstrip().startswith("{"):
        return _parse_jsonl(text, source)
    dialect = "excel-tab" if source.lower().endswith(".tsv") or ("\t" in text.split("\n", 1)[0]) else "excel"
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = reader.fieldnames or []
    columns = [_column(fields, wanted, source, what) for wanted, what in
               ((TEXT1_COLUMNS, "first text"), (TEXT2_COLUMNS, "second text"), (LABEL_COLUMNS, "label"))]
    try:
        rows = [tuple(row.get(c) for c in columns) for row in reader]
    except csv.Error as exc:
        raise PairsError(f"{source}, line {reader.line_num}: not valid CSV ({exc}).") from None
    return make_pairs(rows, name=source, source=source)


def _parse_jsonl(text: str, source: str) -> LabeledPairs:
    import json

    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            raise PairsError(f"{source}, line {number}: not a JSON object.") from None
        if not isinstance(item, dict):
            raise PairsError(f"{source}, line {number}: not a JSON object.")
        fields = list(item)
        columns = [_column(fields, wanted, f"{source}, line {number}", what) for wanted, what in
                   ((TEXT1_COLUMNS, "first text"), (TEXT2_COLUMNS, "second text"), (LABEL_COLUMNS, "label"))]
        rows.append(tuple(item[c] for c in columns))
    return make_pairs(rows, name=source, source=source)


def load_sample() -> LabeledPairs:
    """The bundled invoice-chatbot pairs (similar or not; some hard: shared words with a different
    meaning, and paraphrases with no words in common)."""
    from importlib.resources import files

    return parse_pairs((files("hfcompare.samples") / "invoice_pairs.jsonl").read_bytes(), "invoice_pairs.jsonl")


# --- metrics ------------------------------------------------------------------------------------------


def fingerprint(pairs: LabeledPairs) -> str:
    """What identifies a set of labeled pairs (texts and labels), so figures measured on the same pairs
    are known to be comparable."""
    import hashlib
    import json

    payload = json.dumps([pairs.text1, pairs.text2, pairs.labels], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def pair_similarities(vectors1: np.ndarray, vectors2: np.ndarray) -> np.ndarray:
    """Cosine similarity of each pair (row i of one with row i of the other)."""
    a = np.asarray(vectors1, dtype=np.float64)
    b = np.asarray(vectors2, dtype=np.float64)
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.einsum("ij,ij->i", a, b) / np.where(norms > 0, norms, 1.0)


def metrics(similarities: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Spearman and Pearson of similarity with the labels (NaN when a side is constant), and for 0/1
    labels ROC AUC and the gap (mean similarity of similar pairs minus of not-similar ones)."""
    from scipy.stats import pearsonr, spearmanr

    sims = np.asarray(similarities, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    constant = np.ptp(sims) == 0 or np.ptp(labels) == 0
    found = {"spearman": math.nan if constant else float(spearmanr(labels, sims)[0]),
             "pearson": math.nan if constant else float(pearsonr(labels, sims)[0])}
    if set(np.unique(labels)) <= {0.0, 1.0}:
        found["roc_auc"] = roc_auc(sims, labels)
        positive, negative = sims[labels == 1], sims[labels == 0]
        found["gap"] = float(positive.mean() - negative.mean()) if len(positive) and len(negative) else math.nan
    return found


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """The chance that a random similar pair scores above a random not-similar one (ties count half):
    the Mann-Whitney form of ROC AUC, as scikit-learn's roc_auc_score computes it."""
    from scipy.stats import rankdata

    labels = np.asarray(labels) == 1
    positives, negatives = int(labels.sum()), int((~labels).sum())
    if not positives or not negatives:
        return math.nan
    ranks = rankdata(scores)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def bootstrap_replicates(similarities: np.ndarray, labels: np.ndarray, n_resamples: int = N_RESAMPLES,
                         seed: int = SEED) -> dict[str, np.ndarray]:
    """Every metric on `n_resamples` resamples of the pairs (NaN where a resample leaves it undefined,
    such as one with a single label). The resamples depend only on the number of pairs and `seed`,
    so two models' replicates on the same pairs are paired resample by resample."""
    rng = np.random.default_rng(seed)
    sims, labels = np.asarray(similarities, dtype=np.float64), np.asarray(labels, dtype=np.float64)
    found: dict[str, list[float]] = {}
    for _ in range(n_resamples):
        pick = rng.integers(0, len(sims), len(sims))
        values = metrics(sims[pick], labels[pick])
        for name in ("spearman", "pearson", "roc_auc", "gap"):
            if name in values or name in found:
                found.setdefault(name, []).append(values.get(name, math.nan))
    return {name: np.asarray(values) for name, values in found.items()}


def bootstrap_intervals(similarities: np.ndarray, labels: np.ndarray, n_resamples: int = N_RESAMPLES,
                        confidence: float = CONFIDENCE, seed: int = SEED) -> dict[str, tuple[float, float]]:
    """The percentile bootstrap interval of every metric, resampling pairs (a resample where a metric
    is undefined is left out of that metric's interval)."""
    return intervals_of(bootstrap_replicates(similarities, labels, n_resamples, seed), confidence)


def intervals_of(replicates: dict[str, np.ndarray], confidence: float = CONFIDENCE) -> dict[str, tuple[float, float]]:
    tail = (1 - confidence) / 2 * 100
    found = {}
    for name, values in replicates.items():
        values = values[~np.isnan(values)]
        if len(values):
            found[name] = (float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail)))
    return found


def metric_value(similarities: np.ndarray, labels: np.ndarray, name: str) -> float:
    """One of the rank metrics ("roc_auc" or "spearman") alone, for the permutation test's many calls."""
    from scipy.stats import rankdata

    if name == "roc_auc":
        return roc_auc(similarities, labels)
    x, y = rankdata(similarities), rankdata(labels)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


@dataclass
class PairsComparison:
    """Model A minus model B on the primary metric, over the same pairs."""

    metric: str
    difference: float
    p_value: float
    n_pairs: int

    def significant(self, alpha: float = 1 - CONFIDENCE) -> bool:
        return self.p_value < alpha


def _ranks(values: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(values) / len(values)


def compare(similarities_a: np.ndarray, similarities_b: np.ndarray, labels: np.ndarray, metric: str,
            n_permutations: int = N_PERMUTATIONS, seed: int = SEED) -> PairsComparison:
    """A paired permutation test of metric(A) - metric(B) over the same pairs: under "the two models
    are alike", each pair's two similarities (as ranks within their model) are as likely swapped.
    p counts the permuted differences at least as large in size as the observed one (plus one)."""
    labels = np.asarray(labels, dtype=np.float64)
    a, b = _ranks(np.asarray(similarities_a, dtype=np.float64)), _ranks(np.asarray(similarities_b, dtype=np.float64))
    observed = metric_value(a, labels, metric) - metric_value(b, labels, metric)
    if math.isnan(observed):
        return PairsComparison(metric, math.nan, math.nan, len(labels))
    rng = np.random.default_rng(seed)
    at_least = 0
    for _ in range(n_permutations):
        swap = rng.random(len(labels)) < 0.5
        permuted = (metric_value(np.where(swap, b, a), labels, metric)
                    - metric_value(np.where(swap, a, b), labels, metric))
        at_least += abs(permuted) >= abs(observed) - 1e-12
    return PairsComparison(metric, float(observed), (at_least + 1) / (n_permutations + 1), len(labels))


# --- evaluation ---------------------------------------------------------------------------------------


@dataclass
class PairsEvaluation:
    """One model on the labeled pairs: each pair's cosine similarity, the metrics and their intervals."""

    ref: Any
    similarities: np.ndarray | None = None
    scores: dict[str, float] = field(default_factory=dict)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    error: str | None = None
    error_kind: str | None = None
    #: every metric on each bootstrap resample of the pairs (paired across models: same resamples)
    replicates: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def evaluate_pairs(pairs: LabeledPairs, refs: list, cache: Any = None, settings: dict[str, Any] | None = None,
                   progress: Any = None) -> list[PairsEvaluation]:
    """Every model embeds every distinct text once (through the cache, with no speed passes), then is
    scored on the pairs; a model that fails has its error, the others their figures."""
    from hfcompare.embeddings.runs import embed_with_stats

    texts = list(dict.fromkeys(pairs.text1 + pairs.text2))
    where = {text: i for i, text in enumerate(texts)}
    first = [where[t] for t in pairs.text1]
    second = [where[t] for t in pairs.text2]
    labels = np.asarray(pairs.labels, dtype=np.float64)
    found = []
    for ref in refs:
        result = embed_with_stats(texts, ref, cache, progress, (settings or {}).get(ref.backend), speed_passes=0)
        if not result.ok:
            found.append(PairsEvaluation(ref, error=result.error, error_kind=result.error_kind))
            continue
        vectors = np.asarray(result.vectors)
        sims = pair_similarities(vectors[first], vectors[second])
        scores = metrics(sims, labels)
        replicates = bootstrap_replicates(sims, labels)
        found.append(PairsEvaluation(ref, sims, scores, intervals_of(replicates), replicates=replicates))
    return found


def comparisons(evaluations: list[PairsEvaluation], pairs: LabeledPairs) -> list[tuple[Any, Any, PairsComparison, float]]:
    """Every pair of models that succeeded, compared on the primary metric: (A, B, comparison,
    Holm-adjusted p)."""
    from hfcompare.retrieval.significance import holm

    done = [e for e in evaluations if e.ok]
    found = [(a.ref, b.ref, compare(a.similarities, b.similarities, np.asarray(pairs.labels), pairs.primary))
             for i, a in enumerate(done) for b in done[i + 1:]]
    adjusted = holm([c.p_value for _, _, c in found]) if found else []
    return [(a, b, c, p) for (a, b, c), p in zip(found, adjusted)]


def worst_pairs(evaluation: PairsEvaluation, pairs: LabeledPairs, n: int = 5) -> list[dict[str, Any]]:
    """The pairs this model gets most wrong: the similar pairs it ranks lowest and the not-similar ones
    it ranks highest (for scores: the largest gaps between its rank and the label's rank)."""
    from scipy.stats import rankdata

    if not evaluation.ok:
        return []
    sims = evaluation.similarities
    labels = np.asarray(pairs.labels, dtype=np.float64)
    wrongness = np.abs(rankdata(sims) / len(sims) - rankdata(labels) / len(labels))
    order = np.argsort(-wrongness, kind="stable")[:n]
    return [{"text1": pairs.text1[i], "text2": pairs.text2[i], "label": float(labels[i]),
             "similarity": float(sims[i]), "off_by": float(wrongness[i])} for i in order]
