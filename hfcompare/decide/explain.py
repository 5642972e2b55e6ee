"""The Scorecard's recommendation in words: a list of claims, each carrying the numbers it states.

Every sentence is built from the ranking it explains, and tests hold each kind of claim against
those numbers. The rules that keep it honest:
- two eligible candidates less than `TIE_MARGIN` apart are *effectively tied*, never "first";
- the reason named for a win is the criterion that produced the largest part of the gap to the
  runner-up, with both raw values;
- a measured criterion whose ranges overlap (speed over repeated passes) never makes one candidate
  "faster";
- "robust" speaks of weight changes only, and is not said when unknown values decide the order;
- the text is plain: model names come from users and links, so nothing is marked up here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from hfcompare.decide.scoring import MIN_KNOWN_WEIGHT, Candidate, Criterion, Scored

#: Scores closer than this (out of 1) are called a tie.
TIE_MARGIN = 0.02
#: The quality criterion and the speed criterion whose trade-off is put in numbers.
QUALITY_KEYS = ("performance", "quality")
SPEED_KEY = "speed"


def in_sentence(label: str) -> str:
    """A criterion's label inside a sentence: lower case, but acronyms kept ("Pair ROC AUC" -> "pair ROC AUC")."""
    return " ".join(word if len(word) > 1 and word.isupper() else word.lower() for word in label.split(" "))


@dataclass(frozen=True)
class Claim:
    """One sentence of the explanation and the numbers it states (for tests and exports)."""

    kind: str
    text: str
    numbers: dict[str, float] = field(default_factory=dict)


@dataclass
class Explanation:
    claims: list[Claim]

    @property
    def text(self) -> str:
        return " ".join(claim.text for claim in self.claims)

    def kinds(self) -> list[str]:
        return [claim.kind for claim in self.claims]

    def get(self, kind: str) -> Claim | None:
        return next((claim for claim in self.claims if claim.kind == kind), None)


def fmt(value: float) -> str:
    """A raw value, short: 109M, 1.20B, 8,192, 0.862, 12.3."""
    if abs(value) >= 1e6:
        return f"{value / 1e9:.2f}B" if abs(value) >= 1e9 else f"{value / 1e6:.0f}M"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def shown(criterion: Criterion, value: float) -> str:
    """`12.3 ms/text`, `yes`, `0.862`: a raw value with its unit."""
    if criterion.binary:
        return "yes" if value == 1.0 else "no"
    return f"{fmt(value)} {criterion.unit}".strip()


def short_names(names: list[str]) -> list[str]:
    """`all-MiniLM-L6-v2` for `local:sentence-transformers/all-MiniLM-L6-v2`; the full name where two
    candidates would read the same (the fp32 and int8 copies of one model)."""
    short = [name.rsplit("/", 1)[-1].rsplit(":", 1)[-1] or name for name in names]
    return [s if short.count(s) == 1 else name for s, name in zip(short, names)]


def _range(cell) -> str:
    return f"{fmt(cell.low)}–{fmt(cell.high)}"


def paired(a: Candidate, b: Candidate, key: str) -> bool:
    """Whether both values were measured on the same queries (then they are compared query by query)."""
    return a.cell(key).paired_test_applies(b.cell(key))


def _paired_test(a: Candidate, b: Candidate, key: str):
    return _paired_comparison(a.cell(key).samples, b.cell(key).samples)


@functools.lru_cache(maxsize=64)
def _paired_comparison(a: tuple[float, ...], b: tuple[float, ...]):
    """The evaluation page's paired test, once per pair of sample sets (the explanation asks several times)."""
    from hfcompare.retrieval.significance import paired_comparison

    return paired_comparison(a, b)


def ranges_overlap(a: Candidate, b: Candidate, key: str) -> bool:
    """True when the difference between the two values is within measurement noise: measured on the
    same queries, when the paired test (the one the evaluation page runs) finds no significant
    difference; otherwise, when both were measured with a range and the ranges share a point."""
    if paired(a, b, key):
        return not _paired_test(a, b, key).significant()
    ca, cb = a.cell(key), b.cell(key)
    if ca.statistic == cb.statistic == "draw" and ca.paired_with(cb):   # rating replicates of the same rounds
        ahead = float(np.mean(np.asarray(ca.samples) > np.asarray(cb.samples)))
        return 0.025 < ahead < 0.975
    return ca.has_range and cb.has_range and ca.low <= cb.high and cb.low <= ca.high


