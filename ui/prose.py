"""Every sentence the pages show, in one place."""

ADD_ANYWAY_HELP = ("Keep the id as you typed it: it may be a model this app cannot check from here (no "
                   "Hub). A model that cannot run fails on its own; the others still run.")
STALE_RESULTS = ("These results are for the previous inputs ({changes}). Press Run to bring them up to "
                 "date; until then they are dimmed.")
CHART_FAILED = "This chart could not be drawn; the numbers are in the table beside it."
EMBEDDINGS_TITLE = "Compare embedding models"
EMBEDDINGS_INTRO = (
    "Pick two or more embedding models, paste your own texts (one per line), and see how each "
    "model judges which texts are alike, side by side, with how fast it was. Everything runs on "
    "this machine; the bundled models work offline."
)
TEXTS_HELP = (
    "One text per line: questions, titles, passages. Blank lines are ignored. "
    "Each model turns every line into a vector; the heatmaps show the cosine similarity of every pair."
)
MODELS_HELP = (
    "Bundled models run offline. `local` runs sentence-transformers, `onnx` the int8 ONNX export on "
    "onnxruntime, and `lexical` is a TF-IDF word-overlap baseline to show what a model adds beyond shared words."
)
EXTRA_MODEL_HELP = (
    "Any sentence-transformers model id from the Hugging Face Hub, such as BAAI/bge-small-en-v1.5. "
    "It needs the Hub to be reachable (or the model in the local Hugging Face cache)."
)
EMPTY_STATE = "Enter texts and press **Run comparison**, or **Load sample** to try the invoice-chatbot scenario."
HEATMAP_CAPTION = (
    "Cosine similarity of every pair of texts, one panel per model, on one colour scale. "
    "Brighter means the model finds the two texts more alike. Axis numbers are line numbers of your texts; "
    "hover a cell to read the two texts' line numbers and how each begins."
)
AGREEMENT_CAPTION = (
    "**spearman**: how alike two models order all pairs of texts (1 = the same order). "
    "**top-k overlap**: the share of each text's k nearest neighbours that both models pick."
)
SPEED_CAPTION = (
    "Local models were measured on {where}, through hfcompare's backends; models on servers (`openai:`, `hf:`) "
    "ran on the server's hardware and include the network. Speeds from other machines are not comparable. "
    "Whenever a model computes texts, it then embeds a fixed sample of them (up to 32, never from the "
    "cache) once to warm up and then 5 more times, timed: *cold ms/text* is the median of those "
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
               "(the bundled sample texts, or a 32-token answer), in the same fresh process.",
    "KV cache MB": "llama.cpp models: the KV cache at the context size used, n_ctx × layers × (K + V width) × "
                   "bytes per element, from the model's metadata (part of memory MB).",
    "memory from": "Measured here (with the CPU and date), not measured, or not measured here (a server).",
}
CACHE_HELP = "Vectors already computed are kept on disk, keyed by model, variant and a hash of each text."
ARENA_NEEDS_STORE = "This needs the store, which cannot be used now (the reason is above). Battles still run."
STORE_HELP = (
    "A SQLite file beside the app, unless the operator set HFCOMPARE_DATABASE_URL to a PostgreSQL database: "
    "then every replica and restart of this app shares one store, and products can report production calls "
    "to it (hfcompare.monitoring.track). A Space's disk is wiped on restart; its PostgreSQL is not."
)

ENDPOINTS_INTRO = (
    "Compare models served elsewhere: add them in the model picker as `openai:<model>` or `hf:<model-id>`. "
    "Keys stay in this browser session only; they are never saved, cached, logged or put in links."
)
STORE_WAIT = "Waiting for the store… (another process is writing to it)"
KEY_SCOPE = (
    "A key this app's operator configured goes only to the server it was configured for. A URL you type "
    "here gets only the key you type beside it."
)
KEY_WITHHELD = "The configured key is not sent to {url}: it belongs to another server. Type a key for this one."
PUBLIC_ENDPOINTS = (
    "Public mode: this app sends requests only to the servers its operator configured{allowed}. "
    "Any other URL is refused."
)
SECRET_HELP = "Kept only in this browser session. Never written to disk, cache keys, logs, exports or links."
OPENAI_URL_HELP = (
    "The /v1 address of vLLM, TGI, llama.cpp server, Ollama (http://localhost:11434/v1) or LM Studio. "
    "Also read from HFCOMPARE_OPENAI_BASE_URL or the config file."
)
PROVIDER_HELP = "Inference Providers route: `auto` picks the first provider serving the model."
HF_URL_HELP = "A dedicated TEI or TGI server, or an Inference Endpoint URL. When set, the provider is not used."
BATCH_HELP = "Texts per embeddings request."
CONCURRENCY_HELP = "Requests in flight at once, per model."
TIMEOUT_HELP = "Seconds before one request is abandoned (then retried, up to 3 times)."

