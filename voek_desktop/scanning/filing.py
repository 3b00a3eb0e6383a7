"""Pages → document slots, by the service codes (issue 17 items 2 and 3).

- A separator sheet («лист-разделитель») says the pages after it, up to the next one, are its
  kind of document; the sheet itself is not attached.
- A coded page of a printed application goes to its own kind's slot wherever it lies in the
  stack — unless it is of another application or of an older print of the form (its digest
  is not the form's on file): then it is left out, with a Russian warning.
- A page without a code goes with the separator before it, or to ``default_kind`` (the row the
  user attached the file to), or is left to the user.
- Blank pages (the empty backs of sheets) are dropped.
- A coded document missing a page is warned about («Не хватает страницы 2 из 2»).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from voek_desktop.domain import scancodes
from voek_desktop.scanning.pages import Page


@dataclass(frozen=True)
class OnFile:
    """What the app knows of the application the pages are for."""

    number: str
    category: str
    digest: str  # scancodes.form_digest of the form as the server has it
    kinds: tuple[str, ...]  # the slots (required document kinds)


@dataclass
class Filing:
    parts: dict[str, list[Page]] = field(default_factory=dict)  # kind → pages, slot order
    unsorted: list[Page] = field(default_factory=list)  # left to the user
    warnings: list[str] = field(default_factory=list)
    blanks: int = 0
    separators: int = 0
    coded: int = 0  # pages that carried one of our codes (separators included)

    @property
    def is_simple(self) -> bool:
        """One document, nothing left over, nothing to warn about: no check needed."""
        return len(self.parts) <= 1 and not self.unsorted and not self.separators


def file_pages(pages: Sequence[Page], on_file: OnFile, default_kind: str | None = None) -> Filing:
    filing = Filing()
    parts: dict[str, list[Page]] = {}
    current: str | None = default_kind
    seen: dict[tuple[str, str, str, int], set[int]] = {}  # (kind, number, digest, N) → n
    for page in pages:
        code = page.code
        if code is not None:
            filing.coded += 1
        if isinstance(code, scancodes.SeparatorCode):
            filing.separators += 1
            current = _separator_kind(code, on_file, filing)
            continue
        if isinstance(code, scancodes.PageCode):
            kind = _coded_kind(code, page, on_file, filing)
            if kind is None:
                filing.unsorted.append(page)
                continue
            key = (kind, code.number, code.digest or code.category, code.pages)
            numbers = seen.setdefault(key, set())
            if code.page in numbers:
                continue  # the same page scanned twice
            numbers.add(code.page)
            parts.setdefault(kind, []).append(page)
            continue
        if page.blank:
            filing.blanks += 1
            continue
        if current is None:
            filing.unsorted.append(page)
        else:
            parts.setdefault(current, []).append(page)
    for (kind, _number, _digest, total), numbers in seen.items():
        for n in range(1, total + 1):
            if n not in numbers:
                filing.warnings.append(
                    f"{scancodes.kind_title(kind)}: не хватает страницы {n} из {total}"
                )
    for kind_pages in parts.values():
        # Pages of a coded document in their printed order, whatever order they were fed in.
        if all(isinstance(p.code, scancodes.PageCode) for p in kind_pages):
            kind_pages.sort(
                key=lambda p: p.code.page if isinstance(p.code, scancodes.PageCode) else 0
            )
    order = {k: i for i, k in enumerate(on_file.kinds)}
    filing.parts = dict(sorted(parts.items(), key=lambda kv: order.get(kv[0], len(order))))
    return filing


def _separator_kind(code: scancodes.SeparatorCode, on_file: OnFile, filing: Filing) -> str | None:
    title = scancodes.kind_title(code.kind)
    if code.number and on_file.number and code.number != on_file.number:
        filing.warnings.append(
            f"Лист-разделитель «{title}» напечатан для заявки № {code.number}, а это заявка"
            f" № {on_file.number}: страницы после него не разложены"
        )
        return None
    if code.kind not in on_file.kinds:
        filing.warnings.append(
            f"Документ «{title}» для этой заявки не нужен: страницы после разделителя не разложены"
        )
        return None
    return code.kind


def _coded_kind(
    code: scancodes.PageCode, page: Page, on_file: OnFile, filing: Filing
) -> str | None:
    title = scancodes.kind_title(code.kind)
    if code.blank:
        if code.category != on_file.category:
            filing.warnings.append(
                f"{page.source}: бланк другого вида заявки"
                f" ({scancodes.category_title(code.category)}): не прикреплён"
            )
            return None
        return code.kind if code.kind in on_file.kinds else None
    if code.number and on_file.number and code.number != on_file.number:
        filing.warnings.append(
            f"{page.source}: это скан заявки № {code.number}, а не этой заявки"
            f" № {on_file.number} — не прикреплён"
        )
        return None
    if code.digest != on_file.digest:
        filing.warnings.append(
            f"{page.source}: «{title}» — скан старой редакции: после печати заявка изменилась."
            " Распечатайте её заново, подпишите и отсканируйте — этот скан не прикреплён"
        )
        return None
    if code.kind not in on_file.kinds:
        return None
    return code.kind
