"""Model references and input validation."""

from __future__ import annotations

import pytest

from hfcompare.config import MAX_CHARS_PER_TEXT, MAX_MODELS, MAX_TEXTS
from hfcompare.refs import ModelRef, SpecError, display_names, parse_texts, validate_models, validate_texts


def test_model_ref_parses_backend_prefix_and_bare_ids():
    assert ModelRef.parse("onnx:sentence-transformers/all-MiniLM-L6-v2") == ModelRef(
        "onnx", "sentence-transformers/all-MiniLM-L6-v2"
    )
    assert ModelRef.parse(" BAAI/bge-small-en-v1.5 ") == ModelRef("local", "BAAI/bge-small-en-v1.5")
    assert str(ModelRef("lexical", "tfidf")) == "lexical:tfidf"


@pytest.mark.parametrize("bad", ["", "   ", "local:", ":model", "two words", "x" * 300])
def test_model_ref_rejects_bad_input_with_a_message(bad):
    with pytest.raises(SpecError, match="model"):
        ModelRef.parse(bad)


def test_parse_texts_drops_blank_lines_and_spaces():
    assert parse_texts("  a \n\n b\r\n\t\n") == ["a", "b"]
    assert parse_texts(None) == []


def test_validate_texts_messages():
    with pytest.raises(SpecError, match="at least two"):
        validate_texts([])
    with pytest.raises(SpecError, match="at least two"):
        validate_texts(["only one"])
    with pytest.raises(SpecError, match=f"{MAX_TEXTS:,}"):
        validate_texts(["t"] * (MAX_TEXTS + 1))
    with pytest.raises(SpecError, match="Line 2 is longer"):
        validate_texts(["ok", "x" * (MAX_CHARS_PER_TEXT + 1)])
    assert validate_texts(["a", "b"]) == ["a", "b"]


def test_validate_models_dedupes_and_bounds():
    ref = ModelRef("local", "m")
    assert validate_models([ref, ref]) == [ref]
    with pytest.raises(SpecError, match="at least one"):
        validate_models([])
    with pytest.raises(SpecError, match=f"at most {MAX_MODELS}"):
        validate_models([ModelRef("local", f"m{i}") for i in range(MAX_MODELS + 1)])


def test_display_names_are_short_unless_they_clash():
    refs = [ModelRef("local", "org/m"), ModelRef("onnx", "org/m"), ModelRef("local", "a/x"), ModelRef("local", "b/x")]
    names = display_names(refs)
    assert names[refs[0]] == "m · local" and names[refs[1]] == "m · onnx"
    assert names[refs[2]] == "local:a/x" and names[refs[3]] == "local:b/x"