def _noise_words(a: Candidate, b: Candidate, key: str) -> str:
    """Why a difference is within noise, in words: the paired test, or the overlapping ranges."""
    if paired(a, b, key):
        test = _paired_test(a, b, key)
        return (f"the paired difference over the same {test.n_queries} queries is not significant "
                f"(p = {test.p_value:.2g})")
    return f"the measured ranges overlap ({_range(a.cell(key))} against {_range(b.cell(key))})"


def _lead(scored: Scored, key: str, a: int, b: int) -> float:
    """How much of a's score over b's comes from one criterion (unknown contributes 0)."""
    ca, cb = scored.contributions[key][a], scored.contributions[key][b]
    return float((0.0 if np.isnan(ca) else ca) - (0.0 if np.isnan(cb) else cb))


def _unknown_words(scored: Scored, labels: dict[str, str], i: int) -> str:
    return ", ".join(labels[k] for k in scored.missing[scored.names[i]] if scored.weights[k] > 0)


def explain(label: str, scored: Scored, candidates: list[Candidate], criteria: list[Criterion],
            stability_win: float | None = None, margin: float = TIE_MARGIN,
            hints: dict[str, str] | None = None, measures: dict[str, str] | None = None) -> Explanation:
    """The recommendation as claims. `label` names the weighting ("The brief's defaults"); `hints`
    say, per criterion, how a missing value can be measured; `measures` what a criterion's values
    are ("nDCG@10 in this evaluation")."""
    hints, measures = hints or {}, measures or {}
    labels = {c.key: in_sentence(c.label) for c in criteria}
    by_key = {c.key: c for c in criteria}
    weights = ", ".join(f"{labels[c.key]} {round(scored.weights[c.key] * 100)}%" for c in criteria
                        if scored.weights[c.key] > 0)
    names = short_names(scored.names)
    order = scored.order()
    best = order[0]
    claims: list[Claim] = []
    if not scored.eligible[best]:
        if scored.excluded and all(scored.excluded.get(n) or scored.known_weight[i] < MIN_KNOWN_WEIGHT - 1e-9
                                   for i, n in enumerate(scored.names)) and \
                any(scored.known_weight[i] >= MIN_KNOWN_WEIGHT - 1e-9 for i in range(len(names))):
            return Explanation([Claim("all_excluded", "Loosen a must-have or add candidates that meet them.",
                                      {"excluded": float(len(scored.excluded))})])
        return Explanation(_no_recommendation(label, weights, scored, names, labels, hints))
    rivals = [i for i in order[1:] if scored.eligible[i]]
    rival = rivals[0] if rivals else None
    gap = float(scored.scores[best] - scored.scores[rival]) if rival is not None else None
    tied = gap is not None and gap < margin
    a = candidates[best]
    if tied:
        claims.append(Claim("tie", f"{label} ({weights}): {names[best]} and {names[rival]} are effectively tied at "
                            f"{scored.scores[best]:.3f} and {scored.scores[rival]:.3f} out of 1, less than the "
                            f"tie margin of {margin:.2f} apart.",
                            {"score_a": float(scored.scores[best]), "score_b": float(scored.scores[rival]),
                             "gap": gap, "margin": margin}))
        claims.append(_separate(scored, names, a, candidates[rival], best, rival, by_key, labels, hints))
    else:
        text = (f"With {in_sentence(label)} ({weights}), {names[best]} ranks first with a score of "
                f"{scored.scores[best]:.2f} out of 1")
        numbers = {"score": float(scored.scores[best])}
        if rival is not None:
            text += f", {gap:.2f} ahead of {names[rival]} ({scored.scores[rival]:.2f})."
            numbers.update(gap=gap, score_b=float(scored.scores[rival]))
        else:
            text += ", the only candidate with enough known values to be recommended."
        claims.append(Claim("winner", text, numbers))
    deciding = noisy = False
    trade = None if rival is None else _trade_off(scored, names, a, candidates[rival], best, rival, by_key, measures)
    if rival is not None and not tied:
        b = candidates[rival]
        deciding = scored.best_case(rival) > scored.known_score(best) + 1e-9
        if deciding:
            claims.append(_unknowns_decide(scored, names, best, rival, labels, hints))
        else:
            reasons = _reasons(scored, names, a, b, best, rival, by_key, labels)
            if trade is not None:  # the trade-off sentence already gives the runner-up's quality lead
                reasons = [r for r in reasons
                           if not (r.kind == "rival_edge" and r.numbers.get("key") == trade.numbers["key"])]
            claims.extend(reasons)
            noise = _noise_decides(scored, names, a, b, best, rival, by_key, labels)
            if noise is not None:
                noisy = True
                claims.append(noise)
    if trade is not None:
        claims.append(trade)
    if stability_win is not None and not tied and not deciding and not noisy and rival is not None:
        robust = stability_win >= 0.8
        claims.append(Claim("robust", f"{names[best]} stays first in {stability_win:.0%} of random ±20% changes to "
                            "the weights, so " + ("the choice is robust to the weights." if robust else
                                                  f"the choice depends on the weights: look at {names[rival]} too."),
                            {"share": stability_win}))
    unknown = _unknown_words(scored, labels, best)
    if unknown:
        how = "counted as the worst" if scored.policy == "penalize" else "left out, its weight given to the others"
        claims.append(Claim("winner_unknown", f"Unknown for {names[best]}: {unknown} ({how}).",
                            {"known_weight": float(scored.known_weight[best])}))
    left_out = [i for i in order if not scored.eligible[i]]
    if left_out:
        parts = [f"{names[i]} ({scored.known_weight[i]:.0%} of the weight known)" for i in left_out]
        claims.append(Claim("not_eligible", f"Not recommended for lack of known values (at least "
                            f"{MIN_KNOWN_WEIGHT:.0%} of the weight must be known): {'; '.join(parts)}.",
                            {names[i]: float(scored.known_weight[i]) for i in left_out}))
    return Explanation(claims)


