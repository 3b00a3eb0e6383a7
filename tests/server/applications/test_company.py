"""The grid company's requisites are the server's configuration (issue 13 item 9,
docs/forms-861.md "Requisites"): ``voek-server --company FILE`` (with ``--signatory`` folded in)
→ ``GET /company`` over real HTTP → the app's copy, which prints blank forms offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from tests.server.conftest import JSON_TYPE
from voek_desktop.api.server.__main__ import parse_args, requisites
from voek_desktop.demo_data import DEMO_COMPANY
from voek_desktop.domain.company import UNKNOWN, requisites_from_json
from voek_desktop.session import Session

COMPANY = {
    "name": "Акционерное общество «Владимирская областная электросетевая компания»",
    "short_name": "АО «ВОЭК»",
    "address": "600017, г. Владимир, ул. Настоящая, д. 2",
    "inn": "3300000007",
    "kpp": "330001001",
    "ogrn": "1033300000007",
    "support_phone": "8 (4922) 77-77-77",
}
SIGNATORY = {
    "position": "Генеральный директор",
    "name": "Лебедев Олег Петрович",
    "position_genitive": "генерального директора",
    "name_genitive": "Лебедева Олега Петровича",
    "basis": "Устава",
}


def _file(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_demo_serves_sample_requisites_without_login(shared_server) -> None:
    resp = requests.get(shared_server.url + "/api/v1/company", timeout=10)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == JSON_TYPE
    body = resp.json()
    assert body["sample"] is True
    assert body["short_name"] == "АО «ВОЭК»" and body["inn"] == DEMO_COMPANY["inn"]
    assert body["support_phone"] == "+74922000000"
    # Who signs, but not the power of attorney's details: those are for the contract's text.
    assert set(body["signatory"]) == {"position", "name"}


def test_a_server_without_requisites_answers_404_in_its_error_format(make_server) -> None:
    srv = make_server(name="bare")
    resp = requests.get(srv.url + "/api/v1/company", timeout=10)
    assert resp.status_code == 404
    error = resp.json()["error"]
    assert error["code"] == "company_not_configured"
    assert error["message"] == "Реквизиты сетевой организации не настроены на сервере"


def test_company_file_with_the_signatory_folded_in_reaches_the_api(tmp_path, make_server) -> None:
    args = parse_args(
        [
            "--company",
            _file(tmp_path, "c.json", COMPANY),
            "--signatory",
            _file(tmp_path, "s.json", SIGNATORY),
        ]
    )
    config = requisites(args)
    assert config is not None and config.signatory == SIGNATORY
    assert config.support_phone == "+74922777777" and config.sample is False
    srv = make_server(name="configured", company=config)
    body = requests.get(srv.url + "/api/v1/company", timeout=10).json()
    assert body["address"] == COMPANY["address"]
    assert body["signatory"] == {
        "position": "Генеральный директор",
        "name": "Лебедев Олег Петрович",
    }
    spec = requests.get(srv.url + "/api/v1/openapi.json", timeout=10).json()
    assert "/company" in spec["paths"]


def test_only_a_signatory_file_still_works(tmp_path) -> None:
    config = requisites(parse_args(["--signatory", _file(tmp_path, "s.json", SIGNATORY)]))
    assert config == UNKNOWN._replace(signatory=SIGNATORY)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"inn": "3300000008"}, "ИНН"),
        ({"ogrn": "103330000000"}, "ОГРН"),
        ({"address": ""}, "address"),
    ],
)
def test_a_wrong_company_file_stops_the_start(tmp_path, capsys, change, message) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--company", _file(tmp_path, "c.json", COMPANY | change)])
    assert message in capsys.readouterr().err


def test_the_app_keeps_the_requisites_for_printing_offline(
    tmp_path, monkeypatch, make_server
) -> None:
    monkeypatch.setenv("VOEK_CONFIG_DIR", str(tmp_path / "config"))
    srv = make_server(name="kept", company=requisites_from_json(COMPANY))
    online = Session(srv.url)
    assert online.requisites() == UNKNOWN  # never asked: the name alone
    fetched = online.fetch_requisites()
    assert fetched.address == COMPANY["address"]
    online.client.close()
    srv.stop()
    offline = Session(srv.url)  # a later run, the server gone
    assert offline.requisites() == fetched
