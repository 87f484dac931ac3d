"""Reports for council staff: each figure checked by eye against a small hand-made data set, the filters, the CSVs,
the charts, who may see them, and a page whose number of queries does not grow with the data.

The data set (all in Worcestershire unless said otherwise):

Areas: Worcester (385000, 255000) and Malvern (378000, 245000), 7.6 miles apart; Herefordshire has Hereford.
Types of support: Day clubs, Home help, Befriending.

Listings (status; first published; yearly figures people, staff, volunteers) and their services:
- Worcester Day Club (published; 10 March 2025; 40, 2, 5): A, Day clubs, venue 1 mile from Worcester, taking new
  people (current).
- Malvern Helpers (published; 20 March 2025; 15, 3, 0): B, Home help, covers the area Malvern, waiting list
  (current); C, Befriending, a 3-mile circle round Worcester's centre, full (but stale: not known).
- Far Away Club (published; 2 May 2025; no figures): D, Day clubs, venue 6 miles from Worcester, not known.
- Pending Gardeners (submitted; never; 100, 1, 1): E, Home help, venue in Malvern.
- Old Sitters (archived; 15 November 2024; 9, 9, 9): F, Befriending, venue in Worcester.
- Hereford Lunch Club (Herefordshire's, published; 1 April 2025; 7, 1, 1): G, Day clubs, venue in Malvern (across
  the boundary).

Referrals (2025; days to first answer): r1 A accepted (1), r2 A started (2), r3 B declined (3), r4 B ended (4),
r5 C waiting, r6 C withdrawn unanswered, r7 A declined (0.5), r8 B accepted then withdrawn (6). Also one to A in
January 2024 (outside the dates) and one to Hereford (another council).

Searches (2025): Worcester 4 March WR1 "lunch club" [day clubs] 3 found; Worcester 20 March WR1 [day clubs] 2;
Malvern 2 April WR14 "gardening" 0; Malvern 10 April WR14 "gardening" 0; Malvern 11 April WR13 "=cmd…" [befriending]
0; Worcester 1 May WR2 [home help, befriending] 1. Also one from Hereford and one from nowhere.
"""

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import ProblemReport, SearchRecord
from directory.problems import report_problem
from enterprises.models import Capacity, Delivery, Enterprise, Organisation, StaffMembership
from referrals.models import Referral
from reports import charts, tables
from reports import figures as reports
from tests.factories import (
    days_ago,
    make_area,
    make_category,
    make_council,
    make_enterprise,
    make_referral,
    make_service,
    make_user,
)

Status = Enterprise.Status
RStatus = Referral.Status
MILE = 1609.344
PERIOD = {  # 1 November 2024 to 30 June 2025, as the form takes it
    "date_from_day": "1", "date_from_month": "11", "date_from_year": "2024",
    "date_to_day": "30", "date_to_month": "6", "date_to_year": "2025",
}
START, END = date(2024, 11, 1), date(2025, 6, 30)
MONTHS = ["November 2024", "December 2024", "January 2025", "February 2025", "March 2025", "April 2025",
          "May 2025", "June 2025"]


