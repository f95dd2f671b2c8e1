"""Searching the catalogue: accents and case never decide a match.

"Dvorak" finds "Dvořák", "CAFE" finds "Café", "strasse" finds "Straße". The engine keeps one
normalized copy of what is searched (`Event.search_text`: title, venue and description, each
folded by `fold`) whenever an event is created or changed, and folds the query the same way:
one rule, in Python, so PostgreSQL and SQLite match alike (no `unaccent` extension to install,
no collation that differs between the two).
"""

from __future__ import annotations

import unicodedata

# Letters that do not decompose into a base letter and an accent.
_SPECIAL = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "œ": "oe", "æ": "ae", "þ": "th"}
)


def fold(text: str) -> str:
    """`text` without case or accents, whitespace collapsed: what search compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_SPECIAL).split())


def search_text(title: str, venue_name: str, description: str) -> str:
    """The folded text an event is found by."""
    return "\n".join(fold(part) for part in (title, venue_name, description))


MAX_WORDS = 8  # more words only narrow further; each one costs a LIKE


def contains_pattern(query: str) -> str:
    """A LIKE pattern (escape character "\\") matching the folded `query` anywhere."""
    literal = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def word_patterns(query: str) -> list[str]:
    """One LIKE pattern per word of `query`: an event matches when it contains every word,
    in any order ("new dvorak" finds "Dvořák: New World")."""
    return [contains_pattern(word) for word in fold(query).split()[:MAX_WORDS]]
