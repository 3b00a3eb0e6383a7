"""Statutory terms of Decree 861 (domain/deadlines.py): the production calendar, each term at
its boundary, across New Year and the May holidays, and the replay of an application's history."""

from __future__ import annotations

from datetime import date

import pytest

from voek_desktop.domain import deadlines as dl


def entry(status: str, day: str, actor: str = "operator") -> dict[str, str]:
    # 09:00 UTC is 12:00 in Moscow: the same calendar day.
    return {"status": status, "at": f"{day}T09:00:00+00:00", "actor": actor}


def app(category: str, status: str, **form: object) -> dict[str, object]:
    return {"category": category, "status": status, "form": form}


REGISTERED = [entry("draft", "2026-12-01", "consumer"), entry("registered", "2026-12-01")]


# --- the calendar ----------------------------------------------------------------------------


def test_a_transferred_saturday_is_a_working_day_and_its_monday_is_not():
    assert dl.is_working_day(date(2024, 4, 27))  # Saturday, worked instead of 29.04
    assert not dl.is_working_day(date(2024, 4, 29))  # Monday, a day off
    assert not dl.is_working_day(date(2024, 4, 30))
    assert dl.is_working_day(date(2024, 11, 2))  # Saturday worked for 30.12.2024
    assert dl.is_working_day(date(2024, 12, 28))
    assert not dl.is_working_day(date(2024, 12, 30))
    assert dl.is_working_day(date(2025, 11, 1))


def test_new_year_and_may_holidays_are_days_off():
    for day in range(1, 9):
        assert not dl.is_working_day(date(2027, 1, day))
    assert not dl.is_working_day(date(2026, 1, 9))  # transferred from 03.01.2026
    assert not dl.is_working_day(date(2026, 12, 31))  # transferred from 04.01.2026
    assert not dl.is_working_day(date(2026, 5, 1))
    assert not dl.is_working_day(date(2026, 5, 11))  # 9 May on a Saturday: Monday off
    assert dl.is_working_day(date(2026, 5, 12))


def test_working_days_skip_the_transferred_days_around_a_working_saturday():
    # Thursday 25.04.2024 + 1 → Friday 26, + 2 → the working Saturday 27, + 3 → 02.05 (29.04,
    # 30.04, 01.05 are days off).
    assert dl.add_working_days(date(2024, 4, 25), 1) == date(2024, 4, 26)
    assert dl.add_working_days(date(2024, 4, 25), 2) == date(2024, 4, 27)
    assert dl.add_working_days(date(2024, 4, 25), 3) == date(2024, 5, 2)
    assert dl.working_days_between(date(2024, 4, 25), date(2024, 5, 2)) == 3
    assert dl.working_days_between(date(2024, 5, 2), date(2024, 4, 25)) == -3


# --- each term at its boundary ---------------------------------------------------------------


def test_the_offer_is_due_ten_working_days_after_registration_under_section_x():
    (offer,) = dl.deadline(app("p14", "registered"), REGISTERED, date(2026, 12, 2))
    assert offer.step == "offer" and offer.party == dl.GRID
    assert offer.due == date(2026, 12, 15)  # Tuesday 01.12 + 10 working days
    assert offer.days_left == 9 and not offer.overdue
    assert offer.rule.startswith("п. 105 Правил")
    assert offer.text == (
        "Сетевая организация должна разместить в личном кабинете счёт, технические условия и"
        " условия договора до 15.12.2026 — осталось 9 рабочих дней"
    )


@pytest.mark.parametrize(
    ("today", "left", "overdue", "tail"),
    [
        (date(2026, 12, 14), 1, False, "остался 1 рабочий день"),
        (date(2026, 12, 15), 0, False, "сегодня последний день"),
        (date(2026, 12, 16), -1, True, "до 15.12.2026 — просрочка 1 рабочий день"),
    ],
)
def test_the_offer_term_at_its_last_day(today, left, overdue, tail):
    (offer,) = dl.deadline(app("p12_1", "review"), REGISTERED, today)
    assert (offer.days_left, offer.overdue) == (left, overdue)
    assert offer.text.endswith(tail)
    verb = "должна была" if overdue else "должна"
    assert offer.text.startswith(f"Сетевая организация {verb} разместить")
    assert dl.passed([offer]) == ([offer] if overdue else [])


def test_a_temporary_connection_gets_its_contract_in_twenty_working_days():
    (offer,) = dl.deadline(app("p13", "registered"), REGISTERED, date(2026, 12, 2))
    # 20 working days from 01.12.2026: December has 21 working days after the 1st less 31.12,
    # then 01–08.01.2027 are the New Year holidays: the 20th is 29.12.2026.
    assert offer.due == date(2026, 12, 29)
    assert offer.rule.startswith("п. 15 Правил")


def test_missing_data_is_due_in_twenty_working_days_across_new_year():
    history = [*REGISTERED, entry("review", "2026-12-02"), entry("need_info", "2026-12-07")]
    (missing,) = dl.deadline(app("p14", "need_info"), history, date(2027, 1, 12))
    assert missing.party == dl.APPLICANT and missing.step == "add_missing"
    # 08.12–30.12 are 17 working days, 31.12 and 01–10.01 are off: 11, 12, 13 January.
    assert missing.due == date(2027, 1, 13)
    assert missing.text.startswith("Вы должны дополнить заявку")
    assert missing.text.endswith("остался 1 рабочий день")
    assert missing.consequence == "заявка аннулируется"


