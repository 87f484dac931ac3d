"""Council approval: the queue, the review of listings and their changes, checks shown to the public as facts with
dates, the review and insurance lists, reminders to providers, and who may do any of it."""

import threading
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.dates import long_date
from enterprises import listings
from enterprises.models import (
    Area,
    AreaName,
    Enterprise,
    EnterpriseCheck,
    ListingEvent,
    Organisation,
    Revision,
    StaffMembership,
    Synonym,
)
from enterprises.reminders import insurance_expiring, review_overdue, send_reminders
from enterprises.revisions import save_enterprise_details, save_service
from tests.enterprises.test_listings import fast_password_hashing, make_user  # noqa: F401
from tests.factories import days_ago, make_council, make_enterprise, make_service

Status = Enterprise.Status


def days_ahead(days: int) -> date:
    return timezone.localdate() + timezone.timedelta(days=days)


def date_fields(prefix: str, value: date) -> dict:
    return {f"{prefix}-review_due_on_day": value.day, f"{prefix}-review_due_on_month": value.month,
            f"{prefix}-review_due_on_year": value.year}


def html(response) -> str:
    return response.content.decode()


@dataclass
class World:
    council: object
    elsewhere: object
    staff: object
    colleague: object
    other_staff: object
    provider: object
    other_provider: object
    referrer: object
    submitted: Enterprise
    published: Enterprise
    suspended: Enterprise
    revision: Revision


def submit_revision_of(listing, provider, *, days_waiting: int = 0, **values) -> Revision:
    save_enterprise_details(listing, by=provider, values=values or {"phone": "01632 960999"})
    revision = listing.revisions.get(status=Revision.Status.PENDING)
    revision.submitted_at = timezone.now() - timezone.timedelta(days=days_waiting)
    revision.save()
    return revision


@pytest.fixture
def world(db):
    council, elsewhere = make_council(), make_council("Herefordshire Council")
    staff, colleague = make_user("officer@worcs.example"), make_user("colleague@worcs.example")
    other_staff = make_user("officer@herefs.example")
    for person, where in [(staff, council), (colleague, council), (other_staff, elsewhere)]:
        StaffMembership.objects.create(user=person, council=where)
    provider, other_provider = make_user("jean@lunchclub.example"), make_user("sam@sitters.example")
    referrer = make_user("link.worker@gp.example")
    Organisation.objects.create(council=council, name="Link workers").members.add(referrer)
    make_enterprise("Severn Sitters", council=council).members.add(other_provider)

    def listing(name, status, **fields):
        enterprise = make_enterprise(name, status=status, council=council, **fields)
        enterprise.members.add(provider)
        make_service(f"{name} service", enterprise=enterprise)
        return enterprise

    submitted = listing("Malvern Lunch Club", Status.SUBMITTED, submitted_at=timezone.now() - timezone.timedelta(3),
                        insurance_expires_on=days_ahead(200), dbs_answer=Enterprise.DbsAnswer.ALL_CHECKED,
                        has_safeguarding_policy=True)
    published = listing("Pershore Befrienders", Status.PUBLISHED, review_due_on=days_ahead(100))
    suspended = listing("Evesham Gardeners", Status.SUSPENDED, review_due_on=days_ahead(100))
    revision = submit_revision_of(published, provider, days_waiting=1)
    return World(council, elsewhere, staff, colleague, other_staff, provider, other_provider, referrer, submitted,
                 published, suspended, revision)


@dataclass(frozen=True)
class View:
    name: str
    method: str
    url: object  # World -> str
    data: object = None  # World -> dict
    object_view: bool = True
    done: str = "/council/"  # where staff are sent after an action
    form_page: bool = False  # a GET shows the form the POST sends


def place_name_of(world: World) -> AreaName:
    """A place name of one of the council's areas, for the view that removes it."""
    area = Area.objects.get_or_create(council=world.council, slug="malvern",
                                      defaults={"name": "Malvern", "easting": 377500, "northing": 245800})[0]
    return AreaName.objects.get_or_create(area=area, name="Callow End", defaults={"easting": 392000,
                                                                                 "northing": 240000})[0]


def synonym_of(world: World) -> Synonym:
    """A synonym of the council's, for the synonym views."""
    return Synonym.objects.get_or_create(council=world.council, words="day centre", also_find="day club")[0]


