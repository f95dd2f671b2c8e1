"""Bodies of the waiting-room routes (api/routes/queue.py), mirroring booking/waiting_room.py."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictBool

from ticketapp.api.schemas import Input, Output
from ticketapp.booking.waiting_room import MAX_PASS_SECONDS, MAX_PER_MINUTE, MIN_PASS_SECONDS

PASS_HEADER = "Queue-Pass"


class QueueOut(Output):
    """Your place in a show's waiting room."""

    show_id: int
    state: str = Field(
        description="no_queue (shop right away), not_joined, before_sale (the order is drawn "
        "at the on-sale time), waiting, admitted (shop with `pass_token`), expired (join again)"
    )
    position: int | None = Field(description="1 = next in; while waiting")
    waiting: int = Field(description="How many wait in all.")
    estimate_seconds: int | None = Field(
        description="Estimated wait, from the admission rate measured over the last minute."
    )
    opens_at: datetime | None = Field(description="The on-sale time.")
    admitted_at: datetime | None
    pass_token: str | None = Field(
        description=f"Once admitted: send it as the `{PASS_HEADER}` header of hold requests."
    )
    pass_expires_at: datetime | None


PerMinute = Annotated[int, Field(ge=1, le=MAX_PER_MINUTE)]


class QueueSettingsIn(Input):
    # Strict: a JSON 0 or 1 is not a yes or no (pydantic's lax mode would take it as one).
    enabled: StrictBool = Field(
        description="Put the on-sale (at the show's sales_open_at) in a queue."
    )
    per_minute: PerMinute | None = Field(None, description="Customers admitted per minute.")
    max_active: Annotated[int, Field(ge=1, le=1_000_000)] | None = Field(
        None, description="Or: at most this many shoppers holding a valid pass at once."
    )
    pass_seconds: Annotated[int, Field(ge=MIN_PASS_SECONDS, le=MAX_PASS_SECONDS)] = Field(
        600, description="Shopping time a pass gives (renewed while the customer holds seats)."
    )
    paused: StrictBool = False


class QueueSettingsOut(Output):
    show_id: int
    enabled: bool
    paused: bool
    per_minute: int | None
    max_active: int | None
    pass_seconds: int
    opens_at: datetime | None


class QueueFiguresOut(Output):
    """The live dashboard of one show's waiting room."""

    settings: QueueSettingsOut
    waiting: int
    admitted: int
    active: int = Field(description="Admitted shoppers whose pass has not run out.")
    admitted_last_minute: int
    sold_last_minute: int = Field(description="Tickets booked in the last minute.")
    store: str = Field(description="Where the places live now: redis or database.")
