"""Helpers for the application tests: plain HTTP against the real server (no API client).

``cab`` works on the ``server`` fixture (fresh demo data, /dev routes); ``shared_cab`` on one
server per module (``shared_server`` of tests/server/conftest.py) for tests that only create
their own drafts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import requests

from tests import demo, files
from tests.cabinet_http import DemoCabinet
from voek_desktop.api.server import EmbeddedServer

# Real files: the server parses what the first bytes claim (tests/e2e/security/
# test_http_uploads_parsed.py), so a signature followed by zeros is no scan any more.
PDF = files.PDF
PNG = files.PNG
JPEG = files.JPEG
TIFF = files.TIFF


def individual_form(today: date, **overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "applicant_name": "Сидоров Пётр Алексеевич",
        "passport_series": "17 04",
        "passport_number": "654321",
        "passport_issued_by": "УМВД России по Владимирской области",
        "passport_issued_on": "12.03.2015",
        "snils": demo.SNILS_TYPED,
        "registered_address": "600000, г. Владимир, ул. Мира, д. 3",
        "postal_address": "600000, г. Владимир, ул. Мира, д. 3",
        "phone": "+7 920 123-45-67",
        "email": "sidorov@example.test",
        "reason": "new",
        "devices_name": "Жилой дом",
        "devices_address": "Владимирская обл., г. Суздаль, ул. Лесная, д. 7",
        "cadastral_number": "33:05:123456:78",
        "power_new_kw": 15,
        "power_previous_kw": 0,
        "voltage_kv": 0.4,
        "reliability_category": "III",
        "stages": [
            {
                "design_until": (today + timedelta(days=30)).isoformat(),
                "commissioning_until": (today + timedelta(days=90)).isoformat(),
                "power_kw": 15,
            }
        ],
        "supplier_name": "АО «Энергосбыт Плюс»",
    }
    form.update(overrides)
    return form


def company_form(today: date, **overrides: Any) -> dict[str, Any]:
    form = individual_form(today)
    for key in (
        "passport_series",
        "passport_number",
        "passport_issued_by",
        "passport_issued_on",
        "snils",
    ):
        form.pop(key)
    form.update(
        applicant_name="ООО «Завод-Пример»",
        ogrn=demo.OGRN,
        registry_date="2013-05-20",
        inn="3337234788",
        kpp="332801001",
        signatory_position="Генеральный директор",
        signatory_name="Петров Пётр Петрович",
        devices_name="Цех",
        power_new_kw=150,
        stages=[
            {
                "design_until": (today + timedelta(days=30)).isoformat(),
                "commissioning_until": (today + timedelta(days=90)).isoformat(),
                "power_kw": 150,
            }
        ],
        load_character="Производство мебели",
        payment_plan="instalments",
    )
    form.update(overrides)
    return form


class Cabinet(DemoCabinet):
    """``requests`` against ``{base}/api/v1`` with a token per consumer type."""

    # --- shortcuts ----------------------------------------------------------------------------

    def today(self) -> date:
        """The server's Moscow date (rules count days in Moscow time)."""
        now = datetime.fromisoformat(self.get("/dev/clock", None).json()["now"])
        return (now + timedelta(hours=3)).date()

    def set_clock(self, moment: str) -> None:
        resp = self.post("/dev/clock", None, json={"now": moment})
        assert resp.status_code == 200, resp.text

    def create(
        self, category: str, form: dict[str, Any], who: str = "individual"
    ) -> dict[str, Any]:
        resp = self.post("/applications", who, json={"category": category, "form": form})
        assert resp.status_code == 201, resp.text
        return resp.json()

    def upload(
        self,
        app_id: int,
        kind: str,
        data: bytes = PDF,
        content_type: str = "application/pdf",
        filename: str = "скан.pdf",
        who: str = "individual",
    ) -> requests.Response:
        return self.post(
            f"/applications/{app_id}/documents",
            who,
            params={"kind": kind, "filename": filename},
            headers={"Content-Type": content_type},
            data=data,
        )

    def operator(self, app_id: int, status: str, comment: str = "") -> requests.Response:
        return self.post(
            f"/dev/applications/{app_id}/status", None, json={"status": status, "comment": comment}
        )


@pytest.fixture
def cab(server: EmbeddedServer) -> Iterator[Cabinet]:
    c = Cabinet(server)
    yield c
    c.close()


@pytest.fixture
def shared_cab(shared_server: EmbeddedServer) -> Iterator[Cabinet]:
    c = Cabinet(shared_server)
    yield c
    c.close()


class Forms:
    individual = staticmethod(individual_form)
    company = staticmethod(company_form)
    PDF = PDF
    PNG = PNG
    JPEG = JPEG
    TIFF = TIFF


@pytest.fixture
def forms() -> type[Forms]:
    """Form builders and tiny files with the right first bytes."""
    return Forms
