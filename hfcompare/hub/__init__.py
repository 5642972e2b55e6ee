"""Everything known about a model before it runs: whether it is available (bundled, cached, on a
server; the Hub probe itself is `backends.hub`), model-card metadata, the curated catalog of published figures, and Discover's search."""
