"""The metering routes are in the OpenAPI document with every status these tests see."""

from __future__ import annotations

import pytest

SEEN = [
    ("get", "/personal-accounts", "200"),
    ("get", "/personal-accounts", "403"),
    ("post", "/personal-accounts", "201"),
    ("post", "/personal-accounts", "404"),
    ("post", "/personal-accounts", "409"),
    ("post", "/personal-accounts", "422"),
    ("delete", "/personal-accounts/{number}", "204"),
    ("delete", "/personal-accounts/{number}", "404"),
    ("get", "/personal-accounts/{number}/meters", "404"),
    ("get", "/organization", "200"),
    ("get", "/organization", "403"),
    ("post", "/organization/confirmation", "200"),
    ("post", "/organization/confirmation", "403"),
    ("post", "/organization/confirmation", "422"),
    ("get", "/supply-contracts", "403"),
    ("get", "/supply-contracts/{number}/meters", "404"),
    ("get", "/meters/{id}", "404"),
    ("get", "/meters/{id}/smart-data", "409"),
    ("get", "/meters/{id}/intervals", "422"),
    ("post", "/meters/{id}/archive-requests", "201"),
    ("post", "/meters/{id}/archive-requests", "422"),
    ("get", "/meters/{id}/archive-terms", "200"),
    ("get", "/meters/{id}/archive-terms", "409"),
    ("patch", "/archive-requests/{id}", "409"),
    ("patch", "/archive-requests/{id}", "422"),
    ("get", "/archive-requests/{id}/file", "206"),
    ("get", "/archive-requests/{id}/file", "409"),
    ("get", "/archive-requests/{id}/file", "416"),
    ("post", "/dev/jobs/run", "200"),
]


@pytest.fixture(scope="module")
def document(shared_server):
    import requests

    resp = requests.get(shared_server.url + "/api/v1/openapi.json", timeout=10)
    assert resp.status_code == 200
    return resp.json()


@pytest.mark.parametrize(("method", "path", "status"), SEEN)
def test_statuses_are_documented(document, method, path, status):
    assert status in document["paths"][path][method]["responses"]


def test_metering_schemas_are_referenced_and_present(document):
    schemas = document["components"]["schemas"]
    for name in ("Meter", "SmartData", "Intervals", "ArchiveRequest", "Organization"):
        assert name in schemas
    meter = schemas["Meter"]["required"]
    assert {"id", "brand", "model", "serial_number", "readings", "is_smart"} <= set(meter)
