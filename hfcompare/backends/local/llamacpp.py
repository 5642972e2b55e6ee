"""Local text generation: GGUF files on llama.cpp, Hub checkpoints on transformers."""

from __future__ import annotations

import atexit
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from hfcompare.backends.base import GenerationParams, ModelLoadError, ModelUnavailableError, Usage
from hfcompare.backends.local import cpu
from hfcompare.backends.local.gguf import BUNDLED, bundled_gguf, installed
from hfcompare.backends.hub import hub_reachable, refuse_in_public_mode, unavailable_message

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def gguf_for(model: str) -> Path | None:
    """The GGUF file behind a model id: a bundled model's Hub id, or a path to a .gguf file."""
    for bundled in BUNDLED:
        if model == bundled.hub_id:
            return bundled_gguf(bundled.package)
    path = Path(model).expanduser()
    return path if path.suffix == ".gguf" and path.exists() else None


def bundled_generation_models() -> list[tuple[str, str, str]]:
    """(Hub id, label, description) of each bundled GGUF model installed here."""
    return [
        (m.hub_id, f"{m.hub_id.rsplit('/', 1)[-1]} · llama.cpp (GGUF {m.quantization})"
         + (f" · {m.terms}" if m.terms else ""), f"Bundled GGUF file, run by llama.cpp on the CPU. {m.note}".strip())
        for m in BUNDLED
        if installed(m)
    ]


def _lock(model: str) -> threading.Lock:
    """One generation at a time per model: a llama.cpp context is not thread-safe."""
    with _locks_guard:
        return _locks.setdefault(model, threading.Lock())


@lru_cache(maxsize=4)
def _llama(path: str):
    """Load once per process, on the CPU thread (every llama.cpp call runs there: see
    `cpu.CPU_THREAD`), warmed up: one token generated, so the weights are read from disk (they are
    mapped lazily) as part of the load, not of the first answer's time to first token."""
    with cpu.turn() as choice:
        return cpu.on_cpu_thread(_load_llama, path, choice.threads)


def _load_llama(path: str, threads: int):
    from llama_cpp import Llama

    llm = Llama(model_path=path, n_ctx=4096, n_threads=threads, n_threads_batch=threads, verbose=False)
    llm._hfcompare_threads = threads
    # Free it before interpreter shutdown: llama-cpp-python's own __del__ then fails noisily
    atexit.register(llm.close)
    llm.create_completion("Hello", max_tokens=1, temperature=0.0)
    return llm


def use_threads(llm, threads: int) -> None:
    """Generate (and read the prompt) with `threads` threads from now on."""
    import llama_cpp

    if getattr(llm, "_hfcompare_threads", None) != threads:
        llama_cpp.llama_set_n_threads(llm.ctx, threads, threads)
        llm._hfcompare_threads = threads


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
    if all(model != bundled.hub_id for bundled in BUNDLED):
        refuse_in_public_mode(model)
    path = gguf_for(model)
    try:
        return ("gguf", _llama(str(path))) if path else ("transformers", _transformers(model))
    except ModelUnavailableError:
        raise
    except Exception as exc:  # noqa: BLE001 - report any loader failure for this model only
        raise ModelLoadError(f"{model} could not be loaded for generation: {type(exc).__name__}: {exc}") from exc


def stream_local(model: str, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str | Usage]:
    """Stream a chat answer from a local model, with the chat template the model ships, in this
    process's CPU turn (`cpu.turn`: no other local model computes meanwhile)."""
    kind, engine = load_generator(model)
    with cpu.turn() as choice, _lock(model):
        if kind == "gguf":
            yield from cpu.stream_on_cpu_thread(_stream_llama, engine, messages, params, choice.threads)
        else:
            cpu.torch_threads(choice.threads)
            yield from _stream_transformers(engine, messages, params)


PLAIN_STOP = ["\nQuestion:", "\nUser:"]


def has_chat_template(llm) -> bool:
    """True when the GGUF carries a chat template (base models such as gemma-3-270m do not)."""
    return bool((getattr(llm, "metadata", None) or {}).get("tokenizer.chat_template"))


def plain_prompt(messages: list[dict[str, str]]) -> str:
    """A question-and-answer prompt for a base model without a chat template."""
    system = "\n".join(m["content"] for m in messages if m["role"] == "system")
    turns = "\n".join(
        f"{'Question' if m['role'] == 'user' else 'Answer'}: {m['content']}" for m in messages if m["role"] != "system"
    )
    return (f"{system}\n\n" if system else "") + f"{turns}\nAnswer:"


def _stream_llama(llm, messages, params: GenerationParams, threads: int) -> Iterator[str | Usage]:
    use_threads(llm, threads)
    sampling = dict(max_tokens=params.max_tokens, temperature=params.temperature, top_p=params.top_p,
                    seed=params.seed, stream=True)
    if has_chat_template(llm):
        chunks = llm.create_chat_completion(messages=messages, **sampling)
        read = lambda chunk: chunk["choices"][0]["delta"].get("content")  # noqa: E731
    else:
        chunks = llm.create_completion(prompt=plain_prompt(messages), stop=PLAIN_STOP, **sampling)
        read = lambda chunk: chunk["choices"][0].get("text")  # noqa: E731
    pieces = []
    for chunk in chunks:
        piece = read(chunk) if chunk.get("choices") else None
        if piece:
            pieces.append(piece)
            yield piece
    # llama.cpp streams no usage; count the answer's tokens with the model's own tokenizer
    text = "".join(pieces)
    yield Usage(None, len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)) if text else 0,
                counted="tokenizer")


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
    yield Usage(int(inputs["input_ids"].shape[-1]), len(tokenizer(text, add_special_tokens=False)["input_ids"]),
                counted="tokenizer")
