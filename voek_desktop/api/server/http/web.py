"""A small WSGI toolkit: requests, JSON responses, routing, errors. Standard library only."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from voek_desktop.api.server.core.files import part_prefix

JSON_TYPE = "application/json; charset=utf-8"
JSON_BODY_LIMIT = 1024 * 1024
# No request of the API nests deeper than a few levels; the parser's recursion ends at ~1000
# (a RecursionError, i.e. a 500), so refuse anything past this before anyone walks it.
JSON_MAX_DEPTH = 32

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    206: "Partial Content",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    411: "Length Required",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def json_bytes(data: Any) -> bytes:
    """The API's JSON text of ``data``: UTF-8, Cyrillic as it is, no blanks."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class HttpError(Exception):
    """An answer with the API's one error body, ``{"error": {"code", "message", "fields"}}``
    (docs/design.md "API"). ``message`` is Russian, for the user."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


def validation_failed(fields: dict[str, str]) -> HttpError:
    return HttpError(422, "validation_failed", "Проверьте правильность заполнения полей", fields)


def not_found() -> HttpError:
    return HttpError(404, "not_found", "Запрошенный объект не найден")


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # A large body (a file) is sent in chunks: ``stream`` yields them, ``length`` is their total.
    stream: Iterable[bytes] | None = None
    length: int | None = None

    @classmethod
    def file_part(
        cls,
        path: str | os.PathLike[str],
        content_type: str,
        start: int = 0,
        end: int | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Bytes ``start``..``end`` (inclusive; default: to the end) of a file, streamed."""
        size = os.path.getsize(path)
        last = size - 1 if end is None else min(end, size - 1)
        length = max(0, last - start + 1)

        def chunks() -> Iterator[bytes]:
            with open(path, "rb") as fh:
                fh.seek(start)
                remaining = length
                while remaining > 0:
                    chunk = fh.read(min(remaining, 256 * 1024))
                    if not chunk:
                        return
                    remaining -= len(chunk)
                    yield chunk

        return cls(
            status,
            b"",
            {"Content-Type": content_type, **(headers or {})},
            stream=chunks(),
            length=length,
        )

    @classmethod
    def stored_part(
        cls,
        stored: Any,
        content_type: str,
        start: int = 0,
        end: int | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Bytes ``start``..``end`` (inclusive; default: to the end) of a stored file (anything
        with ``size`` and ``chunks(start, length)``: core/filestore.py), streamed."""
        last = stored.size - 1 if end is None else min(end, stored.size - 1)
        length = max(0, last - start + 1)
        return cls(
            status,
            b"",
            {"Content-Type": content_type, **(headers or {})},
            stream=stored.chunks(start, length),
            length=length,
        )

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return cls.encoded(json_bytes(data), status, headers)

    @classmethod
    def encoded(
        cls, payload: bytes, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        """A JSON answer already encoded (``json_bytes``): one kept to be sent again."""
        return cls(status, payload, {"Content-Type": JSON_TYPE, **(headers or {})})

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(
            status,
            text.encode(),
            {"Content-Type": "text/html; charset=utf-8", "Referrer-Policy": "no-referrer"},
        )

    @classmethod
    def empty(cls) -> Response:
        return cls(204)


class Request:
    def __init__(self, environ: dict[str, Any], params: dict[str, str], client: str = "") -> None:
        self.environ = environ
        # The client's address as http/clients.py finds it (behind a trusted proxy, the
        # address the proxy was connected from): the key of every per-address limit.
        self.client = client
        self.method: str = environ["REQUEST_METHOD"]
        self.path: str = environ.get("PATH_INFO", "")
        self.params = params
        self.query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.consumer: Any = None  # sqlite3.Row of the logged-in consumer, set for auth routes
        self.session_id: int | None = None
        self._json: Any = None

    def header(self, name: str) -> str:
        key = "HTTP_" + name.upper().replace("-", "_")
        if name.lower() in ("content-type", "content-length"):
            key = key[5:]
        return self.environ.get(key, "")

    def content_length(self) -> int:
        try:
            return max(0, int(self.header("Content-Length") or 0))
        except ValueError:
            raise HttpError(400, "bad_request", "Неверный заголовок Content-Length") from None

    def declared_length(self, limit: int, what: str) -> int:
        """Content-Length, refused with 413 before a byte of the body is read."""
        length = self.content_length()
        connection = self.environ.setdefault("voek.connection", {})
        if length > limit:
            # The socket still holds the body; the HTTP layer drains it before closing.
            connection["drain"] = True
            raise HttpError(
                413, "payload_too_large", f"{what}: не более {limit // (1024 * 1024)} МБ"
            )
        connection["read"] = True
        return length

    def read_body(self, limit: int) -> bytes:
        length = self.declared_length(limit, "Слишком большой запрос")
        stream = self.environ["wsgi.input"]
        chunks, remaining = [], length
        while remaining > 0:
            try:
                chunk = stream.read(min(remaining, 65536))
            except TimeoutError:
                raise HttpError(
                    408, "request_timeout", "Запрос передавался слишком долго, повторите попытку"
                ) from None
            if not chunk:
                raise HttpError(400, "bad_request", "Тело запроса получено не полностью")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def save_body(self, limit: int, directory: str | os.PathLike[str]) -> tuple[str, int]:
        """Stream the body into a new temporary file in ``directory``; (path, size).

        A declared length over ``limit`` is refused with 413 before a byte is read. The caller
        renames the file into place, or deletes it."""
        length = self.declared_length(limit, "Файл слишком большой")
        stream = self.environ["wsgi.input"]
        fd, path = tempfile.mkstemp(dir=directory, prefix=part_prefix(), suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                remaining = length
                while remaining > 0:
                    try:
                        chunk = stream.read(min(remaining, 256 * 1024))
                    except TimeoutError:
                        raise HttpError(
                            408,
                            "request_timeout",
                            "Файл передавался слишком долго, повторите попытку",
                        ) from None
                    if not chunk:
                        raise HttpError(400, "bad_request", "Файл получен не полностью")
                    out.write(chunk)
                    remaining -= len(chunk)
        except BaseException:
            os.unlink(path)
            raise
        return path, length

    def json(self) -> dict[str, Any]:
        """The JSON object in the body; anything else is a 400 the client can act on."""
        if self._json is None:
            raw = self.read_body(JSON_BODY_LIMIT)
            try:
                text = raw.decode("utf-8")
                data = json.loads(text, parse_constant=_reject_constant) if text.strip() else {}
            except (UnicodeDecodeError, ValueError):
                raise HttpError(
                    400, "invalid_json", "Тело запроса не является корректным JSON"
                ) from None
            except RecursionError:
                raise _too_deep() from None
            if not isinstance(data, dict):
                raise HttpError(400, "invalid_json", "Тело запроса должно быть объектом JSON")
            _check_json(data)
            self._json = data
        return self._json


def _too_deep() -> HttpError:
    return HttpError(400, "invalid_json", f"Тело запроса вложено глубже {JSON_MAX_DEPTH} уровней")


def _check_json(data: Any) -> None:
    """Depth and text of a parsed body, walked without recursion: a lone surrogate
    (``"\\ud800"``) is valid JSON but no text, and would fail in SQLite or in the answer."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise HttpError(
                    422,
                    "invalid_text",
                    "Текст содержит недопустимые символы (одиночные суррогаты Юникода)",
                )
        elif isinstance(value, dict | list):
            if depth > JSON_MAX_DEPTH:
                raise _too_deep()
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                stack.append((key, depth))
                stack.append((item, depth + 1))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity: Python accepts them, JSON doesn't


