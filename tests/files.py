"""Real files of each accepted type for the upload tests: a PDF that pypdf opens (optionally
padded to a size, or carrying active content), images Pillow decodes, and crafted ones: a
big-endian TIFF (Pillow writes only little-endian) and a PNG whose header claims any size."""

from __future__ import annotations

import io
import struct
import zlib


def pdf(
    size: int = 0,
    *,
    catalog_extra: bytes = b"",
    page_extra: bytes = b"",
    objects: tuple[bytes, ...] = (),
) -> bytes:
    """A one-page PDF with a correct xref; ``size`` pads its content stream so that the file
    has exactly that many bytes; ``catalog_extra`` goes into the catalog dictionary,
    ``page_extra`` into the page's, ``objects`` follow as 5 0 obj…"""
    out = _pdf(0, catalog_extra, page_extra, objects)
    if size:
        pad = size - len(out) - 2  # the padding line's "%" and newline
        for _ in range(3):  # the stream's /Length may gain a digit
            out = _pdf(max(0, pad), catalog_extra, page_extra, objects)
            if len(out) == size:
                break
            pad += size - len(out)
    return out


def _pdf(pad: int, catalog_extra: bytes, page_extra: bytes, objects: tuple[bytes, ...]) -> bytes:
    body_objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        + page_extra
        + b" >>",
    ]
    content = b"BT /F1 12 Tf 72 720 Td (scan) Tj ET\n"
    if pad:
        content += b"%" + b"0" * pad + b"\n"
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


def tiff_big_endian(width: int = 8, height: int = 6) -> bytes:
    """An uncompressed grey TIFF in Motorola byte order ("MM\\0*")."""
    pixels = bytes(range(256))[: width * height].ljust(width * height, b"\x80")
    entries = [
        (256, 3, 1, width),  # ImageWidth, SHORT
        (257, 3, 1, height),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # PhotometricInterpretation: black is zero
        (273, 4, 1, 0),  # StripOffsets, LONG: filled in below
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 3, 1, height),  # RowsPerStrip
        (279, 4, 1, len(pixels)),  # StripByteCounts
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    data_offset = 8 + ifd_size
    out = bytearray(b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", len(entries)))
    for tag, kind, count, value in entries:
        if tag == 273:
            value = data_offset
        packed = struct.pack(">H", value) + b"\x00\x00" if kind == 3 else struct.pack(">I", value)
        out += struct.pack(">HHI", tag, kind, count) + packed
    out += struct.pack(">I", 0) + pixels
    return bytes(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header says ``width`` × ``height`` RGB pixels: a
    decoder that believes it allocates width × height × 3 bytes before it finds out."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )
