"""The connection contract (договор об осуществлении технологического присоединения) the server
generates when an operator offers a contract on an application (docs/design.md "Applications",
issue 4).

Qt-free; the server calls :func:`render_contract` outside its database transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, TableStyle

from voek_desktop.domain import applications as domain
from voek_desktop.domain.company import UNKNOWN, Requisites, marked
from voek_desktop.domain.formats import (
    format_date,
    format_decimal,
    format_phone,
    format_snils,
    parse_date,
)
from voek_desktop.printing.application import _power_value
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

# An example rate of the regional tariff authority for ≤ 150 kW at 0.4–10 kV (Vladimir region,
# 2023: 5000 ₽/kW incl. VAT); the real fee comes in the contract dict from the server.
DEFAULT_RATE_RUB_PER_KW = Decimal(5000)
TARIFF_DECISION = (
    "постановлением Департамента государственного регулирования цен и тарифов Владимирской "
    "области, действующим на дату поступления заявки"
)
_TERMS = {
    "p14": "6 (шесть) месяцев",
    "p12_1": "6 (шесть) месяцев",
    "p13": "15 (пятнадцать) рабочих дней",
}
_PAYMENT = {
    "p14": [
        "100 % платы вносится в течение 5 рабочих дней со дня размещения счёта в личном "
        "кабинете заявителя."
    ],
    "standard": [
        "15 % платы — в течение 5 рабочих дней со дня размещения счёта в личном кабинете "
        "заявителя;",
        "30 % платы — в течение 20 дней со дня размещения счёта;",
        "35 % платы — в течение 40 дней со дня размещения счёта;",
        "20 % платы — в течение 10 дней со дня размещения в личном кабинете заявителя акта "
        "об осуществлении технологического присоединения (уведомления).",
    ],
    "instalments": [
        "5 % платы — в течение 5 рабочих дней со дня размещения счёта в личном кабинете заявителя;",
        "95 % платы — равными долями ежеквартально в течение 3 лет со дня подписания акта об "
        "осуществлении технологического присоединения, с начислением процентов на остаток "
        "по ключевой ставке Банка России, увеличенной на 4 процентных пункта.",
    ],
}


def render_contract(
    contract: Mapping[str, Any],
    application: Mapping[str, Any],
    consumer: Mapping[str, Any],
    out: Output,
    *,
    company: Requisites | None = None,
) -> None:
    """Write the connection contract as an A4 PDF to ``out`` (a path, written atomically, or a
    binary stream). Every key is optional: what is missing prints as a blank line.

    ``contract``: ``number`` (str, «ТП-2026-000001»), ``date`` (date or ISO string; the offer
    date), ``fee_rub`` (number; default: requested kW × 5000 ₽), ``term`` (text overriding the
    category's deadline, e.g. «4 (четыре) месяца»), who signs for АО «ВОЭК»:
    ``grid_signatory_position`` and ``grid_signatory_name`` (nominative, under the signature),
    ``grid_signatory_position_genitive`` and ``grid_signatory_name_genitive`` («в лице …»),
    ``grid_signatory_basis`` («Устава», «доверенности № 14 от 09.01.2026»); and
    ``tariff_decision`` (the tariff act).

    ``application``: ``number``, ``category`` (``p14``/``p12_1``/``p13``), ``consumer_type``,
    ``created_at`` or ``submitted_at`` (ISO), ``form`` (the form keys of docs/design.md
    "Applications").

    ``consumer``: ``consumer_type`` (used when the application has none), ``snils``, ``inn``,
    ``ogrn``, ``ogrnip``, ``kpp``, ``phone``, ``email``, ``name`` (when the form has no
    ``applicant_name``).
    """
    s = Styles()
    form: Mapping[str, Any] = application.get("form") or {}
    if not isinstance(form, Mapping):
        form = {}
    ctx = _Ctx(contract, application, consumer, form, s)
    ctx.req = company or UNKNOWN
    build_pdf(
        _story(ctx),
        out,
        title=f"Договор об осуществлении технологического присоединения № {ctx.number}",
        subject=f"{ctx.req.short_name}: договор по заявке № {ctx.app_number}",
        footer_note=f"Договор № {ctx.number} об осуществлении технологического присоединения",
    )


class _Ctx:
    def __init__(
        self,
        contract: Mapping[str, Any],
        application: Mapping[str, Any],
        consumer: Mapping[str, Any],
        form: Mapping[str, Any],
        s: Styles,
    ) -> None:
        self.c, self.a, self.p, self.f, self.s = contract, application, consumer, form, s
        self.number = _str(contract.get("number")) or "________"
        self.app_number = _str(application.get("number")) or "________"
        self.category = _str(application.get("category"))
        self.consumer_type = _str(application.get("consumer_type")) or _str(
            consumer.get("consumer_type")
        )
        self.date = parse_date(contract.get("date"))
        self.req: Requisites = UNKNOWN

    def v(self, key: str) -> str:
        """A form value, falling back to the consumer's registration data."""
        value = self.f.get(key)
        if value is None or value == "":
            value = self.p.get(key)
        return _str(value)

    @property
    def name(self) -> str:
        return self.v("applicant_name") or _str(self.p.get("name"))

    @property
    def fee(self) -> Decimal | None:
        fee = _power_value(self.c.get("fee_rub"))
        if fee is not None:
            return fee
        kw = _power_value(self.f.get("power_new_kw"))
        return None if kw is None else kw * DEFAULT_RATE_RUB_PER_KW


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _blank(value: str, width: int = 30) -> str:
    """Escaped value, or a line to write on when it is missing."""
    return text(value) if value else "_" * width


def _story(x: _Ctx) -> list[Flowable]:
    s = x.s
    story: list[Flowable] = [
        Paragraph(f"ДОГОВОР № {text(x.number)}", s.title),
        Paragraph(
            "об осуществлении технологического присоединения к электрическим сетям", s.subtitle
        ),
        Spacer(0, 5 * mm),
    ]
    when = x.date.strftime("%d.%m.%Y") if x.date else "«____» ____________ 20___ г."
    place = Table(
        [[Paragraph("г. Владимир", s.left), Paragraph(when, s.right)]],
        colWidths=[CONTENT_WIDTH / 2] * 2,
    )
    place.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    )
    story += [place, Spacer(0, 4 * mm)]

    grid_who = " ".join(
        (
            _str(x.c.get("grid_signatory_position_genitive")) or "генерального директора",
            _blank(_str(x.c.get("grid_signatory_name_genitive"))),
        )
    )
    basis = _str(x.c.get("grid_signatory_basis")) or "Устава"
    story.append(
        Paragraph(
            f"{text(x.req.name)} ({text(x.req.short_name)}), именуемое в дальнейшем "
            "«Сетевая организация», "
            f"в лице {grid_who}, действующего на основании {text(basis)}, с одной стороны, и "
            f"{_party(x)}, именуемый(-ое) в дальнейшем «Заявитель», с другой стороны, вместе "
            "именуемые «Стороны», заключили настоящий договор о нижеследующем:",
            s.body,
        )
    )

    def section(title: str, *paragraphs: str | Flowable) -> None:
        body: list[Flowable] = [
            p if isinstance(p, Flowable) else Paragraph(p, s.body) for p in paragraphs
        ]
        story.append(KeepTogether([Paragraph(title, s.item), body[0]]))
        story.extend(body[1:])

    devices = _blank(x.v("devices_name"))
    section(
        "1. Предмет договора",
        "1.1. По настоящему договору Сетевая организация принимает на себя обязательства по "
        f"осуществлению технологического присоединения энергопринимающих устройств Заявителя "
        f"({devices}) к электрическим сетям Сетевой организации, а Заявитель обязуется оплатить "
        "расходы на технологическое присоединение в соответствии с условиями настоящего "
        "договора. Характеристики присоединения:",
        _subject_table(x),
        "1.2. Технологическое присоединение осуществляется по заявке "
        f"№ {text(x.app_number)}{_app_date(x)} в соответствии с Правилами технологического "
        "присоединения, утверждёнными постановлением Правительства Российской Федерации от "
        "27.12.2004 № 861, и техническими условиями, являющимися неотъемлемой частью "
        "настоящего договора.",
        "1.3. Точка присоединения указывается в технических условиях и располагается не далее "
        "15 метров во внешнюю сторону от границы участка, на котором расположены "
        "(будут располагаться) присоединяемые объекты Заявителя.",
        *_temporary_clause(x),
    )
    section(
        "2. Сроки",
        f"2.1. Срок выполнения мероприятий по технологическому присоединению — {_term(x)} со "
        "дня заключения настоящего договора.",
        "2.2. Настоящий договор считается заключённым со дня поступления в Сетевую организацию "
        "подписанного Заявителем экземпляра договора (в том числе его скан-копии, "
        "направленной через личный кабинет).",
    )
    section(
        "3. Обязанности Сторон",
        "3.1. Сетевая организация обязуется: выполнить мероприятия по технологическому "
        "присоединению до точки присоединения, предусмотренные техническими условиями; "
        "проверить выполнение Заявителем технических условий; установить и допустить в "
        "эксплуатацию прибор учёта; осуществить фактическое присоединение и составить акт об "
        "осуществлении технологического присоединения (уведомление).",
        "3.2. Заявитель обязуется: выполнить мероприятия, предусмотренные техническими "
        "условиями, в пределах границ своего участка; уведомить Сетевую организацию об их "
        "выполнении через личный кабинет; внести плату за технологическое присоединение в "
        "размере и в сроки, установленные настоящим договором.",
    )
    fee = x.fee
    fee_text = f"{format_decimal(fee, 2)} руб." if fee is not None else "________ руб."
    decision = text(_str(x.c.get("tariff_decision")) or TARIFF_DECISION)
    section(
        "4. Плата за технологическое присоединение и порядок расчётов",
        f"4.1. Размер платы за технологическое присоединение определяется в соответствии с "
        f"{decision} и составляет <b>{fee_text}</b> (с учётом НДС).",
        "4.2. Плата вносится в следующем порядке:",
        *[f"— {text(line)}" for line in _payment_lines(x)],
    )
    section(
        "5. Ответственность Сторон и прочие условия",
        "5.1. Сторона, нарушившая срок осуществления мероприятий по технологическому "
        "присоединению, уплачивает другой Стороне неустойку в размере, установленном пунктом "
        "16 Правил технологического присоединения.",
        "5.2. Споры разрешаются путём переговоров, а при недостижении согласия — в судебном "
        "порядке. Договор составлен в двух экземплярах, по одному для каждой из Сторон.",
    )
    story.append(Spacer(0, 3 * mm))
    story.append(KeepTogether([Paragraph("6. Реквизиты и подписи Сторон", s.item), _parties(x)]))
    return story


