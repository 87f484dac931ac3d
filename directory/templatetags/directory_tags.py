from django import template

from enterprises.formatting import govuk_time

register = template.Library()


register.filter(govuk_time)


@register.filter
def as_strings(value) -> set[str]:
    """A field's value (one value, a list, or None) as a set of strings, to compare with its choices."""
    if value is None:
        return {""}
    values = value if isinstance(value, (list, tuple, set)) else [value]
    return {"" if item is None else str(item) for item in values}
