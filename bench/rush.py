"""An on-sale rush with four faults against the production setup (issue 13's closing report).

    python -m bench.rush [--customers 200] [--duration 90] [--think 1.5 4.5] [--seed 13]

What it does:
1. starts a PostgreSQL cluster and a Redis server of its own on free ports
   (`tests/owned_services.py`), so it can kill them without touching the shared servers;
   creates and migrates a database and seeds an organizer, one show of 100 numbered seats
   ("Hall", 10 x 10) plus 50 general-admission places ("Standing"), and `--customers` accounts
   (a cost-4 bcrypt hash written straight into the database: log-in stays cheap although the
   server runs with production's cost 12 for new passwords);
2. starts the production server, `python -m ticketapp.server --backend-only --workers 2`
   (granian with respawn), with TICKETAPP_ENV=production, a SECRET_KEY, REFLEX_REDIS_URL and
   REDIS_URL pointing at its Redis and MAIL_DIR in a temporary folder (without SMTP_HOST
   production sends no mail: it waits in the outbox, written with each booking, which the
   invariant check verifies; the log's "mail sender not started" lines are counted apart);
3. logs every customer in through the API (each from its own loopback address, since log-in is
   limited per IP), then for `--duration` seconds each customer thinks for a random time and
   acts: holds seats chosen from the live seat statuses and confirms them, holds the best
   available seats and confirms, holds general-admission places and confirms, buys seats in one
   request (`POST /bookings {show_id, seat_ids}`), cancels one of its bookings (its seats go
   back on sale) or logs in again. Every POST carries an Idempotency-Key. An answer that is a
   transport error, a 5xx (or a 409 `idempotency_in_progress`) is retried with the same key,
   after Retry-After or a short backoff, a few times; whatever is still unanswered when the
   load stops is retried again (same key) until it gets a definite answer. A replayed 201
   counts as the customer's;
4. meanwhile, the four faults, each opening a window that lasts until the next one:
   `worker_kill` SIGKILLs one granian worker (a child of the server process; the report says
   when its replacement appeared), `redis_down` SIGKILLs Redis and starts it again 5 s later,
   `burst` fires 500 extra requests (GET of the seat statuses) within one second from a
   separate process, `postgres_down` SIGKILLs the postmaster and starts it again 3 s later.
   That process (run at nice -5 when we are root, plain sockets) also asks /ping every 100 ms
   throughout, so the burst goes out on time and /ping's latency is the server's, not the lag
   of the event loop that drives the customers;
5. stops the server and judges everything from the database.

How to read the result (a table on stderr, then one JSON line on stdout):
- per window (`baseline` before the first fault, then one per fault): the customers' requests,
  their 5xx split into `503_retry_after` (503 with a Retry-After header: "nothing was done,
  retry", the designed answer) and `other_5xx` (should be 0; samples are listed), transport
  errors (connection reset or refused, timeouts), each answer counted in the window it arrived
  in; `first_ok_s` (from the fault to the first 2xx), `recovered_s` (from the fault to the
  window's last failed answer: from then on every answer until the next fault was good;
  `last_error_s` says it per kind of failure, e.g. `temporarily_unavailable` while PostgreSQL
  is down and `overloaded` for the retry wave after it), log-ins that worked (Redis keeps their
  rate limit) and /ping failures and p99;
  the burst's own answers are reported apart (`burst`), since refusing them fast is the point;
- `bookings_per_clients` / `bookings_per_db`: bookings the customers believe confirmed (201s
  minus their successful cancels) and bookings confirmed in the database; the two should be
  equal;
- `lost`: a 201 whose booking is not in the database, or not confirmed although its customer
  never asked to cancel it; `phantom`: a booking in the database no customer got a 201 for
  after all retries; `cancel_not_applied`: a cancel answered 200 whose booking is still
  confirmed; `seat_mismatch`: a 201 whose seats differ from the booking's tickets; all 0;
- `double_booked` (`bench.api.count_double_booked`) and `invariant_violations`
  (`ticketapp.booking.check_invariants`), both 0;
- `unresolved`: requests still without a definite answer after every retry (a stuck key);
  `worker_respawn_s`, `server_log` (error lines counted in the server's log) and
  `load_average_at_start` (the machine is shared; figures under load are what they are).
Every attempt is written to `attempts.jsonl` next to `server.log` in the run folder (kept, its
path is in the JSON). The exit status is 0 when nothing was lost, phantom, double-booked or
broken and no 5xx other than 503 + Retry-After was seen.

Not part of the test suite: it takes about three minutes and judges, it does not assert.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import bcrypt
import httpx
from sqlalchemy import text

from bench.accounts import seed_accounts
from bench.api import client_address, count_double_booked, process_group_cpu
from bench.harness import PROJECT_DIR, free_port
from tests import dbutil
from tests.appserver import start_server, stop_app, worker_pids
from tests.owned_services import OwnedPostgres, OwnedRedis
from ticketapp import booking
from ticketapp.db import make_engine
from ticketapp.models import utcnow

PASSWORD = "rush-password-123"
ROWS, SEATS_PER_ROW, STANDING = 10, 10, 50
HOLD_SECONDS = 60
WORKERS = 2
# Fault schedule, in seconds after the load starts (scaled with --duration; 90 s by default).
SCHEDULE = {"worker_kill": 10.0, "redis_down": 28.0, "burst": 46.0, "postgres_down": 64.0}
REDIS_DOWN_S = 5.0
POSTGRES_DOWN_S = 3.0
BURST_REQUESTS, BURST_SECONDS = 500, 1.0
# Retries of one request while the load runs (same key): then it waits for the final sweep.
INLINE_TRIES = 6
FINAL_TRIES = 8
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
ACTIONS = {"seats": 30, "best": 22, "ga": 15, "purchase": 23}
P_CANCEL, P_LOGIN = 0.22, 0.04
BOOKING_KINDS = ("confirm", "purchase")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def app_revision() -> dict[str, Any]:
    """The commit under test and the files changed in the working tree (others work here too)."""

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=PROJECT_DIR, capture_output=True, text=True)
        return done.stdout

    changed = git("status", "--porcelain", "--untracked-files=no").splitlines()
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "changed": [line[3:] for line in changed if line.strip()],
    }


# --- setup ------------------------------------------------------------------------------------


@dataclass
class Stage:
    show_id: int
    seat_ids: list[int]  # the 100 numbered seats
    emails: list[str]


def seed(db: Any, customers: int) -> Stage:
    password_hash = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    accounts = seed_accounts(db, "rush", customers, password_hash)
    organizer, emails = accounts.organizer, accounts.emails
    layout_id = booking.create_layout(
        organizer,
        "Rush hall",
        [
            booking.grid_section("Hall", "Seated", booking.row_labels(ROWS), SEATS_PER_ROW),
            booking.SectionSpec("Standing", "Standing", general_admission_capacity=STANDING),
        ],
        db=db,
    )
    event = booking.create_event(organizer, "On-sale rush", "Rush hall", status="published", db=db)
    show = booking.create_show(
        event.id,
        utcnow().replace(microsecond=0) + timedelta(days=10),
        layout_id,
        [booking.PriceSpec("Seated", 4000, rank=0), booking.PriceSpec("Standing", 2000, rank=1)],
        actor=organizer,
        hold_seconds=HOLD_SECONDS,
        max_seats_per_customer=10,
        db=db,
    )
    with db.connect() as conn:
        seat_ids = list(
            conn.execute(
                text(
                    "SELECT id FROM show_seat WHERE show_id = :s AND NOT is_general_admission "
                    "ORDER BY y, x"
                ),
                {"s": show.id},
            ).scalars()
        )
    return Stage(show.id, seat_ids, emails)


# --- recording --------------------------------------------------------------------------------


@dataclass
class Attempt:
    kind: str  # login, seats, hold_seats, hold_best, hold_ga, confirm, purchase, cancel, ...
    client: int
    key: str | None
    try_no: int
    phase: str  # run | final | burst | ping
    started: float  # time.monotonic()
    ended: float
    status: int | None  # None: no HTTP answer (transport error)
    error: str = ""  # the transport error's class, or the answer's error code
    retry_after: str | None = None
    replayed: bool = False


@dataclass
class Request:
    """One logical request (one Idempotency-Key) that has no definite answer yet."""

    client: Customer
    kind: str
    method: str
    path: str
    body: dict | None
    key: str | None
    hold_id: int | None = None  # for a confirm: the hold it confirms
    booking_id: int | None = None  # for a cancel


@dataclass
class Customer:
    i: int
    email: str
    http: httpx.AsyncClient
    token: str = ""
    live: list[int] = field(default_factory=list)  # bookings it believes confirmed

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Seen:
    """A booking a customer got a 201 for."""

    user_email: str
    seat_ids: list[int]
    kind: str
    replayed: bool
    phase: str


def retryable(status: int | None, error: str) -> bool:
    return status is None or status >= 500 or error == "idempotency_in_progress"


class Rush:
    def __init__(self, base_url: str, stage: Stage, stop_at: float, rng_seed: int) -> None:
        self.base_url = base_url
        self.stage = stage
        self.stop_at = stop_at
        self.rng_seed = rng_seed
        self.attempts: list[Attempt] = []
        self.pending: list[Request] = []
        self.seen: dict[int, Seen] = {}
        self.cancel_sent: set[int] = set()
        self.cancel_ok: set[int] = set()
        self.samples_5xx: list[dict] = []
        self.events: dict[str, float] = {}
        self.think: tuple[float, float] = (1.5, 4.5)

    # One logical request: the first try and the retries with its key.
    async def call(
        self,
        c: Customer,
        kind: str,
        method: str,
        path: str,
        body: dict | None = None,
        *,
        key: str | None = None,
        tries: int = INLINE_TRIES,
        phase: str = "run",
        deadline: float | None = None,
    ) -> tuple[httpx.Response | None, str | None]:
        if key is None and method == "POST":
            key = uuid.uuid4().hex
        headers = dict(c.auth) if c.token else {}
        if key:
            headers["Idempotency-Key"] = key
        for n in range(tries):
            started = time.monotonic()
            try:
                r = await c.http.request(method, path, json=body, headers=headers)
            except httpx.HTTPError as exc:
                self.attempts.append(
                    Attempt(
                        kind,
                        c.i,
                        key,
                        n,
                        phase,
                        started,
                        time.monotonic(),
                        None,
                        type(exc).__name__,
                    )
                )
                wait = min(0.2 * 2**n, 2.0)
            else:
                ended = time.monotonic()
                code = error_code(r)
                retry_after = r.headers.get("retry-after")
                replayed = r.headers.get("idempotent-replayed") == "true"
                self.attempts.append(
                    Attempt(
                        kind,
                        c.i,
                        key,
                        n,
                        phase,
                        started,
                        ended,
                        r.status_code,
                        code,
                        retry_after,
                        replayed,
                    )
                )
                if r.status_code >= 500 and not (r.status_code == 503 and retry_after):
                    self.samples_5xx.append(
                        {
                            "at": started,
                            "request": f"{method} {path}",
                            "json": body,
                            "key": key,
                            "status": r.status_code,
                            "headers": dict(r.headers),
                            "body": r.text[:2000],
                        }
                    )
                if not retryable(r.status_code, code):
                    return r, key
                wait = float(retry_after) if retry_after and retry_after.isdigit() else 0.5
            wait *= random.uniform(0.8, 1.3)
            if n == tries - 1 or (deadline is not None and time.monotonic() + wait > deadline):
                break
            await asyncio.sleep(wait)
        return None, key

    # --- what customers do --------------------------------------------------------------------

    async def login(self, c: Customer, phase: str = "run") -> bool:
        r, _ = await self.call(
            c,
            "login",
            "POST",
            "/api/v1/auth/login",
            {"email": c.email, "password": PASSWORD},
            phase=phase,
        )
        if r is not None and r.status_code == 200:
            c.token = r.json()["access_token"]
            return True
        return False

    async def available_seats(self, c: Customer, rng: random.Random, n: int) -> list[int]:
        """Seats the seat statuses call available (random ones if that call fails)."""
        r, _ = await self.call(
            c, "seat_statuses", "GET", f"/api/v1/shows/{self.stage.show_id}/seats", tries=2
        )
        free = []
        if r is not None and r.status_code == 200:
            statuses = r.json()["statuses"]
            free = [s for s in self.stage.seat_ids if statuses.get(str(s)) == "available"]
        pool = free if len(free) >= n else self.stage.seat_ids
        return rng.sample(pool, n)

    async def hold_and_confirm(self, c: Customer, kind: str, path: str, body: dict) -> None:
        r, key = await self.call(c, kind, "POST", path, body, deadline=self.stop_at + 20)
        if r is None:
            self.pending.append(Request(c, kind, "POST", path, body, key))
            return
        if r.status_code != 201:
            return
        await self.confirm(c, r.json()["hold_id"])

    async def confirm(self, c: Customer, hold_id: int, phase: str = "run") -> None:
        body = {"hold_id": hold_id}
        r, key = await self.call(
            c, "confirm", "POST", "/api/v1/bookings", body, phase=phase, deadline=self.stop_at + 20
        )
        if r is None:
            self.pending.append(
                Request(c, "confirm", "POST", "/api/v1/bookings", body, key, hold_id=hold_id)
            )
        elif r.status_code == 201:
            self.got_booking(c, r, "confirm", phase)
        elif r.status_code in (409, 410):
            await self.call(c, "release", "DELETE", f"/api/v1/holds/{hold_id}", tries=2)

    def got_booking(self, c: Customer, r: httpx.Response, kind: str, phase: str) -> None:
        b = r.json()
        if b["id"] not in self.seen:
            self.seen[b["id"]] = Seen(
                c.email,
                sorted(t["seat_id"] for t in b["tickets"] if t["live"]),
                kind,
                r.headers.get("idempotent-replayed") == "true",
                phase,
            )
            if b["status"] == "confirmed":
                c.live.append(b["id"])

    async def purchase(self, c: Customer, rng: random.Random) -> None:
        seats = await self.available_seats(c, rng, rng.randint(1, 2))
        body = {"show_id": self.stage.show_id, "seat_ids": seats}
        r, key = await self.call(
            c, "purchase", "POST", "/api/v1/bookings", body, deadline=self.stop_at + 20
        )
        if r is None:
            self.pending.append(Request(c, "purchase", "POST", "/api/v1/bookings", body, key))
        elif r.status_code == 201:
            self.got_booking(c, r, "purchase", "run")

    async def cancel(self, c: Customer, rng: random.Random, phase: str = "run") -> None:
        booking_id = c.live.pop(rng.randrange(len(c.live)))
        self.cancel_sent.add(booking_id)
        path = f"/api/v1/bookings/{booking_id}/cancel"
        body = {"reason": "changed my mind"}
        r, key = await self.call(
            c, "cancel", "POST", path, body, phase=phase, deadline=self.stop_at + 20
        )
        if r is None:
            self.pending.append(
                Request(c, "cancel", "POST", path, body, key, booking_id=booking_id)
            )
        elif r.status_code == 200:
            self.cancel_ok.add(booking_id)

    async def customer(self, c: Customer) -> None:
        rng = random.Random(self.rng_seed * 100_003 + c.i)
        show = self.stage.show_id
        kinds, weights = list(ACTIONS), list(ACTIONS.values())
        while True:
            await asyncio.sleep(rng.uniform(*self.think))
            if time.monotonic() >= self.stop_at:
                return
            roll = rng.random()
            if c.live and roll < P_CANCEL:
                await self.cancel(c, rng)
                continue
            if roll > 1 - P_LOGIN:
                await self.login(c)
                continue
            action = rng.choices(kinds, weights)[0]
            if action == "seats":
                seats = await self.available_seats(c, rng, rng.randint(1, 2))
                await self.hold_and_confirm(
                    c, "hold_seats", "/api/v1/holds", {"show_id": show, "seat_ids": seats}
                )
            elif action == "best":
                await self.hold_and_confirm(
                    c,
                    "hold_best",
                    "/api/v1/holds/best-available",
                    {"show_id": show, "quantity": rng.randint(1, 3)},
                )
            elif action == "ga":
                await self.hold_and_confirm(
                    c,
                    "hold_ga",
                    "/api/v1/holds/general-admission",
                    {"show_id": show, "quantity": rng.randint(1, 3), "section": "Standing"},
                )
            else:
                await self.purchase(c, rng)

    async def final_sweep(self) -> list[dict]:
        """Retry every request still unanswered, with its own key, until it is answered."""

        async def settle(p: Request) -> dict | None:
            r, _ = await self.call(
                p.client,
                p.kind,
                p.method,
                p.path,
                p.body,
                key=p.key,
                tries=FINAL_TRIES,
                phase="final",
            )
            if r is None:
                return {"kind": p.kind, "path": p.path, "json": p.body, "key": p.key}
            if p.kind in BOOKING_KINDS and r.status_code == 201:
                self.got_booking(p.client, r, p.kind, "final")
            elif p.kind == "cancel" and r.status_code == 200:
                self.cancel_ok.add(p.booking_id)
            elif p.kind.startswith("hold") and r.status_code == 201:
                # The hold was made after all; a customer back at the page confirms it.
                await self.confirm(p.client, r.json()["hold_id"], phase="final")
            return None

        # Confirms found by the sweep of their hold go into self.pending again: loop.
        unresolved: list[dict] = []
        for _ in range(3):
            batch, self.pending = self.pending, []
            if not batch:
                break
            unresolved = [u for u in await asyncio.gather(*map(settle, batch)) if u]
        return unresolved + [
            {"kind": p.kind, "path": p.path, "json": p.body, "key": p.key} for p in self.pending
        ]


def error_code(r: httpx.Response) -> str:
    try:
        body = r.json()
    except ValueError:
        return ""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("code", ""))
    return ""


# --- the prober: /ping and the burst, from a process of its own --------------------------------
#
# Plain sockets, one short HTTP/1.1 request per connection: cheap enough that 500 requests go
# out within the second, and the /ping latencies are the server's, not the lag of the event
# loop that drives 200 customers.


async def raw_get(port: int, path: str, local_ip: str) -> tuple[int | None, str]:
    """GET on a fresh connection; (status, Retry-After or ""), or (None, the error's name)."""

    async def go() -> tuple[int | None, str]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(local_ip, 0))
        try:
            request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
            writer.write(request.encode())
            data = await reader.read(-1)
        finally:
            writer.close()
        if not data:
            return None, "ClosedWithoutAnswer"
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        retry_after = next(
            (h.split(":", 1)[1].strip() for h in head[1:] if h.lower().startswith("retry-after:")),
            "",
        )
        return int(head[0].split()[1]), retry_after

    try:
        return await asyncio.wait_for(go(), TIMEOUT.read)
    except (OSError, TimeoutError, ValueError, IndexError) as exc:
        return None, type(exc).__name__


