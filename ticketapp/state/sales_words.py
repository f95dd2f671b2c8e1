"""The engine's sales status (`booking.SalesStatus`) in a buyer's words, one wording for every
page: the event's showtimes, the show page, checkout. Times are the venue's (`zone`)."""

from __future__ import annotations

from ticketapp import booking
from ticketapp.formatting import show_time


def sales_note(summary: booking.ShowSummary, zone: str) -> str:
    """Why the show cannot be bought now ("" while it sells)."""
    show = summary.show
    if summary.sales == booking.SalesStatus.NOT_YET and show.sales_open_at:
        return f"Sales open on {show_time(show.sales_open_at, zone)}."
    if summary.sales == booking.SalesStatus.CLOSED and show.sales_close_at:
        return f"Sales closed on {show_time(show.sales_close_at, zone)}."
    return SALES_NOTES.get(summary.sales, "")


SALES_NOTES = {
    booking.SalesStatus.CANCELLED: "This show was cancelled.",
    booking.SalesStatus.STARTED: "This show has already started.",
    booking.SalesStatus.CLOSED: "Sales for this show have closed.",
    booking.SalesStatus.NOT_YET: "Sales for this show have not opened yet.",
    booking.SalesStatus.NOT_PUBLISHED: "This event is a draft: it is not on sale.",
}
