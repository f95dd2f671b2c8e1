"""What the booking engine hands back: small frozen dataclasses of plain values.

Nothing here is attached to a database session, so the UI and the API can keep, compare and
serialize results freely (`dataclasses.asdict` works on every one of them). Money is integer
cents; times are aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

from ticketapp.booking.sales_status import few_left
from ticketapp.models import BookingStatus

R = TypeVar("R")


def from_row(cls: type[R], row: Any) -> R:
    """A result of `cls` holding the same-named attributes of a database row (detached)."""
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})  # type: ignore[arg-type]


# --- catalog: events and shows ------------------------------------------------------------


@dataclass(frozen=True)
class EventDetails:
    id: int
    organizer_id: int
    title: str
    description: str
    venue_name: str
    venue_address: str
    category: str
    banner_url: str
    status: str  # draft|published|cancelled
    created_at: datetime
    timezone: str  # the venue's IANA zone: every time of the event is shown on its clock


@dataclass(frozen=True)
class EventSummary:
    """A published event as the browse page lists it."""

    id: int
    title: str
    venue_name: str
    category: str
    banner_url: str
    next_show_at: datetime
    show_count: int
    price_from_cents: int | None
    currency: str
    places_total: int
    places_left: int
    timezone: str

    @property
    def sold_out(self) -> bool:
        return self.places_total > 0 and self.places_left == 0

    @property
    def few_left(self) -> bool:
        return few_left(self.places_total, self.places_left)


@dataclass(frozen=True)
class ShowDetails:
    id: int
    event_id: int
    layout_id: int | None
    starts_at: datetime
    sales_open_at: datetime | None
    sales_close_at: datetime | None
    hold_seconds: int
    max_seats_per_customer: int
    status: str  # scheduled|cancelled
    inventory_version: int
    created_at: datetime


@dataclass(frozen=True)
class PriceInfo:
    id: int
    show_id: int
    name: str
    price_cents: int
    currency: str
    rank: int
    color: str
    hidden: bool = False  # not for sale to the public (`hidden_categories`)


@dataclass(frozen=True)
class ShowSummary:
    """A show with its prices, how many places are still for sale and whether it sells.

    `sales` is `sales_status.SalesStatus` (on_sale, not_yet_on_sale, closed, started,
    cancelled, not_published); `editable` says whether `shows.edit_show` would take a change.
    """

    show: ShowDetails
    prices: list[PriceInfo]
    places_total: int
    places_left: int
    sales: str
    editable: bool

    @property
    def sold_out(self) -> bool:
        return self.places_total > 0 and self.places_left == 0

    @property
    def few_left(self) -> bool:
        return few_left(self.places_total, self.places_left)


@dataclass(frozen=True)
class ShowDefaults:
    """What a new show gets unless its organizer says otherwise."""

    hold_seconds: int
    max_seats_per_customer: int


# --- seat map -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowInfo:
    show_id: int
    event_id: int
    event_title: str
    venue_name: str
    venue_address: str
    starts_at: datetime
    sales_open_at: datetime | None
    sales_close_at: datetime | None
    hold_seconds: int
    max_seats_per_customer: int
    status: str  # the show's: scheduled|cancelled
    event_status: str  # draft|published|cancelled
    organizer_id: int
    timezone: str


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    name: str
    price_cents: int
    currency: str
    color: str
    rank: int  # 0 = best
    hidden: bool = False  # not for sale to the public (`hidden_categories`)


@dataclass(frozen=True)
class SeatInfo:
    id: int
    label: str
    section: str
    row_label: str
    number: int
    x: int | None  # None for general-admission places
    y: int | None
    category_id: int
    accessible: bool
    companion: bool
    is_general_admission: bool


@dataclass(frozen=True)
class GeneralAdmissionSection:
    section: str
    category_id: int
    capacity: int


@dataclass(frozen=True)
class SeatMap:
    """The static part of a show's seat map; statuses come separately from `seat_statuses`."""

    show: ShowInfo
    categories: tuple[CategoryInfo, ...]
    seats: tuple[SeatInfo, ...]  # numbered seats first (by section, y, x), then GA places
    general_admission: tuple[GeneralAdmissionSection, ...]


