"""A minimal HTTP/1.1 keep-alive client for load generation (bench.api's customers).

httpx spent about 3 ms of CPU per booking on the client side (two requests): on a 2-core
machine shared with the server and PostgreSQL, that was CPU taken from what we measure. This
client does only what the benchmark needs — one persistent connection per customer, a request
written as one buffer, a response read by Content-Length (or chunks) — and costs a fraction.
It is not a general HTTP client: no TLS, no redirects, no proxies, no compression.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class WireError(Exception):
    """The connection failed or the answer was not HTTP (a transport error, not a status)."""


@dataclass
class Answer:
    status: int
    headers: dict[bytes, bytes]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    def __init__(self, base_url: str, local_address: str | None = None, timeout: float = 60):
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.local_address = local_address
        self.timeout = timeout
        self._host_header = f"Host: {self.host}:{self.port}\r\n".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        local = (self.local_address, 0) if self.local_address else None
        self._reader, self._writer = await asyncio.open_connection(
            self.host, self.port, local_addr=local
        )

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._reader = self._writer = None

    async def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        """Send one request and read its answer; WireError if the connection fails."""
        payload = b"" if body is None else json.dumps(body).encode()
        head = [f"{method} {path} HTTP/1.1\r\n".encode(), self._host_header]
        if body is not None:
            head.append(b"Content-Type: application/json\r\n")
        head.append(f"Content-Length: {len(payload)}\r\n".encode())
        for name, value in (headers or {}).items():
            head.append(f"{name}: {value}\r\n".encode())
        head.append(b"\r\n")
        message = b"".join(head) + payload
        try:
            return await asyncio.wait_for(self._exchange(message), self.timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            await self.close()
            raise WireError(str(exc) or type(exc).__name__) from exc
        except TimeoutError as exc:
            await self.close()
            raise WireError("timed out") from exc

    async def _exchange(self, message: bytes) -> Answer:
        if self._writer is None:
            await self._open()
        assert self._reader is not None and self._writer is not None
        self._writer.write(message)
        reader = self._reader
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        try:
            status = int(lines[0].split(b" ", 2)[1])
        except (IndexError, ValueError) as exc:
            raise OSError(f"not an HTTP answer: {lines[0][:80]!r}") from exc
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
        if b"content-length" in headers:
            body = await reader.readexactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = await self._chunks()
        else:
            body = b""
        if headers.get(b"connection", b"").lower() == b"close":
            await self.close()
        return Answer(status, headers, body)

    async def _chunks(self) -> bytes:
        assert self._reader is not None
        parts = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")  # no trailers expected
                return b"".join(parts)
            parts.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)
