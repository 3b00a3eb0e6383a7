"""Plain HTTP (requests, no API client) against a real server with demo data: a session per
demo consumer type, the /dev clock and job runner, and the error-shape check of
docs/design.md "API". The metering and application tests build on it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import requests

from tests import demo
from voek_desktop.api.server import EmbeddedServer

JSON_TYPE = "application/json; charset=utf-8"
CYRILLIC = re.compile("[А-Яа-яЁё]")

_MISSING: Any = object()


class DemoCabinet:
    def __init__(self, server: EmbeddedServer) -> None:
        self.server = server
        self.root = server.url + "/api/v1"
        self.http = requests.Session()
        self.tokens: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def request(
        self, method: str, path: str, who: str | None = "individual", *, json: Any = _MISSING,
        headers: dict[str, str] | None = None, **kw: Any,
    ) -> requests.Response:  # fmt: skip
        """``who`` is a demo consumer type whose session is used, or None for no session."""
        h = dict(headers or {})
        if who is not None:
            h["Authorization"] = f"Bearer {self.token(who)}"
        if json is not _MISSING:
            kw["json"] = json
        kw.setdefault("timeout", 60)
        return self.http.request(method, self.root + path, headers=h, **kw)

    def get(self, path: str, who: str | None = "individual", **kw: Any) -> requests.Response:
        return self.request("GET", path, who, **kw)

    def post(self, path: str, who: str | None = "individual", **kw: Any) -> requests.Response:
        return self.request("POST", path, who, **kw)

    def patch(self, path: str, who: str | None = "individual", **kw: Any) -> requests.Response:
        return self.request("PATCH", path, who, **kw)

    def delete(self, path: str, who: str | None = "individual", **kw: Any) -> requests.Response:
        return self.request("DELETE", path, who, **kw)

    def token(self, who: str) -> str:
        if who not in self.tokens:
            self.tokens[who] = self.login(who)
        return self.tokens[who]

    def login(self, who: str, login: str | None = None, password: str = demo.PASSWORD) -> str:
        """A new session of the demo consumer ``who`` (or of ``login`` of that type)."""
        resp = self.http.post(
            self.root + "/sessions",
            json=demo.session_body(who, login, password),
            timeout=60,
        )
        assert resp.status_code == 201, resp.text
        return resp.json()["token"]

    def at(self, moment: datetime | str) -> datetime:
        """Set the server clock; sessions are opened again at the new time, since moving the
        clock ends idle ones."""
        when = moment if isinstance(moment, str) else moment.isoformat()
        resp = self.http.post(self.root + "/dev/clock", json={"now": when}, timeout=10)
        assert resp.status_code == 200, resp.text
        self.tokens.clear()
        return datetime.fromisoformat(resp.json()["now"])

    def run_jobs(self) -> list[dict[str, Any]]:
        resp = self.http.post(self.root + "/dev/jobs/run", timeout=300)
        assert resp.status_code == 200, resp.text
        return resp.json()["items"]

    @staticmethod
    def error(
        resp: requests.Response, status: int, code: str, fields: set[str] | None = None
    ) -> dict[str, Any]:
        """Assert the API's error shape with Russian text; returns the ``error`` object."""
        assert resp.status_code == status, (resp.status_code, resp.text)
        assert resp.headers["Content-Type"] == JSON_TYPE
        error = resp.json()["error"]
        assert error["code"] == code, error
        assert CYRILLIC.search(error["message"]), error
        if fields is not None:
            assert set(error.get("fields", {})) == fields, error
        for text in error.get("fields", {}).values():
            assert CYRILLIC.search(text), text
        return error