def at(year, month, day, hour=10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    council: object
    elsewhere: object
    worcester: object
    malvern: object
    hereford: object
    day_clubs: object
    home_help: object
    befriending: object
    services: dict
    staff: object
    other_staff: object
    provider: object
    referrer: object
    organisation: object


def service(name, enterprise, category, **fields):
    fields.setdefault("capacity", Capacity.TAKING)
    fields.setdefault("capacity_confirmed_on", timezone.localdate())
    return make_service(name, enterprise=enterprise, categories=[category], **fields)


def venue(easting, northing) -> dict:
    return {"delivery": [Delivery.VENUE], "venue_easting": easting, "venue_northing": northing}


@pytest.fixture
def world(db) -> World:
    council, elsewhere = make_council(), make_council("Herefordshire Council")
    worcester = make_area("Worcester", 385000, 255000, council)
    malvern = make_area("Malvern", 378000, 245000, council)
    hereford = make_area("Hereford", 351000, 240000, elsewhere)
    day_clubs, home_help, befriending = make_category("Day clubs"), make_category("Home help"), make_category(
        "Befriending")

    def listing(name, status, published_at, figures, where=council):
        people, paid, volunteers = figures or (None, None, None)
        return make_enterprise(name, status=status, council=where, published_at=published_at,
                               people_supported=people, paid_staff=paid, volunteers=volunteers)

    day_club = listing("Worcester Day Club", Status.PUBLISHED, at(2025, 3, 10), (40, 2, 5))
    helpers = listing("Malvern Helpers", Status.PUBLISHED, at(2025, 3, 20), (15, 3, 0))
    far = listing("Far Away Club", Status.PUBLISHED, at(2025, 5, 2), None)
    pending = listing("Pending Gardeners", Status.SUBMITTED, None, (100, 1, 1))
    old = listing("Old Sitters", Status.ARCHIVED, at(2024, 11, 15), (9, 9, 9))
    hereford_club = listing("Hereford Lunch Club", Status.PUBLISHED, at(2025, 4, 1), (7, 1, 1), where=elsewhere)
    services = {
        "A": service("Day club", day_club, day_clubs, **venue(385000 + round(MILE), 255000)),
        "B": service("Home help", helpers, home_help, delivery=[Delivery.HOME], coverage_areas=[malvern],
                     capacity=Capacity.WAITING_LIST),
        "C": service("Befriending", helpers, befriending, delivery=[Delivery.HOME], coverage_easting=385000,
                     coverage_northing=255000, coverage_radius_miles=3, coverage_postcode="WR1 2EY",
                     capacity=Capacity.FULL, capacity_confirmed_on=days_ago(200)),
        "D": service("Far day club", far, day_clubs, capacity=Capacity.NOT_KNOWN,
                     **venue(385000 + round(6 * MILE), 255000)),
        "E": service("Garden help", pending, home_help, **venue(378000, 245000)),
        "F": service("Sitting", old, befriending, **venue(385000, 255000)),
        "G": service("Hereford day club", hereford_club, day_clubs, **venue(378500, 245500)),
    }

    staff, other_staff = make_user("stella@worcs.example"), make_user("hugo@herefs.example")
    StaffMembership.objects.create(user=staff, council=council)
    StaffMembership.objects.create(user=other_staff, council=elsewhere)
    provider = make_user("jean@dayclub.example")
    day_club.members.add(provider)
    referrer = make_user("ruth@worcs.example")
    organisation = Organisation.objects.create(council=council, name="Adult Social Care")
    organisation.members.add(referrer)
    other_referrer = make_user("harriet@herefs.example")
    Organisation.objects.create(council=elsewhere, name="Hereford team").members.add(other_referrer)

    def refer(key, sent, status, answer_days=None, accepted=False, who=referrer):
        fields = {"status": status, "sent_at": sent}
        if answer_days is not None:
            fields["first_response_at"] = sent + timedelta(days=answer_days)
        if accepted:
            fields["accepted_at"] = sent + timedelta(days=answer_days)
        return make_referral(service=services[key], referrer=who, **fields)

    refer("A", at(2025, 3, 3), RStatus.ACCEPTED, 1, accepted=True)
    refer("A", at(2025, 3, 5), RStatus.STARTED, 2, accepted=True)
    refer("B", at(2025, 3, 10), RStatus.DECLINED, 3)
    refer("B", at(2025, 4, 1), RStatus.ENDED, 4, accepted=True)
    refer("C", at(2025, 4, 2), RStatus.SENT)
    refer("C", at(2025, 4, 3), RStatus.WITHDRAWN)
    refer("A", at(2025, 4, 20), RStatus.DECLINED, 0.5)
    refer("B", at(2025, 5, 15), RStatus.WITHDRAWN, 6, accepted=True)
    refer("A", at(2024, 1, 10), RStatus.DECLINED, 9)  # before the period
    refer("G", at(2025, 4, 5), RStatus.DECLINED, 9, who=other_referrer)  # another council's

    for visitor, (day, area, district, words, slugs, found) in enumerate([
        (date(2025, 3, 4), worcester, "WR1", "lunch club", ["day-clubs"], 3),
        (date(2025, 3, 20), worcester, "WR1", "", ["day-clubs"], 2),
        (date(2025, 4, 2), malvern, "WR14", "gardening", [], 0),
        (date(2025, 4, 10), malvern, "WR14", "gardening", [], 0),
        (date(2025, 4, 11), malvern, "WR13", "=cmd|' /C calc'!A0", ["befriending"], 0),
        (date(2025, 5, 1), worcester, "WR2", "", ["home-help", "befriending"], 1),
        (date(2025, 4, 1), hereford, "HR1", "hereford secret", [], 0),
        (date(2025, 4, 1), None, "", "nowhere", [], 0),
    ]):
        SearchRecord.objects.create(searched_on=day, area=area, postcode_district=district, words=words,
                                    category_slugs=slugs, result_count=found, visitor=f"visitor-{visitor}")
    return World(council, elsewhere, worcester, malvern, hereford, day_clubs, home_help, befriending, services,
                 staff, other_staff, provider, referrer, organisation)


def run(world, *, area=None, category=None, council=None, start=START, end=END) -> dict:
    """Every table, by its CSV name, as {row label: values}."""
    scope = reports.Scope.of(council or world.council)
    filters = reports.Filters(start=start, end=end, area=area, category=category)
    return {
        table.slug: {row.label: row.values for row in table.rows}
        for section in reports.all_sections(scope, filters)
        for table in section.tables
    }


def column(table: dict, index: int = 0) -> dict:
    return {label: values[index] for label, values in table.items()}


# The figures ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestFigures:
    def test_listings_by_status(self, world):
        assert column(run(world)["listings-by-status"]) == {
            "Draft": 0, "Submitted": 1, "Changes requested": 0, "Published": 3, "Suspended": 0, "Archived": 1,
            "Rejected": 0,
        }

    def test_listings_reported_as_out_of_date_count_until_the_problem_is_dealt_with(self, world):
        assert run(world)["listings-reported"] == {"Published": (3,),
                                                   "With a problem reported and not yet dealt with": (0,)}
        for key in ("A", "B", "C", "E", "G"):  # two reports on one listing; one on a submitted listing, one elsewhere
            report_problem(service=world.services[key], problem="closed", details="", submission=uuid.uuid4())
        report_problem(service=world.services["A"], problem="phone", details="", submission=uuid.uuid4())

        assert column(run(world)["listings-reported"])["With a problem reported and not yet dealt with"] == 2
        assert column(run(world, area=world.malvern)["listings-reported"]) == {
            "Published": 1, "With a problem reported and not yet dealt with": 1,
        }
        ProblemReport.objects.filter(service=world.services["A"]).update(dealt_with_at=timezone.now())
        assert column(run(world)["listings-reported"])["With a problem reported and not yet dealt with"] == 1

    def test_published_listings_and_services_by_type_of_support(self, world):
        assert run(world)["listings-by-type"] == {"Befriending": (1, 1), "Day clubs": (2, 2), "Home help": (1, 1)}

    def test_published_listings_and_services_by_the_area_they_reach(self, world):
        # Worcester: A's venue (1 mile) and C's coverage circle; D's venue, 6 miles off, does not reach it.
        # Malvern: B lists it; E is not published; G is another council's listing.
        assert run(world)["listings-by-area"] == {"Malvern": (1, 1), "Worcester": (2, 2)}

    def test_new_listings_each_month_by_the_date_first_published(self, world):
        new = column(run(world)["new-listings"])

        assert list(new) == MONTHS
        assert new == {**dict.fromkeys(MONTHS, 0), "November 2024": 1, "March 2025": 2, "May 2025": 1}

    def test_capacity_as_the_public_sees_it(self, world):
        # C said "full" 200 days ago: not known now; D never said.
        assert column(run(world)["capacity"]) == {"Taking new people": 1, "Waiting list": 1, "Full": 0,
                                                  "Not known": 2}

    def test_yearly_figures_added_up_over_published_listings(self, world):
        section = reports.figures(reports.Scope.of(world.council), reports.Filters.make())
        table = section.tables[0]

        assert column({row.label: row.values for row in table.rows}) == {
            "People supported": 55, "Paid staff": 5, "Volunteers": 5}
        assert table.caption == "What 2 of 3 published listings say they do in a year"

    def test_referrals_summary_acceptance_rate_and_median_days_to_first_answer(self, world):
        # Answered: r1 r2 r3 r4 r7 r8; accepted: r1 r2 r4 r8. First answers: 0.5 1 2 3 4 6 days: median (2+3)/2.
        assert column(run(world)["referrals-summary"]) == {
            "Referrals sent": 8,
            "Answered (accepted or declined)": 6,
            "Accepted": 4,
            "Declined": 2,
            "Acceptance rate (accepted ÷ answered)": "67%",
            "Median days to first answer": "2.5",
        }

    def test_referrals_each_month_by_status(self, world):
        months = run(world)["referrals-by-month"]

        assert list(months) == MONTHS
        # Sent, then: waiting, accepted, declined, withdrawn, started, ended.
        assert months["March 2025"] == (3, 0, 1, 1, 0, 1, 0)
        assert months["April 2025"] == (4, 1, 0, 1, 1, 0, 1)
        assert months["May 2025"] == (1, 0, 0, 0, 1, 0, 0)
        assert months["January 2025"] == (0,) * 7

    def test_referrals_by_type_of_support_and_by_area(self, world):
        figures = run(world)

        assert figures["referrals-by-type"] == {
            "Befriending": (2, 0, 0, "No answers yet"), "Day clubs": (3, 3, 2, "67%"), "Home help": (3, 3, 2, "67%")}
        assert figures["referrals-by-area"] == {"Malvern": (3, 3, 2, "67%"), "Worcester": (5, 3, 2, "67%")}

    def test_gaps_count_the_published_services_that_reach_each_area(self, world):
        # Worcester: A (venue 1 mile) and C (circle); Malvern: B (lists it) and G (venue, a neighbouring council's).
        assert run(world)["gaps"] == {
            "Worcester": (1, 1, 0, 2),  # Befriending, Day clubs, Home help, All types
            "Malvern": (0, 1, 1, 2),
        }

    def test_searches_each_month(self, world):
        months = run(world)["searches-by-month"]

        assert months == {**dict.fromkeys(MONTHS, (0, 0)), "March 2025": (2, 0), "April 2025": (3, 3),
                          "May 2025": (1, 0)}

    def test_the_commonest_types_of_support_and_postcode_districts_searched(self, world):
        figures = run(world)

        assert list(figures["searched-types"].items()) == [("Befriending", (2,)), ("Day clubs", (2,)),
                                                          ("Home help", (1,))]
        assert list(figures["searched-districts"].items()) == [("WR1", (2,)), ("WR14", (2,)), ("WR13", (1,)),
                                                              ("WR2", (1,))]

    def test_words_in_searches_that_found_nothing_once_enough_visitors_searched_them(self, world, settings):
        settings.SEARCH_WORDS_MIN_VISITORS = 2
        assert list(run(world)["searches-found-nothing"].items()) == [("gardening", (2,))]  # 2 visitors, 2 days

        settings.SEARCH_WORDS_MIN_VISITORS = 3
        assert list(run(world)["searches-found-nothing"].items()) == []

    def test_types_of_support_in_searches_that_found_nothing(self, world):
        assert list(run(world)["searched-types-found-nothing"].items()) == [("Befriending", (1,))]


# The filters ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestFilters:
    def test_an_area_keeps_what_reaches_it(self, world):
        figures = run(world, area=world.worcester)

        # A and C reach Worcester (and F, archived): their listings.
        assert column(figures["listings-by-status"])["Published"] == 2
        assert column(figures["listings-by-status"])["Archived"] == 1
        assert figures["listings-by-area"] == {"Worcester": (2, 2)}
        assert column(figures["capacity"]) == {"Taking new people": 1, "Waiting list": 0, "Full": 0, "Not known": 1}
        assert column(figures["referrals-summary"])["Referrals sent"] == 5
        assert figures["referrals-by-area"] == {"Worcester": (5, 3, 2, "67%")}
        assert figures["gaps"] == {"Worcester": (1, 1, 0, 2)}
        assert column(figures["searches-by-month"])["April 2025"] == 0
        assert column(figures["searches-by-month"])["March 2025"] == 2
        assert column(figures["new-listings"])["November 2024"] == 1  # Old Sitters' venue is in Worcester

    def test_an_area_changes_the_median(self, world):
        # Malvern: B's referrals only, answered in 3, 4 and 6 days.
        summary = column(run(world, area=world.malvern)["referrals-summary"])

        assert summary["Referrals sent"] == 3
        assert summary["Median days to first answer"] == "4.0"

    def test_a_type_of_support_keeps_that_type(self, world):
        figures = run(world, category=world.home_help)

        assert column(figures["listings-by-status"])["Published"] == 1
        assert column(figures["listings-by-status"])["Submitted"] == 1
        assert figures["listings-by-type"] == {"Home help": (1, 1)}
        assert column(figures["capacity"])["Waiting list"] == 1
        assert sum(column(figures["capacity"]).values()) == 1
        assert column(figures["referrals-summary"])["Referrals sent"] == 3
        assert figures["gaps"] == {"Worcester": (0,), "Malvern": (1,)}
        assert sum(column(figures["searches-by-month"]).values()) == 1  # the May search chose home help

    def test_dates_change_what_happened_in_them_only(self, world):
        figures = run(world, start=date(2025, 4, 1), end=date(2025, 4, 30))

        assert list(figures["new-listings"]) == ["April 2025"]
        assert column(figures["referrals-summary"])["Referrals sent"] == 4
        assert column(figures["searches-by-month"]) == {"April 2025": 3}
        assert column(figures["listings-by-status"])["Published"] == 3
        assert column(figures["capacity"])["Taking new people"] == 1

    def test_with_no_dates_the_reports_cover_the_last_24_months(self):
        filters = reports.Filters.make(today=date(2026, 3, 15))

        assert (filters.start, filters.end) == (date(2024, 4, 1), date(2026, 3, 15))
        assert len(filters.months) == 24


# The page ------------------------------------------------------------------------------------------------------------


def page_of(client, user, params=None):
    client.force_login(user)
    return client.get("/council/reports/", params or {})


@pytest.mark.django_db
class TestPage:
    def test_each_word_of_searches_that_found_nothing_can_be_added_as_a_synonym(self, client, world, settings):
        settings.SEARCH_WORDS_MIN_VISITORS = 1
        page = page_of(client, world.staff, PERIOD).content.decode()

        link = re.search(r'<a class="govuk-link" href="([^"]+)">Add as a synonym<span class="govuk-visually-hidden">: '
                         r'“gardening”</span></a>', page)
        assert link and link[1] == "/council/words-people-use/add/?words=gardening"
        assert 'href="/council/words-people-use/add/?words=%3Dcmd%7C%27"' in page  # a word is sent as it is
        form = client.get(link[1])
        assert form.context["form"]["words"].value() == "gardening"
        csv_header = csv_rows(client.get("/council/reports/searches-found-nothing.csv", PERIOD))[0]
        assert csv_header == ["Word searched for", "Searches"]

    def test_it_shows_each_section_with_charts_tables_and_csv_links(self, client, world):
        response = page_of(client, world.staff, PERIOD)
        page = response.content.decode()

        assert response.status_code == 200
        for heading in ["Listings", "Capacity", "People supported, jobs and volunteers", "Referrals",
                        "Gaps: where nothing reaches", "What people searched for",
                        "Enquiries about starting a micro-enterprise", "Courses and meet-ups for providers"]:
            assert f">{heading}</h2>" in page, heading
        # A chart for every table but the referrals, enquiries and training summaries, the gaps and the searches that
        # found nothing.
        assert page.count('<svg class="app-chart__svg"') == page.count('role="img"') == 15
        assert 'aria-labelledby="chart-capacity-title"' in page and '<title id="chart-capacity-title">' in page
        assert 'aria-describedby="chart-capacity-caption"' in page and 'id="chart-capacity-caption"' in page
        assert "/council/reports/gaps.csv?date_from_day=1" in page
        assert "Showing 1 November 2024 to 30 June 2025, all areas, all types of support." in page
        assert "Filters that change it:" in page

    def test_empty_gaps_stand_out_in_words_not_colour_alone(self, client, world):
        page = page_of(client, world.staff, PERIOD).content.decode()

        gap = '<strong class="govuk-tag govuk-tag--red app-gap-tag">None<span class="govuk-visually-hidden"> (a gap)'
        assert page.count(gap) == 2

    def test_it_keeps_the_filters_chosen_and_says_what_they_show(self, client, world):
        page = page_of(client, world.staff, {**PERIOD, "area": "malvern", "category": "home-help"}).content.decode()

        assert '<option value="malvern" selected>' in page and '<option value="home-help" selected>' in page
        assert "Malvern, home help." in page
        assert 'value="2024"' in page

    def test_bad_dates_get_the_error_summary_and_keep_what_was_typed(self, client, world):
        response = page_of(client, world.staff, {"date_from_day": "31", "date_from_month": "2",
                                                 "date_from_year": "2025", "date_to_year": "20x"})
        page = response.content.decode()

        assert response.status_code == 200
        assert "There is a problem" in page
        assert "The start date must be a real date" in page
        assert "The end date must include a day and a month" in page
        assert 'href="#id_date_from_0"' in page
        assert 'value="31"' in page and 'value="20x"' in page
        assert "<title>Error:" in page
        assert not response.context["sections"]

    def test_dates_no_calendar_can_count_to_are_explained_not_a_server_error(self, client, world):
        response = page_of(client, world.staff, {"date_from_day": "99999999999999999999", "date_from_month": "1",
                                                 "date_from_year": "2025", "date_to_day": "31", "date_to_month": "12",
                                                 "date_to_year": "9999"})
        page = response.content.decode()

        assert response.status_code == 200
        assert page.count("The start date must be a real date") == 2  # in the summary and beside the field
        assert page.count("The end date must be between 1 January 1900 and 31 December 2100") == 2
        assert 'value="99999999999999999999"' in page and 'value="9999"' in page
        assert not response.context["sections"]

    def test_an_end_before_the_start_is_an_error(self, client, world):
        page = page_of(client, world.staff, {**PERIOD, "date_to_year": "2023"}).content.decode()

        assert "The end date must be the same as or after the start date" in page

    def test_dates_more_than_ten_years_apart_are_an_error(self, client, world):
        page = page_of(client, world.staff, {**PERIOD, "date_from_year": "2010"}).content.decode()

        assert "The dates must be 10 years apart or less" in page

    def test_a_council_with_nothing_yet_gets_empty_tables_not_an_error(self, client, world):
        newcomer = make_user("nina@newshire.example")
        StaffMembership.objects.create(user=newcomer, council=make_council("Newshire Council"))

        response = page_of(client, newcomer)

        assert response.status_code == 200
        assert "This council has no areas yet." in response.content.decode()
        assert "Every search that chose a type of support found something." in response.content.decode()

    def test_an_area_of_another_council_is_refused(self, client, world):
        page = page_of(client, world.staff, {"area": "hereford"}).content.decode()

        assert "Select an area" in page

    def test_the_page_never_shows_or_selects_a_persons_details(self, client, world):
        client.force_login(world.staff)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/council/reports/", PERIOD).content.decode()

        assert "Margaret Evans" not in page and "01905 000111" not in page
        assert not [query["sql"] for query in queries if "person_name" in query["sql"]]

    def test_labels_are_escaped_in_tables_and_charts(self, client, world):
        make_category("<script>alert(1)</script>")

        page = page_of(client, world.staff, PERIOD).content.decode()

        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)" in page