GENERATION_TITLE = "Compare generation models"
GENERATION_INTRO = (
    "Pick two or more models, enter your prompts (or load the invoice-chatbot sample), and read the answers "
    "side by side as they stream in, with latency, time to first token and tokens per second. Add checks per "
    "prompt (keywords, a regex, a maximum length, a reference answer) to get pass rates."
)
PROMPTS_HELP = (
    "One row per prompt. Checks are optional: **keywords** (comma-separated, all must appear as whole words or numbers), **regex** "
    "(must match somewhere), **max chars**, and a **reference** answer compared by meaning with the embedding "
    "model chosen below."
)
GEN_EMPTY_STATE = "Add prompts and press **Run**, or **Load sample** for the invoice-chatbot scenario."
OVERRIDES_HELP = "Leave a cell empty to use the shared value above."
ALLOW_CACHE_HELP = (
    "Answers sampled with temperature > 0 and no seed differ on every run, so they are normally generated afresh. "
    "Tick to reuse earlier ones anyway."
)
GEN_SPEED_MIXED = "Speeds on servers come from their hardware, so they are not comparable with local ones."
HOURLY_RATE_LABEL = "Hourly rate for self-hosted models (USD)"


def hourly_rate_help(default_label: str, default_rate: float | None, source: str) -> str:
    """Help for the hourly-rate input: what the rate does and where the default comes from."""
    if default_rate is None:
        return ("Cost of a local model or your own server = measured seconds × this rate. No sourced default: "
                "the cost stays unknown until you set a rate.")
    return (f"Cost of a local model or your own server = measured seconds × this rate. The default, "
            f"${default_rate:g}/h, is {default_label}: {source}. Set your own hardware's rate to replace it.")


COST_HELP = ("Cost of 1,000 requests like these prompts. Models on Inference Providers: measured prompt and output "
             "tokens × the price per 1M read live from the Hub (else the bundled price table). Local models and your "
             "own servers: measured seconds × the hourly rate. The 'cost arithmetic' column shows the sum and the "
             "price's source; a price checked over 90 days ago is marked stale; no price means unknown, never 0.")

EMB_COST_TEXT = ("Cost of embedding 1,000 texts like these (a request = one text). Local models and your own "
                 "servers: the cold ms/text shown (the median of the timed passes) × 1,000 texts = seconds, × the "
                 "hourly rate ÷ 3,600; without a timed pass, the computing pass's seconds; served from the cache "
                 "with no timing: unknown. Models on Inference Providers: texts × the price per 1M texts; a price "
                 "per token is unknown here, as embedding runs do not count tokens. The 'cost arithmetic' column "
                 "shows the sum and the price's source; a price checked over 90 days ago is marked stale; no price "
                 "means unknown, never 0.")

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
GEN_THRESHOLD_LABEL = "Reference similarity needed"
GEN_THRESHOLD_HELP = (
    "A reference check passes when the cosine similarity between the answer and the reference answer, by the "
    "embedding model at the left, reaches this value. On the sample with all-MiniLM-L6-v2, correct paraphrases "
    "score 0.78-0.99 and on-topic wrong answers 0.49-0.68; other embedding models score higher or lower, so "
    "set it per model. Changing it re-checks the answers without running the models again."
)
GEN_CHECK_RULES = {
    "all checks": "every check of the prompt passes",
    "keywords": "every listed keyword appears as a whole word or number (any case; 30 is not in 14/30/2023)",
    "regex": "the pattern matches somewhere (any case)",
    "max length": "the answer is at most 'max chars' long",
    "reference": "similarity to the reference answer ≥ {threshold:.2f} ({embedder})",
}
GEN_CHECKS_CAPTION = (
    "Answers that passed each check, out of the answers it ran on, with the 95% Wilson interval: the range the "
    "model's true pass rate probably lies in. Checks only test what the prompts' rows spell out: an answer can "
    "contain the keyword and resemble the reference yet be wrong."
)
GEN_FEW_PROMPTS = (
    "These pass rates rest on {n} prompt(s) per model, fewer than the about {minimum} a pass rate needs: the "
    "intervals are wide ({example}), so differences between models here may be chance. Add prompts before "
    "choosing by pass rate."
)
GEN_ARENA_POINTER = (
    "Checks test only what the prompts' rows spell out; they cannot judge whether an answer actually helps. For "
    "a human judgement, compare the models blind in the **Arena**: two anonymous answers to the same prompt, "
    "your vote, then the names."
)
GEN_SPEED_UNKNOWN = "tok/s unknown ({reason})"
GEN_RETRIED = "{retries} retr{ies}, waited {waited:.1f}s before this answer (not in its times)"
GEN_MODELS_HELP = (
    "Bundled models run offline on llama.cpp. Type `openai:<model>` for a model on an OpenAI-compatible server, "
    "`hf:<model-id>` for Inference Providers or a TGI endpoint (set them up under Endpoints in the sidebar), or a "
    "Hub id to run it with transformers when the Hub is reachable."
)

