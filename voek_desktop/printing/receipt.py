"""«Расписка в получении документов»: what a service-centre desk hands the visitor at the end
of a visit (issue 17, item 6; docs/design.md "Clerk mode") — the application number, when the
documents were taken, each document with its page count, the next step and its deadline, the
desk and the clerk, and lines for both signatures. At home the same page is «Сводка поданных
документов», without the desk and the signatures.

``render_receipt(receipt, out)``: ``receipt`` is a plain mapping (printing imports only
``domain``):

- ``number``, ``category_title``, ``applicant_name``, ``status_label``: str;
- ``accepted_at``: an aware datetime, printed in Moscow time;
- ``documents``: a sequence of mappings with ``kind`` (its title), ``filename`` and ``pages``
  (an int, or None when the file could not be counted);
- ``next_step``: a sequence of deadline lines («Сетевая организация должна … до …»), may be empty;
- ``clerk_mode``: bool; ``centre``, ``desk``, ``clerk``: str (blank lines when empty).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, TableStyle

from voek_desktop.domain.company import UNKNOWN, Requisites
from voek_desktop.domain.time import MSK
from voek_desktop.printing.common import (
    CONTENT_WIDTH,
    RULE,
    Output,
    Styles,
    Table,
    blank,
    build_pdf,
    field_text,
    short_name,
    text,
)

RECEIPT_TITLE = "Расписка в получении документов"
SUMMARY_TITLE = "Сводка поданных документов"


def pages_text(pages: Any) -> str:
    """«3 л.» — the count as a receipt writes it; «—» when it is unknown."""
    return f"{pages} л." if isinstance(pages, int) and pages > 0 else "—"


def render_receipt(
    receipt: Mapping[str, Any], out: Output, company: Requisites | None = None
) -> None:
    """Write the receipt (or the home summary) as an A4 PDF to ``out``; ``company``: the
    grid company's requisites (``GET /company`` or the app's copy; default: its name)."""
    s = Styles()
    req = company or UNKNOWN
    clerk_mode = bool(receipt.get("clerk_mode"))
    title = RECEIPT_TITLE if clerk_mode else SUMMARY_TITLE
    number = field_text(receipt.get("number")) or "—"
    at = receipt.get("accepted_at")
    moment = at if isinstance(at, datetime) else datetime.now(UTC)
    local = moment.astimezone(MSK)
    when = f"{local:%d.%m.%Y} {local:%H:%M} (МСК)"
    story: list[Flowable] = [
        Paragraph(f"{text(req.name)} ({text(req.short_name)})", s.subtitle),
        Spacer(1, 5 * mm),
        Paragraph(text(title), s.title),
        Paragraph(f"по заявке на технологическое присоединение № {text(number)}", s.subtitle),
        Spacer(1, 6 * mm),
    ]
    facts = [
        ("Заявка", f"№ {number}"),
        ("Вид заявки", field_text(receipt.get("category_title"))),
        ("Заявитель", field_text(receipt.get("applicant_name"))),
        ("Статус", field_text(receipt.get("status_label"))),
        ("Дата и время", when),
    ]
    if clerk_mode:
        facts += [
            ("Центр обслуживания", field_text(receipt.get("centre"))),
            ("Рабочее место", field_text(receipt.get("desk"))),
            ("Сотрудник", field_text(receipt.get("clerk"))),
        ]
    head = Table(
        [
            [Paragraph(text(k), s.label), Paragraph(blank(v), s.value)]
            for k, v in facts
            if v or clerk_mode
        ],
        colWidths=[CONTENT_WIDTH * 0.3, CONTENT_WIDTH * 0.7],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [head, Spacer(1, 5 * mm)]

    documents = list(receipt.get("documents") or ())
    intro = "Приняты следующие документы:" if clerk_mode else "Документы, поданные с заявкой:"
    story.append(Paragraph(intro, s.item))
    rows: list[list[Any]] = [
        [
            Paragraph("№", s.cell),
            Paragraph("Документ", s.cell),
            Paragraph("Файл", s.cell),
            Paragraph("Листов", s.cell),
        ]
    ]
    total = 0
    for i, doc in enumerate(documents, 1):
        pages = doc.get("pages")
        if isinstance(pages, int) and pages > 0:
            total += pages
        rows.append(
            [
                Paragraph(str(i), s.cell),
                Paragraph(text(field_text(doc.get("kind"))), s.cell_left),
                Paragraph(text(field_text(doc.get("filename"))), s.cell_left),
                Paragraph(pages_text(pages), s.cell),
            ]
        )
    if not documents:
        rows.append(["", Paragraph("Документы не приложены", s.cell_left), "", ""])
    else:
        rows.append(
            ["", Paragraph(f"Всего документов: {len(documents)}", s.cell_left), "",
             Paragraph(pages_text(total), s.cell)]
        )  # fmt: skip
    grid = Table(
        rows,
        colWidths=[
            CONTENT_WIDTH * 0.07,
            CONTENT_WIDTH * 0.43,
            CONTENT_WIDTH * 0.36,
            CONTENT_WIDTH * 0.14,
        ],
        repeatRows=1,
    )
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [grid, Spacer(1, 5 * mm)]

    steps = [field_text(x) for x in receipt.get("next_step") or () if field_text(x)]
    story.append(Paragraph("Следующий шаг и срок:", s.item))
    if steps:
        for line in steps:
            story.append(Paragraph(text(line), s.body))
    else:
        story.append(
            Paragraph("Сроков по заявке сейчас нет: о следующем шаге сообщит АО «ВОЭК».", s.body)
        )
    story.append(
        Paragraph(
            "Ход рассмотрения заявки, сроки и документы сетевой организации — в личном кабинете"
            " на сайте АО «ВОЭК».",
            s.note,
        )
    )
    if clerk_mode:
        clerk = field_text(receipt.get("clerk"))
        applicant = field_text(receipt.get("applicant_name"))
        story.append(Spacer(1, 12 * mm))
        sign = Table(
            [
                [
                    Paragraph("Документы принял(а)", s.left),
                    Paragraph("_______________ / " + blank(short_name(clerk), 20), s.right),
                ],
                ["", Paragraph("(подпись сотрудника, расшифровка)", s.caption)],
                [Spacer(1, 8 * mm), ""],
                [
                    Paragraph("Расписку получил(а)", s.left),
                    Paragraph("_______________ / " + blank(short_name(applicant), 20), s.right),
                ],
                ["", Paragraph("(подпись заявителя, расшифровка)", s.caption)],
            ],
            colWidths=[CONTENT_WIDTH * 0.4, CONTENT_WIDTH * 0.6],
        )
        story.append(sign)
    build_pdf(
        story,
        out,
        title=f"{title} по заявке № {number}",
        subject=f"{req.short_name}: {title.lower()}",
        footer_note=f"{title} · заявка № {number} · {when}",
    )
