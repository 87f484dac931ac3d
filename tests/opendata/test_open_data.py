"""Open data: the page that explains it, and the CSV of every published service."""

import csv
import io
from datetime import date, time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.models import Capacity, CostType, Delivery, Enterprise, WayToPay
from opendata import oruk
from opendata.csv_export import COLUMNS
from tests.factories import days_ago, make_enterprise, make_postcode, make_service


def download(client):
    response = client.get("/open-data/services.csv")
    assert response.status_code == 200
    assert response.streaming, "the CSV is streamed, not built in memory"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "a byte order mark, so that Excel reads the file as UTF-8"
    return response, list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def day_club(db, day_clubs, carers, worcester):
    enterprise = make_enterprise(
        "Malvern Hills Lunch Club", phone="01632 960123", email="hello@example.org", website="https://example.org",
    )
    base = make_postcode("WR14 2BB", 378000, 246500)
    return make_service(
        "Thursday day club",
        enterprise=enterprise,
        venue=make_postcode("WR14 4AA", 377500, 245800),
        venue_name="Priory Church Hall",
        venue_address="Church Street\nGreat Malvern",
        summary="A friendly day out with lunch.",
        categories=[day_clubs],
        client_groups=[carers],
        coverage_areas=[worcester],
        coverage_postcode=base.postcode, coverage_easting=base.easting, coverage_northing=base.northing,
        coverage_radius_miles=5,
        delivery=[Delivery.VENUE, Delivery.HOME],
        minimum_age=18,
        cost_type=CostType.PER_DAY,
        cost_amount=32,
        ways_to_pay=[WayToPay.SELF_FUNDED, WayToPay.DIRECT_PAYMENT],
        days=["thu"],
        opens_at=time(10),
        closes_at=time(15, 30),
        schedule_note="Not on bank holidays",
        capacity=Capacity.WAITING_LIST,
        capacity_confirmed_on=days_ago(5),
        step_free_access=True,
        languages="English, Polish",
    )


@pytest.mark.django_db
class TestThePage:
    def test_anyone_can_open_it_and_it_offers_the_csv_and_the_api(self, client, day_club):
        html = client.get("/open-data/").content.decode()

        assert html.count("<h1") == 1
        assert 'href="/open-data/services.csv"' in html
        assert "Download all 1 published service (CSV)" in html
        assert f"{settings.SITE_URL}/api/oruk" in html
        assert "Contains OS data © Crown copyright" in html

    def test_it_tells_developers_of_other_directories_how_to_read_the_api(self, client, day_club):
        html = client.get("/open-data/").content.decode()
        section = html[html.index('id="for-developers"'):html.index("Where the data comes from")]
        api_url = f"{settings.SITE_URL}/api/oruk"

        assert "For developers of other directories" in html
        assert f'<code class="govuk-!-text-break-word">{api_url}</code>' in section  # the base URL
        example = f"{api_url}/service_at_locations?postcode=WR1+2EY&amp;proximity=5000&amp;per_page=100"
        assert f'href="{example}"' in section and f'<code class="govuk-!-text-break-word">{example}</code>' in section
        assert "A page holds at most 100 items. If you ask for more, you get 100, not an error" in section
        assert "<code>last_page</code>" in section and "<code>page</code> counts from 1" in section
        for name in ("search", "taxonomy_term_id", "minimum_age", "day", "start_time", "postcode", "proximity"):
            assert f"<code>{name}</code>" in section
        assert "Ids that never change" in section

    def test_the_example_request_works(self, client, home_postcode, postcode_miles_east):
        make_service("A mile from WR1 2EY", venue=postcode_miles_east(1, "WR2 1AA"))
        html = client.get("/open-data/").content.decode()
        href = html[html.index('href="', html.index("<code>GET</code>")) + 6:].split('"')[0].replace("&amp;", "&")

        response = client.get(href.removeprefix(settings.SITE_URL))

        assert response.status_code == 200
        assert [item["service"]["name"] for item in response.json()["contents"]] == ["A mile from WR1 2EY"]

    def test_the_footer_links_to_it(self, client):
        assert 'href="/open-data/">Open data</a>' in client.get("/").content.decode()

    @pytest.mark.parametrize("path", ["/open-data/", "/open-data/services.csv"])
    def test_it_only_reads(self, client, path):
        assert client.post(path).status_code == 405


