"""The HTTP layer: JSON everywhere, limits, slow clients, overload, internal errors
(docs/design.md "API")."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time

import pytest
import requests

from voek_desktop.api.server import start_embedded
from voek_desktop.api.server.http.httpd import AppSlot
from voek_desktop.api.server.http.web import Response, Route

JSON_TYPE = "application/json; charset=utf-8"
MB = 1024 * 1024


def _status(raw_response: bytes) -> int:
    return int(raw_response.split(b" ", 2)[1])


def _body(raw_response: bytes) -> dict:
    head, _, body = raw_response.partition(b"\r\n\r\n")
    assert b"content-type: application/json; charset=utf-8" in head.lower(), head
    return json.loads(body.decode("utf-8"))


@pytest.mark.parametrize(
    "url", ["/api/v1/nothing-here", "/api/v1/", "/api/v1", "/", "/favicon.ico", "/api/v2/health"]
)
def test_unknown_path_is_json_404(shared_api, url):
    resp = requests.get(shared_api.base + url, timeout=10)
    shared_api.error(resp, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/health", "GET"),
        ("POST", "/health", "GET"),
        ("PUT", "/profile", "GET, PATCH"),
        ("GET", "/sessions", "POST"),
        ("GET", "/registrations", "POST"),
        ("POST", "/activate", "GET"),
        ("OPTIONS", "/openapi.json", "GET"),
    ],
)
def test_wrong_method_is_json_405_with_allow(shared_api, method, path, allow):
    resp = shared_api.request(method, path)  # no session: 405 comes before 401
    shared_api.error(resp, 405, "method_not_allowed")
    assert resp.headers["Allow"] == allow


@pytest.mark.parametrize("size", [MB + 1, 8 * MB])
def test_json_body_over_1_mb_is_413(shared_api, size):
    body = b"{" + b" " * (size - 2) + b"}"
    resp = shared_api.post(
        "/registrations", data=body, headers={"Content-Type": "application/json"}
    )
    shared_api.error(resp, 413, "payload_too_large")
    assert "1 МБ" in resp.json()["error"]["message"]
    assert shared_api.get("/health").status_code == 200


def test_413_reaches_a_client_that_sends_the_whole_body(shared_server, raw):
    """The server answers before reading the body; it must not reset the connection while
    the client is still sending, or the client sees an error instead of the 413."""
    body = b"{" + b" " * (3 * MB) + b"}"
    head = (
        "POST /api/v1/registrations HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    answer = raw(shared_server.port, head + body, chunk=64 * 1024)
    assert _status(answer) == 413
    assert _body(answer)["error"]["code"] == "payload_too_large"


def test_413_comes_before_the_body_is_sent(shared_server):
    """A client that waits for an early answer gets the 413 without uploading."""
    with socket.create_connection(("127.0.0.1", shared_server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"
        )
        answer = b""
        while part := sock.recv(65536):
            answer += part
    assert _status(answer) == 413
    assert _body(answer)["error"]["code"] == "payload_too_large"


def test_json_body_of_exactly_1_mb_is_read(shared_api):
    prefix = b'{"consumer_type": "individual", "pad": "'
    body = prefix + b"x" * (MB - len(prefix) - 2) + b'"}'
    assert len(body) == MB
    resp = shared_api.post(
        "/registrations", data=body, headers={"Content-Type": "application/json"}
    )
    shared_api.error(resp, 422, "validation_failed")


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b'{"email": }',
        b"[1, 2]",
        b'[{"email": "a@b.ru"}]',
        b'"text"',
        b"42",
        b"null",
        b"\xff\xfe{}",
        b'{"email": "\xd0"}',
    ],
)
def test_body_that_is_not_a_json_object_is_400(shared_api, body):
    resp = shared_api.post(
        "/password-resets", data=body, headers={"Content-Type": "application/json"}
    )
    shared_api.error(resp, 400, "invalid_json")


def test_empty_body_counts_as_an_empty_object(shared_api):
    resp = shared_api.post("/password-resets", data=b"")
    shared_api.error(resp, 422, "validation_failed", {"email"})


def test_bad_content_length_is_400(shared_server, raw):
    answer = raw(
        shared_server.port,
        b"POST /api/v1/password-resets HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Length: lots\r\n\r\n{}",
    )
    assert _status(answer) == 400
    assert _body(answer)["error"]["code"] == "bad_request"


def test_body_shorter_than_announced_is_400(shared_server):
    with socket.create_connection(("127.0.0.1", shared_server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v1/password-resets HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Length: 100\r\n\r\n{}"
        )
        sock.shutdown(socket.SHUT_WR)  # the client gives up after two bytes
        answer = b""
        while part := sock.recv(65536):
            answer += part
    assert _status(answer) == 400
    assert _body(answer)["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /api/v1/" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\n" + b"X-A: b\r\n" * 150 + b"\r\n",
        # RFC 9112 §5.1: blanks before the colon are refused (a proxy may read it otherwise).
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
        b"GET /api/v1/health HTTP/1.1\r\n continued: nothing before\r\n\r\n",
    ],
    ids=[
        "long-request-line",
        "long-header",
        "too-many-headers",
        "blank-before-colon",
        "no-colon",
        "continuation-first",
    ],
)
def test_malformed_requests_get_json_errors(shared_server, raw, request_bytes):
    answer = raw(shared_server.port, request_bytes)
    assert 400 <= _status(answer) < 500
    assert _body(answer)["error"]["code"] == "bad_request"
    assert b"python" not in answer.lower()


@pytest.mark.slow
def test_server_header_names_no_python(shared_api, shared_server, raw):
    responses = [
        shared_api.get("/health"),
        shared_api.get("/nothing"),
        shared_api.request("DELETE", "/health"),
        shared_api.get("/profile"),
        shared_api.post("/sessions", data=b"{"),
    ]
    for resp in responses:
        server = resp.headers.get("Server", "")
        assert "python" not in server.lower(), server
        assert "wsgiref" not in server.lower(), server
        assert "/" not in server, server  # no version of anything
    assert b"python" not in raw(shared_server.port, b"GARBAGE / HTTP/1.1\r\n\r\n").lower()


def test_json_answers_carry_safety_headers(shared_api):
    resp = shared_api.get("/health")
    assert resp.headers["Content-Type"] == JSON_TYPE
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Request-Id"]
    assert resp.json()["status"] == "ok"


def test_dev_routes_are_absent_without_dev(tmp_path, api_for):
    srv = start_embedded(tmp_path / "prod", demo=False, dev=False)
    try:
        api = api_for(srv)
        assert api.get("/health").status_code == 200
        for method, path in [
            ("GET", "/dev/clock"),
            ("POST", "/dev/clock"),
            ("GET", "/dev/outbox"),
            ("POST", "/dev/jobs/run"),
        ]:
            api.error(api.request(method, path, json={"advance_seconds": 3600}), 404, "not_found")
        paths = api.get("/openapi.json").json()["paths"]
        assert not [p for p in paths if p.startswith("/dev")]
    finally:
        srv.stop()


def _read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP answer off a kept-alive connection: status, headers (lower-case), body."""
    data = b""
    while b"\r\n\r\n" not in data:
        part = sock.recv(65536)
        assert part, f"connection closed after {data!r}"
        data += part
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    while len(body) < int(headers["content-length"]):
        body += sock.recv(65536)
    return int(lines[0].split()[1]), headers, body


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


