"""Session-state keys, one place, prefixed by page."""

EMB_MODELS = "emb_models"
EMB_TEXTS = "emb_texts"
EMB_RESULTS = "emb_results"
EMB_NEIGHBOUR_TEXT = "emb_neighbour_text"
EMB_K = "emb_k"
SIDEBAR_CLEARED = "sidebar_cache_cleared"

OPENAI_URL = "endpoints_openai_url"
OPENAI_KEY = "endpoints_openai_key"
HF_TOKEN = "endpoints_hf_token"
HF_PROVIDER = "endpoints_hf_provider"
HF_URL = "endpoints_hf_url"
ENDPOINT_SETTINGS = "endpoints_settings"
ENDPOINT_MODELS = {"openai": "endpoints_openai_models", "hf": "endpoints_hf_models"}