@pytest.mark.django_db
class TestQueries:
    # The session, the user, their staff membership and council, the header's three role checks, the areas and types
    # of support, and the reports' 18 (one of them counts everything by area; three count enquiries; two count courses
    # and meet-ups).
    QUERIES = 28

    def count(self, client, params) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/council/reports/", params).status_code == 200
        self.sql = "\n".join(query["sql"][:160] for query in queries)
        return len(queries)

    def test_the_page_runs_the_same_number_of_queries_however_much_data(self, client, world):
        client.force_login(world.staff)
        filtered = {**PERIOD, "area": "worcester", "category": "day-clubs"}
        few, few_filtered = self.count(client, PERIOD), self.count(client, filtered)
        for number in range(45):
            listing = make_enterprise(f"More {number}", council=world.council, published_at=at(2025, 2, 1))
            more = service(f"More {number}", listing, world.day_clubs, **venue(385000, 255000 + number))
            make_referral(service=more, referrer=world.referrer, sent_at=at(2025, 2, 2))
            SearchRecord.objects.create(searched_on=date(2025, 2, 2), area=world.worcester, words=f"w{number}",
                                        postcode_district="WR1", result_count=0)

        assert self.count(client, PERIOD) == few == self.QUERIES, self.sql
        assert self.count(client, filtered) == few_filtered == self.QUERIES, self.sql


