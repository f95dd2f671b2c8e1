"""The public catalogue: published events and their shows, as buyers browse them.

Invariants: a draft event (and its shows) exists only for those who may manage it (its
organizer, an admin — `access.can_manage`); every summary counts "places left" with the
claim's own rule (`inventory.sellable`: free, or held by a hold that has run out at `now`) and
carries the show's sales status (`sales_status`), so no door re-derives either. Hidden
price categories (`hidden_categories`) are not for public sale: they count in no "from"
price and no places left, and only those who manage the event see them among a show's prices.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking._tx import moment, run
from ticketapp.booking.access import Actor, can_manage
from ticketapp.booking.errors import InvalidRequest, NotFound
from ticketapp.booking.inventory import sellable
from ticketapp.booking.results import (
    EventDetails,
    EventSummary,
    PriceInfo,
    ShowDetails,
    ShowSummary,
    from_row,
)
from ticketapp.booking.sales_status import sales_status
from ticketapp.booking.search import contains_pattern, fold, word_patterns
from ticketapp.db import venue_date
from ticketapp.models import (
    Event,
    EventStatus,
    PriceCategory,
    SeatStatus,
    Show,
    ShowSeat,
    ShowStatus,
)


def list_upcoming_events(
    *,
    now: datetime | None = None,
    text: str = "",
    category: str = "",
    venue: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    day_from: date | None = None,
    day_to: date | None = None,
    limit: int = 12,
    offset: int = 0,
    db: Engine | None = None,
) -> tuple[list[EventSummary], int]:
    """Published events with a scheduled show still to come, soonest first, and the total.

    `text` and `venue` match without regard to case or accents (`booking.search`); a `date_to`
    not after `date_from` is an InvalidRequest, not an empty page.

    `date_from`/`date_to` are moments (shows from / before them); `day_from`/`day_to` are
    calendar days, inclusive, on each venue's own clock (a 23:30 show in New York is on its
    New York day, whatever the UTC date) — what a person choosing dates means."""
    now = moment(now)
    if date_from and date_to and date_to <= date_from:
        raise InvalidRequest("The end date is before the start date: swap them.", "date_to")
    if day_from and day_to and day_to < day_from:
        raise InvalidRequest("The end date is before the start date: swap them.", "date_to")
    shows = (
        select(Show.id)
        .join(Event, Event.id == Show.event_id)
        .where(Show.status == ShowStatus.SCHEDULED, Show.starts_at > now)
    )
    if date_from:
        shows = shows.where(Show.starts_at >= date_from)
    if date_to:
        shows = shows.where(Show.starts_at < date_to)
    if day_from:
        shows = shows.where(venue_date(Show.starts_at, Event.timezone) >= day_from)
    if day_to:
        shows = shows.where(venue_date(Show.starts_at, Event.timezone) <= day_to)
    show_filter = Show.id.in_(shows)
    query = (
        select(
            Event.id,
            func.min(Show.starts_at).label("next_show_at"),
            func.count(func.distinct(Show.id)).label("show_count"),
        )
        .join(Show, Show.event_id == Event.id)
        .where(Event.status == EventStatus.PUBLISHED, show_filter)
        .group_by(Event.id)
    )
    for pattern in word_patterns(text):
        query = query.where(Event.search_text.like(pattern, escape="\\"))
    if category.strip():
        query = query.where(Event.category == category.strip().lower())
    if fold(venue):
        query = query.where(Event.venue_search.like(contains_pattern(venue), escape="\\"))

    def work(session: Session) -> tuple[list[EventSummary], int]:
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        page = session.exec(
            query.order_by("next_show_at", Event.id).limit(limit).offset(offset)
        ).all()
        ids = [row[0] for row in page]
        if not ids:
            return [], total
        events = {e.id: e for e in session.exec(select(Event).where(Event.id.in_(ids)))}
        prices = dict(
            session.exec(
                select(Show.event_id, func.min(PriceCategory.price_cents))
                .join(PriceCategory, PriceCategory.show_id == Show.id)
                .where(Show.event_id.in_(ids), show_filter, PriceCategory.hidden.is_(False))
                .group_by(Show.event_id)
            ).all()
        )
        currencies = dict(
            session.exec(
                select(Show.event_id, func.min(PriceCategory.currency))
                .join(PriceCategory, PriceCategory.show_id == Show.id)
                .where(Show.event_id.in_(ids))
                .group_by(Show.event_id)
            ).all()
        )
        counts = {
            row[0]: (row[1], row[2])
            for row in session.exec(
                select(
                    Show.event_id,
                    func.count(ShowSeat.id).filter(ShowSeat.status != SeatStatus.BLOCKED),
                    func.count(ShowSeat.id).filter(sellable(now), PriceCategory.hidden.is_(False)),
                )
                .join(ShowSeat, ShowSeat.show_id == Show.id)
                .join(PriceCategory, PriceCategory.id == ShowSeat.category_id)
                .where(Show.event_id.in_(ids), show_filter)
                .group_by(Show.event_id)
            ).all()
        }
        summaries = []
        for event_id, next_show_at, show_count in page:
            event = events[event_id]
            total_places, left = counts.get(event_id, (0, 0))
            summaries.append(
                EventSummary(
                    id=event.id,
                    title=event.title,
                    venue_name=event.venue_name,
                    category=event.category,
                    banner_url=event.banner_url,
                    next_show_at=next_show_at,
                    show_count=show_count,
                    price_from_cents=prices.get(event_id),
                    currency=currencies.get(event_id, "EUR"),
                    places_total=total_places,
                    places_left=left,
                    timezone=event.timezone,
                )
            )
        return summaries, total

    return run(db, work)


def list_event_categories(*, db: Engine | None = None) -> list[str]:
    """Categories of published events, for the browse filter."""
    return run(
        db,
        lambda session: sorted(
            session.exec(
                select(Event.category).where(Event.status == EventStatus.PUBLISHED).distinct()
            ).all()
        ),
    )


# --- one event and its shows ---------------------------------------------------------------


def visible_event(session: Session, event_id: int, viewer: Actor | None) -> Event:
    """Published events are public; a draft exists only for its organizer (and admins)."""
    event = session.get(Event, event_id)
    if event is None or (
        event.status != EventStatus.PUBLISHED and not can_manage(viewer, event.organizer_id)
    ):
        raise NotFound("No such event.")
    return event


def get_event(
    event_id: int, *, viewer: Actor | None = None, db: Engine | None = None
) -> EventDetails:
    return run(db, lambda session: from_row(EventDetails, visible_event(session, event_id, viewer)))


def _show_summaries(
    session: Session, shows: list[Show], event: Event, now: datetime, viewer: Actor | None
) -> list[ShowSummary]:
    ids = [s.id for s in shows]
    if not ids:
        return []
    manager = can_manage(viewer, event.organizer_id)
    prices: dict[int, list[PriceInfo]] = {i: [] for i in ids}
    for cat in session.exec(
        select(PriceCategory)
        .where(PriceCategory.show_id.in_(ids))
        .order_by(PriceCategory.rank, PriceCategory.id)
    ):
        if manager or not cat.hidden:  # a hidden category's price is not public
            prices[cat.show_id].append(from_row(PriceInfo, cat))
    counts = {
        row[0]: (row[1], row[2])
        for row in session.exec(
            select(
                ShowSeat.show_id,
                func.count(ShowSeat.id).filter(ShowSeat.status != SeatStatus.BLOCKED),
                func.count(ShowSeat.id).filter(sellable(now), PriceCategory.hidden.is_(False)),
            )
            .join(PriceCategory, PriceCategory.id == ShowSeat.category_id)
            .where(ShowSeat.show_id.in_(ids))
            .group_by(ShowSeat.show_id)
        ).all()
    }
    return [
        ShowSummary(
            from_row(ShowDetails, s),
            prices[s.id],
            *counts.get(s.id, (0, 0)),
            sales=sales_status(
                show_status=s.status,
                event_status=event.status,
                starts_at=s.starts_at,
                sales_open_at=s.sales_open_at,
                sales_close_at=s.sales_close_at,
                now=now,
            ),
            # the rule of shows.edit_show: a cancelled show, or one of a cancelled event, is final
            editable=s.status != ShowStatus.CANCELLED and event.status != EventStatus.CANCELLED,
        )
        for s in shows
    ]


def list_event_shows(
    event_id: int,
    *,
    viewer: Actor | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> list[ShowSummary]:
    """All shows of a visible event, earliest first (past and cancelled ones included)."""
    now = moment(now)

    def work(session: Session) -> list[ShowSummary]:
        event = visible_event(session, event_id, viewer)
        shows = session.exec(
            select(Show).where(Show.event_id == event_id).order_by(Show.starts_at, Show.id)
        ).all()
        return _show_summaries(session, list(shows), event, now, viewer)

    return run(db, work)


def get_show(
    show_id: int,
    *,
    viewer: Actor | None = None,
    now: datetime | None = None,
    db: Engine | None = None,
) -> ShowSummary:
    now = moment(now)

    def work(session: Session) -> ShowSummary:
        show = session.get(Show, show_id)
        if show is None:
            raise NotFound("No such show.")
        try:
            event = visible_event(session, show.event_id, viewer)
        except NotFound:
            raise NotFound("No such show.") from None
        return _show_summaries(session, [show], event, now, viewer)[0]

    return run(db, work)
