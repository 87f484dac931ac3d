"""What a resident finds when they search, and in what order."""

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.filters import ServiceFilter
from directory.search import find_place, near
from enterprises.models import Capacity, CostType, Delivery, Enterprise, Service, WayToPay
from tests.factories import days_ago, make_area, make_enterprise, make_place, make_service


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def found_names(response):
    page = response.context["page"]
    return [service.name for service in page.object_list] if page else []


@pytest.mark.django_db
class TestPostcodeAndDistance:
    def test_it_finds_a_venue_within_the_distance_and_not_beyond(self, client, home_postcode, postcode_miles_east):
        make_service("Near club", venue=postcode_miles_east(2, "WR2 1AA"))
        make_service("Far club", venue=postcode_miles_east(7, "WR2 2AA"))

        assert found_names(search(client, postcode="WR1 2EY", distance=5)) == ["Near club"]
        assert set(found_names(search(client, postcode="WR1 2EY", distance=10))) == {"Near club", "Far club"}

    def test_it_defaults_to_five_miles(self, client, home_postcode, postcode_miles_east):
        make_service("Four miles", venue=postcode_miles_east(4.5, "WR2 1AA"))
        make_service("Six miles", venue=postcode_miles_east(5.5, "WR2 2AA"))

        response = search(client, postcode="WR1 2EY")

        assert found_names(response) == ["Four miles"]
        assert response.context["form"]["distance"].value() == "5"

    @pytest.mark.parametrize("typed", ["wr12ey", " WR1  2EY ", "Wr1 2eY"])
    def test_it_understands_a_postcode_however_it_is_typed(self, client, home_postcode, postcode_miles_east, typed):
        make_service("Near club", venue=postcode_miles_east(1, "WR2 1AA"))

        response = search(client, postcode=typed)

        assert found_names(response) == ["Near club"]
        assert "within 5 miles of WR1 2EY" in response.content.decode()

    def test_it_says_how_far_away_each_venue_is_in_miles(self, client, home_postcode, postcode_miles_east):
        make_service("Near club", venue=postcode_miles_east(2.34, "WR2 1AA"))

        assert "2.3 miles away" in search(client, postcode="WR1 2EY").content.decode()

    def test_it_finds_a_home_service_whose_radius_reaches_the_postcode(
        self, client, home_postcode, postcode_miles_east
    ):
        base = postcode_miles_east(8, "WR3 1AA")
        reaching = dict(coverage_postcode=base.postcode, coverage_easting=base.easting, coverage_northing=base.northing)
        make_service("Home help that reaches", delivery=[Delivery.HOME], coverage_radius_miles=10, **reaching)
        make_service("Home help too far", delivery=[Delivery.HOME], coverage_radius_miles=6, **reaching)

        response = search(client, postcode="WR1 2EY", distance=1)

        assert found_names(response) == ["Home help that reaches"]
        assert "Comes to you" in response.content.decode()

    def test_it_finds_a_home_service_that_covers_the_area_of_the_postcode(self, client, home_postcode, worcester):
        elsewhere = make_area("Evesham", 403000, 243500)
        make_service("Covers Worcester", delivery=[Delivery.HOME], coverage_areas=[worcester])
        make_service("Covers Evesham", delivery=[Delivery.HOME], coverage_areas=[elsewhere])

        assert found_names(search(client, postcode="WR1 2EY")) == ["Covers Worcester"]

    def test_it_lists_services_that_come_to_you_before_venues(
        self, client, home_postcode, postcode_miles_east, worcester
    ):
        make_service("Venue club", venue=postcode_miles_east(1.2, "WR2 1AA"))
        make_service("Comes to you", delivery=[Delivery.HOME], coverage_areas=[worcester])

        assert found_names(search(client, postcode="WR1 2EY")) == ["Comes to you", "Venue club"]

    def test_it_orders_venues_nearest_first(self, client, home_postcode, postcode_miles_east):
        make_service("Three miles", venue=postcode_miles_east(3.5, "WR2 3AA"))
        make_service("One mile", venue=postcode_miles_east(1.5, "WR2 1AA"))
        make_service("Two miles", venue=postcode_miles_east(2.5, "WR2 2AA"))

        assert found_names(search(client, postcode="WR1 2EY")) == ["One mile", "Two miles", "Three miles"]

    def test_a_plan_kept_for_every_place_still_finds_home_services_through_their_index(self, home_postcode):
        """PostgreSQL keeps one plan for a statement a connection runs again and again, made without its values (ADR
        17). The coverage circles' index serves only the very expression it was built on, its number included: were
        that number a value, every search from a kept plan would read every service."""
        sql, _ = near(Service.objects.published(), find_place("WR1 2EY"), 5).values("pk").query.sql_with_params()
        numbers = itertools.count(1)
        without_values = re.sub("%s", lambda _: f"${next(numbers)}", sql)

        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN (GENERIC_PLAN) {without_values}")
            plan = " ".join(row[0] for row in cursor.fetchall())

        assert "service_coverage_circle_idx" in plan


