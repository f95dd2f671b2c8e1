"""The transactional booking engine: every rule about selling seats lives here, once.

The UI (Reflex state) and the REST API are two thin doors onto these functions, and import
them from here only. Each function takes explicit arguments (an `Actor` for who asks, ids,
`now`, `db`), runs as one database transaction (`_tx.run`), and returns a frozen dataclass from
`results` or raises a typed error from `errors`; callers never see a raw database error or an
ORM row. No Reflex, no FastAPI here.

One module per concept — where to find the rule for a behaviour:
  access          who may do what (the Actor, organizer/owner checks)
  catalog         the public catalogue: browse, a visible event, its shows with places left
  events          create, change, publish, delete, cancel an event
  shows           create a show (materializing its seats), the one edit rule set, cancel
  sales_status    when a show is on sale (the predicate every summary carries)
  layouts         an organizer's layouts: create, read, list, save
  layout_plans    how a hall is described (sections, rows, marks, preview) — no database
  layout_sync     bringing upcoming shows in line with a changed layout
  inventory       claiming and releasing seats, the on-sale check (the hot path)
  holds, best_available, general_admission   a customer's cart
  bookings        confirm, cancel, a customer's bookings
  checkin         the door: admitting a ticket, the checked-in count, the shows to scan
  door_staff      accounts an organizer lets check tickets in, and nothing else
  ticket_files    who gets a booking's PDF tickets and calendar file, and when
  ticket_types    the ways to buy a seat of a category (Adult, Child, ...) and their limits
  promo_codes     an event's codes, their rules and the discount's rounding
  hidden_categories   price categories not for public sale, and the codes that open them
  pricing         what each ticket of a checkout costs; claiming and giving back code uses
                  and type quantities; the checkout's preview
  reports, dashboard, exports   the organizer's figures, booking lists and CSV
  outbox          mail to buyers, written in the same transaction as the change
  seatmap, compact, quotes      the seat map as pages draw it
  waiting_list    the list after sell-out: join, leave, offers of returned seats
  sweeper, invariants           tidying expired holds; checking the database's invariants
  waiting_room, waiting_room_store, queue_pass   the on-sale queue, its places, its passes
"""

