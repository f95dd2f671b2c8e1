"""Load benchmark of the REST API: many customers hold two seats and confirm, over and over.

    python -m bench.api [--mode two-step|purchase] [--server reflex|api] [--workers 2]
                        [--clients 64] [--client-processes 2] [--duration 20]

What it does:
1. creates a fresh PostgreSQL database, migrates it, and seeds an organizer, a published event
   with `--shows` shows of 100 x 100 seats, and one customer account per client (bcrypt cost
   12, as in production);
2. starts the server in production mode (TICKETAPP_ENV=production) with `--workers` backend
   processes: `--server api` serves just the FastAPI app with granian; `--server reflex` runs
   the production server (`python -m ticketapp.server --backend-only`: Reflex's backend on
   granian with worker respawn, the API mounted through `api_transformer`), with Redis for
   shared state when it answers;
3. runs `--clients` concurrent clients on asyncio with a minimal keep-alive HTTP/1.1 client
   (bench/wire.py: httpx cost ~3 ms of CPU per booking, CPU the server then lacks), spread
   over `--client-processes` processes,
   each from its own loopback address (the log-in rate limit is per IP): each logs in once,
   then for `--duration` seconds loops POST /holds (two adjacent seats, with an
   Idempotency-Key) + POST /bookings — or, with `--mode purchase`, the one-request purchase
   POST /bookings {show_id, seat_ids} (with an Idempotency-Key). Each client
   walks its own seats; a `--contention` share of attempts goes for someone else's seats, so
   conflicts (409) happen and are counted — they are answers, not errors;
4. stops the server and sweeps the database with the engine's invariant checker.

The last line is JSON: bookings per second, p50/p99 of one booking's round trips, the number
of 5xx answers, `double_booked` — seats with more than one live ticket or in more than one
confirmed booking, counted from the database after the run — and the CPU per booking of the
server processes (from /proc, over exactly the load window), of PostgreSQL and of the client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import bcrypt
import httpx
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bench.accounts import seed_accounts
from bench.harness import free_port, stop_app
from bench.wire import Connection, WireError
from tests import dbutil
from ticketapp import booking
from ticketapp.booking import check_invariants
from ticketapp.db import make_engine
from ticketapp.models import utcnow

PROJECT_DIR = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
# Used when it answers: Reflex's workers share state there, and the log-in limit its log.
REDIS_URL = (
    os.environ.get("REFLEX_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379"
)
PASSWORD = "bench-password-123"
ROWS, SEATS_PER_ROW = 100, 100


def log(message: str) -> None:
    print(message, flush=True)


# --- database ---------------------------------------------------------------------------------


def create_database() -> str:
    url = dbutil.create_pg_database("ticketapp_bench", server=PG_SERVER)
    dbutil.migrate(url)
    return url


def drop_database(url: str) -> None:
    dbutil.drop_pg_database(url, server=PG_SERVER)


@dataclass
class Seed:
    emails: list[str]
    pairs: list[list[tuple[int, int, int]]]  # per client: (show_id, seat, seat) to book


def seed(db: Engine, clients: int, shows: int) -> Seed:
    """An event with `shows` shows of ROWS x SEATS_PER_ROW seats and one account per client."""
    password_hash = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=12)).decode()
    accounts = seed_accounts(db, f"bench-{uuid.uuid4().hex[:6]}", clients, password_hash)
    organizer, emails = accounts.organizer, accounts.emails
    layout_id = booking.create_layout(
        organizer,
        "Bench hall",
        [booking.grid_section("Hall", "Standard", booking.row_labels(ROWS), SEATS_PER_ROW)],
        db=db,
    )
    event = booking.create_event(organizer, "Benchmark", "Bench hall", status="published", db=db)
    pairs: list[tuple[int, int, int]] = []
    for day in range(shows):
        show = booking.create_show(
            event.id,
            utcnow().replace(microsecond=0) + timedelta(days=10 + day),
            layout_id,
            [booking.PriceSpec("Standard", 2500)],
            actor=organizer,
            db=db,
        )
        with db.connect() as conn:
            seat_ids = conn.execute(
                text("SELECT id FROM show_seat WHERE show_id = :s ORDER BY y, x"), {"s": show.id}
            ).scalars()
            ids = list(seat_ids)
        pairs += [(show.id, ids[k], ids[k + 1]) for k in range(0, len(ids) - 1, 2)]
    per_client = [pairs[i::clients] for i in range(clients)]
    return Seed(emails, per_client)


def count_double_booked(db: Engine) -> int:
    """Seats with more than one live ticket, or in more than one confirmed booking."""
    with db.connect() as conn:
        return conn.execute(
            text(
                """
                SELECT count(*) FROM (
                    SELECT t.show_seat_id
                    FROM ticket t JOIN booking b ON b.id = t.booking_id
                    WHERE t.live OR b.status = 'confirmed'
                    GROUP BY t.show_seat_id
                    HAVING count(*) FILTER (WHERE t.live) > 1
                        OR count(DISTINCT b.id) FILTER (WHERE b.status = 'confirmed') > 1
                ) AS doubles
                """
            )
        ).scalar_one()


# --- server -----------------------------------------------------------------------------------


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except Exception:
        return False


def start_server(
    kind: str, workers: int, port: int, db_url: str, db_connections: int
) -> subprocess.Popen:
    env = {
        **os.environ,
        "TICKETAPP_ENV": "production",
        "DATABASE_URL": db_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "BCRYPT_ROUNDS": "12",
        # Every worker has its own pool; together they must fit the server's max_connections
        # (100 by default, shared with whatever else runs). A request waits for a connection
        # rather than failing when its worker's pool is busy.
        "DB_POOL_SIZE": str(max(2, db_connections // workers)),
        "DB_MAX_OVERFLOW": "0",
        "PYTHONUNBUFFERED": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "REFLEX_USE_NPM": "1",
    }
    bin_dir = Path(sys.executable).parent
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    if kind == "api":
        cmd = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "asgi",
            "--workers",
            str(workers),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--backlog",
            "2048",
            "--no-access-log",
            "--log-level",
            "warning",
            "ticketapp.api:app",
        ]
    else:
        if redis_answers(REDIS_URL):
            env["REFLEX_REDIS_URL"] = REDIS_URL
        elif workers > 1:
            log("note: no Redis answers; Reflex workers will not share UI state")
        env["GRANIAN_WORKERS"] = str(workers)
        # The production entry point (granian with respawn), backend only: no page here.
        cmd = [
            sys.executable,
            "-m",
            "ticketapp.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--backend-only",
        ]
    # A session of its own, so stopping it stops every worker it forked.
    return subprocess.Popen(cmd, cwd=PROJECT_DIR, env=env, start_new_session=True)


def wait_ready(base_url: str, server: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            if httpx.get(f"{base_url}/api/v1/events?limit=1", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        stop_app(server)


# --- clients ----------------------------------------------------------------------------------


@dataclass
class Stats:
    bookings: int = 0
    round_trips_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    login_failures: int = 0
    exhausted: int = 0
    client_cpu_s: float = 0.0


def client_address(i: int) -> str:
    """127.0.0.2, 127.0.0.3, ...: every client its own IP, as real customers have."""
    n = i + 2
    return f"127.0.{n // 250}.{n % 250 or 250}"


async def customer(
    i: int,
    base_url: str,
    email: str,
    own: list[tuple[int, int, int]],
    everyone: list[list[tuple[int, int, int]]],
    contention: float,
    idempotency: bool,
    mode: str,
    logged_in: asyncio.Event,
    ready: list[int],
    run_for: float,
    stats: Stats,
) -> None:
    rng = random.Random(i)
    client = Connection(base_url, local_address=client_address(i))
    try:
        r = await client.request(
            "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD}
        )
        stats.statuses[r.status] += 1
        token = r.json()["access_token"] if r.status == 200 else None
    except WireError:
        stats.transport_errors += 1
        token = None
    ready[0] += 1
    await logged_in.wait()
    if token is None:
        stats.login_failures += 1
        await client.close()
        return
    auth = {"Authorization": f"Bearer {token}"}

    def headers() -> dict[str, str]:
        return {**auth, "Idempotency-Key": uuid.uuid4().hex} if idempotency else auth

    mine = iter(own)
    stop_at = time.perf_counter() + run_for
    while time.perf_counter() < stop_at:
        if rng.random() < contention:
            show_id, a, b = rng.choice(rng.choice(everyone))
        else:
            try:
                show_id, a, b = next(mine)
            except StopIteration:
                stats.exhausted += 1
                break
        started = time.perf_counter()
        try:
            if mode == "purchase":
                booking = await client.request(
                    "POST", "/api/v1/bookings", {"show_id": show_id, "seat_ids": [a, b]}, headers()
                )
            else:
                hold = await client.request(
                    "POST", "/api/v1/holds", {"show_id": show_id, "seat_ids": [a, b]}, headers()
                )
                stats.statuses[hold.status] += 1
                if hold.status != 201:
                    continue
                booking = await client.request(
                    "POST", "/api/v1/bookings", {"hold_id": hold.json()["hold_id"]}, headers()
                )
        except WireError as exc:
            stats.transport_errors += 1
            if os.environ.get("BENCH_DEBUG"):
                print("transport error:", exc, file=sys.stderr)
            continue
        stats.statuses[booking.status] += 1
        if booking.status == 201:
            stats.bookings += 1
            stats.round_trips_ms.append((time.perf_counter() - started) * 1000)
    await client.close()


def client_process(
    args: argparse.Namespace,
    base_url: str,
    seeded: Seed,
    members: range,
    go: Any,
    results: Any,
) -> None:
    """One load-generating process: its share of the clients, on one asyncio loop."""

    async def run() -> Stats:
        stats = Stats()
        logged_in = asyncio.Event()
        ready = [0]
        tasks = [
            asyncio.create_task(
                customer(
                    i,
                    base_url,
                    seeded.emails[i],
                    seeded.pairs[i],
                    seeded.pairs,
                    args.contention,
                    not args.no_idempotency,
                    args.mode,
                    logged_in,
                    ready,
                    args.duration,
                    stats,
                )
            )
            for i in members
        ]
        while ready[0] < len(tasks):
            await asyncio.sleep(0.05)
        await asyncio.get_running_loop().run_in_executor(None, go.wait)  # all processes at once
        cpu = time.process_time()
        logged_in.set()
        await asyncio.gather(*tasks)
        stats.client_cpu_s = time.process_time() - cpu
        return stats

    results.put(asyncio.run(run()))


def load(
    args: argparse.Namespace, base_url: str, seeded: Seed, server: Any
) -> tuple[Stats, float, float]:
    """Run the clients in `--client-processes` processes; returns their stats, the seconds
    of load and the server's CPU seconds over exactly that time."""
    processes = max(1, min(args.client_processes, args.clients))
    go = multiprocessing.Barrier(processes + 1)
    results: Any = multiprocessing.Queue()
    shares = [range(k, args.clients, processes) for k in range(processes)]
    workers = [
        multiprocessing.Process(
            target=client_process, args=(args, base_url, seeded, share, go, results)
        )
        for share in shares
    ]
    login_started = time.perf_counter()
    for w in workers:
        w.start()
    go.wait()
    log(f"{args.clients} clients logged in in {time.perf_counter() - login_started:.1f} s")
    server_cpu = process_group_cpu(server.pid)
    started = time.perf_counter()
    parts = [results.get() for _ in workers]
    elapsed = time.perf_counter() - started
    server_cpu = process_group_cpu(server.pid) - server_cpu
    for w in workers:
        w.join()
    stats = Stats()
    for part in parts:
        stats.bookings += part.bookings
        stats.round_trips_ms += part.round_trips_ms
        stats.statuses.update(part.statuses)
        stats.transport_errors += part.transport_errors
        stats.login_failures += part.login_failures
        stats.exhausted += part.exhausted
        stats.client_cpu_s += part.client_cpu_s
    return stats, elapsed, server_cpu


