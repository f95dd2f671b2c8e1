"""Counts read right in English: one is singular, every other count (zero too) plural."""

from ticketapp.formatting import plural


def test_one_is_singular_and_every_other_count_plural():
    assert plural(1, "minute") == "1 minute"
    assert plural(0, "place") == "0 places"
    assert plural(2, "seat") == "2 seats"
    assert plural(3, "wheelchair space") == "3 wheelchair spaces"
    assert plural(2, "person", "people") == "2 people"
