"""Generation tables: load time in its own column, and the sentence that says how speeds were measured."""

from __future__ import annotations


def _answer(model: str, threads: int | None, where: str, cached: bool = False, load_s: float | None = 0.0):
    from hfcompare.generation.runs import GenerationResult
    from hfcompare.generation.timing import Timings
    from hfcompare.refs import ModelRef

    timings = Timings(latency_s=1.0, ttft_s=0.1, output_tokens=10, prompt_tokens=None, tokens_per_s=10.0,
                      tokens_counted="tokenizer", threads=threads)
    return GenerationResult(ModelRef.parse(model), 0, "p", "answer", timings, cached=cached, where=where,
                            load_s=load_s)


def test_the_summary_says_how_speeds_were_measured():
    from hfcompare.generation.tables import how_timed

    local = [_answer("local:a", 1, "local on CPU, 2 cores"), _answer("local:b", 2, "local on CPU, 2 cores")]
    said = how_timed(local)
    assert "one at a time on CPU, 2 cores with 1 to 2 threads" in said and "timed while another ran" in said
    assert "Loading a model is timed apart" in said
    server = [_answer("openai:x", None, "openai server (its hardware)"), _answer("openai:y", None, "openai server (its hardware)")]
    assert "Models on servers answered concurrently" in how_timed(server)
    assert "The local model answered on CPU, 2 cores with 1 thread," in how_timed(local[:1])
    assert "Cached answers show the timings of the run that made them" in how_timed([_answer("local:a", 1, "x", cached=True)])


def test_load_time_has_its_own_column_and_adds_up_per_model():
    from hfcompare.generation.tables import LOAD_S, generation_summary, generation_table

    results = [_answer("local:a", 1, "local on CPU", load_s=2.5), _answer("local:a", 1, "local on CPU", load_s=0.0)]
    results[1].prompt_index = 1
    table = generation_table(results, {})
    assert table[LOAD_S].tolist() == [2.5, 0.0]
    assert generation_summary(table)[LOAD_S].tolist() == [2.5]
