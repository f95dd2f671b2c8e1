"""Request and response bodies of the REST API.

Request models check the *shape* of input (types, lengths, ranges, aware datetimes) so that
nothing malformed reaches the database: a NUL byte, an id beyond PostgreSQL's integer, a
naive or out-of-range datetime would otherwise surface as a server error. Business rules
(what a valid show, hold or booking is) stay in `ticketapp.booking` and `ticketapp.auth`; the
bounds here only restate their limits for the OpenAPI schema.

Response models are built from the engine's plain results with `from_attributes`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import pydantic
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)

from ticketapp import auth
from ticketapp.booking import MAX_SEATS_PER_REQUEST

MAX_ID = 2**31 - 1  # PostgreSQL `integer`: larger ids cannot exist and must not reach it
MAX_PRICE_CENTS = 100_000_000  # one million in any currency; the column is a 32-bit integer
NO_NUL = r"^[^\x00]*$"


def _encodable(value: str) -> str:
    # Lone surrogates decode from JSON but cannot be stored as UTF-8.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


def text(max_length: int, *, min_length: int = 0) -> Any:
    """A string that the database can store: bounded, no NUL byte, valid UTF-8."""
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length, pattern=NO_NUL),
        AfterValidator(_encodable),
    ]


def _utc_in_range(value: datetime) -> datetime:
    try:
        value = value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("date is out of range") from exc
    if not 2000 <= value.year <= 2200:
        raise ValueError("date must be between the years 2000 and 2200")
    return value


AwareDatetime = Annotated[
    pydantic.AwareDatetime,
    Field(description="ISO 8601 with a time zone offset, e.g. 2030-05-01T19:30:00+02:00."),
    AfterValidator(_utc_in_range),
]


def _iso_day(value: Any) -> Any:
    # pydantic would also take a number (a Unix time) for a date; the schema says YYYY-MM-DD.
    if not isinstance(value, date) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        raise ValueError("must be a calendar day such as 2031-05-01")
    return value


IsoDay = Annotated[date, BeforeValidator(_iso_day)]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Quantity = Annotated[int, Field(ge=1, le=MAX_SEATS_PER_REQUEST)]


def _unique(ids: list[int]) -> list[int]:
    if len(set(ids)) != len(ids):
        raise ValueError("seat ids must not repeat")
    return ids


SeatIds = Annotated[
    list[Id],
    Field(min_length=1, max_length=MAX_SEATS_PER_REQUEST),
    AfterValidator(_unique),
]


class Input(BaseModel):
    """Request bodies: unknown fields are a mistake worth telling the client about."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- errors -----------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(examples=["seats_unavailable"])
    message: str
    seats: list[int] | None = Field(None, description="Seat ids lost to another buyer.")
    labels: list[str] | None = Field(None, description="Their human labels.")
    field: str | None = Field(None, description="The input field at fault, when one is.")
    details: list[dict[str, Any]] | None = Field(None, description="Request validation errors.")


class ErrorResponse(BaseModel):
    error: ErrorDetail


# --- auth -------------------------------------------------------------------------------------

Name = text(120, min_length=1)
Email = text(254, min_length=1)
Password = text(200, min_length=1)
NewPassword = Annotated[
    text(200, min_length=auth.MIN_PASSWORD_LENGTH),
    Field(description="At least 8 characters, at most 72 bytes."),
]


class SignUpIn(Input):
    name: Name
    email: Email
    password: NewPassword
    role: Literal["customer", "organizer"] = "customer"


class LogInIn(Input):
    email: Email
    password: Password


class UserOut(Output):
    id: int
    email: str
    name: str
    role: str
    created_at: datetime


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")
    user: UserOut


class ProfileIn(Input):
    name: Name


class PasswordChangeIn(Input):
    current_password: Password
    new_password: NewPassword


# --- events -----------------------------------------------------------------------------------


def _banner(value: str) -> str:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value


