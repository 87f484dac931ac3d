"""The listing lifecycle: every transition from every status, by the right person and the wrong ones, and two staff
acting on the same listing at once."""

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from core.models import OutgoingMessage
from enterprises import listings
from enterprises.listings import TransitionError
from enterprises.models import Enterprise, EnterpriseCheck, ListingEvent, Organisation, Revision, StaffMembership
from enterprises.revisions import save_enterprise_details
from tests.factories import make_council, make_enterprise, make_service

Status = Enterprise.Status
ANY_TYPE_NEEDS = ["insurance", "safeguarding"]  # a listing with no type of support needs what any type does
ALL_STATUSES = list(Status.values)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow by design; these tests create many users and never check a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(email: str):
    return get_user_model().objects.create_user(username=email, email=email, password="a long test password 1")


@dataclass
class People:
    staff: object
    other_staff: object
    provider: object
    other_provider: object
    referrer: object


@pytest.fixture
def people(db):
    council, elsewhere = make_council(), make_council("Herefordshire Council")
    staff, other_staff = make_user("officer@council.example"), make_user("officer@elsewhere.example")
    StaffMembership.objects.create(user=staff, council=council)
    StaffMembership.objects.create(user=other_staff, council=elsewhere)
    provider, other_provider = make_user("jean@lunchclub.example"), make_user("sam@sitters.example")
    make_enterprise("Severn Sitters", council=council).members.add(other_provider)
    referrer = make_user("link.worker@gp.example")
    Organisation.objects.create(council=council, name="Link workers").members.add(referrer)
    return People(staff, other_staff, provider, other_provider, referrer)


def listing_in(status: str, people: People) -> Enterprise:
    enterprise = make_enterprise("Malvern Lunch Club", status=status, council=make_council())
    enterprise.members.add(people.provider)
    return enterprise


@dataclass(frozen=True)
class Transition:
    name: str
    run: Callable  # (enterprise, by) -> None
    role: str  # "staff" or "provider"
    allowed_from: frozenset
    to: str | None  # None: the status does not change
    action: str


T = [
    Transition("submit_listing", lambda e, by: listings.submit_listing(enterprise=e, by=by), "provider",
               frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}), Status.SUBMITTED, "submitted"),
    Transition("request_changes", lambda e, by: listings.request_changes(enterprise=e, by=by, message="Add prices"),
               "staff", frozenset({Status.SUBMITTED}), Status.CHANGES_REQUESTED, "changes_requested"),
    Transition("approve_listing", lambda e, by: listings.approve_listing(enterprise=e, by=by, checks=ANY_TYPE_NEEDS),
               "staff", frozenset({Status.SUBMITTED}), Status.PUBLISHED, "approved"),
    Transition("reject_listing", lambda e, by: listings.reject_listing(enterprise=e, by=by, reason="Not local"),
               "staff", frozenset({Status.SUBMITTED}), Status.REJECTED, "rejected"),
    Transition("suspend_listing", lambda e, by: listings.suspend_listing(enterprise=e, by=by, reason="Complaint"),
               "staff", frozenset({Status.PUBLISHED}), Status.SUSPENDED, "suspended"),
    Transition("reinstate_listing", lambda e, by: listings.reinstate_listing(enterprise=e, by=by), "staff",
               frozenset({Status.SUSPENDED}), Status.PUBLISHED, "reinstated"),
    Transition("archive_listing", lambda e, by: listings.archive_listing(enterprise=e, by=by, reason="Closed"),
               "staff", frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.PUBLISHED, Status.SUSPENDED,
                                   Status.REJECTED}), Status.ARCHIVED, "archived"),
    Transition("mark_reviewed", lambda e, by: listings.mark_reviewed(enterprise=e, by=by), "staff",
               frozenset({Status.PUBLISHED, Status.SUSPENDED}), None, "reviewed"),
]
RIGHT = {"staff": "staff", "provider": "provider"}
WRONG = {"staff": ["provider", "other_staff", "referrer"], "provider": ["staff", "other_provider", "referrer"]}


