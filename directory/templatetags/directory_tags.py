"""The public directory's own template tags: `{% load directory_tags %}`, then `{% csrf_slot %}` in content the page
cache may keep. The tags every app's templates use (govuk_time, as_strings, long_date) are in core_tags."""

from django import template
from django.utils.safestring import mark_safe

from directory.page_cache import CSRF_SLOT

register = template.Library()


@register.simple_tag
def csrf_slot():
    """Where the CSRF token's hidden input goes in content that may be cached for many visitors: each request puts its
    own there (directory/page_cache.py, fill_visitor_slots)."""
    return mark_safe(CSRF_SLOT)
