"""The recommendation paragraph: every kind of sentence held against the numbers it claims."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfcompare.decide.explain import TIE_MARGIN, explain, ranges_overlap
from hfcompare.decide.scoring import Candidate, Cell, Criterion, ValueScale, score

PERF = Criterion("performance", "Performance", 40, scale=ValueScale(0.0, 1.0))
SPEED = Criterion("speed", "Speed", 30, higher_is_better=False, log_scale=True, unit="ms/text",
                  scale=ValueScale(1000.0, 1.0, log=True))
SIZE = Criterion("size", "Size", 20, higher_is_better=False, log_scale=True, unit="parameters",
                 scale=ValueScale(1e10, 1e7, log=True))
MULTI = Criterion("multilingual", "Multilingual", 10, binary=True)
CRITERIA = [PERF, SPEED, SIZE, MULTI]
HINTS = {"performance": "run the evaluation to measure performance", "speed": "run a comparison to measure speed"}


def cand(name, speed_range=None, **values):
    cells = {k: Cell(v, "test") for k, v in values.items()}
    if speed_range is not None:
        cells["speed"] = Cell(values["speed"], "test", *speed_range)
    return Candidate(name, cells)


def run(candidates, criteria=CRITERIA, policy="penalize", stability=0.9, margin=TIE_MARGIN):
    scored = score(candidates, criteria, policy)
    return scored, explain("The brief's defaults", scored, candidates, criteria, stability, margin, HINTS)


MPNET = dict(performance=0.86, speed=25.0, size=109e6, multilingual=0.0)
MINILM = dict(performance=0.81, speed=8.0, size=22.7e6, multilingual=0.0)


def test_winner_and_reason_name_the_numbers_they_rest_on():
    candidates = [cand("mpnet", speed_range=(24.0, 27.0), **MPNET), cand("minilm", speed_range=(7.5, 9.0), **MINILM)]
    scored, text = run(candidates)
    best, rival = scored.order()[:2]
    winner = text.get("winner")
    assert winner.numbers["score"] == pytest.approx(scored.scores[best])
    assert winner.numbers["gap"] == pytest.approx(scored.scores[best] - scored.scores[rival])
    assert winner.numbers["gap"] >= TIE_MARGIN and f"{scored.names[best]} ranks first" in winner.text
    reason = text.get("reason")
    leads = {k: np.nan_to_num(scored.contributions[k][best]) - np.nan_to_num(scored.contributions[k][rival])
             for k in scored.contributions}
    top = max(leads, key=leads.get)
    assert reason.numbers["lead"] == pytest.approx(leads[top])
    assert reason.text.startswith(f"The largest part of its lead comes from {top}")
    assert reason.numbers["value_a"] == candidates[best].value(top)
    assert reason.numbers["value_b"] == candidates[rival].value(top)
    edge_key = min(leads, key=leads.get)
    assert edge_key == "performance" == text.get("trade_off").numbers["key"]
    assert text.get("rival_edge") is None      # the trade-off sentence already says it
    assert "noise_decides" not in text.kinds() and "robust" in text.kinds()


def test_the_runner_ups_edge_is_named_with_both_values():
    a = cand("a", performance=0.9, speed=10.0, size=1e9, multilingual=1.0)
    b = cand("b", performance=0.5, speed=10.0, size=1e7, multilingual=0.0)
    scored, text = run([a, b])
    edge = text.get("rival_edge")
    # on the 10 B..10 M log scale, 10 M is 1 and 1 B is 1/3: two thirds of the size weight (0.2)
    assert edge.numbers["key"] == "size" and edge.numbers["lead"] == pytest.approx(0.2 * 2 / 3)
    assert edge.text == "b leads on size (10M parameters against 1.00B parameters, +0.13 of the score)."


def test_a_lead_that_rests_on_overlapping_ranges_is_not_settled():
    a = cand("a", speed_range=(5.0, 30.0), performance=0.80, speed=8.0, size=1e8, multilingual=0.0)
    b = cand("b", speed_range=(6.0, 40.0), performance=0.80, speed=20.0, size=1e8, multilingual=0.0)
    scored, text = run([a, b], stability=1.0)
    noise = text.get("noise_decides")
    assert noise is not None and noise.numbers["from_overlap"] >= noise.numbers["gap"]
    assert "robust" not in text.kinds() and "measurement noise" in noise.text


def test_the_trade_off_puts_quality_against_speed_in_numbers():
    candidates = [cand("mpnet", speed_range=(24.0, 27.0), **MPNET), cand("minilm", speed_range=(7.5, 9.0), **MINILM)]
    _, text = run(candidates)
    trade = text.get("trade_off")
    assert trade.numbers["quality_gain"] == pytest.approx(0.05)
    assert trade.numbers["speed_ratio"] == pytest.approx(25.0 / 8.0)
    assert "mpnet is ahead on performance by 0.05 (0.86 against 0.81)" in trade.text
    assert "mpnet takes 3.1× as long as minilm (25 ms/text against 8 ms/text)" in trade.text
    scored = score(candidates, CRITERIA)
    named = explain("x", scored, candidates, CRITERIA, measures={"performance": "nDCG@10 in this evaluation"})
    assert "ahead on performance (nDCG@10 in this evaluation) by 0.05" in named.get("trade_off").text


def test_a_quality_lead_inside_overlapping_intervals_is_called_unreliable():
    mpnet = Candidate("mpnet", {"performance": Cell(0.935, "t", 0.88, 0.98), "speed": Cell(25.0, "t", 24.0, 27.0),
                                "size": Cell(109e6, "t"), "multilingual": Cell(0.0, "t")})
    minilm = Candidate("minilm", {"performance": Cell(0.908, "t", 0.85, 0.96), "speed": Cell(8.0, "t", 7.5, 9.0),
                                  "size": Cell(22.7e6, "t"), "multilingual": Cell(0.0, "t")})
    _, text = run([mpnet, minilm])
    trade = text.get("trade_off").text
    assert "ahead on performance by 0.027 (0.935 against 0.908; but their measured ranges overlap" in trade
    assert "so that lead is not reliable" in trade and "takes 3.1× as long" in trade


def test_overlapping_speed_ranges_never_make_one_faster():
    a = cand("a", speed_range=(6.0, 12.0), performance=0.80, speed=7.0, size=1e8, multilingual=0.0)
    b = cand("b", speed_range=(6.5, 11.0), performance=0.80, speed=10.0, size=1e8, multilingual=0.0)
    assert ranges_overlap(a, b, "speed")
    scored, text = run([a, b], margin=0.0)
    reason = text.get("reason")
    assert "speed" in reason.text and "ranges overlap (6–12 against 6.5–11)" in reason.text
    assert "neither is reliably ahead" in reason.text
    assert not re.search(r"faster|takes [\d.]+× as long", text.text)


def test_a_tie_below_the_margin_says_what_would_separate_them():
    a = cand("a", performance=0.81, speed=10.4, size=1e8, multilingual=0.0)
    b = cand("b", performance=0.80, speed=10.0, size=1e8, multilingual=0.0)
    scored, text = run([a, b])
    tie = text.get("tie")
    assert tie is not None and text.get("winner") is None and "robust" not in text.kinds()
    assert tie.numbers["gap"] == pytest.approx(abs(scored.scores[0] - scored.scores[1]))
    assert tie.numbers["gap"] < TIE_MARGIN and "effectively tied" in tie.text
    separate = text.get("separate")
    assert "a leads on performance (0.81 against 0.8)" in separate.text
    assert "b leads on speed (10 ms/text against 10.4 ms/text)" in separate.text
    assert "More weight on performance favours a" in separate.text
    _, wider = run([a, b], margin=0.0)
    assert wider.get("tie") is None and wider.get("winner") is not None


def test_robust_only_speaks_of_weights_and_never_when_unknowns_decide():
    full = cand("full", performance=0.5, speed=10.0, size=1e8, multilingual=0.0)
    gap = cand("gap", performance=0.9, speed=9.0, size=1e8)          # multilingual unknown: 90% known
    scored, text = run([full, gap], stability=0.95)
    assert scored.names[scored.order()[0]] == "gap"
    assert "robust" in text.kinds()
    assert "so the choice is robust to the weights" in text.get("robust").text
    assert "Unknown for gap: multilingual (counted as the worst)" in text.text
    # now the runner-up's unknown could reverse the order
    leader = cand("leader", performance=0.6, speed=10.0, size=1e8, multilingual=0.0)
    unsure = cand("unsure", performance=0.9, speed=12.0, size=1e8)   # multilingual unknown, counted as 0
    scored, text = run([leader, unsure], stability=0.99)
    if scored.names[scored.order()[0]] == "leader":
        decide = text.get("unknowns_decide")
        assert decide is not None and "robust" not in text.kinds()
        assert decide.numbers["rival_best_case"] > decide.numbers["winner_known"]


def test_no_recommendation_from_missing_data_names_what_to_measure():
    catalog_only = [cand("x/e5", performance=58.0, size=2.8e8, multilingual=1.0),  # no speed: 70% known
                    cand("x/bge", performance=52.0, size=3.3e7, multilingual=0.0)]
    scored, text = run(catalog_only)
    assert scored.recommended is None
    claim = text.get("no_recommendation")
    assert text.kinds() == ["no_recommendation"]
    assert claim.numbers["best_known_weight"] == pytest.approx(0.7)
    assert "run a comparison to measure speed" in claim.text and "70%" in claim.text


def test_a_candidate_below_the_known_weight_never_wins_even_with_a_higher_score():
    measured = cand("measured", performance=0.5, speed=10.0, size=1e8, multilingual=0.0)
    guessed = cand("guessed", performance=0.9, size=1e7, multilingual=1.0)   # speed unknown: 70% known
    scored, text = run([measured, guessed], policy="skip")
    assert scored.scores[1] > scored.scores[0]          # skipping the gap flatters it...
    assert scored.recommended == "measured"             # ...but it is not recommended
    assert "guessed (70% of the weight known)" in text.get("not_eligible").text


small = st.floats(min_value=0.1, max_value=100.0, allow_nan=False)


@settings(max_examples=120, deadline=None)
@given(rows=st.lists(st.tuples(st.one_of(st.none(), st.floats(0, 1)), st.one_of(st.none(), small), small, small,
                               st.one_of(st.none(), st.sampled_from([0.0, 1.0]))), min_size=2, max_size=5),
       policy=st.sampled_from(["penalize", "skip"]), stability=st.floats(0, 1))
def test_every_claim_agrees_with_the_ranking(rows, policy, stability):
    candidates = []
    for i, (perf, speed, spread_low, spread_high, multi) in enumerate(rows):
        cells = {"size": Cell(1e8, "t")}
        if perf is not None:
            cells["performance"] = Cell(perf, "t")
        if speed is not None:
            cells["speed"] = Cell(speed, "t", speed - spread_low / 100, speed + spread_high / 100)
        if multi is not None:
            cells["multilingual"] = Cell(multi, "t")
        candidates.append(Candidate(f"m{i}", cells))
    scored, text = run(candidates, policy=policy, stability=stability)
    order = scored.order()
    best = order[0]
    kinds = text.kinds()
    if scored.recommended is None:
        assert kinds == ["no_recommendation"]
        return
    eligible = [i for i in order if scored.eligible[i]]
    if "winner" in kinds:
        assert text.get("winner").numbers["score"] == pytest.approx(scored.scores[best])
        if len(eligible) > 1:
            assert text.get("winner").numbers["gap"] >= TIE_MARGIN
    else:
        assert text.get("tie").numbers["gap"] < TIE_MARGIN
    if "unknowns_decide" in kinds or "tie" in kinds or "noise_decides" in kinds:
        assert "robust" not in kinds
    if "robust" in kinds:
        assert ("robust to the weights" in text.get("robust").text) == (stability >= 0.8)
    reason = text.get("reason")
    if reason is not None and "value_a" in reason.numbers:
        rival = eligible[1]
        key = next(k for k in ("performance", "speed", "size", "multilingual") if f"comes from {k}" in reason.text)
        assert reason.numbers["value_a"] == candidates[best].value(key)
        assert reason.numbers["value_b"] == candidates[rival].value(key)
        if ranges_overlap(candidates[best], candidates[rival], key):
            assert "neither is reliably ahead" in reason.text
    trade = text.get("trade_off")
    if trade is not None and ranges_overlap(candidates[best], candidates[eligible[1]], "speed"):
        assert "as long" not in trade.text and "overlap" in trade.text


def test_criterion_labels_in_a_sentence_keep_their_acronyms():
    from hfcompare.decide.explain import in_sentence

    assert in_sentence("Pair ROC AUC") == "pair ROC AUC"
    assert in_sentence("Check pass rate") == "check pass rate" and in_sentence("The brief's defaults") == "the brief's defaults"
