"""The application routes are in the OpenAPI document with the statuses they answer."""

from __future__ import annotations

import pytest

SEEN = [
    ("get", "/application-templates", "200"),
    ("post", "/applications", "201"),
    ("post", "/applications", "422"),
    ("get", "/applications", "422"),
    ("patch", "/applications/{id}", "409"),
    ("post", "/applications/{id}/submit", "422"),
    ("post", "/applications/{id}/submit", "409"),
    ("post", "/applications/{id}/withdraw", "409"),
    ("post", "/applications/{id}/documents", "201"),
    ("post", "/applications/{id}/documents", "409"),
    ("post", "/applications/{id}/documents", "413"),
    ("post", "/applications/{id}/documents", "415"),
    ("post", "/applications/{id}/documents", "422"),
    ("get", "/applications/{id}/documents/{doc_id}", "404"),
    ("delete", "/applications/{id}/documents/{doc_id}", "204"),
    ("get", "/connection-contracts", "200"),
    ("get", "/connection-contracts/{id}/document", "200"),
    ("post", "/connection-contracts/{id}/signed-copy", "409"),
    ("post", "/connection-contracts/{id}/signed-copy", "415"),
    ("post", "/feedback", "201"),
    ("post", "/feedback", "422"),
    ("post", "/feedback/{id}/messages", "201"),
    ("get", "/survey", "200"),
    ("post", "/survey/responses", "409"),
    ("post", "/dev/applications/{id}/status", "409"),
    ("post", "/dev/feedback/{id}/reply", "201"),
]


@pytest.fixture(scope="module")
def document(shared_server):
    import requests

    return requests.get(shared_server.url + "/api/v1/openapi.json", timeout=10).json()


@pytest.mark.parametrize(("method", "path", "status"), SEEN)
def test_statuses_are_documented(document, method, path, status):
    assert status in document["paths"][path][method]["responses"]


def test_uploads_document_their_media_types(document):
    body = document["paths"]["/applications/{id}/documents"]["post"]["requestBody"]
    text = str(body)
    for media in ("application/pdf", "image/jpeg", "image/png", "image/tiff"):
        assert media in text
    assert "binary" in text
