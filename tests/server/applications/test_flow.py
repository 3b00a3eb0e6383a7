"""From a draft to a signed contract through the /dev operator routes; submit, withdraw, the
survey, feedback threads, and nobody sees another consumer's things
(docs/design.md "Cabinet sections", "Applications", "API", "Survey")."""

from __future__ import annotations

import io

import pypdf
import pytest

from tests import demo, files

ALL_P14 = ["signed_application", "identity_document", "site_plan", "title_document"]


def _complete_p14(cab, forms, **overrides) -> dict:
    return cab.create("p14", forms.individual(cab.today(), **overrides))


def test_submit_lists_exactly_the_missing_kinds(shared_cab, forms):
    app = _complete_p14(shared_cab, forms)
    assert app["missing_documents"] == ALL_P14
    assert shared_cab.upload(app["id"], "signed_application").status_code == 201
    resp = shared_cab.post(f"/applications/{app['id']}/submit")
    error = shared_cab.error(
        resp, 422, "missing_documents", {"identity_document", "site_plan", "title_document"}
    )
    assert "Документ, удостоверяющий личность" in error["message"]
    assert "Скан подписанной заявки" not in error["message"]
    assert shared_cab.get(f"/applications/{app['id']}").json()["status"] == "draft"


def test_a_representative_needs_a_power_of_attorney(shared_cab, forms):
    app = _complete_p14(shared_cab, forms, representative=True)
    assert "power_of_attorney" in app["missing_documents"]
    for kind in ALL_P14:
        shared_cab.upload(app["id"], kind)
    resp = shared_cab.post(f"/applications/{app['id']}/submit")
    shared_cab.error(resp, 422, "missing_documents", {"power_of_attorney"})


def test_company_p12_1_needs_the_device_list(shared_cab, forms):
    app = shared_cab.create("p12_1", forms.company(shared_cab.today()), "company")
    assert app["missing_documents"] == [
        "signed_application",
        "site_plan",
        "title_document",
        "device_list",
    ]
    assert app["form"]["ogrn"] == demo.OGRN


def test_submit_of_an_incomplete_form_names_the_fields(shared_cab):
    app = shared_cab.create("p14", {"applicant_name": "Иванов Иван"})
    resp = shared_cab.post(f"/applications/{app['id']}/submit")
    error = shared_cab.error(resp, 422, "validation_failed")
    assert {"passport_series", "devices_address", "stages", "supplier_name"} <= set(error["fields"])
    assert "applicant_name" not in error["fields"]
    assert "snils" not in error["fields"]  # filled in from the cabinet


