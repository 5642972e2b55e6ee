"""Checks on generated answers, in the style of promptfoo assertions: keywords, regex, length,
and semantic similarity to a reference answer."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Callable

from hfcompare.refs import SpecError, is_blank

#: similarity(answer, reference) -> cosine in [-1, 1]
Similarity = Callable[[str, str], float]

#: The default cosine an answer needs to its reference answer. On the bundled sample with
#: all-MiniLM-L6-v2, correct paraphrases of the references score 0.78-0.99 and the bundled models'
#: on-topic but wrong answers 0.49-0.68, so the former default of 0.60 passed wrong answers. Scores
#: depend on the embedding model (all-mpnet-base-v2 scores the same wrong answers up to 0.75).
REFERENCE_THRESHOLD = 0.75

#: Below this many checked prompts (answers of one model) a pass rate is too uncertain to rank models by.
MIN_RELIABLE_PROMPTS = 20

#: The order checks are listed in.
CHECK_NAMES = ("keywords", "regex", "max length", "reference")
ALL_CHECKS = "all checks"


#: The most a check's regex may be: longer patterns are refused before they are compiled.
MAX_REGEX_CHARS = 2_000


@functools.lru_cache(maxsize=256)
def compiled_regex(pattern: str):
    """`pattern` compiled by RE2 (google-re2), case-insensitive and multi-line. RE2 matches in time
    linear in the answer's length, so no pattern (`((.+)+)+Q` takes Python's `re` minutes on a long
    answer, holding the GIL) can stall the server for other visitors; the price is that RE2 has no
    backreferences and no look-around. Raises SpecError with the reason for a pattern it refuses."""
    import re2

    if len(pattern) > MAX_REGEX_CHARS:
        raise SpecError(f"The regex {pattern[:80]!r}… has {len(pattern):,} characters; a check's regex may have "
                        f"{MAX_REGEX_CHARS:,}.")
    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(f"(?im){pattern}", options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise SpecError(f"The regex {pattern[:200]!r} is not valid: {reason}. Checks run regexes with RE2, which "
                        "has no backreferences or look-around, so that no pattern can stall the server.") from None
    except (RecursionError, OverflowError, MemoryError, ValueError):
        raise SpecError(f"The regex {pattern[:200]!r} is too deeply nested or too large.") from None


@dataclass(frozen=True)
class Check:
    """What one prompt's answer should satisfy; empty fields are not checked."""

    keywords: tuple[str, ...] = ()
    regex: str = ""
    max_chars: int | None = None
    reference: str = ""
    min_similarity: float = REFERENCE_THRESHOLD

    def __post_init__(self) -> None:
        if self.regex:
            compiled_regex(self.regex)
        if self.max_chars is not None and self.max_chars < 1:
            raise SpecError("A maximum length must be at least 1 character.")
        if not -1 <= self.min_similarity <= 1:
            raise SpecError("A minimum similarity must lie between -1 and 1.")

    @property
    def empty(self) -> bool:
        return not (self.keywords or self.regex or self.max_chars or self.reference)


@dataclass(frozen=True)
class Outcome:
    """One check on one answer."""

    name: str
    passed: bool
    detail: str


