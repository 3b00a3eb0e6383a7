"""Personal accounts, organisations and supply contracts, and who may see which meter: another
consumer's object is 404, never 403 or 200 (docs/design.md "Metering", "API")."""

from __future__ import annotations

import pytest

# Demo registry (docs/design.md "Demo data"; voek_desktop/api/server/demo/metering.py): meter ids
# by place.
INDIVIDUAL_SMART = 1  # 3300000001
INDIVIDUAL_SMART_3ZONE = 2  # 3300000002
INDIVIDUAL_NOT_SMART = 3  # 3300000002
OTHER_ACCOUNT_METER = 4  # 3300000003, not added by the demo individual
COMPANY_METER = 17  # ЭС-1001
ENTREPRENEUR_METER = 22  # ЭС-2001


# A meter serial of each account, as printed on the bill (GET /dev/registry lists them).
SERIAL = {"3300000001": "41070012", "3300000003": "31804522", "3300000005": "2211004573"}


def _snils(body: str) -> str:
    total = sum(int(d) * w for d, w in zip(body, range(9, 0, -1), strict=True))
    return body + f"{total % 101 % 100:02d}"


def _individual(n: int) -> dict:
    return {
        "consumer_type": "individual",
        "snils": _snils(f"{200000000 + n * 7919:09d}"),
        "email": f"household{n}@example.test",
        "password": "Correct-Horse-7",
        "password_confirmation": "Correct-Horse-7",
        "phone": "+7 920 1234567",
        "personal_data_consent": True,
    }


# --- personal accounts -------------------------------------------------------------------------


def test_demo_individual_starts_with_two_accounts_and_their_meters(shared_mapi):
    resp = shared_mapi.get("/personal-accounts")
    assert resp.status_code == 200
    items = resp.json()["items"]
    assert [a["number"] for a in items] == ["3300000001", "3300000002"]
    assert items[1]["meters_count"] == 2
    assert "Владимир" in items[0]["address"]

    meters = shared_mapi.get("/personal-accounts/3300000002/meters").json()["items"]
    assert {m["is_smart"] for m in meters} == {True, False}
    for meter in meters:
        assert meter["brand"] and meter["model"] and meter["serial_number"]
        assert len(meter["readings"]) == meter["tariff_zones"]
        assert [r["zone"] for r in meter["readings"]] == [
            f"T{i}" for i in range(1, meter["tariff_zones"] + 1)
        ]
        assert all(isinstance(r["value"], float) and r["value"] > 0 for r in meter["readings"])
        assert meter["readings_date"]