def _cpu_seconds(wanted: Callable[[str, list[str]], bool]) -> float:
    """CPU seconds (user + system) used so far by the live processes `wanted(comm, stat
    fields)` picks, read from /proc: each process's own account of its work."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                head, tail = f.read().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        if wanted(head.split("(", 1)[1], fields):
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def process_group_cpu(pgid: int) -> float:
    """CPU seconds of the server: the processes of its process group."""
    return _cpu_seconds(lambda _comm, fields: int(fields[2]) == pgid)


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process (the server is ours alone in a benchmark run
    on a quiet machine)."""
    return _cpu_seconds(lambda comm, _fields: comm == "postgres")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=("reflex", "api"), default="reflex")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--shows", type=int, default=3, help="shows of 10,000 seats each")
    parser.add_argument("--contention", type=float, default=0.05)
    parser.add_argument("--no-idempotency", action="store_true")
    parser.add_argument(
        "--mode",
        choices=("two-step", "purchase"),
        default="two-step",
        help="POST /holds + POST /bookings, or the one-request purchase",
    )
    parser.add_argument("--client-processes", type=int, default=2, help="load-generating processes")
    parser.add_argument(
        "--db-connections", type=int, default=48, help="PostgreSQL connections, all workers"
    )
    parser.add_argument("--startup-timeout", type=float, default=300.0)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)

    db_url = create_database()
    db = make_engine(db_url)
    server = None
    try:
        log(f"seeding {args.shows} x {ROWS * SEATS_PER_ROW} seats, {args.clients} customers")
        seeded = seed(db, args.clients, args.shows)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log(f"starting {args.server} server, {args.workers} workers, on {base_url}")
        server = start_server(args.server, args.workers, port, db_url, args.db_connections)
        wait_ready(base_url, server, args.startup_timeout)
        load_average = os.getloadavg()[0]
        pg_cpu = postgres_cpu()
        stats, elapsed, server_cpu = load(args, base_url, seeded, server)
        pg_cpu = postgres_cpu() - pg_cpu
        stop_server(server)
        violations = check_invariants(db)
        double_booked = count_double_booked(db) + sum(
            1 for v in violations if v.startswith("double_booked")
        )
    finally:
        if server is not None:
            stop_server(server)
        db.dispose()
        if not args.keep_db:
            drop_database(db_url)

    errors_5xx = sum(n for status, n in stats.statuses.items() if status >= 500)
    log(f"statuses: {dict(sorted(stats.statuses.items()))}")
    for violation in violations[:20]:
        log(f"invariant broken: {violation}")
    result = {
        "bookings_per_s": round(stats.bookings / elapsed, 1),
        "p50_ms": round(percentile(stats.round_trips_ms, 50), 1),
        "p99_ms": round(percentile(stats.round_trips_ms, 99), 1),
        "errors_5xx": errors_5xx,
        "double_booked": double_booked,
        "bookings": stats.bookings,
        "conflicts_409": stats.statuses.get(409, 0),
        "transport_errors": stats.transport_errors,
        "invariant_violations": len(violations),
        "server": args.server,
        "workers": args.workers,
        "clients": args.clients,
        "duration_s": round(elapsed, 1),
        "idempotency_keys": not args.no_idempotency,
        "mode": args.mode,
        "server_cpu_ms_per_booking": round(server_cpu / max(stats.bookings, 1) * 1000, 2),
        "postgres_cpu_ms_per_booking": round(pg_cpu / max(stats.bookings, 1) * 1000, 2),
        "client_cpu_ms_per_booking": round(stats.client_cpu_s / max(stats.bookings, 1) * 1000, 2),
        "client_processes": args.client_processes,
        "load_average_at_start": round(load_average, 2),
    }
    print(json.dumps(result), flush=True)
    return 0 if errors_5xx == 0 and double_booked == 0 and not violations else 1


if __name__ == "__main__":
    sys.exit(main())
