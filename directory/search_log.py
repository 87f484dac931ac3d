"""Recording what people searched for, without anything that could identify them (see SearchRecord)."""

import re

from django.db import connections, router
from django.utils import timezone

from directory.models import SearchRecord

# A full or partial postcode, an email address, or a run of five or more digits (a phone number, a date of birth).
_IDENTIFYING = re.compile(
    r"[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}|\S+@\S+|(?:\d[\s-]?){5,}", re.IGNORECASE
)


def scrub_words(text: str) -> str:
    """The words of a search with anything identifying taken out, lower-cased, at most 100 characters."""
    return " ".join(_IDENTIFYING.sub(" ", text or "").lower().split())[:100]


def search_record_fields(service_filter, *, result_count: int) -> dict:
    """What to record of a valid search (for the first page of results: turning a page is not another search)."""
    data = service_filter.form.cleaned_data
    place = service_filter.place
    return {
        "area_id": place.area_id if place else None,
        "postcode_district": place.postcode.split(" ")[0] if place else "",
        "words": scrub_words(data.get("q", "")),
        "category_slugs": list(data.get("category") or []),
        "client_group_slugs": list(data.get("client_group") or []),
        "result_count": result_count,
    }


_INSERT = (
    f'INSERT INTO "{SearchRecord._meta.db_table}" (searched_on, area_id, postcode_district, words, category_slugs, '
    "client_group_slugs, result_count) VALUES (%s, %s, %s, %s, %s, %s, %s)"
)


def record_search(fields: dict) -> None:
    """One row, written with a plain INSERT: it is on every search, and the ORM's save took longer than the rest of
    a page from the cache."""
    with connections[router.db_for_write(SearchRecord)].cursor() as cursor:
        cursor.execute(_INSERT, [
            timezone.localdate(), fields["area_id"], fields["postcode_district"], fields["words"],
            fields["category_slugs"], fields["client_group_slugs"], fields["result_count"],
        ])
