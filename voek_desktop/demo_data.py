"""Who the demo consumers are (docs/design.md "Demo data"). Shared by the server's demo loader and
the app's demo panel, and light enough to import on start-up."""

DEMO_PASSWORD = "demo-Password-2026"

# Who signs the demo server's connection contracts for АО «ВОЭК» (a made-up person).
DEMO_GRID_SIGNATORY = {
    "position": "Заместитель генерального директора по развитию и технологическому присоединению",
    "name": "Соколов Андрей Викторович",
    "position_genitive": (
        "заместителя генерального директора по развитию и технологическому присоединению"
    ),
    "name_genitive": "Соколова Андрея Викторовича",
    "basis": "доверенности № 14 от 09.01.2026",
}

# The grid company's requisites in the demo (`voek-server --company FILE` in a real
# deployment): sample values, and ``sample`` makes every printout say «образец» beside them.
# The ИНН and ОГРН pass their checksums but belong to no registered company (tax office 3300
# does not exist).
DEMO_COMPANY = {
    "name": "Акционерное общество «Владимирская областная электросетевая компания»",
    "short_name": "АО «ВОЭК»",
    "address": "600000, Владимирская область, г. Владимир, ул. Примерная, д. 1",
    "inn": "3300000007",
    "kpp": "330001001",
    "ogrn": "1033300000007",
    "support_phone": "+74922000000",
    "site": "voek33.ru",
    "signatory": DEMO_GRID_SIGNATORY,
    "sample": True,
}

DEMO_CONSUMERS = [
    {
        "consumer_type": "individual",
        "snils": "11223344595",
        "email": "ivanov@example.test",
        "phone": "+79201234567",
    },
    {
        "consumer_type": "entrepreneur",
        "inn": "332087096400",
        "ogrnip": "315333367975982",
        "email": "petrov.ip@example.test",
        "phone": "+79107654321",
    },
    {
        "consumer_type": "company",
        "inn": "3337234788",
        "ogrn": "1133324980030",
        "email": "office@zavod-example.test",
        "phone": "+74922123456",
    },
]
