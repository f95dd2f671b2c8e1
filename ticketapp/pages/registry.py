"""Where pages are registered: once, by the app object (`ticketapp.py`), not by `@rx.page`.

Why not `@rx.page`: `reflex run --env prod` compiles the app in its main process, and the
backend processes it forks compile it again; every compile re-adds each `@rx.page` page, and
Reflex warns "Page … is being redefined with the same component" for each of them — noise a
newcomer reads as errors. `@page` takes the same arguments and only records the page;
`register_pages` adds them to the app exactly once, when the app is created.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

PAGES: list[tuple[Callable[[], rx.Component], dict[str, Any]]] = []


def page(**kwargs: Any) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Record a page (route, title, on_load, ... as for `rx.App.add_page`)."""

    def record(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        PAGES.append((render, kwargs))
        return render

    return record


def register_pages(app: rx.App) -> None:
    for render, kwargs in PAGES:
        app.add_page(render, **kwargs)
