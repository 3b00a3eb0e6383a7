"""Scanned documents: which files are accepted, recognised by their first bytes and then parsed
as what they claim to be, and safe names (docs/design.md "Applications", reliability checklist
§1.6).

The app checks a file before uploading it and the server checks it again after receiving it;
both use these functions. The declared Content-Type is what the sender claims; the magic bytes
are what the file says it is; the two must agree. First bytes are easy to fake (an EXE after
``%PDF-``, HTML after a PNG signature), so :func:`check_structure` then reads the whole file
with the parser of its type: pypdf for PDF, Pillow for images. Both are pure libraries, no Qt
and no network, so this stays a domain rule written once for both sides; they are imported
only when a file is checked.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pypdf import PdfReader

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_APPLICATION = 30
MAX_FILENAME_CHARS = 120
SNIFF_BYTES = 16
# An A4 page at 600 dpi is 35 megapixels. The bound is checked on the dimensions in the header,
# before any pixel is decoded: a 20000 × 20000 PNG of a few kilobytes would take 1.2 GB.
MAX_IMAGE_PIXELS = 40_000_000
# A multi-page TIFF: every page is decoded, so their sum is bounded too.
MAX_TOTAL_PIXELS = 100_000_000
MAX_IMAGE_FRAMES = 100
# A scanned page is a few dozen objects and values (a 100-page scan: about 4,000); hundreds of
# thousands of tiny ones in 20 MB are an attack on the parser (150,000 objects: 2 s).
MAX_PDF_ITEMS = 100_000


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


# --- parsing what the first bytes claim ------------------------------------------------------

_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/tiff": "TIFF"}

# Keys that make a PDF do something when opened or clicked: scripts, additional actions on
# pages and fields, launching programs, files carried inside, Flash, XFA forms (scripts again).
_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF"}
    | {"/RichMedia", "/XFA"}
)
# Action types (``/S``) of the same kinds; /GoTo, /URI links and the like stay allowed.
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/GoToE", "/RichMediaExecute", "/Rendition"}
)
# The same names found anywhere in the raw bytes: objects outside the cross-reference table
# that a viewer repairing a damaged file might still find. Only long names, which do not turn
# up by chance in compressed image data.
_ACTIVE_BYTES = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z0-9#])")


def _not_readable(content_type: str) -> FileProblem:
    label = FILE_TYPES[content_type].label
    return FileProblem(
        "invalid_file",
        f"Файл не читается как {label}: он повреждён или это файл другого типа. "
        "Сохраните или отсканируйте документ заново",
    )


def _active_pdf() -> FileProblem:
    return FileProblem(
        "active_content",
        "PDF содержит сценарии, команды запуска или вложенные файлы — такие файлы не "
        "принимаются. Отсканируйте документ или распечатайте его в PDF заново",
    )


def _image_too_large() -> FileProblem:
    return FileProblem(
        "image_too_large",
        f"Изображение больше {MAX_IMAGE_PIXELS // 1_000_000} мегапикселей. Отсканируйте "
        "документ с разрешением 300 dpi",
    )


def check_structure(path: str | os.PathLike[str], content_type: str) -> None:
    """Parse the file at ``path`` as ``content_type`` (what :func:`sniff` said), or raise
    :class:`FileProblem`: not readable as that type, a PDF with active content or password
    protection, an image with too many pixels. Takes up to a second for a big file: the app
    calls it off the GUI thread."""
    if content_type == "application/pdf":
        _check_pdf(Path(path))
    elif content_type in _PILLOW_FORMATS:
        _check_image(Path(path), content_type)
    else:
        raise _not_readable(content_type)


def _check_pdf(path: Path) -> None:
    data = path.read_bytes()
    if _ACTIVE_BYTES.search(data):
        raise _active_pdf()
    import io
    import logging

    from pypdf import PdfReader

    # pypdf's warnings about a broken file quote its names and bytes: a name with #0A in it
    # forged a line of the server's log. The verdict is ours to report; its notes are not kept.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise FileProblem(
                "encrypted_file",
                "PDF защищён паролем. Сохраните документ без защиты и загрузите снова",
            )
        if len(reader.pages) == 0:
            raise _not_readable("application/pdf")
        active = _has_active_content(reader)
    except FileProblem:
        raise
    except Exception:  # pypdf raises many kinds on broken input, RecursionError on deep ones
        raise _not_readable("application/pdf") from None
    if active:
        raise _active_pdf()


def _opens_without_password(reader: PdfReader) -> bool:
    """Only an owner password (permissions): the objects can be read and checked."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # AES without the cryptography package, a broken /Encrypt
        return False


