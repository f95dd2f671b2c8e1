"""PDF tickets: one page per live ticket, for A4 or Letter, with a large QR code.

Every page carries what the door and the holder need without the app: event, venue, the
venue's local time, seat (section, row, number), category, price, booking code, the ticket
code in readable groups (what a steward types when a code will not scan) and the QR code of
the ticket code. The QR code is drawn as vector squares — sharp at any printer resolution —
with the quiet zone scanners need, and sized in millimetres so it is the same on both papers.

The fonts are the Bitstream Vera TrueType files that ship inside reportlab (they cover the
accents and currency signs of names and prices; the PDF standard fonts do not), embedded as
subsets so text can be searched and copied.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import reportlab
import segno
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ticketapp.booking.codes import grouped_ticket_code
from ticketapp.booking.results import BookingView, TicketView
from ticketapp.documents.paper import Paper
from ticketapp.formatting import money, show_time

PAGE_SIZES = {"a4": A4, "letter": LETTER}
MARGIN = 18 * mm
QR_SIDE = 80 * mm  # the whole symbol with its quiet zone
QR_QUIET_ZONE = 4  # modules, as the QR standard asks
FONT, BOLD = "TicketSans", "TicketSans-Bold"


@cache
def _fonts() -> None:
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))


def seat_text(ticket: TicketView) -> str:
    """'Stalls, row B, seat 12' — or the section alone for a general-admission place."""
    if not ticket.row_label:
        return f"{ticket.section} (general admission)"
    return f"{ticket.section}, row {ticket.row_label}, seat {ticket.number}"


def ticket_lines(view: BookingView, ticket: TicketView) -> list[tuple[str, str]]:
    """The facts printed on a ticket, label and value, in order."""
    where = ", ".join(part for part in (view.venue_name, view.venue_address) if part.strip())
    return [
        ("When", show_time(view.starts_at, view.timezone)),
        ("Where", where),
        ("Seat", seat_text(ticket)),
        ("Category", ticket.category_name),
        *([("Type", ticket.ticket_type)] if ticket.ticket_type else []),
        ("Price", money(ticket.price_cents, view.currency)),
        ("Booking", view.code),
        ("Holder", view.buyer_name),
    ]


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Cut a line that would run off the page, with an ellipsis."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_qr(canvas: Canvas, code: str, x: float, y: float, side: float) -> None:
    qr = segno.make_qr(code, error="m")  # never a Micro QR: many door scanners cannot read it
    rows = list(qr.matrix_iter(border=QR_QUIET_ZONE))
    module = side / len(rows)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(rows):
        top = y + side - (r + 1) * module
        for c, dark in enumerate(row):
            if dark:
                # a hair wider than a module, so neighbours join without white seams
                canvas.rect(x + c * module, top, module + 0.05, module + 0.05, stroke=0, fill=1)


def _page(canvas: Canvas, view: BookingView, ticket: TicketView, number: int, of: int) -> None:
    width, height = canvas._pagesize
    text_width = width - 2 * MARGIN
    y = height - MARGIN - 8 * mm
    canvas.setFont(FONT, 10)
    canvas.setFillColorRGB(0.35, 0.35, 0.4)
    canvas.drawString(MARGIN, y + 4 * mm, f"Ticket {number} of {of}")
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(BOLD, 22)
    # A long title wraps to a second line; past that it is cut.
    lines = simpleSplit(view.event_title, BOLD, 22, text_width) or [""]
    if len(lines) > 2:
        lines = [lines[0], _fit(" ".join(lines[1:]), BOLD, 22, text_width)]
    for line in lines:
        canvas.drawString(MARGIN, y - 6 * mm, line)
        y -= 9 * mm
    y -= 9 * mm
    for label, value in ticket_lines(view, ticket):
        canvas.setFont(BOLD, 12)
        canvas.drawString(MARGIN, y, label)
        canvas.setFont(FONT, 12)
        canvas.drawString(MARGIN + 30 * mm, y, _fit(value, FONT, 12, text_width - 30 * mm))
        y -= 8 * mm
    qr_y = y - 6 * mm - QR_SIDE
    _draw_qr(canvas, ticket.code, (width - QR_SIDE) / 2, qr_y, QR_SIDE)
    canvas.setFont(BOLD, 16)
    canvas.drawCentredString(width / 2, qr_y - 9 * mm, grouped_ticket_code(ticket.code))
    canvas.setFont(FONT, 9)
    canvas.setFillColorRGB(0.35, 0.35, 0.4)
    canvas.drawCentredString(
        width / 2,
        qr_y - 15 * mm,
        "Show this QR code at the entrance. Each ticket admits one person once.",
    )


def tickets_pdf(view: BookingView, paper: Paper = "a4") -> bytes:
    """The booking's live tickets, one per page (a booking without any gets no PDF: see
    `booking.ticket_files`)."""
    _fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE_SIZES[paper], invariant=True)
    canvas.setTitle(f"Tickets {view.code} — {view.event_title}")
    canvas.setAuthor("ticketapp")
    live = [t for t in view.tickets if t.live]
    for index, ticket in enumerate(live, start=1):
        _page(canvas, view, ticket, index, len(live))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