@dataclass
class Verdict:
    """All checks on one answer."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def passed(self) -> bool | None:
        """True when every check passed, None when nothing was checked."""
        return all(o.passed for o in self.outcomes) if self.outcomes else None


def parse_keywords(raw: str) -> tuple[str, ...]:
    """Comma-separated keywords, blanks dropped."""
    return tuple(word.strip() for word in (raw or "").split(",") if word.strip())


#: A word, or a number with its inner separators ("14/30/2023", "3.14", "1,000", "10:30") as one token.
_TOKEN = re.compile(r"\d+(?:[.,/:\-]\d+)*|[^\W\d_]+|\d+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """`text` as lower-case words and whole numbers: "14/30/2023 days" is ["14/30/2023", "days"]."""
    return _TOKEN.findall(text.lower())


def contains_phrase(words: list[str], phrase: list[str]) -> bool:
    """Whether `phrase` (tokens) appears in `words` as whole consecutive tokens: the keyword "30" is in
    "30 days" and "$30", not in "14/30/2023" or "300"; "invoice" is not in "invoices"."""
    if not phrase:
        return True
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def run_checks(answer: str, check: Check, similarity: Similarity | None = None) -> Verdict:
    """Every check that `check` asks for, on `answer`."""
    verdict = Verdict()
    if check.keywords:
        words = tokens(answer)
        missing = [k for k in check.keywords if not contains_phrase(words, tokens(k))]
        verdict.outcomes.append(Outcome("keywords", not missing, f"missing: {', '.join(missing)}" if missing else "all found"))
    if check.regex:
        found = compiled_regex(check.regex).search(answer) is not None
        verdict.outcomes.append(Outcome("regex", found, "matches" if found else f"no match for {check.regex}"))
    if check.max_chars:
        within = len(answer) <= check.max_chars
        verdict.outcomes.append(Outcome("max length", within, f"{len(answer)} of {check.max_chars} characters"))
    if check.reference:
        if similarity is None:
            verdict.outcomes.append(Outcome("reference", False, "no embedding model chosen to compare with"))
        else:
            score = float(similarity(answer, check.reference))
            verdict.outcomes.append(Outcome("reference", score >= check.min_similarity,
                                            f"similarity {score:.2f} (needs {check.min_similarity:.2f})"))
    return verdict


def wilson_interval(passed: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """The Wilson score interval of a pass rate (it contains its estimate and stays within 0-1,
    also at 0 or n passes); None when nothing was checked."""
    if n <= 0:
        return None
    from scipy.stats import binomtest

    interval = binomtest(passed, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)


@dataclass(frozen=True)
class CheckRate:
    """How many answers passed one check (or all of them), with its 95% Wilson interval."""

    name: str
    passed: int
    checked: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.checked if self.checked else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.passed, self.checked)

    @property
    def too_few(self) -> bool:
        """True when the rate rests on fewer than MIN_RELIABLE_PROMPTS answers (one per prompt)."""
        return 0 < self.checked < MIN_RELIABLE_PROMPTS


def check_rates(verdicts: list[Verdict]) -> list[CheckRate]:
    """The pass rate of all checks together, then of each check that was run, over `verdicts`."""
    checked = [v for v in verdicts if v.passed is not None]
    rates = [CheckRate(ALL_CHECKS, sum(bool(v.passed) for v in checked), len(checked))]
    outcomes = [o for v in checked for o in v.outcomes]
    for name in [*CHECK_NAMES, *sorted({o.name for o in outcomes} - set(CHECK_NAMES))]:
        runs = [o.passed for o in outcomes if o.name == name]
        if runs:
            rates.append(CheckRate(name, sum(runs), len(runs)))
    return rates


MAX_PROMPTS = 50
MAX_PROMPT_CHARS = 8_000


def _value(row: dict, name: str):
    value = row.get(name)
    return None if is_blank(value) else value


def prompts_and_checks(rows: list[dict], min_similarity: float = REFERENCE_THRESHOLD) -> tuple[list[str], list[Check]]:
    """Prompts and their checks from table rows (prompt, keywords, regex, max chars, reference);
    reference checks need `min_similarity`.

    Rows without a prompt are skipped; a bad row raises SpecError naming its number.
    """
    if not -1 <= float(min_similarity) <= 1:
        raise SpecError(f"The reference threshold must lie between -1 and 1, not {min_similarity}.")
    prompts, checks = [], []
    for number, row in enumerate(rows, start=1):
        prompt = str(_value(row, "prompt") or "").strip()
        if not prompt:
            continue
        if len(prompt) > MAX_PROMPT_CHARS:
            raise SpecError(f"Prompt {number} is longer than {MAX_PROMPT_CHARS:,} characters.")
        max_chars = _value(row, "max chars")
        try:
            checks.append(Check(keywords=parse_keywords(str(_value(row, "keywords") or "")),
                                regex=str(_value(row, "regex") or ""),
                                max_chars=None if max_chars is None else int(max_chars),
                                reference=str(_value(row, "reference") or "").strip(),
                                min_similarity=float(min_similarity)))
        except (SpecError, ValueError, TypeError, OverflowError) as exc:
            raise SpecError(f"Prompt {number}: {exc}") from exc
        prompts.append(prompt)
    if not prompts:
        raise SpecError("Enter at least one prompt, or load the sample.")
    if len(prompts) > MAX_PROMPTS:
        raise SpecError(f"{len(prompts)} prompts is more than the {MAX_PROMPTS} one run takes; split them.")
    return prompts, checks
