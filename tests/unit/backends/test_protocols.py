"""The backend seam is typed: every registered backend is an Embedder, a Generator or both, as its
declared capabilities say, and the `local` backend keeps one name for its two halves."""

from __future__ import annotations

import typing

import pytest

from hfcompare.backends import Backend, Capability, Embedder, Generator, backend_names, can, get_backend
from hfcompare.backends.base import get_backend as registry_get_backend


@pytest.mark.parametrize("name", backend_names())
def test_a_registered_backend_implements_the_protocol_of_each_task_it_declares(name):
    backend = get_backend(name)
    assert can(backend, Capability.EMBED) == isinstance(backend, Embedder)
    if can(backend, Capability.GENERATE):
        assert isinstance(backend, Generator)
    assert isinstance(backend, (Embedder, Generator))


def test_the_registry_is_typed_with_the_protocols_not_any():
    assert set(typing.get_args(Backend)) == {Embedder, Generator}
    from hfcompare.backends.remote.common import RemoteSettings

    hints = typing.get_type_hints(registry_get_backend, localns={"RemoteSettings": RemoteSettings})
    assert hints["return"] == Backend


def test_local_generation_is_its_own_class_joined_under_the_local_name():
    from hfcompare.backends.local.backend import LocalBackend
    from hfcompare.backends.local.generation import LocalGenerationBackend
    from hfcompare.backends.local.sentence_transformer import SentenceTransformersBackend

    assert not can(SentenceTransformersBackend(), Capability.GENERATE)
    assert not can(LocalGenerationBackend(), Capability.EMBED)
    local = get_backend("local")
    assert type(local) is LocalBackend and local.name == "local"
    assert LocalBackend.capabilities == SentenceTransformersBackend.capabilities | LocalGenerationBackend.capabilities
    tasks = {m.task for m in local.available_models()}
    assert "generation" in tasks