HEALTH = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
# A JSON body announced as 100 bytes, of which 10 come; the rest never does.
STALLED_BODY = (
    b"POST /api/v1/password-resets HTTP/1.1\r\nHost: x\r\n"
    b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email": '
)


def test_one_connection_serves_several_requests_then_idles_out(make_server):
    srv = make_server(keep_alive_timeout=0.5)
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
        for _ in range(3):
            sock.sendall(HEALTH)
            status, headers, body = _read_answer(sock)
            assert status == 200
            assert headers.get("connection") != "close"
            assert json.loads(body)["status"] == "ok"
        # Two requests sent at once (pipelined) get two answers, in order.
        sock.sendall(HEALTH + b"GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_answer(sock)[0] == 200
        assert _read_answer(sock)[0] == 404
        started = time.monotonic()
        assert _closed_by_server(sock, within=5)
        assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /api/v1/password-resets HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n{}",
        b"POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 5000000\r\n\r\n{",
        b"POST /api/v1/password-resets HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"\r\n2\r\n{}\r\n0\r\n\r\n",
    ],
    ids=["bad-length", "too-large", "chunked"],
)
def test_a_body_left_unread_ends_the_connection(shared_server, request_bytes):
    # Otherwise the rest of that body would be read as the next request.
    with socket.create_connection(("127.0.0.1", shared_server.port), timeout=10) as sock:
        sock.sendall(request_bytes)
        status, headers, _ = _read_answer(sock)
        assert 400 <= status < 500
        assert headers["connection"] == "close"
        assert _closed_by_server(sock, within=5)


