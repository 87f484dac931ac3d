"""The one rule for CSV downloads (core/spreadsheets.py): no cell a spreadsheet would run as a formula, and a byte
order mark so that Excel reads UTF-8. The open-data CSV and the reports' CSVs both use it (tests/test_rules.py)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from core.spreadsheets import BYTE_ORDER_MARK, csv_lines, safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1632", "'+44 1632"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Lunch club", "Lunch club"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(value, cell):
    assert safe_cell(value) == cell


@pytest.mark.parametrize(("value", "cell"), [(12, "12"), (-3, "-3"), (Decimal("-2.50"), "-2.50"), (0.5, "0.5"),
                                             (date(2027, 3, 31), "2027-03-31")])
def test_numbers_and_dates_we_write_ourselves_stay_numbers_and_dates(value, cell):
    assert safe_cell(value) == cell


def test_the_file_starts_with_one_byte_order_mark_and_every_cell_is_safe():
    lines = list(csv_lines([["Name", "Count"], ["=cmd|' /C calc'!A0", 2], ["Lunch club, Malvern", -1]]))

    assert lines[0].startswith(BYTE_ORDER_MARK) and not any(BYTE_ORDER_MARK in line for line in lines[1:])
    assert list(csv.reader(io.StringIO("".join(lines).removeprefix(BYTE_ORDER_MARK)))) == [
        ["Name", "Count"], ["'=cmd|' /C calc'!A0", "2"], ["Lunch club, Malvern", "-1"],
    ]


def test_nothing_to_write_is_an_empty_file():
    assert list(csv_lines([])) == []
