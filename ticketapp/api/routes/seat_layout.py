"""The compact, cacheable seat layout that seat-map renderers (our UI among them) draw from."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ticketapp.api.deps import OPTIONAL_AUTH, Db, OptionalUser, ShowId
from ticketapp.booking import catalog
from ticketapp.booking.compact import compact_layout

router = APIRouter(tags=["shows"])


@router.get("/shows/{show_id:int}/seat-layout", openapi_extra=OPTIONAL_AUTH)
def seat_layout(show_id: ShowId, db: Db, viewer: OptionalUser, response: Response) -> dict:
    """Seats as arrays `[id, x, y, section, row, number, category, flags]`, sorted by id.

    The layout of a show never changes, so clients may cache it; statuses come from
    `GET /shows/{show_id}/seats`.
    """
    viewer_args = {"viewer_id": viewer.id, "viewer_role": viewer.role} if viewer else {}
    catalog.get_show(show_id, db=db, **viewer_args)  # drafts stay private
    response.headers["Cache-Control"] = "public, max-age=300"
    return compact_layout(show_id, db=db)
