"""What every HTTP answer carries, and what no request may bring: one ASGI middleware in front
of the API *and* of Reflex (it wraps the FastAPI app Reflex mounts itself into), so the pages,
their assets and the API get the same rules.

- Headers: a Content-Security-Policy the app works under (checked in the browser suite: no
  violation on any page), no framing (`frame-ancestors 'none'` and X-Frame-Options), no MIME
  sniffing, a strict Referrer-Policy, and `Cache-Control: no-store` on every API answer to a
  request that carried a bearer token (a shared cache must never keep someone's bookings).
- Request bodies of the API beyond `MAX_BODY_BYTES` answer 413 before the route reads them
  (a declared Content-Length) or as soon as the limit is passed (chunked uploads).
- Cross-origin callers: CORS itself is Starlette's middleware, which Reflex installs with
  `rxconfig.cors_allowed_origins = settings.cors_origins` (never `*`, never `null`);
  `origin_allowed` is the same rule for the websocket, where socket.io asks it.

Why 'unsafe-inline' for scripts and styles: the production build of Reflex (React Router)
boots from inline scripts whose content changes with every build, and Radix/Emotion set
inline styles. Why 'unsafe-eval': Reflex runs the scripts a handler sends the browser
(`rx.call_script`, which Reflex itself uses on page loads) with `eval` — seen as violations
in the browser suite without it. Everything is still pinned to our own origin: no script,
style, frame or connection may come from or go to anywhere else, and no plugin content may
load at all; what a handler could eval is our own code, never user input.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ticketapp.settings import settings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        # Event banners may be any https image an organizer links to; QR codes are data URLs.
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    # The camera is ours alone: the door's check-in page scans tickets with it. It is granted
    # per document, and the app navigates without reloading, so the rule is the same on every
    # page; no other origin (and no frame: frame-ancestors 'none') may use it.
    (b"permissions-policy", b"camera=(self), microphone=(), geolocation=(), payment=()"),
]
_SECURITY_HEADER_NAMES = {name for name, _ in SECURITY_HEADERS}


def origin_allowed(origin: str | None, host: str | None, scheme: str = "http") -> bool:
    """The app's own origin (as the request's Host names it) or one of CORS_ORIGINS."""
    if not origin:
        return True  # not a browser: an Origin header is what a browser always sends
    origin = origin.rstrip("/")
    if host and origin in (f"{scheme}://{host}", f"{_other(scheme)}://{host}"):
        return True
    return origin in settings.cors_origins


def _other(scheme: str) -> str:
    # Behind a TLS-terminating proxy the app sees http while the browser says https.
    return {"http": "https", "https": "http", "ws": "wss", "wss": "ws"}.get(scheme, scheme)


def websocket_origin_allowed(origin: str | None, environ: dict) -> bool:
    """socket.io's `cors_allowed_origins` callable (see ticketapp/ticketapp.py)."""
    return origin_allowed(origin, environ.get("HTTP_HOST"), environ.get("wsgi.url_scheme", "http"))


class _BodyTooLarge(Exception):
    pass


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes or settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        is_api = path == "/api" or path.startswith("/api/")
        authenticated = _header(scope["headers"], b"authorization") is not None
        limit = self.max_body_bytes
        if is_api:
            length = _header(scope["headers"], b"content-length")
            if length is not None and length.isdigit() and int(length) > limit:
                await self._too_large(send, limit)
                return

        overflow = replaced = False

        async def send_with_headers(message: Message) -> None:
            nonlocal replaced
            if replaced:
                return  # the app's own answer to a body we cut off
            if message["type"] == "http.response.start":
                if overflow:
                    # The app saw the body fail to arrive; whatever it made of it, the
                    # client gets the one true answer.
                    replaced = True
                    await self._too_large(send, limit)
                    return
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in _SECURITY_HEADER_NAMES
                ]
                headers += SECURITY_HEADERS
                if is_api and authenticated:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        received = 0

        async def counting_receive() -> Message:
            nonlocal received, overflow
            message = await receive()
            if is_api and message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflow = True
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except _BodyTooLarge:
            if not replaced:
                replaced = True
                await self._too_large(send, limit)

    @staticmethod
    async def _too_large(send: Send, limit: int) -> None:
        body = json.dumps(
            {
                "error": {
                    "code": "payload_too_large",
                    "message": f"The request body is larger than {limit} bytes.",
                }
            }
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *SECURITY_HEADERS,
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
