"""Reading the files people carry the way a person's tools would: PDF text, the QR code seen on
the rendered page, and a calendar parsed by an iCalendar parser."""

from __future__ import annotations

import io

import pypdf
import pypdfium2
import zxingcpp
from icalendar import Calendar

MM_PER_POINT = 25.4 / 72


def pdf_pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def pdf_page_sizes_mm(data: bytes) -> list[tuple[int, int]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [
        (
            round(float(p.mediabox.width) * MM_PER_POINT),
            round(float(p.mediabox.height) * MM_PER_POINT),
        )
        for p in reader.pages
    ]


def pdf_qr_codes(data: bytes, dpi: int = 100) -> list[list[str]]:
    """The QR codes a scanner finds on each page, rendered to pixels at `dpi`."""
    document = pypdfium2.PdfDocument(data)
    try:
        pages = []
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            pages.append([r.text for r in found])
        return pages
    finally:
        document.close()


def calendar_events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))