def test_full_contract_flow_through_the_operator(cab, forms):
    app = _complete_p14(cab, forms)
    app_id = app["id"]
    assert app["number"].startswith("ТП-") and app["status_label"] == "Черновик"
    for kind in ALL_P14[:-1]:
        assert cab.upload(app_id, kind).status_code == 201
    # Submitted without the title document: refused; with it: registered.
    cab.error(cab.post(f"/applications/{app_id}/submit"), 422, "missing_documents")
    cab.upload(app_id, "title_document", forms.JPEG, "image/jpeg", "выписка.jpg")
    resp = cab.post(f"/applications/{app_id}/submit")
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "registered"
    assert resp.json()["status_label"] == "Зарегистрирована"
    # Now fixed: no more edits or files.
    cab.error(
        cab.patch(f"/applications/{app_id}", json={"form": {"devices_name": "Баня"}}),
        409,
        "application_not_editable",
    )
    cab.error(cab.upload(app_id, "site_plan"), 409, "application_not_editable")
    cab.error(cab.post(f"/applications/{app_id}/submit"), 409, "application_not_submittable")

    assert cab.operator(app_id, "review").status_code == 200
    cab.error(cab.operator(app_id, "completed"), 409, "invalid_transition")
    need = cab.operator(app_id, "need_info", "Приложите ситуационный план с улицами")
    assert need.status_code == 200
    assert need.json()["history"][-1]["comment"] == "Приложите ситуационный план с улицами"
    mail = [m for m in cab.get("/dev/outbox", None).json()["items"] if "Требуются" in m["subject"]]
    assert mail and mail[0]["to"] == demo.EMAIL

    # The consumer adds a document, corrects a field, resubmits.
    assert cab.upload(app_id, "site_plan", forms.TIFF, "image/tiff", "план.tif").status_code == 201
    patched = cab.patch(
        f"/applications/{app_id}", json={"form": {"devices_name": "Жилой дом и баня"}}
    )
    assert patched.status_code == 200
    again = cab.post(f"/applications/{app_id}/submit")
    assert again.json()["status"] == "review"

    offered = cab.operator(app_id, "contract_offered")
    assert offered.status_code == 200, offered.text
    contract_id = offered.json()["connection_contract_id"]
    contracts = cab.get("/connection-contracts", params={"state": "active"}).json()["items"]
    assert [c["id"] for c in contracts] == [contract_id]
    contract = cab.get(f"/connection-contracts/{contract_id}").json()
    assert contract["application_id"] == app_id
    assert contract["status"] == "offered" and contract["signed_at"] is None
    pdf = cab.get(contract["document_url"].removeprefix("/api/v1"))
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert contract["number"] in text
    # АО «ВОЭК» signs too: its signatory from the server's configuration (the demo's here).
    words = " ".join(text.split())
    assert (
        "в лице заместителя генерального директора по развитию и технологическому"
        " присоединению Соколова Андрея Викторовича, действующего на основании доверенности"
    ) in words
    assert "/ Соколов А. В. /" in words

    # The survey opens with the contract.
    assert cab.get(f"/applications/{app_id}").json()["status"] == "contract_offered"
    cab.error(cab.post(f"/applications/{app_id}/withdraw"), 409, "application_not_withdrawable")

    bad = cab.post(
        f"/connection-contracts/{contract_id}/signed-copy",
        params={"filename": "договор.pdf"},
        headers={"Content-Type": "application/pdf"},
        data=forms.PNG,
    )
    cab.error(bad, 415, "file_type_mismatch")
    scripted = cab.post(
        f"/connection-contracts/{contract_id}/signed-copy",
        headers={"Content-Type": "application/pdf"},
        data=files.pdf(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
    )
    cab.error(scripted, 422, "active_content")
    # The contract PDF the server made itself passes the check as the signed copy.
    signed = cab.post(
        f"/connection-contracts/{contract_id}/signed-copy",
        params={"filename": "договор подписанный.pdf"},
        headers={"Content-Type": "application/pdf"},
        data=pdf.content,
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "signed" and signed.json()["signed_at"]
    assert signed.json()["signed_copy"]["filename"] == "договор подписанный.pdf"
    twice = cab.post(
        f"/connection-contracts/{contract_id}/signed-copy",
        headers={"Content-Type": "application/pdf"},
        data=forms.PDF,
    )
    cab.error(twice, 409, "contract_not_awaiting_signature")

    final = cab.get(f"/applications/{app_id}").json()
    assert final["status"] == "contract_signed"
    assert [h["status"] for h in final["history"]] == [
        "draft",
        "registered",
        "review",
        "need_info",
        "review",
        "contract_offered",
        "contract_signed",
    ]
    assert all(h["at"] and h["comment"] for h in final["history"])

    cab.operator(app_id, "in_progress")
    cab.operator(app_id, "completed")
    done = cab.get("/applications", params={"state": "done"}).json()["items"]
    assert [a["id"] for a in done] == [app_id]
    assert app_id not in [
        a["id"] for a in cab.get("/applications", params={"state": "active"}).json()["items"]
    ]
    assert (
        cab.get("/connection-contracts", params={"state": "done"}).json()["items"][0]["status"]
        == "completed"
    )


def test_demo_individual_has_a_draft_and_an_application_needing_documents(cab):
    items = cab.get("/applications", params={"state": "active"}).json()["items"]
    statuses = {a["status"] for a in items}
    assert statuses == {"draft", "need_info", "review"}  # review: the overdue one
    need = next(a for a in items if a["status"] == "need_info")
    assert need["missing_documents"] == ["title_document"]
    assert need["history"][-1]["comment"].startswith("Приложите правоустанавливающий")
    assert cab.get("/applications", params={"state": "done"}).json()["items"] == []
    cab.error(cab.get("/applications", params={"state": "all"}), 422, "validation_failed")


def test_withdraw_before_a_contract(shared_cab):
    app = shared_cab.create("p14", {})
    resp = shared_cab.post(f"/applications/{app['id']}/withdraw")
    assert resp.status_code == 200
    assert resp.json()["status"] == "withdrawn"
    assert resp.json()["status_label"] == "Отозвана"
    shared_cab.error(
        shared_cab.post(f"/applications/{app['id']}/withdraw"), 409, "application_not_withdrawable"
    )


def _answers(score: int = 5) -> list[dict]:
    ids = ["clarity", "ease", "timeliness", "politeness", "overall"]
    return [{"question_id": q, "score": score, "comment": ""} for q in ids]


def test_survey_once_per_application_and_not_before_a_contract(cab, forms):
    questions = cab.get("/survey").json()["questions"]
    assert len(questions) == 5 and all(q["text"] for q in questions)
    app = _complete_p14(cab, forms)
    body = {"application_id": app["id"], "answers": _answers(), "suggestion": "Спасибо"}
    cab.error(cab.post("/survey/responses", json=body), 409, "survey_not_available")
    for kind in ALL_P14:
        cab.upload(app["id"], kind)
    cab.post(f"/applications/{app['id']}/submit")
    cab.operator(app["id"], "review")
    cab.operator(app["id"], "contract_offered")
    bad = dict(body, answers=[*_answers()[:4], {"question_id": "overall", "score": 6}])
    cab.error(cab.post("/survey/responses", json=bad), 422, "validation_failed")
    short = dict(body, answers=_answers()[:3])
    cab.error(cab.post("/survey/responses", json=short), 422, "validation_failed", {"answers"})
    first = cab.post("/survey/responses", json=body)
    assert first.status_code == 201, first.text
    assert first.json()["application_id"] == app["id"]
    cab.error(cab.post("/survey/responses", json=body), 409, "survey_already_answered")
    mine = cab.get("/survey/responses").json()["items"]
    assert [r["application_id"] for r in mine] == [app["id"]]


def test_feedback_thread_with_an_operator_reply(shared_cab):
    resp = shared_cab.post(
        "/feedback", json={"subject": "Опора у дома", "message": "Когда поставят опору?"}
    )
    assert resp.status_code == 201, resp.text
    thread = resp.json()
    assert thread["messages"][0]["author"] == "consumer"
    reply = shared_cab.post(
        f"/dev/feedback/{thread['id']}/reply", None, json={"message": "На следующей неделе."}
    )
    assert reply.status_code == 201
    more = shared_cab.post(f"/feedback/{thread['id']}/messages", json={"message": "Спасибо!"})
    assert more.status_code == 201
    got = shared_cab.get(f"/feedback/{thread['id']}").json()
    assert [m["author"] for m in got["messages"]] == ["consumer", "operator", "consumer"]
    assert got["has_reply"] is True
    assert thread["id"] in [t["id"] for t in shared_cab.get("/feedback").json()["items"]]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"subject": "", "message": "текст"}, {"subject"}),
        ({"subject": "т" * 201, "message": "текст"}, {"subject"}),
        ({"subject": "тема", "message": "т" * 5001}, {"message"}),
        ({"subject": 5, "message": None}, {"subject", "message"}),
    ],
)
def test_feedback_lengths_are_limited(shared_cab, body, fields):
    shared_cab.error(shared_cab.post("/feedback", json=body), 422, "validation_failed", fields)