# The CSVs ------------------------------------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
class TestCsv:
    def test_a_table_as_csv_with_the_same_filters(self, client, world):
        client.force_login(world.staff)
        response = client.get("/council/reports/gaps.csv", PERIOD)

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        today = timezone.localdate().isoformat()
        assert response["Content-Disposition"] == (
            f'attachment; filename="worcestershire-county-council-gaps-{today}.csv"')
        assert csv_rows(response) == [
            ["Area", "Befriending", "Day clubs", "Home help", "All types"],
            ["Malvern", "0", "1", "1", "2"],
            ["Worcester", "1", "1", "0", "2"],
        ]
        filtered = client.get("/council/reports/referrals-by-area.csv", {**PERIOD, "area": "malvern"})
        assert csv_rows(filtered) == [["Area", "Referrals", "Answered", "Accepted", "Acceptance rate"],
                                      ["Malvern", "3", "3", "2", "67%"]]

    def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(self, client, world, settings):
        settings.SEARCH_WORDS_MIN_VISITORS = 1
        client.force_login(world.staff)
        rows = csv_rows(client.get("/council/reports/searches-found-nothing.csv", PERIOD))

        assert rows[0] == ["Word searched for", "Searches"]
        assert ["gardening", "2"] in rows and ["'=cmd|'", "1"] in rows

    def test_the_month_tables_have_every_month(self, client, world):
        client.force_login(world.staff)
        rows = csv_rows(client.get("/council/reports/referrals-by-month.csv", PERIOD))

        assert rows[0] == ["Month", "Sent", "Waiting for an answer", "Accepted", "Declined", "Withdrawn",
                           "Support started", "Support ended"]
        assert [row[0] for row in rows[1:]] == MONTHS

    def test_an_unknown_table_is_not_found_and_bad_filters_are_refused(self, client, world):
        client.force_login(world.staff)

        assert client.get("/council/reports/nothing.csv").status_code == 404
        assert client.get("/council/reports/gaps.csv", {"area": "nowhere"}).status_code == 400

    def test_csv_never_holds_a_persons_details(self, client, world):
        client.force_login(world.staff)
        for slug in reports.TABLES:
            content = client.get(f"/council/reports/{slug}.csv", PERIOD).content.decode("utf-8-sig")
            assert "Margaret" not in content, slug