Title = text(200, min_length=1)
VenueName = text(200, min_length=1)
Description = text(20_000)
Address = text(500)
Category = text(40)
BannerUrl = Annotated[text(2000), AfterValidator(_banner)]
TimeZone = Annotated[
    text(64, min_length=1),
    Field(
        description="The venue's IANA time zone, e.g. Europe/Vienna (default UTC): shows' "
        "times are shown to customers, on tickets, in mails and exports on this clock.",
        examples=["Europe/Vienna"],
    ),
]
EventStatus = Literal["draft", "published"]


class EventCreateIn(Input):
    title: Title
    venue_name: VenueName
    description: Description = ""
    venue_address: Address = ""
    category: Category = "other"
    banner_url: BannerUrl = ""
    status: EventStatus = "draft"
    timezone: TimeZone = "UTC"


class EventUpdateIn(Input):
    """Only the fields sent are changed; `status: "published"` publishes the event."""

    title: Title | None = None
    venue_name: VenueName | None = None
    description: Description | None = None
    venue_address: Address | None = None
    category: Category | None = None
    banner_url: BannerUrl | None = None
    status: EventStatus | None = None
    timezone: TimeZone | None = None


class EventOut(Output):
    id: int
    organizer_id: int
    title: str
    description: str
    venue_name: str
    venue_address: str
    category: str
    banner_url: str
    status: str
    created_at: datetime
    timezone: str = Field(
        description="The venue's IANA time zone; times are UTC, shown on its clock."
    )


class EventSummaryOut(Output):
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
    sold_out: bool
    few_left: bool
    timezone: str = Field(
        description="The venue's IANA time zone; times are UTC, shown on its clock."
    )


class EventPage(BaseModel):
    items: list[EventSummaryOut]
    total: int
    limit: int
    offset: int


# --- shows ------------------------------------------------------------------------------------


PriceName = text(60, min_length=1)


class PriceIn(Input):
    name: PriceName
    price_cents: Annotated[int, Field(ge=0, le=MAX_PRICE_CENTS)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "EUR"
    rank: Annotated[int, Field(ge=0, le=100)] = 0
    color: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] = "#3b82f6"
    hidden: StrictBool = Field(
        False,
        description="Not for sale to the public: only an access code with `unlocks_hidden` "
        "opens its places.",
    )


class ShowCreateIn(Input):
    starts_at: AwareDatetime
    layout_id: Id
    prices: Annotated[list[PriceIn], Field(min_length=1, max_length=50)]
    sales_open_at: AwareDatetime | None = None
    sales_close_at: AwareDatetime | None = None
    # Not sent: the deployment's defaults (HOLD_SECONDS, MAX_SEATS_PER_CUSTOMER).
    hold_seconds: Annotated[int, Field(ge=5, le=86_400)] | None = None
    max_seats_per_customer: Annotated[int, Field(ge=1, le=MAX_SEATS_PER_REQUEST)] | None = None


class ShowUpdateIn(Input):
    """Only the fields sent are changed."""

    starts_at: AwareDatetime | None = None
    sales_open_at: AwareDatetime | None = None
    sales_close_at: AwareDatetime | None = None
    hold_seconds: Annotated[int, Field(ge=5, le=86_400)] | None = None
    max_seats_per_customer: Annotated[int, Field(ge=1, le=MAX_SEATS_PER_REQUEST)] | None = None
    status: Literal["scheduled", "cancelled"] | None = None


class PriceOut(Output):
    id: int
    name: str
    price_cents: int
    currency: str
    rank: int
    color: str
    hidden: bool = Field(
        False, description="Not for public sale (only its organizer sees such a category)."
    )


class CategoryUpdateIn(Input):
    hidden: StrictBool = Field(
        description="Hide the category from public sale (true) or open it again (false)."
    )