def test_header_names_in_any_case_folded_values_and_repeats_are_read(shared_server, shared_api):
    """The server reads the head itself (http/httpd.py ``_RequestHeaders``): a name in any
    case, a value continued on the next line (obs-fold) and a repeated field as a client or
    a proxy may send them."""
    token = shared_api.login().encode()
    with socket.create_connection(("127.0.0.1", shared_server.port), timeout=10) as sock:
        sock.sendall(
            b"GET /api/v1/personal-accounts HTTP/1.1\r\nhost: x\r\n"
            b"AUTHORIZATION: Bearer\r\n " + token + b"\r\n\r\n"
        )
        status, headers, body = _read_answer(sock)
        assert status == 200, body
        etag = headers["etag"].encode()
        # If-None-Match twice: the fields are one list (RFC 9110 §5.3), the tag is in it.
        sock.sendall(
            b"GET /api/v1/personal-accounts HTTP/1.1\r\nHost: x\r\n"
            b"authorization: Bearer " + token + b"\r\n"
            b'If-None-Match: "other"\r\nif-none-match: ' + etag + b"\r\n\r\n"
        )
        head = b""
        while b"\r\n\r\n" not in head:  # a 304 states the length of a body it has not
            part = sock.recv(65536)
            assert part, head
            head += part
        assert head.startswith(b"HTTP/1.1 304 "), head
        sock.sendall(HEALTH.replace(b"Host: x", b"Host: x\r\nConnection: close"))
        assert _read_answer(sock)[1]["connection"] == "close"
        assert _closed_by_server(sock, within=5)


def test_a_slow_upload_does_not_hold_up_other_clients(make_server):
    srv = make_server(socket_timeout=6.0)
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as slow:
        slow.sendall(STALLED_BODY)
        time.sleep(0.3)  # the server is now inside the application, waiting for the body
        started = time.monotonic()
        for _ in range(5):
            assert requests.get(srv.url + "/api/v1/health", timeout=10).status_code == 200
        assert time.monotonic() - started < 2  # not the 6 s the slow body may take


def _slow(app, req):
    time.sleep(3)  # a long computation: the application holds its slot meanwhile
    return Response.json({"status": "done"})


def _add_slow(app) -> None:
    app.router.routes.append(Route("GET", "/slow", _slow, False, {"summary": "slow"}))


def test_the_slot_serves_waiting_requests_in_the_order_they_came():
    """First come, first served (http/httpd.py ``AppSlot``): a request that arrives as the
    slot is given back waits behind those already waiting, instead of taking it from them
    (a semaphore's newcomer did, and with 50 clients a request passed over again and again
    made the p99 3-4x the median)."""
    slot = AppSlot(long_after=60.0)  # no excuse by age: only the order is looked at
    order: list[object] = []

    def request(n: int) -> None:
        slot.acquire()
        order.append(n)
        slot.release()

    slot.acquire()  # a request in the slot
    waiting = []
    for n in range(5):
        thread = threading.Thread(target=request, args=(n,))
        thread.start()
        deadline = time.monotonic() + 5
        while slot.waiting() < n + 1 and time.monotonic() < deadline:
            time.sleep(0.001)
        waiting.append(thread)
    slot.release()
    slot.acquire()  # a newcomer, at the very moment the slot was given back
    order.append("newcomer")
    slot.release()
    for thread in waiting:
        thread.join(5)
    slot.close()
    assert order == [0, 1, 2, 3, 4, "newcomer"]


