"""Evaluation on labeled data: loading it (CSV, JSONL, BEIR, test suites), search, IR metrics,
per-model evaluation, labeled pairs (`pairs`: similarity against a label), paired significance
tests, 2-D projections, and the result tables."""
