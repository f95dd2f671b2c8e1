"""Waiting-room benchmark: `python -m bench.queue`.

Starts the production server (`python -m ticketapp.server --backend-only`, `--workers`
workers, PostgreSQL + Redis) on a fresh database with one show whose queue is on and paused,
and `--visitors` accounts (10,000 by default). Then, over the REST API:

1. join throughput: every visitor joins the queue (`--concurrency` requests in flight);
2. status polls per second: `--poll-seconds` of status requests by random visitors, as
   waiting pages poll (median and p99 latency too), next to the same load on the liveness
   route (no database, no Redis): what the HTTP stack alone allows on this machine;
3. admission accuracy: the organizer resumes the queue at `--rate` a minute; after
   `--admit-seconds` the benchmark compares who was admitted (the status of every visitor)
   with the promise: exactly the first N positions, each once, N = rate x elapsed time.

The last line of output is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from bench.accounts import seed_accounts
from bench.harness import free_port, stop_app
from tests import dbutil
from tests.appserver import start_server
from ticketapp import auth, booking
from ticketapp.db import make_engine
from ticketapp.models import Role, utcnow
from ticketapp.settings import settings

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")
CHEAP_HASH = "$2b$04$qCH2t/3PyWX5H95Uyl5fRumETy8JOfwIdfneyTyFRTwzRf0bb5LUe"


def log(message: str) -> None:
    print(message, flush=True)


SHED: list[int] = [0]  # 503 answers (the server shedding load), each retried


async def _request(client: httpx.AsyncClient, method: str, path: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        r = await client.request(method, path, headers=headers)
        if r.status_code != 503:  # shed load: come back after Retry-After, like a browser
            return r
        SHED[0] += 1
        await asyncio.sleep(float(r.headers.get("Retry-After", "1")))


async def for_everyone(
    base: str, tokens: list[str], method: str, path: str, concurrency: int
) -> list[dict]:
    limit = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def one(token: str) -> dict:
            async with limit:
                r = await _request(client, method, path, token)
                r.raise_for_status()
                return r.json()

        return await asyncio.gather(*(one(t) for t in tokens))


async def poll_for(
    base: str, tokens: list[str], path: str, concurrency: int, seconds: float
) -> list[float]:
    """Status polls by random visitors for `seconds`; the latency of each (seconds)."""
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def poller(seed: int) -> None:
            rng = random.Random(seed)
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                r = await _request(client, "GET", path, rng.choice(tokens))
                r.raise_for_status()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(poller(i) for i in range(concurrency)))
    return latencies


def run(args: argparse.Namespace) -> dict:
    url = dbutil.create_pg_database("ticketapp_bench_queue")
    dbutil.migrate(url)
    db = make_engine(url)
    server = None
    try:
        accounts = seed_accounts(db, "queue", args.visitors, CHEAP_HASH)
        organizer = accounts.organizer
        tokens = [auth.issue_token(uid, Role.CUSTOMER) for uid in accounts.customer_ids]
        layout = booking.create_layout(
            organizer, "Arena", [booking.grid_section("Floor", "Floor", ["A"], 10)], db=db
        )
        event = booking.create_event(organizer, "Bench On-sale", "Arena", status="published", db=db)
        show = booking.create_show(
            event.id,
            utcnow() + timedelta(days=30),
            layout,
            [booking.PriceSpec("Floor", 9000)],
            actor=organizer,
            db=db,
        )
        booking.configure_queue(
            show.id, actor=organizer, enabled=True, per_minute=args.rate, paused=True, db=db
        )
        port = free_port()
        log(f"starting the server ({args.workers} workers, PostgreSQL + Redis)")
        server = start_server(
            url,
            port,
            Path(tempfile.mkdtemp(prefix="bench-queue-")) / "server.log",
            workers=args.workers,
            backend_only=True,
            extra_env={
                "REFLEX_REDIS_URL": REDIS_URL,
                "SECRET_KEY": settings.secret_key,  # the tokens were signed with it
                "MAX_REQUESTS_IN_FLIGHT": str(max(64, args.concurrency * 2)),
            },
        )
        base = f"http://127.0.0.1:{port}"
        path = f"/api/v1/shows/{show.id}/queue"

        started = time.perf_counter()
        joined = asyncio.run(for_everyone(base, tokens, "POST", path, args.concurrency))
        join_seconds = time.perf_counter() - started
        log(f"{len(joined)} joined in {join_seconds:.1f} s ({SHED[0]} answers 503, retried)")
        # The promise, once every join has landed (a join's own answer may be one or two
        # places short while joins that arrived before it are still being written).
        places = asyncio.run(for_everyone(base, tokens, "GET", path, args.concurrency))
        position = {t: p["position"] for t, p in zip(tokens, places, strict=True)}
        assert sorted(position.values()) == list(range(1, args.visitors + 1)), "bad positions"

        latencies = asyncio.run(poll_for(base, tokens, path, args.concurrency, args.poll_seconds))
        log(f"{len(latencies)} status polls in {args.poll_seconds:.0f} s")
        # The same load on the cheapest route there is: what the HTTP stack alone allows.
        baseline = asyncio.run(
            poll_for(base, tokens, "/api/v1/health/live", args.concurrency, args.poll_seconds)
        )

        resumed = utcnow()
        booking.pause_queue(show.id, False, actor=organizer, db=db)
        time.sleep(args.admit_seconds)  # the benchmark's measuring window, not a wait for a race
        booking.pause_queue(show.id, True, actor=organizer, db=db)
        paused = utcnow()
        statuses = asyncio.run(for_everyone(base, tokens, "GET", path, args.concurrency))
    finally:
        if server is not None:
            stop_app(server)
        db.dispose()
        dbutil.drop_pg_database(url)

    admitted = [t for t, s in zip(tokens, statuses, strict=True) if s["state"] == "admitted"]
    admitted_at = [
        datetime.fromisoformat(s["admitted_at"]) for s in statuses if s["state"] == "admitted"
    ]
    first, last = min(admitted_at), max(admitted_at)
    window = (last - first).total_seconds()
    # The first tick lets one in at once; the rate runs from there.
    measured_per_minute = (len(admitted) - 1) * 60 / window if window > 0 else 0.0
    heads = sorted(position[t] for t in admitted)
    out_of_order = sum(1 for want, got in enumerate(heads, start=1) if want != got)
    return {
        "benchmark": "queue",
        "visitors": args.visitors,
        "workers": args.workers,
        "store": "redis",
        "join_per_second": round(args.visitors / join_seconds, 1),
        "status_polls_per_second": round(len(latencies) / args.poll_seconds, 1),
        "status_p50_ms": round(statistics.median(latencies) * 1000, 2),
        "status_p99_ms": round(statistics.quantiles(latencies, n=100)[98] * 1000, 2),
        "liveness_polls_per_second": round(len(baseline) / args.poll_seconds, 1),
        "rate_per_minute": args.rate,
        "admitted": len(admitted),
        "admitting_seconds": round((paused - resumed).total_seconds(), 1),
        "measured_per_minute": round(measured_per_minute, 1),
        "rate_error_percent": round(100 * (measured_per_minute - args.rate) / args.rate, 2),
        "duplicates": len(admitted) - len(set(admitted)),
        "out_of_order": out_of_order,
        "shed_503": SHED[0],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.queue", description=__doc__)
    parser.add_argument("--visitors", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--poll-seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=3000, help="admissions per minute")
    parser.add_argument("--admit-seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