# --- holds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldResult:
    """The state of a hold right after a claim: every seat it now holds, not only new ones."""

    hold_id: int
    show_id: int
    seat_ids: tuple[int, ...]
    labels: tuple[str, ...]
    expires_at: datetime
    total_cents: int
    currency: str
    added_seat_ids: tuple[int, ...] = ()  # the seats this call claimed
    # The renewed waiting-room pass (queue_pass.renewed_pass); None when the show has no queue.
    queue_pass: str | None = None


@dataclass(frozen=True)
class HoldSeat:
    seat_id: int
    label: str
    section: str
    row_label: str
    number: int
    category_id: int
    category_name: str
    price_cents: int
    is_general_admission: bool


@dataclass(frozen=True)
class HoldView:
    hold_id: int
    show_id: int
    user_id: int
    status: str  # active|released|confirmed|expired
    live: bool  # active and not past expires_at
    expires_at: datetime
    seats: tuple[HoldSeat, ...]
    total_cents: int
    currency: str
    event_title: str
    venue_name: str
    starts_at: datetime
    timezone: str
    extendable: bool  # `holds.extend_hold` would add time now (see `hold_extension`)

    @property
    def seat_ids(self) -> tuple[int, ...]:
        return tuple(s.seat_id for s in self.seats)


# --- bookings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketView:
    id: int
    code: str
    seat_id: int
    label: str
    section: str
    category_name: str
    price_cents: int  # paid: the type's price less the discount
    checked_in_at: datetime | None
    live: bool
    row_label: str = ""  # "" for a general-admission place
    number: int = 0
    ticket_type: str = ""  # "" for a category without ticket types
    discount_cents: int = 0


@dataclass(frozen=True)
class BookingView:
    id: int
    code: str
    show_id: int
    event_id: int
    user_id: int
    status: str  # confirmed|cancelled
    total_cents: int
    currency: str
    created_at: datetime
    cancelled_at: datetime | None
    buyer_name: str
    buyer_email: str
    tickets: tuple[TicketView, ...]
    event_title: str
    venue_name: str
    starts_at: datetime
    venue_address: str = ""
    timezone: str = "UTC"  # the venue's IANA zone: every time of the booking is shown in it
    cancel_reason: str = ""  # the organizer's words when they cancelled it ("" otherwise)
    promo_code: str = ""  # the code used, "" for none
    discount_cents: int = 0  # total_cents is already after it


@dataclass(frozen=True)
class CheckInResult:
    # checked_in|already_checked_in|cancelled|wrong_show (another show of this organizer)|
    # unknown (no ticket this door may know of)
    status: str
    checked_in_at: datetime | None = None
    label: str = ""
    booking_code: str = ""
    category_name: str = ""  # the ticket's price category, shown to the steward with the seat
    ticket_type: str = ""  # its ticket type ("" for a category without types): Child, Student…
    timezone: str = "UTC"  # the zone of the show the answer's times belong to
    other_show_id: int | None = None  # wrong_show: the show the ticket is for
    other_event_title: str = ""
    other_starts_at: datetime | None = None

    @property
    def admitted(self) -> bool:
        return self.status == "checked_in"


@dataclass(frozen=True)
class CheckInCounts:
    """The door's live figure: live tickets of the show checked in, out of those sold."""

    show_id: int
    checked_in: int
    sold: int


@dataclass(frozen=True)
class DoorShow:
    """A show whose door the caller may work (organizer, admin, or invited door staff)."""

    show_id: int
    event_id: int
    event_title: str
    venue_name: str
    starts_at: datetime
    timezone: str
    status: str  # scheduled|cancelled


@dataclass(frozen=True)
class DoorStaffMember:
    """A door-staff account an organizer invited."""

    user_id: int
    name: str
    email: str
    granted_at: datetime


class ExpiredSeats(NamedTuple):
    """What the sweeper released on one show (a tuple, so `for show_id, ids in ...` works)."""

    show_id: int
    seat_ids: tuple[int, ...]


# --- mail ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailView:
    """One outbox mail, as organizers and admins see it (failed ones, mostly)."""

    id: int
    kind: str  # booking_confirmed|booking_cancelled|show_cancelled
    status: str  # pending|sending|sent|failed
    to_address: str
    subject: str
    booking_id: int | None
    booking_code: str | None
    event_id: int | None
    event_title: str | None
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None


# --- organizer reports --------------------------------------------------------------------


