"""What the public directory gives every template (core/jinja2.py reads GLOBALS and FILTERS): `{{ csrf_slot() }}` in
content the page cache may keep for many visitors;
`service|whereabouts`, where a service is, in one line (directory/shortlist.py)."""

from markupsafe import Markup

from directory.page_cache import CSRF_SLOT
from directory.shortlist import whereabouts


def csrf_slot() -> Markup:
    """Where the CSRF token's hidden input goes: each request puts its own there (directory/page_cache.py,
    fill_visitor_slots)."""
    return Markup(CSRF_SLOT)


GLOBALS = {"csrf_slot": csrf_slot}
FILTERS = {"whereabouts": whereabouts}
