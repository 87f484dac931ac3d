"""Recording what people searched for, without anything that could identify them (see SearchRecord)."""

import re

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


def record_search(fields: dict) -> None:
    SearchRecord.objects.create(**fields)
