"""The app registers each page once, however often Reflex compiles it."""

from __future__ import annotations

import ticketapp.ticketapp
from ticketapp.pages.registry import PAGES


def test_every_page_is_registered_once_and_a_second_compile_adds_nothing():
    app = ticketapp.ticketapp.app
    routes = [kwargs["route"] for _, kwargs in PAGES]
    assert len(routes) == len(set(routes)) == 20
    pages_before = dict(app._unevaluated_pages)

    # What every compile does first (the prod server compiles in each process it forks).
    app._apply_decorated_pages()

    assert app._registration_context.decorated_pages == []  # nothing left for Reflex to re-add
    assert app._unevaluated_pages == pages_before
    assert len(pages_before) == len(routes)
