"""Generation comparisons: running prompts through models with honest timings (time to first token,
decode rate), checks on the answers (keywords, regex, length, reference similarity), and the
result tables."""
