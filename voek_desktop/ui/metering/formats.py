"""How metering values look in the UI (SPEC §11): ДД.ММ.ГГГГ, Moscow time, decimal comma."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

MSK = timezone(timedelta(hours=3), "МСК")

QUANTITY_NAMES = {
    "A+": "Активная энергия (приём)",
    "A-": "Активная энергия (отдача)",
    "R+": "Реактивная энергия (приём)",
    "R-": "Реактивная энергия (отдача)",
}
ZONE_NAMES = {"T1": "Т1", "T2": "Т2", "T3": "Т3", "T4": "Т4", "total": "Сумма"}
# §8.4 names by the number of zones of the meter's tariff.
ZONE_TITLES = {
    1: {"T1": "Круглосуточная"},
    2: {"T1": "Дневная", "T2": "Ночная"},
    3: {"T1": "Пиковая", "T2": "Ночная", "T3": "Полупиковая"},
}
RELAY_NAMES = {
    "connected": "Включено",
    "on": "Включено",
    "disconnected": "Отключено",
    "off": "Отключено",
    "ready_to_reconnect": "Готово к включению",
    "ready": "Готово к включению",
}


def parse_datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def msk(value: datetime) -> datetime:
    return value.astimezone(MSK)


def format_date(value: date | datetime | str | None) -> str:
    if isinstance(value, str):
        parsed = parse_datetime(value) if "T" in value else parse_date(value)
        if parsed is None:
            return value
        value = parsed
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = msk(value).date() if value.tzinfo else value.date()
    return value.strftime("%d.%m.%Y")


def format_datetime(value: datetime | str | None, seconds: bool = False) -> str:
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            return value
        value = parsed
    if value is None:
        return ""
    if value.tzinfo:
        return msk(value).strftime("%d.%m.%Y %H:%M" + (":%S" if seconds else "")) + " МСК"
    return value.strftime("%d.%m.%Y %H:%M" + (":%S" if seconds else ""))


def format_number(value: float | int | None, digits: int = 2) -> str:
    """``1234.5`` → ``1 234,50``: a thin space groups thousands, a comma separates decimals."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def format_size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} Б"
    if size < 1024 * 1024:
        return f"{format_number(size / 1024, 0)} КБ"
    return f"{format_number(size / 1024 / 1024, 1)} МБ"


def zone_title(zone: str, zones: int) -> str:
    if zone == "total":
        return "Сумма"
    return ZONE_TITLES.get(zones, {}).get(zone, ZONE_NAMES.get(zone, zone))


def tariff_zone(moment: datetime, zones: int) -> str:
    """The §8.4 zone of an interval that starts at ``moment`` (any time zone)."""
    if zones <= 1:
        return "T1"
    hour = msk(moment).hour if moment.tzinfo else moment.hour
    if hour >= 23 or hour < 7:
        return "T2"
    if zones == 2:
        return "T1"
    if 7 <= hour < 10 or 17 <= hour < 21:
        return "T1"
    return "T3"


def years_back(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year - years, day=28)


def today_msk() -> date:
    return datetime.now(MSK).date()


def offline_note(items: object) -> str:
    """The banner over data shown from the last fetch while the server is unreachable."""
    fetched_at = getattr(items, "fetched_at", None)
    if not fetched_at:
        return ""
    moment = datetime.fromisoformat(fetched_at).astimezone(timezone(timedelta(hours=3)))
    return (
        "Нет связи с сервером. Показаны данные, полученные "
        f"{moment:%d.%m.%Y в %H:%M} МСК, — только просмотр. Они обновятся, когда связь"
        " вернётся."
    )