def _no_recommendation(label: str, weights: str, scored: Scored, names: list[str], labels: dict[str, str],
                       hints: dict[str, str]) -> list[Claim]:
    best = int(np.argmax(scored.known_weight))
    gaps = sorted({k for name in scored.names for k in scored.missing[name] if scored.weights[k] > 0},
                  key=lambda k: -scored.weights[k])
    todo = [hints[k] for k in gaps if k in hints]
    text = (f"No recommendation yet: with {in_sentence(label)} ({weights}), no candidate has values for at least "
            f"{MIN_KNOWN_WEIGHT:.0%} of the weight (the most is {scored.known_weight[best]:.0%}, for "
            f"{names[best]}). Unknown: {', '.join(labels[k] for k in gaps)}.")
    if todo:
        text += " To fill the gap: " + "; ".join(todo) + "."
    return [Claim("no_recommendation", text, {"best_known_weight": float(scored.known_weight[best]),
                                               "threshold": MIN_KNOWN_WEIGHT})]


def _unknowns_decide(scored: Scored, names: list[str], best: int, rival: int, labels: dict[str, str],
                     hints: dict[str, str]) -> Claim:
    gaps = [k for k in scored.missing[scored.names[rival]] + scored.missing[scored.names[best]]
            if scored.weights[k] > 0]
    which = "; ".join(filter(None, [
        f"{names[rival]}'s {_unknown_words(scored, labels, rival)}" if _unknown_words(scored, labels, rival) else "",
        f"{names[best]}'s {_unknown_words(scored, labels, best)}" if _unknown_words(scored, labels, best) else ""]))
    todo = [hints[k] for k in dict.fromkeys(gaps) if k in hints]
    text = (f"Unknown values decide this order: {which} is unknown. From known values alone {names[best]} scores "
            f"{scored.known_score(best):.2f}, and {names[rival]} could reach {scored.best_case(rival):.2f} if its "
            "unknowns were the best, so the order is not settled.")
    if todo:
        text += " To settle it: " + "; ".join(todo) + "."
    return Claim("unknowns_decide", text, {"winner_known": scored.known_score(best),
                                           "rival_best_case": scored.best_case(rival)})