def _has_active_content(reader: PdfReader) -> bool:
    """Every object the file lists or the trailer reaches, looked at without recursion."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    listed = sum(map(len, reader.xref.values())) + len(reader.xref_objStm)
    if listed > MAX_PDF_ITEMS:
        raise _not_readable("application/pdf")
    stack: list[object] = [reader.trailer]
    stack.extend(
        IndirectObject(number, generation, reader)
        for generation, numbers in reader.xref.items()
        for number in numbers
    )
    stack.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen: set[tuple[int, int]] = set()
    looked_at = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            try:
                obj = obj.get_object()
            except Exception:  # one damaged object a viewer would skip too; the raw search
                continue  # above has looked at its bytes already
        looked_at += 1
        if looked_at > MAX_PDF_ITEMS:
            raise _not_readable("application/pdf")
        if isinstance(obj, DictionaryObject):  # streams too: their dictionary
            for key, value in dict.items(obj):
                if key in _ACTIVE_KEYS:
                    return True
                if key == "/S" and value in _ACTIVE_ACTIONS:
                    return True
                if key == "/OpenAction":
                    # A page to open at is fine; an action on opening (a link, a form
                    # submission) is not what a scan does.
                    action = value.get_object() if isinstance(value, IndirectObject) else value
                    if isinstance(action, DictionaryObject) and action.get("/S") != "/GoTo":
                        return True
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


def _check_image(path: Path, content_type: str) -> None:
    from PIL import Image

    # Pillow's own guard, also for anything else in this process that opens images (the app
    # joins photos into a PDF with reportlab, which uses Pillow): past twice this it refuses.
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    formats = [_PILLOW_FORMATS[content_type]]
    try:
        # Opening reads the header only: the dimensions are known before any pixel is decoded.
        with Image.open(path, formats=formats) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > MAX_IMAGE_FRAMES:
                raise _image_too_large()
            total = 0
            for frame in range(frames):
                image.seek(frame)
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _image_too_large()
                total += width * height
            if total > MAX_TOTAL_PIXELS:
                raise _image_too_large()
            image.verify()  # the structure (PNG: every chunk and its checksum)
        # verify() leaves the image unusable; decoding every pixel finds a damaged body.
        with Image.open(path, formats=formats) as image:
            for frame in range(frames):
                image.seek(frame)
                image.load()
    except FileProblem:
        raise
    except Image.DecompressionBombError:
        raise _image_too_large() from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError... on broken input
        raise _not_readable(content_type) from None


# --- names ----------------------------------------------------------------------------------


def _with_extension(text: str, content_type: str | None) -> str:
    """``text`` ending in the extension of ``content_type``: an extension of that type is
    kept as it is (``.JPEG``), another one is replaced (``x.html`` for a PNG is ``x.png``)."""
    file_type = FILE_TYPES.get(base_content_type(content_type))
    if file_type is None:
        return text
    stem, dot, ext = text.rpartition(".")
    if dot and EXTENSIONS.get("." + ext.lower()) == file_type.content_type:
        return text
    if dot and stem and re.fullmatch(r"[A-Za-z0-9]{0,4}[A-Za-z][A-Za-z0-9]{0,4}", ext):
        text = stem  # looks like another type's extension: .html, .exe, .docx
    return text.rstrip(". ") + file_type.extension


def safe_filename(name: str | None, content_type: str | None = None) -> str:
    """The user's file name made harmless: the last path part, no control characters, no
    leading dots or hyphens, the extension of ``content_type`` (the type the content was found
    to be), at most 120 characters with its extension kept. Cyrillic stays.

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
        text = "документ"
    text = _with_extension(text, content_type)
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