DISCOVER_TITLE = "Discover models"
DISCOVER_INTRO = (
    "Find candidates, see what is published about them and where each figure comes from, then add them "
    "to a comparison. Published scores come from each model's own sources; a figure nobody could verify "
    "shows as empty. Click a column header to sort; tick rows to choose models."
)
DISCOVER_ONLINE = "Live: downloads (last 30 days), likes and search results come from the Hub at {endpoint}."
DISCOVER_OFFLINE = (
    "Offline: the Hub ({endpoint}) cannot be reached, so this is the bundled catalog snapshot of "
    "{date}. Downloads, likes, model cards and Hub search need the Hub."
)
DISCOVER_SEARCH_HELP = (
    "Part of a model id, such as `bge` or `qwen`. Online this searches the whole Hub (most downloaded first) "
    "as well as the catalog; offline only the catalog."
)
DISCOVER_SIZE_HELP = "Keep models whose parameter count lies in this range. Models of unknown size are hidden once you narrow it."
DISCOVER_RUNS_HERE_HELP = (
    "Where each model can run from here, now: bundled with the app (offline), already downloaded "
    "(offline), here once downloaded (needs the Hub), or on a server set up in Endpoints. ': not now' "
    "marks the ones that cannot run at the moment."
)
DISCOVER_RUNS_HERE_ONLY_HELP = "Only the models that can run from here right now."
DISCOVER_BACKEND_HELP = (
    "Where the added models will run. `local` downloads the model from the Hub and runs it on this machine "
    "(bundled models work offline); `hf` uses Hugging Face Inference Providers or your endpoint; `openai` "
    "your OpenAI-compatible server (set them up under Endpoints in the sidebar)."
)
DISCOVER_BADGES = "Badges follow the brief: **community approved** at 100+ likes, **widely used** at 1M+ downloads in 30 days."
DISCOVER_SCATTER_CAPTION = (
    "Published score against size, one point per model. Up and to the left is better value. Scores from "
    "different benchmarks or versions are coloured apart: they are not comparable with each other."
)
DISCOVER_SOURCES_CAPTION = (
    "Each figure with the document it was read from, that document's date, the date it was checked, and "
    "the sentence that states it."
)
DISCOVER_NO_LIVE = "Live Hub metadata (downloads, likes, eval results, the model card) needs the Hub, which cannot be reached."
DISCOVER_UNKNOWN = "An empty cell (None) is unknown: no source for it could be verified."
DISCOVER_BUDGET_HELP = (
    "Memory a model may take on this machine, in MB (MiB). It starts at {source}. Set "
    "HFCOMPARE_MEMORY_BUDGET_MB to start elsewhere; empty means no budget."
)
DISCOVER_FITS_ONLY_HELP = (
    "Hide the models over the memory budget, here and in the model pickers. Models whose memory is "
    "unknown stay, and so do models already chosen."
)
DISCOVER_BUDGET_UNKNOWN = (
    "This machine's available memory could not be read, so there is no budget: nothing is marked or "
    "filtered. Type a budget to set one."
)
DISCOVER_MEMORY_HELP = (
    "Memory if it runs on this machine (local backend), in MB (MiB): measured here when it has been, else "
    "estimated as parameters × bytes per parameter at its precision (the weights only; fp32 assumed when "
    "the precision is unknown)."
)
DISCOVER_MEMORY_FROM_HELP = (
    "measured: on this machine. estimated: from parameters and precision, never measured. unknown: the "
    "parameter count is unknown; such models are never filtered out."
)
DISCOVER_FIT_HELP = "Against the memory budget: ⚠ marks a model over it, with its figure."
PICKER_MEMORY_HELP = (
    "Memory budget: {budget}; change it on the Discover page. ⚠ marks a model over it: measured here, "
    "else estimated from parameters × precision."
)

