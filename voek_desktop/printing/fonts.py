"""The bundled Cyrillic fonts, registered with reportlab once per process.

reportlab's built-in Helvetica/Times have no Cyrillic (the text comes out as black squares), and
the fonts a machine happens to have differ, so documents use only the TTF files shipped as package
data in ``voek_desktop/resources/fonts/`` and registered by absolute path.
"""

from __future__ import annotations

import threading

from voek_desktop.resources import resource_path

SANS = "DejaVuSans"
SERIF = "DejaVuSerif"

# family -> (regular, bold, italic, bold-italic) font names and their files
_FAMILIES: dict[str, dict[str, str]] = {
    SANS: {
        SANS: "DejaVuSans.ttf",
        f"{SANS}-Bold": "DejaVuSans-Bold.ttf",
        f"{SANS}-Oblique": "DejaVuSans-Oblique.ttf",
    },
    SERIF: {
        SERIF: "DejaVuSerif.ttf",
        f"{SERIF}-Bold": "DejaVuSerif-Bold.ttf",
        f"{SERIF}-Italic": "DejaVuSerif-Italic.ttf",
    },
}

_lock = threading.Lock()
_registered = False


class FontsMissing(RuntimeError):
    """A bundled font file is not where the package expects it (a broken install)."""


def register_fonts() -> None:
    """Register the bundled DejaVu Sans and Serif families (idempotent, thread-safe).

    After this, ``<b>``/``<i>`` inside Paragraphs pick the bold/italic faces.
    Raises FontsMissing naming the missing file.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for family, faces in _FAMILIES.items():
            for name, file_name in faces.items():
                path = resource_path(f"fonts/{file_name}")
                if not path.is_file():
                    raise FontsMissing(
                        f"Не найден файл шрифта {path}. Переустановите программу: без него "
                        "документы не могут быть напечатаны по-русски."
                    )
                pdfmetrics.registerFont(TTFont(name, str(path)))
            bold = f"{family}-Bold"
            italic = next(n for n in faces if n.endswith(("-Oblique", "-Italic")))
            addMapping(family, 0, 0, family)
            addMapping(family, 1, 0, bold)
            addMapping(family, 0, 1, italic)
            # No bold-italic file is shipped: bold is the closer look for emphasis.
            addMapping(family, 1, 1, bold)
        _registered = True
