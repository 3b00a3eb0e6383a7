"""Two consumers, every route that takes an id: the other consumer's id answers 404 — never
2xx, never a hint that the object exists. The list of routes comes from the router itself, so
a new id-bearing route without a row here fails the test."""

from __future__ import annotations

import re

import requests

from tests import demo
from voek_desktop.domain.identifiers import snils_check_number

DEMO = {"consumer_type": "individual", "login": demo.SNILS, "password": demo.PASSWORD}


def _session(api: str, body: dict) -> dict[str, str]:
    r = requests.post(api + "/sessions", json={**body, "remember": True}, timeout=30)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _second_individual(api: str) -> dict[str, str]:
    body = "123456789"
    snils = body + f"{snils_check_number(body):02d}"
    password = "Другой посетитель 2026"
    requests.post(
        api + "/registrations",
        json={
            "consumer_type": "individual",
            "snils": snils,
            "email": "other@example.test",
            "password": password,
            "password_confirmation": password,
            "phone": "+79205550022",
            "personal_data_consent": True,
        },
        timeout=30,
    ).raise_for_status()
    mail = next(
        m
        for m in requests.get(api + "/dev/outbox", timeout=10).json()["items"]
        if m["to"] == "other@example.test"
    )
    token = re.search(r"token=(\S+)", mail["text"]).group(1)
    requests.post(api + "/activations", json={"token": token}, timeout=30).raise_for_status()
    return _session(api, {"consumer_type": "individual", "login": snils, "password": password})


def _owned_by_a(api: str, a: dict[str, str]) -> dict[str, str]:
    """One object of each kind that belongs to consumer A."""
    meters = requests.get(
        api + "/personal-accounts/3300000001/meters", headers=a, timeout=30
    ).json()["items"]
    smart = next(m for m in meters if m["is_smart"])
    poll = requests.get(f"{api}/meters/{smart['id']}/smart-data", headers=a, timeout=30).json()
    day = poll["polled_at"][:10]
    archive = requests.post(
        f"{api}/meters/{smart['id']}/archive-requests",
        json={"period_start": day, "period_end": day},
        headers=a,
        timeout=30,
    )
    apps = requests.get(api + "/applications?state=active", headers=a, timeout=30).json()["items"]
    with_docs = next(x for x in apps if x["documents"])
    offered = next(x for x in apps if x["status"] == "need_info")
    for status in ("review", "contract_offered"):
        requests.post(
            f"{api}/dev/applications/{offered['id']}/status",
            json={"status": status, "comment": "проверка"},
            timeout=60,
        ).raise_for_status()
    contracts = requests.get(
        api + "/connection-contracts?state=active", headers=a, timeout=30
    ).json()["items"]
    thread = requests.post(
        api + "/feedback", json={"subject": "Вопрос", "message": "Текст"}, headers=a, timeout=30
    ).json()
    return {
        "personal_account": "3300000001",
        "meter": str(smart["id"]),
        "archive_request": str(archive.json()["id"]),
        "application": str(with_docs["id"]),
        "document": str(with_docs["documents"][0]["id"]),
        "contract": str(contracts[0]["id"]),
        "feedback": str(thread["id"]),
    }


# route pattern → which of A's objects fills its ids; a body for the ones that take JSON
FILL = {
    "/personal-accounts/{number}": {"number": "personal_account"},
    "/personal-accounts/{number}/meters": {"number": "personal_account"},
    "/meters/{id}": {"id": "meter"},
    "/meters/{id}/smart-data": {"id": "meter"},
    "/meters/{id}/intervals": {"id": "meter"},
    "/meters/{id}/report": {"id": "meter"},
    "/meters/{id}/archive-requests": {"id": "meter"},
    "/meters/{id}/archive-terms": {"id": "meter"},
    "/archive-requests/{id}": {"id": "archive_request"},
    "/archive-requests/{id}/file": {"id": "archive_request"},
    "/applications/{id}": {"id": "application"},
    "/applications/{id}/submit": {"id": "application"},
    "/applications/{id}/withdraw": {"id": "application"},
    "/applications/{id}/documents": {"id": "application"},
    "/applications/{id}/documents/{doc_id}": {"id": "application", "doc_id": "document"},
    "/connection-contracts/{id}": {"id": "contract"},
    "/connection-contracts/{id}/document": {"id": "contract"},
    "/connection-contracts/{id}/signed-copy": {"id": "contract"},
    "/feedback/{id}": {"id": "feedback"},
    "/feedback/{id}/messages": {"id": "feedback"},
}
# Organisations' routes answer individuals 403 by type, before any id is looked at.
TYPE_GATED = {"/supply-contracts/{number}/meters"}


def test_another_consumers_ids_answer_404_on_every_route(server) -> None:
    api = server.url + "/api/v1"
    a = _session(api, DEMO)
    ids = _owned_by_a(api, a)
    b = _second_individual(api)
    routes = [
        r
        for r in server.app.router.routes
        if "{" in r.pattern and not r.pattern.startswith("/dev/")
    ]
    assert {r.pattern for r in routes} <= set(FILL) | TYPE_GATED, "a new id route needs a row"
    checked = 0
    for r in routes:
        if r.pattern in TYPE_GATED:
            url = api + r.pattern.replace("{number}", "ЭС-1001")
            status = requests.request(r.method, url, headers=b, timeout=30).status_code
            assert status == 403, (r.method, r.pattern, status)
            continue
        path = r.pattern
        for name, kind in FILL[r.pattern].items():
            path = path.replace("{" + name + "}", ids[kind])
        answer = requests.request(
            r.method,
            api + path,
            headers={**b, "Content-Type": "application/pdf"}
            if path.endswith(("/documents", "/signed-copy"))
            else b,
            params={
                "kind": "site_plan",
                "filename": "x.pdf",
                "from": "2026-01-01",
                "to": "2026-01-02",
                "step": "day",
            },
            data=b"%PDF-1.4\n%%EOF\n" if r.method in ("POST", "PATCH") else None,
            timeout=30,
        )
        assert answer.status_code == 404, (r.method, path, answer.status_code, answer.text)
        assert answer.json()["error"]["code"].endswith("not_found")
        checked += 1
    assert checked >= 20
    # …and A still sees every one of them.
    assert (
        requests.get(f"{api}/applications/{ids['application']}", headers=a, timeout=30).status_code
        == 200
    )
