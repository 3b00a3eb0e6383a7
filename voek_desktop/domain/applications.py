"""Grid-connection applications under Decree 861: categories, form fields, rules, document
kinds and statuses (docs/design.md "Applications").

One source for the server (validation, ``GET /application-templates``), the app (the wizard
validates as the user types and works offline) and the printed forms. Plain Python: no Qt,
no HTTP.

Form values travel as JSON: text as strings, dates as ISO ``YYYY-MM-DD`` strings (``ДД.ММ.ГГГГ``
is accepted on input), numbers as JSON numbers (a string with a decimal comma is accepted on
input), booleans as ``true``/``false``, ``stages`` as a list of objects. :func:`validate_form`
returns the canonical form and the Russian errors by key; stage errors are reported under
``stages`` and name the stage.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from voek_desktop.domain.contacts import normalize_email, normalize_phone
from voek_desktop.domain.errors import InvalidValue
from voek_desktop.domain.identifiers import (
    normalize_inn10,
    normalize_inn12,
    normalize_ogrn,
    normalize_ogrnip,
    normalize_snils,
)

INDIVIDUAL = "individual"
ENTREPRENEUR = "entrepreneur"
COMPANY = "company"
ALL_TYPES = (INDIVIDUAL, ENTREPRENEUR, COMPANY)

# ---------------------------------------------------------------------------------------------
# Categories


class Category(NamedTuple):
    key: str  # p14, p12_1, p13
    title: str  # «Заявка по п.14 Правил …»
    short_title: str  # «п.14»
    explanation: str  # who may use it, in plain Russian (seed IV)
    consumer_types: tuple[str, ...]
    max_power_kw: Decimal
    temporary: bool = False
    # p13 only: the longest term, in months from today, without and with mobile devices.
    term_months: int = 0
    mobile_term_months: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "short_title": self.short_title,
            "explanation": self.explanation,
            "consumer_types": list(self.consumer_types),
            "max_power_kw": _json_number(self.max_power_kw),
            "temporary": self.temporary,
            "term_months": self.term_months or None,
            "mobile_term_months": self.mobile_term_months or None,
        }


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category(
            "p14",
            "Физическое лицо, до 15 кВт включительно (п. 14 Правил)",
            "п.14",
            "Для физических лиц: мощность до 15 кВт включительно вместе с мощностью, уже "
            "присоединённой в этой точке; электроприёмники используются для бытовых и иных нужд, "
            "не связанных с предпринимательской деятельностью; электроснабжение по одному "
            "источнику (III категория надёжности).",
            (INDIVIDUAL,),
            Decimal(15),
        ),
        Category(
            "p12_1",
            "До 150 кВт включительно (п. 12(1) Правил)",
            "п.12(1)",
            "Для юридических лиц, индивидуальных предпринимателей и физических лиц: мощность "
            "до 150 кВт включительно вместе с мощностью, уже присоединённой в этой точке; "
            "электроснабжение по одному источнику (III категория надёжности). Плату за "
            "присоединение можно внести сразу или в рассрочку.",
            ALL_TYPES,
            Decimal(150),
        ),
        Category(
            "p13",
            "Временное технологическое присоединение (п. 13 Правил)",
            "п.13",
            "Для юридических лиц, индивидуальных предпринимателей и физических лиц, которым "
            "электричество нужно на время: например, на стройку объекта, для которого уже "
            "заключён договор на постоянное присоединение (не более 6 месяцев), или для "
            "передвижных установок (не более 12 месяцев). Мощность до 150 кВт, III категория "
            "надёжности.",
            ALL_TYPES,
            Decimal(150),
            temporary=True,
            term_months=6,
            mobile_term_months=12,
        ),
    )
}


def category(key: str) -> Category:
    try:
        return CATEGORIES[key]
    except (KeyError, TypeError):
        raise InvalidValue("Выберите вид заявки: п.14, п.12(1) или п.13") from None


def category_error(category_key: str, consumer_type: str) -> str | None:
    """Why this consumer may not use this category, or ``None``."""
    try:
        cat = category(category_key)
    except InvalidValue as exc:
        return exc.message
    if consumer_type not in cat.consumer_types:
        if cat.key == "p14":
            return "Заявку по п.14 может подать только физическое лицо"
        return "Этот вид заявки недоступен для вашего типа потребителя"
    return None


def power_limit_message(cat: Category) -> str:
    """The case's limit in words: the error of a power above it and the power field's hint."""
    return (
        f"Не более {_display_number(cat.max_power_kw)} кВт для заявки по {cat.short_title}"
        " вместе с ранее присоединённой мощностью"
    )


# ---------------------------------------------------------------------------------------------
# Fields


class Choice(NamedTuple):
    value: Any  # the JSON value stored in the form
    label: str


class FieldSpec(NamedTuple):
    key: str
    label: str
    kind: str  # text, date, number, choice, bool, stages
    group: str  # a key of GROUPS
    required: bool = True
    consumer_types: tuple[str, ...] = ALL_TYPES
    categories: tuple[str, ...] = ("p14", "p12_1", "p13")
    choices: tuple[Choice, ...] = ()
    placeholder: str = ""
    hint: str = ""
    max_length: int = 300  # text only
    default: Any = None

    def applies(self, category_key: str, consumer_type: str) -> bool:
        return category_key in self.categories and consumer_type in self.consumer_types

    def choice_label(self, value: Any) -> str:
        for c in self.choices:
            if c.value == value:
                return c.label
        return "" if value is None else str(value)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "group": self.group,
            "required": self.required,
            "consumer_types": list(self.consumer_types),
            "categories": list(self.categories),
            "choices": [{"value": c.value, "label": c.label} for c in self.choices],
            "placeholder": self.placeholder,
            "hint": self.hint,
            "max_length": self.max_length if self.kind == "text" else None,
            "default": self.default,
        }


# Display order of the groups in the wizard and on the printed form.
GROUPS: dict[str, str] = {
    "applicant": "Заявитель",
    "contacts": "Адреса и контакты",
    "devices": "Энергопринимающие устройства",
    "power": "Максимальная мощность",
    "stages": "Этапы проектирования и ввода в эксплуатацию",
    "seller": "Гарантирующий поставщик",
    "category": "Особые условия",
}

REASONS = (
    Choice("new", "Новое присоединение"),
    Choice("increase", "Увеличение максимальной мощности"),
    Choice("voltage_change", "Изменение уровня напряжения"),
    Choice("temporary", "Временное присоединение"),
)
# The classes of the Decree 861 application templates («при напряжении ___ кВ», docs/forms-861.md
# item 3): a household's single-phase input is 0,23 kV. The Rules' п.14 bounds the power (15 kW),
# the use (household) and the source (one), not the voltage; the voltage matters for the fee
# (п.17: the per-kW rates only at 0,4 kV and below), see BENEFIT_MAX_VOLTAGE_KV.
VOLTAGES = (
    Choice(0.23, "0,23 кВ (однофазный ввод)"),
    Choice(0.4, "0,4 кВ"),
    Choice(6, "6 кВ"),
    Choice(10, "10 кВ"),
)
VOLTAGE_ERROR = "Класс напряжения: 0,23, 0,4, 6 или 10 кВ"
BENEFIT_MAX_VOLTAGE_KV = Decimal("0.4")
# The wording printed on the form and shown in the wizard: one text, so the applicant chooses
# what the paper says (docs/forms-861.md item 7). Instalments: п.104 of the Rules as amended in
# 2022 — 90 % of the fee in equal quarterly parts over up to 3 years from the act of connection
# (at 0,4 kV and below: from the notification placed in the cabinet); the rest is the first
# payment of the invoice, due within 5 working days (п.103). The pre-2022 «5 % / 95 %» is gone:
# it charged interest (the key rate + 4 pp), the 2022 quote names none, so neither does the form
# (whether the current п.104 charges any is NOT verified). «standard» — the 15/30/35/20 % text of
# the application forms, also in a grid company's ≤ 150 kW form (docs/forms-861.md item 7).
PAYMENT_PLANS = (
    Choice(
        "standard",
        "Рассрочка не требуется: 15 % платы — в течение 5 рабочих дней со дня размещения счёта "
        "в личном кабинете, 30 % — в течение 20 дней, 35 % — в течение 40 дней, 20 % — в течение "
        "10 дней со дня размещения акта (уведомления) о присоединении",
    ),
    Choice(
        "instalments",
        "Прошу предоставить рассрочку: 10 % платы — в течение 5 рабочих дней со дня размещения "
        "счёта в личном кабинете, 90 % — равными долями ежеквартально в течение 3 лет со дня "
        "подписания акта об осуществлении технологического присоединения (при присоединении "
        "на уровне напряжения 0,4 кВ и ниже — со дня размещения в личном кабинете уведомления "
        "об обеспечении возможности присоединения)",
    ),
)
# 6. The groups of п.17 of the Rules (as amended by ПП РФ от 30.06.2022 № 1178) whose fee for
# ≤ 15 kW is computed at the reduced rate of 1000 ₽ per kW (docs/forms-861.md item 6).
BENEFICIARY_CATEGORIES = (
    Choice(
        "low_income",
        "Член малоимущей семьи (одиноко проживающий гражданин) со среднедушевым доходом ниже "
        "прожиточного минимума в регионе",
    ),
    Choice("war_invalid", "Инвалид войны (ст. 14 Федерального закона «О ветеранах»)"),
    Choice("ww2_participant", "Участник Великой Отечественной войны (ст. 15 ФЗ «О ветеранах»)"),
    Choice("combat_veteran", "Ветеран боевых действий (ст. 16 ФЗ «О ветеранах»)"),
    Choice(
        "leningrad_siege",
        "Награждённый знаком «Жителю блокадного Ленинграда» (ст. 18 ФЗ «О ветеранах»)",
    ),
    Choice(
        "ww2_home_front",
        "Работавший в период Великой Отечественной войны на объектах противовоздушной обороны "
        "и других военных объектах (ст. 19 ФЗ «О ветеранах»)",
    ),
    Choice(
        "fallen_family",
        "Член семьи погибшего (умершего) инвалида войны, участника Великой Отечественной войны "
        "или ветерана боевых действий (ст. 21 ФЗ «О ветеранах»)",
    ),
    Choice("disabled", "Инвалид или семья, имеющая ребёнка-инвалида"),
    Choice(
        "radiation",
        "Гражданин, подвергшийся воздействию радиации (катастрофа на Чернобыльской АЭС, авария "
        "на ПО «Маяк», испытания на Семипалатинском полигоне)",
    ),
    Choice("large_family", "Многодетная семья"),
)
BENEFIT_RATE_RUB_PER_KW = 1000
RELIABILITY_CATEGORIES = (Choice("III", "III категория (один источник питания)"),)

_ORG = (ENTREPRENEUR, COMPANY)
MAX_STAGES = 10

FIELDS: tuple[FieldSpec, ...] = (
    # Applicant
    FieldSpec(
        "applicant_name",
        "Фамилия, имя, отчество / полное наименование",
        "text",
        "applicant",
        placeholder="Иванов Иван Иванович",
        hint="Для организации — полное наименование по ЕГРЮЛ",
    ),
    FieldSpec(
        "passport_series",
        "Серия паспорта",
        "text",
        "applicant",
        consumer_types=(INDIVIDUAL,),
        placeholder="1704",
        max_length=5,
    ),
    FieldSpec(
        "passport_number",
        "Номер паспорта",
        "text",
        "applicant",
        consumer_types=(INDIVIDUAL,),
        placeholder="123456",
        max_length=7,
    ),
    FieldSpec(
        "passport_issued_by",
        "Кем выдан паспорт",
        "text",
        "applicant",
        consumer_types=(INDIVIDUAL,),
        placeholder="УМВД России по Владимирской области",
    ),
    FieldSpec(
        "passport_issued_on",
        "Дата выдачи паспорта",
        "date",
        "applicant",
        consumer_types=(INDIVIDUAL,),
        placeholder="ДД.ММ.ГГГГ",
    ),
    FieldSpec(
        "snils",
        "СНИЛС",
        "text",
        "applicant",
        consumer_types=(INDIVIDUAL,),
        placeholder="123-456-789 64",
        max_length=20,
    ),
    FieldSpec(
        "ogrnip",
        "ОГРНИП",
        "text",
        "applicant",
        consumer_types=(ENTREPRENEUR,),
        placeholder="15 цифр",
        max_length=20,
    ),
    FieldSpec(
        "ogrn",
        "ОГРН",
        "text",
        "applicant",
        consumer_types=(COMPANY,),
        placeholder="13 цифр",
        max_length=20,
    ),
    FieldSpec(
        "registry_date",
        "Дата внесения записи в реестр",
        "date",
        "applicant",
        consumer_types=_ORG,
        placeholder="ДД.ММ.ГГГГ",
        hint="Дата записи в ЕГРЮЛ / ЕГРИП",
    ),
    FieldSpec(
        "inn",
        "ИНН",
        "text",
        "applicant",
        consumer_types=_ORG,
        placeholder="10 или 12 цифр",
        max_length=20,
    ),
    FieldSpec(
        "kpp",
        "КПП",
        "text",
        "applicant",
        consumer_types=(COMPANY,),
        placeholder="332801001",
        max_length=12,
    ),
    FieldSpec(
        "signatory_position",
        "Должность подписывающего лица",
        "text",
        "applicant",
        consumer_types=(COMPANY,),
        placeholder="Генеральный директор",
        max_length=200,
    ),
    FieldSpec(
        "signatory_name",
        "ФИО подписывающего лица",
        "text",
        "applicant",
        consumer_types=(COMPANY,),
        placeholder="Петров Пётр Петрович",
        max_length=200,
    ),
    FieldSpec(
        "representative",
        "Заявку подписывает представитель по доверенности",
        "bool",
        "applicant",
        required=False,
        hint="Тогда к заявке нужно приложить доверенность",
        default=False,
    ),
    # Addresses and contacts
    FieldSpec(
        "registered_address",
        "Адрес регистрации / юридический адрес",
        "text",
        "contacts",
        placeholder="600000, г. Владимир, ул. Ленина, д. 1, кв. 1",
        max_length=500,
    ),
    FieldSpec(
        "postal_address",
        "Почтовый (фактический) адрес",
        "text",
        "contacts",
        placeholder="600000, г. Владимир, ул. Ленина, д. 1, кв. 1",
        max_length=500,
    ),
    FieldSpec("phone", "Контактный телефон", "text", "contacts", placeholder="+7 (920) 123-45-67"),
    FieldSpec("email", "Электронная почта", "text", "contacts", placeholder="ivanov@mail.ru"),
    # Devices
    FieldSpec("reason", "Причина обращения", "choice", "devices", choices=REASONS),
    FieldSpec(
        "devices_name",
        "Наименование энергопринимающих устройств",
        "text",
        "devices",
        placeholder="Жилой дом",
        max_length=500,
    ),
    FieldSpec(
        "devices_address",
        "Место нахождения энергопринимающих устройств",
        "text",
        "devices",
        placeholder="Владимирская обл., Суздальский р-н, с. Кидекша, ул. Центральная, д. 5",
        max_length=500,
    ),
    FieldSpec(
        "cadastral_number",
        "Кадастровый номер земельного участка или здания",
        "text",
        "devices",
        required=False,
        placeholder="33:05:123456:78",
        max_length=40,
    ),
    # Power
    FieldSpec(
        "power_new_kw",
        "Максимальная мощность присоединяемых устройств, кВт",
        "number",
        "power",
        placeholder="15",
    ),
    FieldSpec(
        "power_previous_kw",
        "Ранее присоединённая мощность, кВт",
        "number",
        "power",
        required=False,
        placeholder="0",
        hint="Если раньше ничего не было присоединено, укажите 0",
        default=0,
    ),
    FieldSpec(
        "voltage_kv",
        "Класс напряжения",
        "choice",
        "power",
        choices=VOLTAGES,
        default=0.4,
        hint="Для жилого дома с однофазным вводом — 0,23 кВ",
    ),
    FieldSpec(
        "reliability_category",
        "Категория надёжности",
        "choice",
        "power",
        choices=RELIABILITY_CATEGORIES,
        default="III",
    ),
    # Stages
    FieldSpec(
        "stages",
        "Этапы: срок проектирования, срок ввода в эксплуатацию, мощность",
        "stages",
        "stages",
        hint="Сумма мощностей этапов равна присоединяемой мощности",
    ),
    # Seller
    FieldSpec(
        "supplier_name",
        "Гарантирующий поставщик (энергосбытовая организация)",
        "text",
        "seller",
        placeholder="АО «Энергосбыт Плюс»",
        hint="С ним будет заключён договор энергоснабжения",
    ),
    # Category-specific
    FieldSpec(
        "load_character",
        "Характер нагрузки (вид экономической деятельности)",
        "text",
        "category",
        categories=("p12_1",),
        placeholder="Розничная торговля",
        max_length=500,
    ),
    FieldSpec(
        "payment_plan",
        "Порядок оплаты",
        "choice",
        "category",
        categories=("p12_1",),
        choices=PAYMENT_PLANS,
        default="standard",
    ),
    FieldSpec(
        "temporary_until",
        "Срок временного присоединения (до даты)",
        "date",
        "category",
        categories=("p13",),
        placeholder="ДД.ММ.ГГГГ",
        hint="Не более 6 месяцев, для передвижных устройств — не более 12 месяцев",
    ),
    FieldSpec(
        "mobile_devices",
        "Передвижные энергопринимающие устройства",
        "bool",
        "category",
        required=False,
        categories=("p13",),
        default=False,
    ),
    # Required unless the devices are mobile (п.13 of the Rules: temporary connection is for
    # the term of a permanent connection under a contract already concluded, or for mobile
    # devices up to 150 kW); the rule is in _cross_rules, so the field is not «required» here.
    FieldSpec(
        "permanent_contract_ref",
        "Номер и дата договора на постоянное присоединение",
        "text",
        "category",
        required=False,
        categories=("p13",),
        placeholder="№ ТП-123 от 01.02.2026",
        hint="Не нужен для передвижных энергопринимающих устройств",
    ),
    FieldSpec(
        "beneficiary_category",
        "Льготная категория заявителя (если есть)",
        "choice",
        "category",
        required=False,
        categories=("p14",),
        choices=(Choice("", "Не отношусь к льготным категориям"), *BENEFICIARY_CATEGORIES),
        default="",
        hint=(
            f"Плата рассчитывается по ставке {BENEFIT_RATE_RUB_PER_KW} ₽ за 1 кВт (п. 17 "
            "Правил), если присоединение на напряжении 0,4 кВ и ниже; приложите документ, "
            "подтверждающий льготу"
        ),
    ),
)

FIELDS_BY_KEY: dict[str, FieldSpec] = {f.key: f for f in FIELDS}
# Fields required unless a flag is set (checked in _cross_rules, not «required»: a draft may lack
# them); the wizard does not call them «необязательно».
REQUIRED_UNLESS = {"permanent_contract_ref": "mobile_devices"}

# Where a consumer type needs another example than the field's own: an organisation is not
# «Иванов Иван Иванович», and its signatory is anybody.
_PLACEHOLDERS = {
    ("applicant_name", COMPANY): "ООО «Полное наименование по ЕГРЮЛ»",
    ("signatory_name", COMPANY): "Фамилия Имя Отчество",
}


def applicant_name_from_registry(name: str, consumer_type: str) -> str:
    """The registry's «ИП Петров Сергей Николаевич» is a person's name on the form, where «ИП»
    would be said twice («индивидуальный предприниматель ИП …»)."""
    if consumer_type == ENTREPRENEUR:
        return re.sub(r"^\s*(ИП|Индивидуальный предприниматель)\s+", "", name, flags=re.I)
    return name.strip()


def placeholder_for(spec: FieldSpec, consumer_type: str) -> str:
    return _PLACEHOLDERS.get((spec.key, consumer_type), spec.placeholder)


def choices_for(spec: FieldSpec, category_key: str) -> tuple[Choice, ...]:
    """The choices this case allows: temporary connection is п.13's reason and only its."""
    if spec.key != "reason":
        return spec.choices
    temporary = CATEGORIES[category_key].temporary
    return tuple(c for c in spec.choices if (c.value == "temporary") == temporary)