def probe_child(port: int, burst_path: str) -> None:
    """Ask /ping every 100 ms; on the line "burst" on stdin send BURST_REQUESTS GETs of
    `burst_path` within BURST_SECONDS; on "stop" print every answer as JSON and exit."""

    async def run() -> dict[str, list]:
        loop = asyncio.get_running_loop()
        commands: asyncio.Queue[str] = asyncio.Queue()
        loop.add_reader(
            sys.stdin.fileno(), lambda: commands.put_nowait(sys.stdin.readline().strip())
        )
        pings: list = []
        burst: list = []
        stop = asyncio.Event()

        async def pinger() -> None:
            while not stop.is_set():
                started = time.monotonic()
                status, extra = await raw_get(port, "/ping", "127.0.3.1")
                pings.append([started, time.monotonic(), status, extra])
                await asyncio.sleep(max(0.0, started + 0.1 - time.monotonic()))

        async def one(k: int, at: float) -> None:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            started = time.monotonic()
            status, extra = await raw_get(port, burst_path, f"127.0.2.{k % 200 + 1}")
            burst.append([started, time.monotonic(), status, extra])

        ping_task = asyncio.create_task(pinger())
        bursts = []
        while (command := await commands.get()) != "stop" and command:
            t0 = time.monotonic()
            bursts += [
                asyncio.create_task(one(k, t0 + BURST_SECONDS * k / BURST_REQUESTS))
                for k in range(BURST_REQUESTS)
            ]
        stop.set()
        await asyncio.gather(ping_task, *bursts)
        return {"pings": pings, "burst": burst}

    print(json.dumps(asyncio.run(run())), flush=True)


