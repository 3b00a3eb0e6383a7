"""One resumable, atomic download (docs/design.md "Archives"): what the app uses for every file it
saves.

The bytes go to ``dest + ".part"``; only a complete file of the announced length is fsynced
and renamed onto ``dest``, so ``dest`` is either absent, the old file, or the whole new one.
A dropped connection or a cancel keeps the ``.part``; the next call asks for the rest with
``Range: bytes=N-`` and ``If-Range: <etag>`` (the ETag is remembered in ``dest + ".part.etag"``),
and starts over if the server answers with the whole file because it changed.

A server that misbehaves (docs/design.md "A malicious server") cannot hang or flood the app: a
watchdog cuts the connection when the user cancels (within ``POLL`` seconds, even while a read
waits) or when nothing arrives for ``STALL_SECONDS``; nothing beyond the announced size, nor
beyond ``MAX_DOWNLOAD_BYTES``, is written. Files are 0600 in 0700 folders.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import requests
import urllib3.exceptions

from voek_desktop.api.errors import ApiError, BadResponse, NetworkError, TransferCancelled
from voek_desktop.settings import PRIVATE_FILE, make_private_dirs, write_atomically

CHUNK = 256 * 1024
TIMEOUT = (3.05, 30.0)
# Module attributes, read at each call, so tests (and a slow line's needs) can change them.
STALL_SECONDS = 20.0  # no byte for this long: given up, resumable
MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024  # the largest file the app ever fetches is far smaller
POLL = 0.2  # how often the watchdog looks at Cancel
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)

Progress = Callable[[int, int | None], None]


def part_path(dest: str | os.PathLike[str]) -> Path:
    return Path(os.fspath(dest) + ".part")


def _etag_path(dest: str | os.PathLike[str]) -> Path:
    return Path(os.fspath(dest) + ".part.etag")


def download(
    client_or_session: Any,
    path: str,
    dest: str | os.PathLike[str],
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    retries: int = 0,
) -> Path:
    """Fetch ``path`` into ``dest``; returns ``dest`` as a Path.

    ``client_or_session`` is a CabinetClient (``path`` relative to its API base) or a
    ``requests.Session`` (``path`` a full URL). ``retries`` extra attempts resume by themselves
    after a dropped connection. Raises TransferCancelled (``.part`` kept), NetworkError
    (``.part`` kept) or ApiError (the server said no)."""
    dest = Path(dest)
    attempt = 0
    while True:
        try:
            return _download_once(client_or_session, path, dest, progress, cancelled)
        except NetworkError:
            attempt += 1
            if attempt > retries or (cancelled is not None and cancelled()):
                raise


def _get(client_or_session: Any, path: str, headers: dict[str, str]) -> requests.Response:
    if isinstance(client_or_session, requests.Session):
        try:
            response = client_or_session.get(path, headers=headers, stream=True, timeout=TIMEOUT)
        except requests.RequestException:
            raise NetworkError() from None
        if response.status_code >= 400 and response.status_code != 416:
            response.close()
            raise ApiError(
                response.status_code,
                "http_error",
                f"Сервер ответил ошибкой {response.status_code}. Повторите попытку позже.",
            )
        return response
    try:
        response = client_or_session.send(
            "GET", path, headers=headers, stream=True, timeout=TIMEOUT
        )
        return cast(requests.Response, response)
    except ApiError as exc:
        if exc.status == 416:
            # Duck-types the two attributes of a Response that _download_once reads on a 416.
            return _Unsatisfiable()  # type: ignore[return-value]
        raise


class _Unsatisfiable:
    """Stands in for a 416 answer (the client raises on every 4xx)."""

    status_code = 416
    headers: dict[str, str] = {}  # noqa: RUF012

    def close(self) -> None:
        pass


def _download_once(
    client_or_session: Any,
    path: str,
    dest: Path,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> Path:
    part = part_path(dest)
    etag_file = _etag_path(dest)
    make_private_dirs(part.parent)
    have = part.stat().st_size if part.exists() else 0
    etag = _read_etag(etag_file) if have else None
    headers = {"Accept": "*/*", "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
        if etag:
            headers["If-Range"] = etag

    response = _get(client_or_session, path, headers)
    limit = MAX_DOWNLOAD_BYTES
    try:
        if response.status_code == 416:
            # Nothing more to send: either the .part is already whole or it is rubbish.
            total = _total_from_content_range(response.headers.get("Content-Range", ""))
            if have and total == have:
                return _finish(part, etag_file, dest, have, progress)
            _discard(part, etag_file)
            raise NetworkError("Загрузка прервалась. Повторите попытку.")
        if response.status_code == 206:
            match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
            if not match or int(match.group(1)) != have:
                raise ApiError(
                    response.status_code, "bad_range", "Сервер прислал не ту часть файла."
                )
            total = None if match.group(3) == "*" else int(match.group(3))
            append = True
        else:
            # 200: a fresh start (no .part, no Range support, or the file changed).
            have = 0
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            append = False
        if total is not None and total > limit:
            raise BadResponse("Файл на сервере слишком большой: загрузка не начата.")
        new_etag = response.headers.get("ETag")
        if new_etag and not new_etag.startswith("W/"):
            write_atomically(etag_file, new_etag.encode())
        elif not append:
            etag_file.unlink(missing_ok=True)

        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
        fd = os.open(part, flags | (os.O_APPEND if append else os.O_TRUNC), PRIVATE_FILE)
        os.chmod(part, PRIVATE_FILE)  # a .part of an older version, or a umask-masked create
        with os.fdopen(fd, "ab" if append else "wb") as out:
            try:
                done = _pump(response, out.write, have, total, progress, cancelled)
            finally:
                out.flush()
                os.fsync(out.fileno())
        if total is not None and done != total:
            raise NetworkError(
                "Файл пришёл не полностью. Повторите — загрузка продолжится с того же места."
            )
        return _finish(part, etag_file, dest, done, None)
    except BadResponse:
        _discard(part, etag_file)  # what came is not the file: nothing to resume from
        raise
    finally:
        response.close()


def fetch_bytes(
    client: Any,
    path: str,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    max_bytes: int = 64 * 1024 * 1024,
) -> bytes:
    """Fetch ``path`` into memory, never onto the disk (clerk mode's contract preview); the same
    stall, cancel and size rules as :func:`download`, no resuming."""
    response = _get(client, path, {"Accept": "*/*", "Accept-Encoding": "identity"})
    try:
        if response.status_code != 200:
            raise BadResponse()
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        if total is not None and total > max_bytes:
            raise BadResponse("Файл на сервере слишком большой: загрузка не начата.")
        body = bytearray()
        done = _pump(response, body.extend, 0, total, progress, cancelled, max_bytes)
        if total is not None and done != total:
            raise NetworkError("Файл пришёл не полностью. Повторите попытку.")
        return bytes(body)
    finally:
        response.close()


def _pump(
    response: requests.Response,
    write: Callable[[bytes], object],
    done: int,
    total: int | None,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    limit: int | None = None,
) -> int:
    """Copy the body to ``write`` in the pieces the network gives; returns the bytes held now.

    Stops at the announced ``total``, else at ``limit`` (an endless body must not fill the disk
    or the memory), on Cancel and when the server goes quiet."""
    allowed = total if total is not None else (MAX_DOWNLOAD_BYTES if limit is None else limit)
    if progress is not None:
        progress(done, total)
    watchdog = _Watchdog(response, cancelled, STALL_SECONDS)
    network = False
    try:
        read = getattr(response.raw, "read1", response.raw.read)
        while True:
            chunk = read(CHUNK)
            if not chunk:
                break
            watchdog.fed()
            if done + len(chunk) > allowed:
                raise BadResponse(
                    "Сервер прислал больше данных, чем объявил: файл не сохранён."
                    if total is not None
                    else "Файл с сервера слишком большой: загрузка остановлена."
                )
            write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
            if cancelled is not None and cancelled():
                raise TransferCancelled()
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        # urllib3's, requests' and the socket's errors; other OSErrors are the disk's, not the
        # network's: the caller shows those as file errors.
        kinds = requests.RequestException | urllib3.exceptions.HTTPError | ConnectionError
        if not isinstance(exc, kinds) and watchdog.reason is None:
            raise
        network = True
    finally:
        watchdog.stop()
    if watchdog.reason == "cancelled" or (cancelled is not None and cancelled()):
        raise TransferCancelled()
    if watchdog.reason == "stalled":
        raise NetworkError(
            f"Сервер ничего не присылает {STALL_SECONDS:.0f} с. Повторите — загрузка"
            " продолжится с того же места."
        )
    if network:
        raise NetworkError(
            "Связь прервалась во время загрузки. Повторите — загрузка продолжится с того же места."
        )
    return done


class _Watchdog(threading.Thread):
    """Cuts the connection under a blocked read when the user cancels or nothing has come for
    ``stall`` seconds. A read waiting on the socket sees neither; a short socket timeout would
    not do either, since a timed-out socket cannot be read again."""

    def __init__(
        self, response: requests.Response, cancelled: Callable[[], bool] | None, stall: float
    ) -> None:
        super().__init__(name="download-watchdog", daemon=True)
        self.reason: str | None = None
        self._response = response
        self._cancelled = cancelled
        self._stall = stall
        self._last = time.monotonic()
        self._stopped = threading.Event()
        self.start()

    def fed(self) -> None:
        self._last = time.monotonic()

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        while not self._stopped.wait(POLL):
            if self._cancelled is not None and self._cancelled():
                self.reason = "cancelled"
            elif time.monotonic() - self._last > self._stall:
                self.reason = "stalled"
            else:
                continue
            _cut(self._response)
            return


def _cut(response: requests.Response) -> None:
    # shutdown() wakes a recv() blocked in another thread; close() alone does not.
    raw = response.raw
    sock = getattr(getattr(raw, "_connection", None), "sock", None)
    if sock is None:  # urllib3 without the connection on the response: http.client's socket
        fp = getattr(getattr(raw, "_fp", None), "fp", None)
        sock = getattr(getattr(fp, "raw", None), "_sock", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _finish(part: Path, etag_file: Path, dest: Path, size: int, progress: Progress | None) -> Path:
    if progress is not None:
        progress(size, size)
    os.replace(part, dest)
    etag_file.unlink(missing_ok=True)
    _fsync_dir(dest.parent)
    return dest


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _discard(part: Path, etag_file: Path) -> None:
    part.unlink(missing_ok=True)
    etag_file.unlink(missing_ok=True)


def _read_etag(etag_file: Path) -> str | None:
    try:
        return etag_file.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _total_from_content_range(value: str) -> int | None:
    match = re.match(r"bytes\s+\*/(\d+)", value or "", re.IGNORECASE)
    return int(match.group(1)) if match else None
