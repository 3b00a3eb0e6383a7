"""Hostile bodies and headers get a 4xx in the API's error format, never a 500 (docs/design.md
"API"): JSON nested 1000+ deep, lone surrogates in any text field, a Range of thousands of
digits, a survey answer whose ``question_id`` is an object; a control character in the path
cannot forge a log line."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
import requests

from tests.cabinet_http import CYRILLIC, JSON_TYPE, DemoCabinet
from voek_desktop.api.server import EmbeddedServer

MSK = timezone(timedelta(hours=3))


@pytest.fixture
def cab(server: EmbeddedServer) -> Iterator[DemoCabinet]:
    c = DemoCabinet(server)
    yield c
    c.close()


def _client_error(resp: requests.Response) -> dict:
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text)
    assert resp.headers["Content-Type"] == JSON_TYPE
    error = resp.json()["error"]
    assert CYRILLIC.search(error["message"]), error
    return error


@pytest.mark.parametrize("depth", [1000, 5000, 100_000])
def test_deeply_nested_json_is_400(cab, depth):
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        resp = cab.post(
            "/registrations",
            who=None,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        assert resp.status_code == 400, resp.text
        assert _client_error(resp)["code"] == "invalid_json"


def test_moderately_nested_json_still_reaches_validation(cab):
    resp = cab.post("/registrations", who=None, json={"consumer_type": [[[[1]]]]})
    assert resp.status_code == 422, resp.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/registrations", '{"consumer_type": "individual", "email": "\\ud800@x.ru"}'),
        (
            "POST",
            "/sessions",
            '{"consumer_type": "individual", "login": "\\udfff", "password": "x"}',
        ),
        ("PATCH", "/profile", '{"phone": "\\ud800"}'),
        ("POST", "/applications", '{"category": "p14", "form": {"\\ud800": "x"}}'),
        ("POST", "/feedback", '{"subject": "\\ud83d", "text": "a"}'),
    ],
)
def test_lone_surrogates_in_any_text_are_422(cab, method, path, body):
    resp = cab.request(
        method,
        path,
        data=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 422, resp.text
    assert _client_error(resp)["code"] == "invalid_text"


def test_a_real_emoji_pair_is_still_text(cab):
    resp = cab.patch("/profile", json={"phone": "😀"})
    assert resp.status_code == 422  # the phone rule speaks, not the parser
    assert "phone" in resp.json()["error"].get("fields", {})


def test_range_of_thousands_of_digits_is_not_a_500(cab):
    cab.at(datetime(2026, 3, 10, 12, 0, tzinfo=MSK))
    created = cab.post(
        "/meters/1/archive-requests",
        json={"period_start": "2026-03-01", "period_end": "2026-03-03"},
    )
    assert created.status_code == 201, created.text
    cab.at(datetime(2026, 3, 11, 0, 0, tzinfo=MSK))
    cab.run_jobs()
    path = f"/archive-requests/{created.json()['id']}/file"
    whole = cab.get(path)
    assert whole.status_code == 200
    for value in ("bytes=" + "9" * 4300 + "-", "bytes=-" + "1" * 4300, "bytes=0-" + "7" * 5000):
        resp = cab.get(path, headers={"Range": value})
        assert resp.status_code in (200, 416), resp.status_code
        if resp.status_code == 200:
            assert resp.content == whole.content
    assert cab.get(path, headers={"Range": "bytes=0-9"}).status_code == 206  # still served


@pytest.mark.parametrize("question_id", [{"a": 1}, ["q1"], 7, None])
def test_survey_answer_with_a_non_text_question_id_is_422(cab, question_id):
    apps = cab.get("/applications").json()["items"]
    resp = cab.post(
        "/survey/responses",
        json={
            "application_id": apps[0]["id"],
            "answers": [{"question_id": question_id, "score": 5}],
        },
    )
    assert resp.status_code == 422, resp.text
    assert "answers" in _client_error(resp)["fields"]


def test_control_characters_in_the_path_cannot_forge_a_log_line(cab, caplog):
    caplog.set_level(logging.INFO, logger="voek.server")
    forged = "/api/v1/x%0AGET /api/v1/admin 200 0.1ms id=forged%0D%1B[31m"
    resp = requests.get(cab.server.url + forged, timeout=10)
    assert resp.status_code == 404
    lines = [r.getMessage() for r in caplog.records if r.name == "voek.server"]
    assert lines, "the request is logged"
    for line in lines:
        assert "\n" not in line and "\r" not in line and "\x1b" not in line, line
    assert any(re.search(r"/api/v1/x\\nGET", line) for line in lines), lines
