"""The shared kit's template filters: `{% load core_tags %}`, then `{{ listing.review_due_on|long_date }}`."""

from datetime import date

from django import template

from core import dates

register = template.Library()


@register.filter
def long_date(value) -> str:
    """31 March 2027 (core.dates.long_date); "" for anything that is not a date or a moment, such as a missing
    variable, as Django's own `date` filter gives."""
    return dates.long_date(value) if isinstance(value, date) else ""