@pytest.mark.django_db
class TestFilters:
    def test_it_filters_by_type_of_support(self, client, day_clubs, home_help):
        make_service("Club", categories=[day_clubs])
        make_service("Help", categories=[home_help])

        assert found_names(search(client, category="day-clubs")) == ["Club"]
        assert set(found_names(search(client, category=["day-clubs", "home-help"]))) == {"Club", "Help"}

    def test_it_filters_by_who_it_is_for(self, client, carers):
        make_service("For carers", client_groups=[carers])
        make_service("For anyone")

        assert found_names(search(client, client_group="carers")) == ["For carers"]

    def test_it_filters_by_how_it_is_delivered(self, client):
        make_service("By phone", delivery=[Delivery.PHONE])
        make_service("At a venue", delivery=[Delivery.VENUE])

        assert found_names(search(client, delivery="phone")) == ["By phone"]

    def test_it_shows_only_free_services_when_asked(self, client):
        make_service("Free group", cost_type=CostType.FREE)
        make_service("Paid club", cost_type=CostType.PER_DAY, cost_amount=30)

        assert found_names(search(client, cost="free")) == ["Free group"]
        assert len(found_names(search(client, cost=""))) == 2

    def test_it_filters_by_ways_to_pay(self, client):
        make_service("Direct payments", ways_to_pay=[WayToPay.DIRECT_PAYMENT, WayToPay.SELF_FUNDED])
        make_service("Self-funded only", ways_to_pay=[WayToPay.SELF_FUNDED])

        assert found_names(search(client, pay="direct_payment")) == ["Direct payments"]

    def test_it_shows_only_services_recently_confirmed_as_taking_new_people(self, client):
        make_service("Taking", capacity=Capacity.TAKING, capacity_confirmed_on=days_ago(10))
        make_service("Taking but stale", capacity=Capacity.TAKING, capacity_confirmed_on=days_ago(61))
        make_service("Full", capacity=Capacity.FULL, capacity_confirmed_on=days_ago(1))

        assert found_names(search(client, taking="on")) == ["Taking"]

    def test_it_shows_a_stale_capacity_as_not_known(self, client):
        make_service("Stale", capacity=Capacity.FULL, capacity_confirmed_on=days_ago(61))

        html = search(client).content.decode()

        assert "Not known" in html
        assert ">Full<" not in html

    def test_it_shows_capacity_with_the_date_it_was_confirmed(self, client):
        service = make_service("Fresh", capacity=Capacity.WAITING_LIST, capacity_confirmed_on=days_ago(3))

        html = search(client).content.decode()

        assert "Waiting list" in html
        assert f"confirmed {service.capacity_confirmed_on.day} {service.capacity_confirmed_on:%B %Y}" in html

    def test_the_url_holds_the_whole_search(self, client, home_postcode, day_clubs, postcode_miles_east):
        make_service("Club", venue=postcode_miles_east(1, "WR2 1AA"), categories=[day_clubs], cost_type="free")

        response = search(client, q="club", postcode="WR1 2EY", distance=3, category="day-clubs", cost="free")
        form = response.context["form"]

        assert found_names(response) == ["Club"]
        assert (form["q"].value(), form["postcode"].value(), form["distance"].value()) == ("club", "WR1 2EY", "3")
        assert 'value="day-clubs" checked' in response.content.decode()