@dataclass(frozen=True)
class SalesCounts:
    total: int  # every place, blocked included
    sold: int
    held: int  # in a live hold
    available: int  # free, or held by a hold past its time
    blocked: int
    revenue_cents: int


@dataclass(frozen=True)
class TypeSales:
    """Live tickets and revenue (after discounts) of one ticket type of a category."""

    name: str  # "" for the category's implicit type
    sold: int
    revenue_cents: int


@dataclass(frozen=True)
class CategorySales:
    category_id: int
    name: str
    price_cents: int
    currency: str
    counts: SalesCounts
    types: tuple[TypeSales, ...] = ()  # the types sold so far, in the category's order


@dataclass(frozen=True)
class ShowSales:
    show_id: int
    starts_at: datetime
    status: str
    currency: str
    counts: SalesCounts
    categories: tuple[CategorySales, ...]


@dataclass(frozen=True)
class EventSales:
    event_id: int
    title: str
    currency: str
    counts: SalesCounts
    shows: tuple[ShowSales, ...]


@dataclass(frozen=True)
class BookingRow:
    """One line of the organizer's booking list."""

    id: int
    code: str
    show_id: int
    starts_at: datetime
    user_id: int
    buyer_name: str
    buyer_email: str
    status: str
    ticket_count: int
    total_cents: int
    currency: str
    created_at: datetime
    cancelled_at: datetime | None
    timezone: str = "UTC"
    promo_code: str = ""
    discount_cents: int = 0  # total_cents is already after it

    @property
    def cancellable(self) -> bool:
        """Still confirmed: the organizer (or the buyer) may cancel it."""
        return self.status == BookingStatus.CONFIRMED


@dataclass(frozen=True)
class DailySales:
    day: date  # UTC calendar day of the booking
    bookings: int
    tickets: int
    revenue_cents: int


# --- the organizer's dashboard ------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingShow:
    """A show still to come, with its figures, for the organizer's overview."""

    show_id: int
    event_id: int
    event_title: str
    starts_at: datetime
    currency: str
    counts: SalesCounts
    timezone: str


@dataclass(frozen=True)
class CategoryTotal:
    """Places and revenue of one price category (by name), summed over shows."""

    name: str
    currency: str
    total: int  # places, blocked ones excluded
    sold: int
    revenue_cents: int


@dataclass(frozen=True)
class OrganizerOverview:
    shows: tuple[UpcomingShow, ...]  # soonest first
    counts: SalesCounts  # the upcoming shows together
    categories: tuple[CategoryTotal, ...]  # over the upcoming shows
    daily: tuple[DailySales, ...]  # every event of the organizer, oldest day first
    currency: str


@dataclass(frozen=True)
class OrganizerEvent:
    """One line of the organizer's event list."""

    id: int
    title: str
    venue_name: str
    status: str  # draft|published|cancelled
    show_count: int
    next_show_at: datetime | None  # the next scheduled show still to come
    sold: int
    revenue_cents: int
    currency: str
    bookings: int  # confirmed and cancelled: any booking makes an event undeletable
    timezone: str


@dataclass(frozen=True)
class Cancellation:
    """What cancelling an event or a show did. `bookings`: every booking this call cancelled
    (never one that was cancelled before); each got its buyer's mail in the outbox."""

    event_id: int
    show_ids: tuple[int, ...]
    bookings: tuple[BookingView, ...]


@dataclass(frozen=True)
class LayoutSummary:
    id: int
    name: str
    sections: int
    seats: int  # numbered seats, blocked included
    standing: int  # general-admission places
    upcoming_shows: int  # scheduled shows still to come that a change of this layout reaches
    created_at: datetime


@dataclass(frozen=True)
class LayoutSaved:
    layout_id: int
    shows_updated: tuple[int, ...]  # upcoming shows whose places changed
    places_added: int
    places_removed: int  # deleted, or retired as blocked (a place with ticket history)


@dataclass(frozen=True)
class EventReport:
    sales: EventSales  # every show, cancelled ones included
    counts: SalesCounts  # the shows that are not cancelled, together
    daily: tuple[DailySales, ...]
    categories: tuple[CategoryTotal, ...]  # the shows that are not cancelled
    bookings: int  # any status: one makes the event undeletable
    live_bookings: int  # confirmed: what cancelling the event would cancel (at most)
