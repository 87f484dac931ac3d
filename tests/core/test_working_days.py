"""Working days (core/dates.py): Monday to Friday less the bank holidays of the UK region in settings.BANK_HOLIDAYS,
from GOV.UK's list as bundled with govuk-bank-holidays (never fetched)."""

from datetime import date, timedelta

import pytest

from core.dates import (
    bank_holidays_known_until,
    is_working_day,
    working_days_before,
    working_days_since,
)
from tests.core.test_settings import manage

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 3, day) for day in range(9, 16))  # an ordinary week in March 2026

# Christmas 2026: Christmas Day is a Friday and Boxing Day a Saturday, so Monday 28 December is its substitute day.
CHRISTMAS_EVE, CHRISTMAS_DAY, BOXING_DAY_SUBSTITUTE = date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 28)
NEW_YEARS_DAY_2027 = date(2027, 1, 1)
# Easter 2026: Good Friday 3 April, Easter Monday 6 April (not a bank holiday in Scotland).
MAUNDY_THURSDAY, GOOD_FRIDAY, EASTER_MONDAY = date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6)


@pytest.fixture(autouse=True)
def _england_and_wales(settings):
    settings.BANK_HOLIDAYS = "england-and-wales"


# Weekends --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, working_days, expected",
    [
        (WED, 0, WED),
        (WED, 1, TUE),
        (WED, 5, date(2026, 3, 4)),  # the Wednesday before
        (MON, 1, date(2026, 3, 6)),  # Friday, over the weekend
        (MON, 5, date(2026, 3, 2)),
        (SAT, 1, FRI),
        (SUN, 1, FRI),
        (SUN, 5, MON),
        (FRI, 10, date(2026, 2, 27)),  # two weeks back, over two weekends
    ],
)
def test_working_days_before_skips_weekends(day, working_days, expected):
    assert working_days_before(day, working_days) == expected


@pytest.mark.parametrize(
    "day, today, expected",
    [
        (WED, WED, 0),
        (TUE, WED, 1),
        (FRI, MON + timedelta(days=7), 1),  # Friday, over the weekend
        (FRI, SAT, 1),
        (MON, SAT, 5),
        (SAT, MON + timedelta(days=7), 0),  # started at the weekend: nothing until Monday is over
        (date(2026, 3, 4), WED, 5),
    ],
)
def test_working_days_since_counts_the_working_days_waited(day, today, expected):
    assert working_days_since(day, today) == expected


FORTNIGHTS = [start + timedelta(days=n) for start in (MON, date(2026, 12, 21), date(2026, 3, 30)) for n in range(14)]


@pytest.mark.parametrize("today", FORTNIGHTS, ids=lambda day: f"{day:%d %b %a}")
def test_the_cutoff_is_passed_exactly_when_that_many_working_days_have_been_waited(today):
    """The two ways of counting agree, in an ordinary fortnight and over Christmas and Easter."""
    for working_days in range(1, 11):
        cutoff = working_days_before(today, working_days)
        for started in (today - timedelta(days=n) for n in range(25)):
            waited = working_days_since(started, today)
            assert (started <= cutoff) == (waited >= working_days), (started, working_days)


# Christmas -------------------------------------------------------------------------------------------------------


def test_christmas_day_and_the_substitute_boxing_day_are_not_working_days():
    week = [CHRISTMAS_EVE + timedelta(days=n) for n in range(8)]  # Thursday 24 December to Thursday 31 December

    assert [day for day in week if is_working_day(day)] == [
        CHRISTMAS_EVE, date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)
    ]


def test_counting_back_over_christmas_skips_the_bank_holidays_and_the_weekend():
    assert working_days_before(date(2026, 12, 29), 1) == CHRISTMAS_EVE
    assert working_days_before(date(2026, 12, 31), 5) == date(2026, 12, 22)
    assert working_days_before(date(2027, 1, 5), 5) == date(2026, 12, 24)  # and over New Year's Day


def test_something_started_before_christmas_has_waited_only_the_working_days():
    started = date(2026, 12, 23)

    assert working_days_since(started, date(2026, 12, 29)) == 2  # 23 and 24 December
    assert working_days_since(started, date(2027, 1, 4)) == 5  # then 29, 30 and 31 December
    assert working_days_since(started, date(2027, 1, 5)) == 6  # Monday 4 January


# Easter ----------------------------------------------------------------------------------------------------------


def test_good_friday_and_easter_monday_are_not_working_days_in_england_and_wales():
    assert not is_working_day(GOOD_FRIDAY)
    assert not is_working_day(EASTER_MONDAY)
    assert is_working_day(MAUNDY_THURSDAY) and is_working_day(date(2026, 4, 7))


def test_over_easter_five_working_days_take_nine_days():
    assert working_days_since(MAUNDY_THURSDAY, date(2026, 4, 10)) == 4  # Thursday, then Tuesday to Thursday
    assert working_days_since(MAUNDY_THURSDAY, date(2026, 4, 13)) == 5
    assert working_days_before(date(2026, 4, 13), 5) == MAUNDY_THURSDAY


# Other parts of the UK -------------------------------------------------------------------------------------------


def test_in_scotland_easter_monday_is_a_working_day_and_2_january_is_not(settings):
    settings.BANK_HOLIDAYS = "scotland"

    assert is_working_day(EASTER_MONDAY) and not is_working_day(GOOD_FRIDAY)
    assert working_days_since(MAUNDY_THURSDAY, date(2026, 4, 10)) == 5
    assert not is_working_day(date(2027, 1, 4))  # 2 January is a Saturday: its substitute day


def test_in_northern_ireland_st_patricks_day_is_not_a_working_day(settings):
    assert is_working_day(date(2026, 3, 17))

    settings.BANK_HOLIDAYS = "northern-ireland"

    assert not is_working_day(date(2026, 3, 17))
    assert working_days_before(date(2026, 3, 18), 1) == date(2026, 3, 16)


def test_an_unknown_part_of_the_uk_is_refused_when_the_site_starts():
    result = manage("check", BANK_HOLIDAYS="wales")

    assert result.returncode != 0
    assert "BANK_HOLIDAYS must be england-and-wales, scotland or northern-ireland, not 'wales'" in result.stderr


def test_the_bundled_bank_holidays_reach_to_the_end_of_next_year():
    """After the bundled list ends, bank holidays would silently count as working days. When this fails, raise the
    pin of govuk-bank-holidays (constraints.txt) to a release with GOV.UK's newer list."""
    next_year = date.today().year + 1
    for region in ("england-and-wales", "scotland", "northern-ireland"):
        assert bank_holidays_known_until(region) >= date(next_year, 12, 25), region
