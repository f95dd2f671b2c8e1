"""The waiting room's places in Redis, for many workers and thousands of status polls a second.

With REFLEX_REDIS_URL/REDIS_URL set, each show's queue is a sorted set in Redis (score: the
lottery number of an early arrival, else LOTTERY_SPAN + the journal id, so the order is the
database store's), and admission is a tick that runs once across all workers:

- a worker takes the show's tick lease (`SET NX PX`, a random token), reads the clock and the
  counts, lets `AdmissionRule.due` decide how many (the rule lives once, in the engine), and
  admits them with one Lua script that first checks it still holds the lease (a fence: a
  worker that stalled past its lease admits nobody) and then pops exactly that many from the
  head of the queue, records their passes and the clock, and drops the lease — all atomically.
  A worker that dies holding the lease only delays the next tick by the lease's seconds.

Redis is an accelerator, never a single point of failure (like ticketapp/ratelimit.py):
- Every join is written first to the database journal (`waiting_room_entry`, the same rows as
  the database store), so no place is lost when Redis restarts empty; every admission is
  copied to the journal right after the tick.
- When Redis does not answer, the store serves from the journal (the database store's rules,
  its own tick with a row lock) and logs that once; it asks Redis again a few seconds later.
- A show's Redis data is merged from the journal before a process first uses it, after every
  outage, and whenever the show's `synced` mark is missing (Redis restarted). The merge only
  adds: a place admitted on either side stays admitted, a waiting place missing from Redis is
  put back at its score. So two workers merging at once, or a merge racing a tick, cannot
  admit anyone twice or drop anyone.

What remains: an admission made in Redis whose copy to the journal was lost (the worker died
between the two) AND Redis then lost its data: that customer is admitted once more later.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Connection, Engine

from ticketapp.booking import PostgresWaitingRoom
from ticketapp.booking._tx import run_core
from ticketapp.booking.waiting_room_store import (
    LOTTERY_SPAN,
    MIN_TICK_SECONDS,
    AdmissionRule,
    Spot,
    Tally,
    entries,
    join_in,
    journal_rows,
)

log = logging.getLogger(__name__)

LEASE_MS = 5000

# KEYS: wait, passes, active. ARGV: user, score, rejoined (1: the old pass is void).
# Returns the 0-based rank, or -1 when the account is admitted.
_JOIN_LUA = """
if ARGV[3] == '1' then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return -1 end
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
return redis.call('ZRANK', KEYS[1], ARGV[1])
"""

# KEYS: lease, wait, passes, active, admits, clock. ARGV: token, count, now_ms, expires_ms,
# credit. Returns the admitted user ids, or false if the lease is no longer ours.
_ADMIT_LUA = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
local popped = {}
local n = tonumber(ARGV[2])
if n > 0 then
  local got = redis.call('ZPOPMIN', KEYS[2], n)
  for i = 1, #got, 2 do
    local user = got[i]
    popped[#popped + 1] = user
    redis.call('HSET', KEYS[3], user, ARGV[4])
    redis.call('ZADD', KEYS[4], ARGV[4], user)
    redis.call('ZADD', KEYS[5], ARGV[3], user)
  end
end
redis.call('HSET', KEYS[6], 'ticked_ms', ARGV[3], 'credit', ARGV[5])
redis.call('DEL', KEYS[1])
return popped
"""

# KEYS: lease. ARGV: token. Drop the lease if it is still ours.
_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS: wait, passes, active, admits, synced. ARGV: now_ms, n_admitted, then n_admitted
# triples (user, admitted_ms, expires_ms), then pairs (user, score) of waiting places.
_MERGE_LUA = """
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local i = 3
for _ = 1, n do
  local user = ARGV[i]
  redis.call('HSETNX', KEYS[2], user, ARGV[i + 2])
  redis.call('ZADD', KEYS[3], 'NX', ARGV[i + 2], user)
  redis.call('ZADD', KEYS[4], 'NX', ARGV[i + 1], user)
  redis.call('ZREM', KEYS[1], user)
  i = i + 3
end
while i <= #ARGV do
  local user = ARGV[i]
  local pass = redis.call('HGET', KEYS[2], user)
  if pass and tonumber(pass) <= now then
    -- the old pass ran out and the account joined again (the journal says: waiting)
    redis.call('HDEL', KEYS[2], user)
    redis.call('ZREM', KEYS[3], user)
    pass = false
  end
  if not pass then redis.call('ZADD', KEYS[1], 'NX', ARGV[i + 1], user) end
  i = i + 2
end
redis.call('SET', KEYS[5], '1')
return 0
"""


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _when(ms: Any) -> datetime:
    return datetime.fromtimestamp(int(float(ms)) / 1000, UTC)