def _app_date(x: _Ctx) -> str:
    when = x.a.get("submitted_at") or x.a.get("created_at")
    day = format_date(when) if when else ""
    return f" от {text(day)}" if day else ""


def _term(x: _Ctx) -> str:
    return text(_str(x.c.get("term")) or _TERMS.get(x.category, "6 (шесть) месяцев"))


def _party(x: _Ctx) -> str:
    name = _blank(x.name, 40)
    if x.consumer_type == domain.COMPANY:
        details = ", ".join(
            f"{label} {text(v)}"
            for label, v in (("ОГРН", x.v("ogrn")), ("ИНН", x.v("inn")), ("КПП", x.v("kpp")))
            if v
        )
        position = x.v("signatory_position").lower() or "руководителя"
        signer = _blank(x.v("signatory_name"))
        return (
            f"{name}{f' ({details})' if details else ''}, в лице {text(position)} {signer}, "
            "действующего на основании Устава"
        )
    if x.consumer_type == domain.ENTREPRENEUR:
        details = ", ".join(
            f"{label} {text(v)}"
            for label, v in (("ОГРНИП", x.v("ogrnip")), ("ИНН", x.v("inn")))
            if v
        )
        return f"индивидуальный предприниматель {name}{f' ({details})' if details else ''}"
    passport = " ".join(p for p in (x.v("passport_series"), x.v("passport_number")) if p)
    parts = [f"паспорт {text(passport)}"] if passport else []
    if x.v("passport_issued_by"):
        issued = text(x.v("passport_issued_by"))
        day = format_date(x.v("passport_issued_on"))
        parts.append(f"выдан {issued}{f' {text(day)}' if day else ''}")
    if x.v("snils"):
        parts.append(f"СНИЛС {text(format_snils(x.v('snils')))}")
    details = ", ".join(parts)
    return f"{name} ({details})" if details else name


