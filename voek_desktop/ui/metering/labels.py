"""The names metering values are shown with: quantities, tariff zones, relay states, and the
banner over data kept from the last fetch. Dates and numbers are formatted by
:mod:`voek_desktop.domain.formats`."""

from __future__ import annotations

from datetime import datetime

from voek_desktop.domain.tariffs import schedule
from voek_desktop.domain.time import MSK


def with_number(text: str) -> str:
    """«№ 1» kept on one line: a no-break space after «№», so that a wrapped heading or value
    never ends a line with the sign and starts the next with the number."""
    return text.replace("№ ", "№\u00a0")


QUANTITY_NAMES = {
    "A+": "Активная энергия (приём)",
    "A-": "Активная энергия (отдача)",
    "R+": "Реактивная энергия (приём)",
    "R-": "Реактивная энергия (отдача)",
}
ZONE_NAMES = {"T1": "Т1", "T2": "Т2", "T3": "Т3", "T4": "Т4", "total": "Сумма"}
RELAY_NAMES = {
    "connected": "Включено",
    "on": "Включено",
    "disconnected": "Отключено",
    "off": "Отключено",
    "ready_to_reconnect": "Готово к включению",
    "ready": "Готово к включению",
}


def zone_title(zone: str, zones: int) -> str:
    """A register's zone as the meter's tariff names it («Ночная»), else «Т2»/«Сумма»."""
    try:
        return next(z.name for z in schedule(zones) if z.code == zone)
    except (StopIteration, ValueError):
        return ZONE_NAMES.get(zone, zone)


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
