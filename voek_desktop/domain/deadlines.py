"""Statutory terms of Decree 861 for each step of an application (docs/deadlines.md).

One table, :data:`TERMS`, and one function, :func:`deadline`: which terms run now for an
application, when each is due, who owes it and whether it has passed. Both the server (the
``deadlines`` of the application JSON) and the app (the deadline line, the timeline, the
претензия, the .ics export) use it, and so may the notifications feed: :func:`due_soon` and
:func:`passed` answer "within 2 working days" and "passed". Pure: no clock is read here, the
caller passes ``today`` (the Moscow date, ``domain.time.moscow_date``).

How terms are counted (Гражданский кодекс РФ, ст. 191–193): a term starts the day after the
event that opens it; a term in working days ends on the N-th working day after it; a term in
months ends on the same date of the last month (the month's last day if it has none), moved
to the next working day if that is a day off. Working days follow the Russian production
calendar with its transferred days (:func:`is_working_day`).
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays

from voek_desktop.domain.formats import parse_datetime
from voek_desktop.domain.time import moscow_date

GRID = "grid"  # сетевая организация
APPLICANT = "applicant"  # заявитель
WORKING_DAYS = "working_days"
MONTHS = "months"

RULES = "Правил технологического присоединения (ПП РФ от 27.12.2004 № 861)"

# ---------------------------------------------------------------------------------------------
# The production calendar

# Transferred working days the `holidays` package may not know yet (a decree on next year's
# transfers comes out each autumn). Each line names its act. Empty while the package knows them
# all: 27.04.2024, 02.11.2024, 28.12.2024 (ПП РФ от 10.08.2023 № 1313), 01.11.2025 (ПП РФ от
# 04.10.2024 № 1335), 2026 has none on a Saturday (ПП РФ on 2026 transfers: 03.01 → 09.01,
# 04.01 → 31.12), 20.02.2027 — checked against holidays 0.109 in tests/domain/test_deadlines.py.
EXTRA_WORKING_DAYS: frozenset[date] = frozenset()
EXTRA_DAYS_OFF: frozenset[date] = frozenset()


@lru_cache(maxsize=64)
def _calendar_of(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("RU", years=year)


def is_working_day(day: date) -> bool:
    """A working day of the Russian production calendar: not a weekend or holiday, or a
    Saturday made a working day by a transfer (27.04.2024); a weekday made a day off by a
    transfer (29.04.2024) is not one."""
    if day in EXTRA_WORKING_DAYS:
        return True
    if day in EXTRA_DAYS_OFF:
        return False
    return bool(_calendar_of(day.year).is_working_day(day))


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
    day = start
    left = count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def next_working_day(day: date) -> date:
    """``day`` if it is a working day, else the next one (ГК РФ ст. 193)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: 0 when end is start, negative when end is before it."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------------------------------------
# The table


@dataclass(frozen=True)
class Term:
    """One statutory term: who owes what, how long, from which event, by which point."""

    key: str
    party: str  # GRID or APPLICANT
    categories: frozenset[str]
    amount: int
    unit: str  # WORKING_DAYS or MONTHS
    what: str  # what must be done, completing «… должна …»
    rule: str  # the point of the Rules, «п. 15»
    consequence: str = ""  # what the Rules say happens when it passes
    # False: a term only checked in the timeline (a late notice of missing data is a fault of
    # the company, but no deadline the applicant waits for: the offer term runs meanwhile).
    running: bool = True

    def length_text(self) -> str:
        if self.unit == MONTHS:
            if self.amount == 12:
                return "1 год"
            return f"{self.amount} {_plural(self.amount, 'месяц', 'месяца', 'месяцев')}"
        return f"{self.amount} {_working_days(self.amount)}"


_P14 = "p14"
_P12 = "p12_1"
_P13 = "p13"
_ALL = frozenset({_P14, _P12, _P13})
_SECTION_X = frozenset({_P14, _P12})  # раздел X «упрощённая схема» (п. 7(1) of the Rules)

