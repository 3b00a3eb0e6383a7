"""The cabinet's sections and their order (docs/design.md "Layers"): each feature package returns
its own."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtWidgets import QWidget

APPLICATIONS = 10  # «Заявки»
CONNECTION_CONTRACTS = 20  # «Договоры»
ACCOUNTS = 30  # «Лицевые счета» / «Договоры энергоснабжения»
PROFILE = 50  # «Профиль»
FEEDBACK = 60  # «Обратная связь»
SURVEY = 70  # «Опрос»


class Section(NamedTuple):
    order: int
    title: str
    page: QWidget
