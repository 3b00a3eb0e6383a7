"""Real files of each accepted type for the upload tests: a PDF that pypdf opens (optionally
padded to a size, or carrying active content), and images Pillow decodes."""

from __future__ import annotations

import io


def pdf(size: int = 0, *, catalog_extra: bytes = b"", objects: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF with a correct xref; ``size`` pads its content stream to about that many
    bytes; ``catalog_extra`` goes into the catalog dictionary, ``objects`` follow as 5 0 obj…"""
    body_objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    content = b"BT /F1 12 Tf 72 720 Td (scan) Tj ET\n"
    if size:
        content += b"%" + b"0" * max(0, size - 400) + b"\n"
    body_objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    body_objects.extend(objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(body_objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body_objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(body_objects) + 1,
        xref,
    )
    return bytes(out)


def image(fmt: str, width: int = 40, height: int = 30) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 220, 240)).save(buf, fmt)
    return buf.getvalue()


PDF = pdf()
PNG = image("PNG")
JPEG = image("JPEG")
TIFF = image("TIFF")
