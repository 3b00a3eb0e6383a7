"""The kit's section page and its error routing."""

from __future__ import annotations

import threading

from voek_desktop.api.errors import ApiError
from voek_desktop.ui.kit import messages
from voek_desktop.ui.kit.forms import ErrorLabel, Field, Form, show_api_error
from voek_desktop.ui.kit.page import SectionPage


class Page(SectionPage):
    topics = frozenset({"applications"})

    def __init__(self, ctx) -> None:
        super().__init__(ctx, "Раздел")
        self.loads = 0
        self.editing = False

    def refresh(self) -> None:
        self.loads += 1

    def has_unsaved_edits(self) -> bool:
        return self.editing


def test_section_page_reloads_each_time_it_is_shown(qtbot, ctx) -> None:
    page = Page(ctx)
    qtbot.addWidget(page)
    assert page.title.text() == "Раздел" and page.loads == 0
    page.show()
    assert page.loads == 1
    page.hide()
    page.show()
    assert page.loads == 2  # switched back to: what it showed may be old (issue 12)
    page.editing = True
    page.hide()
    page.show()
    assert page.loads == 2  # never over what the user is typing
    page.refresh()
    assert page.loads == 3


def test_a_change_reloads_the_visible_pages_that_show_it(qtbot, ctx) -> None:
    shown, hidden = Page(ctx), Page(ctx)
    qtbot.addWidget(shown)
    qtbot.addWidget(hidden)
    shown.show()
    assert (shown.loads, hidden.loads) == (1, 0)
    messages.changed("feedback")
    assert shown.loads == 1
    messages.changed("applications")
    assert (shown.loads, hidden.loads) == (2, 0)  # the hidden one reloads when shown
    shown.editing = True
    messages.changed("applications")
    assert shown.loads == 2


def test_overlapping_reloads_are_coalesced(qtbot, ctx) -> None:
    """Asked for again while a reload runs: one more after it, however often it was asked;
    asked for while one only waits for the worker: that one is replaced."""
    started, release = threading.Event(), threading.Event()
    runs: list[str] = []
    done: list[str] = []

    def job(name: str):
        def work() -> str:
            runs.append(name)
            if name == "first":
                started.set()
                release.wait(10)
            return name

        return work

    tasks = ctx.tasks
    tasks.run(job("first"), done.append, coalesce="page")
    assert started.wait(10)
    for name in ("second", "third", "fourth"):
        tasks.run(job(name), done.append, coalesce="page")
    release.set()
    qtbot.waitUntil(lambda: done == ["first", "fourth"], timeout=10_000)
    qtbot.wait(100)
    assert runs == ["first", "fourth"] and not tasks.is_busy()

    blocker = threading.Event()
    tasks.run(lambda: blocker.wait(10))  # the worker is busy: the next two only wait
    tasks.run(job("queued"), done.append, coalesce="page")
    tasks.run(job("latest"), done.append, coalesce="page")
    blocker.set()
    qtbot.waitUntil(lambda: not tasks.is_busy(), timeout=10_000)
    assert done[2:] == ["latest"] and "queued" not in runs


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


def test_a_load_chained_while_the_window_closes_starts_nothing(qtbot) -> None:
    from voek_desktop.ui.kit.tasks import Tasks

    tasks = Tasks()
    tasks.shutdown()  # MainWindow.closeEvent; a reload's callback may still ask for the next
    later = tasks.run(lambda: 1, lambda _r: None, label="Загрузка приборов учёта…")
    assert later.cancelled()
    assert not tasks.is_busy()  # nothing waits for ever in the status line
