"""Lists as Excel workbooks: one sheet, a bold header row, the rows as given (the report's Chinese
terms in the header, whatever the reader's language, as the figures' workbook does)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any


def list_workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook  # loaded only when a workbook is asked for
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit on a sheet's name
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (12, 40, 24, 8, 16, 30, 12, 12), strict=False):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
