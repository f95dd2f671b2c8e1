"""axe-core in the browser tests: inject the engine from the project's own npm package
(tests/a11y/package.json, installed by `make test` with `npm ci`) and scan the page as it is.

`page.evaluate` runs the engine through the DevTools protocol, so the app's
Content-Security-Policy (which forbids scripts from anywhere but our origin) stays as served.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0-2.2 A and AA plus axe's best practices (landmarks, one main, heading order...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = {"critical", "serious"}


@cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(
            f"{AXE_JS} is missing: run `make test` (or `npm ci --prefix tests/a11y`) first"
        )
    return AXE_JS.read_text()


def violations(page: Page) -> list[dict]:
    """Every axe violation on the page as it is now: id, impact, help and the failing nodes."""
    # A dialog or a toast still fading in has see-through text: axe would measure its contrast
    # mid-way. Wait for every finite animation to end (spinners run forever: not those).
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
            .map((a) => a.finished.catch(() => null)))"""
    )
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(' '), summary: n.failureSummary,
                })),
            }));
        }""",
        TAGS,
    )


def blocking(page: Page) -> list[str]:
    """Critical and serious violations, one readable line per failing element."""
    return [
        f"{page.url} [{v['impact']}] {v['id']}: {v['help']} -- {n['target']}: {n['summary']}"
        for v in violations(page)
        if v["impact"] in BLOCKING
        for n in v["nodes"]
    ]
