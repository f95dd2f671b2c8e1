"""Queue passes: the proof that the waiting room let this customer in to shop this show.

Invariant: while a show's waiting room is on, no seat of it is held without a pass that
(a) this server signed, (b) names the very account and show of the request, and (c) has not
expired by the clock of the request. A pass cannot be forged (HMAC-SHA256 under a key derived
from SECRET_KEY), shared between accounts or shows (both are signed), or used after it expires
(the expiry is signed too; renewal issues a new pass, it never stretches an old one).

Why a signed token and not a row: the check runs on the hot path of the rush, and it costs no
statement at all — the hold's first statement already reads the show's `queue_enabled` flag,
and the pass is verified in Python. The waiting room's store still records each admission
(who, until when) for the organizer's figures and the customer's status page, which hands the
same pass out again to a second tab of the same account.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from functools import cache

from ticketapp.booking.errors import QueuePassRequired
from ticketapp.settings import settings

_VERSION = "qp1"


@cache
def _key(secret: str) -> bytes:
    # Its own key: a pass can never be mistaken for a JWT signed with SECRET_KEY, nor the
    # other way round.
    return hmac.new(secret.encode(), b"ticketapp waiting-room pass", hashlib.sha256).digest()


def _signature(user_id: int, show_id: int, expires: int) -> str:
    message = f"{_VERSION}|{user_id}|{show_id}|{expires}".encode()
    digest = hmac.new(_key(settings.secret_key), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def issue_pass(user_id: int, show_id: int, expires_at: datetime) -> str:
    """A pass for `user_id` on `show_id`, valid until `expires_at` (to the second)."""
    expires = int(expires_at.timestamp())
    return f"{_VERSION}.{user_id}.{show_id}.{expires}.{_signature(user_id, show_id, expires)}"


def pass_expiry(token: str | None, user_id: int, show_id: int, now: datetime) -> datetime:
    """When the pass runs out, if it is a valid pass for this account and show at `now`;
    `QueuePassRequired` (saying why) otherwise."""
    if not token:
        raise QueuePassRequired(show_id, "This show has a waiting room: join the queue first.")
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != _VERSION:
        raise QueuePassRequired(show_id, "This queue pass is not valid.")
    _, user, show, expires, signature = parts
    try:
        expected = _signature(int(user), int(show), int(expires))
    except ValueError:
        raise QueuePassRequired(show_id, "This queue pass is not valid.") from None
    if not hmac.compare_digest(expected, signature):
        raise QueuePassRequired(show_id, "This queue pass is not valid.")
    if int(user) != user_id or int(show) != show_id:
        raise QueuePassRequired(show_id, "This queue pass is for another account or show.")
    expires_at = datetime.fromtimestamp(int(expires), UTC)
    if expires_at <= now:
        raise QueuePassRequired(
            show_id, "Your shopping time has run out: join the queue again to continue."
        )
    return expires_at


def check_pass(
    queue_enabled: bool, token: str | None, user_id: int, show_id: int, now: datetime
) -> datetime | None:
    """The one gate of every way to hold seats: None when the show has no waiting room, else
    the expiry of the customer's valid pass (or `QueuePassRequired`)."""
    if not queue_enabled:
        return None
    return pass_expiry(token, user_id, show_id, now)


def renewed_pass(
    user_id: int, show_id: int, pass_until: datetime | None, hold_until: datetime
) -> str | None:
    """After a hold: a pass good for as long as the hold lives (never shorter than the one
    shown), so a customer holding seats is not locked out of adding one more. None when the
    show has no waiting room (`pass_until` is None)."""
    if pass_until is None:
        return None
    return issue_pass(user_id, show_id, max(pass_until, hold_until))
