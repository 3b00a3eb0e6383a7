"""A slot's pages as one compact PDF: each page one JPEG image (DCTDecode), as it was encoded
when read (:mod:`.pages`), at its own size — no second lossy encoding, no renderer.

The file is a plain PDF 1.4 of a catalog, a page tree and per page a page, its content stream
and its image; nothing active, so it passes :func:`voek_desktop.domain.uploads.check_structure`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from voek_desktop.domain import uploads
from voek_desktop.scanning.pages import Page


def pdf_bytes(pages: Sequence[Page], title: str = "") -> bytes:
    """The PDF of ``pages``; a FileProblem when it would exceed the upload limit."""
    if not pages:
        raise ValueError("no pages")
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page tree's number is known
    tree = add(b"")
    info = add(b"<< /Producer (voek_desktop) /Title " + _text(title) + b" >>")
    kids = []
    for page in pages:
        w = page.width * 72 / page.dpi
        h = page.height * 72 / page.dpi
        space = b"/DeviceGray" if page.grey else b"/DeviceRGB"
        image = add(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s"
            b" /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
            % (page.width, page.height, space, len(page.jpeg))
            + page.jpeg
            + b"\nendstream"
        )
        drawing = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (w, h)
        content = add(b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f]"
                b" /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                % (tree, w, h, image, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    data = out.getvalue()
    if len(data) > uploads.MAX_FILE_BYTES:
        raise uploads.FileProblem(
            "file_too_large",
            "Файл больше 20 МБ даже после сжатия. Разделите документ на части",
        )
    return data


def _text(value: str) -> bytes:
    """A PDF text string in UTF-16BE (the title is Russian)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def estimated_size(pages: Sequence[Page]) -> int:
    """The size :func:`pdf_bytes` will have, without building it (for the check dialog): the
    images themselves plus a few hundred bytes of structure a page."""
    return sum(p.size_bytes for p in pages) + 420 * len(pages) + 300 if pages else 0
