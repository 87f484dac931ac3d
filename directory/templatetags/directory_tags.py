from django import template

register = template.Library()


@register.filter
def govuk_time(value):
    """10:00 → "10am", 15:30 → "3:30pm", 12:00 → "midday", as the GOV.UK style guide writes times."""
    if value is None:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


@register.filter
def as_strings(value) -> set[str]:
    """A field's value (one value, a list, or None) as a set of strings, to compare with its choices."""
    if value is None:
        return {""}
    values = value if isinstance(value, (list, tuple, set)) else [value]
    return {"" if item is None else str(item) for item in values}
