"""Dates as the GOV.UK style guide writes them (core/dates.py): one function for every page, email, API and CSV."""

from datetime import UTC, date, datetime, time

import pytest
from django.template import engines

from core.dates import govuk_time, long_date, months_before


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (date(2027, 3, 31), "31 March 2027"),
        (date(2027, 1, 1), "1 January 2027"),  # no leading zero
        (datetime(2027, 6, 30, 23, 30, tzinfo=UTC), "1 July 2027"),  # half past midnight in British Summer Time
        (datetime(2027, 1, 31, 23, 30, tzinfo=UTC), "31 January 2027"),  # and in winter, UK time is UTC
        (datetime(2027, 6, 30, 23, 30), "30 June 2027"),  # a naive moment is taken as it is
        (None, ""),
    ],
)
def test_long_date(value, written):
    assert long_date(value) == written


@pytest.mark.parametrize(
    ("value", "written"),
    [(time(10), "10am"), (time(15, 30), "3:30pm"), (time(12), "midday"), (time(0), "12am"), (None, "")],
)
def test_govuk_time(value, written):
    assert govuk_time(value) == written


@pytest.mark.parametrize(
    ("day", "months", "before"),
    [(date(2027, 3, 31), 1, date(2027, 2, 28)), (date(2028, 3, 31), 1, date(2028, 2, 29)),
     (date(2027, 1, 15), 12, date(2026, 1, 15)), (date(2027, 1, 15), 25, date(2024, 12, 15))],
)
def test_months_before(day, months, before):
    assert months_before(day, months) == before


def test_templates_write_long_dates_with_the_same_function():
    template = engines["jinja2"].from_string(
        "{{ due|long_date }}|{{ sent|long_date }}|{{ none|long_date or 'Not set' }}"
    )
    context = {"due": date(2027, 3, 31), "sent": datetime(2027, 6, 30, 23, 30, tzinfo=UTC), "none": None}

    assert template.render(context) == "31 March 2027|1 July 2027|Not set"