def test_add_duplicate_unknown_malformed_and_remove(mapi):
    added = mapi.post(
        "/personal-accounts",
        json={"number": "33 0000 0003", "meter_serial_number": SERIAL["3300000003"]},
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["message"] == "Номер лицевого счета успешно добавлен"
    assert body["personal_account"]["number"] == "3300000003"
    numbers = [a["number"] for a in mapi.get("/personal-accounts").json()["items"]]
    assert "3300000003" in numbers
    assert mapi.get(f"/meters/{OTHER_ACCOUNT_METER}").status_code == 200

    mapi.error(
        mapi.post(
            "/personal-accounts",
            json={"number": "3300000003", "meter_serial_number": SERIAL["3300000003"]},
        ),
        409,
        "personal_account_already_added",
    )
    mapi.error(
        mapi.post(
            "/personal-accounts", json={"number": "3300009999", "meter_serial_number": "41070012"}
        ),
        404,
        "personal_account_not_found",
    )
    for bad in ("12ab", "", "33000000031", 3300000004, None):
        mapi.error(
            mapi.post(
                "/personal-accounts", json={"number": bad, "meter_serial_number": "41070012"}
            ),
            422,
            "validation_failed",
            {"number"},
        )

    assert mapi.delete("/personal-accounts/3300000003").status_code == 204
    mapi.error(mapi.delete("/personal-accounts/3300000003"), 404, "not_found")
    mapi.error(mapi.get("/personal-accounts/3300000003/meters"), 404, "not_found")
    mapi.error(mapi.get(f"/meters/{OTHER_ACCOUNT_METER}"), 404, "not_found")


def test_the_same_account_in_two_cabinets(mapi):
    # The number from the bill is the proof: another household member may add it too
    # (docs/design.md "Metering").
    other = mapi.register("spouse", _individual(1))
    assert mapi.get("/personal-accounts", who=other).json()["items"] == []
    mapi.error(mapi.get(f"/meters/{INDIVIDUAL_SMART}", who=other), 404, "not_found")
    added = mapi.post(
        "/personal-accounts",
        who=other,
        json={"number": "3300000001", "meter_serial_number": SERIAL["3300000001"]},
    )
    assert added.status_code == 201, added.text
    assert mapi.get(f"/meters/{INDIVIDUAL_SMART}", who=other).status_code == 200
    # Still only what it added: the demo individual's other account stays invisible.
    mapi.error(mapi.get(f"/meters/{INDIVIDUAL_SMART_3ZONE}", who=other), 404, "not_found")
    mapi.error(mapi.get("/personal-accounts/3300000002/meters", who=other), 404, "not_found")
    # Removing it from one cabinet leaves it in the other.
    assert mapi.delete("/personal-accounts/3300000001", who=other).status_code == 204
    assert mapi.get(f"/meters/{INDIVIDUAL_SMART}").status_code == 200


def test_personal_accounts_are_for_individuals(shared_mapi):
    for who in ("company", "entrepreneur"):
        shared_mapi.error(shared_mapi.get("/personal-accounts", who=who), 403, "individuals_only")
        shared_mapi.error(
            shared_mapi.post(
                "/personal-accounts",
                who=who,
                json={"number": "3300000005", "meter_serial_number": SERIAL["3300000005"]},
            ),
            403,
            "individuals_only",
        )


# --- organisations -----------------------------------------------------------------------------


def test_company_confirms_once_then_sees_contracts_and_meters(mapi):
    org = mapi.get("/organization", who="company")
    assert org.status_code == 200
    body = org.json()
    assert body["in_registry"] is True and body["confirmed"] is False
    assert body["support"]["phone"] and "@" in body["support"]["email"]
    mapi.error(mapi.get("/supply-contracts", who="company"), 403, "organization_not_confirmed")
    mapi.error(
        mapi.get("/supply-contracts/ЭС-1001/meters", who="company"),
        403,
        "organization_not_confirmed",
    )
    mapi.error(mapi.get(f"/meters/{COMPANY_METER}", who="company"), 404, "not_found")

    for wrong in ("ЭС-2001", "ЭС-9999", ""):
        mapi.error(
            mapi.post(
                "/organization/confirmation", who="company", json={"supply_contract_number": wrong}
            ),
            422,
            "validation_failed",
            {"supply_contract_number"},
        )
    assert mapi.get("/organization", who="company").json()["confirmed"] is False

    mapi.confirm("company", "эс 1002")  # typed loosely
    assert mapi.get("/organization", who="company").json()["confirmed"] is True
    contracts = mapi.get("/supply-contracts", who="company").json()["items"]
    assert [c["number"] for c in contracts] == ["ЭС-1001", "ЭС-1002"]
    assert [len(c["metering_points"]) for c in contracts] == [3, 2]
    meters = mapi.get("/supply-contracts/ЭС-1002/meters", who="company").json()["items"]
    assert len(meters) == 2 and all(m["supply_contract_number"] == "ЭС-1002" for m in meters)
    assert mapi.get(f"/meters/{COMPANY_METER}", who="company").status_code == 200
    # The entrepreneur's contract stays invisible.
    mapi.error(mapi.get("/supply-contracts/ЭС-2001/meters", who="company"), 404, "not_found")
    mapi.confirm("company", "ЭС-1001")  # confirming again changes nothing


def test_entrepreneur_has_one_contract(mapi):
    assert mapi.get("/organization", who="entrepreneur").json()["confirmed"] is False
    mapi.confirm("entrepreneur", "ЭС-2001")
    contracts = mapi.get("/supply-contracts", who="entrepreneur").json()["items"]
    assert [(c["number"], len(c["metering_points"])) for c in contracts] == [("ЭС-2001", 1)]


def test_individuals_have_no_organization(shared_mapi):
    shared_mapi.error(shared_mapi.get("/organization"), 403, "organizations_only")
    shared_mapi.error(shared_mapi.get("/supply-contracts"), 403, "organizations_only")


def test_company_outside_the_registry_gets_support_contacts(mapi):
    body = {
        "consumer_type": "company",
        "inn": "7707083893",
        "ogrn": "1027700132195",
        "email": "outside@example.test",
        "password": "Correct-Horse-7",
        "password_confirmation": "Correct-Horse-7",
        "phone": "+7 920 1234567",
        "personal_data_consent": True,
    }
    mapi.register("company:outside", body)
    org = mapi.get("/organization", who="company:outside").json()
    assert org["in_registry"] is False and org["confirmed"] is False
    assert org["support"]["phone"] and org["support"]["email"]
    mapi.error(
        mapi.post(
            "/organization/confirmation",
            who="company:outside",
            json={"supply_contract_number": "ЭС-1001"},
        ),
        403,
        "organization_not_in_registry",
    )


# --- who sees what -----------------------------------------------------------------------------


def _meter_paths(meter_id: int | str) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", f"/meters/{meter_id}", None),
        ("GET", f"/meters/{meter_id}/smart-data", None),
        ("GET", f"/meters/{meter_id}/intervals?from=2025-01-01&to=2025-01-02", None),
        (
            "POST",
            f"/meters/{meter_id}/archive-requests",
            {"period_start": "2025-01-01", "period_end": "2025-01-02"},
        ),
        ("GET", f"/archive-requests?meter_id={meter_id}", None),
    ]