EMB_MODES = {"compare": "Compare texts", "evaluate": "Evaluate retrieval", "pairs": "Labeled pairs"}
EMB_MODE_HELP = (
    "Compare texts: see how models judge which of your texts are alike. Evaluate retrieval: give queries and "
    "the texts each should find, and measure how well every model finds them. Labeled pairs: label pairs of "
    "texts as similar or not (or score them 0–5), and measure which model's similarity follows your labels."
)
EVAL_DATA_HELP = (
    "Type queries with the texts they should find (the brief's test suite), or upload a CSV, a JSONL file, "
    "or a BEIR-style set (corpus.jsonl, queries.jsonl, qrels.tsv)."
)
EVAL_UPLOAD_HELP = (
    "CSV: columns query, document (and optionally score); a row with an empty query adds a distractor. "
    "JSONL: lines {\"query\": ..., \"relevant\": [...]} or {\"document\": ...}. BEIR: corpus.jsonl (_id, title, "
    "text), queries.jsonl (_id, text) and qrels.tsv (query-id, corpus-id, score, with a header), uploaded together."
)
EVAL_SUITE_HELP = (
    "A query on its own line, then each text it should find on a line starting with '- '. "
    "Leave a blank line between queries if you like. Texts several queries should find are stored once."
)
EVAL_SUITE_PLACEHOLDER = (
    "How do I create an invoice?\n- To create an invoice, open Billing and choose New invoice.\n\n"
    "Can I change the currency?\n- Each invoice has a currency field."
)
EVAL_DISTRACTORS_HELP = "Texts no query should find. Real collections are mostly such texts; they make the test honest."
EVAL_EMPTY = (
    "Write queries with the texts they should find, upload labeled data, or press **Load labeled sample**; "
    "then **Run evaluation**."
)
EVAL_METRICS_CAPTION = (
    "{queries} queries against {corpus:,} texts. Every metric is averaged over queries; higher is better. "
    "Computed exactly as sentence-transformers' InformationRetrievalEvaluator computes them. Hover a column for "
    "its meaning."
)
EVAL_CI_HELP = ("95% confidence interval of the mean over queries: a percentile bootstrap over the queries, "
                "widened where scores crowd a bound (near 1 or 0), where a bootstrap alone is too narrow (see README).")
EVAL_P_HELP = (
    "Paired permutation test for this pair alone: the chance of a mean difference at least this large if the two "
    "models were equally good (each query's difference as likely to have the other sign). Exact, over every sign "
    "pattern, when the models differ on at most 16 queries."
)
EVAL_HOLM_HELP = (
    "The p-value after Holm's correction for the number of pairs tested: with several pairs, some would fall below "
    "0.05 by chance alone. A pair is called different only when this is below 0.05."
)
EVAL_SIGNIFICANCE_CAPTION = (
    "Each pair of models on the same queries: the mean difference in ndcg@10 with its 95% paired interval, "
    "and a paired permutation test whose p-value is corrected (Holm) for the number of pairs. A difference is "
    "called only when the corrected p is below 0.05; when the models differ on too few queries for even a clean "
    "sweep to get there (6 for one pair, more for several), the verdict says so instead of guessing."
)
EVAL_PER_QUERY_CAPTION = (
    "ndcg@10 of every model on every query, most disputed first, with each model's first result "
    "(✓ relevant, ✗ not)."
)
EVAL_HEATMAP_CAPTION = (
    "Cosine similarity of queries (rows) and the texts they should find (columns), per model, on one colour "
    "scale; circles mark the pairs judged relevant, so bright circles are good. Shown: {shown}."
)
EVAL_PROJECTION_CAPTION = (
    "Each text and query as a point, placed so that similar ones sit close (a 2D projection of the model's "
    "vectors). Texts a query should find share its colour; diamonds are queries."
)
EVAL_NO_UMAP = "UMAP is offered when umap-learn is installed; PCA is used until then."
EVAL_PROMPTS_LABEL = "Query and document prompts"
EVAL_PROMPTS_HELP = (
    "Some models expect a text before each query or document: e5 'query: ' and 'passage: ', bge, arctic-embed "
    "and mxbai a query instruction, nomic 'search_query: ' and 'search_document: '. Without it their retrieval "
    "quality is understated. Each field starts with the model's own prompt (from its configuration, else from "
    "the catalog, which quotes the source); edit it to try another, or empty it for none."
)
EVAL_PROMPTS_RESET = "Use each model's own prompts"
EVAL_PROMPTS_USED_CAPTION = (
    "The prompts each model ran with: put before every query and every collection text (empty: none). 'From' "
    "says where each came from: you, the model's own configuration, or the catalog."
)
COMPARE_PROMPTS_CAPTION = (
    "Prompts: none. Comparing texts has no queries or documents, so every model embeds each text as typed, "
    "without a query or document prompt. **Evaluate retrieval** runs each model with its prompts."
)

