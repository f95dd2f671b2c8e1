"""The booking engine against the raw-SQL ceiling, on the same PostgreSQL schema, in one run.

    python -m bench.booking [--workers 32] [--duration 20] [--processes 2]

What it does:
1. creates a fresh PostgreSQL database (migrated), an event with fresh 5,000-seat shows
   (50 rows x 100 seats) and one customer per worker;
2. **engine**: `--workers` concurrent workers (threads, spread over `--processes` processes)
   each loop for `--duration` seconds: `booking.hold_seats` (2 adjacent seats) then
   `booking.confirm_hold` — the code the API and the UI call, with every rule (cap, sales
   window, conditional claim, outbox mail in the same transaction);
3. **raw SQL**: the same number of workers, on fresh shows of the same schema, drive a minimal
   psycopg loop doing the same writes as bare SQL — the conditional claim with a new hold,
   then the booking, its tickets, the seats, the hold and the outbox row — one statement per
   transaction, no rule checks beyond the claim's own condition: the ceiling of the hardware;
4. sweeps the database: double-booked seats and the engine's invariant checker (which also
   checks the raw rows: every booking has its mail, every booked seat its live ticket).

A worker walks its own pairs of seats, so neither side measures contention. Seats run out
after 2,500 bookings per show: each side gets as many fresh shows as it can sell in the run.
The last line is JSON: bookings_per_s, p50_ms, p99_ms (one hold + confirm), raw_sql_tps,
ratio_to_raw, statements_per_booking (engine, counted by a SQLAlchemy listener),
double_booked, invariant_violations.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from bench.accounts import seed_accounts
from bench.api import count_double_booked
from tests import dbutil
from ticketapp import booking
from ticketapp.booking import MailKind, check_invariants, confirm_hold, hold_seats
from ticketapp.booking.codes import new_booking_code, new_ticket_code
from ticketapp.models import Role, utcnow

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
ROWS, SEATS_PER_ROW = 50, 100


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Stage:
    organizer_id: int
    event_id: int
    layout_id: int
    customers: list[int]


def seed(db: Engine, workers: int) -> Stage:
    accounts = seed_accounts(db, "bench", workers, password_hash="x")
    organizer = accounts.organizer
    layout_id = booking.create_layout(
        organizer,
        "Arena floor",
        [booking.grid_section("Floor", "Standard", booking.row_labels(ROWS), SEATS_PER_ROW)],
        db=db,
    )
    event_id = booking.create_event(organizer, "Bench", "Arena", status="published", db=db).id
    return Stage(organizer.id, event_id, layout_id, accounts.customer_ids)


def new_show(db: Engine, stage: Stage, day: int) -> list[tuple[int, int, int]]:
    """A fresh 5,000-seat show; its seats as (show, seat, seat) adjacent pairs."""
    show = booking.create_show(
        stage.event_id,
        utcnow().replace(microsecond=0) + timedelta(days=10 + day),
        stage.layout_id,
        [booking.PriceSpec("Standard", 4500)],
        actor=booking.Actor(stage.organizer_id, Role.ORGANIZER),
        max_seats_per_customer=10,
        db=db,
    )
    with db.connect() as conn:
        ids = list(
            conn.execute(
                text("SELECT id FROM show_seat WHERE show_id = :s ORDER BY y, x"), {"s": show.id}
            ).scalars()
        )
    return [(show.id, ids[k], ids[k + 1]) for k in range(0, len(ids) - 1, 2)]


# --- one process's share of the workers ----------------------------------------------------


@dataclass
class Slice:
    mode: str  # "engine" | "raw"
    url: str
    customers: list[int]
    pairs: list[list[tuple[int, int, int]]]  # per worker
    duration: float
    start_at: float  # time.time() at which every process starts together


def run_slice(job: Slice) -> dict:
    """Run this process's workers; returns latencies, bookings and statements."""
    latencies: list[float] = []
    statements = [0]
    lock = threading.Lock()
    if job.mode == "engine":
        engine = create_engine(job.url, pool_size=len(job.customers), max_overflow=0)

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_args) -> None:
            statements[0] += 1  # one counter bump per statement; the GIL makes it exact enough

        def book(customer: int, show: int, a: int, b: int) -> None:
            held = hold_seats(customer, show, [a, b], db=engine)
            confirm_hold(held.hold_id, user_id=customer, db=engine)

    else:
        engine = None
        raw_url = job.url.replace("postgresql+psycopg://", "postgresql://")

    def worker(i: int) -> None:
        conn = None if engine is not None else psycopg.connect(raw_url)
        mine = iter(job.pairs[i])
        customer = job.customers[i]
        while time.time() < job.start_at:
            time.sleep(0.001)
        deadline = job.start_at + job.duration
        done: list[float] = []
        for show, a, b in mine:
            if time.time() >= deadline:
                break
            began = time.perf_counter()
            if conn is None:
                book(customer, show, a, b)
            else:
                raw_booking(conn, customer, show, a, b)
            done.append(time.perf_counter() - began)
        with lock:
            latencies.extend(done)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(job.customers))]
    cpu0 = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ended = time.time()
    if engine is not None:
        engine.dispose()
    return {
        "latencies": latencies,
        "statements": statements[0],
        "elapsed": ended - job.start_at,
        "client_cpu_s": time.process_time() - cpu0,
    }


