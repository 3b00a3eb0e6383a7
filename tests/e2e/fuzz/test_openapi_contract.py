"""Contract fuzzing: schemathesis drives every operation of /api/v1/openapi.json in-process
(WSGI) with an authenticated session. Whatever it sends, the server must answer without a
5xx, with a status the document lists, a body matching its schema and JSON for errors.

Business rules (checksums, dates) cannot be written in JSON Schema, so a schema-valid body
may well get a 422: the "positive data acceptance" check is left out on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

from tests import demo  # noqa: E402
from voek_desktop.api.server import ServerConfig, create_app  # noqa: E402

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


def _app(tmp: Path):
    return create_app(ServerConfig(db_path=tmp / "cabinet.sqlite3", demo=True, dev=False))


@schemathesis.serializer("application/pdf", "image/tiff", "image/jpeg", "image/png")
def _raw_bytes(ctx, value) -> bytes:
    # Uploads are raw bodies: whatever bytes were generated go out as they are.
    return value if isinstance(value, bytes) else str(value).encode()


APP = _app(Path(__import__("tempfile").mkdtemp(prefix="voek-fuzz-")))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
# Ending the session would log the fuzzer out for every later case.
schema = schema.exclude(method="DELETE", path="/sessions/current")


def _token() -> str:
    from wsgiref.util import setup_testing_defaults

    body = json.dumps(
        {"consumer_type": "individual", "login": demo.SNILS, "password": demo.PASSWORD}
    ).encode()
    environ: dict = {}
    setup_testing_defaults(environ)
    environ.update(
        REQUEST_METHOD="POST",
        PATH_INFO="/api/v1/sessions",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(len(body)),
    )
    import io

    environ["wsgi.input"] = io.BytesIO(body)
    out = b"".join(APP(environ, lambda status, headers: None))
    return json.loads(out)["token"]


TOKEN = _token()


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract(case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)
