"""Dates and times: as the GOV.UK style guide writes them, calendar months counted the way people count them, and
working days (Monday to Friday, less the bank holidays of the part of the UK in settings.BANK_HOLIDAYS)."""

import calendar
import functools
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import F, FloatField, Func
from django.utils import timezone
from govuk_bank_holidays.bank_holidays import BankHolidays


def long_date(value: date | datetime | None) -> str:
    """31 March 2027: the day without a leading zero, the month in full. A moment is given as its day in the UK
    (TIME_ZONE); nothing is "" (as the template filter `date` gives)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return f"{value.day} {value:%B %Y}"


def govuk_time(value: time | None) -> str:
    """10:00 → "10am", 15:30 → "3:30pm", 12:00 → "midday"."""
    if value is None:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def days_between(later: str, earlier: str) -> Func:
    """The time from the moment in the field `earlier` to the one in `later`, in days and fractions of a day, in SQL
    (for a median in the reports); NULL while either is."""
    return Func(
        F(later),
        F(earlier),
        template="(EXTRACT(EPOCH FROM (%(expressions)s))::double precision / 86400)",
        arg_joiner=" - ",
        output_field=FloatField(),
    )


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, or that month's last day if it is shorter (31 March → 28 or
    29 February)."""
    year, month_index = divmod(day.year * 12 + (day.month - 1) - months, 12)
    month = month_index + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# Working days ------------------------------------------------------------------------------------------------------

BANK_HOLIDAY_REGIONS = (BankHolidays.ENGLAND_AND_WALES, BankHolidays.SCOTLAND, BankHolidays.NORTHERN_IRELAND)


@functools.cache
def bank_holidays(region: str) -> frozenset[date]:
    """GOV.UK's list of a region's bank holidays, as bundled with govuk-bank-holidays: read from the package's own
    file, never fetched, so counting working days never waits on the network. Raise the package's pin to get later
    years (`bank_holidays_known_until`)."""
    return frozenset(holiday["date"] for holiday in BankHolidays(use_cached_holidays=True).get_holidays(region))


def bank_holidays_known_until(region: str | None = None) -> date:
    return max(bank_holidays(region or settings.BANK_HOLIDAYS))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(settings.BANK_HOLIDAYS)


def working_days_before(day: date, working_days: int) -> date:
    """The date `working_days` working days before `day`: something that started on or before it has waited that
    long by `day`."""
    while working_days > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            working_days -= 1
    return day


def working_days_since(day: date, today: date) -> int:
    """How many working days something that started on `day` has waited by `today`: the working days from `day` up to
    the day before `today`, which is what `working_days_before` counts back, so that waiting `n` working days and
    starting on or before `working_days_before(today, n)` are the same thing, at weekends and bank holidays too."""
    return sum(is_working_day(day + timedelta(days=n)) for n in range((today - day).days))
