"""Schedule arithmetic: when a job is due, and what a scheduler does about it now.

Pure functions of a cron expression, a time zone and instants (aware datetimes, UTC when
returned). A due time is on time while it is at most `grace_s` old; older, it was missed (no
scheduler ran then): `skip` lets it pass, `run_once` runs the job once for every due time
missed. A job is never due before `since` (when it was created, its schedule changed or it was
resumed), so creating or resuming a job does not make up for the past.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from enum import Enum

from croniter import croniter

from .model import MissedPolicy, Schedule

CRON_MACROS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly"})
ON_TIME_GRACE_S = 120.0  # a due time this old is still on time (a late tick, a slow start)


def cron_problem(expression: str) -> str | None:
    """Why `expression` is not a usable cron expression, or None."""
    text = expression.strip()
    if text.lower() in CRON_MACROS:
        return None
    fields = text.split()
    if len(fields) != 5 or not croniter.is_valid(text):
        shown = expression if len(expression) <= 40 else expression[:37] + "..."
        return (
            f"{shown!r} is not a cron expression: give five fields, minute hour day-of-month "
            "month day-of-week (e.g. '0 3 * * *' for 03:00 every day, '*/15 * * * 1-5' for "
            "every 15 minutes on weekdays), or @hourly, @daily, @weekly, @monthly, @yearly"
        )
    return None


def time_zone(name: str) -> tzinfo:
    """The IANA time zone `name`; ValueError with a fix when there is none of that name."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        shown = name if len(name) <= 40 else name[:37] + "..."
        raise ValueError(
            f"{shown!r} is not a known time zone: use an IANA name such as 'UTC', "
            "'Europe/Paris' or 'America/New_York'"
        ) from None


def latest_due(schedule: Schedule, now: datetime) -> datetime:
    """The latest due time at or before `now` (UTC)."""
    local = now.astimezone(time_zone(schedule.timezone))
    # croniter's get_prev is strictly before its start: a microsecond later includes `now`.
    found = croniter(schedule.cron.strip(), local + timedelta(microseconds=1)).get_prev(datetime)
    return found.astimezone(timezone.utc)


def next_due(schedule: Schedule, now: datetime) -> datetime:
    """The first due time after `now` (UTC)."""
    local = now.astimezone(time_zone(schedule.timezone))
    found = croniter(schedule.cron.strip(), local).get_next(datetime)
    return found.astimezone(timezone.utc)


def upcoming(schedule: Schedule, now: datetime, count: int) -> list[datetime]:
    """The next `count` due times after `now`, in the schedule's time zone (what `next_due`,
    and so the scheduler, would fire: the job form's preview)."""
    zone = time_zone(schedule.timezone)
    times: list[datetime] = []
    moment = now
    for _ in range(count):
        moment = next_due(schedule, moment)
        times.append(moment.astimezone(zone))
    return times


class Action(str, Enum):
    wait = "wait"  # nothing is due
    fire = "fire"  # run the job for `due`
    skip = "skip"  # `due` was missed and the policy lets it pass: record it, run nothing


@dataclass(frozen=True)
class Decision:
    action: Action
    due: datetime | None = None
    missed: bool = False  # `due` is older than the grace (no scheduler ran when it was due)


def decide(
    schedule: Schedule,
    now: datetime,
    since: datetime,
    last_due: datetime | None,
    grace_s: float = ON_TIME_GRACE_S,
) -> Decision:
    """What a scheduler does about the job at `now`, given the last due time it settled (fired
    or skipped) and when the schedule started counting."""
    due = latest_due(schedule, now)
    settled = max(since, last_due) if last_due is not None else since
    if due <= settled:
        return Decision(Action.wait)
    if (now - due).total_seconds() <= grace_s:
        return Decision(Action.fire, due)
    if schedule.missed == MissedPolicy.run_once:
        return Decision(Action.fire, due, missed=True)
    return Decision(Action.skip, due, missed=True)
