"""Everything known about a model before it runs: the Hub probe (is it reachable, is it cached),
model-card metadata, the curated catalog of published figures, and Discover's search."""