class ShowOut(BaseModel):
    id: int
    event_id: int
    layout_id: int | None
    starts_at: datetime
    sales_open_at: datetime | None
    sales_close_at: datetime | None
    hold_seconds: int
    max_seats_per_customer: int
    status: str
    prices: list[PriceOut]
    places_total: int
    places_left: int
    sales: str = Field(
        description="on_sale, not_yet_on_sale, closed, started, cancelled or not_published"
    )

    @classmethod
    def of(cls, summary: Any) -> ShowOut:
        """From `booking.ShowSummary`: the show's own fields, its prices, counts and sales."""
        show = summary.show
        return cls(
            id=show.id,
            event_id=show.event_id,
            layout_id=show.layout_id,
            starts_at=show.starts_at,
            sales_open_at=show.sales_open_at,
            sales_close_at=show.sales_close_at,
            hold_seconds=show.hold_seconds,
            max_seats_per_customer=show.max_seats_per_customer,
            status=show.status,
            prices=[PriceOut.model_validate(p) for p in summary.prices],
            places_total=summary.places_total,
            places_left=summary.places_left,
            sales=summary.sales,
        )


class ShowInfoOut(Output):
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
    status: str
    event_status: str
    organizer_id: int
    timezone: str = Field(
        description="The venue's IANA time zone; times are UTC, shown on its clock."
    )


class CategoryOut(Output):
    id: int
    name: str
    price_cents: int
    currency: str
    color: str
    rank: int
    hidden: bool = Field(False, description="Not for public sale: its seats read `hidden`.")


class SeatOut(Output):
    id: int
    label: str
    section: str
    row_label: str
    number: int
    x: int | None
    y: int | None
    category_id: int
    accessible: bool
    companion: bool
    is_general_admission: bool


class GeneralAdmissionOut(Output):
    section: str
    category_id: int
    capacity: int


class SeatMapOut(Output):
    show: ShowInfoOut
    categories: list[CategoryOut]
    seats: list[SeatOut]
    general_admission: list[GeneralAdmissionOut]

    @classmethod
    def of(cls, seat_map: Any) -> SeatMapOut:
        return cls.model_validate(seat_map)


class SeatStatusesOut(BaseModel):
    show_id: int
    statuses: dict[str, str] = Field(
        description="Seat id (as a string: JSON keys are strings) to its status."
    )


# --- holds ------------------------------------------------------------------------------------


AccessCode = Annotated[
    text(40),
    Field(
        description="An access code of the event: lets you hold before the sales open, or "
        "seats of the hidden categories it unlocks."
    ),
]


class HoldSeatsIn(Input):
    show_id: Id
    seat_ids: SeatIds
    access_code: AccessCode = ""


class BestAvailableIn(Input):
    show_id: Id
    quantity: Quantity
    category_id: Id | None = Field(None, description="Only seats of this price category.")
    accessible: Annotated[int, Field(ge=0, le=MAX_SEATS_PER_REQUEST, strict=True)] = Field(
        0, description="How many of the seats must be wheelchair-accessible."
    )
    access_code: AccessCode = ""


class GeneralAdmissionIn(Input):
    show_id: Id
    quantity: Quantity
    section: text(80, min_length=1) | None = Field(
        None, description="A general-admission section; any one with room if omitted."
    )
    access_code: AccessCode = ""


class ReleaseSeatsIn(Input):
    seat_ids: SeatIds


class HoldOut(Output):
    """The hold right after a claim: every seat it now holds, not only the new ones."""

    hold_id: int
    show_id: int
    seat_ids: list[int]
    labels: list[str]
    expires_at: datetime
    total_cents: int
    currency: str
    added_seat_ids: list[int]
    queue_pass: str | None = Field(
        None,
        description="While the show's waiting room is on: your renewed pass (good as long as "
        "the hold); send it as the Queue-Pass header of your next hold request.",
    )


class HoldSeatOut(Output):
    seat_id: int
    label: str
    section: str
    row_label: str
    number: int
    category_id: int
    category_name: str
    price_cents: int
    is_general_admission: bool


class HoldViewOut(Output):
    hold_id: int
    show_id: int
    user_id: int
    status: str
    live: bool
    expires_at: datetime
    seats: list[HoldSeatOut]
    seat_ids: list[int]
    total_cents: int
    currency: str
    event_title: str
    venue_name: str
    starts_at: datetime
    timezone: str = Field(
        description="The venue's IANA time zone; times are UTC, shown on its clock."
    )
    extendable: bool = Field(
        description="POST /holds/{id}/extend would add time now (once, in the last minute)."
    )


