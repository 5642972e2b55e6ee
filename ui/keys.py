"""Session-state keys, one place, prefixed by page. A key for one task, model or criterion is built
by `scoped`, never by hand."""


def scoped(base: str, *parts: object) -> str:
    """The key of `base` for the given task, criterion, arena…: the parts joined with "_"."""
    return "_".join([base, *map(str, parts)])


EMB_MODELS = "emb_models"
EMB_TEXTS = "emb_texts"
EMB_RESULTS = "emb_results"
EMB_NEIGHBOUR_TEXT = "emb_neighbour_text"
SIDEBAR_CLEARED = "sidebar_cache_cleared"

OPENAI_URL = "endpoints_openai_url"
OPENAI_KEY = "endpoints_openai_key"
HF_TOKEN = "endpoints_hf_token"
HF_PROVIDER = "endpoints_hf_provider"
HF_URL = "endpoints_hf_url"
ENDPOINT_MODELS = {"openai": "endpoints_openai_models", "hf": "endpoints_hf_models"}

GEN_MODELS = "gen_models"
GEN_PROMPTS = "gen_prompts"          # the prompts table the editor starts from
GEN_EDITOR = "gen_prompts_editor"    # the editor's own state (dropped to reload the table)
GEN_PROMPTS_EDITED = "gen_prompts_edited"  # the table as last shown, edits included (outlives page visits)
GEN_SYSTEM = "gen_system"
GEN_MAX_TOKENS = "gen_max_tokens"
GEN_TEMPERATURE = "gen_temperature"
GEN_TOP_P = "gen_top_p"
GEN_SEED = "gen_seed"
GEN_OVERRIDES = "gen_overrides_editor"
GEN_ALLOW_CACHE = "gen_allow_unseeded_cache"
GEN_EMBEDDER = "gen_check_embedder"
GEN_LINK_OVERRIDES = "gen_link_overrides"   # a share link's per-model parameters, prefilled in the table
GEN_THRESHOLD = "gen_reference_threshold"  # the similarity a reference check needs
GEN_RESULTS = "gen_results"
GEN_RUN_REQUESTED = "gen_run_requested"  # inbox (ui.session): the Scorecard asked for a run

DISC_TASK = "disc_task"
DISC_QUERY = "disc_query"
DISC_SIZE = "disc_size"
DISC_LANGUAGES = "disc_languages"
DISC_LICENSES = "disc_licenses"
DISC_OPEN_ONLY = "disc_open_only"
DISC_RUNS_HERE = "disc_runs_here"   # only the models that can run here now
DISC_TABLE = "disc_table"
DISC_SHOWN_IDS = "disc_shown_ids"    # the ids in the table, in row order, for its selection callback
DISC_PICKS = "disc_picks"
DISC_DETAIL = "disc_detail"
DISC_MEMORY_BUDGET = "disc_memory_budget"   # MB; the model pickers read it too
DISC_FITS_ONLY = "disc_fits_only"           # hide models over the memory budget (the pickers too)
#: Inbox (ui.session): models another page added, waiting for the comparison page of their task.
PENDING_MODELS = "pending_models"    # + "_" + task
MEMORY_BUDGET = "memory_budget"      # inbox (ui.session): the budget Discover set, for the model pickers
EMBEDDINGS_INPUTS = "embeddings_inputs"  # inbox (ui.session): the Embeddings page's texts and suite, as last drawn
#: A copy of each model picker's choice that survives visits to other pages (Streamlit drops the
#: state of widgets a run does not draw).
KEPT_SUFFIX = "__kept"

EMB_MODE = "emb_mode"                # compare texts, or evaluate retrieval
EVAL_SOURCE = "eval_source"
EVAL_SUITE = "eval_suite"
EVAL_DISTRACTORS = "eval_distractors"
EVAL_UPLOADS = "eval_uploads"
EVAL_RESULTS = "eval_results"
EVAL_DISPUTED = "eval_only_disputed"
EVAL_PROJ_MODEL = "eval_projection_model"
EVAL_PROJ_METHOD = "eval_projection_method"
EVAL_PROJ_COLOUR = "eval_projection_colour"
EVAL_PROMPT_PREFIX = "eval_prompt|"  # + role + "|" + backend:model: one model's query or document prompt field

