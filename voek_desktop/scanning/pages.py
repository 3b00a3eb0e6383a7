"""Scanned files → pages: rasterised, their service code read, turned upright, kept compact.

Files reach this after :func:`voek_desktop.domain.uploads.check_file` and ``check_structure``
(the app's own check before an upload), so a PDF here has passed pypdf's structure check and an
image's pixel count is bounded. Pages are rendered in memory and kept only as compressed JPEG
and a small thumbnail, never written to disk (clerk mode: nothing of the visitor on disk).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageOps

from voek_desktop.domain import scancodes, uploads

# Readable and compact (issue 17 item 5): a 200 dpi greyscale A4 page is ~150 KB as JPEG.
TARGET_DPI = 200
RENDER_DPI = 200  # PDF pages: the code (0.45 mm a module) is 3.5 px wide at this resolution
JPEG_QUALITY = 70
THUMB_HEIGHT = 96
MAX_PAGES = 200  # a stack of a whole visit is 20–40 pages
A4_INCHES = (8.27, 11.69)


# PIL's rotate() turns counter-clockwise; zxing's orientation is the angle to turn back by.
_TURNS = {
    90: Image.Transpose.ROTATE_90,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_270,
}


class ScanError(ValueError):
    """A scan that cannot be read as pages; the message is Russian, for the user."""


@dataclass(frozen=True)
class Page:
    """One scanned page, upright when its code said how it was turned."""

    jpeg: bytes
    width: int  # pixels
    height: int
    dpi: float
    grey: bool
    blank: bool
    code: scancodes.Code | None
    thumbnail: bytes  # PNG, THUMB_HEIGHT pixels high
    source: str  # «скан.pdf, с. 3» for the check dialog
    turned: int = 0  # degrees the page was turned to be upright

    @property
    def size_bytes(self) -> int:
        return len(self.jpeg)


Cancelled = Callable[[], bool]


def _never() -> bool:
    return False


def read_files(
    paths: Sequence[Path], cancelled: Cancelled = _never, *, content_types: Sequence[str] = ()
) -> list[Page]:
    """Every page of ``paths`` in order (a folder of images: in name order)."""
    pages: list[Page] = []
    for i, path in enumerate(paths):
        content_type = content_types[i] if i < len(content_types) else uploads.check_file(path)
        if content_type == "application/pdf":
            images: Iterable[tuple[Image.Image, float, str]] = _pdf_images(path)
        else:
            images = _image_frames(path)
        for image, dpi, label in images:
            if cancelled():
                raise ScanCancelled()
            if len(pages) >= MAX_PAGES:
                raise ScanError(f"В скане больше {MAX_PAGES} страниц: разделите его на части")
            pages.append(make_page(image, dpi, label))
    return pages


class ScanCancelled(Exception):
    pass


def pages_from_images(
    images: Iterable[Image.Image], dpi: float, label: str = "скан", cancelled: Cancelled = _never
) -> list[Page]:
    """Pages from images a scanner driver hands over (SANE/WIA), ``dpi`` as scanned."""
    pages = []
    for n, image in enumerate(images, start=1):
        if cancelled():
            raise ScanCancelled()
        pages.append(make_page(image, dpi, f"{label}, с. {n}"))
    return pages


def _pdf_images(path: Path) -> Iterator[tuple[Image.Image, float, str]]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        raise ScanError(f"«{path.name}»: не удалось прочитать PDF") from None
    try:
        if len(pdf) > MAX_PAGES:
            raise ScanError(f"В «{path.name}» больше {MAX_PAGES} страниц: разделите его на части")
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                width, height = page.get_size()  # points
                # A4 at RENDER_DPI; a bigger page (A3, a poster) is bounded by the pixel limit.
                scale = RENDER_DPI / 72
                if width * height * scale * scale > uploads.MAX_IMAGE_PIXELS:
                    scale = (uploads.MAX_IMAGE_PIXELS / (width * height)) ** 0.5
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil()
                bitmap.close()
            finally:
                page.close()
            yield image, scale * 72, f"{path.name}, с. {index + 1}"
    finally:
        pdf.close()


def _image_frames(path: Path) -> Iterator[tuple[Image.Image, float, str]]:
    with Image.open(path) as image:
        frames = getattr(image, "n_frames", 1)
        for index in range(frames):
            image.seek(index)
            frame = ImageOps.exif_transpose(image.copy())
            label = path.name if frames == 1 else f"{path.name}, с. {index + 1}"
            yield frame, _dpi_of(image, frame), label


def _dpi_of(image: Image.Image, frame: Image.Image) -> float:
    """The dpi the file says, or what an A4 page of this size would have (phone photos)."""
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and isinstance(dpi[0], int | float) and 50 <= dpi[0] <= 1200:
        return float(dpi[0])
    short, _long = sorted(frame.size)
    return max(72.0, short / A4_INCHES[0])


def read_code(image: Image.Image) -> tuple[scancodes.Code | None, float]:
    """Our code on the page and the angle it is turned by (degrees, zxing's sign), or None."""
    import zxingcpp

    grey = image.convert("L")
    qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    for found in zxingcpp.read_barcodes(grey, formats=qr_only):
        code = scancodes.parse(found.text)
        if code is not None:
            return code, float(found.orientation)
    return None, 0.0


def make_page(image: Image.Image, dpi: float, label: str) -> Page:
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    code, angle = read_code(image)
    turned = 0
    if code is not None and angle:
        # Upright (a lossless quarter turn), and the slight skew of a hand-fed sheet
        # straightened within the scanner's frame, so an A4 page stays A4.
        turned = round(angle / 90) * 90 % 360
        if turned:
            image = image.transpose(_TURNS[turned])
        residual = angle - round(angle / 90) * 90
        if abs(residual) >= 0.5:
            fill = 255 if image.mode == "L" else (255, 255, 255)
            image = image.rotate(residual, fillcolor=fill, resample=Image.Resampling.BICUBIC)
    if dpi > TARGET_DPI * 1.1:
        factor = TARGET_DPI / dpi
        image = image.resize(
            (max(1, round(image.width * factor)), max(1, round(image.height * factor))),
            Image.Resampling.LANCZOS,
        )
        dpi = TARGET_DPI
    grey = image.mode == "L" or not has_colour(image)
    if grey:
        image = image.convert("L")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, dpi=(round(dpi), round(dpi)))
    thumb = image.copy()
    thumb.thumbnail((THUMB_HEIGHT, THUMB_HEIGHT))
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "PNG")
    return Page(
        jpeg=out.getvalue(),
        width=image.width,
        height=image.height,
        dpi=dpi,
        grey=grey,
        blank=code is None and is_blank(image, dpi),
        code=code,
        thumbnail=thumb_out.getvalue(),
        source=label,
        turned=turned,
    )


def has_colour(image: Image.Image) -> bool:
    """A stamp, a coloured plan, a passport photo: more than 0.5 % of the page clearly tinted.
    Scanned white paper is slightly tinted all over; that is not colour."""
    small = image.convert("RGB")
    small.thumbnail((300, 300))
    hsv = small.convert("HSV")
    saturated = hsv.getchannel("S").point(lambda s: 255 if s > 60 else 0)
    not_dark = hsv.getchannel("V").point(lambda v: 255 if v > 40 else 0)
    tinted = ImageChops.multiply(saturated, not_dark).histogram()[255]
    return tinted > small.width * small.height * 0.005


def is_blank(image: Image.Image, dpi: float = TARGET_DPI) -> bool:
    """The empty back of a sheet: next to no dark pixels once the scanner's edges are cut off.

    Counted at full resolution: a page with one word on it («нет» in a device list) has a few
    hundred dark pixels at 200 dpi, which a thumbnail would average away; dust has a few."""
    grey = image.convert("L")
    w, h = grey.size
    inner = grey.crop((w * 5 // 100, h * 5 // 100, w - w * 5 // 100, h - h * 5 // 100))
    dark = sum(inner.histogram()[:128])
    return dark < 60 * (dpi / TARGET_DPI) ** 2