@pytest.mark.slow
def test_a_long_request_does_not_queue_the_others(make_server):
    srv = make_server(prepare=_add_slow)
    slow = threading.Thread(target=requests.get, args=(srv.url + "/api/v1/slow",))
    slow.start()
    time.sleep(0.3)
    started = time.monotonic()
    for _ in range(5):
        assert requests.get(srv.url + "/api/v1/health", timeout=10).status_code == 200
    assert time.monotonic() - started < 1.5  # not after the 3 s of the slow one
    slow.join()


def test_an_idle_kept_alive_connection_gives_its_worker_to_a_waiting_one(make_server):
    srv = make_server(workers=1, keep_alive_timeout=30.0)
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as idle:
        idle.sendall(HEALTH)
        assert _read_answer(idle)[0] == 200  # kept alive, holding the only worker
        started = time.monotonic()
        assert requests.get(srv.url + "/api/v1/health", timeout=10).status_code == 200
        assert time.monotonic() - started < 2  # not the 30 s keep-alive
        assert _closed_by_server(idle, within=2)


@pytest.mark.slow
def test_idle_connections_do_not_stop_other_clients(make_server):
    srv = make_server(workers=2, socket_timeout=1.0)
    idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(4)]
    try:
        idle[0].sendall(b"GET /api/v1/hea")  # half a request line, then nothing
        idle[1].sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")  # no blank line
        time.sleep(0.2)
        started = time.monotonic()
        resp = requests.get(srv.url + "/api/v1/health", timeout=8)
        assert resp.status_code == 200
        assert time.monotonic() - started < 6
        # The server lets go of them: a started head is told 408, a silent one just closed.
        answers = []
        for sock in idle:
            sock.settimeout(8)
            answers.append(b"")
            while part := sock.recv(65536):
                answers[-1] += part
        assert [_status(a) for a in answers[:2]] == [408, 408], answers
        assert answers[2:] == [b"", b""]
    finally:
        for sock in idle:
            sock.close()


def test_client_stalling_mid_body_gets_a_client_error(make_server):
    srv = make_server(socket_timeout=1.0)
    with socket.create_connection(("127.0.0.1", srv.port), timeout=8) as sock:
        sock.sendall(STALLED_BODY)
        answer = b""
        while part := sock.recv(65536):
            answer += part
    assert answer, "no answer at all"
    assert _status(answer) in (400, 408), answer[:200]
    assert _body(answer)["error"]["code"] != "internal_error"


def test_overload_gets_a_prompt_json_503(make_server):
    srv = make_server(workers=1, backlog=1, socket_timeout=3.0)
    idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(2)]
    try:
        time.sleep(0.3)  # both accepted: one in the worker, one queued
        resp = requests.get(srv.url + "/api/v1/health", timeout=2)
        assert resp.status_code == 503
        assert resp.headers["Content-Type"] == JSON_TYPE
        assert int(resp.headers["Retry-After"]) >= 1
        assert resp.json()["error"]["code"] == "busy"
    finally:
        for sock in idle:
            sock.close()
    # Once the idle ones are gone, service resumes.
    deadline = time.monotonic() + 8
    while True:
        resp = requests.get(srv.url + "/api/v1/health", timeout=8)
        if resp.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert resp.status_code == 200


def _boom(app, req):
    raise RuntimeError("secret detail: /home/operator/db password=hunter2")


def _add_boom(app) -> None:
    app.router.routes.append(Route("GET", "/boom", _boom, False, {"summary": "boom"}))