class ReleasedOut(BaseModel):
    hold_id: int
    released_seat_ids: list[int]


# --- bookings ---------------------------------------------------------------------------------


# Strict: JSON `true`/`false` are not numbers (lax ints would read them as 1 and 0). Object
# keys are strings in JSON, so a seat id key stays lax ("12" -> 12).
StrictId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
StrictCount = Annotated[int, Field(ge=0, le=MAX_ID, strict=True)]
StrictCents = Annotated[int, Field(ge=0, le=MAX_PRICE_CENTS, strict=True)]

TicketTypes = Annotated[
    dict[Id, StrictId],
    Field(
        max_length=MAX_SEATS_PER_REQUEST,
        description="Seat id -> ticket type id of the seat's category; a seat not named sells "
        "as its category's first type (or at the category's price when it has no types).",
    ),
]
PromoCodeText = Annotated[
    text(40),
    Field(
        description="A promo code of the event, any case; empty for none. Before the sales "
        "open, the access code the hold was made with (it is claimed like any code)."
    ),
]


class ConfirmIn(Input):
    hold_id: Id
    buyer_name: text(120) = Field("", description="Defaults to your account name.")
    buyer_email: text(254) = Field("", description="Defaults to your account e-mail.")
    ticket_types: TicketTypes = {}
    promo_code: PromoCodeText = ""


class QuoteIn(Input):
    """The choices to price a live hold with (nothing is claimed)."""

    ticket_types: TicketTypes = {}
    promo_code: PromoCodeText = ""


class PurchaseIn(Input):
    """Hold and confirm in one request (box offices, kiosks, integrations): give `seat_ids`,
    or a `quantity` of the best seats left (optionally in a price category, with wheelchair
    spaces) or of standing places in a general-admission `section`."""

    show_id: Id
    seat_ids: SeatIds | None = Field(None, description="Exactly these seats.")
    quantity: Quantity | None = Field(None, description="How many of the best places left.")
    category_id: Id | None = Field(None, description="With quantity: only this category.")
    accessible: Annotated[int, Field(ge=0, le=MAX_SEATS_PER_REQUEST, strict=True)] = Field(
        0, description="With quantity: how many must be wheelchair-accessible."
    )
    section: text(80, min_length=1) | None = Field(
        None, description="With quantity: standing places of this general-admission section."
    )
    buyer_name: text(120) = Field("", description="Defaults to your account name.")
    buyer_email: text(254) = Field("", description="Defaults to your account e-mail.")
    ticket_types: TicketTypes = Field(
        {}, description="With seat_ids: seat id -> ticket type id (as for a confirm)."
    )
    promo_code: PromoCodeText = ""

    @model_validator(mode="after")
    def _seats_or_quantity(self) -> PurchaseIn:
        if (self.seat_ids is None) == (self.quantity is None):
            raise ValueError("give either seat_ids or quantity")
        if self.ticket_types and self.seat_ids is None:
            raise ValueError("ticket_types needs seat_ids (best seats sell as the first type)")
        return self


class CancelIn(Input):
    reason: text(500) = ""


class TicketOut(Output):
    id: int
    code: str
    seat_id: int
    label: str
    section: str
    category_name: str
    price_cents: int = Field(description="Paid: the ticket type's price less the discount.")
    checked_in_at: datetime | None
    live: bool
    row_label: str = Field(description="The seat's row; empty for a general-admission place.")
    number: int
    ticket_type: str = Field(description="The ticket type's name; empty for none.")
    discount_cents: int


class BookingOut(Output):
    id: int
    code: str
    show_id: int
    event_id: int
    user_id: int
    status: str
    total_cents: int
    currency: str
    created_at: datetime
    cancelled_at: datetime | None
    buyer_name: str
    buyer_email: str
    tickets: list[TicketOut]
    event_title: str
    venue_name: str
    starts_at: datetime
    venue_address: str
    timezone: str = Field(description="The venue's IANA time zone, e.g. Europe/Vienna.")
    cancel_reason: str = Field(description="The organizer's reason, for a cancelled booking.")
    promo_code: str = Field(description="The promo code used; empty for none.")
    discount_cents: int = Field(description="Already taken off total_cents.")