# Who may see them ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPermissions:
    @pytest.mark.parametrize("url", ["/council/reports/", "/council/reports/gaps.csv"])
    def test_the_public_is_sent_to_sign_in(self, client, world, url):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=/council/reports/")

    @pytest.mark.parametrize("who", ["provider", "referrer"])
    @pytest.mark.parametrize("url", ["/council/reports/", "/council/reports/gaps.csv"])
    def test_providers_and_referrers_are_refused(self, client, world, who, url):
        client.force_login(getattr(world, who))

        assert client.get(url).status_code == 403

    def test_staff_of_another_council_see_only_their_own_councils_figures(self, client, world, settings):
        settings.SEARCH_WORDS_MIN_VISITORS = 1
        response = page_of(client, world.other_staff, PERIOD)
        page = response.content.decode()
        figures = {table.slug: {row.label: row.values for row in table.rows}
                   for section in response.context["sections"] for table in section.tables}

        assert response.status_code == 200
        assert '<span class="govuk-caption-l">Herefordshire Council</span>' in page
        assert column(figures["listings-by-status"])["Published"] == 1
        assert sum(column(figures["listings-by-status"]).values()) == 1
        assert column(figures["referrals-summary"])["Referrals sent"] == 1
        assert list(figures["gaps"]) == ["Hereford"]
        assert "Malvern" not in page and ">Worcester<" not in page
        assert ">secret<" in page and "gardening" not in page

    def test_staff_of_another_council_cannot_choose_this_councils_area(self, client, world):
        client.force_login(world.other_staff)

        assert client.get("/council/reports/gaps.csv", {"area": "worcester"}).status_code == 400
        rows = csv_rows(client.get("/council/reports/listings-by-status.csv"))
        assert ["Published", "1"] in rows and ["Archived", "0"] in rows


