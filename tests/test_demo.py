"""The demo data: idempotent, and the shapes the README promises."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func
from sqlmodel import Session, select

from ticketapp.demo import CUSTOMER, ORGANIZER, load_demo_data
from ticketapp.models import Event, Show, ShowSeat, User


def test_demo_data_is_complete_and_loading_twice_changes_nothing(sqlite_engine):
    created = load_demo_data(db=sqlite_engine)
    assert len(created) >= 4
    assert load_demo_data(db=sqlite_engine) == []
    with Session(sqlite_engine) as session:
        emails = {u.email: u.role for u in session.exec(select(User))}
        assert emails == {ORGANIZER[1]: "organizer", CUSTOMER[1]: "customer"}
        assert session.exec(select(func.count(Event.id))).one() == len(created)
        per_show = dict(
            session.exec(
                select(ShowSeat.show_id, func.count(ShowSeat.id)).group_by(ShowSeat.show_id)
            ).all()
        )
        standing = dict(
            session.exec(
                select(ShowSeat.show_id, func.count(ShowSeat.id))
                .where(ShowSeat.is_general_admission.is_(True))
                .group_by(ShowSeat.show_id)
            ).all()
        )
        accessible = session.exec(
            select(func.count(ShowSeat.id)).where(ShowSeat.accessible.is_(True))
        ).one()
        shows = session.exec(select(Show)).all()
    assert 10_000 in per_show.values()  # the arena
    assert any(1_000 <= n < 10_000 and n not in standing.values() for n in per_show.values())
    assert standing and all(per_show[s] == n for s, n in standing.items())  # GA only
    assert accessible > 0
    days = Counter((s.event_id, s.starts_at.date()) for s in shows)
    assert max(days.values()) >= 3  # the cinema: several showtimes a day
