"""«Заявки» (need_info path), «Договоры», «Обратная связь», «Опрос» and the blank forms, in real
widgets against the real server; the operator's side goes through the /dev routes."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog

from tests import demo, files
from tests.ui.applications.test_wizard import (
    TYPED,
    shot,
    wait_idle,
    write_pdf,
    write_png,
)
from voek_desktop.api.client import CabinetClient
from voek_desktop.ui.applications import sections
from voek_desktop.ui.applications.blank_forms import BlankFormsDialog
from voek_desktop.ui.applications.contracts import ContractsPage
from voek_desktop.ui.applications.feedback import FeedbackPage
from voek_desktop.ui.applications.page import ApplicationsPage
from voek_desktop.ui.applications.survey import THANKS, SurveyPage

FULL_FORM = {
    **TYPED,
    "snils": demo.SNILS_TYPED,
    "phone": "+79201234567",
    "email": demo.EMAIL,
    "reason": "new",
    "voltage_kv": 0.4,
    "reliability_category": "III",
    "stages": [{"design_until": "01.06.2027", "commissioning_until": "01.09.2027", "power_kw": 15}],
}


@pytest.fixture
def logged_in(ctx, qtbot):
    demo.log_in(ctx.session)
    yield ctx
    wait_idle(qtbot, ctx)


@pytest.fixture
def api(server):
    c = CabinetClient(server.url, retries=0)
    demo.log_in(c)
    yield c
    c.close()


def operator(server, application_id: int, status: str, comment: str = "") -> None:
    answer = requests.post(
        f"{server.url}/api/v1/dev/applications/{application_id}/status",
        json={"status": status, "comment": comment},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def submitted_application(api: CabinetClient, tmp_path: Path) -> int:
    app = api.create_application("p14", FULL_FORM)
    for kind in ("signed_application", "identity_document", "site_plan", "title_document"):
        api.upload_document(app.id, kind, write_pdf(tmp_path / f"{kind}.pdf"))
    return api.submit_application(app.id).id


def offered_contract(server, api: CabinetClient, tmp_path: Path) -> int:
    app_id = submitted_application(api, tmp_path)
    operator(server, app_id, "review", "Заявка принята к рассмотрению")
    operator(server, app_id, "contract_offered", "Направлен договор")
    return app_id


def show(qtbot, widget, size=(1100, 760)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_sections_in_cabinet_order(qtbot, logged_in) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    found = sections(logged_in, logged_in.session.profile, parent)
    assert [s.title for s in found] == ["Заявки", "Договоры", "Обратная связь", "Опрос"]
    assert [s.order for s in found] == sorted(s.order for s in found)


def test_need_info_comment_documents_and_resubmit(qtbot, logged_in, tmp_path: Path) -> None:
    page = show(qtbot, ApplicationsPage(logged_in, logged_in.session.profile))
    qtbot.waitUntil(lambda: page.active_model.rowCount() >= 2, timeout=10_000)
    row = next(i for i, a in enumerate(page.active_model.records) if a.status == "need_info")
    page.active_view.selectRow(row)
    assert page.current.status == "need_info"
    assert "Приложите правоустанавливающий документ" in page.comment.text()
    assert not page.comment.isHidden()
    assert not page.resubmit_button.isHidden()
    assert not page.resubmit_button.isEnabled()  # a required document is still missing
    history = page.history_model
    assert [history.index(r, 1).data() for r in range(history.rowCount())][-1] == (
        "Требуются документы"
    )
    first_time = history.index(0, 0).data()
    assert len(first_time) == 16 and first_time[2] == "." and first_time[13] == ":"
    shot(page, "applications-list.png")

    qtbot.mouseClick(page.add_docs_button, Qt.MouseButton.LeftButton)
    wizard = page.wizard
    qtbot.waitExposed(wizard)
    assert wizard.current_step() == 2  # straight to the documents
    checklist = wizard.checklist
    assert checklist.missing() == ["title_document"]
    checklist.attach("title_document", [write_png(tmp_path / "выписка.png")])
    qtbot.waitUntil(lambda: not checklist.missing(), timeout=10_000)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    button = wizard.submit_step.submit_button
    assert button.text() == "Отправить повторно"
    qtbot.waitUntil(button.isEnabled, timeout=5_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.submitted is not None, timeout=10_000)
    assert wizard.submitted.status == "review"
    qtbot.waitUntil(
        lambda: not any(a.status == "need_info" for a in page.active_model.records), timeout=10_000
    )


def test_contract_preview_and_signed_scan(qtbot, server, api, logged_in, tmp_path: Path) -> None:
    app_id = offered_contract(server, api, tmp_path)
    page = show(qtbot, ContractsPage(logged_in, logged_in.session.profile), (1200, 800))
    qtbot.waitUntil(lambda: page.active_model.rowCount() == 1, timeout=10_000)
    contract = page.current
    assert contract is not None and contract.application_id == app_id
    assert page.upload_button.isEnabled()

    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            page.preview is not None and page.preview.document.status() == QPdfDocument.Status.Ready
        ),
        timeout=15_000,
    )
    assert page.preview.page_count() >= 1
    cached = logged_in.session.cache().root / "contracts" / f"contract-{contract.id}.pdf"
    assert cached.read_bytes().startswith(b"%PDF-")
    shot(page, "contract-preview.png")

    # A file that is not a scan is refused before upload.
    bad = tmp_path / "договор.pdf"
    bad.write_text("<html>not a scan</html>", "utf-8")
    page.upload_signed_copy(bad)
    assert "не является документом" in page.upload_error.text()
    # A photo behind a PDF name is parsed as the PDF it claims to be, and refused.
    bad.write_bytes(b"%PDF-1.4\n" + files.JPEG)
    page.upload_signed_copy(bad)
    qtbot.waitUntil(lambda: "не читается как PDF" in page.upload_error.text(), timeout=10_000)
    qtbot.waitUntil(page.upload_button.isEnabled, timeout=10_000)

    page.upload_signed_copy(write_pdf(tmp_path / "договор подписанный.pdf"))
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.signed_copy is not None,
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: not page.upload_button.isEnabled(), timeout=10_000)
    assert api.application(app_id).status == "contract_signed"


def test_survey_once_per_application(qtbot, server, api, logged_in, tmp_path: Path) -> None:
    app_id = offered_contract(server, api, tmp_path)
    page = show(qtbot, SurveyPage(logged_in, logged_in.session.profile), (1100, 900))
    qtbot.waitUntil(lambda: app_id in page.cards, timeout=10_000)
    card = page.cards[app_id]
    assert len(card.groups) == 5
    card.send_button.click()
    assert card.errors[card.questions[0].id].text() == "Поставьте оценку от 1 до 5"
    for n, q in enumerate(card.questions):
        card.groups[q.id].button(5 - n % 2).setChecked(True)
    card.comments[card.questions[0].id].setText("Всё понятно")
    card.suggestion.setPlainText("Добавьте уведомления по SMS")
    shot(page, "survey.png")
    card.send_button.click()
    qtbot.waitUntil(lambda: not card.thanks.isHidden(), timeout=10_000)
    assert card.thanks.text() == THANKS
    assert [r.application_id for r in api.survey_responses()] == [app_id]

    again = show(qtbot, SurveyPage(logged_in, logged_in.session.profile))
    qtbot.waitUntil(lambda: app_id in again.cards, timeout=10_000)
    assert not again.cards[app_id].thanks.isHidden()
    assert again.cards[app_id].body.isHidden()


def test_feedback_new_thread_and_replies(qtbot, server, logged_in) -> None:
    page = show(qtbot, FeedbackPage(logged_in, logged_in.session.profile), (1100, 760))
    qtbot.waitUntil(lambda: page.model.rowCount() >= 1, timeout=10_000)
    qtbot.waitUntil(lambda: page.current is not None, timeout=10_000)
    assert "АО «ВОЭК»" in page.messages.toPlainText()

    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    assert page.subject.error.text() == "Укажите тему сообщения"
    assert page.text.error.text() == "Напишите текст сообщения"
    page.subject.set_text("Вопрос по договору")
    page.text.edit.setPlainText("Когда придёт договор по заявке?")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.current is not None and page.current.subject == "Вопрос по договору",
        timeout=10_000,
    )
    thread_id = page.current.id
    assert page.subject.text() == ""
    answer = requests.post(
        f"{server.url}/api/v1/dev/feedback/{thread_id}/reply",
        json={"message": "Договор направим в течение 10 рабочих дней."},
        timeout=10,
    )
    assert answer.status_code in (200, 201), answer.text
    page.reply.edit.setPlainText("Спасибо!")
    qtbot.mouseClick(page.reply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Спасибо!" in page.messages.toPlainText(), timeout=10_000)
    text = page.messages.toPlainText()
    assert "Договор направим в течение 10 рабочих дней." in text
    assert (
        text.index("Когда придёт договор") < text.index("Договор направим") < text.index("Спасибо!")
    )
    qtbot.waitUntil(lambda: page.model.records[0].has_reply, timeout=10_000)
    assert page.model.index(0, 2).data() == "есть"
    shot(page, "feedback.png")


def test_blank_forms_without_login(
    qtbot, ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voek_desktop.ui.identity.login import LoginView

    login = show(qtbot, LoginView(ctx), (900, 700))
    qtbot.mouseClick(login.blank_forms_button, Qt.MouseButton.LeftButton)
    dialog = login.blank_forms
    assert isinstance(dialog, BlankFormsDialog)
    qtbot.waitExposed(dialog)
    # п.14 is for individuals only; п.13 offers every consumer type.
    assert dialog.consumer_type.count() == 1
    dialog.select("p13", "company")
    assert dialog.consumer_type.count() == 3
    qtbot.waitUntil(
        lambda: dialog.preview.is_ready() and dialog.preview.page_count() >= 1, timeout=15_000
    )
    shot(dialog, "blank-forms.png")
    target = tmp_path / "бланк"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "бланк.pdf"
    qtbot.waitUntil(saved.exists, timeout=10_000)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert ctx.session.profile is None  # nobody logged in
    wait_idle(qtbot, ctx)
