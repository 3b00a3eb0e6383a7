"""File sizes in Qt's own file dialog the app's way («121 КБ», not «120,56 KiB»): the delegate
ui/kit/qt_russian.py gives a file dialog's detail view when it first opens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QStyledItemDelegate

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex, QPersistentModelIndex
    from PySide6.QtWidgets import QStyleOptionViewItem


class SizeDelegate(QStyledItemDelegate):
    """A file's size as the app writes it everywhere (``format_size``: «121 КБ»)."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        from PySide6.QtWidgets import QFileSystemModel

        from voek_desktop.domain.formats import format_size

        super().initStyleOption(option, index)
        model = index.model()
        if isinstance(model, QFileSystemModel) and not model.isDir(index):
            option.text = format_size(model.size(index))
