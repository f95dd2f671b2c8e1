"""Seat-map benchmark: `python -m bench.seatmap`.

Production build, system Chromium, the 10,000-seat demo arena. Measures
- render_ms: navigation start until the map is interactive (every seat is a focusable button
  with its state), as recorded by the component itself;
- click_p50_ms / click_p95_ms: a click until the changed seat is painted (next frame), over 50
  clicks (25 seats, each selected then deselected), 100 ms apart;
- confirm_p50_ms / confirm_p95_ms: a click until the server's answer shows in the summary panel;
- ws_bytes_per_click: WebSocket bytes (both ways) per click — a click must not resend the map.
The last line of output is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PROJECT_DIR,
    app_env,
    free_port,
    migrate,
    start_app,
    stop_app,
)

ARENA = "Arena Spectacular 2027"
PACE_MS = 100

MEASURE_CLICK = """
async ([index, selectedBefore]) => {
  const b = document.querySelector(`button.seat[data-i="${index}"]`);
  const total = document.querySelector('#selection-total');
  const before = total ? total.textContent : '';
  const t0 = performance.now();
  const painted = new Promise((resolve) => {
    const check = () => b.classList.contains('sel') !== selectedBefore;
    const obs = new MutationObserver(() => {
      if (!check()) return;
      obs.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - t0));
    });
    obs.observe(b, { attributes: true, attributeFilter: ['class'] });
  });
  const confirmed = new Promise((resolve) => {
    const tick = () => {
      const now = document.querySelector('#selection-total');
      if (now && now.textContent !== before) resolve(performance.now() - t0);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  b.click();
  return [await painted, await confirmed];
}
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def prepare_database(url: str) -> None:
    migrate(url)
    subprocess.run(
        [sys.executable, "-m", "ticketapp.demo"],
        cwd=PROJECT_DIR,
        env=app_env(url),
        check=True,
        capture_output=True,
    )


def arena_show_id(url: str) -> int:
    code = (
        "from sqlmodel import select; from ticketapp.db import session_scope; "
        "from ticketapp.models import Event, Show\n"
        "with session_scope() as s:\n"
        f"    print(s.exec(select(Show.id).join(Event).where(Event.title == {ARENA!r})).first())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=app_env(url),
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip())


def run(clicks: int, database_url: str | None) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-seatmap-"))
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    prepare_database(url)
    show_id = arena_show_id(url)
    port = free_port()
    proc = start_app(url, port, workdir / "reflex.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            base = f"http://localhost:{port}"
            # Warm-up visit: first-request costs (compile caches, DB pages) are not the map's.
            page.goto(f"{base}/shows/{show_id}")
            page.wait_for_selector(".seatmap-grid[data-ready=true]", timeout=60_000)
            page.goto("about:blank")

            frames: list[int] = []
            page.on(
                "websocket",
                lambda ws: (
                    ws.on(
                        "framesent",
                        lambda f: frames.append(len(f if isinstance(f, bytes) else f.encode())),
                    ),
                    ws.on(
                        "framereceived",
                        lambda f: frames.append(len(f if isinstance(f, bytes) else f.encode())),
                    ),
                ),
            )
            page.goto(f"{base}/shows/{show_id}")
            grid = page.wait_for_selector(".seatmap-grid[data-ready=true]", timeout=60_000)
            render_ms = float(grid.get_attribute("data-ready-at"))
            seats = page.locator("button.seat").count()
            page.wait_for_timeout(500)  # let the initial state delta settle before counting

            indexes = page.evaluate(
                "() => [...document.querySelectorAll('button.seat.s-a')].map(b => +b.dataset.i)"
            )
            step = max(1, len(indexes) // (clicks // 2 + 1))
            chosen = indexes[::step][: clicks // 2]
            paint, confirm = [], []
            frames.clear()
            # Select a seat, then deselect it: the per-customer cap (10) never interferes.
            for index in chosen:
                for selected_before in (False, True):
                    painted, confirmed = page.evaluate(MEASURE_CLICK, [index, selected_before])
                    paint.append(painted)
                    confirm.append(confirmed)
                    # Clicks paced like a fast human (10 a second), not fired into the
                    # previous answer's render.
                    page.wait_for_timeout(PACE_MS)
            ws_bytes = sum(frames)
            browser.close()
    finally:
        stop_app(proc)
    n = len(paint)
    return {
        "seats": seats,
        "render_ms": round(render_ms, 1),
        "click_p50_ms": round(statistics.median(paint), 1),
        "click_p95_ms": round(percentile(paint, 95), 1),
        "confirm_p50_ms": round(statistics.median(confirm), 1),
        "confirm_p95_ms": round(percentile(confirm, 95), 1),
        "ws_bytes_per_click": round(ws_bytes / n),
        "clicks": n,
        "database": url.split(":", 1)[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clicks", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    print(json.dumps(run(args.clicks, args.database_url)))


if __name__ == "__main__":
    main()
