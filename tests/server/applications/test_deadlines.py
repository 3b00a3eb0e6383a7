"""The application JSON carries its statutory terms (docs/deadlines.md), counted by the
server's clock in working days of the production calendar, through the operator's status route;
and the demo shows a running and an overdue term. Real HTTP, real server."""

from __future__ import annotations

from tests.server.applications.test_flow import ALL_P14, _complete_p14


def _registered(cab, forms) -> dict:
    app = _complete_p14(cab, forms)
    for kind in ALL_P14:
        assert cab.upload(app["id"], kind).status_code == 201
    resp = cab.post(f"/applications/{app['id']}/submit")
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_terms_follow_the_operator_through_the_steps(cab, forms):
    cab.at("2026-12-01T07:00:00+00:00")  # Tuesday, 10:00 in Moscow
    app = _registered(cab, forms)
    (offer,) = app["deadlines"]
    assert offer["step"] == "offer" and offer["party"] == "grid"
    assert offer["due"] == "2026-12-15" and offer["days_left"] == 10
    assert offer["rule"].startswith("п. 105 Правил технологического присоединения")
    assert offer["text"].endswith("до 15.12.2026 — осталось 10 рабочих дней")

    # The last day, then the day after: overdue, counted in working days.
    cab.at("2026-12-15T20:00:00+00:00")  # 23:00 in Moscow, still the 15th
    shown = cab.get(f"/applications/{app['id']}").json()["deadlines"][0]
    assert (shown["days_left"], shown["overdue"]) == (0, False)
    cab.at("2026-12-15T21:00:00+00:00")  # midnight in Moscow
    shown = cab.get(f"/applications/{app['id']}").json()["deadlines"][0]
    assert shown["overdue"] and shown["working_days_left"] == -1

    # The operator's route keeps working and moves the term to the applicant.
    assert cab.operator(app["id"], "review").status_code == 200
    need = cab.operator(app["id"], "need_info", "Приложите выписку из ЕГРН")
    assert need.status_code == 200, need.text
    (missing,) = need.json()["deadlines"]
    assert missing["party"] == "applicant" and missing["step"] == "add_missing"
    # 16.12.2026 + 20 working days: 31.12.2026 and 01–08.01.2027 are days off.
    assert missing["due"] == "2027-01-22"
    listed = cab.get("/applications", params={"state": "active"}).json()["items"]
    assert next(a for a in listed if a["id"] == app["id"])["deadlines"] == [missing]


def test_a_contract_offer_gives_the_applicant_five_working_days(cab, forms):
    cab.at("2026-04-28T07:00:00+00:00")
    app = _registered(cab, forms)
    assert cab.operator(app["id"], "review").status_code == 200
    cab.at("2026-04-29T07:00:00+00:00")
    offered = cab.operator(app["id"], "contract_offered")
    assert offered.status_code == 200, offered.text
    (accept,) = offered.json()["deadlines"]
    # 30.04, then the May holidays (01.05 off), 04–07.05.
    assert accept["party"] == "applicant" and accept["due"] == "2026-05-07"
    signed = cab.operator(app["id"], "contract_signed").json()
    (execute,) = signed["deadlines"]
    assert execute["step"] == "execute" and execute["unit"] == "months"
    assert execute["due"] == "2026-10-29" and execute["length"] == "6 месяцев"
    done = cab.operator(app["id"], "in_progress").json()
    assert done["deadlines"][0]["due"] == "2026-10-29"
    assert cab.operator(app["id"], "completed").json()["deadlines"] == []


def test_the_demo_has_a_running_and_an_overdue_term(cab):
    items = cab.get("/applications", params={"state": "active"}).json()["items"]
    by_status = {a["status"]: a for a in items}
    (running,) = by_status["need_info"]["deadlines"]
    assert not running["overdue"] and running["party"] == "applicant"
    (overdue,) = by_status["review"]["deadlines"]
    assert overdue["overdue"] and overdue["party"] == "grid"
    assert by_status["draft"]["deadlines"] == []