@pytest.mark.django_db
class TestWords:
    def test_it_matches_words_with_english_stemming(self, client):
        make_service("Lunch club", description="A hot meal every Tuesday.")
        make_service("Gardening", description="We tidy gardens.")

        assert found_names(search(client, q="clubs")) == ["Lunch club"]
        assert found_names(search(client, q="meals")) == ["Lunch club"]

    def test_it_matches_the_provider_name_and_the_type_of_support(self, client, day_clubs):
        make_service("Tuesdays", enterprise=make_enterprise("Severn Valley Sitters"))
        make_service("Wednesdays", categories=[day_clubs])

        assert found_names(search(client, q="sitters")) == ["Tuesdays"]
        assert found_names(search(client, q="day club")) == ["Wednesdays"]

    def test_it_understands_quotes_and_minus_like_a_search_engine(self, client):
        make_service("Men's shed", description="woodwork and friendship")
        make_service("Knit and natter", description="knitting and friendship")

        assert found_names(search(client, q="friendship -woodwork")) == ["Knit and natter"]

    def test_it_puts_the_best_match_first(self, client):
        make_service("Befriending by phone", description="A weekly call.")
        make_service("Garden help", description="Sometimes we also offer befriending.")

        assert found_names(search(client, q="befriending")) == ["Befriending by phone", "Garden help"]

    def test_it_keeps_the_search_in_step_when_a_provider_renames(self, client):
        service = make_service("Tuesdays", enterprise=make_enterprise("Old name"))
        service.enterprise.name = "Kidderminster Companions"
        service.enterprise.save()

        assert found_names(search(client, q="companions")) == ["Tuesdays"]


@pytest.mark.django_db
class TestFairOrder:
    def test_it_is_not_alphabetical_and_the_top_changes_from_day_to_day(self):
        for name in ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]:
            make_service(name)
        firsts = set()
        # Each of 5 tied services tops a given day with a chance of 1 in 5; over 90 days, the chance that one of them
        # never does is 5 × (4/5)^90, about 1 in 100 million, whatever ids the database hands out.
        for offset in range(90):
            day = days_ago(offset)
            services = ServiceFilter({}, queryset=Service.objects.published(), day=day).qs
            firsts.add(services[0].name)

        assert firsts == {"Alpha", "Bravo", "Charlie", "Delta", "Echo"}

    def test_the_order_is_steady_within_a_day(self):
        for name in ["Alpha", "Bravo", "Charlie"]:
            make_service(name)
        day = days_ago(0)

        def order():
            return [s.name for s in ServiceFilter({}, queryset=Service.objects.published(), day=day).qs]

        assert order() == order()

    def test_it_rotates_ties_within_the_same_mile(self, home_postcode, postcode_miles_east):
        make_service("West End", venue=postcode_miles_east(1.2, "WR2 1AA"))
        make_service("Abbey", venue=postcode_miles_east(1.4, "WR2 2AA"))
        firsts = set()
        for offset in range(20):
            params = {"postcode": "WR1 2EY", "distance": "5"}
            services = ServiceFilter(params, queryset=Service.objects.published(), day=days_ago(offset)).qs
            firsts.add(services[0].name)

        assert firsts == {"West End", "Abbey"}


@pytest.mark.django_db
class TestOnlyPublishedListings:
    @pytest.mark.parametrize(
        "status", [s for s in Enterprise.Status.values if s != Enterprise.Status.PUBLISHED]
    )
    def test_it_hides_every_unpublished_listing(self, client, status):
        hidden = make_service("Hidden", enterprise=make_enterprise("Hidden enterprise", status=status))
        make_service("Shown")

        assert found_names(search(client)) == ["Shown"]
        assert found_names(search(client, q="hidden")) == []
        assert client.get(f"/services/{hidden.pk}/").status_code == 404
        assert client.get(f"/providers/{hidden.enterprise.slug}/").status_code == 404

    def test_a_listing_hidden_or_shown_by_any_kind_of_write_is_hidden_or_shown_at_once(self, client, settings):
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # writes without a save do not tell the page cache
        service = make_service("Club")
        listing = Enterprise.objects.filter(pk=service.enterprise_id)

        listing.update(status=Enterprise.Status.SUSPENDED)
        assert found_names(search(client)) == []
        enterprise = listing.get()
        enterprise.status = Enterprise.Status.PUBLISHED
        enterprise.save()
        assert found_names(search(client)) == ["Club"]

        listing.update(review_due_on=days_ago(settings.REVIEW_OVERDUE_HIDDEN_AFTER_DAYS + 1))
        Service.objects.create(enterprise=enterprise, name="Sent as published", listing_status="published")
        assert found_names(search(client)) == []
        listing.update(review_due_on=days_ago(settings.REVIEW_OVERDUE_HIDDEN_AFTER_DAYS))
        assert set(found_names(search(client))) == {"Club", "Sent as published"}


