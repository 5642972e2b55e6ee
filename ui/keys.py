"""Session-state keys, one place, prefixed by page."""

EMB_MODELS = "emb_models"
EMB_TEXTS = "emb_texts"
EMB_RESULTS = "emb_results"
EMB_NEIGHBOUR_TEXT = "emb_neighbour_text"
EMB_K = "emb_k"
SIDEBAR_CLEARED = "sidebar_cache_cleared"