SC_TASK = "sc_task"
SC_CANDIDATES = "sc_candidates"      # suffixed with the task
SC_PRESET = "sc_preset"              # suffixed with the task: presets apply per task
SC_PRESET_SHOWN = "sc_preset_shown"  # suffixed with the task: the preset the weights now follow
SC_UNDO = "sc_undo"                  # suffixed with the task: custom weights a preset replaced
SC_MARGIN = "sc_margin"              # scores closer than this are a tie
SC_THRESHOLD = "sc_threshold"        # the P(best) a recommendation needs
SC_SCALES = "sc_scales"              # + "_" + task: the anchors a person set, {criterion: {"worst", "best"}}
SC_LIMITS = "sc_limits"              # + "_" + task: the must-haves a person set, {criterion: value}
SC_MEASURE_ERRORS = "sc_measure_errors"  # models a "measure now" run could not measure, with the cause
SC_CRITERIA = "sc_criteria"          # suffixed with the task
SC_WEIGHT = "sc_weight"              # suffixed with task and criterion
SC_SOURCE = "sc_source"              # suffixed with task and criterion
SC_POLICY = "sc_policy"
SC_SAMPLES = "sc_samples"
SC_SPEED_RUN = "sc_speed_run"        # which run's speeds the Scorecard ranks on (never a mix)
SC_LINK_MEASURED = "sc_link_measured"  # ui.session.LinkMeasurements a shared scorecard brought along
EMB_LINK_NOTE = "emb_link_note"      # what a share link's rerun took from the cache

MON_RANGE = "mon_range"
MON_MODELS = "mon_models"
MON_BACKENDS = "mon_backends"
MON_TRAFFIC = "mon_traffic"          # this app's calls, or production traffic
MON_SOURCES = "mon_sources"
MON_MEASUREMENTS = "mon_measurements"  # include speed passes and other measurement calls

ARENA_GEN_MODELS = "arena_gen_models"
ARENA_RET_MODELS = "arena_ret_models"
ARENA_PROMPT = "arena_prompt"
ARENA_QUERY = "arena_query"
ARENA_BATTLE = "arena_battle"          # suffixed with the arena: the battle on screen
ARENA_VOTE_PROBLEM = "arena_vote_problem"  # suffixed with the arena: why the last vote was not saved
ARENA_BOARD = "arena_board"
AB_EXPERIMENT = "ab_experiment"
AB_NEW_EXPERIMENT = "ab_new_experiment"
AB_USER = "ab_user"
AB_SATISFIED = "ab_satisfied"
AB_BASELINE = "ab_baseline"            # the plan form: satisfied share today, in percent
AB_DIFFERENCE = "ab_difference"        # the plan form: smallest difference worth detecting, in points

PAIRS_SOURCE = "pairs_source"        # type the pairs into the table, or upload a file
PAIRS_TABLE = "pairs_table"          # the pairs table the editor starts from
PAIRS_EDITOR = "pairs_editor"        # the editor's own state (renewed to load a new table)
PAIRS_EDITED = "pairs_edited"        # the table as last shown, edits included (outlives page visits)
PAIRS_UPLOAD = "pairs_upload"
PAIRS_PICK_A = "pairs_pick_a"        # "add a pair from your texts": the first text
PAIRS_PICK_B = "pairs_pick_b"        # the second text
PAIRS_PICK_LABEL = "pairs_pick_label"
PAIRS_RESULTS = "pairs_results"      # the last run on labeled pairs (`ui.pairs_mode.PairsRun`)

#: USD per hour for self-hosted models: one rate for every page that shows cost (ui.cost).
COST_HOURLY_RATE = "cost_hourly_rate"
