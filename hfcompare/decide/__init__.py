"""Turning results into a decision: criteria and weighted scoring, the scorecard's sources and
presets, the recommendation in words, Arena battles and votes, and A/B tests."""