# --- faults -----------------------------------------------------------------------------------


async def run_faults(
    rush: Rush,
    t0: float,
    schedule: dict[str, float],
    server: Any,
    redis: OwnedRedis,
    pg: OwnedPostgres,
    probe: asyncio.subprocess.Process,
) -> dict[str, Any]:
    info: dict[str, Any] = {}
    ev = rush.events

    async def at(offset: float) -> None:
        await asyncio.sleep(max(0.0, t0 + offset - time.monotonic()))

    # 1. SIGKILL one worker; granian must start a replacement.
    await at(schedule["worker_kill"])
    before = worker_pids(server)
    victim = min(before)
    ev["worker_kill"] = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    log(f"[fault] SIGKILL worker {victim} (workers were {sorted(before)})")
    info["worker_killed"] = victim
    info["workers_before"] = sorted(before)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        new = worker_pids(server) - before
        if new:
            info["worker_respawn_s"] = round(time.monotonic() - ev["worker_kill"], 2)
            info["worker_replacement"] = sorted(new)
            log(f"[fault] replacement worker {sorted(new)} after {info['worker_respawn_s']} s")
            break
        await asyncio.sleep(0.05)
    else:
        info["worker_respawn_s"] = None
        log("[fault] NO replacement worker within 15 s")
    info["server_alive_after_kill"] = server.poll() is None

    # 2. Redis killed, restarted 5 s later.
    await at(schedule["redis_down"])
    ev["redis_down"] = time.monotonic()
    await asyncio.to_thread(redis.crash)
    log("[fault] SIGKILL redis-server")
    await asyncio.sleep(REDIS_DOWN_S)
    await asyncio.to_thread(redis.start)
    ev["redis_restarted"] = time.monotonic()
    log(
        f"[fault] redis-server started again after {ev['redis_restarted'] - ev['redis_down']:.1f} s"
    )

    # 3. A burst of 500 requests within one second, on top of the load.
    await at(schedule["burst"])
    ev["burst"] = time.monotonic()
    assert probe.stdin is not None
    probe.stdin.write(b"burst\n")
    await probe.stdin.drain()
    log(f"[fault] burst of {BURST_REQUESTS} requests in {BURST_SECONDS:.0f} s")

    # 4. PostgreSQL's postmaster SIGKILLed, started again 3 s later.
    await at(schedule["postgres_down"])
    ev["postgres_down"] = time.monotonic()
    await asyncio.to_thread(pg.crash)
    log("[fault] SIGKILL postmaster")
    await asyncio.sleep(max(0.0, ev["postgres_down"] + POSTGRES_DOWN_S - time.monotonic()))
    ev["postgres_restart_begun"] = time.monotonic()
    await asyncio.to_thread(pg.start)
    ev["postgres_restarted"] = time.monotonic()
    log(
        f"[fault] PostgreSQL accepts connections again "
        f"{ev['postgres_restarted'] - ev['postgres_down']:.1f} s after the kill"
    )
    return info