Handler = Callable[..., Response]


@dataclass
class Route:
    method: str
    pattern: str  # OpenAPI style: /applications/{id}
    handler: Handler
    auth: bool
    doc: dict[str, Any]
    regex: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.pattern) + "$")


class Router:
    """Routes matched in the order added. Only those whose first path segment is the
    request's are tried (every pattern starts with a literal one; a pattern that starts with
    a parameter is tried for every path): walking the regexes of all ~70 routes was a tenth
    of a small request's time."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._by_head: dict[str, list[Route]] | None = None
        self._anywhere: list[Route] = []
        self._indexed = 0

    def add(
        self, method: str, pattern: str, handler: Handler, *, auth: bool, doc: dict[str, Any]
    ) -> None:
        self.routes.append(Route(method, pattern, handler, auth, doc))

    def include(self, routes: Iterable[Route]) -> None:
        self.routes.extend(routes)

    def _candidates(self, path: str) -> list[Route]:
        # Built again when routes came (tests append to ``routes`` itself).
        if self._by_head is None or self._indexed != len(self.routes):
            by_head: dict[str, list[Route]] = {}
            anywhere: list[Route] = []
            for route in self.routes:
                head = _head(route.pattern)
                if "{" in head:
                    anywhere.append(route)
                    for routes in by_head.values():
                        routes.append(route)
                else:
                    by_head.setdefault(head, list(anywhere)).append(route)
            self._by_head, self._anywhere = by_head, anywhere
            self._indexed = len(self.routes)
        # A path whose head no pattern has: only those that start with a parameter.
        return self._by_head.get(_head(path), self._anywhere)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed = []
        for route in self._candidates(path):
            m = route.regex.match(path)
            if m is None:
                continue
            if route.method == method:
                return route, m.groupdict()
            allowed.append(route.method)
        if allowed:
            raise HttpError(
                405,
                "method_not_allowed",
                "Этот метод не поддерживается для данного адреса",
                headers={"Allow": ", ".join(sorted(set(allowed)))},
            )
        raise HttpError(404, "not_found", "Такого адреса нет в API")


def _head(path: str) -> str:
    """A path's first segment: "meters" of "/meters/2/smart-data"."""
    return path.split("/", 2)[1] if path.startswith("/") else ""


class RouteTable:
    """Collects a module's routes with a decorator, with the OpenAPI fragment beside each."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.schemas: dict[str, Any] = {}  # OpenAPI components/schemas this module's routes use

    def __call__(
        self, method: str, pattern: str, *, auth: bool = True, **doc: Any
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes.append(Route(method, pattern, handler, auth, doc))
            return handler

        return register


def text_field(body: dict[str, Any], key: str) -> str:
    """A string field of a JSON body; any other type counts as empty (validation reports it)."""
    value = body.get(key)
    return value if isinstance(value, str) else ""
