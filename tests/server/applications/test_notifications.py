"""The notification feed (issue 16, items 5 and 7; docs/design.md "Notifications"): what the
grid company does appears in the consumer's feed, and only in theirs; the poll is a 304 while
nothing changed; `after` and the read marks are validated; the profile's e-mail switches stop
the mail but never the notification."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from voek_desktop.api.server.features import notifications


def _submitted(cab, forms) -> dict:
    created = cab.create("p14", forms.individual(cab.today()))
    for kind in ("site_plan", "title_document", "identity_document", "signed_application"):
        assert cab.upload(created["id"], kind).status_code == 201
    sent = cab.post(f"/applications/{created['id']}/submit")
    assert sent.status_code == 200, sent.text
    return sent.json()


def _feed(cab, who="individual", **params):
    resp = cab.get("/notifications", who, params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_operator_changes_reach_only_their_consumers_feed(cab, forms):
    before = _feed(cab)
    company_before = _feed(cab, "company")
    application = _submitted(cab, forms)
    assert cab.operator(application["id"], "review").status_code == 200
    assert cab.operator(application["id"], "need_info", "Нужен план участка").status_code == 200

    feed = _feed(cab, after=before["last_id"])
    kinds = [n["kind"] for n in feed["items"]]
    assert kinds == ["status_changed", "documents_requested"]
    asked = feed["items"][-1]
    assert asked["object"] == {"type": "application", "id": application["id"]}
    assert "Нужен план участка" in asked["text"] and application["number"] in asked["text"]
    assert asked["read"] is False and feed["unread"] >= 2
    assert feed["last_id"] == asked["id"]

    # The company sees nothing of it, neither by id nor in its counts.
    theirs = _feed(cab, "company", after=0)
    assert {n["id"] for n in theirs["items"]}.isdisjoint({n["id"] for n in feed["items"]})
    assert theirs["last_id"] == company_before["last_id"]
    marked = cab.post("/notifications/read", "company", json={"up_to": asked["id"]})
    assert marked.status_code == 200
    assert _feed(cab, after=before["last_id"])["items"][-1]["read"] is False


def test_contract_offer_points_at_the_contract_and_reply_at_the_thread(cab, forms):
    start = _feed(cab)["last_id"]
    application = _submitted(cab, forms)
    for status in ("review", "contract_offered"):
        assert cab.operator(application["id"], status).status_code == 200
    contracts = cab.get("/connection-contracts").json()["items"]
    contract = next(c for c in contracts if c["application_id"] == application["id"])
    offered = _feed(cab, after=start)["items"][-1]
    assert offered["kind"] == "contract_offered"
    assert offered["object"] == {"type": "contract", "id": contract["id"]}
    assert contract["number"] in offered["text"]

    thread = cab.post("/feedback", json={"subject": "Опора у дома", "message": "Когда?"}).json()
    assert cab.post(f"/dev/feedback/{thread['id']}/reply", None, json={"message": "Завтра"})
    reply = _feed(cab, after=offered["id"])["items"]
    assert [(n["kind"], n["object"]) for n in reply] == [
        ("feedback_reply", {"type": "feedback", "id": thread["id"]})
    ]
    assert "Опора у дома" in reply[0]["text"]


def test_unchanged_feed_is_304_and_a_new_notification_is_not(cab, forms):
    application = _submitted(cab, forms)
    last = _feed(cab)["last_id"]
    first = cab.get("/notifications", params={"after": last})
    assert first.status_code == 200 and first.json()["items"] == []
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = cab.get("/notifications", params={"after": last}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert cab.operator(application["id"], "review").status_code == 200
    changed = cab.get("/notifications", params={"after": last}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert [n["kind"] for n in changed.json()["items"]] == ["status_changed"]


def test_read_marks_one_or_everything_up_to_an_id(cab, forms):
    application = _submitted(cab, forms)
    start = _feed(cab)["last_id"]
    for status in ("review", "need_info", "review"):
        assert cab.operator(application["id"], status).status_code == 200
    items = _feed(cab, after=start)["items"]
    unread = _feed(cab)["unread"]
    one = cab.post("/notifications/read", json={"id": items[1]["id"]})
    assert one.status_code == 200 and one.json()["unread"] == unread - 1
    assert [n["read"] for n in _feed(cab, after=start)["items"]] == [False, True, False]
    everything = cab.post("/notifications/read", json={"up_to": items[-1]["id"]})
    assert everything.json() == {"unread": 0, "last_id": items[-1]["id"]}
    assert all(n["read"] for n in _feed(cab)["items"])


@pytest.mark.parametrize("after", ["-1", "abc", "1.5", "1" * 16, "١٢", " 1"])
def test_junk_after_is_a_422_naming_the_parameter(shared_cab, after):
    resp = shared_cab.get("/notifications", params={"after": after})
    shared_cab.error(resp, 422, "validation_failed", {"after"})


@pytest.mark.parametrize(
    "body",
    [{}, {"up_to": -1}, {"up_to": "5"}, {"up_to": True}, {"up_to": 1.5}, {"up_to": 1, "id": 2}],
)
def test_junk_read_marks_are_refused(shared_cab, body):
    resp = shared_cab.post("/notifications/read", json=body)
    assert resp.status_code == 422, resp.text


def test_feed_needs_a_session(shared_cab):
    shared_cab.error(shared_cab.get("/notifications", None), 401, "unauthorized")


def test_email_switch_stops_the_mail_not_the_notification(cab, forms):
    email = cab.get("/profile").json()["email"]
    settings = cab.get("/profile/notifications").json()
    assert settings["email"] == {k: True for k in notifications.EMAILED}
    assert settings["labels"]["documents_requested"] == "Запрошены сведения или документы"
    put = cab.request("PUT", "/profile/notifications", json={"email": {"status_changed": False}})
    assert put.status_code == 200, put.text
    assert put.json()["email"]["status_changed"] is False
    assert put.json()["email"]["documents_requested"] is True
    # Another consumer's switches are theirs.
    assert cab.get("/profile/notifications", "company").json()["email"]["status_changed"]

    application = _submitted(cab, forms)
    sent_before = {m["id"] for m in cab.get("/dev/outbox", None).json()["items"]}
    start = _feed(cab)["last_id"]
    assert cab.operator(application["id"], "review").status_code == 200  # status_changed: off
    assert cab.operator(application["id"], "need_info").status_code == 200  # still on
    outbox = cab.get("/dev/outbox", None).json()["items"]
    new = [m["subject"] for m in outbox if m["id"] not in sent_before and m["to"] == email]
    assert new == [f"Заявка {application['number']}: Требуются документы"]
    assert [n["kind"] for n in _feed(cab, after=start)["items"]] == [
        "status_changed",
        "documents_requested",
    ]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": []},
        {"email": {"status_changed": "no"}},
        {"email": {"archive_ready": False}},
        {"email": {"nonsense": True}},
    ],
)
def test_junk_email_switches_are_refused(shared_cab, body):
    resp = shared_cab.request("PUT", "/profile/notifications", json=body)
    assert resp.status_code == 422, resp.text


def test_deadlines_are_told_once_when_near_and_once_when_passed(cab, forms):
    """The deadline module is another branch's (domain/deadlines.py); here a source that says
    what it would: a term two working days ahead, and one that has passed."""
    application = _submitted(cab, forms)
    today = cab.today()
    terms = [
        {"step": "offer", "party": "grid", "title": "Направить договор",
         "due": (today + timedelta(days=2)).isoformat(), "days_left": 2, "overdue": False,
         "rule": "п. 15 Правил"},
        {"step": "pay", "party": "applicant", "title": "Оплатить счёт",
         "due": (today + timedelta(days=9)).isoformat(), "days_left": 7, "overdue": False},
        {"step": "sign", "party": "grid", "title": "Подписать акт",
         "due": (today - timedelta(days=1)).isoformat(), "days_left": -1, "overdue": True},
    ]  # fmt: skip

    def source(row: dict, history: list, day: date) -> list[dict]:
        assert day == today and history and history[-1]["status"] == "registered"
        return terms if row["id"] == application["id"] else []

    notifications.deadline_source = source
    try:
        feed = _feed(cab, after=0)
        again = _feed(cab, after=0)
    finally:
        notifications.deadline_source = None
    told = [n for n in feed["items"] if n["kind"].startswith("deadline")]
    assert [n["kind"] for n in told] == ["deadline_soon", "deadline_passed"]
    assert "Направить договор" in told[0]["text"] and "п. 15 Правил" in told[0]["text"]
    assert f"{today + timedelta(days=2):%d.%m.%Y}" in told[0]["text"]
    assert told[0]["object"] == {"type": "application", "id": application["id"]}
    assert again["last_id"] == feed["last_id"]  # asked again: nothing written twice
    # The company's feed got nothing of the individual's terms.
    assert not [n for n in _feed(cab, "company")["items"] if n["kind"].startswith("deadline")]


def test_the_demo_overdue_application_is_told_from_the_rules(shared_cab):
    """domain/deadlines.py itself: the demo's unanswered application (its offer term passed)
    is in the feed as a passed deadline naming the point of the Rules, once."""
    notifications.deadline_source = None
    feed = _feed(shared_cab, after=0)
    passed = [n for n in feed["items"] if n["kind"] == "deadline_passed"]
    assert passed, [n["kind"] for n in feed["items"]]
    assert "истёк" in passed[0]["text"] and "(п. 105 Правил)." in passed[0]["text"]
    assert "ПП РФ" not in passed[0]["text"]  # short enough for two lines of the list
    assert passed[0]["object"]["type"] == "application"
    again = _feed(shared_cab, after=0)
    assert len([n for n in again["items"] if n["kind"] == "deadline_passed"]) == len(passed)
