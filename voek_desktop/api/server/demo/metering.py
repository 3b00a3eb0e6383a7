"""The demo metering registry (docs/design.md "Demo data"): personal accounts of Vladimir-region
households, the demo company's and entrepreneur's supply contracts, their metering points and
meters.

Smart meters were commissioned during 2022 and have a profile from that day; older meters are
not connected to the metering system and carry the reading they had at the start of 2025.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voek_desktop.api.server.core.clock import iso
from voek_desktop.api.server.storage.db import inserted_id

if TYPE_CHECKING:
    from voek_desktop.api.server.app import CabinetApp

# A meter: (brand, model, serial, phases, zones, smart, commissioned)
_M = tuple[str, str, str, int, int, bool, str]
MILUR = ("Милур", "107")
MERCURY_1 = ("Меркурий", "201.8")
MERCURY_3 = ("Меркурий", "234 ARTM")
ENERGOMERA = ("Энергомера", "CE208")
NARTIS = ("Нартис", "И100")

# number → [(point name, address, meter)]
PERSONAL_ACCOUNTS: dict[str, list[tuple[str, str, _M]]] = {
    "3300000001": [
        (
            "Квартира",
            "г. Владимир, ул. Большая Московская, д. 12, кв. 5",
            (*MILUR, "41070012", 1, 2, True, "2022-03-14"),
        )
    ],
    "3300000002": [
        (
            "Жилой дом",
            "г. Владимир, ул. Добросельская, д. 24",
            (*ENERGOMERA, "011552190004318", 1, 3, True, "2022-06-02"),
        ),
        (
            "Гараж",
            "г. Владимир, ГСК «Мотор», бокс 118",
            (*MERCURY_1, "29117405", 1, 1, False, "2015-09-10"),
        ),
    ],
    "3300000003": [
        (
            "Квартира",
            "г. Ковров, ул. Социалистическая, д. 8, кв. 14",
            (*MERCURY_1, "31804522", 1, 1, False, "2017-04-20"),
        )
    ],
    "3300000004": [
        (
            "Жилой дом",
            "г. Муром, ул. Московская, д. 41",
            (*MERCURY_3, "42219087", 3, 3, True, "2022-09-07"),
        )
    ],
    "3300000005": [
        (
            "Квартира",
            "г. Александров, ул. Ленина, д. 3, кв. 27",
            (*NARTIS, "2211004573", 1, 1, True, "2022-11-21"),
        )
    ],
    "3300000006": [
        (
            "Жилой дом",
            "г. Суздаль, ул. Ленина, д. 88",
            (*MERCURY_3, "42205531", 3, 2, True, "2022-04-18"),
        ),
        (
            "Баня",
            "г. Суздаль, ул. Ленина, д. 88, стр. 2",
            (*ENERGOMERA, "011552170009964", 1, 1, False, "2019-07-01"),
        ),
    ],
    "3300000007": [
        (
            "Квартира",
            "г. Гусь-Хрустальный, ул. Калинина, д. 17, кв. 9",
            (*ENERGOMERA, "011552180002271", 1, 2, False, "2019-02-11"),
        )
    ],
    "3300000008": [
        (
            "Квартира",
            "г. Владимир, пр-т Строителей, д. 9, корп. 2, кв. 112",
            (*MILUR, "41070988", 1, 3, True, "2022-12-05"),
        )
    ],
    "3300000009": [
        (
            "Жилой дом",
            "г. Вязники, ул. Железнодорожная, д. 5",
            (*MERCURY_3, "42210764", 3, 1, True, "2022-07-25"),
        ),
        (
            "Летняя кухня",
            "г. Вязники, ул. Железнодорожная, д. 5, стр. 1",
            (*MERCURY_1, "27703318", 1, 1, False, "2014-06-30"),
        ),
    ],
    "3300000010": [
        (
            "Квартира",
            "г. Собинка, ул. Димитрова, д. 11, кв. 40",
            (*NARTIS, "2211007790", 1, 2, True, "2022-02-08"),
        )
    ],
    "3300000011": [
        (
            "Жилой дом",
            "Владимирская обл., Юрьев-Польский р-н, с. Небылое, ул. Центральная, д. 23",
            (*MERCURY_3, "42217345", 3, 3, True, "2022-10-12"),
        ),
        (
            "Хозяйственная постройка",
            "Владимирская обл., Юрьев-Польский р-н, с. Небылое, ул. Центральная, д. 23а",
            (*MILUR, "41050217", 1, 1, False, "2018-05-16"),
        ),
    ],
    "3300000012": [
        (
            "Квартира",
            "г. Киржач, мкр. Красный Октябрь, ул. Пушкина, д. 6, кв. 2",
            (*ENERGOMERA, "011552190007725", 1, 1, True, "2022-05-30"),
        )
    ],
}

ORGANIZATIONS = [
    # (kind, registry number, ИНН, name, {contract: (signed_on, [(point, address, meter)])})
    (
        "company",
        "1133324980030",
        "3337234788",
        "ООО «Клязьма-Приборсервис»",
        {
            "ЭС-1001": (
                "2019-03-01",
                [
                    (
                        "Производственный цех № 1",
                        "г. Владимир, ул. Мещерская, д. 5, стр. 1",
                        (*MERCURY_3, "42201170", 3, 3, True, "2022-02-21"),
                    ),
                    (
                        "Склад готовой продукции",
                        "г. Владимир, ул. Мещерская, д. 5, стр. 3",
                        (*MERCURY_3, "42201184", 3, 2, True, "2022-02-21"),
                    ),
                    (
                        "Административный корпус",
                        "г. Владимир, ул. Мещерская, д. 5",
                        (*MILUR, "41071502", 1, 1, True, "2022-03-03"),
                    ),
                ],
            ),
            "ЭС-1002": (
                "2021-07-15",
                [
                    (
                        "Ремонтная мастерская",
                        "г. Камешково, ул. Свердлова, д. 12",
                        (*MERCURY_3, "42206648", 3, 2, True, "2022-08-10"),
                    ),
                    (
                        "Контрольно-пропускной пункт",
                        "г. Камешково, ул. Свердлова, д. 12, стр. 2",
                        (*NARTIS, "2211003321", 1, 1, True, "2022-08-10"),
                    ),
                ],
            ),
        },
    ),
    (
        "entrepreneur",
        "315333367975982",
        "332087096400",
        "ИП Петров Сергей Николаевич",
        {
            "ЭС-2001": (
                "2020-10-01",
                [
                    (
                        "Магазин «Продукты»",
                        "г. Владимир, ул. Горького, д. 50",
                        (*MERCURY_3, "42213096", 3, 2, True, "2022-06-20"),
                    )
                ],
            )
        },
    ),
]

# Older meters: the reading they had when the simulated profile starts.
LEGACY_PROFILE_START = "2025-01-01"
DEMO_INDIVIDUAL_SNILS = "11223344595"
DEMO_INDIVIDUAL_ACCOUNTS = ("3300000001", "3300000002")


def _insert_point(conn, point_id: int, point, *, account=None, contract=None) -> None:
    name, address, (brand, model, serial, phases, zones, smart, commissioned) = point
    conn.execute(
        "INSERT INTO metering_points (id, name, address, personal_account_number,"
        " supply_contract_number) VALUES (?, ?, ?, ?, ?)",
        (point_id, name, address, account, contract),
    )
    seed = point_id * 7_919 + 101
    conn.execute(
        "INSERT INTO meters (id, metering_point_id, brand, model, serial_number, phases,"
        " tariff_zones, is_smart, commissioned_at, sim_seed, profile_start, initial_wh)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            point_id,
            point_id,
            brand,
            model,
            serial,
            phases,
            zones,
            int(smart),
            commissioned,
            seed,
            commissioned if smart else LEGACY_PROFILE_START,
            0 if smart else 4_000_000 + (seed % 9_000) * 1_000,
        ),
    )


def load(app: CabinetApp) -> None:
    """Loading twice changes nothing: the registry is written once, and the demo individual's
    accounts are added only together with it (a later removal by the user stays removed)."""
    now = iso(app.clock.now())
    with app.db.write(lock="demo") as conn:
        if conn.execute("SELECT 1 FROM personal_accounts LIMIT 1").fetchone():
            return
        point_id = 1
        for number, points in PERSONAL_ACCOUNTS.items():
            conn.execute(
                "INSERT INTO personal_accounts (number, address) VALUES (?, ?)",
                (number, points[0][1]),
            )
            for point in points:
                _insert_point(conn, point_id, point, account=number)
                point_id += 1
        for kind, registry_number, inn, name, contracts in ORGANIZATIONS:
            cur = conn.execute(
                "INSERT INTO organizations (kind, registry_number, inn, name) VALUES (?, ?, ?, ?)"
                " RETURNING id",
                (kind, registry_number, inn, name),
            )
            organization_id = inserted_id(cur)
            for contract, (signed_on, points) in contracts.items():
                conn.execute(
                    "INSERT INTO supply_contracts (number, organization_id, signed_on)"
                    " VALUES (?, ?, ?)",
                    (contract, organization_id, signed_on),
                )
                for point in points:
                    _insert_point(conn, point_id, point, contract=contract)
                    point_id += 1
        # Points and meters got their ids here (the demo's fixed ones): the next id given
        # by the database must come after them.
        app.db.ids_taken(conn, "metering_points", "meters")
        individual = conn.execute(
            "SELECT id FROM consumers WHERE snils = ?", (DEMO_INDIVIDUAL_SNILS,)
        ).fetchone()
        if individual is not None:
            for number in DEMO_INDIVIDUAL_ACCOUNTS:
                conn.execute(
                    "INSERT INTO consumer_personal_accounts (consumer_id, number, added_at)"
                    " VALUES (?, ?, ?)",
                    (individual["id"], number, now),
                )
