"""The OpenAPI 3 document at /api/v1/openapi.json describes every route
(docs/design.md "API")."""

from __future__ import annotations

from typing import Any

import pytest

ERROR_REF = "#/components/schemas/Error"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def document(shared_server) -> dict[str, Any]:
    import requests

    resp = requests.get(shared_server.url + "/api/v1/openapi.json", timeout=10)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    return resp.json()


def _operations(document: dict[str, Any]):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_document_is_openapi_3(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"]
    assert document["info"]["version"]
    assert document["paths"]
    assert all(path.startswith("/") for path in document["paths"])
    assert "Error" in document["components"]["schemas"]


def test_every_route_is_documented(document, shared_server):
    routes = {(r.method.lower(), r.pattern) for r in shared_server.app.router.routes}
    documented = {(method, path) for path, method, _ in _operations(document)}
    assert routes - documented == set()
    assert documented - routes == set()  # nothing that does not exist
    assert ("get", "/dev/clock") in documented  # this server runs with --dev


def test_operation_ids_are_unique(document):
    ids = [op["operationId"] for _, _, op in _operations(document)]
    assert len(ids) == len(set(ids))


def test_every_operation_has_a_success_and_uses_the_error_schema(document):
    for path, method, operation in _operations(document):
        statuses = operation["responses"]
        assert any(s.startswith("2") for s in statuses), (method, path)
        for status, response in statuses.items():
            assert response.get("description") is not None, (method, path, status)
            if not status.startswith(("4", "5")):
                continue
            content = response.get("content", {})
            if "text/html" in content:  # the pages opened from e-mail links
                assert method == "get" and path in ("/activate", "/confirm-email", "/undo-email")
                continue
            assert content["application/json"]["schema"] == {"$ref": ERROR_REF}, (
                method,
                path,
                status,
            )


def test_protected_operations_declare_bearer_and_401(document, shared_server):
    auth = {(r.method.lower(), r.pattern) for r in shared_server.app.router.routes if r.auth}
    assert ("get", "/profile") in auth
    schemes = document["components"]["securitySchemes"]
    for path, method, operation in _operations(document):
        if (method, path) in auth:
            assert operation["security"], (method, path)
            for requirement in operation["security"]:
                assert set(requirement) <= set(schemes)
            assert "401" in operation["responses"], (method, path)
        else:
            assert not operation.get("security"), (method, path)


def test_every_reference_resolves(document):
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs
    for ref in set(refs):
        assert ref.startswith("#/"), ref
        node: Any = document
        for part in ref[2:].split("/"):
            assert part in node, ref
            node = node[part]


def test_request_bodies_are_described(document):
    post = document["paths"]["/registrations"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Registration"}
    registration = document["components"]["schemas"]["Registration"]
    assert "personal_data_consent" in registration["required"]
    assert "201" in post["responses"]


# Answers the other tests in this folder get from the server; each must be documented.
SEEN = [
    ("post", "/registrations", "201"),
    ("post", "/registrations", "400"),
    ("post", "/registrations", "409"),
    ("post", "/registrations", "413"),
    ("post", "/registrations", "422"),
    ("post", "/activations", "200"),
    ("post", "/activations", "422"),
    ("get", "/activate", "200"),
    ("get", "/activate", "400"),
    ("post", "/activations/resend", "202"),
    ("post", "/sessions", "201"),
    ("post", "/sessions", "401"),
    ("post", "/sessions", "403"),
    ("post", "/sessions", "422"),
    ("post", "/sessions", "429"),
    ("delete", "/sessions/current", "204"),
    ("delete", "/sessions/current", "401"),
    ("post", "/password-resets", "202"),
    ("post", "/password-resets/confirm", "200"),
    ("post", "/password-resets/confirm", "422"),
    ("get", "/profile", "200"),
    ("get", "/profile", "401"),
    ("patch", "/profile", "422"),
    ("post", "/profile/password", "422"),
    ("post", "/profile/email", "202"),
    ("post", "/profile/email", "409"),
    ("post", "/profile/email", "422"),
    ("post", "/profile/email", "429"),
    ("post", "/email-confirmations", "200"),
    ("post", "/email-confirmations", "409"),
    ("post", "/email-confirmations", "422"),
    ("get", "/confirm-email", "400"),
    ("post", "/profile/email/undo", "200"),
    ("post", "/profile/email/undo", "409"),
    ("post", "/profile/email/undo", "422"),
    ("get", "/undo-email", "200"),
    ("get", "/undo-email", "400"),
    ("post", "/dev/clock", "200"),
]


@pytest.mark.parametrize(("method", "path", "status"), SEEN)
def test_statuses_the_server_gives_are_documented(document, method, path, status):
    assert status in document["paths"][path][method]["responses"]
    if status == "429":
        headers = document["paths"][path][method]["responses"][status].get("headers", {})
        assert "Retry-After" in headers


def test_authenticated_gets_document_etag_and_304(document):
    polled = document["paths"]["/applications"]["get"]
    assert "If-None-Match" in [p["name"] for p in polled["parameters"] if p["in"] == "header"]
    assert "ETag" in polled["responses"]["200"]["headers"]
    assert "ETag" in polled["responses"]["304"]["headers"]
    assert "content" not in polled["responses"]["304"]
    assert "304" not in document["paths"]["/health"]["get"]["responses"]
