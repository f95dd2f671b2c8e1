"""Typed errors of the booking engine. The UI and the API map `code` to a message or an HTTP
status; `str(error)` is always safe to show to a customer."""

from __future__ import annotations


class BookingError(Exception):
    code = "booking_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(BookingError):
    """The input itself is wrong (empty seat list, negative price, ...)."""

    code = "invalid_request"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(BookingError):
    code = "not_found"


class NotAllowed(BookingError):
    code = "not_allowed"


class SalesClosed(BookingError):
    code = "sales_closed"


class SeatsUnavailable(BookingError):
    """Some of the asked seats were taken; `seat_ids` names exactly those."""

    code = "seats_unavailable"

    def __init__(self, seat_ids: list[int], labels: list[str] | None = None) -> None:
        self.seat_ids = sorted(seat_ids)
        self.labels = labels or []
        names = ", ".join(self.labels) if self.labels else ", ".join(map(str, self.seat_ids))
        super().__init__(f"Sorry, these seats were just taken: {names}.")


class NotEnoughSeats(BookingError):
    """Best available / general admission: fewer places left than asked."""

    code = "not_enough_seats"


class HoldExpired(BookingError):
    code = "hold_expired"

    def __init__(self, message: str = "Your hold has expired; the seats were released.") -> None:
        super().__init__(message)


class HoldLimitExceeded(BookingError):
    code = "hold_limit_exceeded"

    def __init__(self, limit: int, already: int, asked: int) -> None:
        self.limit, self.already, self.asked = limit, already, asked
        super().__init__(
            f"You can hold at most {limit} seats for this show "
            f"(you already have {already}, asked for {asked} more)."
        )


class QueuePassRequired(NotAllowed):
    """The show's waiting room is on and the request carries no valid pass for this account
    and show; `show_id` says which queue to join."""

    code = "queue_pass_required"

    def __init__(self, show_id: int, message: str) -> None:
        super().__init__(message)
        self.show_id = show_id


class Conflict(BookingError):
    """A state change that the current state forbids (delete an event with bookings, ...)."""

    code = "conflict"


class TemporarilyUnavailable(BookingError):
    """The database could not complete the operation (overloaded, restarting); nothing was
    written and the same request may simply be retried."""

    code = "temporarily_unavailable"

    def __init__(
        self, message: str = "The booking system is busy right now; please try again."
    ) -> None:
        super().__init__(message)


class IdempotencyKeyReused(BookingError):
    """The same Idempotency-Key came with a different request: the client's bug; nothing ran."""

    code = "idempotency_key_reused"

    def __init__(
        self, message: str = "This Idempotency-Key was already used for a different request."
    ) -> None:
        super().__init__(message)


class OutcomeUnknown(TemporarilyUnavailable):
    """The connection failed while committing: the change may or may not have been made.

    Never reported as "nothing was done". A retry with the same Idempotency-Key gets the
    stored answer if the commit went through, and runs for real if it did not.
    """

    code = "outcome_unknown"

    def __init__(
        self,
        message: str = (
            "We could not confirm whether this went through. Retry with the same "
            "Idempotency-Key to get the answer, or look at your bookings."
        ),
    ) -> None:
        super().__init__(message)