SC_TITLE = "Scorecard"
SC_INTRO = (
    "Rank the candidates on weighted criteria, the brief's decision framework made interactive. Values come "
    "from this session's comparisons (measured here) or from the catalog (published, with sources). Change a "
    "weight and the ranking follows."
)
SC_NO_COMPARISON = (
    "No comparison of this kind has run in this session yet, so only published catalog figures are available. "
    "Run one on the Embeddings or Generation page to add measured speed and quality."
)
SC_NO_COMPARISON_RATED = (
    "No generation comparison has run in this session yet: the values are the Arena's ratings from blind votes "
    "and published catalog figures. Run the models on the Generation page to add measured speed and pass rates."
)
SC_CANDIDATES_HELP = "Models of this session's comparisons (backend:model) and catalog models (Hub ids)."
SC_PRESET_HELP = "Sets the criteria and weights for a priority from the brief's decision framework."
SC_CRITERIA_HELP = "Add or remove criteria. Weights are normalized to sum to 100%."
SC_POLICY_HELP = (
    "A value nobody measured or published is never taken as 0 silently. Count it as worst (the default): a model "
    "cannot win on what nobody knows. Leave it out: that model is scored on the criteria it has, with their "
    "weights rescaled (kinder to models with gaps). Either way, a model is recommended only when values are known "
    "for at least 75% of the weight."
)
SC_MARGIN_HELP = "Two recommendable models whose scores are closer than this are called effectively tied."
SC_THRESHOLD_HELP = ("A model is recommended only when it ranks first in at least this share of the resamples of the "
                     "measurements (P(best)); below it, the verdict is 'too close to call'. 0.90 by default.")
SC_RULES = (
    "Rules: a model is recommended only when values are known for at least {known} of the weight; unknown "
    "contributions show as 'unknown'. Scores less than {margin:.2f} apart are a tie. Baselines such as TF-IDF are "
    "references, not candidates, unless you add them."
)
SC_UNDO_HELP = "Put back the weights you had set before choosing this preset."
SC_SCORE_HELP = "Weighted sum of normalized values: 1 means best on every criterion. Unknown values count as the policy says."
SC_KNOWN_WEIGHT_HELP = "Share of the total weight whose value is known for this model. Below 75% it is not recommended."
SC_STATUS_HELP = "recommended: the best model with enough known values; not recommended: too much of its weight is unknown."
SC_REFERENCES = (
    "References, not candidates: TF-IDF counts shared words, so it shows what the models add beyond word overlap. "
    "Add it under Candidates to rank it on purpose."
)
SC_MEASURE_PERFORMANCE_HELP = (
    "Runs a retrieval evaluation of the candidates on your labeled queries (Embeddings page, Evaluate retrieval), "
    "or on the bundled labeled sample if you have none, and uses the measured nDCG@10."
)
SC_MEASURE_GENERATION_HELP = (
    "Opens the Generation page with these models and runs your prompts with their checks (the sample prompts if "
    "there are none); come back here to see the measured pass rate, tokens per second, latency and cost."
)
SC_MEASURE_SPEED_HELP = ("Times the candidates on your texts (or the sample texts): the median of repeated passes. "
                         "A self-hosted model's cost per 1,000 texts is that time × the hourly rate.")
SC_CATALOG_ONLY = (
    "Unknown in the catalog and not measurable here: {criteria}. Lower its weight or remove it if it matters "
    "less than a recommendation."
)
SC_NORMALIZATION = (
    "Each criterion reads its raw values on a **stated scale**, the same whichever candidates you compare: "
    "the value at the **worst** anchor counts 0, at the **best** anchor 1, and in between in proportion, on "
    "**log10** for speed, latency, size, context and vector size (so 100M against 1B counts like 1B against 10B); "
    "beyond an anchor a value is held at 0 or 1. So a difference counts as much as it is large: a 0.001 nDCG lead "
    "adds 0.001 × the weight, never the whole weight, and adding or removing a candidate never reorders the others. "
    "Yes/no criteria count 1 or 0. An unknown value counts as 0 (default) or is left out, as the policy says. The "
    "score is the weighted sum; each criterion's contribution is its weight times its scaled value. Change the "
    "anchors under **Value scales and must-haves**."
)
SC_SCALES_CAPTION = (
    "Value scales: the raw value that counts as worst (0) and as best (1) for each criterion, in its own unit. "
    "The defaults: nDCG and pass rates on 0–1, published averages on 0–100; 1 s per text is worthless and 1 ms as "
    "good as it gets; 10 M parameters is tiny, 10 B (embeddings) or 100 B (generation) more than one machine holds."
)
SC_SPEED_RUN_HELP = (
    "Both runs timed the models, on different texts and at different moments: their speeds are not alike, so "
    "the ranking uses one run's speeds for every candidate."
)
SC_P_BEST_HELP = (
    "How often this model comes first when what its values rest on is resampled 1,000 times: the labeled "
    "queries (the same draw for every model evaluated on them, so differences are judged query by query) and the "
    "timed passes. Published figures are taken as they are. A recommendation needs 0.90. Empty when nothing was measured here (published figures only)."
)
SC_WORST_HELP = "The raw value that scores 0 on this criterion: your budget, or the bottom of the metric's range."
SC_BEST_HELP = "The raw value that scores 1: anything better counts the same."
SC_MUST_HAVE_HELP = (
    "A hard limit in {unit} (0: none). A candidate beyond it, or whose value is unknown, is excluded with the "
    "reason, whatever its score."
)
SC_MUST_HAVES_CAPTION = "Must-haves: hard limits checked before any weight counts."
SC_FLIPS_CAPTION = (
    "Moving one weight while the others stay put: the nearest weight at which another model would win "
    "(searched from 0 to three times the sum of all weights)."
)
SC_SAMPLES_HELP = "How many random weight sets to try; more is steadier and slower."
SC_STABILITY_CAPTION = (
    "Every weight multiplied by a random factor between 0.8 and 1.2, {n} times: how often each model "
    "ends at each rank. A winner that stays first in most samples is a robust choice."
)