def cases(legal: bool):
    return [
        pytest.param(transition, status, id=f"{transition.name}-from-{status}")
        for transition in T
        for status in ALL_STATUSES
        if (status in transition.allowed_from) == legal
    ]


def wrong_cases():
    return [
        pytest.param(transition, status, who, id=f"{transition.name}-from-{status}-by-{who}")
        for transition in T
        for status in sorted(transition.allowed_from)
        for who in WRONG[transition.role]
    ]


@pytest.mark.django_db
class TestListingTransitions:
    @pytest.mark.parametrize("transition, status", cases(legal=True))
    def test_the_right_person_can_make_a_legal_transition_and_it_is_recorded(
        self, people, transition, status, django_capture_on_commit_callbacks
    ):
        listing = listing_in(status, people)
        by = getattr(people, RIGHT[transition.role])

        with django_capture_on_commit_callbacks(execute=True):
            transition.run(listing, by)

        listing.refresh_from_db()
        assert listing.status == (transition.to or status)
        event = listing.events.get()
        assert (event.action, event.actor, event.from_status, event.to_status) == (
            transition.action, by, status, transition.to or status
        )

    @pytest.mark.parametrize("transition, status", cases(legal=False))
    def test_an_illegal_transition_is_refused_with_a_reason_and_changes_nothing(self, people, transition, status):
        listing = listing_in(status, people)

        with pytest.raises(TransitionError, match="already been dealt with"):
            transition.run(listing, getattr(people, RIGHT[transition.role]))

        listing.refresh_from_db()
        assert listing.status == status
        assert not listing.events.exists()

    @pytest.mark.parametrize("transition, status, who", wrong_cases())
    def test_the_wrong_person_is_refused_and_nothing_changes(self, people, transition, status, who):
        listing = listing_in(status, people)

        with pytest.raises(TransitionError, match="Only"):
            transition.run(listing, getattr(people, who))

        listing.refresh_from_db()
        assert listing.status == status
        assert not listing.events.exists()