@pytest.mark.django_db
class TestBadInput:
    def assert_error(self, response, message, field_id):
        html = response.content.decode()
        assert "There is a problem" in html
        assert f'<a href="#{field_id}">{message}' in html
        assert f'id="{field_id.split("_0")[0]}-error"' in html or f'id="{field_id}-error"' in html
        assert response.context["page"] is None
        assert html.count(message) == 2  # in the summary and beside the field
        assert "<title>Error: " in html

    def test_it_explains_a_postcode_that_is_not_a_postcode(self, client):
        response = search(client, postcode="not a postcode", q="lunch")

        self.assert_error(response, "Enter a full UK postcode, like WR1 2EY, or a town or village", "id_postcode")
        assert 'value="not a postcode"' in response.content.decode()
        assert 'value="lunch"' in response.content.decode()

    def test_it_explains_a_postcode_it_cannot_find(self, client, home_postcode):
        response = search(client, postcode="WR99 9ZZ")

        self.assert_error(response, "We could not find the postcode WR99 9ZZ. Check it and try again", "id_postcode")

    def test_it_explains_that_northern_ireland_is_not_covered(self, client):
        response = search(client, postcode="bt1 1aa")

        self.assert_error(
            response,
            "BT1 1AA is in Northern Ireland. This directory’s postcode data covers Great Britain only",
            "id_postcode",
        )

    def test_it_explains_a_distance_that_is_not_in_the_list(self, client, home_postcode):
        response = search(client, postcode="WR1 2EY", distance="7")

        self.assert_error(response, "Choose a distance from the list", "id_distance")
        assert 'value="WR1 2EY"' in response.content.decode()

    @pytest.mark.parametrize(
        "query",
        [
            "page=abc",
            "page=999999",
            "page=-1",
            "category=no-such-type",
            "distance=",
            "distance=%00",
            "q=%00",
            "q=" + "x" * 5000,
            "q=%22unclosed",
            "q=!!!%26%26%7C(",
            "postcode=" + "W" * 300,
            "postcode=%00",
            "postcode=WR1%25",
            "postcode=" + "%C3%A9" * 60,
            "taking=maybe",
            "cost=cheap",
            "delivery=teleport",
            "pay[]=x",
            "q=%ED%A0%80",
        ],
    )
    def test_no_query_string_causes_a_server_error(self, client, query):
        response = client.get(f"/search/?{query}")

        assert response.status_code == 200


@pytest.mark.django_db
class TestNoResults:
    def test_it_shows_the_nearest_and_a_distance_that_finds_them(self, client, home_postcode, postcode_miles_east):
        make_service("Far club", venue=postcode_miles_east(13.5, "WR2 2AA"))
        make_service("Farther club", venue=postcode_miles_east(18.9, "WR2 3AA"))
        make_service("Too far", venue=postcode_miles_east(31, "WR2 4AA"))

        response = search(client, postcode="WR1 2EY", distance=5)
        html = response.content.decode()

        assert "No services found within 5 miles of WR1 2EY" in html
        assert "No services match your search within 5 miles of WR1 2EY" in html
        assert [service.name for service in response.context["nearest"].object_list] == ["Far club", "Farther club"]
        assert "13.5 miles away" in html and "18.9 miles away" in html and "Too far" not in html
        assert "search within 20 miles" in html
        assert found_names(search(client, postcode="WR1 2EY", distance=20)) == ["Far club", "Farther club"]

    def test_it_offers_no_wider_distance_when_none_would_find_anything(
        self, client, home_postcode, postcode_miles_east
    ):
        make_service("Too far", venue=postcode_miles_east(31, "WR2 4AA"))

        html = search(client, postcode="WR1 2EY", distance=5).content.decode()

        assert ">search within" not in html
        assert "Nothing matches within 30 miles either" in html

    def test_it_names_the_filters_and_words_to_drop_that_would_find_something(
        self, client, home_postcode, postcode_miles_east, day_clubs, home_help
    ):
        make_service("Lunch club", venue=postcode_miles_east(1, "WR2 1AA"), categories=[home_help])

        response = search(client, postcode="WR1 2EY", q="lunch", category=["day-clubs"])
        html = response.content.decode()

        assert response.context["filters_to_drop"] == [("category", "“Type of support: Day clubs”")]
        assert "the words “lunch”" not in html  # without the words, still only home help: nothing
        suggestion = response.context["filters_to_drop"][0][0]
        assert suggestion == "category"
        assert found_names(search(client, postcode="WR1 2EY", q="lunch")) == ["Lunch club"]


