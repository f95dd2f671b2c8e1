"""Door benchmark: `python -m bench.door`.

Production build, system Chromium, the check-in page of a show with 40 sold tickets. A steward
types each ticket's code and presses Check in, then types it again: the first answer is
"Valid", the second "Already checked in". Measures
- answer_p50_ms / answer_p95_ms: the press until the verdict is on screen (the round trip
  through the app's state, the check-in transaction and the render), over every scan;
- valid / already: how many scans read each verdict (all of the first, all of the second).
The camera adds the time to decode a frame (jsQR or BarcodeDetector, in the phone) to this.
The last line of output is JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

import bcrypt
from playwright.sync_api import sync_playwright
from sqlmodel import Session

from bench.harness import CHROMIUM, CHROMIUM_ARGS, free_port, migrate, start_app, stop_app
from bench.seatmap import percentile
from ticketapp import booking
from ticketapp.booking import Actor, PriceSpec, grid_section
from ticketapp.db import make_engine
from ticketapp.models import Role, User, utcnow

PASSWORD = "door-bench-password-1"

ANSWER = """
async () => {
  const title = document.querySelector('#door-result-title');
  const before = title ? title.textContent : '';
  const t0 = performance.now();
  document.querySelector('#door-submit').click();
  return await new Promise((resolve) => {
    const tick = () => {
      const now = document.querySelector('#door-result-title');
      if (now && now.textContent !== before) resolve([performance.now() - t0, now.textContent]);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
"""


def seed(url: str, tickets: int) -> tuple[str, int, list[str]]:
    """An organizer, a published show and a customer's bookings of `tickets` seats; returns
    (organizer e-mail, show id, ticket codes)."""
    migrate(url)
    engine = make_engine(url)
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    people = {}
    for role, name in ((Role.ORGANIZER, "Door Organizer"), (Role.CUSTOMER, "Door Customer")):
        user = User(name=name, email=f"{uuid.uuid4().hex[:10]}@example.com", role=role)
        user.password_hash = hashed
        with Session(engine, expire_on_commit=False) as session:
            session.add(user)
            session.commit()
        people[role] = user
    organizer, customer = people[Role.ORGANIZER], people[Role.CUSTOMER]
    rows = [chr(ord("A") + i) for i in range(tickets // 10)]
    layout = booking.create_layout(
        Actor.of(organizer), "Hall", [grid_section("Stalls", "Stalls", rows, 10)], db=engine
    )
    event = booking.create_event(
        Actor.of(organizer), "Door Bench", "Test Hall", status="published", db=engine
    )
    show = booking.create_show(
        event.id,
        utcnow() + timedelta(days=1),
        layout,
        [PriceSpec("Stalls", 3000)],
        actor=Actor(organizer.id, Role.ORGANIZER),
        db=engine,
    )
    seat_ids = [s.id for s in booking.seat_map(show.id, db=engine).seats]
    codes = []
    for start in range(0, len(seat_ids), 10):
        held = booking.hold_seats(customer.id, show.id, seat_ids[start : start + 10], db=engine)
        made = booking.confirm_hold(held.hold_id, user_id=customer.id, db=engine)
        codes += [t.code for t in made.tickets]
    engine.dispose()
    return organizer.email, show.id, codes


def run(tickets: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-door-"))
    url = f"sqlite:///{workdir / 'bench.db'}"
    email, show_id, codes = seed(url, tickets)
    port = free_port()
    proc = start_app(url, port, workdir / "reflex.log")
    answers: list[float] = []
    verdicts: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 420, "height": 900})
            base = f"http://localhost:{port}"
            page.goto(f"{base}/login")
            page.fill("#email", email)
            page.fill("#password", PASSWORD)
            page.click("#login-submit")
            page.wait_for_selector("#nav-user-name")
            page.goto(f"{base}/door/{show_id}")
            page.wait_for_selector("#door-submit")
            field = page.get_by_label("Ticket code")
            for code in codes:
                for _ in range(2):  # valid, then already checked in
                    field.fill(code)
                    elapsed, verdict = page.evaluate(ANSWER)
                    answers.append(elapsed)
                    verdicts.append(verdict)
                    page.wait_for_timeout(100)  # a steward's pace, not a burst
            browser.close()
    finally:
        stop_app(proc)
    return {
        "scans": len(answers),
        "answer_p50_ms": round(statistics.median(answers), 1),
        "answer_p95_ms": round(percentile(answers, 95), 1),
        "answer_max_ms": round(max(answers), 1),
        "valid": sum(v.startswith("Valid") for v in verdicts),
        "already": sum(v.startswith("Already") for v in verdicts),
        "database": "sqlite",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=40, help="a multiple of 10")
    args = parser.parse_args()
    print(json.dumps(run(args.tickets)))


if __name__ == "__main__":
    main()
