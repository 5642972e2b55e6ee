"""Backends declare what they can do on the class; a task a backend lacks names those that can."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfcompare.backends import Capability, UnsupportedTaskError, backends_that_can, can, get_backend

E, G, S, L, R, K, SP, H, C = (Capability.EMBED, Capability.GENERATE, Capability.STREAM, Capability.LIST_MODELS,
                              Capability.REMOTE, Capability.NEEDS_KEY, Capability.SPARSE, Capability.HUB_MODELS,
                              Capability.SHARES_CPU)


@pytest.mark.parametrize(("name", "declared"), [
    ("local", {E, G, S, L, H, C}),
    ("onnx", {E, L, H, C}),
    ("lexical", {E, L, SP, C}),
    ("openai", {E, G, S, L, R}),
    ("hf", {E, G, S, L, R, K}),
])
def test_each_backend_declares_what_it_can_do(name, declared):
    backend = get_backend(name)
    assert type(backend).capabilities == declared
    assert all(can(backend, c) for c in declared) and not any(can(backend, c) for c in set(Capability) - declared)


def test_asking_for_a_task_a_backend_lacks_names_the_backends_that_can():
    assert backends_that_can(Capability.GENERATE) == ["hf", "local", "openai"]
    with pytest.raises(UnsupportedTaskError) as raised:
        get_backend("onnx", task="generation")
    assert str(raised.value) == "The onnx backend cannot generate text. Backends that can: hf, local, openai."
    assert raised.value.kind == "unsupported"
    assert get_backend("onnx", task="embeddings") is get_backend("onnx")


def test_the_library_asks_capabilities_instead_of_probing_attributes():
    library = Path(__file__).resolve().parents[3] / "hfcompare"
    probing = [str(p) for p in library.rglob("*.py") if "hasattr(backend" in p.read_text()]
    assert probing == []


def test_the_docs_example_of_adding_a_backend_runs():
    import re

    from hfcompare.backends import available_models, unregister_backend

    library = (Path(__file__).resolve().parents[3] / "docs" / "library.md").read_text()
    section = library.split("## Adding a backend", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    try:
        exec(code, namespace)  # noqa: S102 - our own docs
        assert "chars:letters" in [m.ref for m in available_models("embeddings")]
        assert namespace["embed"](["an invoice"], "chars:letters").shape == (1, 26)
    finally:
        unregister_backend("chars")