def test_another_consumers_things_are_not_found(cab, forms):
    app = _complete_p14(cab, forms)
    doc = cab.upload(app["id"], "site_plan").json()
    for kind in ALL_P14:
        cab.upload(app["id"], kind)
    cab.post(f"/applications/{app['id']}/submit")
    cab.operator(app["id"], "review")
    contract_id = cab.operator(app["id"], "contract_offered").json()["connection_contract_id"]
    thread = cab.post("/feedback", json={"subject": "Вопрос", "message": "Текст"}).json()

    other = "company"
    paths = [
        ("GET", f"/applications/{app['id']}"),
        ("PATCH", f"/applications/{app['id']}"),
        ("POST", f"/applications/{app['id']}/submit"),
        ("POST", f"/applications/{app['id']}/withdraw"),
        ("GET", f"/applications/{app['id']}/documents/{doc['id']}"),
        ("DELETE", f"/applications/{app['id']}/documents/{doc['id']}"),
        ("GET", f"/connection-contracts/{contract_id}"),
        ("GET", f"/connection-contracts/{contract_id}/document"),
        ("GET", f"/feedback/{thread['id']}"),
        ("POST", f"/feedback/{thread['id']}/messages"),
        ("GET", "/applications/abc"),
        ("GET", "/applications/0"),
    ]
    for method, path in paths:
        resp = cab.request(method, path, other, json={"form": {}, "message": "чужое"})
        cab.error(resp, 404, "not_found")
    cab.error(cab.upload(app["id"], "site_plan", who=other), 404, "not_found")
    signed = cab.post(
        f"/connection-contracts/{contract_id}/signed-copy",
        other,
        headers={"Content-Type": "application/pdf"},
        data=forms.PDF,
    )
    cab.error(signed, 404, "not_found")
    survey = cab.post(
        "/survey/responses", other, json={"application_id": app["id"], "answers": _answers()}
    )
    cab.error(survey, 404, "not_found")
    assert cab.get("/applications", other).json()["items"] == []
    assert cab.get("/connection-contracts", other).json()["items"] == []
    assert cab.get("/feedback", other).json()["items"] == []


def test_routes_need_a_login(shared_cab):
    for path in ("/applications", "/connection-contracts", "/feedback", "/survey"):
        shared_cab.error(shared_cab.get(path, None), 401, "unauthorized")