from ticketapp.booking.access import Actor, ensure_can_manage_event
from ticketapp.booking.best_available import hold_best_available
from ticketapp.booking.bookings import (
    cancel_booking,
    cancel_booking_in,
    confirm_hold,
    get_booking,
    get_booking_by_code,
    list_user_bookings,
)
from ticketapp.booking.buyers import clean_buyer
from ticketapp.booking.catalog import (
    get_event,
    get_show,
    list_event_categories,
    list_event_shows,
    list_upcoming_events,
)
from ticketapp.booking.checkin import check_in, check_in_counts, door_show, door_shows
from ticketapp.booking.codes import (
    grouped_ticket_code,
    new_booking_code,
    new_ticket_code,
    normalize_booking_code,
    normalize_ticket_code,
)
from ticketapp.booking.compact import (
    STATUS_CODES,
    compact_layout,
    layout_url,
    seat_positions,
    status_string,
    unlock_statuses,
    versioned_status_string,
)
from ticketapp.booking.dashboard import organizer_events, organizer_overview
from ticketapp.booking.door_staff import list_door_staff, revoke_door_staff
from ticketapp.booking.errors import (
    BookingError,
    Conflict,
    HoldExpired,
    HoldLimitExceeded,
    InvalidRequest,
    NotAllowed,
    NotEnoughSeats,
    NotFound,
    QueuePassRequired,
    SalesClosed,
    SeatsUnavailable,
    TemporarilyUnavailable,
)
from ticketapp.booking.events import (
    cancel_event,
    create_event,
    delete_event,
    list_organizer_events,
    update_event,
)
from ticketapp.booking.exports import BookingsExport, bookings_csv
from ticketapp.booking.general_admission import hold_general_admission
from ticketapp.booking.hidden_categories import SeatsNotForSale
from ticketapp.booking.hold_extension import EXTEND_WINDOW, extend_hold
from ticketapp.booking.holds import (
    current_hold,
    get_hold,
    hold_seats,
    release_hold,
    release_seats,
)
from ticketapp.booking.idempotency import Once, Replay
from ticketapp.booking.invariants import check_invariants
from ticketapp.booking.inventory import MAX_SEATS_PER_REQUEST
from ticketapp.booking.layout_plans import (
    ACCESSIBLE,
    BLOCKED,
    COMPANION,
    GAP,
    MAX_ROWS,
    MAX_SEATS,
    MAX_SEATS_PER_ROW,
    MAX_SECTIONS,
    SeatSpec,
    SectionPlan,
    SectionSpec,
    category_color,
    check_plans,
    check_size,
    decode_preview_seat_id,
    grid_cells,
    grid_section,
    preview,
    row_labels,
    section_spec,
)
from ticketapp.booking.layout_sync import LayoutConflict
from ticketapp.booking.layouts import (
    LayoutPlans,
    create_layout,
    get_layout_plans,
    layout_categories,
    list_layouts,
    save_layout,
)
from ticketapp.booking.outbox import (
    BookingMail,
    MailKind,
    enqueue_booking_mail,
    failed_mails,
    retry_mail,
)
from ticketapp.booking.pricing import CheckoutQuote, TypeSoldOut, quote_checkout
from ticketapp.booking.promo_codes import (
    AccessGrant,
    CodeRefused,
    PromoCodeInfo,
    check_access_code,
    create_promo_code,
    delete_promo_code,
    list_promo_codes,
    update_promo_code,
)
from ticketapp.booking.purchases import purchase_best_available, purchase_seats
from ticketapp.booking.quotes import SeatQuote, quote_seats
from ticketapp.booking.reports import (
    event_bookings,
    event_report,
    event_sales,
    sales_over_time,
    show_sales,
)
from ticketapp.booking.results import (
    BookingRow,
    BookingView,
    Cancellation,
    CategoryInfo,
    CategorySales,
    CategoryTotal,
    CheckInCounts,
    CheckInResult,
    DailySales,
    DoorShow,
    DoorStaffMember,
    EventDetails,
    EventReport,
    EventSales,
    EventSummary,
    ExpiredSeats,
    GeneralAdmissionSection,
    HoldResult,
    HoldSeat,
    HoldView,
    LayoutSaved,
    LayoutSummary,
    MailView,
    OrganizerEvent,
    OrganizerOverview,
    PriceInfo,
    SalesCounts,
    SeatInfo,
    SeatMap,
    ShowDefaults,
    ShowDetails,
    ShowInfo,
    ShowSales,
    ShowSummary,
    TicketView,
    TypeSales,
    UpcomingShow,
)
from ticketapp.booking.sales_status import SalesStatus, sales_status
from ticketapp.booking.seatmap import general_admission_available, seat_map, seat_statuses
from ticketapp.booking.shows import (
    PriceSpec,
    cancel_show,
    create_show,
    edit_show,
    new_show_defaults,
    set_category_hidden,
)
from ticketapp.booking.sweeper import expire_stale_holds
from ticketapp.booking.ticket_files import (
    booking_for_mail,
    booking_for_ticket_files,
    offers_ticket_files,
)
from ticketapp.booking.ticket_types import (
    TicketTypeInfo,
    create_ticket_type,
    delete_ticket_type,
    list_ticket_types,
    update_ticket_type,
)
from ticketapp.booking.waiting_list import (
    Offer,
    OfferMail,
    WaitingListEntry,
    WaitingListStatus,
    WaitingListSummary,
    WaitingPlace,
    get_waiting_place,
    join_waiting_list,
    leave_waiting_list,
    my_waiting_place,
    set_waiting_list,
    waiting_list_status,
    waiting_list_summary,
)
from ticketapp.booking.waiting_room import (
    QueueFigures,
    QueuePlace,
    QueueSettings,
    QueueState,
    admit_due,
    configure_event_queue,
    configure_queue,
    join_queue,
    pause_queue,
    queue_figures,
    queue_place,
)
from ticketapp.booking.waiting_room_store import PostgresWaitingRoom, WaitingRoomStore