RAW_HOLD = """
WITH h AS (
    INSERT INTO hold (show_id, user_id, created_at, expires_at, status)
    VALUES (%(show)s, %(user)s, now(), now() + interval '10 minutes', 'active')
    RETURNING id, expires_at
), locked AS MATERIALIZED (
    SELECT id FROM show_seat
    WHERE show_id = %(show)s AND id = ANY(%(seats)s)
      AND (status = 'available' OR (status = 'held' AND held_until <= now()))
    ORDER BY id FOR UPDATE
)
UPDATE show_seat SET status = 'held', hold_id = (SELECT id FROM h),
    held_until = (SELECT expires_at FROM h), version = version + 1
WHERE id IN (SELECT id FROM locked)
RETURNING hold_id
"""

RAW_CONFIRM = """
WITH b AS (
    INSERT INTO booking (code, user_id, show_id, hold_id, status, total_cents, currency,
                         buyer_name, buyer_email, created_at, cancel_reason)
    VALUES (%(code)s, %(user)s, %(show)s, %(hold)s, 'confirmed', 9000, 'EUR', 'Raw', %(email)s,
            now(), '')
    RETURNING id
), s AS (
    UPDATE show_seat SET status = 'booked', booking_id = (SELECT id FROM b), hold_id = NULL,
        held_until = NULL, version = version + 1
    WHERE hold_id = %(hold)s AND status = 'held' AND held_until > now()
    RETURNING id
), t AS (
    INSERT INTO ticket (booking_id, show_seat_id, code, price_cents, live)
    SELECT (SELECT id FROM b), seat, code, 4500, true
    FROM unnest(%(seats)s::int[], %(codes)s::text[]) AS u(seat, code)
), h AS (
    UPDATE hold SET status = 'confirmed' WHERE id = %(hold)s
), o AS (
    INSERT INTO outbox_mail (dedupe_key, kind, booking_id, to_address, subject, payload, status,
                             attempts, next_attempt_at, claim_token, last_error, created_at)
    SELECT 'booking-confirmed:' || b.id, %(kind)s, b.id, %(email)s, 'Your tickets',
           %(payload)s, 'pending', 0, now(), '', '', now()
    FROM b
)
SELECT count(*) FROM s
"""


def raw_booking(conn: psycopg.Connection, user: int, show: int, a: int, b: int) -> None:
    seats = [a, b]
    with conn.transaction():
        held = conn.execute(RAW_HOLD, {"show": show, "user": user, "seats": seats}).fetchall()
    if len(held) != 2:
        raise RuntimeError("raw claim lost a seat")
    with conn.transaction():
        booked = conn.execute(
            RAW_CONFIRM,
            {
                "code": new_booking_code(),
                "user": user,
                "show": show,
                "hold": held[0][0],
                "email": "raw@example.com",
                "seats": seats,
                "codes": [new_ticket_code(), new_ticket_code()],
                "kind": MailKind.BOOKING_CONFIRMED,
                "payload": '{"raw": true}',
            },
        ).fetchone()[0]
    if booked != 2:
        raise RuntimeError("raw confirm lost a seat")