# Every term of docs/deadlines.md, with its point. No current consolidated text of the Rules
# was at hand (2026-12-02): each value is as good as the source named in the «checked» column
# of docs/deadlines.md. In short: «offer» 10 and «accept» 5 working days (раздел X) — the
# Минэкономразвития/Минэнерго algorithm of 24.04.2023 № 271/269 (consultant.ru LAW_450794)
# gives «10 рабочих дней (5 рабочих дней на оплату первого платежа счета …)» for ≤ 150 kW;
# «add_missing» 20 working days with annulment — quoted by a grid company's cabinet; the 3-day
# notice — regional pages only (an older text said 6 working days); the п.13 «offer» 20 and
# «accept» 10 working days — not verified (ПП РФ от 18.03.2023 № 423 lengthened the term for
# technical conditions; a lawyer must check п.15 before a release).
TERMS: tuple[Term, ...] = (
    Term(
        "incomplete_notice",
        GRID,
        _ALL,
        3,
        WORKING_DAYS,
        "сообщить, каких сведений или документов не хватает",
        "п. 15",
        running=False,
    ),
    Term(
        "offer",
        GRID,
        _SECTION_X,
        10,
        WORKING_DAYS,
        "разместить в личном кабинете счёт, технические условия и условия договора",
        "п. 105",
    ),
    Term(
        "offer",
        GRID,
        frozenset({_P13}),
        20,
        WORKING_DAYS,
        "направить подписанный проект договора и технические условия",
        "п. 15",
    ),
    Term(
        "add_missing",
        APPLICANT,
        _ALL,
        20,
        WORKING_DAYS,
        "дополнить заявку недостающими сведениями и документами",
        "п. 15",
        "заявка аннулируется",
    ),
    Term(
        "accept",
        APPLICANT,
        _SECTION_X,
        5,
        WORKING_DAYS,
        "оплатить счёт (договор заключается в день оплаты)",
        "п. 105",
        "заявка может быть аннулирована",
    ),
    Term(
        "accept",
        APPLICANT,
        frozenset({_P13}),
        10,
        WORKING_DAYS,
        "подписать договор или направить мотивированный отказ",
        "п. 15",
        "заявка может быть аннулирована",
    ),
    # п. 16 «б»: the execution term, from the day the contract is concluded. Three rows, chosen
    # by execution_term(): temporary connection; within 300 m (towns) / 500 m (rural areas) of
    # the grid; farther.
    Term(
        "execute",
        GRID,
        frozenset({_P13}),
        15,
        WORKING_DAYS,
        "выполнить мероприятия по технологическому присоединению",
        "подп. «б» п. 16",
    ),
    Term(
        "execute",
        GRID,
        _SECTION_X,
        6,
        MONTHS,
        "выполнить мероприятия по технологическому присоединению",
        "подп. «б» п. 16",
    ),
    Term(
        "execute_far",
        GRID,
        _SECTION_X,
        12,
        MONTHS,
        "выполнить мероприятия по технологическому присоединению",
        "подп. «б» п. 16",
    ),
)

# The event (a history status) that opens each term and the statuses in which it runs.
_RUNS_IN = {
    "incomplete_notice": frozenset({"registered", "review"}),
    "offer": frozenset({"registered", "review"}),
    "add_missing": frozenset({"need_info"}),
    "accept": frozenset({"contract_offered"}),
    "execute": frozenset({"contract_signed", "in_progress"}),
}

# Distances of п. 16 «б» (the 6-month case), in metres.
TOWN_DISTANCE_M = 300
RURAL_DISTANCE_M = 500


def term_for(key: str, category: str) -> Term | None:
    for term in TERMS:
        if term.key == key and category in term.categories:
            return term
    return None


def execution_term(category: str, form: Mapping[str, Any]) -> Term | None:
    """The п. 16 «б» term of this application. The distance to the grid is known only when the
    form carries ``distance_m`` (and ``rural``); without it the usual 6-month case is assumed
    and the text says so."""
    if category == _P13:
        return term_for("execute", category)
    distance = form.get("distance_m")
    limit = RURAL_DISTANCE_M if form.get("rural") is True else TOWN_DISTANCE_M
    if isinstance(distance, int | float) and not isinstance(distance, bool) and distance > limit:
        return term_for("execute_far", category)
    return term_for("execute", category)


