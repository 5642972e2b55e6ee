"""Texts that several pages (or the tests) share. A page's own texts live beside it; numbers in a
text are formatted from the constants they describe."""

from hfcompare.backends.local.memory import GENERATE_SAMPLE
from hfcompare.config import SPEED_PASSES, SPEED_SAMPLE
from hfcompare.cost import PER_REQUESTS, STALE_AFTER_DAYS
from hfcompare.retrieval.significance import ALPHA

CHART_FAILED = "This chart could not be drawn; the numbers are in the table beside it."
EMBEDDINGS_TITLE = "Compare embedding models"
MODELS_HELP = (
    "Bundled models run offline. `local` runs sentence-transformers, `onnx` the int8 ONNX export on "
    "onnxruntime, and `lexical` is a TF-IDF word-overlap baseline to show what a model adds beyond shared words."
)
EXTRA_MODEL_HELP = (
    "Any sentence-transformers model id from the Hugging Face Hub, such as BAAI/bge-small-en-v1.5. "
    "It needs the Hub to be reachable (or the model in the local Hugging Face cache)."
)
SPEED_CAPTION = (
    "Local models were measured on {where}, through hfcompare's backends; models on servers (`openai:`, `hf:`) "
    "ran on the server's hardware and include the network. Speeds from other machines are not comparable. "
    f"Whenever a model computes texts, it then embeds a fixed sample of them (up to {SPEED_SAMPLE}, never from the "
    f"cache) once to warm up and then {SPEED_PASSES} more times, timed: *cold ms/text* is the median of those "
    "passes and *ms/text range* runs from the fastest to the slowest pass. Where two models' ranges overlap, "
    "these passes do not show which one is faster. "
    "A fully cached run shows the speed remembered from the last run that computed."
)
TIMING_COLUMN_HELP = {
    "dimensions": "Length of each embedding vector. Larger vectors cost more memory and storage per text.",
    "cache hits": "Texts whose vectors came from the disk cache instead of the model.",
    "computed": "Texts the model embedded in this run.",
    "cold ms/text": "Median milliseconds per text over the timed passes (after one untimed warm-up pass, model "
                    "already loaded, cache bypassed). Lower is faster.",
    "ms/text range": "Fastest to slowest timed pass, in milliseconds per text. When two models' ranges overlap, "
                     "these passes do not show which one is faster.",
    "passes": "Timed passes × texts per pass: the sample every pass embeds, drawn from your texts.",
    "speed from": "Whether the speed was measured in this run or remembered from an earlier run that computed "
                  "(with its date, in UTC).",
    "load s": "Seconds to load the model into memory in this run (0 once it is loaded).",
    "compute s": "Seconds spent embedding the texts that were not cached (one pass, not the timed ones).",
}
#: Help of the memory columns beside speed (Embeddings and Generation tables).
MEMORY_COLUMN_HELP = {
    "memory MB": "Resident memory (RSS, MiB) a fresh Python process gained by loading the model, measured once "
                 "per model version on this machine and remembered. Libraries are imported before the first "
                 "reading, so they are not counted. Empty: not measured (a server's model: not measured here).",
    "peak MB": "The highest resident memory above the memory before loading while the model ran a fixed sample "
               f"(the bundled sample texts, or {GENERATE_SAMPLE.removeprefix('generating ')}), in the same fresh "
               "process.",
    "KV cache MB": "llama.cpp models: the KV cache at the context size used, n_ctx × layers × (K + V width) × "
                   "bytes per element, from the model's metadata (part of memory MB).",
    "memory from": "Measured here (with the CPU and date), not measured, or not measured here (a server).",
}


GENERATION_TITLE = "Compare generation models"


COST_HELP = (f"Cost of {PER_REQUESTS:,} requests like these prompts. Models on Inference Providers: measured prompt and output "
             "tokens × the price per 1M read live from the Hub (else the bundled price table). Local models and your "
             "own servers: measured seconds × the hourly rate. The 'cost arithmetic' column shows the sum and the "
             f"price's source; a price checked over {STALE_AFTER_DAYS} days ago is marked stale; no price means unknown, "
             "never 0.")


GEN_COLUMN_HELP = {
    "$ per 1,000 requests": COST_HELP,
    "cost arithmetic": COST_HELP,
    "median latency s": "Seconds from sending the prompt to the last token (median over prompts), timed from the "
                        "attempt that succeeded: retry waits are in 'retry waits s'.",
    "median ttft s": "Time to first token: how long a user waits before text starts to appear (from the attempt "
                     "that succeeded, after the model was loaded; median over prompts).",
    "median tokens/s": "Tokens after the first ÷ seconds after the first token, to the end of the answer: "
                       "(output tokens − 1) ÷ (latency − ttft) when each streamed piece is one token. Median over "
                       "answers. Unknown for an answer with fewer than 2 tokens after the first, or whose stream came "
                       "in bursts (buffered by a server or a proxy: no decode window to time).",
    "load s": "Seconds this run spent loading the model before its answers (0 when it was already loaded). Never "
              "counted in latency or time to first token.",
    "tokens/s note": "For how many answers the decoding speed is unknown, and why.",
    "pass rate": "Share of answers that passed every check of their prompt (answers without checks excluded). "
                 "Per-check rates and their 95% intervals are under Checks.",
    "retry waits s": "Seconds spent before the attempts that succeeded (rate limits, a loading model, timeouts): "
                     "waits the server imposed, not counted in latency or time to first token.",
    "errors": "Answers that failed; see the answer cells for the cause.",
    "where": "Where the speed was measured.",
}

DISCOVER_TITLE = "Discover models"

EVAL_HOLM_HELP = (
    "The p-value after Holm's correction for the number of pairs tested: with several pairs, some would fall below "
    f"{ALPHA:.2g} by chance alone. A pair is called different only when this is below {ALPHA:.2g}."
)

SC_TITLE = "Scorecard"


MONITOR_TITLE = "Monitor"
MONITOR_EMPTY = "No model has been called yet. Run a comparison, an evaluation or an arena battle, then come back."
MONITOR_OVER_TIME_CAPTION = (
    "Per time bucket: p50 and p95 latency per call and median tokens/s per call count the bucket's successful "
    "calls; throughput is pooled (items of its successful calls ÷ their seconds); the error rate is failed ÷ all "
    "calls."
)
MONITOR_PRODUCTION_OVER_TIME_CAPTION = (
    "Per time bucket: p50 and p95 latency per call count the bucket's successful calls; satisfaction is the mean "
    "of the calls that reported one; the error rate is failed ÷ all calls."
)

ARENA_TITLE = "Arena"


