"""The kit's section page and its error routing."""

from __future__ import annotations

from voek_desktop.api.errors import ApiError
from voek_desktop.ui.kit.forms import ErrorLabel, Field, Form, show_api_error
from voek_desktop.ui.kit.page import SectionPage


class Page(SectionPage):
    def __init__(self, ctx) -> None:
        super().__init__(ctx, "Раздел")
        self.loads = 0

    def refresh(self) -> None:
        self.loads += 1


def test_section_page_loads_on_first_show_only(qtbot, ctx) -> None:
    page = Page(ctx)
    qtbot.addWidget(page)
    assert page.title.text() == "Раздел" and page.loads == 0
    page.show()
    page.hide()
    page.show()
    assert page.loads == 1
    page.refresh()
    assert page.loads == 2


def test_field_errors_go_to_their_fields_the_rest_to_the_line(qtbot) -> None:
    form = Form()
    qtbot.addWidget(form)
    email = form.add(Field("email", "Эл. почта"))
    line, other = ErrorLabel(form), ErrorLabel(form)
    exc = ApiError(422, "validation_failed", "Ошибка", {"email": "Не тот адрес", "x": "Прочее"})
    assert show_api_error(exc, form, line, elsewhere={"consent": other})
    assert email.error.text() == "Не тот адрес"
    assert line.text() == "Прочее"
    assert not show_api_error(ApiError(500, "internal", "Сбой сервера"), form, line)
    assert "Сбой сервера" in line.text()
