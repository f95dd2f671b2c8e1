"""The one map from engine and auth errors to words a customer reads."""

from __future__ import annotations

from ticketapp import auth
from ticketapp.booking import BookingError, SeatsNotForSale, SeatsUnavailable


def friendly(error: Exception) -> str:
    if isinstance(error, SeatsNotForSale):
        names = ", ".join(error.labels) or "some of your seats"
        return f"Not for sale without an access code: {names}. Your other seats are still selected."
    if isinstance(error, SeatsUnavailable):
        names = ", ".join(error.labels) or "some of your seats"
        return f"Just taken by someone else: {names}. Your other seats are still selected."
    if isinstance(error, BookingError | auth.AuthError):
        return str(error)
    return "Something went wrong on our side. Please try again."
