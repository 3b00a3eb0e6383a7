"""What the wizard shows of what it knows (issue 12, item 12): a СНИЛС and a phone the way
people write them, a PDF named after the kind of application, not its code."""

from __future__ import annotations

from types import SimpleNamespace

from voek_desktop.domain import applications as domain
from voek_desktop.ui.applications.form import display
from voek_desktop.ui.applications.wizard import ApplicationWizard


def test_stored_snils_and_phones_are_shown_formatted() -> None:
    spec = domain.FIELDS_BY_KEY
    assert display(spec["snils"], "11223344595") == "112-233-445 95"
    assert display(spec["phone"], "+74922123456") == "8 (4922) 12-34-56"
    assert display(spec["phone"], "+79201234567") == "+7 (920) 123-45-67"


def test_the_offered_pdf_name_is_the_category_people_read() -> None:
    # The name depends only on these two attributes; a whole wizard needs a server and a draft.
    name = ApplicationWizard._pdf_name
    assert name(SimpleNamespace(application=None, category="p12_1")) == "Заявка п.12(1).pdf"
    sent = SimpleNamespace(application=SimpleNamespace(number="ТП-2026/000012"), category="p14")
    assert name(sent) == "Заявка п.14 № ТП-2026-000012.pdf"


def test_the_scanner_button_keeps_its_arrow_off_the_text(qtbot) -> None:
    from PySide6.QtWidgets import QPushButton, QStyle

    from voek_desktop.ui.applications.attachments import DocumentRow

    row = DocumentRow("site_plan", True)
    qtbot.addWidget(row)
    row.add_scanner_button([], lambda _path: None)
    button = row.scanner_button
    plain = QPushButton(button.text())
    qtbot.addWidget(plain)
    arrow = button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator)
    assert button.menu() is not None
    assert button.sizeHint().width() >= plain.sizeHint().width() + arrow
