"""The compact, cacheable seat layout that seat-map renderers (our UI among them) draw from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ticketapp import booking
from ticketapp.api.deps import OPTIONAL_AUTH, Db, OptionalUser, ShowId
from ticketapp.booking import compact_layout

router = APIRouter(tags=["shows"])


@router.get("/shows/{show_id:int}/seat-layout", openapi_extra=OPTIONAL_AUTH)
def seat_layout(
    show_id: ShowId,
    db: Db,
    viewer: OptionalUser,
    response: Response,
    v: Annotated[
        int | None, Query(ge=0, le=1_000_000, description="The layout `version` you expect.")
    ] = None,
) -> dict:
    """Seats as arrays `[id, x, y, section, row, number, category, flags]`, sorted by id.

    A show's places change only when its organizer edits the layout, which bumps `version`:
    the answer may be cached when it is the version asked for (`?v=`, or no `v` while the
    show is still at version 0); statuses come from `GET /shows/{show_id}/seats`.
    """
    viewer_args = {"viewer": booking.Actor.of(viewer) if viewer else None}
    booking.get_show(show_id, db=db, **viewer_args)  # drafts stay private
    layout = compact_layout(show_id, db=db)
    current = v == layout["version"] or (v is None and layout["version"] == 0)
    # With a token the caller may be seeing a draft: keep that out of shared caches.
    scope = "private" if viewer else "public"
    response.headers["Cache-Control"] = f"{scope}, max-age=300" if current else "no-cache"
    return layout
