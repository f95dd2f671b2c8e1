"""The production server as a real process, for tests that kill and overload it."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests import dbutil


@pytest.fixture
def app_db_url() -> Iterator[str]:
    """A fresh, migrated database on the shared PostgreSQL server, for one server process."""
    url = dbutil.create_pg_database("ticketapp_serving")
    dbutil.migrate(url)
    yield url
    dbutil.drop_pg_database(url)


@dataclass
class Answer:
    started: float
    seconds: float
    status: int | None  # None: no HTTP answer at all (connection refused or reset, timeout)
    headers: dict[str, str]  # names in lower case
    body: dict | None


def request(
    url: str,
    *,
    method: str = "GET",
    body: dict | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Answer:
    """One request on a fresh connection; any outcome is recorded, none raised."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, headers, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        status, headers, raw = exc.code, exc.headers, exc.read()
    except OSError:
        return Answer(started, time.monotonic() - started, None, {}, None)
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    lowered = {name.lower(): value for name, value in headers.items()}
    return Answer(started, time.monotonic() - started, status, lowered, parsed)


@dataclass
class Poller:
    """Requests `url` in a loop on its own thread until stopped; keeps every answer."""

    url: str
    pause: float = 0.02
    headers: dict[str, str] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Poller:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.answers.append(request(self.url, headers=self.headers, timeout=5))
            self._stop.wait(self.pause)

    def between(self, start: float, end: float) -> list[Answer]:
        return [a for a in self.answers if start <= a.started and a.started + a.seconds <= end]