VIEWS = [
    View("queue", "get", lambda w: "/council/", object_view=False),
    View("listings", "get", lambda w: "/council/listings/", object_view=False),
    View("review_overdue", "get", lambda w: "/council/review-overdue/", object_view=False),
    View("insurance_expiring", "get", lambda w: "/council/insurance-expiring/", object_view=False),
    View("no_review_date", "get", lambda w: "/council/no-review-date/", object_view=False),
    View("no_insurance_date", "get", lambda w: "/council/no-insurance-date/", object_view=False),
    View("failed_messages", "get", lambda w: "/council/messages-not-sent/", object_view=False),
    View("review", "get", lambda w: f"/council/listings/{w.submitted.slug}/"),
    View("revision", "get", lambda w: f"/council/revisions/{w.revision.pk}/"),
    View("approve", "post", lambda w: f"/council/listings/{w.submitted.slug}/approve/",
         lambda w: {"approve-checks": ["insurance", "safeguarding"], **date_fields("approve", days_ahead(365))}),
    View("request_changes", "post", lambda w: f"/council/listings/{w.submitted.slug}/request-changes/",
         lambda w: {"request_changes-message": "Add your prices"}),
    View("reject", "post", lambda w: f"/council/listings/{w.submitted.slug}/reject/",
         lambda w: {"reject-reason": "Outside our area"}),
    View("mark_reviewed", "post", lambda w: f"/council/listings/{w.published.slug}/mark-reviewed/",
         lambda w: date_fields("mark_reviewed", days_ahead(365))),
    View("suspend", "post", lambda w: f"/council/listings/{w.published.slug}/suspend/",
         lambda w: {"suspend-reason": "A complaint"}),
    View("reinstate", "post", lambda w: f"/council/listings/{w.suspended.slug}/reinstate/", lambda w: {}),
    View("archive", "post", lambda w: f"/council/listings/{w.published.slug}/archive/",
         lambda w: {"archive-reason": "Closed down"}),
    View("approve_revision", "post", lambda w: f"/council/revisions/{w.revision.pk}/approve/", lambda w: {}),
    View("reject_revision", "post", lambda w: f"/council/revisions/{w.revision.pk}/reject/",
         lambda w: {"reject-reason": "Wrong number"}),
    View("place_names", "get", lambda w: "/council/place-names/", object_view=False),
    # Another council's name is left alone, and staff are sent back to their own list (tests/enterprises/
    # test_place_names.py), rather than told it is not found.
    View("remove_place_name", "post", lambda w: f"/council/place-names/{place_name_of(w).pk}/remove/", lambda w: {},
         object_view=False, done="/council/place-names/"),
    View("synonyms", "get", lambda w: "/council/words-people-use/", object_view=False),
    View("add_synonym", "post", lambda w: "/council/words-people-use/add/",
         lambda w: {"words": "cleaner", "also_find": "home help"}, object_view=False,
         done="/council/words-people-use/", form_page=True),
    View("change_synonym", "post", lambda w: f"/council/words-people-use/{synonym_of(w).pk}/",
         lambda w: {"words": "day centre", "also_find": "lunch club"}, done="/council/words-people-use/",
         form_page=True),
    View("delete_synonym", "post", lambda w: f"/council/words-people-use/{synonym_of(w).pk}/delete/",
         lambda w: {}, done="/council/words-people-use/", form_page=True),
]


def call(client, view: View, world: World):
    url = view.url(world)
    if view.method == "get":
        return client.get(url)
    return client.post(url, view.data(world))


def signed_in(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


@pytest.mark.django_db
class TestWhoMayUseEachCouncilView:
    def test_every_council_url_is_in_the_matrix(self):
        from enterprises.council.urls import urlpatterns
        from tests.enterprises.test_enquiry_pages import STAFF_VIEWS as ENQUIRY_VIEWS  # their own matrix

        enquiry_views = {name.removeprefix("council:") for name in ENQUIRY_VIEWS}
        # The events pages' own matrix is in tests/enterprises/test_events.py.
        in_matrix = {p.name for p in urlpatterns if p.callback.__module__ != "enterprises.council.events"}
        assert in_matrix == {view.name for view in VIEWS} | enquiry_views

    @pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
    def test_anyone_not_signed_in_is_sent_to_sign_in(self, world, view):
        response = call(Client(), view, world)

        assert response.status_code == 302
        assert response.url.startswith("/sign-in/?next=/council/")

    @pytest.mark.parametrize("persona", ["provider", "other_provider", "referrer"])
    @pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
    def test_providers_and_referrers_are_refused(self, world, view, persona):
        assert call(signed_in(world, persona), view, world).status_code == 403

    @pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
    def test_staff_of_the_council_may_use_it(self, world, view):
        response = call(signed_in(world, "staff"), view, world)

        if view.method == "get":
            assert response.status_code == 200
        else:
            assert (response.status_code, response.url) == (302, view.done)

    @pytest.mark.parametrize("view", [v for v in VIEWS if v.object_view], ids=lambda v: v.name)
    def test_staff_of_another_council_cannot_find_this_councils_listings(self, world, view):
        assert call(signed_in(world, "other_staff"), view, world).status_code == 404

        for listing in [world.submitted, world.published, world.suspended]:
            before = listing.status
            listing.refresh_from_db()
            assert listing.status == before

    @pytest.mark.parametrize("view", [v for v in VIEWS if not v.object_view], ids=lambda v: v.name)
    def test_staff_of_another_council_see_none_of_this_councils_listings_in_their_lists(self, world, view):
        world.published.review_due_on = days_ago(10)
        world.published.insurance_expires_on = days_ahead(5)
        world.published.save()

        page = html(call(signed_in(world, "other_staff"), view, world))

        for name in ["Malvern Lunch Club", "Pershore Befrienders", "Evesham Gardeners"]:
            assert name not in page

    @pytest.mark.parametrize("view", [v for v in VIEWS if v.method == "post" and not v.form_page],
                             ids=lambda v: v.name)
    def test_actions_cannot_be_taken_with_get(self, world, view):
        assert signed_in(world, "staff").get(view.url(world)).status_code == 405

    def test_actions_need_the_csrf_token(self, world):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.staff)

        response = client.post(f"/council/listings/{world.submitted.slug}/reject/", {"reject-reason": "No"})

        assert response.status_code == 403
        world.submitted.refresh_from_db()
        assert world.submitted.status == Status.SUBMITTED


