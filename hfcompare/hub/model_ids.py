"""Model ids checked as they are typed, before they become a choice: the syntax (`org/name`, or
`backend:model`), a close match among the models known here ("did you mean ...?", by edit
distance), and the Hub when it can be reached. The pages' pickers and the CLI's --models run the
same checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from hfcompare.backends import Capability, UnknownBackendError, backend_names, can, get_backend
from hfcompare.refs import DEFAULT_BACKEND, ModelRef, SpecError

#: A Hugging Face Hub repository id: an optional owner, then a name; letters, digits, "-", "_", ".";
#: at most 96 characters each (huggingface_hub's own rule).
HUB_ID = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,95}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


@dataclass(frozen=True)
class IdCheck:
    """What a typed model id turned out to be. `refused` says why it cannot be used ("" when it
    can); `suggestion` is a close known reference, written the way the user wrote theirs."""

    text: str
    ref: ModelRef | None = None
    refused: str = ""
    suggestion: str | None = None
    #: False when the refusal is a guess (offline, close to a known id): the user may keep it anyway
    certain: bool = True

    @property
    def ok(self) -> bool:
        return not self.refused

    @property
    def message(self) -> str:
        """The refusal with its "did you mean" ("" when the id can be used)."""
        if not self.refused:
            return ""
        return self.refused + (f" Did you mean {self.suggestion}?" if self.suggestion else "")


def _hub_backed(backend: str) -> bool:
    return backend in backend_names() and can(get_backend(backend), Capability.HUB_MODELS)


def syntax_problem(text: str) -> tuple[ModelRef | None, str]:
    """The reference `text` names, or why it cannot name one."""
    try:
        ref = ModelRef.parse(text)
    except SpecError as exc:
        return None, str(exc)
    try:
        get_backend(ref.backend)
    except UnknownBackendError as exc:  # its message lists the valid names
        return None, str(exc)
    if _hub_backed(ref.backend) and (not HUB_ID.match(ref.model) or "--" in ref.model or ".." in ref.model):
        return None, (f"{ref.model!r} is not a Hugging Face model id: write `org/name` (letters, digits, '-', '_' "
                      "and '.'), as on the model's Hub page.")
    return ref, ""


def known_refs(task: str, server_models: Iterable[str] = ()) -> list[str]:
    """The references a typed id is compared with: the bundled models, the catalog's (run locally),
    and `server_models` (`backend:model` from the servers set up in Endpoints)."""
    from hfcompare.backends import available_models
    from hfcompare.hub.catalog import load_catalog

    bundled = [m.ref for m in available_models(task)]
    catalog = [f"{DEFAULT_BACKEND}:{entry.id}" for entry in load_catalog().for_task(task)]
    return list(dict.fromkeys([*bundled, *server_models, *catalog]))


def _written_like(known: ModelRef, typed_text: str) -> str:
    """`known` as the user would have written it: bare when they wrote a bare id for the default backend."""
    if ":" not in typed_text and known.backend == DEFAULT_BACKEND:
        return known.model
    return str(known)


def closest(text: str, known: Iterable[str]) -> str | None:
    """The known reference nearest to `text` by edit distance (case-insensitive, on the model id or
    its name without the owner), if it is close enough to be a typo: at most 3 edits, fewer for
    short ids. For text that is not even an id ("bge small en"), a known id that contains it with
    dashes for spaces also counts."""
    from rapidfuzz.distance import Levenshtein

    typed_text = (text or "").strip()
    backend, _, model = typed_text.partition(":") if ":" in typed_text else (DEFAULT_BACKEND, "", typed_text)
    typed = model.strip().lower()
    if not typed:
        return None
    dashed = re.sub(r"\s+", "-", typed)
    limit = max(1, min(3, len(typed) // 6))
    best: tuple[int, bool, int, str] | None = None
    for entry in dict.fromkeys(known):
        try:
            ref = ModelRef.parse(entry)
        except SpecError:
            continue
        if ref.model.lower() == typed:
            return None  # a known model (with whichever backend the user chose)
        full, name = ref.model.lower(), ref.model.lower().rsplit("/", 1)[-1]
        distance = min(Levenshtein.distance(typed, full), Levenshtein.distance(typed, name))
        if distance > limit and dashed != typed and (dashed in full):
            distance = limit  # "bge small en" -> BAAI/bge-small-en-v1.5
        if distance <= limit:
            rank = (distance, ref.backend != backend.strip(), len(ref.model), _written_like(ref, typed_text))
            best = rank if best is None or rank < best else best
    return best[-1] if best else None


def check_model_id(text: str, known: Iterable[str], hub_up: bool | None = None,
                   exists: Callable[[str], bool | None] | None = None) -> IdCheck:
    """Check a typed id against `known` references (bundled, catalog, configured servers).

    Refused: an id that is not one (with a close known id when there is one); a Hub model the Hub
    says does not exist; and, while the Hub cannot be reached, a model that is neither bundled nor
    downloaded but a few edits from a known one (most likely a typo). `exists(model_id)` asks the
    Hub (None: could not tell); `hub_up` says whether to ask (probed when None)."""
    known = list(known)
    ref, problem = syntax_problem(text)
    if ref is None:
        return IdCheck(text, None, problem, closest(text, known))
    if str(ref) in known or not _hub_backed(ref.backend):
        return IdCheck(text, ref)
    from hfcompare.hub.availability import in_hub_cache

    if in_hub_cache(ref.model):
        return IdCheck(text, ref)
    suggestion = closest(text, known)
    if hub_up is None:
        from hfcompare.backends.hub import hub_reachable

        hub_up = hub_reachable()
    if hub_up:
        found = (exists or hub_model_exists)(ref.model)
        if found is False:
            return IdCheck(text, ref, f"{ref.model} is not a model on the Hugging Face Hub.", suggestion)
        return IdCheck(text, ref)
    if suggestion:
        return IdCheck(text, ref, f"{ref.model} is not bundled or downloaded, and the Hub cannot be reached to "
                                  "check it.", suggestion, certain=False)
    return IdCheck(text, ref)


def hub_model_exists(model_id: str) -> bool | None:
    """True or False as the Hub says; None when it could not be asked."""
    from hfcompare.hub.metadata import HubModelMissing, HubUnavailable, model_metadata

    try:
        model_metadata(model_id)
    except HubModelMissing:
        return False
    except HubUnavailable:
        return None
    return True
