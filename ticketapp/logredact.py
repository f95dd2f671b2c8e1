"""No credential in the logs: Reflex client tokens and JWTs are redacted from every record.

A Reflex client token names a tab's server-side state, and Reflex writes it into warnings such
as "Lock for token <uuid>_<state> was held too long"; a JWT is a bearer credential. Logs are
read by more people than those who may act as our users, so both are replaced before any
handler sees the record. A record factory rather than a filter: filters sit on loggers or
handlers that Reflex and granian configure after us, a factory sees every record.
"""

from __future__ import annotations

import logging
import re

_CREDENTIALS = re.compile(
    # Client tokens (uuid4) and JWTs (three base64url parts, the first a JSON object).
    r"(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])"
    r"|\beyJ[\w-]*\.[\w-]+\.[\w-]+",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return _CREDENTIALS.sub(REDACTED, text)


def install_log_redaction() -> None:
    """Idempotent: wraps the current log record factory once."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_credentials", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return record  # a malformed record is logging's own business
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return record

    factory.redacts_credentials = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
