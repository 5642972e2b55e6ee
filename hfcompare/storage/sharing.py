"""Share links: a page's state as URL query parameters, or, when too long for a URL, as a short
content-addressed id (`?c=<id>`) of a state kept in the store.

Each page declares its own link fields (`LINK_FIELDS`, a dict of `Field`s next to its
`apply_link`) and passes them to `link_for` and `from_query`; this module holds the field kinds,
their encoding and checks, and helpers for fields many pages share.

Decoding never raises on a hostile or broken link: every field is checked against its spec, and
what does not fit is dropped with a warning (the page then uses its default). Writing a key the
page did not declare raises: that is the page's bug, not the link's.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

#: Longest query string a link may carry before its state goes to the store (browsers and
#: servers handle about 2,000 characters everywhere).
MAX_QUERY_CHARS = 1_800
#: A state longer than this (as a query string) is shared as a stored id (`?c=...`) when a store is at hand.
SHORT_LINK_CHARS = 200
MAX_TEXT_CHARS = 2_000_000
ID_PATTERN = re.compile(r"^[a-z2-7]{16}$")
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Field:
    """What one URL parameter may hold."""

    kind: str                      # "str", "int", "float", "bool", "list", "choice", "weights", "json", "prompts"
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    max_items: int = 50
    max_chars: int = 200


def models_field(max_items: int = 6) -> Field:
    """A list of model references (a page's models or candidates)."""
    return Field("list", max_items=max_items, max_chars=300)


def text_field(max_chars: int = MAX_TEXT_CHARS) -> Field:
    """Free text a person typed (texts, a test suite, a system prompt)."""
    return Field("str", max_chars=max_chars)


def run_field() -> Field:
    """`run=1`: the link shows results, so opening it reruns the comparison (from the cache)."""
    return Field("bool")


#: A page's link fields: URL parameter name -> what it may hold. Each page declares its own
#: (`LINK_FIELDS`, next to its `apply_link`) and passes them to `link_for` and `from_query`.
LinkFields = dict[str, Field]


class UndeclaredLinkField(KeyError):
    """A page put a key in its link state that its link fields do not declare: a programming error
    (the key would be dropped from every link without a word)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def state_id(page: str, state: dict[str, Any]) -> str:
    """A short id that names exactly this content (16 base32 characters of a SHA-256)."""
    blob = json.dumps([page, state], separators=(",", ":")).encode("utf-8")  # order counts: criteria, models
    return base64.b32encode(hashlib.sha256(blob).digest()[:10]).decode("ascii").lower()


def _encode_value(field: Field, value: Any) -> str:
    if field.kind == "bool":
        return "1" if value else "0"
    if field.kind == "list":
        return ",".join(value)
    if field.kind in ("weights", "json", "prompts"):
        return json.dumps(value, separators=(",", ":"))  # in the user's order (criteria, prompts)
    return str(value)


def _checked_fields(page: str, fields: LinkFields) -> LinkFields:
    if "c" in fields:
        raise ValueError(f"The {page} page declares a link field 'c': that name is the stored link's id.")
    return fields


def link_for(page: str, state: dict[str, Any], fields: LinkFields, store=None,
             short_above: int = MAX_QUERY_CHARS) -> tuple[dict[str, str], list[str]]:
    """Query parameters for `state`, and a message for every part left out. Each value is checked
    against the same `fields` (the page's declared link fields) `from_query` applies, so a link
    never carries what its reader would refuse. A key of `state` the page did not declare raises
    UndeclaredLinkField: a link must never drop a setting without a word. A state longer than
    `short_above` characters is saved in `store` and becomes {"c": id} (without a store it stays in
    full, up to MAX_QUERY_CHARS); a state too large for the store gives no link at all ({}), with a
    message saying why."""
    spec = _checked_fields(page, fields)
    undeclared = [key for key in state if key not in spec]
    if undeclared:
        raise UndeclaredLinkField(f"The {page} page's link state has keys its link fields do not declare: "
                                  f"{', '.join(map(repr, undeclared))} (declared: {', '.join(spec)}).")
    clean: dict[str, Any] = {}
    params: dict[str, str] = {}
    problems: list[str] = []
    for key, value in state.items():
        if value in (None, "", [], {}):
            continue
        try:
            encoded = _encode_value(spec[key], value)
            _decode_value(key, spec[key], encoded)
        except (ValueError, TypeError, RecursionError) as exc:
            reason = "nests too deeply" if isinstance(exc, RecursionError) else str(exc)
            problems.append(f"The link leaves out '{key}': it {reason}.")
            continue
        clean[key], params[key] = value, encoded
    if len(urlencode(params)) <= short_above or store is None:
        return params, problems
    from hfcompare.storage.store import StateTooLarge

    try:
        return {"c": store.save_state(state_id(page, clean), page, clean)}, problems
    except StateTooLarge as exc:
        return {}, [*problems, str(exc)]


def _decode_value(key: str, field: Field, raw: Any) -> Any:
    """The value of one parameter, or raise ValueError saying why it is refused."""
    if field.kind in ("list",) and isinstance(raw, list):
        items = raw
    elif isinstance(raw, str):
        items = None
    elif field.kind in ("weights", "json", "prompts") and isinstance(raw, (dict, list)):
        raw = json.dumps(raw)
        items = None
    elif isinstance(raw, (int, float, bool)) and field.kind in ("int", "float", "bool"):
        raw = str(int(raw) if isinstance(raw, bool) else raw)
        items = None
    else:
        raise ValueError("has the wrong type")
    limit = field.max_items * (field.max_chars + 1) if field.kind == "list" else field.max_chars
    if items is None and len(raw) > limit:
        raise ValueError(f"is too long ({len(raw):,} characters)")
    if field.kind == "str":
        return raw
    if field.kind == "choice":
        if raw not in field.choices:
            raise ValueError(f"must be one of {', '.join(field.choices)}")
        return raw
    if field.kind == "bool":
        lowered = raw.strip().lower()
        if lowered not in TRUE | FALSE:
            raise ValueError("must be 1 or 0")
        return lowered in TRUE
    if field.kind in ("int", "float"):
        number = float(raw)  # ValueError for text
        if not math.isfinite(number):
            raise ValueError("must be a finite number")
        if field.kind == "int":
            if number != int(number):
                raise ValueError("must be a whole number")
            number = int(number)
        if (field.low is not None and number < field.low) or (field.high is not None and number > field.high):
            raise ValueError(f"must lie between {field.low:g} and {field.high:g}")
        return number
    if field.kind == "list":
        values = items if items is not None else [v for v in raw.split(",") if v.strip()]
        if len(values) > field.max_items:
            raise ValueError(f"lists {len(values):,} items; at most {field.max_items} are allowed")
        if not all(isinstance(v, str) and 0 < len(v.strip()) <= field.max_chars for v in values):
            raise ValueError("holds an item that is empty or too long")
        return [v.strip() for v in values]
    value = json.loads(raw)  # json.JSONDecodeError is a ValueError
    if field.kind == "weights":
        if not isinstance(value, dict) or len(value) > field.max_items:
            raise ValueError("must map criteria to weights")
        for name, weight in value.items():
            if not isinstance(name, str) or isinstance(weight, bool) or not isinstance(weight, (int, float)) \
                    or not math.isfinite(weight) or weight < 0 or weight > 100:
                raise ValueError("must hold weights between 0 and 100")
        return {name: float(weight) for name, weight in value.items()}
    if field.kind == "prompts":
        from hfcompare.backends.prompts import overrides_from_json

        if isinstance(value, dict) and len(value) > field.max_items:
            raise ValueError(f"sets prompts for {len(value):,} models; at most {field.max_items} are allowed")
        try:
            overrides = overrides_from_json(value)
        except ValueError as exc:  # a PromptError says which model and what is wrong
            raise ValueError(f"cannot be used ({str(exc).rstrip('.')})") from exc
        return {ref: override.as_dict() for ref, override in overrides.items()}
    return value


def from_query(page: str, params: dict[str, Any], fields: LinkFields,
               store=None) -> tuple[dict[str, Any], list[str]]:
    """The state a link describes, decoded against the page's declared link `fields` (a stored
    link's payload too), and a warning for every part of it that was refused or not declared."""
    warnings: list[str] = []
    spec = _checked_fields(page, fields)
    params = dict(params)
    if "c" in params:
        raw_id = params.pop("c")
        if not isinstance(raw_id, str) or not ID_PATTERN.match(raw_id):
            warnings.append("The link's comparison id is malformed; showing the defaults.")
            return {}, warnings
        found = store.load_state(raw_id) if store is not None else None
        if found is None:
            warnings.append(f"No saved comparison has the id {raw_id}; showing the defaults.")
            return {}, warnings
        saved_page, payload = found
        if saved_page != page:
            warnings.append(f"The saved comparison {raw_id} belongs to the {saved_page} page; showing the defaults.")
            return {}, warnings
        params = {**payload, **params}
    state: dict[str, Any] = {}
    unknown = sorted(k for k in params if k not in spec)
    if unknown:
        shown = ", ".join(_safe(k) for k in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        warnings.append(f"The link has parameters this page does not know ({shown}); they were ignored.")
    for key, field in spec.items():
        if key not in params:
            continue
        try:
            state[key] = _decode_value(key, field, params[key])
        except RecursionError:  # e.g. 3,000 '[': json gives up, the rest of the link still counts
            warnings.append(f"The link's '{key}' nests too deeply; the default is used instead.")
        except (ValueError, TypeError) as exc:
            warnings.append(f"The link's '{key}' {exc}; the default is used instead.")
    return state, warnings


def _safe(text: str) -> str:
    """A short, printable rendering of untrusted text for a warning."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in str(text))[:40]
    return repr(cleaned)
