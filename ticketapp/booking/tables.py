"""The tables as SQLAlchemy Core objects, for the hot paths.

Statements over these skip the ORM entirely (no identity map, no unit of work, no entity
loading) and are compiled once per shape into SQLAlchemy's statement cache.
"""

from __future__ import annotations

from sqlalchemy import Table

from ticketapp.models import (
    Booking,
    Event,
    Hold,
    OutboxMail,
    PriceCategory,
    Show,
    ShowSeat,
    Ticket,
    TicketType,
    User,
)

user: Table = User.__table__
event: Table = Event.__table__
show: Table = Show.__table__
category: Table = PriceCategory.__table__
seat: Table = ShowSeat.__table__
hold: Table = Hold.__table__
booking: Table = Booking.__table__
ticket: Table = Ticket.__table__
outbox_mail: Table = OutboxMail.__table__
ticket_type: Table = TicketType.__table__
