"""Generated scan stacks: pages of our real PDFs rendered like a desk scanner would hand them
back — at 150–300 dpi, turned by 90/180°, slightly skewed, with blank backs between — written
as one PDF (as a scanner's «scan to PDF» does) or as a folder of images."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter

from voek_desktop.printing.application import render_application
from voek_desktop.printing.separators import render_separators


def pdf_pages(data: bytes, dpi: int) -> list[Image.Image]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    finally:
        pdf.close()


def application_pdf(category: str, consumer_type: str, form: dict | None, number: str) -> bytes:
    out = io.BytesIO()
    render_application(category, consumer_type, form, out, number=number)
    return out.getvalue()


def separators_pdf(kinds: Sequence[str], number: str) -> bytes:
    out = io.BytesIO()
    render_separators(kinds, out, number=number)
    return out.getvalue()


def document_page(title: str, dpi: int, colour: bool = False) -> Image.Image:
    """An uncoded document (a passport page, a plan): lines of «text» and a frame."""
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    image = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (w // 10, h // 10, w - w // 10, h // 3), outline="black", width=max(2, dpi // 50)
    )
    draw.text((w // 8, h // 8), title, fill="black")
    for i in range(25):
        y = h // 3 + 40 + i * dpi // 7
        draw.line((w // 10, y, w // 10 + (i * 97 % (w // 2)) + w // 4, y), fill="black", width=3)
    if colour:
        draw.ellipse((w // 2, h // 2, w // 2 + dpi, h // 2 + dpi), fill=(30, 60, 200))
    return image


def blank_page(dpi: int) -> Image.Image:
    """The empty back of a sheet: paper grey, a little noise, a dark scanner edge."""
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    image = Image.effect_noise((w, h), 6).point(lambda v: 240 + v // 32)
    ImageDraw.Draw(image).rectangle((0, 0, w, 4), fill=40)
    return image.convert("L")


def scanned(image: Image.Image, *, turn: int = 0, skew: float = 0.0, seed: int = 0) -> Image.Image:
    """As a scanner gives it back: turned, skewed, a little blurred."""
    out = image.convert("L")
    if turn:
        out = out.rotate(turn, expand=True, fillcolor=255)
    if skew:  # the sheet lies crooked on the glass; the scanner's frame stays the same
        out = out.rotate(skew, fillcolor=255, resample=Image.BILINEAR)
    rng = random.Random(seed)
    if rng.random() < 0.5:
        out = out.filter(ImageFilter.GaussianBlur(0.6))
    return out


def write_pdf(images: Sequence[Image.Image], path: Path, dpi: int) -> Path:
    first, *rest = [i.convert("RGB") if i.mode not in ("L", "RGB") else i for i in images]
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=dpi)
    return path


def write_folder(images: Sequence[Image.Image], folder: Path, dpi: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, image in enumerate(images, start=1):
        path = folder / f"scan{n:03d}.{'png' if n % 2 else 'jpg'}"
        image.save(path, dpi=(dpi, dpi))
        paths.append(path)
    return paths