@pytest.mark.django_db
class TestWhatTransitionsDo:
    def test_approval_records_each_check_with_who_and_when_and_sets_the_review_date(self, people):
        listing = listing_in(Status.SUBMITTED, people)

        listings.approve_listing(enterprise=listing, by=people.staff, checks=["insurance", "dbs", "safeguarding"])

        listing.refresh_from_db()
        assert listing.published_at is not None
        assert listing.review_due_on == timezone.localdate() + timezone.timedelta(days=365)
        assert sorted(listing.checks.values_list("kind", "checked_by", "checked_on")) == [
            (kind, people.staff.pk, timezone.localdate()) for kind in ["dbs", "insurance", "safeguarding"]
        ]

    def test_approval_takes_a_chosen_review_date(self, people):
        listing = listing_in(Status.SUBMITTED, people)
        chosen = timezone.localdate() + timezone.timedelta(days=180)

        listings.approve_listing(enterprise=listing, by=people.staff, checks=ANY_TYPE_NEEDS, review_due_on=chosen)

        listing.refresh_from_db()
        assert listing.review_due_on == chosen

    def test_an_unknown_check_is_refused_and_nothing_is_published(self, people):
        listing = listing_in(Status.SUBMITTED, people)

        with pytest.raises(TransitionError, match="Unknown check"):
            listings.approve_listing(enterprise=listing, by=people.staff, checks=["horoscope"])

        listing.refresh_from_db()
        assert listing.status == Status.SUBMITTED and not listing.checks.exists()

    @pytest.mark.parametrize("run, needs", [
        (lambda e, by: listings.request_changes(enterprise=e, by=by, message="  "),
         "what the provider needs to change"),
        (lambda e, by: listings.reject_listing(enterprise=e, by=by, reason=""), "the reason for rejecting"),
    ])
    def test_a_message_or_reason_is_required(self, people, run, needs):
        listing = listing_in(Status.SUBMITTED, people)

        with pytest.raises(TransitionError, match=f"Enter {needs}"):
            run(listing, people.staff)

    @pytest.mark.parametrize("run, needs", [
        (lambda e, by: listings.suspend_listing(enterprise=e, by=by, reason=""), "the reason for suspending"),
        (lambda e, by: listings.archive_listing(enterprise=e, by=by, reason=""), "the reason for archiving"),
    ])
    def test_suspending_and_archiving_need_a_reason(self, people, run, needs):
        listing = listing_in(Status.PUBLISHED, people)

        with pytest.raises(TransitionError, match=f"Enter {needs}"):
            run(listing, people.staff)

    def test_the_provider_is_told_by_email_with_the_message(self, people, mailoutbox,
                                                            django_capture_on_commit_callbacks):
        listing = listing_in(Status.PUBLISHED, people)

        with django_capture_on_commit_callbacks(execute=True):
            listings.suspend_listing(enterprise=listing, by=people.staff, reason="We had a complaint about safety.")

        assert len(mailoutbox) == 1
        assert mailoutbox[0].to == ["jean@lunchclub.example"]
        assert "suspended" in mailoutbox[0].subject
        assert "We had a complaint about safety." in mailoutbox[0].body

    def test_no_email_is_sent_when_the_transaction_rolls_back(self, people, mailoutbox, deliver_queued_messages):
        listing = listing_in(Status.PUBLISHED, people)
        queued = OutgoingMessage.objects.count()

        try:
            with transaction.atomic():
                listings.suspend_listing(enterprise=listing, by=people.staff, reason="Complaint")
                raise RuntimeError("something later failed")
        except RuntimeError:
            pass

        assert OutgoingMessage.objects.count() == queued
        deliver_queued_messages()
        assert not any("suspended" in email.subject for email in mailoutbox)

    def test_mark_reviewed_moves_the_review_date_on_and_records_checks(self, people):
        listing = listing_in(Status.PUBLISHED, people)
        listing.review_due_on = timezone.localdate() - timezone.timedelta(days=120)
        listing.save()

        listings.mark_reviewed(enterprise=listing, by=people.staff, checks=["safeguarding"])

        listing.refresh_from_db()
        assert listing.review_due_on == timezone.localdate() + timezone.timedelta(days=365)
        assert listing.checks.get().kind == EnterpriseCheck.Kind.SAFEGUARDING


def live_listing_with_revision(people, *, submitted: bool = True, status: str = Revision.Status.PENDING):
    listing = listing_in(Status.PUBLISHED, people)
    make_service("Thursday lunch", enterprise=listing)
    save_enterprise_details(listing, by=people.provider, values={"phone": "01632 960999"})
    revision = listing.revisions.get()
    revision.submitted_at = timezone.now() if submitted else None
    revision.status = status
    revision.save()
    return listing, revision


REVISION_TRANSITIONS = {
    "submit_revision": (lambda r, by: listings.submit_revision(revision=r, by=by), "provider"),
    "approve_revision": (lambda r, by: listings.approve_revision(revision=r, by=by), "staff"),
    "reject_revision": (lambda r, by: listings.reject_revision(revision=r, by=by, reason="Wrong number"), "staff"),
}
# (submitted, status) → which transitions are legal
REVISION_STATES = {
    "being-edited": (False, Revision.Status.PENDING, {"submit_revision"}),
    "sent": (True, Revision.Status.PENDING, {"approve_revision", "reject_revision"}),
    "approved": (True, Revision.Status.APPROVED, set()),
    "rejected": (True, Revision.Status.REJECTED, set()),
}