def _reasons(scored: Scored, names: list[str], a: Candidate, b: Candidate, best: int, rival: int,
             by_key: dict[str, Criterion], labels: dict[str, str]) -> list[Claim]:
    """Why the winner leads the runner-up: its largest contribution lead, and the runner-up's."""
    leads = {k: _lead(scored, k, best, rival) for k in by_key}
    gap = float(scored.scores[best] - scored.scores[rival])
    claims = []
    top = max(leads, key=leads.get)
    if leads[top] > 1e-9:
        va, vb = a.value(top), b.value(top)
        numbers = {"lead": leads[top], "gap": gap}
        if va is None or vb is None:
            text = (f"The largest part of its lead comes from {labels[top]} (+{leads[top]:.2f}), which is unknown "
                    f"for {names[rival] if vb is None else names[best]} and counted as "
                    + ("the worst." if scored.policy == "penalize" else "missing."))
        else:
            numbers.update(value_a=va, value_b=vb)
            text = (f"The largest part of its lead comes from {labels[top]} (+{leads[top]:.2f} of the score): "
                    f"{shown(by_key[top], va)} against {shown(by_key[top], vb)} for {names[rival]}")
            if ranges_overlap(a, b, top):
                text += f"; but {_noise_words(a, b, top)}, so on {labels[top]} neither is reliably ahead"
            text += "."
        claims.append(Claim("reason", text, numbers))
    edge = min(leads, key=leads.get)
    va, vb = a.value(edge), b.value(edge)
    if leads[edge] < -1e-9 and va is not None and vb is not None:
        text = (f"{names[rival]} leads on {labels[edge]} ({shown(by_key[edge], vb)} against "
                f"{shown(by_key[edge], va)}, +{-leads[edge]:.2f} of the score)")
        if ranges_overlap(a, b, edge):
            text += f", though {_noise_words(b, a, edge)}"
        claims.append(Claim("rival_edge", text + ".",
                            {"lead": -leads[edge], "value_a": va, "value_b": vb, "key": edge}))
    return claims


def _noise_decides(scored: Scored, names: list[str], a: Candidate, b: Candidate, best: int, rival: int,
                   by_key: dict[str, Criterion], labels: dict[str, str]) -> Claim | None:
    """When the lead rests on medians whose measured ranges overlap, the order is not settled."""
    gap = float(scored.scores[best] - scored.scores[rival])
    noisy = {k: _lead(scored, k, best, rival) for k in by_key if ranges_overlap(a, b, k)}
    from_noise = sum(v for v in noisy.values() if v > 0)
    if not noisy or from_noise < gap - 1e-9:
        return None
    words = " and ".join(labels[k] for k, v in noisy.items() if v > 0)
    return Claim("noise_decides", f"Without its lead on {words}, which is within measurement noise, {names[best]} "
                 f"would not be ahead: the order rests on measurement noise. Measure again (more texts, a quieter "
                 "machine) before deciding on it.", {"gap": gap, "from_overlap": from_noise})


def _separate(scored: Scored, names: list[str], a: Candidate, b: Candidate, best: int, rival: int,
              by_key: dict[str, Criterion], labels: dict[str, str], hints: dict[str, str]) -> Claim:
    """For a tie: which criteria pull each way, and what to measure."""
    leads = {k: _lead(scored, k, best, rival) for k in by_key
             if a.value(k) is not None and b.value(k) is not None and not ranges_overlap(a, b, k)}
    parts = []
    for sign, who, i in ((1, names[best], best), (-1, names[rival], rival)):
        pulls = {k: sign * v for k, v in leads.items() if sign * v > 1e-9}
        if pulls:
            k = max(pulls, key=pulls.get)
            first, second = (a, b) if i == best else (b, a)
            parts.append((k, who, f"{who} leads on {labels[k]} ({shown(by_key[k], first.value(k))} against "
                                  f"{shown(by_key[k], second.value(k))})"))
    text = "What would separate them: " if parts else "Nothing measured separates them"
    if parts:
        favours = "; ".join(f"more weight on {labels[k]} favours {who}" for k, who, _ in parts)
        text += "; ".join(p[2] for p in parts) + ". " + favours[0].upper() + favours[1:] + "."
    else:
        text += "."
    overlapping = [k for k in by_key if ranges_overlap(a, b, k) and a.value(k) != b.value(k)]
    if overlapping:
        text += (f" Their {', '.join(labels[k] for k in overlapping)} ranges overlap, so neither is reliably "
                 "ahead there.")
    unknown = [k for k in dict.fromkeys(scored.missing[scored.names[best]] + scored.missing[scored.names[rival]])
               if k in hints]
    if unknown:
        text += " Measuring would help: " + "; ".join(hints[k] for k in unknown) + "."
    return Claim("separate", text, {k: v for k, v in leads.items()})


