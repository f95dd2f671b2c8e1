"""The tables of ticketapp.

Inventory is materialized per show: every seat (and every general-admission place) of a show
is one `ShowSeat` row, so each claim is a row-level operation on exactly the seats involved.
The partial unique index `uq_ticket_live_seat` is the database's own guarantee that a seat is
never in two live tickets; the booking engine never relies on it alone, and never runs
without it. Money is integer cents; times are timezone-aware UTC (timestamptz on PostgreSQL).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


# Statuses and roles are StrEnums: each member IS its string (stored as is, compares equal to
# the plain string the database hands back), so the columns stay plain VARCHARs.


class Role(StrEnum):
    CUSTOMER = "customer"
    ORGANIZER = "organizer"
    ADMIN = "admin"
    # Door staff: checks tickets in for the organizers who invited them, and nothing else
    # (the grants are `DoorStaffGrant` rows; booking.access.may_check_in is the rule).
    DOOR = "door"


Role.ALL = tuple(Role)  # type: ignore[attr-defined]  # every role, for membership tests


class SeatStatus(StrEnum):
    AVAILABLE = "available"
    HELD = "held"
    BOOKED = "booked"
    BLOCKED = "blocked"


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class ShowStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class HoldStatus(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    CONFIRMED = "confirmed"  # turned into a booking
    EXPIRED = "expired"


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True}, index=False)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=100)
    role: str = Field(default=Role.CUSTOMER, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    # Every token carries the version it was issued under; bumping it (password change, "log
    # out everywhere", an admin disabling the account) ends every older token at once.
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    disabled: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Layout(SQLModel, table=True):
    """An organizer's reusable seat layout. Aisles and gaps are missing grid cells."""

    id: int | None = Field(default=None, primary_key=True)
    organizer_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow)


class LayoutSection(SQLModel, table=True):
    """A block of a layout. A general-admission section has a capacity and no seats."""

    __tablename__ = "layout_section"
    __table_args__ = (sa.UniqueConstraint("layout_id", "name", name="uq_layout_section_name"),)
    id: int | None = Field(default=None, primary_key=True)
    layout_id: int = Field(foreign_key="layout.id", ondelete="CASCADE")
    name: str = Field(max_length=80)
    category: str = Field(max_length=60)  # the price category's name
    is_general_admission: bool = False
    capacity: int = 0  # general admission only
    sort_order: int = 0


class LayoutSeat(SQLModel, table=True):
    __tablename__ = "layout_seat"
    __table_args__ = (
        sa.UniqueConstraint("section_id", "row_label", "number", name="uq_layout_seat_place"),
    )
    id: int | None = Field(default=None, primary_key=True)
    layout_id: int = Field(foreign_key="layout.id", index=True, ondelete="CASCADE")
    section_id: int = Field(foreign_key="layout_section.id", ondelete="CASCADE")
    row_label: str = Field(max_length=8)
    number: int
    x: int  # grid column, 0 = left
    y: int  # grid row, 0 = nearest the stage
    accessible: bool = False
    companion: bool = False
    blocked: bool = False


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organizer_id: int = Field(foreign_key="app_user.id", index=True)
    title: str = Field(max_length=200)
    description: str = ""
    venue_name: str = Field(max_length=200)
    venue_address: str = ""
    # The venue's IANA time zone: times are stored in UTC and entered and shown in this zone.
    timezone: str = Field(default="UTC", max_length=64, sa_column_kwargs={"server_default": "UTC"})
    category: str = Field(default="other", max_length=40)
    banner_url: str = ""
    status: str = Field(default="draft", max_length=16)  # draft|published|cancelled
    created_at: datetime = Field(default_factory=utcnow)
    # Kept by the engine (booking.search): title, venue, description without case or accents.
    search_text: str = Field(default="", sa_column_kwargs={"server_default": ""})
    venue_search: str = Field(default="", sa_column_kwargs={"server_default": ""})


