"""What people searched for is kept for the council's reports, without anything that could identify them."""

import datetime

import pytest
from django.db import connection
from django.test import Client

from directory.models import SearchRecord
from directory.search_log import record_search, scrub_words, visitor_code
from enterprises.models import StaffMembership
from tests.factories import make_service, make_user


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


@pytest.mark.django_db(transaction=True)
def test_only_the_record_of_a_search_is_committed_without_waiting_for_the_disk(client, a_day_club):
    client.get("/search/", {"q": "club"})

    assert SearchRecord.objects.get().words == "club"
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


def test_the_record_of_a_search_is_one_statement_that_stops_its_own_transaction_waiting_for_the_disk(db):
    fields = {"area_id": None, "postcode_district": "WR1", "words": "club", "category_slugs": ["day-clubs"],
              "client_group_slugs": [], "result_count": 3}

    record_search(fields, visitor="a visitor")  # in the test's transaction

    assert SearchRecord.objects.get().category_slugs == ["day-clubs"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("off",)


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
        ("befriending for jean@example.org", "befriending"),
        ("sitting service 07700 900123", "sitting service"),
        ("carers group 01632-960-123 wr14", "carers group"),
        ("Dementia   Café", "dementia café"),
        ("Zelda Secretperson dementia 07700 900999", "dementia"),
        ("home help for mrs smith", "home help"),
        ("day centre near 14 Foregate Street, Worcester", "day centre"),
        ("day club close to the river", "day club close river"),
        ("Swimming, swimming and SWIMMING!", "swimming"),
        ("dementia\x00cafe", "dementia cafe"),
    ],
)
def test_words_that_could_identify_someone_are_taken_out(typed, kept):
    assert scrub_words(typed) == kept


def test_search_records_older_than_the_retention_period_are_deleted(db, settings):
    from io import StringIO

    from django.core.management import call_command

    from core.dates import months_before
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


def test_a_name_and_a_phone_number_typed_as_search_words_are_not_kept(client, a_day_club):
    client.get("/search/", {"q": "Zelda Secretperson dementia 07700 900999"})

    record = SearchRecord.objects.get()
    assert record.words == "dementia"
    assert "zelda" not in str(record.__dict__).lower() and "900999" not in str(record.__dict__)


def test_each_search_keeps_a_monthly_code_of_the_visitor_not_their_address(client, a_day_club):
    client.get("/search/", {"q": "archery"}, REMOTE_ADDR="203.0.113.7")
    client.get("/search/", {"q": "archery"}, REMOTE_ADDR="203.0.113.7")
    client.get("/search/", {"q": "archery"}, REMOTE_ADDR="198.51.100.9")

    first, again, other = SearchRecord.objects.order_by("pk").values_list("visitor", flat=True)
    assert first == again != other and len(first) == 16
    assert "203.0.113" not in first


def test_the_visitor_code_changes_every_month(rf):
    request = rf.get("/search/", REMOTE_ADDR="203.0.113.7")

    first, last = datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)
    assert visitor_code(request, today=first) == visitor_code(request, today=last)
    assert visitor_code(request, today=last) != visitor_code(request, today=datetime.date(2026, 2, 1))


def test_a_word_reaches_the_councils_report_only_once_three_visitors_on_three_days_searched_it(
    client, a_day_club, worcester
):
    today = datetime.date.today()

    def search(words, address, days_ago):
        Client().get("/search/", {"postcode": "wr1 2ey", "q": words}, REMOTE_ADDR=address)
        latest = SearchRecord.objects.latest("pk")
        SearchRecord.objects.filter(pk=latest.pk).update(searched_on=today - datetime.timedelta(days=days_ago))

    def words_in_report():
        response = client.get("/council/reports/searches-found-nothing.csv")
        return {row.split(",")[0] for row in response.content.decode("utf-8-sig").splitlines()[1:]}

    staff = make_user("stella@worcestershire.example")
    StaffMembership.objects.create(user=staff, council=worcester.council)
    client.force_login(staff)
    search("swimming", "203.0.113.1", 1)
    search("swimming zelda", "203.0.113.2", 2)
    for days_ago in range(1, 6):
        search("zelda", "203.0.113.9", days_ago)  # one visitor, planting a word day after day
    for address in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]:
        search("knitting", address, 1)  # three visitors, all on one day
    assert words_in_report() == set()

    search("swimming", "203.0.113.3", 3)

    assert words_in_report() == {"swimming"}