# ---------------------------------------------------------------------------------------------
# Computing the deadlines


@dataclass(frozen=True)
class Deadline:
    """One running term of an application, as of ``today``."""

    step: str  # Term.key: offer, add_missing, accept, execute, execute_far
    party: str  # GRID or APPLICANT
    what: str
    started: date
    due: date
    days_left: int  # in the term's unit: working days, or calendar days for a term in months
    working_days_left: int  # always working days (the notifications' "within 2 working days")
    overdue: bool
    rule: str  # «п. 105 Правил технологического присоединения (ПП РФ от 27.12.2004 № 861)»
    unit: str
    length: str  # «10 рабочих дней»
    consequence: str = ""

    @property
    def text(self) -> str:
        """«Сетевая организация должна … до 14.12.2026 — осталось 5 рабочих дней»."""
        if self.overdue:
            who = "Сетевая организация должна была" if self.party == GRID else "Вы должны были"
        else:
            who = "Сетевая организация должна" if self.party == GRID else "Вы должны"
        return f"{who} {self.what} до {self.due:%d.%m.%Y} — {self.left_text}"

    @property
    def left_text(self) -> str:
        if self.overdue:
            late = -self.working_days_left
            return f"просрочка {late} {_working_days(late)}"
        if self.days_left == 0:
            return "сегодня последний день"
        if self.unit == MONTHS:
            n = self.days_left
            return f"{_plural(n, 'остался', 'осталось', 'осталось')} {n} {_days(n)}"
        n = self.days_left
        return f"{_plural(n, 'остался', 'осталось', 'осталось')} {n} {_working_days(n)}"

    def as_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "party": self.party,
            "what": self.what,
            "started": self.started.isoformat(),
            "due": self.due.isoformat(),
            "days_left": self.days_left,
            "working_days_left": self.working_days_left,
            "unit": self.unit,
            "overdue": self.overdue,
            "rule": self.rule,
            "length": self.length,
            "consequence": self.consequence,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Deadline:
        """Read what a server sent; ValueError/KeyError/TypeError on a malformed entry."""
        party = data["party"]
        unit = data["unit"]
        if party not in (GRID, APPLICANT) or unit not in (WORKING_DAYS, MONTHS):
            raise ValueError("unknown party or unit")
        return cls(
            step=str(data["step"]),
            party=party,
            what=str(data["what"]),
            started=date.fromisoformat(data["started"]),
            due=date.fromisoformat(data["due"]),
            days_left=int(data["days_left"]),
            working_days_left=int(data["working_days_left"]),
            overdue=bool(data["overdue"]),
            rule=str(data["rule"]),
            unit=unit,
            length=str(data.get("length") or ""),
            consequence=str(data.get("consequence") or ""),
        )


@dataclass(frozen=True)
class StepCheck:
    """A past step against its term: for the timeline."""

    history_index: int  # the history entry that completed the step
    step: str
    party: str
    started: date
    due: date
    done: date
    rule: str

    @property
    def late_by(self) -> int:
        """Working days after the due date; 0 when done in time."""
        return max(0, working_days_between(self.due, self.done))

    @property
    def text(self) -> str:
        if self.late_by:
            return (
                f"срок — до {self.due:%d.%m.%Y} ({self.rule}), "
                f"опоздание {self.late_by} {_working_days(self.late_by)}"
            )
        return f"в срок: до {self.due:%d.%m.%Y} ({self.rule})"


def due_date(term: Term, started: date) -> date:
    if term.unit == MONTHS:
        return next_working_day(add_months(started, term.amount))
    return add_working_days(started, term.amount)


