"""Building blind battles: two models drawn at random answer the same prompt (or search the same
collection for the same query), shown as A and B until the vote. The votes feed `decide.arena`."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from hfcompare.backends import GenerationParams
from hfcompare.refs import ModelRef, SpecError

#: What a generation battle asks both models for: the same deterministic, bounded answer.
BATTLE_PARAMS = GenerationParams(max_tokens=160, temperature=0.0, top_p=1.0, seed=None)
#: How many texts each model shows in a retrieval battle.
TOP_RESULTS = 5


@dataclass
class BlindBattle:
    """One battle: what was asked, the models behind A and B, what each showed, and the vote."""

    prompt: str
    a: ModelRef
    b: ModelRef
    shown: list[str] = field(default_factory=list)
    failed: list[bool] = field(default_factory=list)
    voted: str | None = None


def pick_pair(refs: list[ModelRef], rng: random.Random | None = None) -> tuple[ModelRef, ModelRef]:
    """Two different models in random order (the order is what keeps the vote blind)."""
    distinct = list(dict.fromkeys(refs))
    if len(distinct) < 2:
        raise SpecError("Choose at least two different models for a battle.")
    a, b = (rng or random.SystemRandom()).sample(distinct, 2)
    return a, b


def _failure(kind: str | None) -> str:
    return f"(this model failed: {kind})"


def generation_battle(refs: list[ModelRef], prompt: str, params: GenerationParams = BATTLE_PARAMS,
                      settings: dict[str, Any] | None = None, cache: Any = None,
                      rng: random.Random | None = None) -> BlindBattle:
    """Two of `refs` answer `prompt` with the same `params`; a failed model shows its error kind."""
    from hfcompare.generation.runs import generate_one

    a, b = pick_pair(refs, rng)
    settings = settings or {}
    answers = [generate_one(ref, prompt, params, settings=settings.get(ref.backend), cache=cache) for ref in (a, b)]
    return BlindBattle(prompt, a, b, [r.text if r.ok else _failure(r.error_kind) for r in answers],
                       [not r.ok for r in answers])


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