def test_the_notice_of_missing_data_is_judged_against_three_working_days():
    history = [*REGISTERED, entry("need_info", "2026-12-04")]
    (check,) = dl.step_checks(app("p14", "need_info"), history)
    assert check.step == "incomplete_notice" and check.due == date(2026, 12, 4)
    assert check.late_by == 0 and check.text.startswith("в срок")
    late = [*REGISTERED, entry("need_info", "2026-12-07")]
    (check,) = dl.step_checks(app("p14", "need_info"), late)
    assert check.late_by == 1 and "опоздание 1 рабочий день" in check.text


def test_the_offer_term_restarts_when_the_missing_data_arrives():
    history = [
        *REGISTERED,
        entry("need_info", "2026-12-03"),
        entry("review", "2026-12-10", "consumer"),
    ]
    (offer,) = dl.deadline(app("p14", "review"), history, date(2026, 12, 10))
    assert offer.started == date(2026, 12, 10)
    assert offer.due == date(2026, 12, 24)
    checks = dl.step_checks(app("p14", "review"), history)
    assert [c.step for c in checks] == ["incomplete_notice", "add_missing"]
    assert all(c.late_by == 0 for c in checks)


def test_the_invoice_is_paid_in_five_working_days_across_the_may_holidays():
    history = [*REGISTERED, entry("contract_offered", "2026-04-29")]
    (accept,) = dl.deadline(app("p14", "contract_offered"), history, date(2026, 4, 30))
    # Wed 29.04 → 30.04 (1), 01.05 off, weekend, 04–08.05 (2–6): the fifth is 07.05.2026.
    assert accept.due == date(2026, 5, 7)
    assert accept.party == dl.APPLICANT and accept.days_left == 4
    temporary = dl.deadline(app("p13", "contract_offered"), history, date(2026, 4, 30))
    assert temporary[0].due == date(2026, 5, 15)  # 10 working days: 08.05 and 11.05 are off


def test_execution_term_is_six_months_and_moves_off_a_weekend():
    history = [
        *REGISTERED,
        entry("contract_offered", "2026-12-02"),
        entry("contract_signed", "2026-12-05"),
    ]
    (execute,) = dl.deadline(app("p14", "contract_signed"), history, date(2026, 12, 7))
    # 05.12.2026 + 6 months = Saturday 05.06.2027 → Monday 07.06.2027 (ГК РФ ст. 193).
    assert execute.due == date(2027, 6, 7)
    assert execute.unit == dl.MONTHS and execute.length == "6 месяцев"
    assert execute.days_left == (date(2027, 6, 7) - date(2026, 12, 7)).days
    assert "осталось 182 дня" in execute.text
    still = dl.deadline(app("p14", "in_progress"), history, date(2027, 6, 7))
    assert still[0].days_left == 0 and not still[0].overdue
    late = dl.deadline(app("p14", "in_progress"), history, date(2027, 6, 8))
    assert late[0].overdue


def test_execution_term_by_distance_and_for_temporary_connection():
    history = [*REGISTERED, entry("contract_signed", "2026-03-02")]
    far = dl.deadline(app("p12_1", "contract_signed", distance_m=450), history, date(2026, 3, 3))
    assert far[0].step == "execute_far" and far[0].due == date(2027, 3, 2)
    rural = dl.deadline(
        app("p12_1", "contract_signed", distance_m=450, rural=True), history, date(2026, 3, 3)
    )
    assert rural[0].step == "execute" and rural[0].due == date(2026, 9, 2)
    temporary = dl.deadline(app("p13", "contract_signed"), history, date(2026, 3, 3))
    # 15 working days from Monday 02.03.2026, 09.03 (8 March observed) off: 24.03.2026.
    assert temporary[0].due == date(2026, 3, 24)


def test_finished_or_stopped_applications_have_no_running_terms():
    history = [*REGISTERED, entry("annulled", "2026-12-02")]
    assert dl.deadline(app("p14", "annulled"), history, date(2026, 12, 3)) == []
    assert dl.deadline(app("p14", "draft"), [entry("draft", "2026-12-01")], date(2026, 12, 3)) == []
    done = [*REGISTERED, entry("contract_signed", "2026-12-02"), entry("completed", "2027-01-20")]
    assert dl.deadline(app("p14", "completed"), done, date(2027, 1, 21)) == []
    assert dl.step_checks(app("p14", "completed"), done)[-1].step == "execute"


def test_due_soon_is_within_two_working_days():
    history = REGISTERED
    due = date(2026, 12, 15)
    for today, soon in ((date(2026, 12, 10), False), (date(2026, 12, 11), True), (due, True)):
        deadlines = dl.deadline(app("p14", "review"), history, today)
        assert bool(dl.due_soon(deadlines)) is soon, today


def test_json_round_trip():
    (offer,) = dl.deadline(app("p14", "review"), REGISTERED, date(2026, 12, 2))
    data = offer.as_json()
    assert data["due"] == "2026-12-15" and data["text"] == offer.text
    assert dl.Deadline.from_json(data) == offer
    with pytest.raises(ValueError):
        dl.Deadline.from_json({**data, "party": "someone"})


def test_every_term_names_its_point_and_unit():
    for term in dl.TERMS:
        assert term.rule.startswith(("п.", "подп.")), term
        assert term.unit in (dl.WORKING_DAYS, dl.MONTHS)
        assert term.categories <= set(("p14", "p12_1", "p13"))