class Show(SQLModel, table=True):
    """One showtime of an event, with a snapshot of its layout as `ShowSeat` rows."""

    __table_args__ = (sa.Index("ix_show_event_starts", "event_id", "starts_at"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id")
    layout_id: int | None = Field(default=None, foreign_key="layout.id")
    starts_at: datetime
    sales_open_at: datetime | None = None
    sales_close_at: datetime | None = None  # default: the start time
    hold_seconds: int = 600
    max_seats_per_customer: int = 10
    status: str = Field(default="scheduled", max_length=16)  # scheduled|cancelled
    # Bumped whenever a layout edit changes this show's places, so cached seat layouts
    # (per process, and in browsers by URL) are never mistaken for the current one.
    inventory_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The waiting list after sell-out (booking/waiting_list.py): open unless the organizer
    # turns it off; a returned seat offered to the next person is held this long for them.
    waiting_list_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    waiting_offer_seconds: int = Field(default=1800, sa_column_kwargs={"server_default": "1800"})
    created_at: datetime = Field(default_factory=utcnow)
    # The virtual waiting room (booking/waiting_room.py), opt-in per show. It opens at
    # `sales_open_at`; holding then needs a pass. Read by the hold's first statement.
    queue_enabled: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    queue_paused: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    queue_per_minute: int | None = None  # customers admitted per minute
    queue_max_active: int | None = None  # or: at most this many shoppers at once
    queue_pass_seconds: int = Field(default=600, sa_column_kwargs={"server_default": "600"})


class PriceCategory(SQLModel, table=True):
    __tablename__ = "price_category"
    __table_args__ = (sa.UniqueConstraint("show_id", "name", name="uq_price_category_name"),)
    id: int | None = Field(default=None, primary_key=True)
    show_id: int = Field(foreign_key="show.id", ondelete="CASCADE")
    name: str = Field(max_length=60)
    price_cents: int = Field(sa_column_kwargs={"nullable": False})
    currency: str = Field(default="EUR", max_length=3)
    rank: int = 0  # 0 = best; used by best-available
    color: str = Field(default="#3b82f6", max_length=16)
    # Not for sale to the public: only an access code that unlocks it opens its places
    # (`booking.promo_codes`, "hidden categories").
    hidden: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class TicketType(SQLModel, table=True):
    """A way to buy a seat of a price category: Adult, Child, Wheelchair companion, ...

    A category without ticket types sells at its own price (its one implicit type). `sold`
    counts the live tickets of this type, moved by conditional UPDATEs (`booking.ticket_types`)
    so `quantity_limit` holds under concurrency.
    """

    __tablename__ = "ticket_type"
    __table_args__ = (sa.UniqueConstraint("category_id", "name", name="uq_ticket_type_name"),)
    id: int | None = Field(default=None, primary_key=True)
    category_id: int = Field(foreign_key="price_category.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=60)
    price_cents: int
    quantity_limit: int | None = None  # per show (a category belongs to one show)
    sold: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    proof_note: str = Field(default="", max_length=200)  # "Student ID at the door"
    sort_order: int = 0  # the first type is the default


class PromoCode(SQLModel, table=True):
    """A code a customer enters at checkout for a discount (see `booking.promo_codes`).

    `uses` counts the confirmed bookings made with it, moved by a conditional UPDATE, so
    `max_uses` holds under concurrency; `PromoCodeUse` counts them per customer.
    """

    __tablename__ = "promo_code"
    __table_args__ = (sa.UniqueConstraint("event_id", "code", name="uq_promo_code_code"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=40)  # stored upper-case; customers may type any case
    kind: str = Field(max_length=16)  # percent|amount|fixed_price|access (no discount)
    value: int  # percent: 1..100; amount and fixed_price: cents
    show_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)  # empty: every show
    category_names: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # empty: all
    ticket_type_names: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # empty: all
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    uses: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    # An access code: holders may buy in the presale, before the shows' sales open.
    unlocks_presale: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Holders may buy seats of hidden categories (those named in category_names, or all).
    unlocks_hidden: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = Field(default_factory=utcnow)


class PromoCodeUse(SQLModel, table=True):
    """How many live bookings one customer has made with one code."""

    __tablename__ = "promo_code_use"
    code_id: int = Field(foreign_key="promo_code.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    uses: int = 0


class Hold(SQLModel, table=True):
    """A customer's cart on one show; live while status is 'active' and now < expires_at."""

    __table_args__ = (
        sa.Index("ix_hold_show_user", "show_id", "user_id", "status"),
        # Live holds by expiry, for the sweeper (it ran over every hold ever made, each second).
        sa.Index(
            "ix_hold_active_expiry",
            "expires_at",
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    show_id: int = Field(foreign_key="show.id")
    user_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    status: str = Field(default="active", max_length=16)  # active|released|confirmed|expired
    # When the customer extended it (once at most: `booking.hold_extension`); None: never.
    extended_at: datetime | None = None


class WaitingStatus(StrEnum):
    WAITING = "waiting"  # in the queue
    OFFERED = "offered"  # seats are held for them by `hold_id` (the offer)
    BOOKED = "booked"  # the offer became a booking
    LAPSED = "lapsed"  # the offer ran out or was given back; the seats moved on
    LEFT = "left"  # the customer left the list
    CLOSED = "closed"  # the organizer turned the list off


class WaitingEntry(SQLModel, table=True):
    """A customer's place on a show's waiting list (see booking/waiting_list.py)."""

    __tablename__ = "waiting_entry"
    __table_args__ = (
        sa.Index("ix_waiting_entry_status_show", "status", "show_id", "id"),
        sa.Index("ix_waiting_entry_user", "user_id", "show_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    show_id: int = Field(foreign_key="show.id")
    user_id: int = Field(foreign_key="app_user.id")
    quantity: int
    category_id: int | None = Field(default=None, foreign_key="price_category.id")
    accessible: bool = False
    status: str = Field(default=WaitingStatus.WAITING, max_length=16)
    hold_id: int | None = Field(default=None, foreign_key="hold.id")  # the offer, once made
    created_at: datetime = Field(default_factory=utcnow)
    offered_at: datetime | None = None
    ended_at: datetime | None = None


class Booking(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, sa_column_kwargs={"unique": True})
    user_id: int = Field(foreign_key="app_user.id", index=True)
    show_id: int = Field(foreign_key="show.id", index=True)
    # unique: confirming the same hold twice finds the first booking (idempotent confirm)
    hold_id: int | None = Field(
        default=None, foreign_key="hold.id", sa_column_kwargs={"unique": True}
    )
    status: str = Field(default="confirmed", max_length=16)  # confirmed|cancelled
    total_cents: int
    currency: str = Field(default="EUR", max_length=3)
    buyer_name: str = Field(default="", max_length=120)
    buyer_email: str = Field(default="", max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
    cancelled_at: datetime | None = None
    cancel_reason: str = ""
    # The promo code used (its text kept as typed, so the booking reads the same after the
    # code is deleted) and the discount it gave: total_cents is already after the discount.
    promo_code_id: int | None = Field(
        default=None, foreign_key="promo_code.id", ondelete="SET NULL"
    )
    promo_code: str = Field(default="", max_length=40, sa_column_kwargs={"server_default": ""})
    discount_cents: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ShowSeat(SQLModel, table=True):
    """One sellable place of one show: a numbered seat, or a general-admission place."""

    __tablename__ = "show_seat"
    __table_args__ = (
        sa.UniqueConstraint("show_id", "section", "row_label", "number", name="uq_show_seat_place"),
        # Held seats by expiry, for the sweeper. Partial on purpose: an index on
        # (show_id, status) let the planner answer "these two seats, if available" by walking
        # every available seat of the show (a fresh show has no statistics yet), which made
        # each claim cost milliseconds of database CPU (see migration 0013).
        sa.Index(
            "ix_show_seat_held",
            "held_until",
            postgresql_where=sa.text("status = 'held'"),
            sqlite_where=sa.text("status = 'held'"),
        ),
        sa.Index("ix_show_seat_hold", "hold_id"),
        sa.Index("ix_show_seat_booking", "booking_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    show_id: int = Field(foreign_key="show.id")
    category_id: int = Field(foreign_key="price_category.id")
    section: str = Field(max_length=80)
    row_label: str = Field(default="", max_length=8)
    number: int
    x: int | None = None  # None for general admission
    y: int | None = None
    label: str = Field(max_length=64)
    accessible: bool = False
    companion: bool = False
    is_general_admission: bool = False
    status: str = Field(default=SeatStatus.AVAILABLE, max_length=16)
    hold_id: int | None = Field(default=None, foreign_key="hold.id")
    held_until: datetime | None = None
    booking_id: int | None = Field(default=None, foreign_key="booking.id")
    version: int = 0


class Ticket(SQLModel, table=True):
    __table_args__ = (
        # The last line of defence against double booking: one live ticket per seat.
        sa.Index(
            "uq_ticket_live_seat",
            "show_seat_id",
            unique=True,
            postgresql_where=sa.text("live"),
            sqlite_where=sa.text("live"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="booking.id", index=True)
    show_seat_id: int = Field(foreign_key="show_seat.id")
    code: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    price_cents: int  # what the buyer paid: the ticket type's price less the discount
    live: bool = True
    # The ticket type chosen (None: the category's implicit one) and its name at the time.
    ticket_type_id: int | None = Field(
        default=None, foreign_key="ticket_type.id", ondelete="SET NULL"
    )
    ticket_type: str = Field(default="", max_length=60, sa_column_kwargs={"server_default": ""})
    discount_cents: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    checked_in_at: datetime | None = None


class DoorStaffGrant(SQLModel, table=True):
    """An organizer lets a door-staff account check tickets in for all of their events."""

    __tablename__ = "door_staff_grant"
    __table_args__ = (sa.UniqueConstraint("organizer_id", "staff_id", name="uq_door_staff_grant"),)
    id: int | None = Field(default=None, primary_key=True)
    organizer_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE")
    staff_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a request carrying an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_record"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "scope", "key", name="uq_idempotency_user_scope_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    scope: str = Field(max_length=60)  # e.g. "POST /api/v1/holds"
    key: str = Field(max_length=120)
    request_hash: str = Field(max_length=64)
    status_code: int
    response_json: str
    created_at: datetime = Field(default_factory=utcnow)


class MailStatus:
    PENDING = "pending"  # waiting for its next_attempt_at
    SENDING = "sending"  # claimed by a sender until next_attempt_at (the lease)
    SENT = "sent"
    FAILED = "failed"  # gave up; shown to the event's organizer and admins


class OutboxMail(SQLModel, table=True):
    """A mail to send, written in the same transaction as the booking change it reports.

    `dedupe_key` ("booking-confirmed:42") makes every change produce at most one row; the
    sender (`ticketapp.mail.sender`) claims rows by moving them to `sending` with a lease in
    `next_attempt_at`, so one index serves both "due" and "lease run out".
    """

    __tablename__ = "outbox_mail"
    __table_args__ = (sa.Index("ix_outbox_mail_due", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=120, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=32)  # booking_confirmed|booking_cancelled|show_cancelled
    booking_id: int | None = Field(default=None, foreign_key="booking.id", index=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    payload: str  # JSON snapshot of what the mail reports, taken inside the transaction
    status: str = Field(default=MailStatus.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime
    claim_token: str = Field(default="", max_length=32)  # the sender holding the lease
    last_error: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class WaitingRoomEntry(SQLModel, table=True):
    """One account's place in a show's waiting room (the PostgreSQL store, and the durable
    journal of the Redis store). Order: early arrivals by `lottery`, then the rest by id."""

    __tablename__ = "waiting_room_entry"
    __table_args__ = (
        sa.UniqueConstraint("show_id", "user_id", name="uq_waiting_room_entry_user"),
        sa.Index("ix_waiting_room_entry_order", "show_id", "admitted_at", "lottery", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    show_id: int = Field(foreign_key="show.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE")
    joined_at: datetime
    # Drawn at join for those who came before the on-sale time (NULL for later arrivals).
    lottery: int | None = Field(default=None, sa_type=sa.BigInteger)
    admitted_at: datetime | None = None
    pass_expires_at: datetime | None = None


class WaitingRoomTick(SQLModel, table=True):
    """A show's admission clock: when it last admitted and the fraction of a customer owed."""

    __tablename__ = "waiting_room_tick"
    show_id: int = Field(foreign_key="show.id", primary_key=True, ondelete="CASCADE")
    ticked_at: datetime
    credit: float = 0.0
