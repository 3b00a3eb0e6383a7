"""Moscow time, the one clock every rule of the cabinet is counted in.

Tariff zones, the daily poll, the 21:00 deadline of an archive request, "3 years back" and every
date shown to a user are Moscow dates (docs/design.md "Conventions"). Moscow has kept UTC+3 all
year since 2014, so a fixed offset is exact and needs no tz database (absent on Windows).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

MSK = timezone(timedelta(hours=3), "МСК")
# Smart meters are read once a day; the poll brings every interval that ended by then.
DAILY_POLL = time(1, 30)


def moscow_date(moment: datetime) -> date:
    """The Moscow calendar day of an aware ``moment``."""
    return moment.astimezone(MSK).date()


def moscow_midnight(day: date) -> datetime:
    """00:00 Moscow time of ``day`` as an aware datetime."""
    return datetime.combine(day, time(0), MSK)


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# --- the archive's calendar (SPEC §6.5) ------------------------------------------------------

ARCHIVE_YEARS = 3
# A request may be changed until 21:00 МСК of the day it belongs to; the file is produced at the
# next 00:00 МСК.
EDIT_DEADLINE = time(21, 0)
HALF_HOUR = timedelta(minutes=30)
HALF_HOURS_PER_DAY = 48


def last_poll(now: datetime) -> datetime:
    """The last daily poll at or before ``now`` (aware, Moscow time); it brings every half-hour
    that ended by then."""
    local = now.astimezone(MSK)
    poll = datetime.combine(local.date(), DAILY_POLL, MSK)
    if local < poll:
        poll -= timedelta(days=1)
    return poll


def archive_day(now: datetime) -> date:
    """The day a request made at ``now`` belongs to (SPEC §6.5): today until 20:59:59 МСК; from
    21:00:00 the day's cut-off has passed, so the request belongs to the next day."""
    local = now.astimezone(MSK)
    return local.date() if local.time() < EDIT_DEADLINE else local.date() + timedelta(days=1)


def archive_editable_until(now: datetime) -> datetime:
    """Until when a request made at ``now`` may be changed: 21:00 МСК of its day, always ahead."""
    return datetime.combine(archive_day(now), EDIT_DEADLINE, MSK)


def archive_produce_after(now: datetime) -> datetime:
    """When the file of a request made at ``now`` is produced: 00:00 МСК after its deadline."""
    return moscow_midnight(archive_day(now) + timedelta(days=1))


def last_complete_day(until: datetime) -> date:
    """The last Moscow day all of whose 48 half-hours have been polled by ``until``: the day
    before the day of the last poll (a day's last half-hour ends at 00:00 and comes with the
    01:30 poll of the next day)."""
    return last_poll(until).date() - timedelta(days=1)


def archive_last_day(now: datetime) -> date:
    """The latest ``period_end`` of a request made (or changed) at ``now`` (SPEC §6.5): the last
    complete day when its file is produced. At 00:00 of ``archive_produce_after`` the last poll
    is the 01:30 poll of the request's day, so that day has 3 of 48 half-hours and no closing
    reading, and every earlier day is complete. Before 21:00 this is yesterday (also between
    00:00 and 01:30, when yesterday's last half-hours have not been polled yet: they will be by
    the time the file is produced); from 21:00 it is today."""
    return last_complete_day(archive_produce_after(now))


def archive_first_day(now: datetime) -> date:
    """The earliest ``period_start``: the archive keeps 3 years, counted in Moscow dates."""
    return years_before(moscow_date(now), ARCHIVE_YEARS)


def half_hours(day: date) -> int:
    """The number of half-hours in a Moscow day: always 48, since МСК keeps UTC+3 all year (no
    23- or 25-hour days, so never 46 or 50 intervals)."""
    return (moscow_midnight(day + timedelta(days=1)) - moscow_midnight(day)) // HALF_HOUR