@pytest.mark.django_db
class TestPaging:
    def test_it_pages_results_and_counts_them_all(self, client, settings):
        settings.RESULTS_PER_PAGE = 5
        for number in range(12):
            make_service(f"Service {number}")

        first, third = search(client), search(client, page=3)

        assert "12 services found" in first.content.decode()
        assert len(found_names(first)) == 5 and len(found_names(third)) == 2
        assert 'href="?page=2"' in first.content.decode()


@pytest.mark.django_db
class TestQueryCount:
    def count_queries(self, client, path, *, expect="services found"):
        """The queries of a page rendered afresh, leaving out the shared cache's (tests/directory/test_page_cache.py
        pins those of a page from the cache)."""
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200 and expect in response.content.decode()
        # The shared cache writes a page in a savepoint of its own.
        return [query["sql"] for query in queries.captured_queries
                if '"directory_cache"' not in query["sql"] and query["sql"] not in {"BEGIN", "COMMIT"}
                and not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]

    def make_services(self, count, postcode, categories):
        enterprise = make_enterprise()
        for number in range(count):
            make_service(f"Lunch club {number}", enterprise=enterprise, venue=postcode, categories=categories)

    def test_a_results_page_runs_the_same_queries_for_5_or_50_results(
        self, client, settings, home_postcode, postcode_miles_east, day_clubs, carers
    ):
        settings.RESULTS_PER_PAGE = 50
        path = "/search/?q=lunch&postcode=WR1+2EY&category=day-clubs&taking=on"
        self.make_services(5, postcode_miles_east(1, "WR2 1AA"), [day_clubs])
        client.post(f"/shortlist/add/{Service.objects.first().pk}/")  # a visitor with a session, as most are
        client.get("/shortlist/")  # which shows "… is on your shortlist" once
        few = self.count_queries(client, path, expect="5 services found")

        self.make_services(45, postcode_miles_east(2, "WR2 2AA"), [day_clubs])
        many = self.count_queries(client, path, expect="50 services found")

        assert len(few) == len(many)
        assert len(many) <= 8

    def test_choosing_every_filter_runs_no_more_queries_than_choosing_none(
        self, client, home_postcode, postcode_miles_east, day_clubs
    ):
        self.make_services(3, postcode_miles_east(1, "WR2 1AA"), [day_clubs])
        Service.objects.update(
            days=["mon"], step_free_access=True, hearing_loop=True, cost_type="free", ways_to_pay=["self_funded"]
        )
        self.count_queries(client, "/search/?postcode=WR1+2EY")
        every_filter = (
            "&sort=nearest&category=day-clubs&age=80&days=mon&days=tue&access=step_free_access&access=hearing_loop"
            "&delivery=venue&cost=free&pay=self_funded&taking=on"
        )

        search = "/search/?postcode=WR1+2EY&q="
        none = self.count_queries(client, f"{search}lunch", expect="3 services found")
        every = self.count_queries(client, f"{search}lunch{every_filter}", expect="3 services found")
        nothing = self.count_queries(client, f"{search}zither{every_filter}", expect="No services found")

        assert len(none) == len(every) == 3  # place, results, search record
        assert len(nothing) == 3 + 1 + 1  # and, finding nothing: the nearest, and what to drop

    def test_a_results_page_reads_the_types_of_support_once_per_catalogue_version(
        self, client, home_postcode, postcode_miles_east, day_clubs
    ):
        self.make_services(3, postcode_miles_east(1, "WR2 1AA"), [day_clubs])
        client.post(f"/shortlist/add/{Service.objects.first().pk}/")
        client.get("/shortlist/")
        self.count_queries(client, "/search/?postcode=WR1+2EY")

        queries = self.count_queries(client, "/search/?postcode=WR1+2EY&category=day-clubs&q=lunch")

        # The session, the postcode, the page of results with its count, and the anonymous search record.
        assert len(queries) == 4
        assert not any('"enterprises_category"' in sql and "ARRAY(" not in sql for sql in queries)
        day_clubs.name = "Day clubs and days out"
        day_clubs.save()
        nothing_found = client.get("/search/?postcode=WR1+2EY&q=zither").content.decode()
        assert "No services found" in nothing_found and "Day clubs and days out" in nothing_found  # the filter's

    def test_a_search_from_a_town_or_a_district_runs_as_many_queries_as_from_a_postcode(
        self, client, home_postcode, postcode_miles_east, day_clubs
    ):
        make_place("Worcester", 385000, 255000)
        self.make_services(3, postcode_miles_east(1, "WR2 1AA"), [day_clubs])
        self.count_queries(client, "/search/?postcode=WR1+2EY")  # the types of support, read once

        from_postcode = self.count_queries(client, "/search/?postcode=WR1+2EY&q=lunch")
        from_town = self.count_queries(client, "/search/?postcode=Worcester&q=lunch")
        from_district = self.count_queries(client, "/search/?postcode=WR1&q=lunch")

        assert len(from_town) == len(from_district) == len(from_postcode) == 3  # place, results, search record

    def test_nothing_near_adds_one_query_for_the_nearest_and_one_for_what_to_drop_however_many_filters(
        self, client, home_postcode, postcode_miles_east, day_clubs, carers
    ):
        self.make_services(3, postcode_miles_east(12, "WR2 1AA"), [day_clubs])
        self.count_queries(client, "/search/?postcode=WR1+2EY")

        one_filter = self.count_queries(
            client, "/search/?postcode=WR1+2EY&q=lunch&category=day-clubs", expect="No services found"
        )
        every_filter = self.count_queries(
            client,
            "/search/?postcode=WR1+2EY&q=lunch&category=day-clubs&client_group=carers&age=80&days=mon&days=tue"
            "&access=step_free_access&delivery=venue&cost=free&pay=self_funded&taking=on",
            expect="No services found",
        )

        assert len(one_filter) == len(every_filter) == 3 + 1 + 1

    def test_a_service_page_runs_a_fixed_number_of_queries(self, client, day_clubs, carers):
        service = make_service(categories=[day_clubs], client_groups=[carers])
        few = self.count_queries(client, f"/services/{service.pk}/", expect=service.name)
        for _ in range(10):
            make_service(enterprise=service.enterprise, categories=[day_clubs])

        assert len(self.count_queries(client, f"/services/{service.pk}/", expect=service.name)) == len(few)


