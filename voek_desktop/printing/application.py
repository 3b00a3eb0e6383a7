"""The grid-connection application (заявка на технологическое присоединение) as a PDF laid out
like the Decree 861 forms: addressee top right, title, numbered items, tables for power and
stages, attachments, date and signature lines. The same layout prints blank, with ruled lines
to write on, for the offline template (docs/design.md "Layers", "Applications").

Categories, reasons, payment plans and document kinds come from
:mod:`voek_desktop.domain.applications`; the wording here is the form's own (the headings of
the official template), not the wizard's labels.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, TableStyle

from voek_desktop.domain import applications as domain
from voek_desktop.domain.company import UNKNOWN, Requisites, marked
from voek_desktop.domain.formats import format_date, format_decimal, format_phone, format_snils
from voek_desktop.printing.common import (
    CONTENT_WIDTH,
    RULE,
    Output,
    Styles,
    Table,
    build_pdf,
    short_name,
    text,
)
from voek_desktop.printing.scanmarks import application_marks

BLANK_LINE = 7.5 * mm  # room to write one line by hand
LABEL_WIDTH = 58 * mm
CHECKED, UNCHECKED = "\u2612", "\u2610"  # ☒ ☐

_TITLES = {
    "p14": (
        "физического лица на присоединение по одному источнику электроснабжения "
        "энергопринимающих устройств с максимальной мощностью до 15 кВт включительно "
        "(используемых для бытовых и иных нужд, не связанных с осуществлением "
        "предпринимательской деятельности)"
    ),
    "p12_1": (
        "юридического лица (индивидуального предпринимателя), физического лица на присоединение "
        "по одному источнику электроснабжения энергопринимающих устройств с максимальной "
        "мощностью до 150 кВт включительно"
    ),
    "p13": (
        "юридического лица (индивидуального предпринимателя), физического лица "
        "на временное присоединение энергопринимающих устройств "
        "с максимальной мощностью до 150 кВт включительно"
    ),
}
_POINTS = {"p14": "п. 14", "p12_1": "п. 12(1)", "p13": "п. 13"}
RULES_NAME = (
    "Правил технологического присоединения энергопринимающих устройств потребителей "
    "электрической энергии, объектов по производству электрической энергии, а также объектов "
    "электросетевого хозяйства, принадлежащих сетевым организациям и иным лицам, к "
    "электрическим сетям, утверждённых постановлением Правительства Российской Федерации "
    "от 27.12.2004 № 861"
)

# The official-form wording of the attachments; other kinds print with the domain's title.
_ATTACHMENT_WORDING = {
    "site_plan": "План расположения энергопринимающих устройств, которые необходимо "
    "присоединить к электрическим сетям сетевой организации",
    "title_document": "Копия документа, подтверждающего право собственности или иное "
    "предусмотренное законом основание на объект капитального строительства и (или) "
    "земельный участок, на котором расположены энергопринимающие устройства",
    "power_of_attorney": "Доверенность или иные документы, подтверждающие полномочия "
    "представителя заявителя, подающего и получающего документы от имени заявителя",
    # п.10 «в» of the Rules in its current wording (since ПП РФ от 13.08.2018 № 937 «режимной»
    # is gone): docs/forms-861.md item 8.
    "device_list": "Перечень и мощность энергопринимающих устройств, которые могут быть "
    "присоединены к устройствам противоаварийной автоматики",
    # п.10 «е»: also a sole proprietor's (item 5).
    "identity_document": "Копия паспорта гражданина Российской Федерации или иного документа, "
    "удостоверяющего личность (для физического лица и индивидуального предпринимателя)",
    "benefit_proof": "Копия документа, подтверждающего отнесение заявителя к категории, "
    "указанной в пункте 17 Правил (льготная ставка платы)",
}
_SUPPLY_CONTRACTS = (
    ("supply", "договор энергоснабжения"),
    ("sale", "договор купли-продажи (поставки) электрической энергии (мощности)"),
)


def attachment_label(kind: str) -> str:
    """A document kind key → its line in «Приложения»; free text is kept as it is."""
    if kind in _ATTACHMENT_WORDING:
        return _ATTACHMENT_WORDING[kind]
    doc = domain.DOCUMENT_KINDS.get(kind)
    return doc.title if doc else kind


def default_attachments(
    category: str, consumer_type: str, form: Mapping[str, Any] | None
) -> list[str]:
    """The documents the category needs, minus the signed application itself (this paper)."""
    kinds = domain.required_documents(category, consumer_type, form or {})
    return [k for k in kinds if k != "signed_application"]


def render_application(
    category: str,
    consumer_type: str,
    form: Mapping[str, Any] | None,
    out: Output,
    *,
    attachments: list[str] | None = None,
    today: date | None = None,
    company: Requisites | None = None,
    number: str = "",
) -> None:
    """Write the application of ``category`` (``p14``, ``p12_1``, ``p13``) as an A4 PDF.

    ``form`` holds the form keys of docs/design.md "Applications" (canonical values as the server
    stores them; strings such as ``"7,5"`` or ``"05.03.2026"`` print too). ``form=None`` prints the
    blank template
    with ruled lines. ``attachments``: document kind keys (``site_plan``…) or free text lines
    for «Приложения»; by default the category's required documents. ``today`` is the date
    printed on a filled form (default: no date, the applicant writes it). ``company``: the grid
    company's requisites (``GET /company`` or the app's copy of it; default: the name only,
    the address a line to write on). ``out``: a path
    (written atomically) or a binary stream. Raises ValueError for an unknown category.
    ``number``: the application's number for the scan code in the margin of each page.
    """
    if category not in domain.CATEGORIES:
        raise ValueError(f"Неизвестный вид заявки: {category!r} (допустимо: p14, p12_1, p13)")
    if consumer_type not in domain.ALL_TYPES:
        raise ValueError(f"Неизвестный тип заявителя: {consumer_type!r}")
    s = Styles()
    form_ = _Form(form, s)
    if attachments is None:
        attachments = default_attachments(category, consumer_type, form)
    req = company or UNKNOWN
    story = _story(category, consumer_type, form_, s, attachments, today, req)
    status = "бланк" if form is None else "заполнена"
    build_pdf(
        story,
        out,
        title=f"Заявка на технологическое присоединение ({_POINTS[category]} Правил)",
        subject=f"Заявка в {req.short_name}, {status}",
        footer_note=f"Заявка на технологическое присоединение, {_POINTS[category]} Правил "
        "(ПП РФ от 27.12.2004 № 861)",
        page_mark=application_marks(category, form, number),  # the scan code (issue 17)
    )


class _Form:
    """Reads values for printing; ``blank`` when there is no form at all."""

    def __init__(self, form: Mapping[str, Any] | None, s: Styles) -> None:
        self.blank = form is None
        self.data: Mapping[str, Any] = form or {}
        self.s = s

    def raw(self, key: str) -> Any:
        value = self.data.get(key)
        return None if value == "" else value

    def str(self, key: builtins.str) -> builtins.str:
        value = self.raw(key)
        return "" if value is None else str(value).strip()

    def date(self, key: builtins.str) -> builtins.str:
        return format_date(self.raw(key))

    def flag(self, key: builtins.str) -> bool:
        value = self.raw(key)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "да", "yes")
        return bool(value)


# -- building blocks ---------------------------------------------------------------------------


def _fields(rows: Sequence[tuple[str, str | None, int]], f: _Form) -> Table:
    """Label | value rows with a rule under the value; blank: ``lines`` ruled lines each.

    ``value`` is paragraph markup (already escaped).
    """
    s = f.s
    data: list[list[Any]] = []
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), 4),
        ("RIGHTPADDING", (1, 0), (1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    heights: list[float] = []
    for label, value, lines in rows:
        r = len(data)
        if f.blank:
            data.append([Paragraph(label, s.label), ""])
            heights.append(BLANK_LINE)
            style.append(("LINEBELOW", (1, r), (1, r), 0.5, RULE))
            for extra in range(1, lines):
                data.append(["", ""])
                heights.append(BLANK_LINE)
                style.append(("SPAN", (0, r + extra), (1, r + extra)))
                style.append(("LINEBELOW", (0, r + extra), (1, r + extra), 0.5, RULE))
        else:
            data.append([Paragraph(label, s.label), Paragraph(value or "", s.value)])
            heights.append(0)
            style.append(("LINEBELOW", (1, r), (1, r), 0.5, RULE))
    table = Table(
        data,
        colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH],
        minRowHeights=heights,
        splitInRow=1,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle(style))
    return table


def _item(n: int, heading: str, s: Styles) -> Paragraph:
    return Paragraph(f"{n}. {heading}", s.item)


def _checks(options: Sequence[tuple[Any, str]], chosen: Any, f: _Form) -> Paragraph:
    """☒/☐ options in one paragraph; a blank form leaves every box empty."""
    parts = []
    for value, label in options:
        mark = CHECKED if (not f.blank and value == chosen) else UNCHECKED
        # Non-breaking spaces keep each option whole when the line wraps.
        label_text = text(label).replace(" ", "\u00a0")
        parts.append(f'<font name="DejaVuSans">{mark}</font>\u00a0{label_text}')
    return Paragraph("\u00a0\u00a0\u00a0 ".join(parts), f.s.left)


def _power_value(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        return None


def _power_table(f: _Form) -> Table:
    s = f.s
    header = [
        Paragraph("Максимальная мощность энергопринимающих устройств", s.cell),
        Paragraph("Мощность, кВт", s.cell),
        Paragraph("Уровень напряжения, кВ (0,23; 0,4; 6; 10)", s.cell),
    ]
    labels = [
        "присоединяемых вновь",
        "ранее присоединённых в данной точке присоединения",
        "всего (с учётом ранее присоединённых)*",
    ]
    if f.blank:
        values = [("", "")] * 3
    else:
        new, prev = f.raw("power_new_kw"), f.raw("power_previous_kw")
        dn, dp = _power_value(new), _power_value(prev)
        total = format_decimal(dn + (dp or 0)) if dn is not None else ""
        volt = format_decimal(f.raw("voltage_kv"))
        prev_text = format_decimal(prev) if prev is not None else ("0" if dn is not None else "")
        values = [
            (format_decimal(new), volt),
            (prev_text, volt if prev_text else ""),
            (total, volt),
        ]
    data: list[list[Any]] = [header]
    for label, (kw, kv) in zip(labels, values, strict=True):
        data.append(
            [
                Paragraph(label, s.cell_left),
                Paragraph(text(kw), s.cell_value),
                Paragraph(text(kv), s.cell_value),
            ]
        )
    table = Table(
        data,
        colWidths=[CONTENT_WIDTH - 80 * mm, 35 * mm, 45 * mm],
        minRowHeights=[0] + [BLANK_LINE] * 3,
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(_grid_style())
    return table


def _stages_table(f: _Form) -> Table:
    s = f.s
    header = [
        Paragraph("Этап (очередь)", s.cell),
        Paragraph("Планируемый срок проектирования энергопринимающих устройств", s.cell),
        Paragraph("Планируемый срок введения в эксплуатацию", s.cell),
        Paragraph("Максимальная мощность, кВт", s.cell),
        Paragraph("Категория надёжности", s.cell),
    ]
    data: list[list[Any]] = [header]
    stages = f.raw("stages")
    if f.blank or not isinstance(stages, list) or not stages:
        rows: list[list[str]] = [["", "", "", "", ""] for _ in range(3)]
    else:
        category = f.str("reliability_category") or "III"
        rows = []
        for i, stage in enumerate(stages, start=1):
            stage = stage if isinstance(stage, Mapping) else {}
            rows.append(
                [
                    str(i),
                    format_date(stage.get("design_until")),
                    format_date(stage.get("commissioning_until")),
                    format_decimal(stage.get("power_kw")),
                    category,
                ]
            )
    for row in rows:
        data.append([Paragraph(text(v), s.cell_value) for v in row])
    widths = [24 * mm, 45 * mm, 45 * mm, 30 * mm]
    widths.append(CONTENT_WIDTH - sum(widths))
    table = Table(
        data,
        colWidths=widths,
        minRowHeights=[0] + [BLANK_LINE] * len(rows),
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(_grid_style())
    return table


def _grid_style() -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )


# -- the document ------------------------------------------------------------------------------


def _story(
    category: str,
    consumer_type: str,
    f: _Form,
    s: Styles,
    attachments: Sequence[str],
    today: date | None,
    req: Requisites,
) -> list[Flowable]:
    story: list[Flowable] = []
    story.append(_addressee(consumer_type, f, req))
    story.append(Spacer(0, 6 * mm))
    story.append(Paragraph("ЗАЯВКА", s.title))
    story.append(Paragraph(_TITLES[category], s.subtitle))
    story.append(Spacer(0, 1.5 * mm))
    story.append(Paragraph(f"(в соответствии с {_POINTS[category]} {RULES_NAME})", s.note))
    story.append(Spacer(0, 2 * mm))

    n = 0

    def item(heading: str, *body: Flowable, keep: int = 1) -> None:
        """Add a numbered item; its heading stays on a page with the first ``keep`` flowables.

        (KeepTogether must not nest: an inner one reports a huge height to force a split, and
        the outer one then moves everything to a new page.)
        """
        nonlocal n
        n += 1
        story.append(KeepTogether([_item(n, heading, s), *body[:keep]]))
        story.extend(body[keep:])

    item(*_applicant(consumer_type, f))
    if consumer_type == domain.INDIVIDUAL:
        item(
            "Страховой номер индивидуального лицевого счёта (СНИЛС)",
            _fields([("СНИЛС", text(_snils(f.str("snils"))), 1)], f),
        )
    where = (
        "Место жительства заявителя"
        if consumer_type == domain.INDIVIDUAL
        else ("Место нахождения заявителя, в том числе фактический адрес")
    )
    item(
        where,
        _fields(
            [
                (
                    "Адрес регистрации"
                    if consumer_type == domain.INDIVIDUAL
                    else "Адрес в ЕГРЮЛ (ЕГРИП)",
                    text(f.str("registered_address")),
                    2,
                ),
                ("Почтовый (фактический) адрес", text(f.str("postal_address")), 2),
            ],
            f,
        ),
    )
    item(*_reason(category, f))
    item(
        "Наименование и место нахождения энергопринимающих устройств",
        _fields(
            [
                ("Наименование энергопринимающих устройств", text(f.str("devices_name")), 2),
                ("Место нахождения (адрес)", text(f.str("devices_address")), 2),
                (
                    "Кадастровый номер земельного участка (здания)",
                    text(f.str("cadastral_number")),
                    1,
                ),
            ],
            f,
        ),
    )
    item(
        "Максимальная мощность энергопринимающих устройств и класс напряжения",
        _power_table(f),
        Paragraph(
            "* Если энергопринимающие устройства ранее не присоединялись, максимальная мощность "
            "равна мощности присоединяемых вновь.",
            s.note,
        ),
    )
    item(
        "Категория надёжности энергопринимающих устройств",
        _fields(
            [
                (
                    "Категория надёжности",
                    text(
                        f"{f.str('reliability_category') or 'III'} (по одному источнику "
                        "электроснабжения)"
                    ),
                    1,
                )
            ],
            _Form({}, s),  # preprinted on the blank form too: one source means category III
        ),
    )
    item(
        "Сроки проектирования и поэтапного введения в эксплуатацию энергопринимающих устройств "
        "(в том числе по этапам и очередям)",
        _stages_table(f),
    )
    if category == "p12_1":
        item(
            "Характер нагрузки (вид экономической деятельности заявителя)",
            _fields([("Характер нагрузки", text(f.str("load_character")), 2)], f),
        )
        item(
            "Порядок внесения платы за технологическое присоединение",
            _payment(f),
        )
    if category == "p14":
        item(
            "Льготная категория заявителя (пункт 17 Правил), при наличии",
            _benefit(f),
        )
    if category == "p13":
        heading, body = _temporary(f)
        item(heading, *body, keep=len(body))
    heading, body = _seller(f)
    item(heading, *body, keep=len(body))
    item(
        "Контактные данные заявителя (для связи и уведомлений)",
        _fields(
            [
                ("Телефон", text(format_phone(f.str("phone"))), 1),
                ("Адрес электронной почты", text(f.str("email")), 1),
            ],
            f,
        ),
    )
    story.extend(_attachments(attachments, f))
    if consumer_type != domain.COMPANY:
        story.append(Spacer(0, 2 * mm))
        story.append(
            Paragraph(
                "Подписывая заявку, даю согласие на обработку моих персональных данных, "
                "указанных в заявке и приложениях, в целях технологического присоединения "
                "(Федеральный закон от 27.07.2006 № 152-ФЗ).",
                s.note,
            )
        )
    story.append(Spacer(0, 4 * mm))
    story.append(_signature(consumer_type, f, today))
    return story


def _snils(value: str) -> str:
    digits = "".join(c for c in value if c.isdigit())
    return format_snils(digits) if len(digits) == 11 else value


def _addressee(consumer_type: str, f: _Form, req: Requisites) -> Table:
    s = f.s
    width = 88 * mm
    who = "" if f.blank else text(f.str("applicant_name"))
    caption = ["", Paragraph("(фамилия, имя, отчество / наименование заявителя)", s.caption)]
    rows: list[list[Any]] = [[Paragraph("от", s.address), Paragraph(who, s.value)]]
    if f.blank:
        rows.append(["", ""])  # a second line: a company's full name is long
    rows.append(caption)
    sender = Table(
        rows,
        colWidths=[7 * mm, width - 7 * mm],
        minRowHeights=[BLANK_LINE] * (len(rows) - 1) + [0],
    )
    sender_style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("LINEBELOW", (1, 0), (1, 0), 0.5, RULE),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("TOPPADDING", (0, -1), (-1, -1), 0),
    ]
    if f.blank:
        sender_style.append(("LINEBELOW", (0, 1), (1, 1), 0.5, RULE))
    sender.setStyle(TableStyle(sender_style))
    block = [
        Paragraph("Генеральному директору", s.address),
        Paragraph(f"<b>{text(req.short_name)}</b>", s.address),
        # From the server's configuration; the demo's sample says «(образец)».
        Paragraph(text(marked(req.address, req)) or "_" * 38, s.address),
        Spacer(0, 2 * mm),
        sender,
    ]
    table = Table([["", block]], colWidths=[CONTENT_WIDTH - width, width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _applicant(consumer_type: str, f: _Form) -> tuple[str, Table]:
    name = text(f.str("applicant_name"))
    if consumer_type == domain.INDIVIDUAL:
        passport = " ".join(p for p in (f.str("passport_series"), f.str("passport_number")) if p)
        return "Фамилия, имя, отчество заявителя; паспортные данные", _fields(
            [
                ("Фамилия, имя, отчество", name, 1),
                ("Паспорт: серия, номер", text(passport), 1),
                ("Кем выдан", text(f.str("passport_issued_by")), 2),
                ("Дата выдачи", text(f.date("passport_issued_on")), 1),
            ],
            f,
        )
    if consumer_type == domain.ENTREPRENEUR:
        return "Фамилия, имя, отчество индивидуального предпринимателя; реквизиты", _fields(
            [
                ("Фамилия, имя, отчество", name, 1),
                (
                    "Номер записи в ЕГРИП (ОГРНИП) и дата её внесения в реестр",
                    text(_with_date(f.str("ogrnip"), f.date("registry_date"))),
                    1,
                ),
                ("ИНН", text(f.str("inn")), 1),
            ],
            f,
        )
    return "Полное наименование заявителя — юридического лица; реквизиты", _fields(
        [
            ("Полное наименование", name, 2),
            (
                "Номер записи в ЕГРЮЛ (ОГРН) и дата её внесения в реестр",
                text(_with_date(f.str("ogrn"), f.date("registry_date"))),
                1,
            ),
            ("ИНН / КПП", text(" / ".join(p for p in (f.str("inn"), f.str("kpp")) if p)), 1),
        ],
        f,
    )


def _with_date(number_: str, day: str) -> str:
    if number_ and day:
        return f"{number_} от {day}"
    return number_ or day


def _reason(category: str, f: _Form) -> tuple[str, Flowable]:
    heading = "Заявка подаётся в связи с"
    if category == "p13":
        # A p13 form always means temporary connection: preprinted, nothing to choose.
        return heading, Paragraph(
            "временным присоединением энергопринимающих устройств на срок, указанный ниже",
            f.s.left,
        )
    spec = domain.FIELDS_BY_KEY["reason"]
    options = [
        (c.value, c.label[:1].lower() + c.label[1:]) for c in domain.choices_for(spec, category)
    ]
    return heading, _checks(options, f.str("reason"), f)


def _payment(f: _Form) -> Flowable:
    s = f.s
    chosen = f.str("payment_plan")
    rows = []
    for c in domain.PAYMENT_PLANS:
        mark = CHECKED if (not f.blank and c.value == chosen) else UNCHECKED
        wording = c.label  # the wizard's very words (domain), not a second copy here
        rows.append(
            [
                Paragraph(f'<font name="DejaVuSans">{mark}</font>', s.left),
                Paragraph(text(wording), s.label),
            ]
        )
    table = Table(rows, colWidths=[6 * mm, CONTENT_WIDTH - 6 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _benefit(f: _Form) -> Table:
    # An optional declaration (docs/forms-861.md item 6): the chosen group of п.17, or «нет».
    spec = domain.FIELDS_BY_KEY["beneficiary_category"]
    chosen = f.str("beneficiary_category")
    value = spec.choice_label(chosen) if chosen else "не отношусь"
    return _fields([("Категория", "" if f.blank else text(value), 2)], f)


def _temporary(f: _Form) -> tuple[str, list[Flowable]]:
    cat = domain.CATEGORIES["p13"]
    until = f.date("temporary_until")
    rows: list[tuple[str, str | None, int]] = [
        ("Срок временного присоединения (до даты)", text(until), 1),
        (
            "Передвижные энергопринимающие устройства",
            "" if f.blank else ("да" if f.flag("mobile_devices") else "нет"),
            1,
        ),
        (
            "Номер и дата договора о постоянном технологическом присоединении (не требуется "
            "для передвижных устройств)",
            text(f.str("permanent_contract_ref")),
            1,
        ),
    ]
    body = [
        _fields(rows, f),
        Paragraph(
            f"Срок временного присоединения — не более {cat.term_months} месяцев, для "
            f"передвижных энергопринимающих устройств — не более {cat.mobile_term_months} "
            "месяцев.",
            f.s.note,
        ),
    ]
    return "Срок и условия временного присоединения", body


def _seller(f: _Form) -> tuple[str, list[Flowable]]:
    chosen = f.str("supply_contract_type") or "supply"
    return (
        "Гарантирующий поставщик (энергосбытовая организация), с которым планируется заключение "
        "договора, и вид договора",
        [
            _fields([("Гарантирующий поставщик", text(f.str("supplier_name")), 1)], f),
            Spacer(0, 1.5 * mm),
            _checks(_SUPPLY_CONTRACTS, chosen, f),
        ],
    )


def _attachments(kinds: Sequence[str], f: _Form) -> list[Flowable]:
    s = f.s
    out: list[Flowable] = [Paragraph("Приложения:", s.item)]
    rows: list[list[Any]] = []
    for i, kind in enumerate(kinds, start=1):
        rows.append([Paragraph(f"{i}.", s.label), Paragraph(text(attachment_label(kind)), s.label)])
    extra = 2 if f.blank else 0
    for i in range(len(kinds) + 1, len(kinds) + 1 + extra):
        rows.append([Paragraph(f"{i}.", s.label), ""])
    if not rows:
        return out
    table = Table(
        rows,
        colWidths=[8 * mm, CONTENT_WIDTH - 8 * mm],
        minRowHeights=[0] * len(kinds) + [BLANK_LINE] * extra,
        splitInRow=1,
        hAlign="LEFT",
    )
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for r in range(len(kinds), len(kinds) + extra):
        style.append(("LINEBELOW", (1, r), (1, r), 0.5, RULE))
    table.setStyle(TableStyle(style))
    out.append(table)
    return out


def _signature(consumer_type: str, f: _Form, today: date | None) -> Flowable:
    s = f.s
    if f.blank or today is None:
        when = "«____» ________________ 20____ г."
    else:
        when = today.strftime("%d.%m.%Y")
    company = consumer_type == domain.COMPANY
    if company:
        who = f.str("signatory_name")
        position = f.str("signatory_position")
        first = Paragraph(text(position), s.value) if position and not f.blank else ""
        first_caption = "(должность)"
    else:
        who = f.str("applicant_name")
        first = Paragraph("Заявитель", s.left)
        first_caption = ""
    name = Paragraph(text(short_name(who)), s.value) if who and not f.blank else ""
    rows = [
        [Paragraph(f"Дата: {when}", s.left), "", "", "", ""],
        ["", "", "", "", ""],
        [first, "", "", "/", name],
        [
            Paragraph(first_caption, s.caption),
            "",
            Paragraph("(подпись)", s.caption),
            "",
            Paragraph("(фамилия, инициалы)", s.caption),
        ],
        [
            Paragraph(
                "М.П."
                if company
                else ("М.П. (при наличии)" if consumer_type == domain.ENTREPRENEUR else ""),
                s.left,
            ),
            "",
            "",
            "",
            "",
        ],
    ]
    widths = [62 * mm, 6 * mm, 45 * mm, 5 * mm]
    widths.append(CONTENT_WIDTH - sum(widths))
    style = TableStyle(
        [
            ("SPAN", (0, 0), (-1, 0)),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (2, 2), (2, 2), 0.5, RULE),
            ("LINEBELOW", (4, 2), (4, 2), 0.5, RULE),
            ("TOPPADDING", (0, 3), (-1, 3), 0),
            ("TOPPADDING", (0, 4), (-1, 4), 6),
        ]
    )
    if company:
        style.add("LINEBELOW", (0, 2), (0, 2), 0.5, RULE)
    table = Table(
        rows,
        colWidths=widths,
        rowHeights=[None, 4 * mm, 9 * mm, None, None],
        hAlign="LEFT",
    )
    table.setStyle(style)
    return KeepTogether([table])
