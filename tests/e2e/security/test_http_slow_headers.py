"""A flood of connections that dribble their request head a byte at a time no longer shuts
everyone else out (docs/design.md "A request through the server"): the head has a total
deadline, after which the server answers 408 and closes, and the workers serve others again."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import requests

from voek_desktop.api.server import EmbeddedServer

HEAD_TIMEOUT = 1.0
# CabinetHTTPServer's 64 workers and 64 places in its queue: without a deadline this many
# dribblers leave every other client a 503.
FLOOD = 64 + 64


def _dribble(socks: list[socket.socket], stop: threading.Event) -> None:
    """One header byte per socket every 0.2 s: each recv on the server waits far less than its
    socket timeout, so only a deadline for the whole head ends them."""
    head = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10_000
    sent = 0
    while not stop.wait(0.2) and sent < len(head):
        for sock in socks:
            with contextlib.suppress(OSError):  # closed by the server: that is the point
                sock.send(head[sent : sent + 1])
        sent += 1


def test_dribbling_heads_are_cut_off_and_others_are_served(server: EmbeddedServer):
    server.httpd.head_timeout = HEAD_TIMEOUT
    socks = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(FLOOD)]
    stop = threading.Event()
    dribbler = threading.Thread(target=_dribble, args=(socks, stop), daemon=True)
    try:
        dribbler.start()
        time.sleep(0.3)
        started = time.monotonic()
        first = requests.get(server.url + "/api/v1/health", timeout=5)
        assert first.status_code == 503  # the flood holds the server for now
        # The deadline counts from the accept, so the queued ones go with those in the workers.
        while True:
            resp = requests.get(server.url + "/api/v1/health", timeout=5)
            waited = time.monotonic() - started
            if resp.status_code == 200 or waited > HEAD_TIMEOUT + 5:
                break
            time.sleep(0.1)
        assert resp.status_code == 200, f"still {resp.status_code} after {waited:.1f} s"
        assert waited < HEAD_TIMEOUT + 2
        stop.set()
        dribbler.join()
        # Every dribbler was told 408 and closed.
        answers = []
        for sock in socks:
            sock.settimeout(5)
            data = b""
            try:
                while part := sock.recv(65536):
                    data += part
            except ConnectionResetError:
                pass
            answers.append(data)
        assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers), {a[:40] for a in answers}
        assert "слишком долго".encode() in answers[0]
    finally:
        stop.set()
        dribbler.join()
        for sock in socks:
            sock.close()