@pytest.mark.parametrize(
    ("who", "meter_id"),
    [
        ("company", INDIVIDUAL_SMART),
        ("company", ENTREPRENEUR_METER),
        ("entrepreneur", COMPANY_METER),
        ("entrepreneur", INDIVIDUAL_SMART),
        ("individual", COMPANY_METER),
        ("individual", OTHER_ACCOUNT_METER),
        ("individual", 99999),
        ("individual", "abc"),
        ("individual", "-1"),
    ],
)
def test_foreign_meters_are_not_found(mapi, who, meter_id):
    mapi.confirm("company", "ЭС-1001")
    mapi.confirm("entrepreneur", "ЭС-2001")
    for method, path, body in _meter_paths(meter_id):
        kwargs = {"json": body} if body is not None else {}
        mapi.error(mapi.request(method, path, who=who, **kwargs), 404, "not_found")


def test_foreign_archive_requests_are_not_found(mapi):
    mapi.confirm("company", "ЭС-1001")
    mine = mapi.post(
        f"/meters/{INDIVIDUAL_SMART}/archive-requests",
        json={"period_start": "2025-01-01", "period_end": "2025-01-02"},
    )
    assert mine.status_code == 201, mine.text
    rid = mine.json()["id"]
    for method, path, body in [
        ("GET", f"/archive-requests/{rid}", None),
        ("PATCH", f"/archive-requests/{rid}", {"period_end": "2025-01-03"}),
        ("GET", f"/archive-requests/{rid}/file", None),
    ]:
        kwargs = {"json": body} if body is not None else {}
        mapi.error(mapi.request(method, path, who="company", **kwargs), 404, "not_found")
    assert mapi.get("/archive-requests", who="company").json()["items"] == []
    assert [r["id"] for r in mapi.get("/archive-requests").json()["items"]] == [rid]
    assert mapi.get(f"/archive-requests/{rid}").status_code == 200


def test_not_smart_meter_has_no_smart_data(shared_mapi):
    meter = shared_mapi.get(f"/meters/{INDIVIDUAL_NOT_SMART}").json()
    assert meter["is_smart"] is False
    shared_mapi.error(
        shared_mapi.get(f"/meters/{INDIVIDUAL_NOT_SMART}/smart-data"), 409, "meter_not_smart"
    )
    shared_mapi.error(
        shared_mapi.get(f"/meters/{INDIVIDUAL_NOT_SMART}/intervals?from=2025-01-01&to=2025-01-01"),
        409,
        "meter_not_smart",
    )
    shared_mapi.error(
        shared_mapi.post(
            f"/meters/{INDIVIDUAL_NOT_SMART}/archive-requests",
            json={"period_start": "2025-01-01", "period_end": "2025-01-02"},
        ),
        409,
        "meter_not_smart",
    )
