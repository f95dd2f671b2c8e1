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
  checkin         admitting a ticket
  reports, dashboard, exports   the organizer's figures, booking lists and CSV
  outbox          mail to buyers, written in the same transaction as the change
  seatmap, compact, quotes      the seat map as pages draw it
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
from ticketapp.booking.checkin import check_in
from ticketapp.booking.codes import new_booking_code, new_ticket_code, normalize_booking_code
from ticketapp.booking.compact import (
    STATUS_CODES,
    compact_layout,
    layout_url,
    seat_positions,
    status_string,
    versioned_status_string,
)
from ticketapp.booking.dashboard import organizer_events, organizer_overview
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
    CheckInResult,
    DailySales,
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
)
from ticketapp.booking.sweeper import expire_stale_holds
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
    "GAP",
    "MAX_ROWS",
    "MAX_SEATS",
    "MAX_SEATS_PER_REQUEST",
    "MAX_SEATS_PER_ROW",
    "MAX_SECTIONS",
    "STATUS_CODES",
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
    "CheckInResult",
    "Conflict",
    "DailySales",
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
    "Once",
    "OrganizerEvent",
    "OrganizerOverview",
    "PostgresWaitingRoom",
    "PriceInfo",
    "PriceSpec",
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
    "SeatsUnavailable",
    "SectionPlan",
    "SectionSpec",
    "ShowDefaults",
    "ShowDetails",
    "ShowInfo",
    "ShowSales",
    "ShowSummary",
    "TemporarilyUnavailable",
    "TicketView",
    "UpcomingShow",
    "WaitingRoomStore",
    "admit_due",
    "bookings_csv",
    "cancel_booking",
    "cancel_booking_in",
    "cancel_event",
    "cancel_show",
    "category_color",
    "check_in",
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
    "create_show",
    "current_hold",
    "decode_preview_seat_id",
    "delete_event",
    "edit_show",
    "enqueue_booking_mail",
    "ensure_can_manage_event",
    "event_bookings",
    "event_report",
    "event_sales",
    "expire_stale_holds",
    "failed_mails",
    "general_admission_available",
    "get_booking",
    "get_booking_by_code",
    "get_event",
    "get_hold",
    "get_layout_plans",
    "get_show",
    "grid_cells",
    "grid_section",
    "hold_best_available",
    "hold_general_admission",
    "hold_seats",
    "join_queue",
    "layout_categories",
    "layout_url",
    "list_event_categories",
    "list_event_shows",
    "list_layouts",
    "list_organizer_events",
    "list_upcoming_events",
    "list_user_bookings",
    "new_booking_code",
    "new_show_defaults",
    "new_ticket_code",
    "normalize_booking_code",
    "organizer_events",
    "organizer_overview",
    "pause_queue",
    "preview",
    "purchase_best_available",
    "purchase_seats",
    "queue_figures",
    "queue_place",
    "quote_seats",
    "release_hold",
    "release_seats",
    "retry_mail",
    "row_labels",
    "sales_over_time",
    "sales_status",
    "save_layout",
    "seat_map",
    "seat_positions",
    "seat_statuses",
    "section_spec",
    "show_sales",
    "status_string",
    "update_event",
    "versioned_status_string",
]
