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