def _field(obj: Any, key: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def _day(at: Any) -> date | None:
    if isinstance(at, date):
        return at
    moment = parse_datetime(at) if isinstance(at, str) else None
    return moscow_date(moment) if moment is not None else None


@dataclass(frozen=True)
class _Open:
    term: Term
    started: date


def _walk(application: Any, history: Iterable[Any]) -> tuple[dict[str, _Open], list[StepCheck]]:
    """Replay the history: the terms still open at its end and each closed one's check."""
    category = str(_field(application, "category") or "")
    form = _field(application, "form") or {}
    open_: dict[str, _Open] = {}
    checks: list[StepCheck] = []

    def start(key: str, day: date) -> None:
        term = execution_term(category, form) if key == "execute" else term_for(key, category)
        if term is not None:
            open_[key] = _Open(term, day)

    def close(key: str, index: int, day: date, judged: bool = True) -> None:
        opened = open_.pop(key, None)
        if opened is None or not judged:
            return
        t = opened.term
        due = due_date(t, opened.started)
        checks.append(StepCheck(index, t.key, t.party, opened.started, due, day, t.rule))

    previous = ""
    for index, entry in enumerate(history):
        status = str(_field(entry, "status") or "")
        day = _day(_field(entry, "at"))
        if day is None:
            continue
        if status == "registered" or (status == "review" and previous == "need_info"):
            # п. 15: the answer is due from the receipt of the application, or of what was
            # missing once the applicant has added it.
            close("add_missing", index, day)
            open_.pop("offer", None)
            start("offer", day)
            start("incomplete_notice", day)
        elif status == "need_info":
            close("incomplete_notice", index, day)
            open_.pop("offer", None)  # the notice is the company's answer (п. 15)
            start("add_missing", day)
        elif status == "contract_offered":
            open_.pop("incomplete_notice", None)
            close("offer", index, day)
            start("accept", day)
        elif status == "contract_signed":
            close("accept", index, day)
            start("execute", day)
        elif status == "completed":
            close("execute", index, day)
        elif status in ("annulled", "withdrawn"):
            open_.clear()
        previous = status
    return open_, checks


def deadline(application: Any, history: Iterable[Any], today: date) -> list[Deadline]:
    """The terms running now for ``application`` (a mapping or an object with ``category``,
    ``status`` and ``form``) after its ``history`` (entries with ``status`` and ``at``, oldest
    first), as of ``today`` (a Moscow date). Most urgent first."""
    status = str(_field(application, "status") or "")
    open_, _checks = _walk(application, history)
    result = []
    for key, opened in open_.items():
        term = opened.term
        if not term.running or status not in _RUNS_IN.get(key, frozenset()):
            continue
        due = due_date(term, opened.started)
        working_left = working_days_between(today, due)
        days_left = (due - today).days if term.unit == MONTHS else working_left
        result.append(
            Deadline(
                step=term.key,
                party=term.party,
                what=term.what,
                started=opened.started,
                due=due,
                days_left=days_left,
                working_days_left=working_left,
                overdue=today > due,
                rule=f"{term.rule} {RULES}",
                unit=term.unit,
                length=term.length_text(),
                consequence=term.consequence,
            )
        )
    result.sort(key=lambda d: d.due)
    return result


def step_checks(application: Any, history: Iterable[Any]) -> list[StepCheck]:
    """Each past step that answered a term, against that term (the timeline)."""
    return _walk(application, history)[1]


def due_soon(deadlines: Sequence[Deadline], within: int = 2) -> list[Deadline]:
    """The running terms due within ``within`` working days (today counts as 0)."""
    return [d for d in deadlines if not d.overdue and d.working_days_left <= within]


def passed(deadlines: Sequence[Deadline]) -> list[Deadline]:
    return [d for d in deadlines if d.overdue]


# ---------------------------------------------------------------------------------------------
# Words


def _plural(n: int, one: str, few: str, many: str) -> str:
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _working_days(n: int) -> str:
    return _plural(n, "рабочий день", "рабочих дня", "рабочих дней")


def _days(n: int) -> str:
    return _plural(n, "день", "дня", "дней")


# Where to turn when the company misses its term (docs/deadlines.md "Where to complain").
COMPLAINT_BODIES: tuple[tuple[str, str], ...] = (
    (
        "Управление Федеральной антимонопольной службы в вашем регионе (для Владимирской "
        "области — Владимирское УФАС России), fas.gov.ru",
        "нарушение сроков технологического присоединения — ч. 1 ст. 9.21 КоАП РФ",
    ),
    (
        "Суд",
        "неустойка за просрочку по подп. «в» п. 16 Правил и договору; для граждан — также "
        "Закон РФ «О защите прав потребителей»",
    ),
)
