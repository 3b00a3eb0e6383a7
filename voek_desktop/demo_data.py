"""Who the demo consumers are (docs/design.md "Demo data"). Shared by the server's demo loader and
the app's demo panel, and light enough to import on start-up."""

DEMO_PASSWORD = "demo-Password-2026"

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
