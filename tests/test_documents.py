"""Paper for the PDF tickets: asked for, or the buyer's locale's."""

from __future__ import annotations

import pytest

from ticketapp.documents import choose_paper


@pytest.mark.parametrize(
    ("asked", "accept_language", "paper"),
    [
        (None, None, "a4"),
        (None, "en-US,en;q=0.9", "letter"),
        (None, "fr-CA", "letter"),
        (None, "es_MX", "letter"),
        (None, "de-AT,de;q=0.9,en-US;q=0.5", "a4"),  # the first locale with a region decides
        (None, "en,en-GB;q=0.8", "a4"),
        (None, "zh-Hant-TW", "a4"),
        (None, "en", "a4"),  # no region: the world's paper
        ("LETTER", "de-DE", "letter"),
        ("a4", "en-US", "a4"),
        ("legal", "en-US", "letter"),  # not a paper we print on: the locale decides
    ],
)
def test_the_paper_asked_for_wins_else_the_locale_decides(asked, accept_language, paper):
    assert choose_paper(asked, accept_language) == paper