@pytest.fixture
def staff_client(world):
    return signed_in(world, "staff")


@pytest.mark.django_db
class TestQueue:
    def test_it_lists_new_listings_and_sent_changes_oldest_first_with_days_waited(self, world, staff_client):
        old = make_enterprise("Droitwich Day Club", status=Status.SUBMITTED, council=world.council,
                              submitted_at=timezone.now() - timezone.timedelta(days=20, hours=1))
        old.members.add(world.provider)
        world.revision.submitted_at = timezone.now() - timezone.timedelta(days=10, hours=1)
        world.revision.save()

        response = staff_client.get("/council/")

        assert [(item.name, item.kind, item.days) for item in response.context["items"]] == [
            ("Droitwich Day Club", "New listing", 20),
            ("Pershore Befrienders", "Changes to a published listing", 10),
            ("Malvern Lunch Club", "New listing", 3),
        ]
        page = html(response)
        assert page.index("Droitwich Day Club") < page.index("Pershore Befrienders") < page.index("Malvern Lunch Club")
        assert "20 days" in page and "10 days" in page and "3 days" in page
        assert f'href="/council/revisions/{world.revision.pk}/"' in page
        assert f'href="/council/listings/{world.submitted.slug}/"' in page

    def test_it_leaves_out_drafts_decided_listings_changes_still_being_edited_and_other_councils(self, world,
                                                                                                 staff_client):
        make_enterprise("A draft", status=Status.DRAFT, council=world.council)
        make_enterprise("Someone else's", status=Status.SUBMITTED, council=world.elsewhere)
        world.revision.submitted_at = None
        world.revision.save()

        names = [item.name for item in staff_client.get("/council/").context["items"]]

        assert names == ["Malvern Lunch Club"]

    def test_the_other_councils_staff_see_only_their_own(self, world):
        make_enterprise("Hereford Lunch Club", status=Status.SUBMITTED, council=world.elsewhere)

        names = [item.name for item in signed_in(world, "other_staff").get("/council/").context["items"]]

        assert names == ["Hereford Lunch Club"]

    def test_it_links_to_the_two_lists_with_their_counts(self, world, staff_client):
        world.published.review_due_on = days_ago(3)
        world.published.insurance_expires_on = days_ahead(3)
        world.published.save()

        page = html(staff_client.get("/council/"))

        assert "Reviews overdue (1)" in page and "Insurance expiring or expired (1)" in page

    def test_it_runs_the_same_number_of_queries_however_many_are_waiting(self, world, staff_client):
        staff_client.get("/council/")
        with CaptureQueriesContext(connection) as few:
            staff_client.get("/council/")
        for n in range(5):
            make_enterprise(f"More {n}", status=Status.SUBMITTED, council=world.council, submitted_at=timezone.now())
            submit_revision_of(make_enterprise(f"Live {n}", council=world.council), world.provider)
        with CaptureQueriesContext(connection) as many:
            response = staff_client.get("/council/")

        assert len(response.context["items"]) == 12
        assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)