def hint_for(spec: FieldSpec, category_key: str) -> str:
    if spec.key == "power_new_kw":
        return power_limit_message(CATEGORIES[category_key])
    return spec.hint


# Keys of a stage row in ``stages``.
STAGE_KEYS = ("design_until", "commissioning_until", "power_kw")
STAGE_LABELS = {
    "design_until": "Срок проектирования",
    "commissioning_until": "Срок ввода в эксплуатацию",
    "power_kw": "Мощность, кВт",
}


def fields_for(category_key: str, consumer_type: str) -> list[FieldSpec]:
    """The fields of this category and consumer type, in display order (by GROUPS)."""
    order = list(GROUPS)
    chosen = [f for f in FIELDS if f.applies(category_key, consumer_type)]
    return sorted(chosen, key=lambda f: order.index(f.group))  # stable: keeps FIELDS order


# ---------------------------------------------------------------------------------------------
# Documents


class DocumentKind(NamedTuple):
    key: str
    title: str
    hint: str


DOCUMENT_KINDS: dict[str, DocumentKind] = {
    d.key: d
    for d in (
        DocumentKind(
            "signed_application",
            "Скан подписанной заявки",
            "Распечатайте заявку, подпишите и отсканируйте",
        ),
        DocumentKind(
            "identity_document",
            "Документ, удостоверяющий личность",
            "Страницы паспорта с фотографией и регистрацией",
        ),
        DocumentKind(
            "power_of_attorney",
            "Доверенность представителя",
            "Если заявку подписывает представитель",
        ),
        DocumentKind(
            "site_plan",
            "План расположения энергопринимающих устройств",
            "Ситуационный план или схема участка с ближайшими улицами",
        ),
        DocumentKind(
            "title_document",
            "Правоустанавливающий документ",
            "Право на земельный участок или здание: выписка из ЕГРН, договор аренды и т. п.",
        ),
        DocumentKind(
            "benefit_proof",
            "Документ, подтверждающий льготу",
            "Удостоверение ветерана, справка о признании семьи малоимущей, справка об "
            "инвалидности, удостоверение многодетной семьи и т. п. (п. 17 Правил)",
        ),
        DocumentKind(
            "device_list",
            "Перечень устройств противоаварийной автоматики",
            "Перечень и мощность устройств, которые могут быть подключены к устройствам "
            "противоаварийной автоматики (если таких нет — укажите «нет»)",
        ),
    )
}


