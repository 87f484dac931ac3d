"""Paging search results with one query: the page's rows carry the total count of all matches."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

# PostgreSQL's OFFSET and LIMIT are bigints: no list is longer, so a page number beyond it is past the end.
LARGEST_OFFSET = 2**63 - 1


def page_of(queryset, page_number, per_page: int) -> Page:
    """The requested page (the first for nonsense, the last for a number past the end), counted in the same query.

    A Paginator would run the search twice: once to count, once for the rows.
    """
    try:
        number = max(int(page_number), 1)
    except (TypeError, ValueError):
        number = 1
    number = min(number, LARGEST_OFFSET // per_page)
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
    paginator = Paginator(queryset, per_page)
    paginator.__dict__["count"] = total  # Paginator.count is a cached property; this is the count we already have
    return Page(rows, number, paginator)


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
