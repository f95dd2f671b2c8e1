"""Who a token speaks for, remembered for a short while in each process.

Every API request names its caller, and checking the caller's row (role, disabled, token
version) is a database round trip, plus a thread hop to make it. This cache makes it zero on
the hot path — and stays correct when a session is revoked, because it is only trusted while it
hears about every change:

- PostgreSQL NOTIFYs `user_changes` with the user id whenever a user row changes or goes
  (migration 0012's trigger: password change, "log out everywhere", disabling, role, name;
  '*' after a TRUNCATE, which makes ids reusable);
  each backend process listens on the one connection it already has for seat changes
  (ticketapp/live.py), and forgets that user at once.
- The cache is on only while that listener is connected (`follow`); when the connection drops
  it is emptied and switched off (`unfollow`) until the listener is back, so a change missed
  during an outage is never served from memory. Without a listener (SQLite, tests, a bare API
  process) every request reads the row, as before.
- A change made in this process forgets the user before the answer goes out (`forget`), and a
  read that raced with a change is not stored (`generation`), so a stale row never lands.
- Entries also expire after `ttl` seconds and the cache holds at most `max_entries` users.

What it cannot do is beat the speed of light: another process sees a revocation when its
NOTIFY arrives, a few milliseconds after the commit.
"""

from __future__ import annotations

import threading
import time
import weakref

from sqlalchemy.engine import Engine, make_url

from ticketapp.booking.access import Actor


class ActorCache:
    def __init__(self, ttl: float = 60.0, max_entries: int = 50_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[int, tuple[int, Actor, float]] = {}
        self._lock = threading.Lock()
        self._following = False
        self.generation = 0  # bumped by every forget: a read older than that is not stored

    @property
    def following(self) -> bool:
        return self._following

    def get(self, user_id: int, version: int) -> Actor | None:
        if not self._following:
            return None
        entry = self._entries.get(user_id)
        if entry is None:
            return None
        cached_version, actor, expires = entry
        if cached_version != version or time.monotonic() >= expires:
            return None
        return actor

    def put(self, user_id: int, version: int, actor: Actor, generation: int) -> None:
        """Remember a row read when `generation` was current (skipped if anything changed)."""
        with self._lock:
            if not self._following or generation != self.generation:
                return
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # bounded; refilling costs one read per caller
            self._entries[user_id] = (version, actor, time.monotonic() + self.ttl)

    def forget(self, user_id: int) -> None:
        with self._lock:
            self.generation += 1
            self._entries.pop(user_id, None)

    def forget_everyone(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()

    def follow(self) -> None:
        """The change feed is connected: start trusting (from an empty cache)."""
        with self._lock:
            self.generation += 1
            self._entries.clear()
            self._following = True

    def unfollow(self) -> None:
        """The change feed is gone: trust nothing until it is back."""
        with self._lock:
            self.generation += 1
            self._following = False
            self._entries.clear()


_caches: dict[str, ActorCache] = {}
_caches_lock = threading.Lock()
_by_engine: weakref.WeakKeyDictionary[Engine, ActorCache] = weakref.WeakKeyDictionary()


def actors_of(database: Engine | str) -> ActorCache:
    """The cache of callers of one database (an engine, or its URL), shared by every engine
    on that database in this process."""
    if isinstance(database, Engine) and (cache := _by_engine.get(database)) is not None:
        return cache  # the request path: no URL to render
    url = database.url if isinstance(database, Engine) else make_url(database)
    key = url.set(password=None).render_as_string(hide_password=False)
    with _caches_lock:
        cache = _caches.setdefault(key, ActorCache())
        if isinstance(database, Engine):
            _by_engine[database] = cache
    return cache