def required_documents(
    category_key: str, consumer_type: str, form: Mapping[str, Any] | None = None
) -> list[str]:
    """Document kinds this application needs, in checklist order."""
    form = form or {}
    kinds = ["signed_application"]
    # п.10 «е» of the Rules: a copy of the identity document of a citizen, also of a sole
    # proprietor (a person, not an organisation).
    if consumer_type in (INDIVIDUAL, ENTREPRENEUR):
        kinds.append("identity_document")
    if form.get("representative") is True:
        kinds.append("power_of_attorney")
    if category_key == "p14" and form.get("beneficiary_category"):
        kinds.append("benefit_proof")
    kinds += ["site_plan", "title_document"]
    if category_key == "p12_1":
        kinds.append("device_list")
    return kinds


# ---------------------------------------------------------------------------------------------
# Statuses


class Status(NamedTuple):
    key: str
    label: str


STATUSES: dict[str, Status] = {
    s.key: s
    for s in (
        Status("draft", "Черновик"),
        Status("registered", "Зарегистрирована"),
        Status("review", "На рассмотрении"),
        Status("need_info", "Требуются документы"),
        Status("contract_offered", "Направлен договор"),
        Status("contract_signed", "Договор подписан"),
        Status("in_progress", "Исполняется"),
        Status("completed", "Исполнена"),
        Status("annulled", "Аннулирована"),
        Status("withdrawn", "Отозвана"),
    )
}

