"""A4 or Letter: asked for by name, or guessed from the buyer's locale.

North America and a few countries of Latin America and Asia print on Letter; the rest of the
world on A4. A locale without a region ("en", "de") says nothing about paper, so it gets A4,
the world's default.
"""

from __future__ import annotations

from typing import Literal

Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")
# ISO 3166 regions whose printers are loaded with Letter.
LETTER_REGIONS = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "DO", "PA",
                            "SV", "NI", "PR", "BZ"})  # fmt: skip


def paper_of_locale(accept_language: str | None) -> Paper:
    """The paper of the buyer's first locale with a region (an Accept-Language header)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().replace("_", "-")
        subtags = tag.split("-")[1:]
        region = next((s for s in subtags if len(s) == 2 and s.isalpha()), None)
        if region:
            return "letter" if region.upper() in LETTER_REGIONS else "a4"
    return "a4"


def choose_paper(asked: str | None, accept_language: str | None) -> Paper:
    """`asked` ("a4" or "letter", any case) wins; otherwise the buyer's locale decides."""
    if asked and asked.lower() in PAPERS:
        return asked.lower()  # type: ignore[return-value]
    return paper_of_locale(accept_language)
