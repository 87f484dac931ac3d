"""Paging search results with one query: the page's rows carry the total count of all matches."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

# PostgreSQL's OFFSET and LIMIT are bigints: no list is longer, so a page number beyond it is past the end.
LARGEST_OFFSET = 2**63 - 1


def requested_page(text, per_page: int) -> int:
    """The page asked for: the first for nonsense, and never one whose offset PostgreSQL could not take."""
    try:
        number = max(int(text), 1)
    except (TypeError, ValueError):
        number = 1
    return min(number, LARGEST_OFFSET // per_page)


def counted_page(rows: list, number: int, per_page: int, total: int) -> Page:
    """A Page of rows already fetched, out of `total` counted with them: nothing is asked of the database again."""
    paginator = Paginator([], per_page)
    paginator.__dict__["count"] = total  # Paginator.count is a cached property; this is the count we already have
    return Page(rows, number, paginator)


def page_of(queryset, page_number, per_page: int) -> Page:
    """The requested page (the first for nonsense, the last for a number past the end), counted in the same query.

    A Paginator would run the search twice: once to count, once for the rows.
    """
    number = requested_page(page_number, per_page)
    counted = queryset.annotate(total_matches=Window(Count("*")))
    offset = (number - 1) * per_page
    rows = list(counted[offset : offset + per_page])
    if rows:
        total = rows[0].total_matches
    else:
        total = queryset.count()
        number = max((total - 1) // per_page + 1, 1)  # past the end: the last page (the first, of nothing)
        if total:
            offset = (number - 1) * per_page
            rows = list(counted[offset : offset + per_page])
    return counted_page(rows, number, per_page, total)


def page_links(page: Page, around: int = 2) -> list[int | None]:
    """Page numbers to link to: the first, the last, and `around` either side of this one; None for a gap."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - around, page.number + around + 1)}
    links: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if links and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return links