DONE = frozenset({"completed", "annulled", "withdrawn"})
ACTIVE = frozenset(STATUSES) - DONE
EDITABLE = frozenset({"draft", "need_info"})
# The consumer may withdraw until a contract is offered.
WITHDRAWABLE = frozenset({"draft", "registered", "review", "need_info"})
# Statuses at which the survey about the connection process opens (docs/design.md "Cabinet
# sections", "Survey").
SURVEY_OPEN = frozenset({"contract_offered", "contract_signed", "in_progress", "completed"})

# What the grid company's operator may do (POST /dev/applications/{id}/status).
OPERATOR_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset(),
    "registered": frozenset({"review", "annulled"}),
    "review": frozenset({"need_info", "contract_offered", "annulled"}),
    "need_info": frozenset({"review", "annulled"}),
    "contract_offered": frozenset({"contract_signed", "annulled"}),
    "contract_signed": frozenset({"in_progress"}),
    "in_progress": frozenset({"completed"}),
    "completed": frozenset(),
    "annulled": frozenset(),
    "withdrawn": frozenset(),
}

# What the consumer's own actions do: submit and withdraw.
SUBMIT_TRANSITIONS = {"draft": "registered", "need_info": "review"}


def status_label(key: str) -> str:
    status = STATUSES.get(key)
    return status.label if status else key