__all__ = [
    "ACCESSIBLE",
    "BLOCKED",
    "COMPANION",
    "EXTEND_WINDOW",
    "GAP",
    "MAX_ROWS",
    "MAX_SEATS",
    "MAX_SEATS_PER_REQUEST",
    "MAX_SEATS_PER_ROW",
    "MAX_SECTIONS",
    "STATUS_CODES",
    "AccessGrant",
    "Actor",
    "BookingError",
    "BookingMail",
    "BookingRow",
    "BookingView",
    "BookingsExport",
    "Cancellation",
    "CategoryInfo",
    "CategorySales",
    "CategoryTotal",
    "CheckInCounts",
    "CheckInResult",
    "CheckoutQuote",
    "CodeRefused",
    "Conflict",
    "DailySales",
    "DoorShow",
    "DoorStaffMember",
    "EventDetails",
    "EventReport",
    "EventSales",
    "EventSummary",
    "ExpiredSeats",
    "GeneralAdmissionSection",
    "HoldExpired",
    "HoldLimitExceeded",
    "HoldResult",
    "HoldSeat",
    "HoldView",
    "InvalidRequest",
    "LayoutConflict",
    "LayoutPlans",
    "LayoutSaved",
    "LayoutSummary",
    "MailKind",
    "MailView",
    "NotAllowed",
    "NotEnoughSeats",
    "NotFound",
    "Offer",
    "OfferMail",
    "Once",
    "OrganizerEvent",
    "OrganizerOverview",
    "PostgresWaitingRoom",
    "PriceInfo",
    "PriceSpec",
    "PromoCodeInfo",
    "QueueFigures",
    "QueuePassRequired",
    "QueuePlace",
    "QueueSettings",
    "QueueState",
    "Replay",
    "SalesClosed",
    "SalesCounts",
    "SalesStatus",
    "SeatInfo",
    "SeatMap",
    "SeatQuote",
    "SeatSpec",
    "SeatsNotForSale",
    "SeatsUnavailable",
    "SectionPlan",
    "SectionSpec",
    "ShowDefaults",
    "ShowDetails",
    "ShowInfo",
    "ShowSales",
    "ShowSummary",
    "TemporarilyUnavailable",
    "TicketTypeInfo",
    "TicketView",
    "TypeSales",
    "TypeSoldOut",
    "UpcomingShow",
    "WaitingListEntry",
    "WaitingListStatus",
    "WaitingListSummary",
    "WaitingPlace",
    "WaitingRoomStore",
    "admit_due",
    "booking_for_mail",
    "booking_for_ticket_files",
    "bookings_csv",
    "cancel_booking",
    "cancel_booking_in",
    "cancel_event",
    "cancel_show",
    "category_color",
    "check_access_code",
    "check_in",
    "check_in_counts",
    "check_invariants",
    "check_plans",
    "check_size",
    "clean_buyer",
    "compact_layout",
    "configure_event_queue",
    "configure_queue",
    "confirm_hold",
    "create_event",
    "create_layout",
    "create_promo_code",
    "create_show",
    "create_ticket_type",
    "current_hold",
    "decode_preview_seat_id",
    "delete_event",
    "delete_promo_code",
    "delete_ticket_type",
    "door_show",
    "door_shows",
    "edit_show",
    "enqueue_booking_mail",
    "ensure_can_manage_event",
    "event_bookings",
    "event_report",
    "event_sales",
    "expire_stale_holds",
    "extend_hold",
    "failed_mails",
    "general_admission_available",
    "get_booking",
    "get_booking_by_code",
    "get_event",
    "get_hold",
    "get_layout_plans",
    "get_show",
    "get_waiting_place",
    "grid_cells",
    "grid_section",
    "grouped_ticket_code",
    "hold_best_available",
    "hold_general_admission",
    "hold_seats",
    "join_queue",
    "join_waiting_list",
    "layout_categories",
    "layout_url",
    "leave_waiting_list",
    "list_door_staff",
    "list_event_categories",
    "list_event_shows",
    "list_layouts",
    "list_organizer_events",
    "list_promo_codes",
    "list_ticket_types",
    "list_upcoming_events",
    "list_user_bookings",
    "my_waiting_place",
    "new_booking_code",
    "new_show_defaults",
    "new_ticket_code",
    "normalize_booking_code",
    "normalize_ticket_code",
    "offers_ticket_files",
    "organizer_events",
    "organizer_overview",
    "pause_queue",
    "preview",
    "purchase_best_available",
    "purchase_seats",
    "queue_figures",
    "queue_place",
    "quote_checkout",
    "quote_seats",
    "release_hold",
    "release_seats",
    "retry_mail",
    "revoke_door_staff",
    "row_labels",
    "sales_over_time",
    "sales_status",
    "save_layout",
    "seat_map",
    "seat_positions",
    "seat_statuses",
    "section_spec",
    "set_category_hidden",
    "set_waiting_list",
    "show_sales",
    "status_string",
    "unlock_statuses",
    "update_event",
    "update_promo_code",
    "update_ticket_type",
    "versioned_status_string",
    "waiting_list_status",
    "waiting_list_summary",
]