@pytest.mark.django_db
class TestReviewPage:
    def test_it_shows_the_listing_as_the_public_would_and_the_providers_answers(self, world, staff_client):
        world.submitted.summary = "Hot lunches and good company."
        world.submitted.phone = "01632 960123"
        world.submitted.save()

        page = html(staff_client.get(f"/council/listings/{world.submitted.slug}/"))

        for fact in ["Malvern Lunch Club", "Hot lunches and good company.", "01632 960123",
                     "Malvern Lunch Club service", long_date(days_ahead(200)),
                     "Yes, everyone who works with people has a DBS check", "Yes, they have one", "Submitted"]:
            assert fact in page, fact

    def test_a_submitted_listing_offers_approve_request_changes_and_reject(self, world, staff_client):
        page = html(staff_client.get(f"/council/listings/{world.submitted.slug}/"))

        for action in ["approve", "request-changes", "reject"]:
            assert f'action="/council/listings/{world.submitted.slug}/{action}/"' in page
        assert "mark-reviewed" not in page and "suspend/" not in page

    def test_a_published_listing_offers_mark_as_reviewed_suspend_and_archive(self, world, staff_client):
        page = html(staff_client.get(f"/council/listings/{world.published.slug}/"))

        for action in ["mark-reviewed", "suspend", "archive"]:
            assert f'action="/council/listings/{world.published.slug}/{action}/"' in page
        assert "/approve/" not in page and "Mark as reviewed" in page
        assert f'href="/council/revisions/{world.revision.pk}/"' in page

    def test_a_suspended_listing_offers_reinstatement(self, world, staff_client):
        page = html(staff_client.get(f"/council/listings/{world.suspended.slug}/"))

        assert f'action="/council/listings/{world.suspended.slug}/reinstate/"' in page

    def test_an_archived_listing_offers_nothing(self, world, staff_client):
        listing = make_enterprise("Old club", status=Status.ARCHIVED, council=world.council)

        page = html(staff_client.get(f"/council/listings/{listing.slug}/"))

        assert "There is nothing more to decide" in page and "<form method=\"post\" action=\"/council" not in page

    def test_the_cqc_check_is_offered_only_where_a_service_gives_a_cqc_number(self, world, staff_client):
        url = f"/council/listings/{world.submitted.slug}/"
        assert 'value="cqc"' not in html(staff_client.get(url))

        make_service("Home care", enterprise=world.submitted, cqc_registration="1-234567890")
        page = html(staff_client.get(url))

        assert 'value="cqc"' in page and "CQC registration (1-234567890)" in page

    def test_it_shows_the_history_with_who_and_when(self, world, staff_client):
        listings.suspend_listing(enterprise=world.published, by=world.staff, reason="A complaint about safety")

        page = html(staff_client.get(f"/council/listings/{world.published.slug}/"))

        assert "Suspended" in page and "A complaint about safety" in page and "officer@worcs.example" in page

    def test_the_review_date_defaults_to_a_year_ahead(self, world, staff_client):
        form = dict(staff_client.get(f"/council/listings/{world.submitted.slug}/").context["actions"])
        approve = next(f for action, f in form.items() if action.name == "approve")

        assert approve["review_due_on"].value() == days_ahead(365)

    def test_it_runs_the_same_number_of_queries_however_many_services_and_events(self, world, staff_client):
        url = f"/council/listings/{world.published.slug}/"
        staff_client.get(url)
        with CaptureQueriesContext(connection) as few:
            staff_client.get(url)
        for n in range(4):
            make_service(f"Extra {n}", enterprise=world.published, cqc_registration=f"1-{n}")
            EnterpriseCheck.objects.create(enterprise=world.published, kind="dbs", checked_by=world.staff)
            listings.mark_reviewed(enterprise=world.published, by=world.colleague)
        with CaptureQueriesContext(connection) as many:
            staff_client.get(url)

        assert len(many) == len(few)


@pytest.mark.django_db
class TestApproving:
    def test_approval_records_each_check_with_who_and_when_and_the_public_sees_them_as_dated_facts(
        self, world, staff_client, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                f"/council/listings/{world.submitted.slug}/approve/",
                {"approve-checks": ["insurance", "dbs", "safeguarding"], **date_fields("approve", days_ahead(300)),
                 "approve-message": "Welcome to the directory"},
                follow=True,
            )

        assert response.redirect_chain == [("/council/", 302)]
        assert "Malvern Lunch Club is published" in html(response)
        listing = Enterprise.objects.get(pk=world.submitted.pk)
        assert listing.status == Status.PUBLISHED and listing.review_due_on == days_ahead(300)
        assert sorted(listing.checks.values_list("kind", "checked_by", "checked_on")) == [
            (kind, world.staff.pk, timezone.localdate()) for kind in ["dbs", "insurance", "safeguarding"]
        ]
        assert [m.to for m in mailoutbox] == [["jean@lunchclub.example"]]

        public = html(Client().get(listing.services.get().get_absolute_url()))
        today = long_date(timezone.localdate())
        assert "Checks by the council" in public
        assert f"Insurance checked {today}" in public
        assert f"DBS checks confirmed {today}" in public
        assert f"Safeguarding policy checked {today}" in public
        assert "quality standard" not in public
        assert f"Insurance checked {today}" in html(Client().get(listing.get_absolute_url()))

    def test_the_public_sees_the_latest_check_of_each_kind(self, world):
        listing = world.published
        EnterpriseCheck.objects.create(enterprise=listing, kind="insurance", checked_by=world.staff,
                                       checked_on=date(2025, 3, 3))
        EnterpriseCheck.objects.create(enterprise=listing, kind="insurance", checked_by=world.staff,
                                       checked_on=date(2026, 3, 3))
        EnterpriseCheck.objects.create(enterprise=listing, kind="quality_standard", checked_by=world.staff,
                                       checked_on=date(2026, 1, 5))

        public = html(Client().get(listing.get_absolute_url()))

        assert "Insurance checked 3 March 2026" in public and "3 March 2025" not in public
        assert "Meets the local quality standard, checked 5 January 2026" in public

    def test_a_listing_with_no_checks_whose_types_need_none_says_so(self, world, settings):
        settings.CHECKS_NEEDED = "*="  # otherwise the page names the checks its types need (see test_trust.py)

        assert "The council has not recorded any checks yet" in html(Client().get(world.published.get_absolute_url()))

    def test_a_listing_with_no_checks_says_which_it_has_not_had(self, world):
        public = html(Client().get(world.published.get_absolute_url()))

        assert "Not checked by the council:" in public and "checked 3 March" not in public

    @pytest.mark.parametrize("fields, message", [
        ({}, "Enter the next review date"),
        (date_fields("approve", days_ago(1)), "The next review date must be in the future"),
        ({"approve-review_due_on_day": "31", "approve-review_due_on_month": "2", "approve-review_due_on_year": "2030"},
         "The next review date must be a real date"),
        ({"approve-review_due_on_day": "1", "approve-review_due_on_month": "99999999999999999999",
          "approve-review_due_on_year": "2030"}, "The next review date must be a real date"),
        (date_fields("approve", date(9999, 12, 31)),
         "The next review date must be between 1 January 1900 and 31 December 2100"),
    ])
    def test_a_bad_review_date_is_explained_beside_the_field(self, world, staff_client, fields, message):
        response = staff_client.post(f"/council/listings/{world.submitted.slug}/approve/",
                                     {"approve-checks": ["dbs"], **fields})

        assert response.status_code == 200
        page = html(response)
        assert 'id="id_approve-review_due_on-error"' in page and message in page
        assert 'href="#id_approve-review_due_on_0"' in page
        assert "<title>Error: Review Malvern Lunch Club" in page
        assert 'value="dbs" checked' in page
        world.submitted.refresh_from_db()
        assert world.submitted.status == Status.SUBMITTED

    def test_an_unknown_check_is_refused_beside_the_field(self, world, staff_client):
        response = staff_client.post(f"/council/listings/{world.submitted.slug}/approve/",
                                     {"approve-checks": ["cqc"], **date_fields("approve", days_ahead(365))})

        assert response.status_code == 200
        assert "Select a valid choice" in html(response)
        assert not world.submitted.checks.exists()


