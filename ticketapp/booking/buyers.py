"""Who a booking is for: the buyer's name and e-mail address, as both doors hand them in.

Invariant: a booking's `buyer_email` is one syntactically valid address and its `buyer_name`
one line of printable text. Both end up in a mail header (`To: name <address>`) and in the
mail's greeting, so a list of addresses would send one confirmation to strangers, a line break
would inject headers, and a bidi override or a web address in the name would make the
greeting a phishing message in our name. Empty means "the account's own" (see `confirm_hold`).
"""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from ticketapp.booking.errors import InvalidRequest

MAX_NAME_LENGTH = 120
MAX_EMAIL_LENGTH = 254
# Anything a mail client would turn into a link.
_WEB_ADDRESS = re.compile(
    r"://|\bwww\.|\b[a-z0-9-]+\.(?:com|net|org|info|biz|io|co|app|xyz|top|ru|cn)\b", re.I
)


def clean_buyer(name: str, email: str) -> tuple[str, str]:
    """The buyer's name and address as stored; raises InvalidRequest naming the field."""
    return _clean_name(name or ""), _clean_email(email or "")


def _clean_name(name: str) -> str:
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise InvalidRequest("The name may not contain control characters.", "buyer_name")
    name = " ".join(name.split())
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidRequest("The name must be at most 120 characters.", "buyer_name")
    if _WEB_ADDRESS.search(name):
        raise InvalidRequest("The name may not contain a web address.", "buyer_name")
    return name


def _clean_email(email: str) -> str:
    email = email.strip()
    if not email:
        return ""
    if len(email) > MAX_EMAIL_LENGTH:
        raise InvalidRequest("The e-mail address is too long.", "buyer_email")
    try:
        valid = validate_email(
            email, check_deliverability=False, test_environment=True, allow_smtputf8=True
        )
    except EmailNotValidError as exc:
        raise InvalidRequest(
            "Please enter one valid e-mail address for the tickets.", "buyer_email"
        ) from exc
    return valid.normalized