# --- judging ----------------------------------------------------------------------------------


def failed(a: Attempt) -> bool:
    return a.status is None or a.status >= 500


def window_report(
    name: str, start: float, end: float, attempts: list[Attempt], pings: list[Attempt]
) -> dict[str, Any]:
    """The answers that arrived in [start, end): a request in flight when the fault struck
    belongs to the fault's window."""
    mine = [a for a in attempts if start <= a.ended < end]
    statuses = Counter(a.status for a in mine if a.status is not None)
    ok = [a for a in mine if a.status is not None and 200 <= a.status < 300]
    bad = [a for a in mine if failed(a)]
    logins = [a for a in mine if a.kind == "login"]
    ping_in = [p for p in pings if start <= p.ended < end]
    ping_ms = sorted((p.ended - p.started) * 1000 for p in ping_in if p.status == 200)
    return {
        "window": name,
        "from_s": None,  # filled in by the caller (relative to the load's start)
        "requests": len(mine),
        "ok_2xx": len(ok),
        "client_4xx": sum(n for s, n in statuses.items() if 400 <= s < 500),
        "503_retry_after": sum(1 for a in mine if a.status == 503 and a.retry_after),
        "other_5xx": sum(
            1
            for a in mine
            if a.status and a.status >= 500 and not (a.status == 503 and a.retry_after)
        ),
        "transport_errors": sum(1 for a in mine if a.status is None),
        "in_progress_409": sum(1 for a in mine if a.error == "idempotency_in_progress"),
        "first_ok_s": round(min(a.ended for a in ok) - start, 2) if ok else None,
        "recovered_s": round(max(a.ended for a in bad) - start, 2) if bad else 0.0,
        "logins_ok": f"{sum(1 for a in logins if a.status == 200)}/{len(logins)}",
        "ping_failures": sum(1 for p in ping_in if p.status != 200),
        "ping_p99_ms": round(ping_ms[int(0.99 * (len(ping_ms) - 1))], 1) if ping_ms else None,
        "errors": dict(Counter(a.error or str(a.status) for a in bad).most_common(6)),
        # Per kind of failure, when its last answer in the window arrived (s after the fault).
        "last_error_s": {
            error: round(
                max(a.ended for a in bad if (a.error or str(a.status)) == error) - start, 2
            )
            for error in {a.error or str(a.status) for a in bad}
        },
    }


