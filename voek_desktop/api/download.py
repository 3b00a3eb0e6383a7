"""One resumable, atomic download (docs/design.md "Archives"): what the app uses for every file it
saves.

The bytes go to ``dest + ".part"``; only a complete file of the announced length is fsynced
and renamed onto ``dest``, so ``dest`` is either absent, the old file, or the whole new one.
A dropped connection or a cancel keeps the ``.part``; the next call asks for the rest with
``Range: bytes=N-`` and ``If-Range: <etag>`` (the ETag is remembered in ``dest + ".part.etag"``),
and starts over if the server answers with the whole file because it changed.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import requests

from voek_desktop.api.errors import ApiError, NetworkError, TransferCancelled

CHUNK = 256 * 1024
TIMEOUT = (3.05, 30.0)
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
    part.parent.mkdir(parents=True, exist_ok=True)
    have = part.stat().st_size if part.exists() else 0
    etag = _read_etag(etag_file) if have else None
    headers = {"Accept": "*/*", "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
        if etag:
            headers["If-Range"] = etag

    response = _get(client_or_session, path, headers)
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
            mode = "ab"
        else:
            # 200: a fresh start (no .part, no Range support, or the file changed).
            have = 0
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            mode = "wb"
        new_etag = response.headers.get("ETag")
        if new_etag and not new_etag.startswith("W/"):
            etag_file.write_text(new_etag, encoding="utf-8")
        elif mode == "wb":
            etag_file.unlink(missing_ok=True)

        done = have
        if progress is not None:
            progress(done, total)
        with open(part, mode) as out:
            try:
                for chunk in response.iter_content(CHUNK):
                    if cancelled is not None and cancelled():
                        raise TransferCancelled()
                    if not chunk:
                        continue
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
                if cancelled is not None and cancelled():
                    raise TransferCancelled()
            except (requests.RequestException, OSError) as exc:
                # requests' errors are OSErrors too; other OSErrors are the disk's, not the
                # network's: the caller shows those as file errors.
                network = isinstance(exc, requests.RequestException | ConnectionError)
                if not network:
                    raise
                raise NetworkError(
                    "Связь прервалась во время загрузки. Повторите — загрузка продолжится"
                    " с того же места."
                ) from None
            finally:
                out.flush()
                os.fsync(out.fileno())
        if total is not None and done != total:
            raise NetworkError(
                "Файл пришёл не полностью. Повторите — загрузка продолжится с того же места."
            )
        return _finish(part, etag_file, dest, done, None)
    finally:
        response.close()


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
