"""The one PDF preview (contracts, the wizard, blank forms): zoom by button, key and Ctrl+wheel,
«По ширине», and page navigation by button and PgUp/PgDn, on a real three-page PDF."""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QApplication
from reportlab.pdfgen.canvas import Canvas

from voek_desktop.ui.applications.preview import PdfPreview


def three_pages() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    for n in range(1, 4):
        canvas.drawString(72, 720, f"page {n}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture
def preview(qtbot) -> PdfPreview:
    widget = PdfPreview()
    qtbot.addWidget(widget)
    widget.resize(520, 640)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_pdf(three_pages())
    qtbot.waitUntil(lambda: widget.is_ready() and widget.page_count() == 3, timeout=10_000)
    return widget


def test_zoom_in_out_and_back_to_fit_width(qtbot, preview: PdfPreview) -> None:
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert preview.fit_button.isChecked()
    fit = preview.zoom_factor()
    assert preview.zoom_label.text() == f"{round(fit * 100)} %"

    qtbot.mouseClick(preview.zoom_in_button, Qt.MouseButton.LeftButton)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert preview.view.zoomFactor() == pytest.approx(fit * 1.25)
    assert not preview.fit_button.isChecked()
    assert preview.zoom_label.text() == f"{round(fit * 125)} %"

    preview.view.setFocus()
    qtbot.keyClick(preview.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(preview.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert preview.view.zoomFactor() == pytest.approx(fit / 1.25)
    qtbot.keyClick(preview.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert preview.view.zoomFactor() == pytest.approx(fit)

    # Ctrl+wheel over the page zooms instead of scrolling.
    viewport = preview.view.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(QPoint(int(centre.x()), int(centre.y())))),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, wheel)
    assert preview.view.zoomFactor() == pytest.approx(fit * 1.25)

    qtbot.mouseClick(preview.fit_button, Qt.MouseButton.LeftButton)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert preview.zoom_factor() == pytest.approx(fit)


def test_pages_by_buttons_and_page_keys(qtbot, preview: PdfPreview) -> None:
    assert preview.page_label.text() == "1 из 3"
    assert not preview.previous_button.isEnabled()
    qtbot.mouseClick(preview.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: preview.page_label.text() == "2 из 3")
    assert preview.previous_button.isEnabled()
    preview.view.setFocus()
    qtbot.keyClick(preview.view, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: preview.page_label.text() == "3 из 3")
    assert not preview.next_button.isEnabled()
    qtbot.keyClick(preview.view, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: preview.page_label.text() == "2 из 3")
    # The view really scrolled to that page, not only the label.
    assert preview.view.verticalScrollBar().value() > 0