# The charts ----------------------------------------------------------------------------------------------------------


def test_a_horizontal_chart_escapes_its_labels_and_is_an_image_named_by_its_title():
    svg = charts.horizontal_bars(chart_id="c1", title="Fish & <chips>", caption_id="c1-caption",
                                 bars=[("A & B <x>", 3), ("None", 0)])

    assert svg.startswith('<svg class="app-chart__svg" xmlns="http://www.w3.org/2000/svg" role="img"')
    assert 'aria-labelledby="c1-title" aria-describedby="c1-caption"' in svg
    assert '<title id="c1-title">Fish &amp; &lt;chips&gt;</title>' in svg
    assert "A &amp; B &lt;x&gt;" in svg and "<x>" not in svg
    assert svg.count("<rect") == 2 and 'width="0.0%"' in svg  # the zero bar is there, with no width


def test_a_month_chart_has_a_bar_per_month_and_names_the_years():
    months = [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1)]
    svg = charts.month_bars(chart_id="m", title="Per month", caption_id="m-caption", months=months, values=[1, 0, 4])

    assert svg.count("<rect") == 3
    assert ">Nov<" in svg and ">Jan<" in svg and ">2024<" in svg and ">2025<" in svg


def test_a_chart_has_no_viewbox_so_its_text_is_16px_however_wide_it_is_shown():
    svg = charts.horizontal_bars(chart_id="c", title="Listings", caption_id="c-caption", bars=[("Day clubs", 3)])

    assert "viewBox" not in svg
    assert 'width="100%"' in svg and 'font-size="16"' in svg