SHARE_CAPTION = (
    "Copy the link (button at the right of the box). It opens this view with the same inputs; results come "
    "from the cache, so they are the same numbers. Inputs longer than a few words are saved in this app's "
    "store under a short id that never changes: editing makes a new one. Keys and tokens are never part of "
    "a link."
)
LONG_LINK_LABEL = "Long link (works without the store)"
LONG_LINK_HELP = ("The whole view in the link itself: longer, but it opens on any copy of hfcompare, also one "
                  "whose store does not have this link's id (another server, a restart of a Space).")
SHARED_FROM_CACHE = "Opened from a share link: every result came from the cache, nothing was recomputed."
SHARED_PARTLY = "Opened from a share link: {cached} of {total} results came from the cache; the rest were computed now."
SHARED_UNSEEDED = "Sampled answers without a seed are not reused from the cache; set a seed to make them repeatable."

MONITOR_TITLE = "Monitor"
MONITOR_TRAFFIC_HELP = ("This app's calls: the comparisons, evaluations and battles run here. Production: the calls "
                        "your product recorded with hfcompare.monitoring.track, by source.")
MONITOR_PRODUCTION_CAPTION = ("{n} calls your product recorded (hfcompare.monitoring.track). Latency percentiles count "
                              "successful calls only; satisfaction is the mean of the calls that reported one.")
MONITOR_SATISFACTION_HELP = ("Mean satisfaction (0 to 1) of the calls that reported one; 'rated' says how many did. "
                             "Few ratings make a shaky mean.")
MONITOR_INTRO = (
    "Every call this app made to a model (cache hits are not calls), and the calls your products report with "
    "hfcompare.monitoring.track: latency, throughput, errors and satisfaction per model, over time. Inputs, "
    "answers and keys are never logged."
)
MONITOR_CAPPED = (
    "Showing the newest {shown:,} of {total:,} calls in this range: the figures and charts describe those. "
    "Choose a shorter time range (or fewer models or sources) to see all of them."
)
MONITOR_EMPTY = "No model has been called yet. Run a comparison, an evaluation or an arena battle, then come back."
MONITOR_SUMMARY_CAPTION = ("{n:,} calls. Latency, time to first token and speeds count successful calls only; "
                           "each column's header says how it is counted (hover it).")
