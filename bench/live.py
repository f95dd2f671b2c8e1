"""Live seat-map benchmark: `python -m bench.live`.

Starts the production app in scale-out mode (two backend workers, PostgreSQL + Redis), opens
`--viewers` seat-map pages (Playwright, system Chromium) on one show, then makes `--bookings`
bookings through the REST API (hold + confirm), one after another. For every booking and every
page it measures the delay from the confirm's answer (the commit has happened) until the page
shows the seats as taken — the page records the moment itself (MutationObserver on the seat's
class, then the next painted frame). A seat that a page has not shown after 5 s is `missed`.
The last line of output is JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import bcrypt
import httpx
from playwright.sync_api import sync_playwright
from sqlmodel import Session

from bench.harness import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app
from tests import dbutil
from ticketapp import auth, booking
from ticketapp.booking import PriceSpec, grid_section, row_labels
from ticketapp.db import make_engine
from ticketapp.models import Role, User, utcnow

REDIS_URL = "redis://127.0.0.1:6379"
PASSWORD = "bench-password-1"
MISS_AFTER_S = 5.0

WATCH = """
() => {
  window.__taken = {};
  const grid = document.querySelector('.seatmap-grid');
  new MutationObserver((records) => {
    for (const r of records) {
      const b = r.target;
      if (b.classList && b.classList.contains('s-b') && !(b.dataset.seatId in window.__taken)) {
        const id = b.dataset.seatId;
        window.__taken[id] = -1;
        requestAnimationFrame(() => {
          window.__taken[id] = performance.timeOrigin + performance.now();
        });
      }
    }
  }).observe(grid, { subtree: true, attributes: true, attributeFilter: ['class'] });
}
"""


def seed(url: str, bookings: int) -> tuple[int, list[User]]:
    db = make_engine(url)
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    with Session(db, expire_on_commit=False) as session:
        organizer = User(
            name="Bench Org",
            email=f"org-{uuid.uuid4().hex[:8]}@bench.test",
            password_hash=hashed,
            role=Role.ORGANIZER,
        )
        buyers = [
            User(
                name=f"Buyer {i}",
                email=f"b{i}-{uuid.uuid4().hex[:8]}@bench.test",
                password_hash=hashed,
            )
            for i in range(bookings)
        ]
        session.add_all([organizer, *buyers])
        session.commit()
    layout = booking.create_layout(
        booking.Actor(organizer.id, Role.ORGANIZER),
        "Bench hall",
        [grid_section("Hall", "Std", row_labels(20), 30)],
        db=db,
    )
    event = booking.create_event(
        booking.Actor(organizer.id, Role.ORGANIZER),
        "Live bench",
        "Bench Hall",
        status="published",
        db=db,
    )
    show = booking.create_show(
        event.id,
        utcnow() + timedelta(days=3),
        layout,
        [PriceSpec("Std", 3000)],
        actor=booking.Actor(organizer.id, Role.ORGANIZER),
        db=db,
    )
    db.dispose()
    return show.id, buyers


def run(viewers: int, bookings: int) -> dict:
    url = dbutil.create_pg_database("ticketapp_bench_live")
    workdir = Path(tempfile.mkdtemp(prefix="bench-live-"))
    proc = None
    try:
        dbutil.migrate(url)
        show_id, buyers = seed(url, bookings)
        port = free_port()
        proc = start_app(
            url,
            port,
            workdir / "reflex.log",
            extra_env={"REFLEX_REDIS_URL": REDIS_URL, "GRANIAN_WORKERS": "2"},
        )
        base = f"http://localhost:{port}"
        with sync_playwright() as p, httpx.Client(base_url=base, timeout=15) as api:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = []
            for _ in range(viewers):
                page = browser.new_context(viewport={"width": 1000, "height": 800}).new_page()
                page.goto(f"{base}/shows/{show_id}")
                page.wait_for_selector(".seatmap-grid[data-ready=true]", timeout=60_000)
                page.evaluate(WATCH)
                pages.append(page)
            seat_ids = [
                int(s)
                for s in pages[0].evaluate(
                    "() => [...document.querySelectorAll('button.seat.s-a')]"
                    ".map(b => b.dataset.seatId)"
                )
            ]
            delays: list[float] = []
            missed = 0
            for i, buyer in enumerate(buyers):
                # The app and this process share the dev key file: mint tokens instead of
                # logging in 30 times from one address (the log-in rate limit is per IP).
                token = auth.issue_token(buyer.id, buyer.role)
                headers = {"Authorization": f"Bearer {token}"}
                chosen = seat_ids[i * 13 % len(seat_ids)]
                hold = api.post(
                    "/api/v1/holds",
                    headers=headers,
                    json={"show_id": show_id, "seat_ids": [chosen]},
                )
                hold.raise_for_status()
                confirm = api.post(
                    "/api/v1/bookings", headers=headers, json={"hold_id": hold.json()["hold_id"]}
                )
                confirm.raise_for_status()
                committed_ms = time.time() * 1000
                deadline = time.monotonic() + MISS_AFTER_S
                pending = set(range(len(pages)))
                while pending and time.monotonic() < deadline:
                    for k in list(pending):
                        seen = pages[k].evaluate(f"() => window.__taken['{chosen}']")
                        if seen and seen > 0:
                            delays.append(max(0.0, seen - committed_ms))
                            pending.discard(k)
                    if pending:
                        time.sleep(0.02)
                missed += len(pending)
            browser.close()
    finally:
        if proc is not None:
            stop_app(proc)
        dbutil.drop_pg_database(url)
    ordered = sorted(delays)
    return {
        "viewers": viewers,
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
        "missed": missed,
        "bookings": bookings,
        "samples": len(ordered),
        "max_ms": round(ordered[-1], 1) if ordered else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--bookings", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(run(args.viewers, args.bookings)))


if __name__ == "__main__":
    main()
