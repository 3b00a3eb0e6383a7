"""The names metering values are shown with: quantities, tariff zones, relay states, and the
banner over data kept from the last fetch. Dates and numbers are formatted by
:mod:`voek_desktop.domain.formats`."""

from __future__ import annotations

from datetime import datetime

from voek_desktop.domain.time import MSK

QUANTITY_NAMES = {
    "A+": "Активная энергия (приём)",
    "A-": "Активная энергия (отдача)",
    "R+": "Реактивная энергия (приём)",
    "R-": "Реактивная энергия (отдача)",
}
ZONE_NAMES = {"T1": "Т1", "T2": "Т2", "T3": "Т3", "T4": "Т4", "total": "Сумма"}
# Zone names by the number of zones (docs/design.md "Tariff zones") of the meter's tariff.
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


def zone_title(zone: str, zones: int) -> str:
    if zone == "total":
        return "Сумма"
    return ZONE_TITLES.get(zones, {}).get(zone, ZONE_NAMES.get(zone, zone))


def tariff_zone(moment: datetime, zones: int) -> str:
    """The tariff zone (docs/design.md "Tariff zones") of an interval that starts at
    ``moment`` (any time zone)."""
    if zones <= 1:
        return "T1"
    hour = moment.astimezone(MSK).hour if moment.tzinfo else moment.hour
    if hour >= 23 or hour < 7:
        return "T2"
    if zones == 2:
        return "T1"
    if 7 <= hour < 10 or 17 <= hour < 21:
        return "T1"
    return "T3"


def offline_note(items: object) -> str:
    """The banner over data shown from the last fetch while the server is unreachable."""
    fetched_at = getattr(items, "fetched_at", None)
    if not fetched_at:
        return ""
    moment = datetime.fromisoformat(fetched_at).astimezone(MSK)
    return (
        "Нет связи с сервером. Показаны данные, полученные "
        f"{moment:%d.%m.%Y в %H:%M} МСК, — только просмотр. Они обновятся, когда связь"
        " вернётся."
    )