class ChoiceOut(Output):
    type_id: int | None = Field(description="None: the category's own price (no types).")
    name: str
    price_cents: int
    proof_note: str = Field("", description="What the buyer of this type shows at the door.")


class QuoteLineOut(Output):
    seat_id: int
    label: str
    section: str
    category_name: str
    type_id: int | None
    type_name: str
    list_price_cents: int
    discount_cents: int
    price_cents: int
    options: list[ChoiceOut] = Field(description="The ticket types to choose from.")


class CheckoutQuoteOut(Output):
    hold_id: int
    lines: list[QuoteLineOut]
    currency: str
    promo_code: str
    subtotal_cents: int
    discount_cents: int
    total_cents: int


class TicketTypeIn(Input):
    name: text(60, min_length=1)
    price_cents: StrictCents
    quantity_limit: StrictCount | None = Field(
        None, description="Tickets of this type per show; none for no limit."
    )
    proof_note: text(200) = Field("", description='Shown to buyers, e.g. "Student ID".')


class TicketTypeOut(Output):
    id: int
    category_id: int
    name: str
    price_cents: int
    quantity_limit: int | None
    sold: int
    proof_note: str
    sort_order: int


class PromoCodeIn(Input):
    """`percent` (value 1..100), `amount` (cents off each ticket), `fixed_price` (each
    ticket costs value cents) or `access` (nothing off; with `unlocks_presale` and/or
    `unlocks_hidden`). Discounts are per ticket, rounded half up to the cent.
    `unlocks_presale`: holders may hold and buy before the sales open; `unlocks_hidden`:
    holders may hold and buy seats of hidden categories — those named in `category_names`, or
    all hidden categories of its shows when it names none (give the code as `access_code`
    when holding, `promo_code` at confirm)."""

    code: text(40, min_length=1)
    kind: Literal["percent", "amount", "fixed_price", "access"]
    value: StrictCents
    show_ids: Annotated[list[StrictId], Field(max_length=500)] = Field(
        [], description="Only these shows of the event; empty for all."
    )
    category_names: Annotated[list[text(60, min_length=1)], Field(max_length=100)] = Field(
        [], description="Only these price categories; empty for all."
    )
    ticket_type_names: Annotated[list[text(60, min_length=1)], Field(max_length=100)] = Field(
        [], description="Only these ticket types; empty for all."
    )
    max_uses: StrictId | None = None
    max_uses_per_customer: StrictId | None = None
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    unlocks_presale: StrictBool = False
    unlocks_hidden: StrictBool = False


class PromoCodeOut(Output):
    id: int
    event_id: int
    code: str
    kind: str
    value: int
    show_ids: list[int]
    category_names: list[str]
    ticket_type_names: list[str]
    max_uses: int | None
    max_uses_per_customer: int | None
    uses: int
    valid_from: datetime | None
    valid_until: datetime | None
    unlocks_presale: bool
    unlocks_hidden: bool


# --- organizer --------------------------------------------------------------------------------


class BookingRowOut(Output):
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
    timezone: str = Field(
        description="The venue's IANA time zone; times are UTC, shown on its clock."
    )
    promo_code: str
    discount_cents: int = Field(description="Already taken off total_cents.")


class BookingRowPage(BaseModel):
    items: list[BookingRowOut]
    total: int
    limit: int
    offset: int


class SalesCountsOut(Output):
    total: int
    sold: int
    held: int
    available: int
    blocked: int
    revenue_cents: int


class TypeSalesOut(Output):
    name: str = Field(description="The ticket type; empty for tickets of a category without.")
    sold: int
    revenue_cents: int = Field(description="After discounts.")


class CategorySalesOut(Output):
    category_id: int
    name: str
    price_cents: int
    currency: str
    counts: SalesCountsOut
    types: list[TypeSalesOut]


class ShowSalesOut(Output):
    show_id: int
    starts_at: datetime
    status: str
    currency: str
    counts: SalesCountsOut
    categories: list[CategorySalesOut]