def test_a_long_label_wraps_above_its_bar_instead_of_being_cut_short():
    label = "Information, advice and advocacy for carers of older adults"
    svg = charts.horizontal_bars(chart_id="c", title="Listings", caption_id="c-caption", bars=[(label, 3)])

    lines = re.findall(r'<text x="2" y="\d+" class="app-chart__text">([^<]*)</text>', svg)
    assert " ".join(lines) == label and len(lines) > 1
    assert all(len(line) <= charts.LABEL_CHARACTERS for line in lines)
    assert "…" not in svg


def band_texts(svg: str) -> dict[int, list[str]]:
    """The text a month chart shows at each of the widths it is laid out for."""
    return {
        int(band): re.findall(r">([^<]+)</text>", texts)
        for band, texts in re.findall(r'<g class="app-chart__band app-chart__band--(\d+)"[^>]*>(.*?)</g>', svg)
    }


def test_a_month_chart_names_as_many_months_as_its_width_has_room_for_and_every_year():
    months = [date(2025 + index // 12, index % 12 + 1, 1) for index in range(24)]
    svg = charts.month_bars(chart_id="m", title="Per month", caption_id="m-caption", months=months,
                            values=[1000 * index for index in range(24)])

    shown = band_texts(svg)
    assert sorted(shown) == list(charts.BANDS)
    narrowest, widest = shown[charts.BANDS[0]], shown[charts.BANDS[-1]]
    assert {"Jan", "Jul", "2025", "2026"} <= set(narrowest) and "Feb" not in narrowest
    assert {"Jan", "Mar", "May", "2025", "2026"} <= set(widest)
    assert "23,000" not in narrowest  # no room over a bar for its value on a phone
    assert 'display="none"' not in svg.split("app-chart__band--600")[1][:20]  # without CSS, the widest shows


def test_a_ten_year_month_chart_still_names_the_years_on_a_phone():
    months = [date(2016 + index // 12, index % 12 + 1, 1) for index in range(120)]
    svg = charts.month_bars(chart_id="m", title="Per month", caption_id="m-caption", months=months, values=[1] * 120)

    narrowest = band_texts(svg)[charts.BANDS[0]]
    assert {"2016", "2019", "2022", "2025"} <= set(narrowest)
    assert not {"Jan", "Jul"} & set(narrowest)


# How the tables fit the screen ---------------------------------------------------------------------------------------


def test_a_table_of_a_few_columns_becomes_a_list_of_its_rows_only_on_a_narrow_screen():
    table = reports.Table("t", "Listings by status", ["Status", "Listings"], [reports.Row("Draft", (1,))])

    assert tables.layout(table) == "app-table--stacked"


def test_a_table_with_a_column_for_every_type_of_support_is_always_a_list_of_its_rows():
    types = ["Advocacy", "Befriending", "Carers' support", "Day clubs", "Home help", "Housing support",
             "Lunch clubs", "Mental health support", "Peer support", "Personal care", "Respite", "Sitting services",
             "Transport", "Walking groups"]
    table = reports.Table("gaps", "Gaps", ["Area", *types, "All types"],
                          [reports.Row("Malvern Hills", tuple(range(15)))], flag_zeros=True)

    assert "app-table--stacked-always" in tables.layout(table).split()


def test_a_table_of_many_short_figures_stays_a_table_on_a_desktop_screen_with_smaller_text():
    statuses = ["Waiting for an answer", "Accepted", "Declined", "Withdrawn", "Support started", "Support ended"]
    table = reports.Table("by-month", "Referrals each month", ["Month", "Sent", *statuses],
                          [reports.Row("September 2025", (12, 3, 4, 1, 1, 2, 1))], chart="months")

    assert tables.layout(table).split() == [
        "app-table--stacked", "app-table--stacked-below-60em", "app-table--compact"]