def test_unhandled_error_is_json_500_with_a_correlation_id(make_server, caplog):
    srv = make_server(prepare=_add_boom)
    with caplog.at_level(logging.ERROR, logger="voek.server"):
        resp = requests.get(srv.url + "/api/v1/boom", timeout=10)
    assert resp.status_code == 500
    assert resp.headers["Content-Type"] == JSON_TYPE
    error = resp.json()["error"]
    assert error["code"] == "internal_error"
    correlation = error["correlation_id"]
    assert correlation
    assert correlation == resp.headers["X-Request-Id"]
    assert correlation in error["message"]  # the user can read it out to support
    for leak in ("Traceback", "RuntimeError", "secret", "hunter2", "File ", ".py"):
        assert leak not in resp.text
    # Support finds the traceback in the log by that id.
    logged = [r for r in caplog.records if correlation in r.getMessage()]
    assert logged and logged[0].exc_info is not None


def test_other_requests_still_work_after_an_internal_error(make_server):
    srv = make_server(prepare=_add_boom)
    assert requests.get(srv.url + "/api/v1/boom", timeout=10).status_code == 500
    assert requests.get(srv.url + "/api/v1/health", timeout=10).status_code == 200


def test_handler_answer_keeps_its_own_status(make_server):
    def teapot(app, req):
        return Response.json({"error": {"code": "conflict", "message": "Конфликт"}}, 409)

    srv = make_server(
        prepare=lambda app: app.router.routes.append(Route("GET", "/t", teapot, False, {}))
    )
    resp = requests.get(srv.url + "/api/v1/t", timeout=10)
    assert resp.status_code == 409
    assert resp.reason == "Conflict"


def test_nan_is_not_json(shared_api):
    resp = shared_api.post(
        "/dev/clock", data=b'{"advance_seconds": NaN}', headers={"Content-Type": "application/json"}
    )
    assert resp.status_code in (400, 422), resp.text
    assert resp.json()["error"]["code"] != "internal_error"


def test_server_log_never_holds_tokens_or_passwords(api, caplog):
    with caplog.at_level(logging.DEBUG):
        body = api.registration("individual", 31)
        assert api.register(body).status_code == 201
        token = api.token_in(api.last_mail(body["email"]))
        requests.get(f"{api.root}/activate?token={token}", timeout=10)
        api.login_response(password="Wrong-Typed-Secret-1")
        session = api.login()
        api.get("/profile", token=session)
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("voek"))
    assert "/activate" in text  # requests are logged …
    for secret in (token, session, body["password"], "Wrong-Typed-Secret-1"):
        assert secret not in text  # … without what they carried


def test_head_answers_like_get_without_a_body(shared_api):
    get = shared_api.get("/health")
    head = requests.head(shared_api.root + "/health", timeout=5)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


def test_401_names_the_auth_scheme(shared_api):
    resp = shared_api.get("/profile")
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_worker_opens_its_database_connection_before_its_first_request(engine, make_server):
    """Each worker thread's SQLite connection is made when the thread starts, outside the
    application slot (CabinetApp.worker_started): a request then finds it made."""
    if engine != "sqlite":
        pytest.skip("PostgreSQL's connections are the pool's, opened before the server listens")
    seen: list[bool] = []

    def prepare(app) -> None:
        def probe(app_, req):
            seen.append(getattr(app_.db._local, "conn", None) is not None)
            return Response.json({"ok": True})

        app.router.routes.append(Route("GET", "/test/connection", probe, False, {"summary": "x"}))

    srv = make_server(prepare=prepare)
    resp = requests.get(srv.url + "/api/v1/test/connection", timeout=10)
    assert resp.status_code == 200 and seen == [True]


def test_a_failed_worker_preparation_leaves_the_server_answering(make_server, caplog):
    def prepare(app) -> None:
        def broken() -> None:
            raise RuntimeError("no database")

        app.worker_started = broken

    srv = make_server(prepare=prepare)
    with caplog.at_level(logging.ERROR):
        resp = requests.get(srv.url + "/api/v1/health", timeout=10)
    assert resp.status_code == 200
    assert "worker preparation failed" in caplog.text