MONITOR_MEASUREMENTS_LABEL = "Include measurement calls (speed passes)"
MONITOR_MEASUREMENTS_HELP = (
    "Measuring a model's speed calls it too: each embedding comparison times a few extra passes over a sample of "
    "the texts. Those calls measure the model rather than do work, so they are left out by default."
)
MONITOR_MEASUREMENTS_LEFT_OUT = (
    "{n:,} measurement calls (embedding speed passes) are left out: they time the model rather than do work. "
    "Switch on 'Include measurement calls' to count them."
)
MONITOR_MEASUREMENTS_SHOWN = "Includes {n:,} measurement calls (embedding speed passes)."
MONITOR_COLUMN_HELP = {
    "model": "The model called.",
    "backend": "Where it ran: a local engine, or the server backend that was called.",
    "task": "embeddings (one call embeds a batch of texts) or generation (one call streams one answer).",
    "calls": "Calls to the model (one batch of texts, or one answer), failed ones included. Cached results are "
             "not calls.",
    "errors": "Calls that failed, failed model loads included.",
    "error rate": "Share of calls that failed (errors ÷ calls).",
    "p50 latency s": "Median seconds per call, over successful calls (a generation: from the attempt that "
                     "succeeded to the last token, after the model was loaded).",
    "p95 latency s": "95th percentile of seconds per call, over successful calls: 1 call in 20 is slower.",
    "median ttft s": "Time to first token: median over successful generation calls (per call, from the attempt "
                     "that succeeded).",
    "median tokens/s": "Median over successful generation calls of each call's decoding speed: tokens after the "
                       "first ÷ seconds from the first token to the end of the stream. The Generation page's median "
                       "tokens/s, so the same calls give the same figure; the two differ when they count different "
                       "calls (the Generation page shows one run, cached answers included; the Monitor every call in "
                       "the time range). Calls without a decode window are left out (see tokens/s note).",
    "tokens/s note": "For how many generation calls tokens/s is known, and why not for the others: calls logged "
                     "before decode timing was recorded, or streams with no decode window (buffered, or under 3 "
                     "tokens).",
    "items/s": "Pooled throughput: texts embedded (or answers) of all successful calls ÷ their total seconds. Not a "
               "median: long calls weigh more.",
    "last error": "The error class of the most recent failed call.",
    "error classes": "Failed calls by error class (unavailable, load failed, timeout, rate limited, ...), "
                     "failed model loads included.",
}
MONITOR_OVER_TIME_CAPTION = (
    "Per time bucket: p50 and p95 latency per call and median tokens/s per call count the bucket's successful "
    "calls; throughput is pooled (items of its successful calls ÷ their seconds); the error rate is failed ÷ all "
    "calls."
)
MONITOR_PRODUCTION_OVER_TIME_CAPTION = (
    "Per time bucket: p50 and p95 latency per call count the bucket's successful calls; satisfaction is the mean "
    "of the calls that reported one; the error rate is failed ÷ all calls."
)
MONITOR_PRODUCTION_COLUMN_HELP = {
    "model": "The model your product called.",
    "variant": "The A/B variant the call was made under ('—' when none was given).",
    "source": "The name your product tracked the call under.",
    "calls": "Calls tracked, failed ones included.",
    "error rate": "Share of calls that failed (failed ÷ calls).",
    "p50 latency s": "Median seconds per call, over successful calls.",
    "p95 latency s": "95th percentile of seconds per call, over successful calls: 1 call in 20 is slower.",
    "rated": "Calls that reported a satisfaction.",
}

ARENA_TITLE = "Arena"
ARENA_INTRO = (
    "Blind side-by-side judging: two anonymous models answer the same prompt (or search the same texts), you "
    "vote, and only then are their names revealed. Votes are kept in the store and become ratings."
)
ARENA_VOTE_LABELS = {"a": "👈 A is better", "b": "👉 B is better", "tie": "🤝 Tie", "both_bad": "👎 Both are bad"}
ARENA_REPEATS = (
    " {repeats} repeated a battle already judged (the same prompt and pair of models, so the same answers: "
    "battles are deterministic); each such battle counts once, with its latest vote."
)
ARENA_BOARD_CAPTION = (
    "Bradley-Terry ratings (on the Elo scale, mean 1000: 400 points means 10 to 1 odds) with 95% bootstrap "
    "intervals over the votes, and online Elo. Ties and 'both bad' count half a win each; one virtual tie per pair "
    "of models that met keeps ratings finite, the same in the rating and its interval. A model needs {min_votes} "
    "votes to be rated; a model that won (lost) every vote has no upper (lower) limit. Overlapping intervals mean "
    "the votes cannot yet tell the models apart."
)
ARENA_BOARD_GROUPS = (
    "These models fall into {groups} groups that never met, directly or through other models: ratings are on "
    "separate scales (each group averages 1000) and can be compared only within a group. Battles between the "
    "groups would join them."
)
ARENA_BOARD_EMPTY = "No votes yet. Judge a few battles and the leaderboard appears here."
AB_INTRO = (
    "A production A/B test of two models, as the brief's rollout steps describe: your service fixes a plan with "
    "`hfcompare.decide.ab.plan(experiment, per_variant, split)`, assigns each user a variant with "
    "`hfcompare.decide.ab.assign(user_id, experiment, split)` (the same user always gets the same one) and logs whether "
    "they were satisfied with `hfcompare.decide.ab.log_outcome(...)`. Each user counts once, for the assigned variant."
)
AB_FIXED_HORIZON = (
    "Fixed-horizon test: the two-proportion z-test runs once, on the first {planned:,} users of each variant, when "
    "both have that many. Until then only counts are shown: checking a running test again and again and stopping "
    "at the first p < 0.05 calls a difference far more often than 5% of the time."
)
AB_PLAN_HELP = (
    "Fix the sample size before reading any result. The plan cannot be changed afterwards (so the finish line "
    "cannot move after a look at the data); users are split evenly (plan other splits with `hfcompare.decide.ab.plan`)."
)
SC_RUN_HELP = ("Which run a measured value comes from: the run, the texts (or queries, prompts, votes) it was measured "
               "on with their fingerprint, the hardware, the timed passes and when. Values measured on different "
               "texts or hardware are not ranked as if alike.")