def judge_database(db: Any, rush: Rush, show_id: int) -> dict[str, Any]:
    with db.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT b.id, b.status, u.email FROM booking b JOIN app_user u ON u.id = b.user_id "
                "WHERE b.show_id = :s"
            ),
            {"s": show_id},
        ).all()
        tickets: dict[int, list[int]] = {}
        for booking_id, seat_id in conn.execute(
            text(
                "SELECT t.booking_id, t.show_seat_id FROM ticket t JOIN booking b "
                "ON b.id = t.booking_id WHERE b.show_id = :s"
            ),
            {"s": show_id},
        ):
            tickets.setdefault(booking_id, []).append(seat_id)
        seats = dict(
            conn.execute(
                text("SELECT status, count(*) FROM show_seat WHERE show_id = :s GROUP BY status"),
                {"s": show_id},
            ).all()
        )
    in_db = {r.id: r for r in rows}
    lost, phantom, not_applied, mismatch, wrong_owner = [], [], [], [], []
    for booking_id, seen in rush.seen.items():
        row = in_db.get(booking_id)
        if row is None:
            lost.append({"booking": booking_id, "why": "not in the database", **asdict(seen)})
            continue
        if row.email != seen.user_email:
            wrong_owner.append({"booking": booking_id, "db_owner": row.email, **asdict(seen)})
        if row.status != "confirmed" and booking_id not in rush.cancel_sent:
            lost.append({"booking": booking_id, "why": f"status {row.status}", **asdict(seen)})
        if booking_id in rush.cancel_ok and row.status == "confirmed":
            not_applied.append(booking_id)
        if sorted(tickets.get(booking_id, [])) != seen.seat_ids:
            mismatch.append(
                {
                    "booking": booking_id,
                    "got": seen.seat_ids,
                    "db": sorted(tickets.get(booking_id, [])),
                }
            )
    for booking_id, row in in_db.items():
        if booking_id not in rush.seen:
            phantom.append({"booking": booking_id, "status": row.status, "owner": row.email})
    believed = [b for b in rush.seen if b not in rush.cancel_ok]
    return {
        "bookings_201": len(rush.seen),
        "bookings_201_replayed": sum(1 for s in rush.seen.values() if s.replayed),
        "bookings_201_in_final_sweep": sum(1 for s in rush.seen.values() if s.phase == "final"),
        "bookings_per_clients": len(believed),
        "bookings_per_db": sum(1 for r in rows if r.status == "confirmed"),
        "bookings_in_db_total": len(rows),
        "cancels_ok": len(rush.cancel_ok),
        "cancelled_in_db": sum(1 for r in rows if r.status == "cancelled"),
        "lost": len(lost),
        "phantom": len(phantom),
        "cancel_not_applied": len(not_applied),
        "seat_mismatch": len(mismatch),
        "wrong_owner": len(wrong_owner),
        "seats_by_status": seats,
        "details": {
            "lost": lost[:20],
            "phantom": phantom[:20],
            "cancel_not_applied": not_applied[:20],
            "seat_mismatch": mismatch[:20],
            "wrong_owner": wrong_owner[:20],
        },
    }


