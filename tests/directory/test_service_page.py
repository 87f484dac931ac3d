"""The service page answers a family's questions (issue 15): where the venue is and how to get there, how fresh the
listing is, accessibility as yes / no / not known, home visits, and a small map only when map tiles are set."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.models import Delivery, EnterpriseCheck, ListingEvent
from tests.factories import (
    make_area,
    make_category,
    make_client_group,
    make_enterprise,
    make_postcode,
    make_service,
    make_user,
)

TILES = "http://127.0.0.1:8999/tiles/{z}/{x}/{y}.png"


@pytest.fixture
def church_hall_club(db):
    listing = make_enterprise("Evesham Friends")
    make_area("Evesham", 403800, 243700, council=listing.council)
    make_area("Pershore", 394800, 245900, council=listing.council)
    return make_service(
        "Dementia day club", enterprise=listing, venue=make_postcode("WR11 4TP", 403900, 243900),
        venue_name="St John's Church Hall", step_free_access=True,
    )


def page(client, service):
    response = client.get(f"/services/{service.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
class TestWhereItIs:
    def test_the_venue_gives_its_town_and_postcode(self, client, church_hall_club):
        html = page(client, church_hall_club)
        assert "St John&#39;s Church Hall<br>Evesham<br>WR11 4TP" in html

    def test_a_town_already_in_the_address_is_not_said_twice(self, client, church_hall_club):
        church_hall_club.venue_address = "Church Street, Evesham"
        church_hall_club.save()
        assert page(client, church_hall_club).count("Evesham<br>") == 1

    def test_a_venue_far_from_every_named_place_gives_its_postcode_alone(self, client, db):
        lonely = make_service("Hill walk", venue=make_postcode("HR9 9ZZ", 300000, 220000), venue_name="The barn")
        assert "The barn<br>HR9 9ZZ" in page(client, lonely)

    def test_a_link_gives_directions_to_the_postcode_on_openstreetmap(self, client, church_hall_club):
        html = page(client, church_hall_club)
        assert 'href="https://www.openstreetmap.org/directions?to=WR11+4TP"' in html
        assert "Directions to St John&#39;s Church Hall" in html

    def test_a_home_service_says_it_comes_to_you_and_where(self, client, db):
        listing = make_enterprise("Severn Sitters")
        malvern = make_area("Malvern", 377500, 245800, council=listing.council)
        sitting = make_service("Evening sitting", enterprise=listing, delivery=[Delivery.HOME],
                               coverage_areas=[malvern])
        html = page(client, sitting)
        assert "Comes to you<br>Malvern" in html
        assert "Directions to" not in html


@pytest.mark.django_db
class TestHowFresh:
    def test_it_says_when_it_was_last_updated_and_last_checked_by_the_council(self, client, church_hall_club):
        stella = make_user("stella@worcestershire.example")
        ListingEvent.objects.create(enterprise=church_hall_club.enterprise, action="approved", actor=stella,
                                    at=timezone.make_aware(datetime.datetime(2025, 3, 4, 10)))
        ListingEvent.objects.create(enterprise=church_hall_club.enterprise, action="reviewed", actor=stella,
                                    at=timezone.make_aware(datetime.datetime(2026, 2, 9, 10)))
        ListingEvent.objects.create(enterprise=church_hall_club.enterprise, action="suspended", actor=stella,
                                    at=timezone.make_aware(datetime.datetime(2026, 3, 1, 10)))
        html = page(client, church_hall_club)
        assert "Last checked by the council</dt>" in html and "9 February 2026" in html
        today = timezone.localdate()
        assert f"{today.day} {today:%B %Y}" in html  # last updated: made today

    def test_a_listing_the_council_never_checked_says_so(self, client, church_hall_club):
        assert "Not yet checked" in page(client, church_hall_club)


@pytest.mark.django_db
class TestAccessibility:
    def test_each_answer_is_yes_no_or_not_known_never_a_mix(self, client, church_hall_club):
        html = page(client, church_hall_club)
        assert "No step-free access, or not confirmed" not in html
        assert "Step-free access</dt>\n        <dd class=\"govuk-summary-list__value\">Yes" in html
        assert "Hearing loop</dt>\n        <dd class=\"govuk-summary-list__value\">Not known" in html

    def test_a_provider_who_said_no_is_told_as_no(self, client, church_hall_club):
        church_hall_club.hearing_loop = False
        church_hall_club.save()
        html = page(client, church_hall_club)
        assert "Hearing loop</dt>\n        <dd class=\"govuk-summary-list__value\">No" in html


@pytest.mark.django_db
class TestMap:
    def test_without_map_tiles_there_is_no_map_and_no_outside_image_allowed(self, client, church_hall_club,
                                                                                settings):
        settings.MAP_TILE_URL = ""
        response = client.get(f"/services/{church_hall_club.pk}/")
        assert "data-app-map" not in response.content.decode()
        assert "img-src 'self';" in response["Content-Security-Policy"]

    def test_with_map_tiles_the_page_describes_the_map_in_words(self, client, church_hall_club, settings):
        settings.MAP_TILE_URL = TILES
        settings.MAP_TILE_ATTRIBUTION = "© Test tiles"
        response = client.get(f"/services/{church_hall_club.pk}/")
        html = response.content.decode()
        assert "The map shows where St John&#39;s Church Hall is: Evesham, WR11 4TP." in html
        assert f'data-tile-url="{TILES}"' in html and "hidden" in html.split("data-app-map-section")[1][:20]
        assert "img-src 'self' http://127.0.0.1:8999;" in response["Content-Security-Policy"]

    def test_a_home_service_shows_the_area_it_covers_around_its_district_not_its_base(self, client, db, settings):
        settings.MAP_TILE_URL = TILES
        base = make_postcode("WR14 1AB", 377512, 245876)
        sitting = make_service("Evening sitting", delivery=[Delivery.HOME], coverage_postcode=base.postcode,
                               coverage_easting=base.easting, coverage_northing=base.northing,
                               coverage_radius_miles=5)
        html = page(client, sitting)
        assert "The map shows the area it covers: within 5 miles of WR14." in html
        assert 'data-radius="8047"' in html


def test_the_csp_allows_any_subdomain_of_a_tile_host_with_a_subdomain_placeholder():
    from core.security import tile_source

    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert tile_source("javascript:alert(1)") is None
    assert tile_source("//{z}.example.org/") is None


@pytest.mark.django_db
class TestChecksByTheCouncil:
    def test_the_page_says_plainly_which_checks_its_type_needs_were_not_made(self, client, church_hall_club):
        listing = church_hall_club.enterprise
        stella = make_user("stella@council.example")
        listing.checks.create(kind="insurance", checked_on=datetime.date(2026, 10, 1), checked_by=stella)

        html = page(client, church_hall_club)

        assert "Insurance checked 1 October 2026" in html
        assert "Not checked by the council: safeguarding policy" in html


@pytest.mark.django_db
def test_a_service_page_runs_the_same_queries_however_much_it_shows(client, db):
    """Its types of support, client groups, areas, the listing's checks and its other services come with the service
    in one statement: a service with three of each, two checks and two sister services runs no more queries than a
    bare one, and each shows on the page."""
    bare = make_service("Quiet walk", venue=make_postcode("HR9 9ZZ", 300000, 220000))
    listing = make_enterprise("Evesham Friends")
    staff = make_user("sam@example.org")
    for kind in ("dbs", "safeguarding"):
        EnterpriseCheck.objects.create(enterprise=listing, kind=kind, checked_by=staff,
                                       checked_on=datetime.date(2026, 4, 3))
    full = make_service(
        "Dementia day club", enterprise=listing, delivery=[Delivery.VENUE, Delivery.HOME],
        venue=make_postcode("WR11 4TP", 403900, 243900),
        categories=[make_category(name) for name in ("Day clubs", "Sitting services", "Peer support")],
        client_groups=[make_client_group(name) for name in ("Older people", "People with dementia", "Carers")],
        coverage_areas=[make_area(name, 400000 + 1000 * n, 240000, council=listing.council)
                        for n, name in enumerate(("Evesham", "Pershore", "Broadway"))],
    )
    for name in ("Lunch club", "Tea dance"):
        make_service(name, enterprise=listing)

    counts = []
    for service in (bare, full):
        page(client, service)  # the catalogue and session read once
        with CaptureQueriesContext(connection) as queries:
            html = page(client, service)
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1] == 1
    for shown in ("Day clubs, Peer support, Sitting services", "People with dementia", "Broadway, Evesham, Pershore",
                  "Lunch club", "Tea dance", "DBS checks confirmed 3 April 2026"):
        assert shown in html


@pytest.mark.django_db
def test_a_connection_keeps_the_service_pages_statement_after_a_few_views(client, db):
    """PostgreSQL spent more on parsing and planning the service page's statement than on running it. After a few
    views a connection keeps it prepared, and each later view sends only its name and the service's id (ADR 17)."""
    service = make_service("Lunch club")
    for _ in range(8):
        assert "Lunch club" in page(client, service)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%other_services_rows%"],
        )
        runs_of_the_kept_statement = [row[0] for row in cursor.fetchall()]
    assert runs_of_the_kept_statement and max(runs_of_the_kept_statement) >= 2