def operator_may(current: str, new: str) -> bool:
    return new in OPERATOR_TRANSITIONS.get(current, frozenset())


# ---------------------------------------------------------------------------------------------
# Validation

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_KPP = re.compile(r"^\d{4}[0-9A-Z]{2}\d{3}$")
_CADASTRAL = re.compile(r"^\d{2}:\d{2}:\d{6,7}:\d{1,10}$")
_NUMBER = re.compile(r"^\d{1,6}(?:\.\d{1,3})?$")
_MAX_POWER = Decimal(100000)
TOO_MUCH_POWER = "Слишком большая мощность для заявки через личный кабинет"
PERMANENT_CONTRACT_MISSING = (
    "Укажите номер и дату договора на постоянное присоединение: без него временное "
    "присоединение возможно только для передвижных устройств"
)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the 31st becomes the month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def temporary_term_end(today: date, mobile_devices: bool) -> date:
    """The latest ``temporary_until`` a p13 application may ask for."""
    cat = CATEGORIES["p13"]
    return add_months(today, cat.mobile_term_months if mobile_devices else cat.term_months)


def parse_date(value: Any) -> date:
    """ISO ``YYYY-MM-DD`` or ``ДД.ММ.ГГГГ`` → date."""
    if not isinstance(value, str):
        raise InvalidValue("Укажите дату в виде ДД.ММ.ГГГГ")
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise InvalidValue("Такой даты нет в календаре") from None
    raise InvalidValue("Укажите дату в виде ДД.ММ.ГГГГ")


