"""Building blind battles: two models drawn at random answer the same prompt (or search the same
collection for the same query), shown as A and B until the vote. The votes feed `decide.arena`."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable

from hfcompare.backends import GenerationParams
from hfcompare.generation.timing import Timings
from hfcompare.refs import ModelRef, SpecError

#: What a generation battle asks both models for: the same deterministic, bounded answer.
BATTLE_PARAMS = GenerationParams(max_tokens=160, temperature=0.0, top_p=1.0, seed=None)
#: How many texts each model shows in a retrieval battle.
TOP_RESULTS = 5
#: The names a battle's two sides go by until the vote (callbacks are keyed by these, never by model).
SIDES = ("A", "B")

#: on_piece(side, text_so_far): a side's answer so far, as it streams
OnSidePiece = Callable[[str, str], None]
#: on_done(side, shown): a side's finished answer, or "(this model failed: kind)"
OnSideDone = Callable[[str, str], None]


@dataclass
class BlindBattle:
    """One battle: what was asked, the models behind A and B, what each showed, and the vote."""

    prompt: str
    a: ModelRef
    b: ModelRef
    shown: list[str] = field(default_factory=list)
    failed: list[bool] = field(default_factory=list)
    voted: str | None = None
    #: each side's timings in a generation battle (None when it failed), timed as the Generation page
    #: times answers; like the models' names, shown only after the vote
    timings: list[Timings | None] = field(default_factory=list)
    #: each side's load time before its answer (not in its timings; None when cached or failed)
    load_s: list[float | None] = field(default_factory=list)
    #: whether a side's answer (and its timings) came from the cache of an earlier identical run
    cached: list[bool] = field(default_factory=list)


def pick_pair(refs: list[ModelRef], rng: random.Random | None = None) -> tuple[ModelRef, ModelRef]:
    """Two different models in random order (the order is what keeps the vote blind)."""
    distinct = list(dict.fromkeys(refs))
    if len(distinct) < 2:
        raise SpecError("Choose at least two different models for a battle.")
    a, b = (rng or random.SystemRandom()).sample(distinct, 2)
    return a, b


def _failure(kind: str | None) -> str:
    return f"(this model failed: {kind})"


def takes_turns(a: ModelRef, b: ModelRef) -> bool:
    """Whether both models compute on this CPU, so they answer one after the other (neither is timed
    while the other runs) rather than at the same time."""
    from hfcompare.backends import BackendError, Capability, can, get_backend

    try:
        return all(can(get_backend(ref.backend), Capability.SHARES_CPU) for ref in (a, b))
    except BackendError:   # an unknown backend: its battle fails with its own message
        return False


def generation_battle(refs: list[ModelRef], prompt: str, params: GenerationParams = BATTLE_PARAMS,
                      settings: dict[str, Any] | None = None, cache: Any = None,
                      rng: random.Random | None = None, on_piece: OnSidePiece | None = None,
                      on_done: OnSideDone | None = None,
                      pair: tuple[ModelRef, ModelRef] | None = None) -> BlindBattle:
    """Two of `refs` (or `pair`, when already drawn) answer `prompt` with the same `params`; a failed
    model shows its error kind.

    Both run as a Generation comparison runs them (`compare_generations`): models on servers answer
    at the same time, models on this CPU take turns, and each is timed and logged the same way.
    `on_piece(side, text_so_far)` and `on_done(side, shown)` follow the answers as they arrive, keyed
    by side ("A" or "B") only, so what streams stays blind; they are called from worker threads.
    """
    from hfcompare.generation.runs import compare_generations

    a, b = pair or pick_pair(refs, rng)
    if a == b:
        raise SpecError("Choose at least two different models for a battle.")
    side_of = dict(zip((a, b), SIDES))

    def shown(result) -> str:
        return result.text if result.ok else _failure(result.error_kind)

    answers = compare_generations(
        [prompt], [a, b], params, settings=settings or {}, cache=cache,
        on_piece=(lambda ref, _, text: on_piece(side_of[ref], text)) if on_piece else None,
        on_done=(lambda result: on_done(side_of[result.ref], shown(result))) if on_done else None,
    )
    answers = sorted(answers, key=lambda r: SIDES.index(side_of[r.ref]))
    return BlindBattle(prompt, a, b, [shown(r) for r in answers], [not r.ok for r in answers],
                       timings=[r.timings for r in answers], load_s=[r.load_s for r in answers],
                       cached=[r.cached for r in answers])


def retrieval_battle(refs: list[ModelRef], query: str, documents: list[str], k: int = TOP_RESULTS,
                     settings: dict[str, Any] | None = None, cache: Any = None,
                     rng: random.Random | None = None) -> BlindBattle:
    """Two of `refs` search `documents` for `query`, each with its query and document prompts as an
    evaluation runs it; each shows its top `k` as a numbered list."""
    from hfcompare.retrieval.evaluation import search

    a, b = pick_pair(refs, rng)
    settings = settings or {}
    battle = BlindBattle(query, a, b)
    for ref in (a, b):
        result = search(query, documents, ref, k, cache, settings.get(ref.backend))
        battle.failed.append(not result.ok)
        battle.shown.append(_failure(result.error_kind) if not result.ok else
                            "\n".join(f"{n + 1}. {documents[int(i)]}" for n, i in enumerate(result.ranked["query"])))
    return battle
