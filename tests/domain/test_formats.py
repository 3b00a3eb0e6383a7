"""Names of saved files and identifiers as people write them (issue 12, item 12)."""

from __future__ import annotations

import pytest

from voek_desktop.domain.formats import file_name, format_snils


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Заявка п.12(1)", "Заявка п.12(1).pdf"),
        ("Заявка п.14 № ТП-2026/000012", "Заявка п.14 № ТП-2026-000012.pdf"),
        ('Договор 12:"A"|b?*<>\\', "Договор 12--A--b-----.pdf"),
        ("Заявка  п.13 . ", "Заявка п.13.pdf"),
    ],
)
def test_offered_file_names_are_valid_everywhere(title: str, name: str) -> None:
    assert file_name(title, ".pdf") == name


def test_snils_is_grouped() -> None:
    assert format_snils("11223344595") == "112-233-445 95"
