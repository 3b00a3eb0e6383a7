"""Qt's own dialogs in Russian: the translations that ship with PySide6 (qtbase_ru), and the
words they miss.

qtbase_ru.qm predates some of Qt 6's labels: the file dialog's «&Look in:» and «Files of &type:»
and the print dialog's «Page &Set:» have a translation only in their older form without the
mnemonic «&». Those are looked up without it, and the «&» goes before the Russian word."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

# Better Russian than the old translation, or none at all.
WORDS = {
    ("QFileDialog", "&Look in:"): "&Папка:",
    ("QFileDialog", "Look in:"): "Папка:",
    ("QPrintSettingsOutput", "Page &Set:"): "&Страницы:",
}


class _MissingWords(QTranslator):
    def __init__(self, qt: QTranslator, parent: QCoreApplication) -> None:
        super().__init__(parent)
        self.qt = qt

    def translate(  # None: not ours, and Qt asks the next translator
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        word = WORDS.get((context, source))
        if word is not None:
            return word
        if "&" not in source or self.qt.translate(context, source, disambiguation, n):
            return None
        plain = self.qt.translate(context, source.replace("&", ""), disambiguation, n)
        return "&" + plain if plain else None

    def isEmpty(self) -> bool:
        return False


def install(app: QCoreApplication) -> None:
    qt = QTranslator(app)
    if qt.load("qtbase_ru", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        # Installed last, asked first.
        app.installTranslator(_MissingWords(qt, app))