@pytest.mark.django_db
class TestTheCsv:
    def test_it_is_a_dated_attachment_anyone_may_fetch(self, client):
        response, rows = download(client)

        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="services-{timezone.localdate().isoformat()}.csv"'
        )
        assert response["Access-Control-Allow-Origin"] == "*"
        assert rows == []

    def test_one_row_a_service_with_what_a_spreadsheet_user_needs(self, client, day_club):
        _, [row] = download(client)

        assert list(row) == [heading for heading, _ in COLUMNS]
        assert row == {
            "Service ID": str(day_club.pk),
            "Open Referral UK ID": oruk.oruk_id("service", day_club.pk),
            "Service name": "Thursday day club",
            "Provider": "Malvern Hills Lunch Club",
            "Summary": "A friendly day out with lunch.",
            "Types of support": "Day clubs",
            "Who it is for": "Carers",
            "How it is delivered": "At a venue; At the person’s home",
            "Venue": "Priory Church Hall",
            "Venue address": "Church Street, Great Malvern",
            "Venue postcode": "WR14 4AA",
            "Areas covered": "Within 5 miles of WR14; Worcester",
            "Minimum age": "18",
            "Maximum age": "",
            "Cost": "£32.00 per day",
            "Ways to pay": "Paying for yourself; Direct payment or personal budget",
            "Days and times": "Thursday, 10am to 3:30pm",
            "When it runs": "Not on bank holidays",
            "Taking new people": "Waiting list",
            "Capacity confirmed on": days_ago(5).isoformat(),
            "Languages spoken": "English, Polish",
            "Accessibility": "Step-free access",
            "Phone": "01632 960123",
            "Email": "hello@example.org",
            "Website": "https://example.org",
            "Service page": f"{settings.SITE_URL}/services/{day_club.pk}/",
            "Last updated": timezone.localdate().isoformat(),
        }

    def test_head_gives_the_headers_without_reading_the_listings(self, client, day_club):
        with CaptureQueriesContext(connection) as queries:
            response = client.head("/open-data/services.csv")

        assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
        assert len(queries) == 0

    def test_a_stale_capacity_is_not_known_with_no_date(self, client):
        make_service(capacity=Capacity.TAKING, capacity_confirmed_on=days_ago(400))

        _, [row] = download(client)

        assert (row["Taking new people"], row["Capacity confirmed on"]) == ("Not known", "")

    def test_the_base_postcode_of_a_home_service_stays_private(self, client, day_club):
        response = client.get("/open-data/services.csv")

        assert b"WR14 2BB" not in b"".join(response.streaming_content)

    @pytest.mark.parametrize(
        "hidden_as",
        [
            {"status": Enterprise.Status.DRAFT},
            {"status": Enterprise.Status.SUBMITTED},
            {"status": Enterprise.Status.CHANGES_REQUESTED},
            {"status": Enterprise.Status.SUSPENDED},
            {"status": Enterprise.Status.ARCHIVED},
            {"status": Enterprise.Status.REJECTED},
            {"status": Enterprise.Status.PUBLISHED, "review_due_on": date(2000, 1, 1)},
        ],
        ids=lambda fields: "-".join(map(str, fields.values())),
    )
    def test_only_published_listings(self, client, hidden_as):
        make_service("Shown")
        make_service("Hidden", enterprise=make_enterprise("Hidden Ltd", **hidden_as))

        _, rows = download(client)

        assert [row["Service name"] for row in rows] == ["Shown"]

    def test_a_cell_that_a_spreadsheet_would_run_is_made_text(self, client):
        enterprise = make_enterprise("@SUM(1+1)", phone="+44 1632 960123", website="https://example.org")
        make_service('=HYPERLINK("https://evil.example","Click")', enterprise=enterprise, summary="-2+3",
                     schedule_note="\t=1+1")

        _, [row] = download(client)

        assert row["Service name"] == '\'=HYPERLINK("https://evil.example","Click")'
        assert row["Provider"] == "'@SUM(1+1)"
        assert row["Phone"] == "'+44 1632 960123"
        assert row["Summary"] == "'-2+3"
        assert row["When it runs"] == "'\t=1+1"
        assert row["Website"] == "https://example.org"

    def test_the_queries_do_not_grow_with_the_rows(self, client, day_clubs, carers, worcester):
        def queries_for_download():
            with CaptureQueriesContext(connection) as queries:
                download(client)
            return len(queries)

        for n in range(3):
            make_service(f"Club {n}", categories=[day_clubs], client_groups=[carers], coverage_areas=[worcester])
        few = queries_for_download()
        for n in range(30):
            make_service(f"More {n}", categories=[day_clubs], client_groups=[carers], coverage_areas=[worcester])

        assert queries_for_download() == few
