"""The претензия: a letter from the applicant to the grid company about a term of the Rules it
has missed, filled from the application and citing the point (docs/deadlines.md).

``render_claim(application, deadline, today, out)``: ``application`` is a mapping with
``number``, ``category``, ``submitted_at`` or ``created_at`` and ``form`` (``applicant_name``,
``postal_address`` / ``registered_address``, ``phone``, ``email``, ``devices_name``,
``devices_address``); ``deadline`` one overdue :class:`~voek_desktop.domain.deadlines.Deadline`
of the company. What is missing prints as a blank line to fill in by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, TableStyle

from voek_desktop.domain import applications as domain
from voek_desktop.domain.company import UNKNOWN, Requisites, marked
from voek_desktop.domain.deadlines import COMPLAINT_BODIES, RULES, Deadline
from voek_desktop.domain.formats import format_date, format_phone
from voek_desktop.printing.common import (
    CONTENT_WIDTH,
    Output,
    Styles,
    Table,
    blank,
    build_pdf,
    field_text,
    short_name,
    text,
)

# What the company owed, in the words of a demand (the accusative after «не исполнила …»).
_DEMANDS = {
    "offer": (
        "обязанность направить (разместить в личном кабинете) договор об осуществлении "
        "технологического присоединения, технические условия и счёт",
        "в течение 5 рабочих дней со дня получения настоящей претензии направить мне договор "
        "об осуществлении технологического присоединения с техническими условиями (счёт) либо "
        "сообщить, каких сведений не хватает, если таковые действительно отсутствуют",
    ),
    "execute": (
        "обязанность выполнить мероприятия по технологическому присоединению в срок, "
        "установленный договором и Правилами",
        "в кратчайший срок выполнить мероприятия по технологическому присоединению, сообщить "
        "мне дату фактического присоединения и уплатить неустойку, предусмотренную подпунктом "
        "«в» пункта 16 Правил и договором, за каждый день просрочки",
    ),
}
_DEMANDS["execute_far"] = _DEMANDS["execute"]


def render_claim(
    application: Mapping[str, Any],
    deadline: Deadline,
    today: date,
    out: Output,
    company: Requisites | None = None,
) -> None:
    """Write the претензия as an A4 PDF to ``out`` (a path, atomically, or a binary stream).
    ``company``: the addressee's requisites (``GET /company`` or the app's copy; default: the
    name, with a line for the address)."""
    s = Styles()
    req = company or UNKNOWN
    form = application.get("form")
    f: Mapping[str, Any] = form if isinstance(form, Mapping) else {}
    number = field_text(application.get("number")) or "________"
    name = field_text(f.get("applicant_name"))
    address = field_text(f.get("postal_address")) or field_text(f.get("registered_address"))
    # The phone as the app shows it everywhere (+7 (920) 123-45-67), not as it is stored.
    phone = format_phone(field_text(f.get("phone")))
    contacts = ", ".join(x for x in (phone, field_text(f.get("email"))) if x)
    submitted = format_date(application.get("submitted_at") or application.get("created_at"))
    category = domain.CATEGORIES.get(field_text(application.get("category")))
    failed, demand = _DEMANDS.get(
        deadline.step, (deadline.what, f"незамедлительно {deadline.what}")
    )
    late = -deadline.working_days_left
    story: list[Flowable] = []
    head = Table(
        [
            [
                "",
                Paragraph(
                    f"{text(req.name)} ({req.short_name})<br/>"
                    f"{blank(marked(req.address, req), 40)}<br/><br/>"
                    f"от: {blank(name, 40)}<br/>адрес: {blank(address, 40)}<br/>"
                    f"телефон, e-mail: {blank(contacts, 40)}",
                    s.address,
                ),
            ]
        ],
        colWidths=[CONTENT_WIDTH * 0.42, CONTENT_WIDTH * 0.58],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [head, Spacer(1, 10 * mm)]
    story.append(Paragraph("ПРЕТЕНЗИЯ", s.title))
    story.append(
        Paragraph(
            f"о нарушении срока по заявке на технологическое присоединение № {text(number)}",
            s.subtitle,
        )
    )
    story.append(Spacer(1, 6 * mm))
    devices = ", ".join(
        x for x in (field_text(f.get("devices_name")), field_text(f.get("devices_address"))) if x
    )
    paragraphs = [
        f"{blank(submitted, 12)} я подал(а) в {req.short_name} через личный кабинет заявку "
        f"№ {text(number)} на технологическое присоединение энергопринимающих устройств "
        f"({blank(devices, 40)})"
        + (f" по {text(category.short_title)} {text(RULES)}" if category else "")
        + " (далее — Правила).",
        f"Согласно {text(deadline.rule.replace(RULES, 'Правил').strip())} сетевая организация "
        f"должна {text(deadline.what)} в течение {text(deadline.length)} — в моём случае "
        f"не позднее {deadline.due:%d.%m.%Y} (срок исчислен со дня "
        f"{deadline.started:%d.%m.%Y} по производственному календарю).",
        f"На {today:%d.%m.%Y} {req.short_name} не исполнило {failed}; просрочка составляет "
        f"{late} {_wd(late)}.",
        f"На основании изложенного прошу {demand}.",
        # The first of COMPLAINT_BODIES, in the words of a letter to a Vladimir company.
        "В случае неисполнения требований я буду вынужден(а) обратиться с жалобой в "
        "Управление Федеральной антимонопольной службы по Владимирской области "
        f"({text(COMPLAINT_BODIES[0][1])}), а также в суд.",
    ]
    for p in paragraphs:
        story += [Paragraph(p, s.body), Spacer(1, 3 * mm)]
    story.append(Spacer(1, 10 * mm))
    sign = Table(
        [
            [
                Paragraph(f"{today:%d.%m.%Y}", s.left),
                Paragraph("_______________ / " + blank(short_name(name), 20), s.right),
            ],
            ["", Paragraph("(подпись)", s.caption)],
        ],
        colWidths=[CONTENT_WIDTH * 0.4, CONTENT_WIDTH * 0.6],
    )
    story.append(sign)
    build_pdf(
        story,
        out,
        title=f"Претензия по заявке № {number}",
        subject=f"{req.short_name}: нарушение срока, {deadline.rule}",
        footer_note=f"Претензия по заявке № {number}",
    )


def _wd(n: int) -> str:
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return "рабочий день"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "рабочих дня"
    return "рабочих дней"