@pytest.mark.django_db
class TestRevisionTransitions:
    @pytest.mark.parametrize("name", REVISION_TRANSITIONS)
    @pytest.mark.parametrize("state", REVISION_STATES)
    def test_each_revision_transition_from_each_state_by_the_right_person(self, people, name, state):
        submitted, status, legal = REVISION_STATES[state]
        listing, revision = live_listing_with_revision(people, submitted=submitted, status=status)
        run, role = REVISION_TRANSITIONS[name]

        if name in legal:
            run(revision, getattr(people, RIGHT[role]))
            assert listing.events.filter(revision=revision).count() == 1
        else:
            with pytest.raises(TransitionError):
                run(revision, getattr(people, RIGHT[role]))
            assert not listing.events.exists()

    @pytest.mark.parametrize("name", REVISION_TRANSITIONS)
    def test_the_wrong_person_cannot_make_a_revision_transition(self, people, name):
        run, role = REVISION_TRANSITIONS[name]
        for who in WRONG[role]:
            listing, revision = live_listing_with_revision(people, submitted=name != "submit_revision")

            with pytest.raises(TransitionError, match="Only"):
                run(revision, getattr(people, who))

            revision.refresh_from_db()
            assert revision.status == Revision.Status.PENDING, who
            revision.delete()

    def test_approving_makes_the_change_live(self, people):
        listing, revision = live_listing_with_revision(people)

        listings.approve_revision(revision=revision, by=people.staff)

        listing.refresh_from_db()
        revision.refresh_from_db()
        assert listing.phone == "01632 960999"
        assert (revision.status, revision.decided_by) == (Revision.Status.APPROVED, people.staff)

    def test_rejecting_keeps_the_published_version_and_the_reason(self, people):
        listing, revision = live_listing_with_revision(people)

        listings.reject_revision(revision=revision, by=people.staff, reason="That number does not answer")

        listing.refresh_from_db()
        revision.refresh_from_db()
        assert listing.phone == ""
        assert (revision.status, revision.reason) == (Revision.Status.REJECTED, "That number does not answer")

    def test_rejecting_changes_needs_a_reason(self, people):
        listing, revision = live_listing_with_revision(people)

        with pytest.raises(TransitionError, match="Enter the reason for rejecting the changes"):
            listings.reject_revision(revision=revision, by=people.staff, reason=" ")


def _in_thread(work, results, key):
    def target():
        try:
            work()
            results[key] = "done"
        except TransitionError as error:
            results[key] = error
        finally:
            connection.close()

    return threading.Thread(target=target)


