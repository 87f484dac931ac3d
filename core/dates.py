"""Dates and times: as the GOV.UK style guide writes them, and calendar months counted the way people count them."""

import calendar
from datetime import date, datetime, time

from django.utils import timezone


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


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, or that month's last day if it is shorter (31 March → 28 or
    29 February)."""
    year, month_index = divmod(day.year * 12 + (day.month - 1) - months, 12)
    month = month_index + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
