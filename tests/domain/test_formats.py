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


def test_every_example_snils_passes_its_own_check() -> None:
    """A placeholder is an example: «123-456-789 01» failed the app's own СНИЛС check (issue 13
    item 8), so a user who copied the hint got an error."""
    from voek_desktop.domain.applications import FIELDS
    from voek_desktop.domain.consumers import SNILS
    from voek_desktop.domain.identifiers import normalize_snils

    examples = [SNILS.placeholder, *(f.placeholder for f in FIELDS if f.key == "snils")]
    assert len(examples) == 2
    for example in examples:
        assert normalize_snils(example) == example.replace("-", "").replace(" ", "")