@pytest.mark.django_db(transaction=True)
class TestTwoStaffAtOnce:
    def test_when_both_act_at_the_same_moment_exactly_one_succeeds(self, people):
        listing = listing_in(Status.SUBMITTED, people)
        colleague = make_user("colleague@council.example")
        StaffMembership.objects.create(user=colleague, council=listing.council)
        start = threading.Barrier(2)
        results = {}

        def approve():
            start.wait()
            listings.approve_listing(enterprise=listing, by=people.staff, checks=["insurance"])

        def reject():
            start.wait()
            listings.reject_listing(enterprise=listing, by=colleague, reason="Outside our area")

        threads = [_in_thread(approve, results, "approve"), _in_thread(reject, results, "reject")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        outcomes = sorted(results.values(), key=lambda r: r == "done")
        assert len(outcomes) == 2 and outcomes[1] == "done" and isinstance(outcomes[0], TransitionError)
        assert "already been dealt with" in str(outcomes[0])
        listing.refresh_from_db()
        winner = "approve" if results["approve"] == "done" else "reject"
        assert listing.status == {"approve": Status.PUBLISHED, "reject": Status.REJECTED}[winner]
        assert ListingEvent.objects.filter(enterprise=listing).count() == 1
        assert EnterpriseCheck.objects.filter(enterprise=listing).count() == (1 if winner == "approve" else 0)

    def test_the_second_waits_for_the_first_to_commit_and_is_then_told_it_has_been_dealt_with(self, people):
        listing = listing_in(Status.SUBMITTED, people)
        colleague = make_user("colleague@council.example")
        StaffMembership.objects.create(user=colleague, council=listing.council)
        first_holds_the_lock = threading.Event()
        results, timings = {}, {}

        def approve_slowly():
            with transaction.atomic():
                listings.approve_listing(enterprise=listing, by=people.staff, checks=ANY_TYPE_NEEDS)
                first_holds_the_lock.set()
                time.sleep(0.5)
                timings["first_committed"] = time.monotonic()

        def reject_meanwhile():
            first_holds_the_lock.wait(timeout=10)
            try:
                listings.reject_listing(enterprise=listing, by=colleague, reason="Outside our area")
            finally:
                timings["second_finished"] = time.monotonic()

        threads = [_in_thread(approve_slowly, results, "first"), _in_thread(reject_meanwhile, results, "second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert results["first"] == "done"
        assert isinstance(results["second"], TransitionError)
        assert str(results["second"]) == "Malvern Lunch Club has already been dealt with: it is now published"
        assert timings["second_finished"] >= timings["first_committed"]
        listing.refresh_from_db()
        assert listing.status == Status.PUBLISHED

    def test_two_staff_deciding_on_the_same_changes_at_once(self, people):
        listing, revision = live_listing_with_revision(people)
        colleague = make_user("colleague@council.example")
        StaffMembership.objects.create(user=colleague, council=listing.council)
        start = threading.Barrier(2)
        results = {}

        def approve():
            start.wait()
            listings.approve_revision(revision=revision, by=people.staff)

        def reject():
            start.wait()
            listings.reject_revision(revision=revision, by=colleague, reason="Wrong number")

        threads = [_in_thread(approve, results, "approve"), _in_thread(reject, results, "reject")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

        assert sorted(r == "done" for r in results.values()) == [False, True]
        loser = next(r for r in results.values() if r != "done")
        assert "already been dealt with" in str(loser)
        assert ListingEvent.objects.filter(revision=revision).count() == 1


@pytest.mark.django_db
class TestStaffDoNotApproveTheirOwn:
    @pytest.mark.parametrize("decision", ["approve_listing", "mark_reviewed"])
    def test_staff_cannot_approve_or_review_an_enterprise_they_belong_to(self, people, decision):
        listing = listing_in(Status.SUBMITTED if decision == "approve_listing" else Status.PUBLISHED, people)
        listing.members.add(people.staff)

        with pytest.raises(TransitionError, match="because you belong to it. Ask a colleague"):
            getattr(listings, decision)(enterprise=listing, by=people.staff)

        listing.refresh_from_db()
        assert not listing.events.exists() and not listing.checks.exists()

    def test_staff_cannot_approve_changes_to_an_enterprise_they_belong_to(self, people):
        listing, revision = live_listing_with_revision(people)
        listing.members.add(people.staff)

        with pytest.raises(TransitionError, match="because you belong to it"):
            listings.approve_revision(revision=revision, by=people.staff)

        revision.refresh_from_db()
        assert revision.status == Revision.Status.PENDING


@pytest.mark.django_db
class TestAddress:
    def test_a_new_listings_address_is_the_same_shape_whether_or_not_its_name_is_taken(self, db):
        make_enterprise("Malvern Lunch Club", status=Status.SUBMITTED, slug="malvern-lunch-club")

        taken, free = listings.new_listing_slug("Malvern Lunch Club"), listings.new_listing_slug("Malvern Supper Club")

        assert re.fullmatch(r"malvern-lunch-club-[0-9a-f]{6}", taken)
        assert re.fullmatch(r"malvern-supper-club-[0-9a-f]{6}", free)

    def test_publishing_keeps_the_address_so_open_pages_and_emailed_links_still_work(self, people):
        listing = listing_in(Status.SUBMITTED, people)
        before = listing.slug

        listings.approve_listing(enterprise=listing, by=people.staff, checks=ANY_TYPE_NEEDS)

        listing.refresh_from_db()
        assert listing.slug == before
