"""CSV files that spreadsheet programs open safely: the one rule for every download of ours.

- A text cell a spreadsheet would run as a formula (one starting with = + - @, a tab or a carriage return) gets a
  leading apostrophe, so that text someone typed into a listing or a search cannot plant a formula in a council
  officer's spreadsheet. Numbers and dates we write ourselves are left as they are, so they stay numbers.
- The file starts with a byte order mark, so that Excel reads it as UTF-8 (£, é, curly quotes).
"""

import csv
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"


def safe_cell(value) -> str:
    """The text of a cell, with a leading apostrophe where a spreadsheet would otherwise run it as a formula."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


class _Echo:
    """A file that hands back what is written to it, so csv.writer can make one line at a time."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """Each row as a line of CSV, every cell made safe, the first line led by the byte order mark. A generator, so a
    long file can be streamed a row at a time."""
    writer = csv.writer(_Echo())
    start = BYTE_ORDER_MARK
    for row in rows:
        yield start + writer.writerow([safe_cell(cell) for cell in row])
        start = ""
