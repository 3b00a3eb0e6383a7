"""Qt's own dialogs in Russian: the translations that ship with PySide6 (qtbase_ru), and the
words they miss.

qtbase_ru.qm predates some of Qt 6's labels: the file dialog's «&Look in:» and «Files of &type:»
and the print dialog's «Page &Set:» have a translation only in their older form without the
mnemonic «&». Those are looked up without it, and the «&» goes before the Russian word.

File sizes in Qt's own file dialog are IEC units that no locale translates («120,56 KiB»); the
dialog's detail view gets a delegate that writes them the app's way («121 КБ»)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

# The file dialog's classes are touched only when a file dialog is used: the first touch of
# QFileDialog or QTreeView builds their Python enums, ~15 ms of start-up (docs/design.md
# "Targets"); the size delegate (ui/kit/file_sizes.py) is a QStyledItemDelegate, likewise.

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


def _sizes_in_russian(_old: QWidget | None, now: QWidget | None) -> None:
    """A Qt file dialog gets the delegate when the focus first enters it: the static
    QFileDialog.get…() functions give no other moment to reach the dialog they make."""
    dialog = now.window() if now is not None else None
    if dialog is not None and dialog.inherits("QFileDialog") and not dialog.property("voekSizes"):
        from PySide6.QtWidgets import QTreeView

        from voek_desktop.ui.kit.file_sizes import SizeDelegate

        dialog.setProperty("voekSizes", True)
        tree = dialog.findChild(QTreeView, "treeView")
        if tree is not None:
            tree.setItemDelegateForColumn(1, SizeDelegate(tree))


def install(app: QApplication) -> None:
    qt = QTranslator(app)
    if qt.load("qtbase_ru", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        # Installed last, asked first.
        app.installTranslator(_MissingWords(qt, app))
    app.focusChanged.connect(_sizes_in_russian)
