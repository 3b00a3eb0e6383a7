"""ApplicationsApi against the real bundled server: applications, documents (streamed uploads
with progress and cancel), connection contracts, feedback threads and the survey."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests import demo
from voek_desktop.api.applications import Application, sniff_content_type
from voek_desktop.api.client import CabinetClient
from voek_desktop.api.errors import ApiError, TransferCancelled

FORM = {
    "applicant_name": "Иванов Иван Иванович",
    "passport_series": "1704",
    "passport_number": "123456",
    "passport_issued_by": "УМВД России по Владимирской области",
    "passport_issued_on": "15.03.2015",
    "snils": demo.SNILS_TYPED,
    "registered_address": "600000, г. Владимир, ул. Ленина, д. 1, кв. 1",
    "postal_address": "600000, г. Владимир, ул. Ленина, д. 1, кв. 1",
    "phone": "+7 920 123-45-67",
    "email": demo.EMAIL,
    "reason": "new",
    "devices_name": "Жилой дом",
    "devices_address": "Владимирская обл., с. Кидекша, ул. Центральная, д. 5",
    "power_new_kw": "15",
    "power_previous_kw": 0,
    "voltage_kv": 0.4,
    "reliability_category": "III",
    "stages": [{"design_until": "01.06.2027", "commissioning_until": "01.09.2027", "power_kw": 15}],
    "supplier_name": "АО «Энергосбыт Плюс»",
}
KINDS = ("signed_application", "identity_document", "site_plan", "title_document")


@pytest.fixture
def api(client: CabinetClient) -> CabinetClient:
    demo.log_in(client)
    return client


def pdf(path: Path, pages: int = 1, noise: int = 0) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path))
    for n in range(pages):
        canvas.drawString(72, 720, f"page {n}")
        canvas.showPage()
    canvas.save()
    if noise:
        with path.open("ab") as fh:  # trailing bytes after %%EOF still read as PDF
            fh.write(b"%" + b"x" * noise + b"\n")
    return path


def operator(server, application_id: int, status: str, comment: str = "") -> dict:
    answer = requests.post(
        f"{server.url}/api/v1/dev/applications/{application_id}/status",
        json={"status": status, "comment": comment},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def complete(api: CabinetClient, tmp_path: Path) -> Application:
    app = api.create_application("p14", FORM)
    for kind in KINDS:
        api.upload_document(app.id, kind, pdf(tmp_path / f"{kind}.pdf"))
    return api.submit_application(app.id)


def test_sniff_content_type() -> None:
    assert sniff_content_type(b"%PDF-1.7\n") == "application/pdf"
    assert sniff_content_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_content_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_content_type(b"II*\x00") == "image/tiff"
    assert sniff_content_type(b"MZ\x90\x00") is None


def test_templates_and_demo_lists(api: CabinetClient) -> None:
    assert {c["key"] for c in api.application_templates()} == {"p14", "p12_1", "p13"}
    active = api.applications("active")
    # The "review" one is the demo's overdue application (docs/deadlines.md).
    assert {a.status for a in active} == {"draft", "need_info", "review"}
    need_info = next(a for a in active if a.status == "need_info")
    (running,) = need_info.deadlines
    assert running.party == "applicant" and not running.overdue
    overdue = next(a for a in active if a.status == "review")
    assert overdue.deadlines[0].overdue and overdue.deadlines[0].step == "offer"
    assert need_info.missing_documents == ("title_document",)
    assert need_info.editable and need_info.operator_comment().startswith("Приложите")
    assert [h.status for h in need_info.history][-1] == "need_info"
    assert api.applications("done") == []


def test_create_patch_and_field_errors(api: CabinetClient) -> None:
    app = api.create_application("p14", {"applicant_name": "Иванов Иван Иванович"})
    assert app.status == "draft" and app.number
    stages = [{**FORM["stages"][0], "power_kw": "7,5"}]
    app = api.update_application(app.id, {**FORM, "power_new_kw": "7,5", "stages": stages})
    assert app.form["power_new_kw"] == 7.5
    assert api.application(app.id).form["applicant_name"] == FORM["applicant_name"]
    with pytest.raises(ApiError) as caught:
        api.update_application(app.id, {**FORM, "power_new_kw": "16"})
    assert caught.value.status == 422
    assert "15 кВт" in caught.value.fields["power_new_kw"]


def test_upload_streams_with_progress_and_content_type(api: CabinetClient, tmp_path) -> None:
    app = api.create_application("p14", FORM)
    scan = pdf(tmp_path / "скан заявки.pdf", noise=300_000)
    seen: list[tuple[int, int | None]] = []
    doc = api.upload_document(
        app.id, "signed_application", scan, progress=lambda d, t: seen.append((d, t))
    )
    assert doc.kind == "signed_application"
    assert doc.filename == "скан заявки.pdf"
    assert doc.size == scan.stat().st_size
    assert doc.content_type == "application/pdf"
    assert len(seen) > 1 and seen[-1] == (doc.size, doc.size)
    assert [d.id for d in api.application(app.id).documents] == [doc.id]
    back = api.download_document(app.id, doc.id, tmp_path / "back" / "scan.pdf")
    assert back.read_bytes() == scan.read_bytes()
    api.delete_document(app.id, doc.id)
    assert api.application(app.id).documents == ()


def test_cancelled_upload_stores_nothing(api: CabinetClient, tmp_path) -> None:
    app = api.create_application("p14", FORM)
    scan = pdf(tmp_path / "big.pdf", noise=2_000_000)
    reads = []

    def cancelled() -> bool:
        reads.append(1)
        return len(reads) > 3

    with pytest.raises(TransferCancelled):
        api.upload_document(app.id, "site_plan", scan, cancelled=cancelled)
    assert api.application(app.id).documents == ()


def test_server_refuses_what_is_not_a_scan(api: CabinetClient, tmp_path) -> None:
    app = api.create_application("p14", FORM)
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    with pytest.raises(ApiError) as caught:
        api.upload_document(app.id, "site_plan", fake)
    assert caught.value.status in (415, 422)
    assert caught.value.message  # a Russian reason


def test_submit_lists_missing_documents_then_succeeds(api: CabinetClient, tmp_path) -> None:
    app = api.create_application("p14", FORM)
    api.upload_document(app.id, "signed_application", pdf(tmp_path / "a.pdf"))
    with pytest.raises(ApiError) as caught:
        api.submit_application(app.id)
    assert caught.value.code == "missing_documents"
    assert set(caught.value.fields) == {"identity_document", "site_plan", "title_document"}
    for kind in KINDS[1:]:
        api.upload_document(app.id, kind, pdf(tmp_path / f"{kind}.pdf"))
    submitted = api.submit_application(app.id)
    assert submitted.status == "registered" and not submitted.editable
    assert [h.status for h in submitted.history] == ["draft", "registered"]
    with pytest.raises(ApiError) as caught:
        api.update_application(app.id, FORM)
    assert caught.value.status == 409


def test_withdraw(api: CabinetClient, tmp_path) -> None:
    app = complete(api, tmp_path)
    assert api.withdraw_application(app.id).status == "withdrawn"
    assert app.id in [a.id for a in api.applications("done")]


def test_contract_download_and_signed_copy(server, api: CabinetClient, tmp_path) -> None:
    app = complete(api, tmp_path)
    operator(server, app.id, "review")
    operator(server, app.id, "contract_offered", "Направлен договор")
    [contract] = api.connection_contracts("active")
    assert contract.application_id == app.id and contract.awaiting_signature
    assert api.connection_contract(contract.id) == contract

    dest = tmp_path / "cache" / "contract.pdf"
    seen = []
    api.download_contract(contract.id, dest, progress=lambda d, t: seen.append(d))
    assert dest.read_bytes().startswith(b"%PDF-") and seen
    assert [p.name for p in dest.parent.iterdir()] == ["contract.pdf"]  # no leftovers

    signed = api.upload_signed_copy(contract.id, pdf(tmp_path / "подписан.pdf"))
    assert signed.signed_copy is not None and not signed.awaiting_signature
    assert api.application(app.id).status == "contract_signed"
    with pytest.raises(ApiError) as caught:
        api.upload_signed_copy(contract.id, pdf(tmp_path / "again.pdf"))
    assert caught.value.status == 409


def test_other_consumers_objects_are_404(server, api: CabinetClient, tmp_path) -> None:
    app = complete(api, tmp_path)
    other = CabinetClient(server.url, retries=0)
    demo.log_in(other, "company")
    try:
        for call in (
            lambda: other.application(app.id),
            lambda: other.upload_document(app.id, "site_plan", pdf(tmp_path / "x.pdf")),
            lambda: other.submit_application(app.id),
        ):
            with pytest.raises(ApiError) as caught:
                call()
            assert caught.value.status == 404
    finally:
        other.close()


def test_feedback_threads(server, api: CabinetClient) -> None:
    demo = api.feedback_threads()
    assert demo and demo[0].has_reply
    with pytest.raises(ApiError) as caught:
        api.create_feedback("", "")
    assert set(caught.value.fields) == {"subject", "message"}
    thread = api.create_feedback("Вопрос", "Когда договор?")
    assert [m.author for m in thread.messages] == ["consumer"] and not thread.has_reply
    api.dev_reply_feedback(thread.id, "Через 10 дней.")
    thread = api.reply_feedback(thread.id, "Спасибо")
    assert [m.text for m in thread.messages] == ["Когда договор?", "Через 10 дней.", "Спасибо"]
    assert thread.messages[1].from_operator and thread.has_reply
    assert api.feedback_thread(thread.id) == thread


def test_survey_once_per_application(server, api: CabinetClient, tmp_path) -> None:
    questions = api.survey_questions()
    assert len(questions) == 5
    app = complete(api, tmp_path)
    answers = [{"question_id": q.id, "score": 4, "comment": ""} for q in questions]
    with pytest.raises(ApiError) as caught:
        api.submit_survey(app.id, answers)
    assert caught.value.status == 409  # no contract yet
    operator(server, app.id, "review")
    operator(server, app.id, "contract_offered")
    response = api.submit_survey(app.id, answers, "Спасибо")
    assert response.application_id == app.id
    assert [r.application_id for r in api.survey_responses()] == [app.id]
    with pytest.raises(ApiError) as caught:
        api.submit_survey(app.id, answers)
    assert caught.value.status == 409


def test_the_servers_day_survives_an_offline_copy(client: CabinetClient) -> None:
    """An application knows the server's day (its moved clock), and a copy kept for offline
    use, read back days later, still counts from the server's day: the PC's is never used."""
    import json
    from dataclasses import asdict
    from datetime import UTC, date, datetime, timedelta

    client.dev_set_clock(now="2027-03-15T10:00:00+03:00")
    demo.log_in(client)
    [app, *_] = client.applications()
    pc_now = datetime.now(UTC)
    assert app.server_today(pc_now) == date(2027, 3, 15)
    kept = Application.from_json(json.loads(json.dumps(asdict(app), default=str)))
    assert kept.server_today(pc_now + timedelta(days=3)) == date(2027, 3, 18)
    # A server that does not say its day: the PC's.
    old = {k: v for k, v in asdict(app).items() if k not in ("server_day_offset", "extra")}
    assert Application.from_json(json.loads(json.dumps(old, default=str))).server_day_offset is None