def server_log_summary(path: Path) -> dict[str, Any]:
    textlog = path.read_text(errors="replace") if path.exists() else ""
    lines = textlog.splitlines()
    interesting = re.compile(r"ERROR|CRITICAL|WARNING|Traceback|Unexpected exit|Respawn|stopped")
    # Production without SMTP_HOST: each worker says once that mail waits in the outbox.
    no_smtp = [line for line in lines if "SMTP_HOST is not set" in line]
    errors = [line for line in lines if ("ERROR" in line or "CRITICAL" in line)]
    return {
        "lines": len(lines),
        "error_lines": len(errors) - len(no_smtp),
        "mail_sender_not_started_no_smtp": len(no_smtp),
        "tracebacks": textlog.count("Traceback"),
        "respawning": textlog.count("Respawning worker"),
        "unexpected_exit": textlog.count("Unexpected exit"),
        "notable": [
            line[:300] for line in lines if interesting.search(line) and line not in no_smtp
        ][:60],
    }


def print_table(windows: list[dict], burst: dict, db: dict, extra: dict) -> None:
    cols = [
        ("window", 14),
        ("from_s", 7),
        ("requests", 9),
        ("ok_2xx", 7),
        ("client_4xx", 10),
        ("503_retry_after", 15),
        ("other_5xx", 9),
        ("transport_errors", 16),
        ("first_ok_s", 10),
        ("recovered_s", 11),
        ("logins_ok", 9),
        ("ping_failures", 13),
        ("ping_p99_ms", 11),
    ]
    log("")
    log(" ".join(f"{name:>{w}}" for name, w in cols))
    for row in windows:
        log(" ".join(f"{'-' if row[name] is None else row[name]!s:>{w}}" for name, w in cols))
    log("")
    log(
        f"burst: {burst['sent']} requests, statuses {burst['statuses']}, "
        f"transport errors {burst['transport_errors']}, "
        f"answer p50/p99/max {burst['p50_ms']}/{burst['p99_ms']}/{burst['max_ms']} ms "
        f"(503s p50/max {burst['503_p50_max_ms']}, 200s p50/max {burst['200_p50_max_ms']}), "
        f"sent within {burst['sent_within_s']} s"
    )
    log(
        f"bookings: 201s {db['bookings_201']} (replayed {db['bookings_201_replayed']}, found in "
        f"the final sweep {db['bookings_201_in_final_sweep']}), cancels ok {db['cancels_ok']}; "
        f"confirmed per clients {db['bookings_per_clients']} vs per database "
        f"{db['bookings_per_db']}"
    )
    log(
        f"lost {db['lost']}, phantom {db['phantom']}, cancel not applied "
        f"{db['cancel_not_applied']}, seat mismatch {db['seat_mismatch']}, double-booked seats "
        f"{extra['double_booked']}, invariant violations {extra['invariant_violations']}, "
        f"unresolved requests {extra['unresolved']}"
    )
    log(
        f"worker respawn {extra['worker_respawn_s']} s, server alive after the kill "
        f"{extra['server_alive_after_kill']}, load average at start "
        f"{extra['load_average_at_start']}"
    )