# --- driver --------------------------------------------------------------------------------


def measure(
    mode: str, url: str, db: Engine, stage: Stage, args: argparse.Namespace, first_day: int
) -> tuple[dict, int]:
    """Run one side; returns its figures and how many shows it used."""
    # Enough fresh shows for the side to never run out within the run (estimated generously).
    expected = (3000 if mode == "raw" else 1200) * args.duration
    shows = max(1, -(-int(expected) // 2500))
    pairs: list[tuple[int, int, int]] = []
    for day in range(shows):
        pairs += new_show(db, stage, first_day + day)
    per_worker = [pairs[i :: args.workers] for i in range(args.workers)]
    per_process = max(1, args.workers // args.processes)
    start_at = time.time() + 3  # every process starts its clock at once
    jobs = [
        Slice(
            mode,
            url,
            stage.customers[lo : lo + per_process],
            per_worker[lo : lo + per_process],
            args.duration,
            start_at,
        )
        for lo in range(0, args.workers, per_process)
    ]
    with ProcessPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(run_slice, jobs))
    latencies = sorted(x for r in results for x in r["latencies"])
    elapsed = max(r["elapsed"] for r in results)
    bookings = len(latencies)
    figures = {
        "bookings": bookings,
        "per_s": bookings / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
        "statements": sum(r["statements"] for r in results),
        "client_cpu_ms_per_booking": sum(r["client_cpu_s"] for r in results) / bookings * 1000,
    }
    return figures, shows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--processes", type=int, default=2, help="client processes per side")
    args = parser.parse_args(argv)

    url = dbutil.create_pg_database("ticketapp_bench", PG_SERVER)
    try:
        dbutil.migrate(url)
        db = create_engine(url, pool_size=4)
        stage = seed(db, args.workers)
        load_at_start = os.getloadavg()[0]
        log(f"load average at start: {os.getloadavg()}")
        engine_side, used = measure("engine", url, db, stage, args, 0)
        raw_side, _ = measure("raw", url, db, stage, args, used)
        double = count_double_booked(db)
        violations = check_invariants(db)
        for line in violations[:10]:
            log(f"invariant violation: {line}")
        db.dispose()
    finally:
        dbutil.drop_pg_database(url, PG_SERVER)

    print(f"{'side':<8} {'bookings':>9} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'cpu/bk ms':>10}")
    for name, side in (("engine", engine_side), ("raw SQL", raw_side)):
        print(
            f"{name:<8} {side['bookings']:>9} {side['per_s']:>8.1f} {side['p50_ms']:>8.1f}"
            f" {side['p99_ms']:>8.1f} {side['client_cpu_ms_per_booking']:>10.2f}"
        )
    result = {
        "bookings_per_s": round(engine_side["per_s"], 1),
        "p50_ms": round(engine_side["p50_ms"], 1),
        "p99_ms": round(engine_side["p99_ms"], 1),
        "raw_sql_tps": round(raw_side["per_s"], 1),
        "ratio_to_raw": round(engine_side["per_s"] / raw_side["per_s"], 3),
        "statements_per_booking": round(engine_side["statements"] / engine_side["bookings"], 2),
        "double_booked": double,
        "invariant_violations": len(violations),
        "engine_cpu_ms_per_booking": round(engine_side["client_cpu_ms_per_booking"], 2),
        "raw_cpu_ms_per_booking": round(raw_side["client_cpu_ms_per_booking"], 2),
        "workers": args.workers,
        "processes": args.processes,
        "duration_s": args.duration,
        "seats_per_show": ROWS * SEATS_PER_ROW,
        "load_average_at_start": round(load_at_start, 2),
    }
    print(json.dumps(result))
    return 0 if not double and not violations else 1


if __name__ == "__main__":
    raise SystemExit(main())