def _subject_table(x: _Ctx) -> Table:
    s = x.s
    new, prev = _power_value(x.f.get("power_new_kw")), _power_value(x.f.get("power_previous_kw"))
    total = new + (prev or 0) if new is not None else None
    volt = format_decimal(x.f.get("voltage_kv"))
    rows = [
        ("Наименование энергопринимающих устройств", x.v("devices_name")),
        ("Место нахождения", x.v("devices_address")),
        ("Кадастровый номер", x.v("cadastral_number")),
        ("Максимальная мощность присоединяемых устройств", _kw(new)),
        ("Ранее присоединённая мощность", _kw(prev) or ("0 кВт" if new is not None else "")),
        ("Максимальная мощность всего", _kw(total)),
        ("Класс напряжения электрических сетей", f"{volt} кВ" if volt else ""),
        ("Категория надёжности", _str(x.f.get("reliability_category")) or "III"),
    ]
    data = [
        [Paragraph(text(label), s.cell_left), Paragraph(text(value), s.value)]
        for label, value in rows
    ]
    table = Table(
        data,
        colWidths=[70 * mm, CONTENT_WIDTH - 70 * mm],
        hAlign="LEFT",
        splitInRow=1,
        spaceBefore=2 * mm,
        spaceAfter=2 * mm,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _kw(value: Decimal | None) -> str:
    return f"{format_decimal(value)} кВт" if value is not None else ""


def _temporary_clause(x: _Ctx) -> list[str]:
    if x.category != "p13":
        return []
    until = format_date(x.f.get("temporary_until"))
    mobile = x.f.get("mobile_devices") is True
    ref = _str(x.f.get("permanent_contract_ref"))
    text_ = (
        "1.4. Присоединение является временным и осуществляется на срок до "
        f"{_blank(until, 12)} по временной (без выполнения мероприятий по строительству "
        "объектов электросетевого хозяйства) схеме электроснабжения"
    )
    if mobile:
        text_ += " для передвижных энергопринимающих устройств"
    if ref:
        text_ += f"; договор о постоянном технологическом присоединении: {text(ref)}"
    return [text_ + ". По истечении срока Сетевая организация отключает устройства Заявителя."]


def _payment_lines(x: _Ctx) -> list[str]:
    if x.category == "p12_1":
        plan = _str(x.f.get("payment_plan")) or "standard"
        return _PAYMENT.get(plan, _PAYMENT["standard"])
    return _PAYMENT["p14"]


def _parties(x: _Ctx) -> Table:
    s = x.s
    req = x.req
    # The requisites come from the server's configuration (domain/company.py); the demo's are
    # samples and print «(образец)».
    grid_lines = [
        "<b>Сетевая организация</b>",
        text(req.short_name),
        text(marked(req.address, req)) or _blank(""),
    ]
    for label, value in (
        ("ИНН / КПП", " / ".join(v for v in (req.inn, req.kpp) if v)),
        ("ОГРН", req.ogrn),
        ("Тел.", format_phone(req.support_phone) if req.support_phone else ""),
    ):
        if value:
            grid_lines.append(f"{label}: {text(marked(value, req))}")
    grid_position = _str(x.c.get("grid_signatory_position"))
    if grid_position:
        grid_lines.append(text(grid_position))
    who = ["<b>Заявитель</b>", _blank(x.name, 30)]
    ids: tuple[tuple[str, str], ...]
    if x.consumer_type == domain.COMPANY:
        ids = (("ОГРН", "ogrn"), ("ИНН", "inn"), ("КПП", "kpp"))
    elif x.consumer_type == domain.ENTREPRENEUR:
        ids = (("ОГРНИП", "ogrnip"), ("ИНН", "inn"))
    else:
        ids = (("СНИЛС", "snils"),)
    shown = {"snils": format_snils, "phone": format_phone}
    who += [f"{label}: {text(shown.get(key, str)(x.v(key)))}" for label, key in ids if x.v(key)]
    address = x.v("registered_address")
    if address:
        who.append(f"Адрес: {text(address)}")
    for label, key in (("Тел.", "phone"), ("E-mail", "email")):
        if x.v(key):
            who.append(f"{label}: {text(shown.get(key, str)(x.v(key)))}")
    grid_sign = _str(x.c.get("grid_signatory_name"))
    company = x.consumer_type == domain.COMPANY
    applicant_sign = x.v("signatory_name") if company else x.name
    col = (CONTENT_WIDTH - 8 * mm) / 2

    def sign(name: str, stamp: str) -> list[Flowable]:
        transcript = text(short_name(name)) if name else "_" * 16
        return [
            Spacer(0, 8 * mm),
            Paragraph(f"_______________ / {transcript} /", s.left),
            Paragraph("(подпись)", s.caption),
            Paragraph(stamp, s.left),
        ]

    stamp = "М.П." if x.consumer_type != domain.INDIVIDUAL else ""
    data = [
        [Paragraph("<br/>".join(grid_lines), s.label), "", Paragraph("<br/>".join(who), s.label)],
        [sign(grid_sign, "М.П."), "", sign(applicant_sign, stamp)],
    ]
    table = Table(data, colWidths=[col, 8 * mm, col], hAlign="LEFT")
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
