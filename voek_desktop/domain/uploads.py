"""Scanned documents: which files are accepted, recognised by their first bytes, and safe names
(docs/design.md "Applications", reliability checklist §1.6).

The app checks a file before uploading it and the server checks it again after receiving it;
both use these functions. The declared Content-Type is what the sender claims; the magic bytes
are what the file is; the two must agree.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import NamedTuple

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_APPLICATION = 30
MAX_FILENAME_CHARS = 120
SNIFF_BYTES = 16


class FileType(NamedTuple):
    content_type: str
    extension: str
    label: str


FILE_TYPES: dict[str, FileType] = {
    t.content_type: t
    for t in (
        FileType("application/pdf", ".pdf", "PDF"),
        FileType("image/jpeg", ".jpg", "JPEG"),
        FileType("image/png", ".png", "PNG"),
        FileType("image/tiff", ".tif", "TIFF"),
    )
}
ACCEPTED_CONTENT_TYPES = tuple(FILE_TYPES)
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
ACCEPTED_LABEL = "PDF, JPEG, PNG или TIFF"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


class FileProblem(ValueError):
    """A file we will not accept; ``code`` is the API error code, ``message`` Russian text."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sniff(head: bytes) -> str | None:
    """The content type the first bytes of a file show, or ``None`` for anything else."""
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def base_content_type(header: str | None) -> str:
    """``Image/PNG; charset=x`` → ``image/png``."""
    return (header or "").split(";", 1)[0].strip().lower()


def check_content(declared: str | None, head: bytes) -> str:
    """The accepted content type of a file, or :class:`FileProblem` saying why not."""
    declared_type = base_content_type(declared)
    if declared_type == "image/jpg":  # a common misspelling; the bytes decide anyway
        declared_type = "image/jpeg"
    actual = sniff(head)
    if actual is None:
        raise FileProblem(
            "unsupported_file_type",
            f"Этот файл не является документом {ACCEPTED_LABEL}. Отсканируйте документ "
            "в один из этих форматов",
        )
    if declared_type not in FILE_TYPES:
        raise FileProblem(
            "unsupported_file_type",
            f"Можно загрузить только файлы {ACCEPTED_LABEL}",
        )
    if declared_type != actual:
        raise FileProblem(
            "file_type_mismatch",
            f"Содержимое файла ({FILE_TYPES[actual].label}) не совпадает с заявленным типом "
            f"({FILE_TYPES[declared_type].label})",
        )
    return actual


def check_file(path: str | os.PathLike[str]) -> str:
    """Check a local file before upload (the app): size and content. Returns its content type."""
    p = Path(path)
    size = p.stat().st_size
    if size == 0:
        raise FileProblem("empty_file", "Файл пустой")
    if size > MAX_FILE_BYTES:
        raise FileProblem("file_too_large", "Файл больше 20 МБ. Уменьшите разрешение сканирования")
    with p.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    actual = sniff(head)
    if actual is None:
        raise FileProblem(
            "unsupported_file_type",
            f"Этот файл не является документом {ACCEPTED_LABEL}",
        )
    return actual


def safe_filename(name: str | None, content_type: str | None = None) -> str:
    """The user's file name made harmless: the last path part, no control characters, no
    leading dots or hyphens, at most 120 characters with its extension kept. Cyrillic stays.

    An empty result becomes «документ» with the extension of ``content_type``.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(
        " " if ch in "\t\r\n" else ch
        for ch in text
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in "\t\r\n"
    )
    for ch in '<>:"|?*':
        text = text.replace(ch, "_")
    text = " ".join(text.split()).lstrip(".-_ ")
    if text in ("", ".", ".."):
        file_type = FILE_TYPES.get(base_content_type(content_type))
        text = "документ" + (file_type.extension if file_type else "")
    if len(text) > MAX_FILENAME_CHARS:
        stem, dot, ext = text.rpartition(".")
        if dot and 1 <= len(ext) <= 5:
            text = stem[: MAX_FILENAME_CHARS - len(ext) - 1].rstrip() + "." + ext
        else:
            text = text[:MAX_FILENAME_CHARS].rstrip()
    return text


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name per RFC 6266 / RFC 5987."""
    from urllib.parse import quote

    fallback = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\;%' else "_" for ch in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
