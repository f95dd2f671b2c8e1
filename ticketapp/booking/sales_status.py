"""When a show is on sale — the one predicate every page and door shows.

A show is on sale while its event is published, it is scheduled, it has not started and `now`
is inside its sales window [sales_open_at, sales_close_at). `sales_status` names which of those
holds, in the order a buyer is told: a cancelled show (or event) is cancelled whatever its
dates. The engine's summaries carry the answer (`ShowSummary.sales`), so no door re-derives it;
the engine's own refusal (`inventory.check_sales_open`) is built on it too.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ticketapp.models import EventStatus, ShowStatus


class SalesStatus(StrEnum):
    ON_SALE = "on_sale"
    NOT_YET = "not_yet_on_sale"
    CLOSED = "closed"
    STARTED = "started"
    CANCELLED = "cancelled"
    NOT_PUBLISHED = "not_published"  # a draft: only its organizer sees it


def sales_status(
    *,
    show_status: str,
    event_status: str,
    starts_at: datetime,
    sales_open_at: datetime | None,
    sales_close_at: datetime | None,
    now: datetime,
) -> SalesStatus:
    if show_status == ShowStatus.CANCELLED or event_status == EventStatus.CANCELLED:
        return SalesStatus.CANCELLED
    if event_status != EventStatus.PUBLISHED:
        return SalesStatus.NOT_PUBLISHED
    if now >= starts_at:
        return SalesStatus.STARTED
    if sales_open_at is not None and now < sales_open_at:
        return SalesStatus.NOT_YET
    if sales_close_at is not None and now >= sales_close_at:
        return SalesStatus.CLOSED
    return SalesStatus.ON_SALE


def few_left(places_total: int, places_left: int) -> bool:
    """Worth a "few left" badge: at most a tenth of the places, or ten, are left (not none)."""
    return 0 < places_left <= max(10, places_total // 10)
