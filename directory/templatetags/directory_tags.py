from django import template
from django.utils.safestring import mark_safe

from core.dates import govuk_time
from directory.page_cache import CSRF_SLOT

register = template.Library()


register.filter(govuk_time)


@register.filter
def as_strings(value) -> set[str]:
    """A field's value (one value, a list, or None) as a set of strings, to compare with its choices."""
    if value is None:
        return {""}
    values = value if isinstance(value, (list, tuple, set)) else [value]
    return {"" if item is None else str(item) for item in values}


@register.simple_tag
def csrf_slot():
    """Where the CSRF token's hidden input goes in content that may be cached for many visitors: each request puts its
    own there (directory/page_cache.py, fill_visitor_slots)."""
    return mark_safe(CSRF_SLOT)
