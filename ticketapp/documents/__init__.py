"""Files people carry: PDF tickets and "Add to calendar" files, rendered from the engine's
`BookingView` — never inside a booking transaction, and with no database here.

Who gets them and when is the engine's rule (`booking.ticket_files`); this package only draws.
"""

from ticketapp.documents.calendar import booking_calendar
from ticketapp.documents.paper import PAPERS, choose_paper
from ticketapp.documents.pdf import tickets_pdf

__all__ = ["PAPERS", "booking_calendar", "choose_paper", "tickets_pdf"]
