"""Local text generation: GGUF files on llama.cpp, Hub checkpoints on transformers."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from hfcompare.backends.base import GenerationParams, ModelLoadError, ModelUnavailableError, Usage
from hfcompare.backends.gguf import BUNDLED_GGUF, bundled_gguf
from hfcompare.backends.hub import hub_reachable, unavailable_message

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def gguf_for(model: str) -> Path | None:
    """The GGUF file behind a model id: a bundled model's Hub id, or a path to a .gguf file."""
    for package, (_, hub_id) in BUNDLED_GGUF.items():
        if model == hub_id:
            return bundled_gguf(package)
    path = Path(model).expanduser()
    return path if path.suffix == ".gguf" and path.exists() else None


def bundled_generation_models() -> list[tuple[str, str]]:
    """(Hub id, label) of each bundled GGUF model installed here."""
    return [
        (hub_id, f"{hub_id.rsplit('/', 1)[-1]} · llama.cpp (GGUF {file.split('.')[-2]})")
        for package, (file, hub_id) in BUNDLED_GGUF.items()
        if bundled_gguf(package) is not None
    ]


def _lock(model: str) -> threading.Lock:
    """One generation at a time per model: a llama.cpp context is not thread-safe."""
    with _locks_guard:
        return _locks.setdefault(model, threading.Lock())


@lru_cache(maxsize=4)
def _llama(path: str):
    from llama_cpp import Llama

    return Llama(model_path=path, n_ctx=4096, n_threads=os.cpu_count() or 1, verbose=False)


@lru_cache(maxsize=2)
def _transformers(model: str):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    local_only = not hub_reachable()
    try:
        tokenizer = AutoTokenizer.from_pretrained(model, local_files_only=local_only)
        network = AutoModelForCausalLM.from_pretrained(model, local_files_only=local_only)
    except OSError as exc:
        if local_only:
            raise ModelUnavailableError(unavailable_message(model)) from exc
        raise
    return tokenizer, network


def load_generator(model: str):
    """The loaded engine for `model` (once per process)."""
    path = gguf_for(model)
    try:
        return ("gguf", _llama(str(path))) if path else ("transformers", _transformers(model))
    except ModelUnavailableError:
        raise
    except Exception as exc:  # noqa: BLE001 - report any loader failure for this model only
        raise ModelLoadError(f"{model} could not be loaded for generation: {type(exc).__name__}: {exc}") from exc


def stream_local(model: str, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str | Usage]:
    """Stream a chat answer from a local model, with the chat template the model ships."""
    kind, engine = load_generator(model)
    with _lock(model):
        if kind == "gguf":
            yield from _stream_llama(engine, messages, params)
        else:
            yield from _stream_transformers(engine, messages, params)


def _stream_llama(llm, messages, params: GenerationParams) -> Iterator[str | Usage]:
    pieces = []
    for chunk in llm.create_chat_completion(
        messages=messages,
        max_tokens=params.max_tokens,
        temperature=params.temperature,
        top_p=params.top_p,
        seed=params.seed,
        stream=True,
    ):
        piece = chunk["choices"][0]["delta"].get("content") if chunk.get("choices") else None
        if piece:
            pieces.append(piece)
            yield piece
    # llama.cpp streams no usage; count the answer's tokens with the model's own tokenizer
    text = "".join(pieces)
    yield Usage(None, len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)) if text else 0)


def _stream_transformers(engine, messages, params: GenerationParams) -> Iterator[str | Usage]:
    import torch
    from transformers import TextIteratorStreamer

    tokenizer, network = engine
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                           return_dict=True)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    if params.seed is not None:
        torch.manual_seed(params.seed)
    sampling = {"do_sample": True, "temperature": params.temperature, "top_p": params.top_p} \
        if params.temperature > 0 else {"do_sample": False}
    thread = threading.Thread(
        target=network.generate,
        kwargs={**inputs, "max_new_tokens": params.max_tokens, "streamer": streamer, **sampling},
        daemon=True,
    )
    thread.start()
    pieces = []
    for piece in streamer:
        if piece:
            pieces.append(piece)
            yield piece
    thread.join()
    text = "".join(pieces)
    yield Usage(int(inputs["input_ids"].shape[-1]), len(tokenizer(text, add_special_tokens=False)["input_ids"]))
