"""Venue time zones: times are stored in UTC and read and entered on the venue's wall clock.

An event names its venue's IANA zone (``Event.timezone``, e.g. "Europe/Vienna"). Organizers
type local times; this module turns them into UTC and refuses what a clock never shows:
a time inside a spring-forward gap (02:30 on the night clocks jump from 02:00 to 03:00) is an
error, not a silent shift. A time that happens twice (the autumn hour) is taken as its first
occurrence (``fold=0``), the one a programme printed before the change means.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "UTC"


class TimeZoneError(ValueError):
    """An unknown zone name or a wall-clock time that does not exist; safe to show."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@cache
def zone(name: str) -> ZoneInfo:
    """The zone called `name`; TimeZoneError for a name the tz database does not know."""
    try:
        # ZoneInfo also opens file paths such as "../../etc/x": only accept listed names.
        if name != DEFAULT_ZONE and name not in _known_names():
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeZoneError(
            f"Unknown time zone {name!r}: use a name such as Europe/Vienna or America/New_York.",
            field="timezone",
        ) from None


@cache
def _known_names() -> frozenset[str]:
    return frozenset(available_timezones())


def check_zone(name: str | None) -> str:
    """A valid zone name, stripped; the default for an empty one."""
    name = (name or "").strip() or DEFAULT_ZONE
    zone(name)
    return name


def to_local(when: datetime, zone_name: str) -> datetime:
    """An aware UTC time on the venue's wall clock (aware, in the venue's zone)."""
    return when.astimezone(zone(zone_name))


def to_utc(local: datetime, zone_name: str, field: str = "starts_at") -> datetime:
    """A wall-clock time at the venue (naive, or already aware) as aware UTC.

    TimeZoneError when that wall-clock time does not exist (the spring-forward gap)."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    tz = zone(zone_name)
    placed = local.replace(tzinfo=tz, fold=0)
    as_utc = placed.astimezone(UTC)
    # In a gap, going to UTC and back lands on another wall-clock time.
    if as_utc.astimezone(tz).replace(tzinfo=None) != local:
        raise TimeZoneError(
            f"{local:%d %b %Y %H:%M} does not exist in {zone_name}: the clocks skip that hour.",
            field=field,
        )
    return as_utc


def suggested_names() -> list[str]:
    """Zone names to offer an organizer: the Region/City ones (and UTC), sorted; legacy
    aliases such as "GB" or "Etc/GMT+2" still validate but are not suggested."""
    regions = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/")
    regions += ("Europe/", "Indian/", "Pacific/")
    return [DEFAULT_ZONE, *sorted(n for n in _known_names() if n.startswith(regions))]