def score(row: Any) -> int:
    """The journal row's place in the sorted set: early arrivals by lottery, then by id."""
    return row.lottery if row.lottery is not None else LOTTERY_SPAN + row.id


class RedisWaitingRoom:
    """Places in Redis, journaled in the database; the database alone while Redis is away."""

    RETRY_SECONDS = 5.0

    def __init__(
        self,
        url: str,
        db: Engine | None = None,
        *,
        prefix: str = "ticketapp:waiting-room:",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import redis  # only needed when Redis is configured
        from redis.backoff import ExponentialBackoff
        from redis.retry import Retry

        self._redis = redis.Redis.from_url(
            url,
            health_check_interval=10,
            socket_connect_timeout=0.5,
            socket_timeout=0.5,
            retry=Retry(ExponentialBackoff(cap=0.1, base=0.01), retries=2),
            retry_on_error=[redis.ConnectionError, redis.TimeoutError],
            decode_responses=True,
        )
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self._join = self._redis.register_script(_JOIN_LUA)
        self._admit = self._redis.register_script(_ADMIT_LUA)
        self._release = self._redis.register_script(_RELEASE_LUA)
        self._merge = self._redis.register_script(_MERGE_LUA)
        self._db = db
        self._journal = PostgresWaitingRoom(db)
        self._prefix = prefix
        self._clock = clock
        self._skip_redis_until: float | None = None
        self._merged: set[int] = set()  # shows merged from the journal since start / outage
        self._state_lock = threading.Lock()

    # --- the store interface ---------------------------------------------------------------

    def join(self, show_id: int, user_id: int, now: datetime, early: bool) -> Spot:
        row, rejoined = run_core(self._db, lambda c: join_in(c, show_id, user_id, now, early))
        if self._redis_away():
            return self._journal.spot(show_id, user_id, now) or Spot(None, None, None)
        try:
            self._ensure_merged(show_id, now)
            if row.admitted_at is None or rejoined:
                rank = self._join(
                    keys=self._keys(show_id, "wait", "passes", "active"),
                    args=[user_id, score(row), int(rejoined)],
                )
                if int(rank) >= 0:
                    self._recovered()
                    return Spot(int(rank) + 1, None, None)
            spot = self._spot(show_id, user_id)
        except self._errors as exc:
            self._failed(exc)
            return self._journal.spot(show_id, user_id, now) or Spot(None, None, None)
        self._recovered()
        return spot or Spot(None, None, None)

    def spot(self, show_id: int, user_id: int, now: datetime) -> Spot | None:
        return self._shared(
            show_id, now, lambda: self._spot(show_id, user_id), self._journal.spot, user_id
        )

    def tally(self, show_id: int, now: datetime) -> Tally:
        return self._shared(show_id, now, lambda: self._tally(show_id, now), self._journal.tally)

    def admit(self, show_id: int, now: datetime, rule: AdmissionRule) -> list[int]:
        if self._redis_away():
            return self._journal.admit(show_id, now, rule)
        try:
            self._ensure_merged(show_id, now)
            admitted = self._tick(show_id, now, rule)
        except self._errors as exc:
            self._failed(exc)
            return self._journal.admit(show_id, now, rule)
        self._recovered()
        if admitted:
            self._copy_to_journal(show_id, admitted, now, rule.pass_seconds)
        return admitted

    def backend_status(self) -> str:
        if self._redis_away():
            return "database (Redis unavailable)"
        try:
            self._redis.ping()
        except self._errors as exc:
            self._failed(exc)
            return "database (Redis unavailable)"
        self._recovered()
        return "redis"

    # --- Redis -----------------------------------------------------------------------------

    def _keys(self, show_id: int, *names: str) -> list[str]:
        return [f"{self._prefix}{show_id}:{name}" for name in names]

    def _spot(self, show_id: int, user_id: int) -> Spot | None:
        wait, passes, admits = self._keys(show_id, "wait", "passes", "admits")
        pipe = self._redis.pipeline(transaction=False)
        pipe.zrank(wait, user_id)
        pipe.hget(passes, user_id)
        pipe.zscore(admits, user_id)
        rank, expires, admitted = pipe.execute()
        if rank is not None:
            return Spot(int(rank) + 1, None, None)
        if expires is not None:
            return Spot(None, _when(admitted or expires), _when(expires))
        return None

    def _tally(self, show_id: int, now: datetime) -> Tally:
        wait, active, admits = self._keys(show_id, "wait", "active", "admits")
        now_ms = _ms(now)
        pipe = self._redis.pipeline(transaction=False)
        pipe.zcard(wait)
        pipe.zcard(admits)
        pipe.zcount(active, f"({now_ms}", "+inf")
        pipe.zcount(admits, f"({now_ms - 60_000}", "+inf")
        pipe.zrange(admits, 0, 0, withscores=True)
        waiting, admitted, active_now, last_minute, first = pipe.execute()
        return Tally(
            int(waiting),
            int(admitted),
            int(active_now),
            int(last_minute),
            _when(first[0][1]) if first else None,
        )

    def _tick(self, show_id: int, now: datetime, rule: AdmissionRule) -> list[int]:
        lease, wait, passes, active, admits, clock = self._keys(
            show_id, "lease", "wait", "passes", "active", "admits", "clock"
        )
        token = uuid.uuid4().hex
        if not self._redis.set(lease, token, nx=True, px=LEASE_MS):
            return []  # another worker is ticking this show
        now_ms = _ms(now)
        pipe = self._redis.pipeline(transaction=False)
        pipe.hmget(clock, "ticked_ms", "credit")
        pipe.zcard(wait)
        pipe.zcount(active, f"({now_ms}", "+inf")
        (ticked_ms, credit), waiting, active_now = pipe.execute()
        if ticked_ms is None:  # the first tick admits one at once, as the database store does
            elapsed, carried = 0.0, 1.0
        else:
            elapsed, carried = (now_ms - int(ticked_ms)) / 1000, float(credit)
            if elapsed < MIN_TICK_SECONDS:
                self._release(keys=[lease], args=[token])
                return []
        count, left = rule.due(carried, elapsed, int(active_now), int(waiting))
        expires_ms = _ms(now + timedelta(seconds=rule.pass_seconds))
        popped = self._admit(
            keys=[lease, wait, passes, active, admits, clock],
            args=[token, count, now_ms, expires_ms, repr(left)],
        )
        return [int(user) for user in popped or []]

    def _ensure_merged(self, show_id: int, now: datetime) -> None:
        if self._skip_redis_until is not None:  # back from an outage: merge what changed
            self._merged.discard(show_id)
        if show_id in self._merged and self._redis.exists(self._keys(show_id, "synced")[0]):
            return
        rows = run_core(self._db, lambda conn: journal_rows(conn, show_id))
        admitted: list[Any] = []
        waiting: list[Any] = []
        for row in rows:
            if row.admitted_at is not None:
                admitted += [row.user_id, _ms(row.admitted_at), _ms(row.pass_expires_at)]
            else:
                waiting += [row.user_id, score(row)]
        self._merge(
            keys=self._keys(show_id, "wait", "passes", "active", "admits", "synced"),
            args=[_ms(now), len(admitted) // 3, *admitted, *waiting],
        )
        self._merged.add(show_id)

    def _shared(
        self,
        show_id: int,
        now: datetime,
        read: Callable[[], Any],
        fallback: Callable[..., Any],
        *args: Any,
    ) -> Any:
        if self._redis_away():
            return fallback(show_id, *args, now)
        try:
            self._ensure_merged(show_id, now)
            answer = read()
        except self._errors as exc:
            self._failed(exc)
            return fallback(show_id, *args, now)
        self._recovered()
        return answer

    def _copy_to_journal(
        self, show_id: int, users: list[int], now: datetime, pass_seconds: int
    ) -> None:
        def work(conn: Connection) -> None:
            conn.execute(
                update(entries)
                .where(
                    entries.c.show_id == show_id,
                    entries.c.user_id.in_(users),
                    entries.c.admitted_at.is_(None),
                )
                .values(admitted_at=now, pass_expires_at=now + timedelta(seconds=pass_seconds))
            )

        try:
            run_core(self._db, work)
        except Exception:  # the admission stands in Redis; the journal catches up on merge
            log.warning(
                "could not copy %d admissions of show %s to the journal", len(users), show_id
            )

    # --- Redis away and back (the pattern of ratelimit.RedisRateLimiter) --------------------

    def _redis_away(self) -> bool:
        skip_until = self._skip_redis_until
        return skip_until is not None and self._clock() < skip_until

    def _failed(self, exc: Exception) -> None:
        with self._state_lock:
            first = self._skip_redis_until is None
            self._skip_redis_until = self._clock() + self.RETRY_SECONDS
        if first:
            log.warning(
                "Redis unavailable (%s: %s): the waiting room runs on the database until it is "
                "back",
                type(exc).__name__,
                exc,
            )

    def _recovered(self) -> None:
        if self._skip_redis_until is None:
            return
        with self._state_lock:
            was_down = self._skip_redis_until is not None
            self._skip_redis_until = None
            # What changed in the journal meanwhile is merged before each show's next use.
            self._merged.clear()
        if was_down:
            log.warning("Redis is back: the waiting room lives in Redis again")
