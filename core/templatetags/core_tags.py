"""The shared kit's template filters, used by every app's templates: `{% load core_tags %}`, then
`{{ listing.review_due_on|long_date }}`, `{{ event.at|localtime|govuk_time }}` or `field.value|as_strings`."""

from datetime import date

from django import template

from core import dates

register = template.Library()


register.filter(dates.govuk_time)


@register.filter
def long_date(value) -> str:
    """31 March 2027 (core.dates.long_date); "" for anything that is not a date or a moment, such as a missing
    variable, as Django's own `date` filter gives."""
    return dates.long_date(value) if isinstance(value, date) else ""


@register.filter
def as_strings(value) -> set[str]:
    """A field's value (one value, a list, or None) as a set of strings, to compare with its choices."""
    if value is None:
        return {""}
    values = value if isinstance(value, (list, tuple, set)) else [value]
    return {"" if item is None else str(item) for item in values}
