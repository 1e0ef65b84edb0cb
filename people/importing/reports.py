"""The files an import leaves for the clerk: the rejected rows, and a summary.

Both go to ``settings.IMPORT_REPORT_DIR/<import id>/``. The rejects file is a CSV that Excel
opens as it is (UTF-8 with a byte order mark) with the file's own columns plus LINE and REASON;
identifiers are written as ``="3510..."`` so Excel keeps all 16 digits. The importer reads the
same file back (it ignores LINE and REASON and unwraps ``="..."``), so a clerk can correct the
rejected rows in place and import the rejects file itself.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from people.importing.columns import IDENTIFIER_COLUMNS, HeaderMap
from people.importing.values import cell_text

REJECTS_NAME = "rejects.csv"
SUMMARY_NAME = "summary.json"
# The summary lists this many warnings line by line; beyond that it only counts them.
MAX_LISTED_WARNINGS = 1000

# Characters that make a spreadsheet treat a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_text(text: str, *, identifier: bool = False) -> str:
    """A value Excel shows as text: identifiers and digits wrapped as ="...", formulas defused."""
    if not text:
        return text
    if (identifier and '"' not in text) or text.isdigit():
        return f'="{text}"'
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


class RejectsWriter:
    """Writes rejected rows as they come, so a file of any size needs no memory for them.

    The file is written under a temporary name and only given its real name by :meth:`close`
    with ``keep=True``, so a failed import leaves no half-written report behind.
    """

    def __init__(self, directory: Path, header: HeaderMap, delimiter: str = ","):
        self.path = directory / REJECTS_NAME
        self._partial = directory / (REJECTS_NAME + ".part")
        self.header = header
        self.delimiter = delimiter
        self.count = 0
        self._identifier_positions = frozenset(
            position
            for canonical, position in header.index.items()
            if canonical in IDENTIFIER_COLUMNS
        )
        self._file = None
        self._writer = None

    def _open(self) -> None:
        self._partial.parent.mkdir(parents=True, exist_ok=True)
        self._file = self._partial.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file, delimiter=self.delimiter)
        self._writer.writerow(["LINE", *self.header.headers, "REASON"])

    def write(self, line: int, cells: list[object], errors: list[tuple[str, str]]) -> None:
        if self._writer is None:
            self._open()
        width = len(self.header.headers)
        shown = []
        for position in range(width):
            cell = cells[position] if position < len(cells) else ""
            if position in self._identifier_positions:
                shown.append(excel_text(cell_text(cell), identifier=True))
            else:
                text = cell.strip() if cell.__class__ is str else cell_text(cell)
                shown.append(excel_text(text))
        # Cells past the last header (a row split by an unquoted separator) follow REASON.
        extra = [excel_text(cell_text(cell)) for cell in cells[width:]]
        reason = " | ".join(
            f"{column}: {message}" if column else message for column, message in errors
        )
        self._writer.writerow([line, *shown, reason, *extra])  # type: ignore[union-attr]
        self.count += 1

    def close(self, *, keep: bool) -> None:
        if self._writer is None and keep:
            self._open()
        if self._file is not None:
            self._file.close()
            self._file = None
        if keep:
            self._partial.replace(self.path)
            return
        self._partial.unlink(missing_ok=True)
        if self._partial.parent.is_dir() and not any(self._partial.parent.iterdir()):
            self._partial.parent.rmdir()


def write_summary(directory: Path, summary: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SUMMARY_NAME
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n", "utf-8")
    return path