@pytest.mark.django_db
class TestOtherDecisions:
    def test_asking_for_changes_emails_the_provider_the_message(self, world, staff_client, mailoutbox,
                                                                django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(f"/council/listings/{world.submitted.slug}/request-changes/",
                                         {"request_changes-message": "Please add your prices."})

        assert response.status_code == 302
        world.submitted.refresh_from_db()
        assert world.submitted.status == Status.CHANGES_REQUESTED
        assert "Please add your prices." in mailoutbox[0].body

    @pytest.mark.parametrize("action, field, message", [
        ("request-changes", "request_changes-message", "Enter what the provider needs to change"),
        ("reject", "reject-reason", "Enter the reason for rejecting the listing"),
    ])
    def test_a_message_or_reason_is_required_and_asked_for_beside_the_field(self, world, staff_client, action, field,
                                                                             message):
        response = staff_client.post(f"/council/listings/{world.submitted.slug}/{action}/", {field: "  "})

        assert response.status_code == 200
        page = html(response)
        assert f'<p id="id_{field}-error" class="govuk-error-message">' in page and message in page
        assert f'<a href="#id_{field}">{message}</a>' in page
        world.submitted.refresh_from_db()
        assert world.submitted.status == Status.SUBMITTED

    def test_rejecting_tells_the_provider_why(self, world, staff_client, mailoutbox,
                                              django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(f"/council/listings/{world.submitted.slug}/reject/",
                              {"reject-reason": "We only list enterprises in Worcestershire."})

        world.submitted.refresh_from_db()
        assert world.submitted.status == Status.REJECTED
        assert "We only list enterprises in Worcestershire." in mailoutbox[0].body

    def test_suspending_hides_the_listing_and_tells_the_provider_and_reinstating_brings_it_back(
        self, world, staff_client, mailoutbox, django_capture_on_commit_callbacks
    ):
        public_url = world.published.get_absolute_url()
        assert Client().get(public_url).status_code == 200

        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(f"/council/listings/{world.published.slug}/suspend/",
                                         {"suspend-reason": "We are looking into a complaint."}, follow=True)
        assert "Pershore Befrienders is suspended" in html(response)
        assert Client().get(public_url).status_code == 404
        assert "We are looking into a complaint." in mailoutbox[-1].body

        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(f"/council/listings/{world.published.slug}/reinstate/", {})
        assert Client().get(public_url).status_code == 200
        assert "published again" in mailoutbox[-1].subject

    def test_suspending_and_archiving_need_a_reason(self, world, staff_client):
        for action, message in [("suspend", "Enter the reason for suspending the listing"),
                                ("archive", "Enter the reason for archiving the listing")]:
            url = f"/council/listings/{world.published.slug}/{action}/"
            response = staff_client.post(url, {f"{action}-reason": ""})
            assert response.status_code == 200 and message in html(response)
        world.published.refresh_from_db()
        assert world.published.status == Status.PUBLISHED

    def test_archiving_tells_the_provider(self, world, staff_client, mailoutbox, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(f"/council/listings/{world.published.slug}/archive/",
                              {"archive-reason": "The club has closed."})

        world.published.refresh_from_db()
        assert world.published.status == Status.ARCHIVED
        assert "The club has closed." in mailoutbox[-1].body

    def test_mark_as_reviewed_sets_the_next_review_date_and_records_checks(self, world, staff_client):
        world.published.review_due_on = days_ago(10)
        world.published.save()

        staff_client.post(f"/council/listings/{world.published.slug}/mark-reviewed/",
                          {"mark_reviewed-checks": ["insurance"], **date_fields("mark_reviewed", days_ahead(200))})

        world.published.refresh_from_db()
        assert world.published.review_due_on == days_ahead(200)
        assert world.published.checks.get().checked_by == world.staff
        assert world.published.events.filter(action="reviewed", actor=world.staff).exists()


@pytest.mark.django_db
class TestChanges:
    def test_the_revision_page_shows_each_changed_field_before_and_after(self, world, staff_client):
        service = world.published.services.get()
        save_service(world.published, by=world.provider, key=str(service.pk),
                     values={"cost_note": "Bring a packed lunch"})

        response = staff_client.get(f"/council/revisions/{world.revision.pk}/")

        rows = [(c.section, c.label, c.before, c.after) for c in response.context["changes"]]
        assert ("About the enterprise", "Phone", "Not given", "01632 960999") in rows
        assert ("Pershore Befrienders service", "Cost note", "Not given", "Bring a packed lunch") in rows
        page = html(response)
        for text in ["Section", "Field", "Before", "After", "01632 960999", "Bring a packed lunch",
                     "The public keeps seeing the listing as it is"]:
            assert text in page, text

    def test_approving_changes_makes_them_public(self, world, staff_client):
        response = staff_client.post(f"/council/revisions/{world.revision.pk}/approve/", {}, follow=True)

        assert "The changes to Pershore Befrienders are live" in html(response)
        assert "01632 960999" in html(Client().get(world.published.get_absolute_url()))

    def test_rejecting_changes_needs_a_reason_and_keeps_the_public_version(self, world, staff_client):
        url = f"/council/revisions/{world.revision.pk}/reject/"
        response = staff_client.post(url, {"reject-reason": ""})
        assert response.status_code == 200
        assert "Enter the reason for rejecting the changes" in html(response)

        staff_client.post(url, {"reject-reason": "That number is not yours."})

        world.revision.refresh_from_db()
        assert (world.revision.status, world.revision.reason) == (Revision.Status.REJECTED, "That number is not yours.")
        assert "01632 960999" not in html(Client().get(world.published.get_absolute_url()))

    def test_a_decided_revision_shows_the_decision_and_no_actions(self, world, staff_client):
        listings.reject_revision(revision=world.revision, by=world.colleague, reason="Not yours")

        page = html(staff_client.get(f"/council/revisions/{world.revision.pk}/"))

        assert "Rejected" in page and "Not yours" in page and "/approve/" not in page

    def test_changes_still_being_edited_are_not_the_councils_yet(self, world, staff_client):
        world.revision.submitted_at = None
        world.revision.save()

        assert staff_client.get(f"/council/revisions/{world.revision.pk}/").status_code == 404
        assert staff_client.post(f"/council/revisions/{world.revision.pk}/approve/", {}).status_code == 404


@pytest.mark.django_db
class TestTwoStaffOnTheSameItem:
    def test_the_second_is_told_it_has_already_been_dealt_with(self, world, staff_client):
        colleague = signed_in(world, "colleague")
        colleague.get(f"/council/listings/{world.submitted.slug}/")
        staff_client.post(f"/council/listings/{world.submitted.slug}/approve/",
                          {"approve-checks": ["insurance", "safeguarding"], **date_fields("approve", days_ahead(9))})

        response = colleague.post(f"/council/listings/{world.submitted.slug}/reject/", {"reject-reason": "Too far"})

        assert response.status_code == 409
        page = html(response)
        assert "There is a problem" in page
        message = "Malvern Lunch Club has already been dealt with: it is now published"
        assert f'<a href="#listing-status">{message}</a>' in page
        assert "<title>Error:" in page
        world.submitted.refresh_from_db()
        assert world.submitted.status == Status.PUBLISHED
        assert world.submitted.events.count() == 1

    def test_an_incomplete_form_for_a_listing_already_dealt_with_says_it_has_been_dealt_with(self, world,
                                                                                             staff_client):
        staff_client.post(f"/council/listings/{world.submitted.slug}/reject/", {"reject-reason": "Too far"})

        response = signed_in(world, "colleague").post(f"/council/listings/{world.submitted.slug}/approve/", {})

        assert response.status_code == 409
        assert "Malvern Lunch Club has already been dealt with: it is now rejected" in html(response)
        assert "Enter the next review date" not in html(response)

    def test_the_same_for_changes_to_a_listing(self, world, staff_client):
        colleague = signed_in(world, "colleague")
        staff_client.post(f"/council/revisions/{world.revision.pk}/reject/", {"reject-reason": "Not yours"})

        response = colleague.post(f"/council/revisions/{world.revision.pk}/approve/", {})

        assert response.status_code == 409
        assert "These changes have already been dealt with" in html(response)
        world.published.refresh_from_db()
        assert world.published.phone == ""

        response = colleague.post(f"/council/revisions/{world.revision.pk}/reject/", {"reject-reason": ""})

        assert response.status_code == 409
        assert "These changes have already been dealt with: they were rejected" in html(response)


@pytest.mark.django_db(transaction=True)
def test_two_staff_posting_at_the_same_moment_one_succeeds_and_the_other_gets_a_clear_error(world):
    first, second = signed_in(world, "staff"), signed_in(world, "colleague")
    start = threading.Barrier(2)
    responses = {}

    def post(name, client, action, data):
        try:
            start.wait()
            responses[name] = client.post(f"/council/listings/{world.submitted.slug}/{action}/", data)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=("approve", first, "approve", {
            "approve-checks": ["insurance", "safeguarding"], **date_fields("approve", days_ahead(30))})),
        threading.Thread(target=post, args=("reject", second, "reject", {"reject-reason": "Outside our area"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(r.status_code for r in responses.values()) == [302, 409]
    loser = next(r for r in responses.values() if r.status_code == 409)
    assert "has already been dealt with" in html(loser)
    world.submitted.refresh_from_db()
    assert world.submitted.status in {Status.PUBLISHED, Status.REJECTED}
    assert world.submitted.events.count() == 1


@pytest.mark.django_db
class TestTrustLists:
    def test_review_overdue_lists_this_councils_live_listings_past_their_review_date(self, world, staff_client):
        world.published.review_due_on = days_ago(100)
        world.published.save()
        world.suspended.review_due_on = days_ago(1)
        world.suspended.save()
        make_enterprise("Due today", council=world.council, review_due_on=timezone.localdate())
        make_enterprise("A draft", status=Status.DRAFT, council=world.council, review_due_on=days_ago(5))
        make_enterprise("Hereford club", council=world.elsewhere, review_due_on=days_ago(5))

        response = staff_client.get("/council/review-overdue/")

        assert [row["listing"].name for row in response.context["rows"]] == ["Pershore Befrienders",
                                                                             "Evesham Gardeners"]
        page = html(response)
        assert "100 days" in page and "Hidden from the public" in page
        assert [e.name for e in review_overdue(world.council)] == ["Pershore Befrienders", "Evesham Gardeners"]

    def test_insurance_expiring_lists_this_councils_listings_expiring_within_30_days_or_expired(self, world,
                                                                                               staff_client):
        world.published.insurance_expires_on = days_ahead(30)
        world.published.save()
        make_enterprise("In ten days", council=world.council, insurance_expires_on=days_ahead(10))
        make_enterprise("Expired", council=world.council, insurance_expires_on=days_ago(5))
        make_enterprise("In 31 days", council=world.council, insurance_expires_on=days_ahead(31))
        make_enterprise("Hereford club", council=world.elsewhere, insurance_expires_on=days_ahead(5))
        make_enterprise("Archived", status=Status.ARCHIVED, council=world.council, insurance_expires_on=days_ahead(5))

        response = staff_client.get("/council/insurance-expiring/")

        assert [row["listing"].name for row in response.context["rows"]] == ["Expired", "In ten days",
                                                                             "Pershore Befrienders"]
        page = html(response)
        assert "Expired</strong>" in page and "In 10 days" in page and "In 30 days" in page
        assert [e.name for e in insurance_expiring(world.council)] == ["Expired", "In ten days",
                                                                       "Pershore Befrienders"]

    def test_the_warning_period_comes_from_settings(self, world, staff_client, settings):
        settings.INSURANCE_WARNING_DAYS = 7
        make_enterprise("In ten days", council=world.council, insurance_expires_on=days_ahead(10))

        assert staff_client.get("/council/insurance-expiring/").context["rows"] == []

    @pytest.mark.parametrize("url", ["/council/review-overdue/", "/council/insurance-expiring/",
                                     "/council/listings/"])
    def test_each_list_runs_the_same_number_of_queries_however_long_it_is(self, world, staff_client, url):
        def listing_due():
            make_enterprise(council=world.council, review_due_on=days_ago(3), insurance_expires_on=days_ahead(3))

        listing_due()
        staff_client.get(url)
        with CaptureQueriesContext(connection) as few:
            staff_client.get(url)
        for _ in range(5):
            listing_due()
        with CaptureQueriesContext(connection) as many:
            staff_client.get(url)

        assert len(many) == len(few)

    def test_the_lists_say_whether_the_provider_has_been_reminded(self, world, staff_client,
                                                                  django_capture_on_commit_callbacks):
        world.published.review_due_on = days_ago(2)
        world.published.save()
        assert "Not yet" in html(staff_client.get("/council/review-overdue/"))

        with django_capture_on_commit_callbacks(execute=True):
            send_reminders()

        assert staff_client.get("/council/review-overdue/").context["rows"][0]["reminded"] is True
        history = html(staff_client.get(f"/council/listings/{world.published.slug}/"))
        assert "Review reminder emailed to the provider" in history
        assert f"For the review due on {long_date(days_ago(2))}" in history and "Sent automatically" in history


@pytest.mark.django_db
class TestWhatThePublicIsTold:
    def test_an_expired_insurance_is_shown_on_the_public_pages(self, world):
        EnterpriseCheck.objects.create(enterprise=world.published, kind="insurance", checked_by=world.staff)
        world.published.insurance_expires_on = days_ago(3)
        world.published.save()

        for url in [world.published.get_absolute_url(), world.published.services.get().get_absolute_url()]:
            page = html(Client().get(url))
            assert f"Insurance expired on {long_date(days_ago(3))}" in page
            assert "Insurance checked" not in page

    def test_insurance_that_has_not_expired_is_not_called_expired(self, world):
        world.published.insurance_expires_on = timezone.localdate()
        world.published.save()

        assert "Insurance expired" not in html(Client().get(world.published.get_absolute_url()))

    def test_a_listing_more_than_90_days_past_its_review_is_hidden_until_it_is_reviewed(self, world, staff_client):
        listing = world.published
        service = listing.services.get()
        listing.review_due_on = days_ago(90)
        listing.save()
        assert "Pershore Befrienders service" in html(Client().get("/search/", {"q": "befrienders"}))
        assert "yearly review of this listing was due on" in html(Client().get(listing.get_absolute_url()))

        listing.review_due_on = days_ago(91)
        listing.save()
        assert "Pershore Befrienders service" not in html(Client().get("/search/", {"q": "befrienders"}))
        assert Client().get(service.get_absolute_url()).status_code == 404
        assert Client().get(listing.get_absolute_url()).status_code == 404
        assert "Hidden from the public" in html(staff_client.get("/council/review-overdue/"))

        staff_client.post(f"/council/listings/{listing.slug}/mark-reviewed/",
                          date_fields("mark_reviewed", days_ahead(365)))

        assert "Pershore Befrienders service" in html(Client().get("/search/", {"q": "befrienders"}))
        assert Client().get(service.get_absolute_url()).status_code == 200
        assert Client().get(listing.get_absolute_url()).status_code == 200


@pytest.mark.django_db
class TestReminders:
    def test_each_reminder_is_sent_once_for_its_due_date(self, world, mailoutbox, django_capture_on_commit_callbacks):
        world.published.review_due_on = days_ago(1)
        world.published.insurance_expires_on = days_ahead(20)
        world.published.save()

        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_listing_reminders", stdout=open("/dev/null", "w"))
        assert sorted(m.subject.split(":")[0] for m in mailoutbox) == [
            "Your listing is due for its yearly review",
            f"Your public liability insurance expires on {long_date(days_ahead(20))}",
        ]
        assert all(m.to == ["jean@lunchclub.example"] for m in mailoutbox)
        assert set(world.published.events.values_list("action", "message")) == {
            ("review_reminder_sent", days_ago(1).isoformat()), ("insurance_reminder_sent", days_ahead(20).isoformat())
        }

        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_listing_reminders", stdout=open("/dev/null", "w"))
            call_command("send_listing_reminders", "--date", days_ahead(25).isoformat(), stdout=open("/dev/null", "w"))
        assert len(mailoutbox) == 2

    def test_a_new_due_date_gets_its_own_reminder(self, world, mailoutbox, django_capture_on_commit_callbacks):
        world.published.review_due_on = days_ago(1)
        world.published.save()
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders()
        listings.mark_reviewed(enterprise=world.published, by=world.staff, review_due_on=days_ahead(10))

        with django_capture_on_commit_callbacks(execute=True):
            assert send_reminders(today=days_ahead(9)).review == 0
            assert send_reminders(today=days_ahead(10)).review == 1

        assert len(mailoutbox) == 2

    def test_expired_insurance_is_reminded_in_the_past_tense(self, world, mailoutbox,
                                                             django_capture_on_commit_callbacks):
        world.published.insurance_expires_on = days_ago(2)
        world.published.save()

        with django_capture_on_commit_callbacks(execute=True):
            send_reminders()

        assert mailoutbox[0].subject.startswith(f"Your public liability insurance expired on {long_date(days_ago(2))}")

    def test_nothing_is_sent_about_listings_not_due_or_not_live(self, world, mailoutbox,
                                                                django_capture_on_commit_callbacks):
        world.published.review_due_on = days_ahead(1)
        world.published.insurance_expires_on = days_ahead(31)
        world.published.save()
        for status in [Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED, Status.REJECTED]:
            make_enterprise(status=status, council=world.council, review_due_on=days_ago(5),
                            insurance_expires_on=days_ago(5)).members.add(world.provider)

        with django_capture_on_commit_callbacks(execute=True):
            sent = send_reminders()

        assert (sent.review, sent.insurance, mailoutbox) == (0, 0, [])

    def test_the_command_refuses_a_bad_date(self):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="--date must be a date"):
            call_command("send_listing_reminders", "--date", "tomorrow")


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_runs_of_the_reminders_send_each_reminder_once(world, mailoutbox, deliver_queued_messages):
    world.published.review_due_on = days_ago(1)
    world.published.save()
    start = threading.Barrier(2)
    sent = []

    def run():
        try:
            start.wait()
            sent.append(send_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(s.review for s in sent) == [0, 1]
    assert deliver_queued_messages() == 1 and len(mailoutbox) == 1
    assert ListingEvent.objects.filter(action="review_reminder_sent").count() == 1