PAIRS_SOURCES = {"type": "Type or paste", "upload": "Upload a file"}
PAIRS_DATA_HELP = (
    "Type or paste pairs into the table (paste several rows copied from a spreadsheet at once), or upload a CSV, "
    "TSV or JSONL file with columns text1, text2, label (or the STS layout: sentence1, sentence2, score)."
)
PAIRS_UPLOAD_HELP = (
    "CSV or TSV with a header row, or JSONL with one object per line. Columns text1, text2, label (or "
    "sentence1, sentence2, score). Labels: 1 or similar, 0 or not similar, or a score from 0 to 5."
)
PAIRS_TEXT_HELP = "One text of the pair, as your users would write it."
PAIRS_LABEL_HELP = (
    "1 (or similar) when the two texts mean the same thing, 0 (or not similar) when they do not; or a score from "
    "0 (unrelated) to 5 (same meaning), as in STS. Use one kind of label for the whole table."
)
PAIRS_FROM_TEXTS = "Add a pair from your texts"
PAIRS_FROM_TEXTS_HELP = (
    "Pick two of the texts you typed in Compare texts, say whether they are alike, and add them to the table."
)
PAIRS_EMPTY = (
    "Label at least two pairs (some similar, some not) in the table, upload a file, or press "
    "**Load pairs sample**; then **Run on pairs**."
)
PAIRS_METRICS_CAPTION = (
    "{n} labeled pairs ({kind}). Every model embeds each text once and scores each pair by cosine similarity; "
    "the figures say how well those scores follow your labels. Higher is better; hover a column for its meaning. "
    "Ranked on {primary}, with its 95% interval (a bootstrap over pairs)."
)
PAIRS_COLUMN_HELP = {
    "ROC AUC": "The chance that a pair labeled similar scores above a pair labeled not similar: 1 always, 0.5 is "
               "chance (a coin would do as well), below 0.5 the model has it backwards.",
    "Spearman": "Does the model put the pairs in the same order as your labels? 1: the same order, 0: no relation, "
                "−1: reversed. The figure sentence-transformers reports for STS.",
    "Pearson": "Like Spearman, but on the similarity values themselves rather than their order: high when the "
               "similarity rises in step with the label.",
    "gap": "Mean similarity of the similar pairs minus that of the not-similar pairs: how far apart the model "
           "keeps them. Not comparable across models with different similarity scales; ROC AUC is.",
    "low": "Lower end of the 95% interval of the ranking metric: with other pairs of the same kind, it would "
           "likely fall between low and high (a percentile bootstrap over pairs).",
    "high": "Upper end of the 95% interval of the ranking metric.",
}
PAIRS_SIGNIFICANCE_CAPTION = (
    "Each pair of models on the same labeled pairs: the difference in {primary}, and a paired permutation test "
    "(each pair's two similarities, as ranks, swapped between the models at random) whose p-value is corrected "
    "(Holm) for the number of model pairs. A model is called better only when the corrected p is below 0.05."
)
PAIRS_P_HELP = (
    "The chance of a difference at least this large if the two models were equally good, for this pair of models "
    "alone (a paired permutation test over the labeled pairs)."
)
PAIRS_WORST_CAPTION = (
    "The pairs each model gets most wrong: similar pairs it scores low and not-similar ones it scores high "
    "(for 0–5 scores: where its order departs most from yours). Worst first."
)
PAIRS_OFF_BY_HELP = (
    "How far the pair's place in the model's order is from its place in your labels' order, as a share of all "
    "pairs: 0 where the label puts it, near 1 at the opposite end."
)
PAIRS_FEW = (
    "Only {n} pairs: intervals and tests over so few are rough (a bootstrap over a handful of pairs can look "
    "certain when it is not). Label 20 or more, some similar and some not, for figures you can lean on."
)

GEN_SUMMARY_DOWNLOAD_HELP = ("One row per model as shown: speed, pass rate, measured memory and cost per 1,000 "
                             "requests with its arithmetic and the price's source.")

HOURLY_RATE_DEFAULT = "Default: {label}, ${rate:g}/h ([pricing]({url}), checked {checked})."
HOURLY_RATE_STALE = "That price was checked over 90 days ago: check it again."