def percentile_ms(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * (len(values) - 1)))] * 1000, 1)


# --- main -------------------------------------------------------------------------------------


async def rush_main(
    args: argparse.Namespace, base_url: str, stage: Stage, server: Any, redis: Any, pg: Any
) -> tuple[Rush, dict[str, Any], float, dict[str, Any], list[Attempt], list]:
    scale = args.duration / 90.0
    schedule = {name: at * scale for name, at in SCHEDULE.items()}
    probe = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.rush",
        "--probe-child",
        base_url.rsplit(":", 1)[1],
        f"/api/v1/shows/{stage.show_id}/seats",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        # Ahead of the rest (as root): the burst must go out within its second, and /ping's
        # latency must be the server's, on a machine whose two cores the server saturates.
        preexec_fn=(lambda: os.nice(-5)) if os.geteuid() == 0 else None,
    )
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=2)
    customers = [
        Customer(
            i,
            email,
            httpx.AsyncClient(
                base_url=base_url,
                transport=httpx.AsyncHTTPTransport(local_address=client_address(i), limits=limits),
                timeout=TIMEOUT,
            ),
        )
        for i, email in enumerate(stage.emails)
    ]
    rush = Rush(base_url, stage, float("inf"), args.seed)
    rush.think = (args.think[0], args.think[1])
    started = time.monotonic()
    logged = await asyncio.gather(*(rush.login(c, phase="setup") for c in customers))
    log(
        f"{sum(logged)} of {len(customers)} customers logged in "
        f"in {time.monotonic() - started:.1f} s"
    )
    rush.attempts.clear()
    active = [c for c, ok in zip(customers, logged, strict=True) if ok]

    t0 = time.monotonic()
    rush.stop_at = t0 + args.duration
    cpu0 = process_group_cpu(server.pid)
    fault_task = asyncio.create_task(run_faults(rush, t0, schedule, server, redis, pg, probe))
    await asyncio.gather(*(rush.customer(c) for c in active))
    info = await fault_task
    log(f"load over after {time.monotonic() - t0:.1f} s; {len(rush.pending)} requests unanswered")
    info["server_cpu_s"] = round(process_group_cpu(server.pid) - cpu0, 1)
    info["unresolved_requests"] = await rush.final_sweep()
    out, _ = await probe.communicate(b"stop\n")
    probed = json.loads(out.decode().strip().splitlines()[-1])
    pings = [Attempt("ping", -1, None, 0, "ping", *row[:3], row[3]) for row in probed["pings"]]
    burst_rows = probed["burst"]
    for c in customers:
        await c.http.aclose()
    return rush, info, t0, schedule, pings, burst_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.rush", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--duration", type=float, default=90.0, help="seconds of load")
    parser.add_argument(
        "--think", type=float, nargs=2, default=(1.5, 4.5), help="a customer's pause, min max s"
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--probe-child", nargs=2, metavar=("PORT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe_child:
        probe_child(int(args.probe_child[0]), args.probe_child[1])
        return 0

    load_average = os.getloadavg()
    revision = app_revision()
    run_dir = Path(tempfile.mkdtemp(prefix="ticketapp-rush-"))
    mail_dir = Path(tempfile.mkdtemp(prefix="ticketapp-rush-mail-"))
    log(f"load average at start {load_average}; run folder {run_dir}")
    pg, redis = OwnedPostgres(), OwnedRedis()
    server = None
    try:
        pg.start()
        redis.start()
        db_url = dbutil.create_pg_database("ticketapp_rush", server=pg.server_url)
        dbutil.migrate(db_url)
        db = make_engine(db_url)
        stage = seed(db, args.customers)
        db.dispose()
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log(f"PostgreSQL :{pg.port}, Redis :{redis.port}; starting the server on {base_url}")
        server = start_server(
            db_url,
            port,
            run_dir / "server.log",
            workers=WORKERS,
            backend_only=True,
            extra_env={
                "TICKETAPP_ENV": "production",
                "SECRET_KEY": secrets.token_urlsafe(48),
                "REFLEX_REDIS_URL": redis.url,
                "REDIS_URL": redis.url,
                "MAIL_DIR": str(mail_dir),
                "PYTHONUNBUFFERED": "1",
            },
        )
        rush, info, t0, schedule, pings, burst_rows = asyncio.run(
            rush_main(args, base_url, stage, server, redis, pg)
        )
        stop_app(server)
        server = None
        db = make_engine(db_url)
        violations = booking.check_invariants(db)
        double_booked = count_double_booked(db)
        judged = judge_database(db, rush, stage.show_id)
        db.dispose()
    finally:
        if server is not None:
            stop_app(server)
        redis.close()
        pg.close()
        shutil.rmtree(mail_dir, ignore_errors=True)

    with (run_dir / "attempts.jsonl").open("w") as f:
        for a in rush.attempts + pings:
            f.write(json.dumps({**asdict(a), "started": a.started - t0, "ended": a.ended - t0}))
            f.write("\n")
        for started, ended, status, extra in burst_rows:
            row = {"kind": "burst", "phase": "burst", "started": started - t0, "ended": ended - t0}
            f.write(json.dumps({**row, "status": status, "retry_after_or_error": extra}) + "\n")

    # Windows: baseline, then each fault until the next one (the last until the load's end).
    names = ["baseline", *schedule]
    starts = [t0] + [rush.events[name] for name in schedule]
    ends = [*starts[1:], t0 + args.duration + 30]  # the last one includes the in-run retries
    run_attempts = [a for a in rush.attempts if a.phase == "run"]
    windows = []
    for name, start, end in zip(names, starts, ends, strict=True):
        row = window_report(name, start, end, run_attempts, pings)
        row["from_s"] = round(start - t0, 1)
        windows.append(row)
    windows[2]["restarted_after_s"] = round(rush.events["redis_restarted"] - starts[2], 2)
    windows[4]["restarted_after_s"] = round(rush.events["postgres_restarted"] - starts[4], 2)

    burst_ms = [(row[1] - row[0]) for row in burst_rows]
    refused_ms = [(row[1] - row[0]) for row in burst_rows if row[2] == 503]
    served_ms = [(row[1] - row[0]) for row in burst_rows if row[2] == 200]
    burst = {
        "sent": len(burst_rows),
        "statuses": dict(Counter(str(row[2]) for row in burst_rows if row[2] is not None)),
        "transport_errors": sum(1 for row in burst_rows if row[2] is None),
        "503_without_retry_after": sum(1 for row in burst_rows if row[2] == 503 and not row[3]),
        "p50_ms": percentile_ms(burst_ms, 0.5),
        "p99_ms": percentile_ms(burst_ms, 0.99),
        "max_ms": percentile_ms(burst_ms, 1.0),
        "503_p50_max_ms": [percentile_ms(refused_ms, 0.5), percentile_ms(refused_ms, 1.0)],
        "200_p50_max_ms": [percentile_ms(served_ms, 0.5), percentile_ms(served_ms, 1.0)],
        "sent_within_s": round(max(r[0] for r in burst_rows) - min(r[0] for r in burst_rows), 2)
        if burst_rows
        else None,
    }
    final_attempts = [a for a in rush.attempts if a.phase == "final"]
    all_statuses = Counter(str(a.status) for a in rush.attempts)
    log_summary = server_log_summary(run_dir / "server.log")
    other_5xx = sum(w["other_5xx"] for w in windows) + sum(
        1 for a in final_attempts if failed(a) and a.status is not None and not a.retry_after
    )
    extra = {
        "double_booked": double_booked,
        "invariant_violations": len(violations),
        "unresolved": len(info["unresolved_requests"]),
        "worker_respawn_s": info.get("worker_respawn_s"),
        "server_alive_after_kill": info.get("server_alive_after_kill"),
        "load_average_at_start": [round(x, 2) for x in load_average],
    }
    print_table(windows, burst, judged, extra)
    for sample in rush.samples_5xx[:5]:
        log(f"other 5xx: {json.dumps({**sample, 'at': round(sample['at'] - t0, 2)})}")
    for violation in violations[:20]:
        log(f"invariant broken: {violation}")
    for line in log_summary["notable"][:25]:
        log(f"server log: {line}")

    result = {
        "customers": args.customers,
        "workers": WORKERS,
        "duration_s": args.duration,
        "think_s": list(args.think),
        "requests": len(rush.attempts),
        "statuses": dict(sorted(all_statuses.items())),
        "windows": windows,
        "burst": burst,
        **{k: v for k, v in judged.items() if k != "details"},
        "other_5xx_total": other_5xx,
        "double_booked": double_booked,
        "invariant_violations": len(violations),
        "unresolved": len(info["unresolved_requests"]),
        "final_sweep_attempts": len(final_attempts),
        "worker_killed": info.get("worker_killed"),
        "worker_respawn_s": info.get("worker_respawn_s"),
        "server_alive_after_kill": info.get("server_alive_after_kill"),
        "server_cpu_s": info.get("server_cpu_s"),
        "server_log": {k: v for k, v in log_summary.items() if k != "notable"},
        "problems": {
            **judged["details"],
            "other_5xx": [{**s, "at": round(s["at"] - t0, 2)} for s in rush.samples_5xx[:10]],
            "unresolved": info["unresolved_requests"][:20],
            "invariants": violations[:20],
        },
        "load_average_at_start": [round(x, 2) for x in load_average],
        "app_revision": revision,
        "run_folder": str(run_dir),
    }
    print(json.dumps(result), flush=True)
    bad = (
        judged["lost"]
        + judged["phantom"]
        + judged["cancel_not_applied"]
        + double_booked
        + len(violations)
        + other_5xx
    )
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
