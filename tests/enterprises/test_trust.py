"""Trust that means something: the checks each type of support needs before approval, a reason to approve without
them, what the public is then told, and the lists of listings with no review date or no insurance date."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.dates import long_date
from enterprises import listings
from enterprises.checks import checks_needed, checks_told, missing_checks, needs_check
from enterprises.listings import TransitionError
from enterprises.models import Category, Enterprise, EnterpriseCheck, Service
from enterprises.reminders import no_insurance_date, no_review_date
from enterprises.taxonomy import CATEGORIES, ensure_taxonomies
from tests.enterprises import test_council
from tests.enterprises.test_council import date_fields, days_ahead, html, signed_in
from tests.enterprises.test_listings import fast_password_hashing  # noqa: F401
from tests.factories import days_ago, make_enterprise, make_service

world = test_council.world  # the council, its staff and listings that test_council.py's tests use

Status = Enterprise.Status


@pytest.fixture
def types(db):
    ensure_taxonomies()
    return {category.slug: category for category in Category.objects.all()}


def offering(listing: Enterprise, *slugs: str, types, **fields) -> Service:
    return make_service(f"{listing.name}: {', '.join(slugs)}", enterprise=listing,
                        categories=[types[slug] for slug in slugs], **fields)


def check(listing: Enterprise, kind: str, by, on: date | None = None) -> EnterpriseCheck:
    return EnterpriseCheck.objects.create(enterprise=listing, kind=kind, checked_by=by,
                                          checked_on=on or date(2026, 3, 3))


@pytest.fixture
def home_care(world, types):
    """Malvern Lunch Club, waiting for approval, now also offering personal care at home with a CQC number."""
    offering(world.submitted, "home-care", types=types, cqc_registration="1-1234567890")
    return world.submitted


# What each type of support needs -------------------------------------------------------------------------------------


class TestWhatEachTypeNeeds:
    def test_home_care_needs_insurance_dbs_safeguarding_and_cqc_and_a_peer_group_only_safeguarding(self, settings):
        assert checks_needed(["home-care"]) == ["insurance", "dbs", "safeguarding", "cqc"]
        assert checks_needed(["peer-support"]) == ["safeguarding"]

    def test_every_standard_type_is_in_the_table(self):
        from enterprises.checks import DEFAULT_CHECKS_NEEDED

        assert {term.slug for term in CATEGORIES} <= set(DEFAULT_CHECKS_NEEDED)

    def test_a_listing_needs_what_its_types_need_together_and_a_type_not_in_the_table_what_any_type_needs(self):
        assert checks_needed(["peer-support", "gardening-and-odd-jobs"]) == ["insurance", "dbs", "safeguarding"]
        assert checks_needed(["pet-sitting"]) == checks_needed([]) == ["insurance", "safeguarding"]

    def test_the_setting_replaces_rows_of_the_table(self, settings):
        settings.CHECKS_NEEDED = "peer-support=; home-care = insurance, cqc ;*=dbs"

        assert checks_needed(["peer-support"]) == []
        assert checks_needed(["home-care"]) == ["insurance", "cqc"]
        assert checks_needed(["pet-sitting"]) == ["dbs"]
        assert checks_needed(["lunch-clubs"]) == ["insurance", "safeguarding"]

    @pytest.mark.parametrize("setting, says", [
        ("peer-support=horoscope", "horoscope for peer-support is not a check"),
        ("peer-support", "should be a type of support's slug, '=' and checks"),
        ("=insurance", "should be a type of support's slug"),
    ])
    def test_a_mistake_in_the_setting_is_reported_by_the_system_check(self, settings, setting, says):
        settings.CHECKS_NEEDED = setting

        with pytest.raises(ImproperlyConfigured, match=says):
            checks_needed(["home-care"])
        with pytest.raises(SystemCheckError, match=says):
            call_command("check")

    @pytest.mark.parametrize("kind", ["insurance", "dbs", "safeguarding", "cqc"])
    def test_the_query_finds_the_same_listings_as_the_rule(self, db, types, kind, settings):
        settings.CHECKS_NEEDED = "social-groups=dbs"
        listings_by_types = {slugs: make_enterprise() for slugs in [
            (), ("peer-support",), ("home-care",), ("social-groups",), ("peer-support", "lunch-clubs")]}
        for slugs, listing in listings_by_types.items():
            if slugs:
                offering(listing, *slugs, types=types)
        listings_by_types[("pet-sitting",)] = pet_sitters = make_enterprise()
        pet_sitting = Category.objects.create(name="Pet sitting", slug="pet-sitting")
        make_service(enterprise=pet_sitters, categories=[pet_sitting])

        found = set(Enterprise.objects.filter(needs_check(kind)))

        assert found == {listing for slugs, listing in listings_by_types.items() if kind in checks_needed(slugs)}


# Approving -----------------------------------------------------------------------------------------------------------


class TestApprovingWithoutTheChecksATypeNeeds:
    def test_it_is_refused_without_a_reason_naming_what_is_missing_and_nothing_changes(self, home_care, world):
        with pytest.raises(TransitionError, match="needs DBS checks, a safeguarding policy and CQC registration"):
            listings.approve_listing(enterprise=home_care, by=world.staff, checks=["insurance"])

        home_care.refresh_from_db()
        assert home_care.status == Status.SUBMITTED
        assert not home_care.checks.exists() and not home_care.events.exists()

    def test_with_a_reason_it_is_published_and_the_history_keeps_what_was_not_checked_and_why(self, home_care, world):
        listings.approve_listing(enterprise=home_care, by=world.staff, checks=["insurance", "safeguarding"],
                                 missing_checks_reason="  DBS certificates are on their way  ")

        home_care.refresh_from_db()
        assert home_care.status == Status.PUBLISHED
        assert list(home_care.events.values_list("action", "actor", "message")) == [
            ("approved", world.staff.pk, ""),
            ("approved_without_checks", world.staff.pk,
             "Not checked: DBS checks, CQC registration\nDBS certificates are on their way"),
        ]

    def test_with_every_check_it_needs_no_reason_is_asked_for(self, home_care, world):
        every_check = ["insurance", "dbs", "safeguarding", "cqc"]
        listings.approve_listing(enterprise=home_care, by=world.staff, checks=every_check)

        home_care.refresh_from_db()
        assert home_care.status == Status.PUBLISHED
        assert list(home_care.events.values_list("action", flat=True)) == ["approved"]

    def test_checks_already_recorded_count_but_not_insurance_that_has_expired(self, home_care, world):
        for kind in ["dbs", "safeguarding", "cqc", "insurance"]:
            check(home_care, kind, world.colleague)
        assert missing_checks(home_care) == []

        home_care.insurance_expires_on = days_ago(1)
        home_care.save()

        assert missing_checks(home_care) == missing_checks(home_care, checking=["insurance"]) == ["insurance"]


# The review page -----------------------------------------------------------------------------------------------------


class TestTheReviewPage:
    def test_it_says_what_the_types_of_support_need_and_what_is_not_checked_yet(self, home_care, world):
        page = html(signed_in(world, "staff").get(f"/council/listings/{home_care.slug}/"))

        assert ("Home care (personal care): public liability insurance, DBS checks, a safeguarding policy and CQC "
                "registration") in page
        assert ("Not checked yet: public liability insurance, DBS checks, a safeguarding policy and CQC "
                "registration") in page
        assert 'name="approve-missing_checks_reason"' in page

    def test_approving_without_them_and_without_a_reason_asks_for_one_beside_the_field_keeping_what_was_typed(
        self, home_care, world
    ):
        response = signed_in(world, "staff").post(f"/council/listings/{home_care.slug}/approve/", {
            "approve-checks": ["insurance", "safeguarding"], "approve-missing_checks_reason": "   ",
            "approve-message": "Welcome", **date_fields("approve", days_ahead(200))})

        assert response.status_code == 200
        page = html(response)
        message = ("Enter why you are approving it without DBS checks and CQC registration, or tick them if you "
                   "have checked them")
        assert f'<a href="#id_approve-missing_checks_reason">{message}</a>' in page
        assert 'id="id_approve-missing_checks_reason-error"' in page and "<title>Error: Review" in page
        assert 'value="insurance" checked' in page and 'value="safeguarding" checked' in page
        assert ">Welcome</textarea>" in page and f'value="{days_ahead(200).year}"' in page
        home_care.refresh_from_db()
        assert home_care.status == Status.SUBMITTED and not home_care.checks.exists()

    def test_approving_with_a_reason_publishes_it_and_its_history_shows_the_reason(self, home_care, world):
        staff = signed_in(world, "staff")
        response = staff.post(f"/council/listings/{home_care.slug}/approve/", {
            "approve-checks": ["insurance", "safeguarding"],
            "approve-missing_checks_reason": "DBS certificates seen by the commissioning team; CQC number by phone",
            **date_fields("approve", days_ahead(200))}, follow=True)

        assert "Malvern Lunch Club is published" in html(response)
        page = html(staff.get(f"/council/listings/{home_care.slug}/"))
        assert "Approved without every check it needs" in page
        assert "Not checked: DBS checks, CQC registration<br>DBS certificates seen by the commissioning team" in page

    def test_a_reason_longer_than_5000_characters_is_refused_beside_the_field(self, home_care, world):
        response = signed_in(world, "staff").post(f"/council/listings/{home_care.slug}/approve/", {
            "approve-missing_checks_reason": "x" * 5001, **date_fields("approve", days_ahead(200))})

        assert response.status_code == 200
        assert "Keep it under 5,000 characters" in html(response)

    def test_without_a_cqc_number_it_says_cqc_registration_cannot_be_ticked(self, world, types):
        offering(world.submitted, "home-care", types=types)

        page = html(signed_in(world, "staff").get(f"/council/listings/{world.submitted.slug}/"))

        assert "No service gives a CQC registration number, so CQC registration cannot be ticked" in page

    def test_when_every_check_it_needs_is_recorded_no_reason_is_asked_for(self, world, types):
        offering(world.submitted, "peer-support", types=types)
        check(world.submitted, "safeguarding", world.colleague)

        page = html(signed_in(world, "staff").get(f"/council/listings/{world.submitted.slug}/"))

        assert "Not checked yet" not in page and "missing_checks_reason" not in page


# What the public is told ---------------------------------------------------------------------------------------------


class TestWhatThePublicIsTold:
    def lines(self, listing, services=None):
        listing = Enterprise.objects.prefetch_related("checks", "services__categories").get(pk=listing.pk)
        chosen = None if services is None else [s for s in listing.services.all() if s in services]
        return [str(line) for line in checks_told(listing, chosen)]

    def test_it_says_each_check_made_with_its_date_and_the_checks_its_types_need_that_were_not_made(
        self, home_care, world
    ):
        check(home_care, "insurance", world.staff, date(2026, 3, 3))
        check(home_care, "safeguarding", world.staff, date(2026, 3, 4))

        assert self.lines(home_care) == [
            "Insurance checked 3 March 2026",
            "Safeguarding policy checked 4 March 2026",
            "Not checked by the council: DBS checks and CQC registration",
        ]

    def test_a_service_page_says_what_its_own_type_needs(self, world, types):
        listing = world.published
        peer_group = offering(listing, "peer-support", types=types)
        offering(listing, "home-care", types=types)
        check(listing, "safeguarding", world.staff, date(2026, 3, 4))

        assert self.lines(listing, [peer_group]) == ["Safeguarding policy checked 4 March 2026"]
        assert self.lines(listing)[-1] == "Not checked by the council: insurance, DBS checks and CQC registration"

    def test_expired_insurance_comes_first_and_stands_out_instead_of_its_old_check(self, world, types):
        listing = world.published
        listing.insurance_expires_on = days_ago(3)
        listing.save()
        offering(listing, "peer-support", types=types)
        check(listing, "insurance", world.staff)
        check(listing, "safeguarding", world.staff, date(2026, 3, 4))

        listing = Enterprise.objects.prefetch_related("checks", "services__categories").get(pk=listing.pk)
        told = checks_told(listing)

        assert [(line.text, line.important) for line in told] == [
            (f"Insurance expired on {long_date(days_ago(3))}", True),
            ("Safeguarding policy checked 4 March 2026", False),
        ]

    def test_a_listing_whose_types_need_nothing_and_has_no_checks_says_none_are_recorded(self, world, settings):
        settings.CHECKS_NEEDED = "*="

        assert self.lines(world.published) == ["The council has not recorded any checks yet"]

    def test_an_overdue_review_is_told_last(self, world):
        world.published.review_due_on = days_ago(2)
        world.published.save()

        assert self.lines(world.published)[-1] == (
            f"The council’s yearly review of this listing was due on {long_date(days_ago(2))}")

    def test_it_reads_only_what_the_page_prefetched(self, home_care, world, django_assert_num_queries):
        check(home_care, "insurance", world.staff)
        listing = Enterprise.objects.prefetch_related("checks", "services__categories").get(pk=home_care.pk)

        with django_assert_num_queries(0):
            checks_told(listing)

    def test_templates_can_call_it(self, home_care):
        from django.template import engines

        template = engines["jinja2"].from_string("{% for line in checks_told(listing) %}{{ line }}|{% endfor %}")

        assert template.render({"listing": home_care}) == (
            "Not checked by the council: insurance, DBS checks, safeguarding policy and CQC registration|")


# No review date, no insurance date -----------------------------------------------------------------------------------


@pytest.fixture
def dateless(world, types):
    """Listings of this council and another with no review date or no insurance date, and some with both."""
    council = world.council

    def listing(name, status=Status.PUBLISHED, *, slugs=("day-clubs",), elsewhere=False, **fields):
        enterprise = make_enterprise(name, status=status, council=world.elsewhere if elsewhere else council, **fields)
        offering(enterprise, *slugs, types=types)
        return enterprise

    listing("Droitwich Day Club")  # neither date
    listing("Bewdley Befrienders", Status.SUSPENDED, slugs=("befriending",), review_due_on=days_ahead(9))
    listing("Tenbury Talking Group", slugs=("peer-support",), review_due_on=days_ahead(9))  # needs no insurance
    listing("Upton Walkers", insurance_expires_on=days_ahead(99))
    listing("A draft", Status.DRAFT)
    listing("Waiting", Status.SUBMITTED)
    listing("Archived", Status.ARCHIVED)
    listing("Hereford Day Club", elsewhere=True)
    world.published.review_due_on = world.suspended.review_due_on = None
    world.published.save()
    world.suspended.save()


class TestNoReviewDateAndNoInsuranceDate:
    def test_no_review_date_lists_this_councils_live_listings_without_one_by_name(self, world, dateless):
        response = signed_in(world, "staff").get("/council/no-review-date/")

        names = ["Droitwich Day Club", "Evesham Gardeners", "Pershore Befrienders", "Severn Sitters", "Upton Walkers"]
        assert [listing.name for listing in response.context["listings"]] == names
        assert [listing.name for listing in no_review_date(world.council)] == names
        page = html(response)
        assert "5 listings with no review date" in page and "Suspended</strong>" in page
        assert "Hereford Day Club" not in page

    def test_no_insurance_date_lists_only_live_listings_whose_types_need_insurance(self, world, dateless):
        response = signed_in(world, "staff").get("/council/no-insurance-date/")

        names = ["Bewdley Befrienders", "Droitwich Day Club", "Evesham Gardeners", "Pershore Befrienders",
                 "Severn Sitters"]  # the last three have no type of support, so they need what any type needs
        assert [listing.name for listing in response.context["listings"]] == names
        assert [listing.name for listing in no_insurance_date(world.council)] == names
        page = html(response)
        assert "5 listings with no insurance date" in page and "Tenbury Talking Group" not in page

    def test_the_staff_home_page_counts_all_four_lists(self, world, dateless):
        world.published.insurance_expires_on = days_ahead(3)
        world.published.save()
        make_enterprise("Overdue", council=world.council, review_due_on=days_ago(3))

        page = html(signed_in(world, "staff").get("/council/"))

        assert "Reviews overdue (1)" in page and "No review date (5)" in page
        assert "Insurance expiring or expired (1)" in page and "No insurance date (5)" in page

    def test_another_councils_staff_count_and_list_only_their_own(self, world, dateless):
        other_staff = signed_in(world, "other_staff")

        assert "No review date (1)" in html(other_staff.get("/council/"))
        assert "No insurance date (1)" in html(other_staff.get("/council/"))
        for url in ["/council/no-review-date/", "/council/no-insurance-date/"]:
            assert [listing.name for listing in other_staff.get(url).context["listings"]] == ["Hereford Day Club"]

    def test_the_home_page_counts_everything_in_one_query_and_its_queries_are_pinned(
        self, world, dateless, django_assert_num_queries
    ):
        staff = signed_in(world, "staff")
        staff.get("/council/")

        with CaptureQueriesContext(connection) as queries:
            staff.get("/council/")

        four_lists = ['AS "review_overdue"', 'AS "insurance_expiring"', 'AS "no_review_date"', 'AS "no_insurance_date"']
        counting = [query for query in queries.captured_queries if all(alias in query["sql"] for alias in four_lists)]
        assert len(counting) == 1
        with django_assert_num_queries(len(queries)):
            staff.get("/council/")
        assert len(queries) == QUEUE_PAGE_QUERIES

    @pytest.mark.parametrize("url", ["/council/no-review-date/", "/council/no-insurance-date/"])
    def test_each_list_runs_the_same_number_of_queries_however_long_it_is(self, world, types, url):
        staff = signed_in(world, "staff")
        staff.get(url)
        with CaptureQueriesContext(connection) as few:
            staff.get(url)
        for n in range(5):
            offering(make_enterprise(f"More {n}", council=world.council), "home-help", types=types)
        with CaptureQueriesContext(connection) as many:
            response = staff.get(url)

        assert len(response.context["listings"]) >= 5
        assert len(many) == len(few)

    def test_each_list_links_to_its_neighbour(self, world):
        staff = signed_in(world, "staff")

        assert 'href="/council/no-review-date/"' in html(staff.get("/council/review-overdue/"))
        assert 'href="/council/review-overdue/"' in html(staff.get("/council/no-review-date/"))
        assert 'href="/council/no-insurance-date/"' in html(staff.get("/council/insurance-expiring/"))
        assert 'href="/council/insurance-expiring/"' in html(staff.get("/council/no-insurance-date/"))


# The session, the user, their staff membership and council, the new listings, the changes sent, the four lists'
# counts in one, the messages that could not be sent, and the layout's two questions (a provider? a referrer?).
QUEUE_PAGE_QUERIES = 10
