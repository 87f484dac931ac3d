"""What people searched for is kept for the council's reports, without anything that could identify them."""

import datetime

import pytest

from directory.models import SearchRecord
from directory.search_log import scrub_words
from tests.factories import make_service


@pytest.fixture
def a_day_club(home_postcode, worcester, day_clubs):
    return make_service("Thursday day club", venue=home_postcode, categories=[day_clubs])


def test_a_search_is_recorded_with_the_postcode_district_only(client, a_day_club, worcester):
    client.get("/search/", {"postcode": "wr1 2ey", "category": "day-clubs", "q": "club"})

    record = SearchRecord.objects.get()
    assert record.postcode_district == "WR1"
    assert record.area == worcester
    assert record.category_slugs == ["day-clubs"]
    assert record.words == "club"
    assert record.result_count == 1
    assert "2EY" not in str(record.__dict__)


def test_a_search_that_found_nothing_is_recorded_with_no_results(client, a_day_club):
    client.get("/search/", {"q": "archery"})

    assert SearchRecord.objects.get().result_count == 0


def test_turning_a_page_is_not_another_search(client, a_day_club):
    client.get("/search/", {"q": "day club"})
    client.get("/search/", {"q": "day club", "page": "2"})

    assert SearchRecord.objects.count() == 1


def test_an_invalid_search_and_the_empty_search_page_are_not_recorded(client, a_day_club):
    client.get("/search/", {"postcode": "not a postcode"})
    client.get("/search/")

    assert SearchRecord.objects.count() == 0


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("Home help WR1 2EY", "home help"),
        ("befriending for jean@example.org", "befriending for"),
        ("sitting service 07700 900123", "sitting service"),
        ("carers group 01632-960-123 wr14", "carers group wr14"),
        ("Dementia   Café", "dementia café"),
    ],
)
def test_words_that_could_identify_someone_are_taken_out(typed, kept):
    assert scrub_words(typed) == kept


def test_search_records_older_than_the_retention_period_are_deleted(db, settings):
    from io import StringIO

    from django.core.management import call_command

    from referrals.retention import months_before
    from tests.factories import days_ago

    settings.SEARCH_RECORD_RETENTION_MONTHS = 25
    cutoff = months_before(days_ago(0), 25)
    kept = SearchRecord.objects.create(searched_on=cutoff, result_count=1)
    SearchRecord.objects.create(searched_on=cutoff - datetime.timedelta(days=1), result_count=2)
    out = StringIO()

    call_command("purge_search_records", stdout=out)
    call_command("purge_search_records", stdout=StringIO())

    assert list(SearchRecord.objects.all()) == [kept]
    assert out.getvalue().startswith("Deleted 1 search record(s)")
