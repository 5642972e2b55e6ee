"""Community badges and model-card excerpts (pure functions)."""

from __future__ import annotations

import pytest

from hfcompare.hub.metadata import card_excerpt, community_badges


@pytest.mark.parametrize("likes, downloads, expected", [
    (99, 999_999, []),
    (100, 999_999, ["community approved"]),
    (99, 1_000_000, ["widely used"]),
    (5_000, 20_000_000, ["community approved", "widely used"]),
    (None, None, []),
])
def test_badges_follow_the_briefs_thresholds(likes, downloads, expected):
    assert community_badges(likes, downloads) == expected


def test_excerpt_takes_the_limitations_section_with_its_subsections():
    card = "---\nlicense: mit\n---\n# M\n\nIntro.\n\n## Bias, Risks, and Limitations\n\nIt is biased.\n\n" \
           "### Recommendations\n\nCheck outputs.\n\n## Training\n\nData.\n"
    heading, text = card_excerpt(card)
    assert heading == "Bias, Risks, and Limitations"
    assert "It is biased." in text and "Check outputs." in text and "Data." not in text


def test_excerpt_skips_empty_sections_and_front_matter():
    card = "---\ntags:\n- limitations\n---\n## Limitations\n## Out-of-Scope Use\n\nNot for medicine.\n"
    assert card_excerpt(card) == ("Out-of-Scope Use", "Not for medicine.")


def test_excerpt_is_none_without_such_a_section_and_cut_when_long():
    assert card_excerpt("# Model\n\nJust usage.\n") == (None, None)
    heading, text = card_excerpt("## Limitations\n\n" + "word " * 1000, limit=100)
    assert len(text) <= 102 and text.endswith("…")


def test_a_heading_line_of_many_spaces_is_read_in_linear_time():
    """A Hub card is anyone's text: `## Limitations` + 20,000 spaces + `x` took the old heading pattern cubic
    time (2,000 spaces: 19 s, holding the GIL). The test would hang, not fail, before."""
    card = "## Limitations" + " " * 20_000 + "x ##\n\nNot for medicine.\n# " + " " * 20_000 + "#\n"
    heading, text = card_excerpt(card)
    assert heading.startswith("Limitations") and heading.endswith(" x") and text == "Not for medicine."
    assert card_excerpt("## Limitations ###   \nBiased.\n## Next\nNo.") == ("Limitations", "Biased.")
