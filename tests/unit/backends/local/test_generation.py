"""Local generation engines: llama.cpp on the bundled GGUF, and transformers on a checkpoint folder."""

from __future__ import annotations

import pytest

from hfcompare.backends import GenerationParams
from hfcompare.backends.local.llamacpp import has_chat_template, plain_prompt
from hfcompare.generation.runs import generate_one
from hfcompare.refs import ModelRef

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    """A tiny random GPT-2 with a word-level tokenizer and a chat template, saved like a Hub checkpoint."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    words = ["[UNK]", "<pad>", "hello", "world", "invoice", "create", "how", "do", "i", "an", "?"]
    tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="<pad>")
    fast.chat_template = "{% for m in messages %}{{ m['content'] }} {% endfor %}"
    folder = tmp_path_factory.mktemp("tiny-gpt2")
    import torch

    torch.manual_seed(0)  # random weights, but the same ones every run: unseeded, some drew only <pad>
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(words), n_positions=64, n_embd=16, n_layer=1, n_head=2,
                                       eos_token_id=None, bos_token_id=None, pad_token_id=1))
    model.save_pretrained(folder)
    fast.save_pretrained(folder)
    return folder


def test_transformers_checkpoint_streams_with_its_chat_template(tiny_checkpoint, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = generate_one(ModelRef("local", str(tiny_checkpoint)), "how do i create an invoice ?",
                          GenerationParams(max_tokens=6, temperature=0.0))
    assert result.ok, result.error
    assert result.timings.output_tokens > 0 and result.timings.prompt_tokens == 7  # seven words through the chat template
    assert result.timings.ttft_s is not None


def test_unknown_hub_model_fails_fast_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    result = generate_one(ModelRef("local", "example-org/not-a-model"), "hi", GenerationParams(max_tokens=4))
    assert not result.ok and result.error_kind == "unavailable"
    assert "example-org/not-a-model" in result.error and "cannot be reached" in result.error


def test_bundled_smollm2_uses_its_chat_template_and_counts_tokens():
    result = generate_one(ModelRef("local", "HuggingFaceTB/SmolLM2-135M-Instruct"), "Name one colour.",
                          GenerationParams(max_tokens=8, temperature=0.0))
    assert result.ok and result.text.strip()
    assert 0 < result.timings.output_tokens <= 8 and result.timings.tokens_per_s is not None


def test_base_model_without_template_is_prompted_as_question_and_answer():
    assert plain_prompt([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi?"}]) == (
        "Be brief.\n\nQuestion: Hi?\nAnswer:"
    )

    class Bare:
        metadata = {"general.name": "x"}

    assert not has_chat_template(Bare())