def _trade_off(scored: Scored, names: list[str], a: Candidate, b: Candidate, best: int, rival: int,
               by_key: dict[str, Criterion], measures: dict[str, str]) -> Claim | None:
    """The quality/speed trade-off between the first two, in numbers, when they pull apart."""
    quality = next((k for k in QUALITY_KEYS if k in by_key), None)
    if quality is None or SPEED_KEY not in by_key:
        return None
    qa, qb, sa, sb = a.value(quality), b.value(quality), a.value(SPEED_KEY), b.value(SPEED_KEY)
    if None in (qa, qb, sa, sb) or qa == qb or sa == sb or min(sa, sb) <= 0:
        return None
    speed = by_key[SPEED_KEY]
    a_faster = (sa < sb) if not speed.higher_is_better else (sa > sb)
    a_better = qa > qb
    if a_better == a_faster:
        return None  # one of them is better on both: no trade-off
    ratio = max(sa, sb) / min(sa, sb)
    slow, fast = (names[rival], names[best]) if a_faster else (names[best], names[rival])
    if ranges_overlap(a, b, SPEED_KEY):
        cost = (f"their speeds overlap ({_range(a.cell(SPEED_KEY))} against {_range(b.cell(SPEED_KEY))} "
                f"{speed.unit}), so the speed cost is within measurement noise")
    else:
        slow_value, fast_value = sorted((sa, sb), reverse=not speed.higher_is_better)
        cost = (f"{slow} takes {ratio:.1f}× as long as {fast} ({shown(speed, slow_value)} against "
                f"{shown(speed, fast_value)})")
    better = names[best] if a_better else names[rival]
    q_hi, q_lo = max(qa, qb), min(qa, qb)
    what = f" ({measures[quality]})" if quality in measures else ""
    reliable = ""
    if ranges_overlap(a, b, quality):
        reliable = f"; but {_noise_words(a, b, quality).replace('the measured', 'their measured')}, so that lead is not reliable"
    text = (f"The trade-off: {better} is ahead on {in_sentence(by_key[quality].label)}{what} by {fmt(q_hi - q_lo)} "
            f"({fmt(q_hi)} against {fmt(q_lo)}{reliable}), and {cost}.")
    return Claim("trade_off", text, {"quality_gain": q_hi - q_lo, "quality_a": qa, "quality_b": qb,
                                     "speed_ratio": ratio, "speed_a": sa, "speed_b": sb, "key": quality})


@dataclass(frozen=True)
class Verdict:
    """The Scorecard's decision: "recommend" one model, "too_close" to call between the first two, or
    "none" qualifies; `text` says why, with P(best) (each model's share of first places over
    resamples of the measurements)."""

    kind: str
    models: tuple[str, ...]
    text: str
    p_best: dict[str, float]


#: Claims of the explanation that leave the order unsettled, and how the verdict says so.
UNSETTLING = {"tie": "their scores are within the tie margin",
              "unknowns_decide": "values still unknown could reverse the order",
              "noise_decides": "the lead rests on a difference within measurement noise"}


def unsettled_by(explanation: Explanation | None) -> str:
    """The first claim kind of `explanation` that leaves the order unsettled ("" when none)."""
    return next((kind for kind in UNSETTLING if explanation is not None and explanation.get(kind)), "")


