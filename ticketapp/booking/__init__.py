"""The transactional booking engine: every rule about selling seats lives here, once.

The UI (Reflex state) and the REST API are two thin doors onto these functions. Each function
takes explicit arguments (ids, `now`, `db`), runs as one database transaction, and returns a
frozen dataclass from `results` or raises a typed error from `errors`; callers never see a raw
database error. No Reflex, no FastAPI here.
"""

from ticketapp.booking.best_available import hold_best_available
from ticketapp.booking.bookings import (
    cancel_booking,
    cancel_booking_in,
    confirm_hold,
    get_booking,
    get_booking_by_code,
    list_user_bookings,
)
from ticketapp.booking.checkin import check_in
from ticketapp.booking.codes import new_booking_code, new_ticket_code, normalize_booking_code
from ticketapp.booking.errors import (
    BookingError,
    Conflict,
    HoldExpired,
    HoldLimitExceeded,
    InvalidRequest,
    NotAllowed,
    NotEnoughSeats,
    NotFound,
    SalesClosed,
    SeatsUnavailable,
    TemporarilyUnavailable,
)
from ticketapp.booking.general_admission import hold_general_admission
from ticketapp.booking.holds import (
    current_hold,
    get_hold,
    hold_seats,
    release_hold,
    release_seats,
)
from ticketapp.booking.invariants import check_invariants
from ticketapp.booking.outbox import (
    BookingMail,
    MailKind,
    enqueue_booking_mail,
    failed_mails,
    retry_mail,
)
from ticketapp.booking.reports import (
    ensure_can_manage_event,
    event_bookings,
    event_sales,
    sales_over_time,
    show_sales,
)
from ticketapp.booking.results import (
    BookingRow,
    BookingView,
    CategoryInfo,
    CategorySales,
    CheckInResult,
    DailySales,
    EventSales,
    ExpiredSeats,
    GeneralAdmissionSection,
    HoldResult,
    HoldSeat,
    HoldView,
    MailView,
    SalesCounts,
    SeatInfo,
    SeatMap,
    ShowInfo,
    ShowSales,
    TicketView,
)
from ticketapp.booking.seatmap import general_admission_available, seat_map, seat_statuses
from ticketapp.booking.sweeper import expire_stale_holds

__all__ = [
    "BookingError",
    "BookingMail",
    "BookingRow",
    "BookingView",
    "CategoryInfo",
    "CategorySales",
    "CheckInResult",
    "Conflict",
    "DailySales",
    "EventSales",
    "ExpiredSeats",
    "GeneralAdmissionSection",
    "HoldExpired",
    "HoldLimitExceeded",
    "HoldResult",
    "HoldSeat",
    "HoldView",
    "InvalidRequest",
    "MailKind",
    "MailView",
    "NotAllowed",
    "NotEnoughSeats",
    "NotFound",
    "SalesClosed",
    "SalesCounts",
    "SeatInfo",
    "SeatMap",
    "SeatsUnavailable",
    "ShowInfo",
    "ShowSales",
    "TemporarilyUnavailable",
    "TicketView",
    "cancel_booking",
    "cancel_booking_in",
    "check_in",
    "check_invariants",
    "confirm_hold",
    "current_hold",
    "enqueue_booking_mail",
    "ensure_can_manage_event",
    "event_bookings",
    "event_sales",
    "expire_stale_holds",
    "failed_mails",
    "general_admission_available",
    "get_booking",
    "get_booking_by_code",
    "get_hold",
    "hold_best_available",
    "hold_general_admission",
    "hold_seats",
    "list_user_bookings",
    "new_booking_code",
    "new_ticket_code",
    "normalize_booking_code",
    "release_hold",
    "release_seats",
    "retry_mail",
    "sales_over_time",
    "seat_map",
    "seat_statuses",
    "show_sales",
]