def parse_power(value: Any, *, allow_zero: bool = False) -> Decimal:
    """A power in kW: positive (or zero), at most 3 decimals."""
    if isinstance(value, bool) or value is None:
        raise InvalidValue("Укажите мощность числом, например 15 или 7,5")
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", ".").replace(" ", "").replace("\u00a0", "")
    else:
        raise InvalidValue("Укажите мощность числом, например 15 или 7,5")
    if text.endswith(".0"):
        text = text[:-2]
    if text.startswith("-"):
        raise InvalidValue("Мощность не может быть отрицательной")
    if not _NUMBER.match(text):
        integer, _, fraction = text.partition(".")
        if not (integer.isascii() and integer.isdigit()) or (fraction and not fraction.isdigit()):
            raise InvalidValue("Укажите мощность числом, например 15 или 7,5")
        if len(fraction) > 3:
            raise InvalidValue("Мощность указывается не более чем с 3 знаками после запятой")
        raise InvalidValue(TOO_MUCH_POWER)
    number = Decimal(text)
    if number > _MAX_POWER:
        raise InvalidValue(TOO_MUCH_POWER)
    if number == 0 and not allow_zero:
        raise InvalidValue("Мощность должна быть больше нуля")
    return number


def _json_number(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _display_number(number: Decimal) -> str:
    return str(_json_number(number)).replace(".", ",")


def normalize_text(value: Any, spec: FieldSpec) -> str:
    if not isinstance(value, str):
        raise InvalidValue("Укажите значение текстом")
    text = " ".join(value.split()) if "\n" not in value else value.strip()
    if _CONTROL.search(text):
        raise InvalidValue("Текст содержит недопустимые символы")
    if len(text) > spec.max_length:
        raise InvalidValue(f"Не более {spec.max_length} символов")
    return text


def normalize_passport_series(value: str) -> str:
    text = re.sub(r"[\s\u00a0]", "", value)
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise InvalidValue("Серия паспорта — 4 цифры")
    return text


def normalize_passport_number(value: str) -> str:
    text = re.sub(r"[\s\u00a0]", "", value)
    if not (text.isascii() and text.isdigit() and len(text) == 6):
        raise InvalidValue("Номер паспорта — 6 цифр")
    return text


def normalize_kpp(value: str) -> str:
    text = re.sub(r"[\s\u00a0-]", "", value).upper()
    if len(text) != 9:
        raise InvalidValue("КПП должен содержать 9 символов")
    if not _KPP.match(text):
        raise InvalidValue("КПП: 9 символов, в 5-й и 6-й позициях цифры или латинские буквы A–Z")
    if text[4:6] == "00":
        raise InvalidValue("Неверный КПП: код причины постановки на учёт не может быть 00")
    return text


def normalize_cadastral(value: str) -> str:
    text = re.sub(r"[\s\u00a0]", "", value)
    if not _CADASTRAL.match(text):
        raise InvalidValue("Кадастровый номер указывается в виде 33:05:123456:78")
    return text


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue("Отметьте или снимите флажок")
    return value


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


_TEXT_NORMALIZERS = {
    "snils": normalize_snils,
    "ogrn": normalize_ogrn,
    "ogrnip": normalize_ogrnip,
    "kpp": normalize_kpp,
    "passport_series": normalize_passport_series,
    "passport_number": normalize_passport_number,
    "phone": normalize_phone,
    "email": normalize_email,
    "cadastral_number": normalize_cadastral,
}

_MISSING = {
    "text": "Заполните поле",
    "date": "Укажите дату",
    "number": "Укажите число",
    "choice": "Выберите значение",
    "bool": "Отметьте значение",
    "stages": "Добавьте хотя бы один этап",
}


def _normalize_value(
    spec: FieldSpec, value: Any, category_key: str, consumer_type: str, today: date
) -> Any:
    if spec.kind == "text":
        text = normalize_text(value, spec)
        if spec.key == "inn":
            return (normalize_inn12 if consumer_type == ENTREPRENEUR else normalize_inn10)(text)
        normalizer = _TEXT_NORMALIZERS.get(spec.key)
        return normalizer(text) if normalizer else text
    if spec.kind == "date":
        day = parse_date(value)
        if spec.key in ("passport_issued_on", "registry_date"):
            if day > today:
                raise InvalidValue("Дата не может быть позже сегодняшней")
            if day.year < 1900:
                raise InvalidValue("Проверьте год")
        elif spec.key == "temporary_until" and day <= today:
            raise InvalidValue("Срок временного присоединения должен быть позже сегодняшнего дня")
        return day.isoformat()
    if spec.kind == "number":
        try:
            number = parse_power(value, allow_zero=spec.key == "power_previous_kw")
        except InvalidValue as exc:
            if exc.message == TOO_MUCH_POWER:  # say how much is allowed here
                raise InvalidValue(power_limit_message(CATEGORIES[category_key])) from None
            raise
        return _json_number(number)
    if spec.kind == "choice":
        return _choice(spec, value)
    if spec.kind == "bool":
        return _bool(value)
    raise AssertionError(spec.kind)  # stages are handled by the caller


def _choice(spec: FieldSpec, value: Any) -> Any:
    if spec.key == "voltage_kv":
        try:
            number = parse_power(value)
        except InvalidValue:
            number = None
        for c in spec.choices:
            if number is not None and number == Decimal(str(c.value)):
                return c.value
        raise InvalidValue(VOLTAGE_ERROR)
    for c in spec.choices:
        if isinstance(value, str) and value == c.value:
            return c.value
    allowed = ", ".join(f"«{c.label}»" for c in spec.choices)
    return _raise(f"Выберите одно из значений: {allowed}")


def _raise(message: str) -> Any:
    raise InvalidValue(message)


def _stages(value: Any, errors: list[str]) -> list[dict[str, Any]]:
    """Canonical stage rows; problems are appended to ``errors`` naming the stage."""
    if not isinstance(value, list):
        errors.append("Этапы указываются списком")
        return []
    if len(value) > MAX_STAGES:
        errors.append(f"Не более {MAX_STAGES} этапов")
        return []
    rows = []
    for n, row in enumerate(value, start=1):
        if not isinstance(row, Mapping):
            errors.append(f"Этап {n}: заполните сроки и мощность")
            continue
        clean: dict[str, Any] = {}
        for key in ("design_until", "commissioning_until"):
            try:
                clean[key] = parse_date(row.get(key)).isoformat()
            except InvalidValue as exc:
                label = STAGE_LABELS[key].lower()
                errors.append(f"Этап {n}: {label} — {exc.message[0].lower()}{exc.message[1:]}")
        try:
            clean["power_kw"] = _json_number(parse_power(row.get("power_kw")))
        except InvalidValue as exc:
            errors.append(f"Этап {n}: {exc.message[0].lower()}{exc.message[1:]}")
        if (
            "design_until" in clean
            and "commissioning_until" in clean
            and clean["design_until"] > clean["commissioning_until"]
        ):
            errors.append(f"Этап {n}: срок ввода в эксплуатацию раньше срока проектирования")
        rows.append(clean)
    return rows


def validate_form(
    category_key: str,
    consumer_type: str,
    form: Mapping[str, Any],
    today: date,
    *,
    partial: bool = False,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check an application form. Returns the canonical values and Russian errors by key.

    ``partial=True`` is for drafts: absent or empty keys are fine, but whatever is present must
    be valid, and rules across keys are checked once all of their keys are present. Keys that
    this category and consumer type do not use are dropped. A wrong category for the consumer
    type is reported under ``category``.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    problem = category_error(category_key, consumer_type)
    if problem:
        return clean, {"category": problem}
    if not isinstance(form, Mapping):
        return clean, {"form": "Форма заявки должна быть объектом"}
    cat = CATEGORIES[category_key]
    for spec in fields_for(category_key, consumer_type):
        value = form.get(spec.key)
        if _is_blank(value):
            if spec.required and not partial:
                errors[spec.key] = _MISSING[spec.kind]
            continue
        if spec.kind == "stages":
            stage_errors: list[str] = []
            rows = _stages(value, stage_errors)
            if stage_errors:
                errors["stages"] = "; ".join(stage_errors)
            else:
                clean["stages"] = rows
            continue
        try:
            clean[spec.key] = _normalize_value(spec, value, category_key, consumer_type, today)
        except InvalidValue as exc:
            errors[spec.key] = exc.message
    _cross_rules(cat, clean, errors, today, partial)
    return clean, errors


def validate_partial(
    category_key: str, consumer_type: str, form: Mapping[str, Any], today: date
) -> tuple[dict[str, Any], dict[str, str]]:
    """:func:`validate_form` for a draft: incomplete is fine, wrong is not."""
    return validate_form(category_key, consumer_type, form, today, partial=True)


def _cross_rules(
    cat: Category, clean: dict[str, Any], errors: dict[str, str], today: date, partial: bool
) -> None:
    reason = clean.get("reason")
    if reason is not None:
        if cat.temporary and reason != "temporary":
            errors["reason"] = "Для заявки по п.13 причина — временное присоединение"
        elif not cat.temporary and reason == "temporary":
            errors["reason"] = "Для временного присоединения выберите заявку по п.13"
    new = clean.get("power_new_kw")
    if new is not None and "power_new_kw" not in errors:
        previous = clean.get("power_previous_kw", 0)
        if "power_previous_kw" not in errors:
            total = Decimal(str(new)) + Decimal(str(previous))
            if total > cat.max_power_kw:
                errors["power_new_kw"] = power_limit_message(cat)
    stages = clean.get("stages")
    if stages and new is not None and "power_new_kw" not in errors:
        total_stages = sum((Decimal(str(s["power_kw"])) for s in stages), Decimal(0))
        if total_stages != Decimal(str(new)):
            errors["stages"] = (
                f"Сумма мощностей этапов ({_display_number(total_stages)} кВт) должна быть равна "
                f"присоединяемой мощности ({_display_number(Decimal(str(new)))} кВт)"
            )
    # п.13: non-mobile devices are connected temporarily only for the term of a permanent
    # connection, so its contract must be named (docs/forms-861.md item 4).
    for key, flag in REQUIRED_UNLESS.items():
        if (
            key in FIELDS_BY_KEY
            and cat.key in FIELDS_BY_KEY[key].categories
            and not partial
            and flag not in errors
            and clean.get(flag) is not True
            and not clean.get(key)
        ):
            errors.setdefault(key, PERMANENT_CONTRACT_MISSING)
    until = clean.get("temporary_until")
    if cat.temporary and until is not None:
        mobile = clean.get("mobile_devices", False) is True
        limit = temporary_term_end(today, mobile)
        if date.fromisoformat(until) > limit:
            months = cat.mobile_term_months if mobile else cat.term_months
            what = "для передвижных устройств " if mobile else ""
            errors["temporary_until"] = (
                f"Срок временного присоединения {what}не более {months} месяцев: "
                f"не позже {limit:%d.%m.%Y}"
            )
            clean.pop("temporary_until")


def templates() -> dict[str, Any]:
    """The body of ``GET /application-templates``: ``items`` are the categories, each with the
    keys of its fields and its required document kinds per consumer type; ``fields`` describe
    every form key; plus document kinds, statuses and field groups."""
    items = []
    for cat in CATEGORIES.values():
        item = cat.as_json()
        item["fields"] = {
            ctype: [f.key for f in fields_for(cat.key, ctype)] for ctype in cat.consumer_types
        }
        item["required_documents"] = {
            ctype: required_documents(cat.key, ctype) for ctype in cat.consumer_types
        }
        items.append(item)
    return {
        "items": items,
        "fields": [f.as_json() for f in FIELDS],
        "groups": [{"key": k, "title": v} for k, v in GROUPS.items()],
        "document_kinds": [
            {"key": d.key, "title": d.title, "hint": d.hint} for d in DOCUMENT_KINDS.values()
        ],
        "required_unless": dict(REQUIRED_UNLESS),
        "conditional_documents": {
            "power_of_attorney": "representative",
            "benefit_proof": "beneficiary_category",
        },
        "statuses": [
            {"key": s.key, "label": s.label, "active": s.key in ACTIVE} for s in STATUSES.values()
        ],
        "stage_keys": [{"key": k, "label": STAGE_LABELS[k]} for k in STAGE_KEYS],
    }
