"""Embedding comparisons: running models over texts with the cache and their prompts, speed
measured with its spread, similarity math, and the result tables."""