class EventSalesOut(Output):
    event_id: int
    title: str
    currency: str
    counts: SalesCountsOut
    shows: list[ShowSalesOut]


class DailySalesOut(Output):
    day: date
    bookings: int
    tickets: int
    revenue_cents: int


class CheckInIn(Input):
    ticket_code: text(64, min_length=1)
    show_id: Id


class CheckInOut(Output):
    status: str = Field(
        description="checked_in, already_checked_in, cancelled, wrong_show (a ticket of "
        "another of this organizer's shows, named in other_*), or unknown."
    )
    admitted: bool
    checked_in_at: datetime | None
    label: str
    booking_code: str
    category_name: str
    ticket_type: str = Field(
        description="The ticket type sold (Adult, Child…): the proof to ask for at the door; "
        "empty for a category without types."
    )
    timezone: str = Field(description="The IANA time zone of the show the times belong to.")
    other_show_id: int | None
    other_event_title: str
    other_starts_at: datetime | None


class CheckInCountsOut(Output):
    show_id: int
    checked_in: int = Field(description="Live tickets of the show already checked in.")
    sold: int = Field(description="Live tickets of the show's confirmed bookings.")


class DoorShowOut(Output):
    show_id: int
    event_id: int
    event_title: str
    venue_name: str
    starts_at: datetime
    timezone: str
    status: str


class DoorStaffIn(Input):
    name: text(120, min_length=1)
    email: Email
    password: Annotated[
        text(200, min_length=auth.MIN_PASSWORD_LENGTH),
        Field(description="Set by you and handed over; unused if the account exists already."),
    ]


class DoorStaffOut(Output):
    user_id: int
    name: str
    email: str
    granted_at: datetime


class MailOut(Output):
    """A mail to a buyer from the outbox; `failed` ones need a look (address, server)."""

    id: int
    kind: Literal["booking_confirmed", "booking_cancelled", "show_cancelled", "waiting_list_offer"]
    status: Literal["pending", "sending", "sent", "failed"]
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


# --- the waiting list -------------------------------------------------------------------------

WaitingStatusOut = Literal["waiting", "offered", "booked", "lapsed", "left", "closed"]


class WaitingListJoinIn(Input):
    quantity: Quantity = Field(description="Seats wanted together (up to the show's cap).")
    category_id: Id | None = Field(None, description="Only seats of this price category.")
    accessible: StrictBool = Field(False, description="Only wheelchair-accessible seats.")


class WaitingPlaceOut(Output):
    """Your place on a show's waiting list. While `status` is `offered`, seats are held for
    you by hold `hold_id` until `offer_expires_at`: confirm it like any hold
    (`POST /api/v1/bookings`), or it passes to the next person."""

    entry_id: int
    show_id: int
    quantity: int
    category_id: int | None
    category_name: str
    accessible: bool
    status: WaitingStatusOut
    position: int | None = Field(description="1 = next in line; only while waiting.")
    hold_id: int | None
    offer_expires_at: datetime | None
    created_at: datetime


class WaitingListEntryOut(Output):
    entry_id: int
    position: int | None
    customer_name: str
    customer_email: str
    quantity: int
    category_name: str
    accessible: bool
    status: WaitingStatusOut
    offer_expires_at: datetime | None
    created_at: datetime


class WaitingListOut(Output):
    """A show's waiting list as its organizer sees it."""

    show_id: int
    enabled: bool
    offer_seconds: int = Field(description="How long returned seats are held for the next person.")
    waiting: int = Field(description="People waiting.")
    seats_wanted: int = Field(description="Seats they want, all together.")
    offers_open: int = Field(description="Offers made and neither taken nor run out yet.")
    entries: list[WaitingListEntryOut]


class WaitingListSettingsIn(Input):
    enabled: StrictBool = Field(description="False closes the list: the people waiting are let go.")
    offer_seconds: Annotated[int, Field(ge=60, le=7 * 24 * 3600)] | None = Field(
        None, description="The offer window (default 1800 = 30 minutes)."
    )