def verdict(scored: Scored, candidates: list[Candidate], criteria: list[Criterion], p: np.ndarray,
            threshold: float | None = None, margin: float = TIE_MARGIN, rounds: int | None = None,
            unsettled: str = "") -> Verdict:
    """Recommend the first model only when it is first in at least `threshold` of the resamples,
    more than `margin` ahead, and the explanation finds nothing that unsettles the order
    (`unsettled`, a kind of UNSETTLING: a tie, unknowns or noise deciding); else too close to call
    between the first two (with what would separate them); none when no candidate qualifies."""
    from hfcompare.decide.scoring import (P_BEST_ROUNDS, P_BEST_THRESHOLD, any_resamplable, not_alike,
                                          queries_to_separate)

    threshold = P_BEST_THRESHOLD if threshold is None else threshold
    rounds = rounds or P_BEST_ROUNDS
    names = short_names(scored.names)
    shares = {scored.names[i]: float(p[i]) for i in range(len(scored.names))}
    order = scored.order()
    best = order[0]
    if not scored.eligible[best]:
        excluded = [f"{names[i]} ({'; '.join(scored.excluded[scored.names[i]])})" for i in order
                    if scored.excluded.get(scored.names[i])]
        gap = ("excluded by the must-haves: " + ", ".join(excluded) + ". "
               if excluded else "")
        if not excluded:
            most = int(np.argmax(scored.known_weight))
            unknown = ", ".join(in_sentence(c.label) for c in criteria if c.key in scored.missing[scored.names[most]]
                                and scored.weights[c.key] > 0)
            gap = (f"too little is known: a recommendation needs values for {MIN_KNOWN_WEIGHT:.0%} of the weight, "
                   f"and the most known is {scored.known_weight[most]:.0%} ({names[most]}; unknown: {unknown}).")
        return Verdict("none", (), f"No candidate qualifies: {gap}".strip(), shares)
    rivals = [i for i in order[1:] if scored.eligible[i]]
    tied = bool(rivals) and scored.scores[best] - scored.scores[rivals[0]] < margin
    measured = any_resamplable(candidates)
    mixed = not_alike(candidates, criteria)
    if mixed and rivals:
        labels = {c.key: in_sentence(c.label) for c in criteria}
        said = "; ".join(f"{labels[key]}: " + " against ".join(short for short in groups)
                         for key, groups in mixed.items())
        return Verdict("too_close", (scored.names[best], scored.names[rivals[0]]), (
            f"Not comparable yet: values of one criterion were measured on different texts or hardware ({said}). "
            "Measure the candidates in one run, or choose which run's values to rank on."), shares)
    if p[best] >= threshold and not tied and unsettled and rivals:
        rival = rivals[0]
        return Verdict("too_close", (scored.names[best], scored.names[rival]), (
            f"Too close to call between {names[best]} and {names[rival]}: {names[best]} is first in "
            f"{p[best]:.0%} of resamples of the measurements (P(best) {p[best]:.2f} against {p[rival]:.2f}), but "
            f"{UNSETTLING[unsettled]}." if measured else
            f"Too close to call between {names[best]} and {names[rival]}: {UNSETTLING[unsettled]}."), shares)
    if p[best] >= threshold and not tied:
        return Verdict("recommend", (scored.names[best],), (
            f"Recommend {names[best]}: first in {p[best]:.0%} of {rounds:,} resamples of the measurements "
            f"(P(best) {p[best]:.2f}; a recommendation needs {threshold:.2f})." if measured else
            f"Recommend {names[best]}: first, more than the tie margin ahead, on values that carry nothing to "
            "resample (published figures, or values shared without their samples), so their own uncertainty is "
            "not counted."), shares)
    rival = max(rivals, key=lambda i: (p[i], scored.scores[i])) if rivals else None
    if rival is None:
        return Verdict("recommend", (scored.names[best],), f"Recommend {names[best]}: the only candidate that "
                       "qualifies.", shares)
    text = f"Too close to call between {names[best]} and {names[rival]}"
    chances = f" (P(best) {p[best]:.2f} against {p[rival]:.2f})" if measured else ""
    text += (f": their scores are only {scored.scores[best] - scored.scores[rival]:.3f} apart, under the tie margin of "
             f"{margin:.2f}{chances}: the order may hold, but the lead is too small to matter." if tied else
             f": neither is first in {threshold:.0%} of resamples of the measurements{chances}.")
    a, b = candidates[best], candidates[rival]
    separate = []
    for c in criteria:
        needed = queries_to_separate(a.cell(c.key), b.cell(c.key))
        if needed is not None:
            now = len(a.cell(c.key).samples)
            separate.append(f"about {needed:,} labeled queries in all (now {now:,}) would settle their "
                            f"{in_sentence(c.label)} difference" if needed > now else
                            f"their {in_sentence(c.label)} difference is settled on these {now:,} queries")
        elif a.cell(c.key).samples and b.cell(c.key).samples and ranges_overlap(a, b, c.key):
            separate.append(f"more timed passes (or a quieter machine) would settle their {in_sentence(c.label)}")
    if separate:
        text += " What would separate them: " + "; ".join(separate) + "."
    return Verdict("too_close", (scored.names[best], scored.names[rival]), text, shares)
