"""Best available: hold N adjacent seats in one row, the best the show has left.

What "best" means, in order of priority:
1. the best price category asked for (`PriceCategory.rank`, 0 = best; or the one given);
2. a request for k accessible seats gets a block of accessible seats and companion seats only,
   with at least k accessible ones, wasting as few further accessible seats as possible (this
   comes before rule 3: a lone accessible seat left over still suits a wheelchair user);
3. no single empty seat left beside the block, when a block without one exists (an orphan
   seat is nearly unsellable); the rule applies within the category chosen in step 1;
4. other requests keep away from accessible and companion seats while anything else fits;
5. nearest the stage (smallest y), then nearest the middle x of the row, then leftmost.

A party with wheelchair users for whom no single block fits (a hall's wheelchair places sit in
small groups, one or two with a companion seat) is still seated together as well as the hall
allows (`group_with_wheelchairs`): the wheelchair spaces with as many companion seats beside
them as fit, and the rest of the party in one block of ordinary seats nearest to them. Only
when that fails too is the answer "no", and it says what would fit (`what_fits`).

Seats are adjacent when they are in the same section and row and their x differ by one, so an
aisle (a missing grid column) splits a row.

Concurrency: the candidates are read without locks and the chosen block is claimed with the
one conditional UPDATE of `inventory.claim`, whose locking subquery uses FOR UPDATE SKIP LOCKED:
a seat another buyer is claiming this instant is not waited for. If the claim comes back short,
the savepoint is rolled back (no partial block is ever kept) and we try again, at most
`MAX_ATTEMPTS` times with jitter. So that a herd of buyers does not fight over the same block,
each retry picks at random among the first blocks of a *plan* — the blocks that buyers served
one after another would get — so the herd spreads out and the seats still end up exactly as a
queue would have placed them. The last attempts wait for locks instead of skipping: waiting
guarantees progress, because a failed wait means another buyer committed. On SQLite writes
are serialized, so the first attempt always succeeds.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import case
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ticketapp.booking import promo_codes
from ticketapp.booking._tx import jitter, moment, run
from ticketapp.booking.errors import InvalidRequest, NotEnoughSeats, TemporarilyUnavailable
from ticketapp.booking.hidden_categories import locked_names
from ticketapp.booking.idempotency import Once, Replay
from ticketapp.booking.inventory import (
    ACTIVE,
    RELEASED,
    check_quantity,
    claim,
    hold_result,
    lock_customer,
    open_hold,
    release_hold_seats,
    sellable,
    show_on_sale,
)
from ticketapp.booking.promo_codes import AccessCode
from ticketapp.booking.queue_pass import check_pass, renewed_pass
from ticketapp.booking.results import HoldResult
from ticketapp.booking.waiting_list import offer_returned_seats
from ticketapp.db import is_postgres
from ticketapp.models import Hold, PriceCategory, ShowSeat

MAX_ATTEMPTS = 40
WAITING_ATTEMPTS = 8  # the last attempts wait for row locks instead of skipping them
PLAN_SPREAD = 16  # how many planned blocks a retrying buyer picks from


@dataclass(frozen=True)
class Place:
    """A numbered seat as the picker sees it."""

    id: int
    section: str
    row_label: str
    x: int
    y: int
    category_id: int
    rank: int
    accessible: bool = False
    companion: bool = False
    free: bool = True


def _rows(places: Sequence[Place]) -> list[list[Place]]:
    rows: dict[tuple[str, str], list[Place]] = defaultdict(list)
    for place in places:
        rows[(place.section, place.row_label)].append(place)
    return [sorted(row, key=lambda p: p.x) for _, row in sorted(rows.items())]


def _free_runs(row: list[Place]) -> list[list[Place]]:
    """Maximal stretches of free, physically adjacent seats."""
    runs: list[list[Place]] = []
    previous: Place | None = None
    for place in row:
        if place.free:
            if previous is not None and previous.free and place.x == previous.x + 1:
                runs[-1].append(place)
            else:
                runs.append([place])
        previous = place
    return runs


def _score(
    block: list[Place],
    left: int,
    right: int,
    centre: float,
    category_id: int | None,
    accessible: int,
) -> tuple | None:
    """Sort key of a candidate block (smaller is better), or None if it does not qualify."""
    category = block[0].category_id
    if any(p.category_id != category for p in block):
        return None
    if category_id is not None and category != category_id:
        return None
    n_accessible = sum(p.accessible for p in block)
    wasted = spared = 0
    if accessible:
        if n_accessible < accessible or any(not (p.accessible or p.companion) for p in block):
            return None
        wasted = n_accessible - accessible  # accessible seats used as mere companions
    else:
        spared = sum(p.accessible or p.companion for p in block)
    orphan = left == 1 or right == 1
    middle = (block[0].x + block[-1].x) / 2
    return (block[0].rank, wasted, orphan, spared, block[0].y, abs(middle - centre), block[0].x)


def _best_in_row(
    row: list[Place], quantity: int, category_id: int | None, accessible: int
) -> tuple[tuple, list[Place]] | None:
    """The best block of one row with its sort key, or None."""
    best: tuple[tuple, list[Place]] | None = None
    centre = (row[0].x + row[-1].x) / 2
    for free in _free_runs(row):
        for start in range(len(free) - quantity + 1):
            block = free[start : start + quantity]
            right = len(free) - start - quantity
            key = _score(block, start, right, centre, category_id, accessible)
            if key is not None and (best is None or key < best[0]):
                best = (key, block)
    return best


def plan_blocks(
    places: Sequence[Place],
    quantity: int,
    count: int,
    *,
    category_id: int | None = None,
    accessible: int = 0,
) -> list[tuple[int, ...]]:
    """The first `count` blocks that buyers of `quantity` seats would get one after another.

    Taking a block changes only its own row, so only that row is scored again.
    """
    rows = _rows(places)
    best = [_best_in_row(row, quantity, category_id, accessible) for row in rows]
    plan: list[tuple[int, ...]] = []
    while len(plan) < count:
        scored = [(b[0], i) for i, b in enumerate(best) if b is not None]
        if not scored:
            break
        _, i = min(scored)
        block = tuple(p.id for p in best[i][1])
        plan.append(block)
        taken = set(block)
        rows[i] = [replace(p, free=False) if p.id in taken else p for p in rows[i]]
        best[i] = _best_in_row(rows[i], quantity, category_id, accessible)
    return plan


def _nearest_block(
    places: Sequence[Place], quantity: int, near: Sequence[Place], category_id: int | None
) -> list[Place] | None:
    """The block of `quantity` adjacent ordinary free seats closest to the seats `near`:
    same section first, then fewest rows away, then fewest seats along the row, then the
    best category (the party's category when none was asked)."""
    anchor_section, anchor_y = near[0].section, near[0].y
    anchor_x = sum(p.x for p in near) / len(near)
    best: tuple[tuple, list[Place]] | None = None
    for row in _rows(places):
        for free in _free_runs(row):
            for start in range(len(free) - quantity + 1):
                block = free[start : start + quantity]
                category = block[0].category_id
                if any(p.category_id != category or p.accessible for p in block):
                    continue
                if category_id is not None and category != category_id:
                    continue
                middle = (block[0].x + block[-1].x) / 2
                key = (
                    block[0].section != anchor_section,
                    abs(block[0].y - anchor_y),
                    abs(middle - anchor_x),
                    category != near[0].category_id,
                    block[0].rank,
                    sum(p.companion for p in block),
                    block[0].x,
                )
                if best is None or key < best[0]:
                    best = (key, block)
    return best[1] if best else None


def group_with_wheelchairs(
    places: Sequence[Place], quantity: int, accessible: int, *, category_id: int | None = None
) -> tuple[int, ...] | None:
    """A party of `quantity` with `accessible` wheelchair users, seated as one group when no
    single block fits: the wheelchair block (wheelchair spaces plus the companion seats that
    fit beside them, as many as possible), then the rest in the nearest ordinary block."""
    by_id = {p.id: p for p in places}
    for size in range(quantity - 1, accessible - 1, -1):
        core = choose_block(places, size, category_id=category_id, accessible=accessible)
        if core is None:
            continue
        taken = set(core)
        rest = [replace(p, free=False) if p.id in taken else p for p in places]
        near = _nearest_block(rest, quantity - size, [by_id[i] for i in core], category_id)
        if near is not None:
            return core + tuple(p.id for p in near)
    return None


def what_fits(
    places: Sequence[Place], quantity: int, *, category_id: int | None = None, accessible: int = 0
) -> str:
    """Why nothing was found, and what would fit instead (for the customer's next try)."""
    chosen = [p for p in places if category_id is None or p.category_id == category_id]
    longest = max(
        (
            len(run)
            for row in _rows(chosen)
            for run in _free_runs(row)
            if len({p.category_id for p in run}) == 1
        ),
        default=0,
    )
    longest = max(
        (
            n
            for n in range(min(longest, quantity), 0, -1)
            if choose_block(chosen, n, category_id=category_id) is not None
        ),
        default=0,
    )
    wheelchairs = sum(p.free and p.accessible for p in chosen)
    asked = f"{quantity} seat{'s' if quantity != 1 else ''}"
    if accessible:
        asked += f" with {accessible} wheelchair space{'s' if accessible != 1 else ''}"
    told = f"No {asked} are left together for this choice."
    if accessible and wheelchairs < accessible:
        if wheelchairs == 0:
            return f"{told} There are no wheelchair spaces left."
        spaces = f"{wheelchairs} wheelchair space{'s' if wheelchairs != 1 else ''}"
        return f"{told} Only {spaces} {'is' if wheelchairs == 1 else 'are'} left."
    if longest == 0:
        return f"{told} No seats are left."
    if longest >= quantity:  # seats enough, but not near the wheelchair spaces left
        return f"{told} Try fewer seats, or book the wheelchair spaces on their own."
    return (
        f"{told} At most {longest} seat{'s' if longest != 1 else ''} together "
        f"{'is' if longest == 1 else 'are'} left: try fewer, or another category."
    )


def choose_block(
    places: Sequence[Place],
    quantity: int,
    *,
    category_id: int | None = None,
    accessible: int = 0,
) -> tuple[int, ...] | None:
    """The ids of the best block of `quantity` adjacent free seats, or None if none fits."""
    plan = plan_blocks(places, quantity, 1, category_id=category_id, accessible=accessible)
    return plan[0] if plan else None


def _places(
    session: Session, show_id: int, now: datetime, access: AccessCode | None = None
) -> tuple[list[Place], set[int]]:
    """The show's numbered seats, and the hidden categories (ids) closed to this customer:
    their seats read as not free (`hidden_categories`)."""
    rows = session.exec(
        select(
            ShowSeat.id,
            ShowSeat.section,
            ShowSeat.row_label,
            ShowSeat.x,
            ShowSeat.y,
            ShowSeat.category_id,
            PriceCategory.rank,
            ShowSeat.accessible,
            ShowSeat.companion,
            case((sellable(now), True), else_=False),
            PriceCategory.hidden,
            PriceCategory.name,
        )
        .join(PriceCategory, PriceCategory.id == ShowSeat.category_id)
        .where(ShowSeat.show_id == show_id, ShowSeat.is_general_admission.is_(False))
    ).all()
    closed = locked_names(access, {row.name for row in rows if row.hidden})
    if not closed:
        return [Place(*row[:10]) for row in rows], set()
    locked = {row.category_id for row in rows if row.hidden and row.name in closed}
    return [Place(*row[:9], row[9] and row.category_id not in locked) for row in rows], locked


def _let_go_of_holds(session: Session, user_id: int, show_id: int) -> None:
    """Release the customer's active holds on the show (locks taken in `open_hold`'s order:
    the customer first, then their holds)."""
    lock_customer(session, user_id)
    holds = session.exec(
        select(Hold)
        .where(Hold.user_id == user_id, Hold.show_id == show_id, Hold.status == ACTIVE)
        .order_by(Hold.id)
        .with_for_update(key_share=True)
    ).all()
    for hold in holds:
        release_hold_seats(session, hold.id)
        hold.status = RELEASED
        session.add(hold)
    session.flush()


def hold_best_available(
    user_id: int,
    show_id: int,
    quantity: int,
    *,
    category_id: int | None = None,
    accessible: int = 0,
    replace_hold: bool = False,
    now: datetime | None = None,
    db: Engine | None = None,
    once: Once | None = None,
    access_code: str = "",
    queue_pass: str | None = None,
) -> HoldResult | Replay:
    """Hold the best block of `quantity` adjacent seats (see the module docstring).

    `replace_hold`: the block is a fresh cart — the customer's seats held so far on this show
    are let go *in the same transaction*, so if no block is found (or anything else fails)
    they keep the seats they had.
    """
    now = moment(now)
    check_request(quantity, accessible)

    def work(session: Session) -> HoldResult:
        if not replace_hold:
            return best_available_in(
                session,
                user_id,
                show_id,
                quantity,
                category_id,
                accessible,
                now,
                access_code=access_code,
                queue_pass=queue_pass,
            )
        _let_go_of_holds(session, user_id, show_id)
        held = best_available_in(
            session,
            user_id,
            show_id,
            quantity,
            category_id,
            accessible,
            now,
            access_code=access_code,
            queue_pass=queue_pass,
        )
        # The seats let go and not picked again belong to the waiting list first.
        offer_returned_seats(session.connection(), show_id, now, skip_user_id=user_id)
        return held

    return run(db, work, once=once, now=now)


def check_request(quantity: int, accessible: int) -> None:
    """A best-available request the search can answer: 1..max seats, 0..quantity accessible."""
    check_quantity(quantity)
    if not 0 <= accessible <= quantity:
        raise InvalidRequest("Accessible seats must be between 0 and the quantity.", "accessible")


def best_available_in(
    session: Session,
    user_id: int,
    show_id: int,
    quantity: int,
    category_id: int | None,
    accessible: int,
    now: datetime,
    access_code: str = "",
    queue_pass: str | None = None,
) -> HoldResult:
    """`hold_best_available` inside the caller's transaction (a one-request purchase)."""
    access = promo_codes.access_code(session.connection(), show_id, access_code, now)
    show = show_on_sale(session, show_id, now, access.open_presale if access else None)
    pass_until = check_pass(show.queue_enabled, queue_pass, user_id, show_id, now)
    if category_id is not None:
        category = session.get(PriceCategory, category_id)
        if category is None or category.show_id != show_id:
            raise InvalidRequest("No such price category for this show.", "category_id")
    hold, _ = open_hold(session, user_id, show, now, quantity)
    racing = is_postgres(session.get_bind())
    for attempt in range(MAX_ATTEMPTS):
        spread = min(PLAN_SPREAD, 2**attempt)
        places, locked = _places(session, show_id, now, access)
        if category_id in locked:
            raise InvalidRequest("This price category is not for sale.", "category_id")
        plan = plan_blocks(places, quantity, spread, category_id=category_id, accessible=accessible)
        if not plan and accessible:
            group = group_with_wheelchairs(places, quantity, accessible, category_id=category_id)
            plan = [group] if group else []
        if not plan:
            raise NotEnoughSeats(
                what_fits(places, quantity, category_id=category_id, accessible=accessible)
            )
        block = random.choice(plan) if attempt else plan[0]
        waiting = attempt >= MAX_ATTEMPTS - WAITING_ATTEMPTS
        savepoint = session.begin_nested()
        got = claim(session, hold, now, ShowSeat.id.in_(block), skip_locked=racing and not waiting)
        if len(got) == quantity:
            savepoint.commit()
            held = hold_result(session, hold, got)
            return replace(
                held, queue_pass=renewed_pass(user_id, show_id, pass_until, held.expires_at)
            )
        savepoint.rollback()
        jitter(attempt)
    raise TemporarilyUnavailable("Many people are booking this show right now; try again.")