@pytest.mark.django_db
class TestPagingEdges:
    def test_a_page_past_the_end_shows_the_last_page(self, client, settings):
        settings.RESULTS_PER_PAGE = 5
        for number in range(7):
            make_service(f"Service {number}")

        response = search(client, page=9)

        assert response.context["page"].number == 2
        assert len(found_names(response)) == 2
        assert "7 services found" in response.content.decode()

    def test_nonsense_page_numbers_show_the_first_page(self, client, settings):
        settings.RESULTS_PER_PAGE = 5
        for number in range(7):
            make_service(f"Service {number}")

        for nonsense in ["abc", "0", "-3", ""]:
            response = search(client, page=nonsense)
            assert response.context["page"].number == 1
            assert len(found_names(response)) == 5


class TestPageLinks:
    @pytest.mark.parametrize(
        "number, expected",
        [
            (1, [1, 2, 3, None, 40]),
            (5, [1, None, 3, 4, 5, 6, 7, None, 40]),
            (4, [1, 2, 3, 4, 5, 6, None, 40]),
            (40, [1, None, 38, 39, 40]),
        ],
    )
    def test_it_links_the_ends_and_the_pages_either_side(self, number, expected):
        from django.core.paginator import Paginator

        from core.paging import page_links

        assert page_links(Paginator(range(400), 10).page(number)) == expected
