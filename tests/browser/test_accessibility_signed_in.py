"""The pages for providers and council staff, and the account pages, pass axe-core's WCAG 2.2 A and AA rules at
desktop and mobile widths, in each state they are checked in (as they first open, and with an error where the page
has one), with one h1 and a title of their own.

Each case: given a person (someone not signed in, a provider, or a member of the council's staff) on a page, at a
screen width, in a state, when axe-core checks the page, then it finds no violations, and the page has exactly one
h1 and a title of its own. The data is built once per page, and the page is opened afresh for each state and width.

Signed-in people get their session cookie from Django's test client (`force_login`): quicker than the sign-in page,
which the journeys in test_listing_journey.py use.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from accounts.services import confirmation_path, start_provider_sign_up
from core.models import OutgoingMessage
from enterprises import listings
from enterprises.events import book_place, publish_event
from enterprises.models import (
    AreaName,
    CostType,
    Delivery,
    Enterprise,
    EnterpriseCheck,
    Event,
    Invitation,
    Revision,
    StaffMembership,
    Synonym,
)
from enterprises.revisions import save_enterprise_details, save_service
from tests.browser.test_accessibility import (
    WIDTHS,
    describe,
    go,
    save_screenshot,
    then_it_has_one_h1_and_a_title_of_its_own,
    what_does_not_fit,
    when_axe_checks,
)
from tests.factories import (
    make_area,
    make_category,
    make_client_group,
    make_council,
    make_enterprise,
    make_postcode,
    make_service,
)

pytestmark = pytest.mark.browser

Status = Enterprise.Status
PASSWORD = "correct horse battery staple"
INVITATION_TOKEN = "an-invitation-for-the-browser-tests"


# Given: a council with listings in every state, its staff, and a provider ------------------------------------------


@dataclass(frozen=True)
class Listings:
    staff: object
    provider: object
    draft: Enterprise  # half finished: the submit page lists what is missing
    draft_service: str  # its service's key
    returned: Enterprise  # the council asked for changes; everything is filled in
    submitted: Enterprise  # in the council's queue
    published: Enterprise  # review overdue, insurance expiring, and changes sent for approval
    revision: Revision  # those changes
    editing: Enterprise  # published, with changes not sent yet


def build_listings(make_person) -> Listings:
    today = timezone.localdate()
    council = make_council("Worcestershire County Council")
    malvern = make_area("Malvern", 377800, 245900, council)
    make_area("Upton-upon-Severn", 384900, 240600, council)
    make_postcode("WR14 4AA", 377500, 245800)
    day_clubs, home_help = make_category("Day clubs"), make_category("Home help")
    older_people = make_client_group("Older people")
    make_client_group("Carers")

    staff = make_person("priya.shah@worcestershire.example", PASSWORD, "Priya")
    StaffMembership.objects.create(user=staff, council=council)
    provider = make_person("jean@example.org", PASSWORD, "Jean")
    complete = {
        "contact_name": "Jean Morgan", "phone": "01684 560123", "email": "jean@example.org",
        "insurance_expires_on": today + timedelta(days=200), "dbs_answer": Enterprise.DbsAnswer.ALL_CHECKED,
        "has_safeguarding_policy": True, "legal_form": Enterprise.LegalForm.UNINCORPORATED,
    }

    def listing(name, **fields):
        enterprise = make_enterprise(name, status=Status.DRAFT, council=council, **{**complete, **fields})
        enterprise.members.add(provider)
        service = make_service(
            f"{name} service", enterprise=enterprise, summary="Company, a cup of tea and a chat.",
            categories=[day_clubs], client_groups=[older_people], delivery=[Delivery.VENUE, Delivery.HOME],
            venue_name="Priory Church Hall", venue_address="1 Church Street\nMalvern", venue_postcode="WR14 4AA",
            venue_easting=377500, venue_northing=245800, coverage_areas=[malvern], cost_type=CostType.PER_SESSION,
            cost_amount=4, ways_to_pay=["self_funded"], days=["tue"],
        )
        return enterprise, service

    draft = make_enterprise("Malvern Lunch Club", status=Status.DRAFT, council=council, summary="")
    draft.members.add(provider)
    draft_service = make_service("Thursday Lunch", enterprise=draft, categories=[home_help], cost_type="")

    returned, _ = listing("Upton Sitters")
    listings.submit_listing(enterprise=returned, by=provider)
    returned = listings.request_changes(enterprise=returned, by=staff, message="Please say what a session costs.")

    submitted, _ = listing("Pershore Lunch Club")
    submitted = listings.submit_listing(enterprise=submitted, by=provider)

    def published_listing(name):
        enterprise, service = listing(name)
        listings.submit_listing(enterprise=enterprise, by=provider)
        checks = [EnterpriseCheck.Kind.INSURANCE, EnterpriseCheck.Kind.DBS, EnterpriseCheck.Kind.SAFEGUARDING]
        listings.approve_listing(enterprise=enterprise, by=staff, checks=checks,
                                 review_due_on=today + timedelta(days=365))
        enterprise.refresh_from_db()  # the transitions change their own copy of it
        return enterprise, service

    published, service = published_listing("Evesham Befrienders")
    published.review_due_on, published.insurance_expires_on = today - timedelta(days=10), today + timedelta(days=10)
    published.save()
    save_service(published, by=provider, key=str(service.pk),
                 values={"description": "We visit people at home for a chat.\n\nWe also run a monthly tea party."})
    save_enterprise_details(published, by=provider, values={"phone": "01386 000111"})
    revision = published.revisions.get(status=Revision.Status.PENDING)
    listings.submit_revision(revision=revision, by=provider)

    editing, _ = published_listing("Droitwich Gardeners")
    save_enterprise_details(editing, by=provider, values={"summary": "Garden help for older people in Droitwich."})

    undated = make_enterprise("Bredon Befrienders", council=council)  # published: no review date, no insurance date
    make_service("Bredon visits", enterprise=undated, categories=[day_clubs])

    Invitation.objects.create(
        email="new.officer@worcestershire.example", role=Invitation.Role.STAFF, council=council, token=INVITATION_TOKEN,
        invited_by=staff, expires_at=timezone.now() + timedelta(days=14),
    )
    AreaName.objects.create(area=malvern, name="Great Malvern Priory", easting=377600, northing=245900)
    OutgoingMessage.objects.create(  # an email the mail server never took, to an address too long for a phone
        kind="listing_changes_requested", to="the.secretary.of.the.sitters@upton-upon-severn-community-sitters.example",
        council_id=council.pk, status=OutgoingMessage.Status.FAILED, attempts=31, failed_at=timezone.now(),
        last_error="SMTPServerDisconnected: Connection unexpectedly closed: timed out",
    )
    Synonym.objects.create(council=council, words="day centre", also_find="day club")
    Synonym.objects.create(  # words long enough to wrap on a phone
        council=council, words="community-transport-dial-a-ride-for-wheelchair-users",
        also_find='"accessible minibus" or "door to door transport"',
    )
    starts = timezone.make_aware(datetime.combine(today + timedelta(days=10), time(10)))
    course = publish_event(council=council, by=staff, kind=Event.Kind.COURSE, title="Safeguarding basics for "
                           "providers who work with older people at home", description="What to do when you are "
                           "worried about someone.\n\nFor anyone who visits people at home.", starts_at=starts,
                           online=False, venue="The Guildhall, High Street, Worcester WR1 2EY", places=1)
    book_place(event=course, person=provider)
    book_place(event=course, person=another_provider(council))
    publish_event(council=council, by=staff, kind=Event.Kind.MEETUP, title="Providers’ coffee morning",
                  description="Meet other providers.", starts_at=starts + timedelta(days=7), online=True,
                  link="https://meet.example.org/a-very-long-meeting-link-for-the-providers-coffee-morning-1234567890",
                  places=20)
    past = publish_event(council=council, by=staff, kind=Event.Kind.COURSE, title="First aid", description="First aid.",
                         starts_at=starts + timedelta(days=1), online=False, venue="Malvern Library", places=5)
    book_place(event=past, person=provider)
    Event.objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(days=2))
    return Listings(staff, provider, draft, str(draft_service.pk), returned, submitted, published, revision, editing)


def another_provider(council):
    """Tom runs another of the council's listings: he waits for a place on the full course."""
    person = User.objects.create_user(username="tom@example.org", email="tom@example.org", first_name="Tom")
    make_enterprise("Tenbury Walkers", council=council).members.add(person)
    return person


User = get_user_model()


# Given: the pages, each opened in the states it is checked in -------------------------------------------------------

Open = Callable[[Page, Listings], None]


@dataclass(frozen=True)
class AccountPage:
    """A page of the accounts, provider or council parts of the site, and who opens it."""

    name: str
    who: str  # "visitor" (not signed in), "provider" or "staff"
    open: Open
    error: Open | None = None  # the page showing an error, where it can have one
    states: dict[str, Open] = field(init=False)

    def __post_init__(self):
        states = {"as it opens": self.open}
        if self.error is not None:
            states["with an error"] = self.error
        object.__setattr__(self, "states", states)

    def __str__(self):
        return self.name


def press(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def then_it_shows_an_error(page: Page) -> None:
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary a").first).to_be_visible()


def opened(path: Callable[[Listings], str], status: int = 200, showing: str = "") -> Open:
    """The page at `path`, answering `status`, and (to be sure it is in the state meant) showing `showing`."""

    def open_it(page: Page, world: Listings) -> None:
        go(page, path(world), status)
        if showing:
            expect(page.get_by_text(showing, exact=True).first).to_be_visible()

    return open_it


def sent_with(path: Callable[[Listings], str], answers: dict[str, str], button: str) -> Open:
    """The page at `path`, sent with `answers` typed in (by label): it comes back with errors."""

    def open_it(page: Page, world: Listings) -> None:
        go(page, path(world))
        for label, value in answers.items():
            page.get_by_label(label, exact=True).fill(value)
        press(page, button)
        then_it_shows_an_error(page)

    return open_it


def on_task_list(listing: str, then: str = "") -> Callable[[Listings], str]:
    """The task list of one of the provider's listings (`Listings.draft`, …), or a page under it."""
    return lambda world: f"/provider/listings/{getattr(world, listing).slug}/{then}"


def task(name: str) -> Callable[[Listings], str]:
    return on_task_list("draft", name)


def service_task(name: str) -> Callable[[Listings], str]:
    return lambda world: f"/provider/listings/{world.draft.slug}/services/{world.draft_service}/{name}"


def reset_link(world: Listings) -> str:
    user = world.provider
    user.refresh_from_db()
    return f"/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{default_token_generator.make_token(user)}/"


def password_reset_sent(page: Page, world: Listings) -> None:
    go(page, "/password-reset/")
    page.get_by_label("Email address").fill(world.provider.email)
    press(page, "Send the link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def listed_and_told_to_check_email(page: Page, world: Listings) -> None:
    go(page, "/list-your-enterprise/")
    page.get_by_label("Your full name").fill("Nia New")
    page.get_by_label("Email address").fill("nia@evesham-walkers.example")
    page.get_by_label("Create a password").fill("a long browser test password")
    page.get_by_label("Confirm your password").fill("a long browser test password")
    page.get_by_label("Name of your enterprise").fill("Evesham Walkers")
    page.get_by_label("What does your enterprise do?").fill("Walks for older people in Evesham.")
    press(page, "Create your account and start your listing")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def confirmation_page(page: Page, world: Listings) -> None:
    start_provider_sign_up(name="Nia New", email="nia@pershore-walkers.example", password="a long browser password",
                           enterprise_name="Pershore Walkers", council=world.draft.council)
    go(page, confirmation_path(User.objects.get(email="nia@pershore-walkers.example")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")


def new_password_page(page: Page, world: Listings) -> None:
    go(page, reset_link(world))  # which takes the token out of the address, into the session
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")


def new_passwords_that_differ(page: Page, world: Listings) -> None:
    new_password_page(page, world)
    page.get_by_label("New password", exact=True).fill("a brand new password")
    page.get_by_label("Confirm your new password", exact=True).fill("another new password")
    press(page, "Save your new password")
    then_it_shows_an_error(page)


def a_wrong_password(page: Page, world: Listings) -> None:
    go(page, "/sign-in/")
    page.get_by_label("Email address").fill(world.provider.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    press(page, "Sign in")
    then_it_shows_an_error(page)


def sent_with_things_missing(page: Page, world: Listings) -> None:
    """The page has no button while things are missing, but a copy opened before they went missing still sends it."""
    go(page, task("submit/")(world))
    with page.expect_navigation():
        page.evaluate("""() => {
            const form = document.createElement("form");
            form.method = "post";
            form.append(document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode());
            document.body.append(form);
            form.submit();
        }""")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and send your listing")
    then_it_shows_an_error(page)


def summary_too_long(page: Page, world: Listings) -> None:
    go(page, task("about/")(world))
    page.get_by_label("Name of your enterprise").fill("")
    page.get_by_label("Summary").fill("A lunch club. " * 30)
    press(page, "Save and continue")
    then_it_shows_an_error(page)


def end_before_start(page: Page, world: Listings) -> None:
    go(page, service_task("when/")(world))
    page.get_by_label("Start time").fill("3pm")
    page.get_by_label("End time").fill("10am")
    press(page, "Save and continue")
    then_it_shows_an_error(page)


def a_date_that_does_not_exist(page: Page, world: Listings) -> None:
    go(page, task("documents/")(world))
    expiry = page.get_by_role("group", name="When does your public liability insurance run out?")
    for label, value in {"Day": "31", "Month": "2", "Year": str(timezone.localdate().year + 1)}.items():
        expiry.get_by_label(label).fill(value)
    press(page, "Save and continue")
    then_it_shows_an_error(page)


def just_saved_a_change(page: Page, world: Listings) -> None:
    """A change to a published listing just saved: the task list says it is saved but not sent, with the button."""
    go(page, on_task_list("editing", "contact/")(world))
    page.get_by_label("Phone number").fill("01905 000222")
    press(page, "Save and continue")
    expect(page.get_by_text("Saved. Send your changes for approval when you are ready")).to_be_visible()


def changes_just_withdrawn(page: Page, world: Listings) -> None:
    """Changes sent for approval, just withdrawn (sent again first when an earlier width withdrew them)."""
    pending = world.published.revisions.get(status=Revision.Status.PENDING)
    if pending.submitted_at is None:
        listings.submit_revision(revision=pending, by=world.provider)
    go(page, on_task_list("published")(world))
    press(page, "Withdraw your changes")
    expect(page.get_by_text("Your changes are withdrawn", exact=False)).to_be_visible()


def an_import(world: Listings, *, confirmed: bool = False) -> str:
    """A council import's page: its dry run (a new service, one like a listing the council has, a bad row), or once
    confirmed, what it did."""
    from opendata import importer
    from opendata.models import DirectoryImport

    rows = importer.read_csv(
        "Service name,Provider,Venue postcode\nKnit and Natter,Droitwich Knitters,WR1 2EY\n"
        "Lunch,Malvern Lunch Club,\n,A provider whose spreadsheet row has no service name at all,\n".encode()
    )
    done = {"confirmed_at": timezone.now(), "result": {"created": 1, "updated": 0, "listings": 1}} if confirmed else {}
    upload = DirectoryImport.objects.create(
        council=world.staff.staff_membership.council, created_by=world.staff,
        source="the-old-directory-exported-from-our-previous-supplier.csv", rows=importer.rows_as_data(rows), **done,
    )
    return f"/council/import/{upload.pk}/"


def synonym_page(then: str) -> Callable[[Listings], str]:
    return lambda world: f"/council/words-people-use/{Synonym.objects.get(words='day centre').pk}/{then}"


def on_review(listing: str) -> Callable[[Listings], str]:
    return lambda world: f"/council/listings/{getattr(world, listing).slug}/"


def asked_for_changes_without_saying_what(page: Page, world: Listings) -> None:
    go(page, on_review("submitted")(world))
    press(page, "Send to the provider")
    then_it_shows_an_error(page)


def reviewed_with_a_date_in_the_past(page: Page, world: Listings) -> None:
    go(page, on_review("published")(world))
    section = page.get_by_role("region", name="Mark as reviewed")
    section.get_by_role("group", name="Next review date").get_by_label("Year").fill("2020")
    press(page, "Mark as reviewed")
    then_it_shows_an_error(page)


def approved_without_its_checks_or_a_reason(page: Page, world: Listings) -> None:
    go(page, on_review("submitted")(world))
    press(page, "Approve and publish")
    then_it_shows_an_error(page)


def changes_rejected_without_a_reason(page: Page, world: Listings) -> None:
    go(page, f"/council/revisions/{world.revision.pk}/")
    press(page, "Reject the changes")
    then_it_shows_an_error(page)


PAGES = [
    # Signing in, resetting a password, listing an enterprise, accepting an invitation
    AccountPage("sign in", "visitor", opened(lambda w: "/sign-in/"), a_wrong_password),
    AccountPage("reset your password", "visitor", opened(lambda w: "/password-reset/"),
                 sent_with(lambda w: "/password-reset/", {"Email address": "jean@"}, "Send the link")),
    AccountPage("password reset: check your email", "visitor", password_reset_sent),
    AccountPage("choose a new password", "visitor", new_password_page, new_passwords_that_differ),
    AccountPage("password reset link that does not work", "visitor",
                 opened(lambda w: "/reset/MQ/not-a-token/", showing="This link to reset your password does not work")),
    AccountPage("password changed", "visitor", opened(lambda w: "/reset/done/")),
    AccountPage("list your enterprise", "visitor", opened(lambda w: "/list-your-enterprise/"),
                 sent_with(lambda w: "/list-your-enterprise/", {"Email address": "jean@example.org"},
                           "Create your account and start your listing")),
    AccountPage("list your enterprise: check your email", "visitor", listed_and_told_to_check_email),
    AccountPage("list your enterprise: confirm your email address", "visitor", confirmation_page),
    AccountPage("list your enterprise: a confirmation link that does not work", "visitor",
                 opened(lambda w: "/list-your-enterprise/confirm/not-a-token/", status=404,
                        showing="This link does not work")),
    AccountPage("list another enterprise, signed in", "provider", opened(lambda w: "/list-your-enterprise/"),
                 sent_with(lambda w: "/list-your-enterprise/", {"Name of your enterprise": ""},
                           "Start your listing")),
    AccountPage("invite someone", "staff", opened(lambda w: "/invitations/new/"),
                 sent_with(lambda w: "/invitations/new/", {"Email address": "not an email address"},
                           "Send the invitation")),
    AccountPage("accept an invitation", "visitor",
                 opened(lambda w: f"/invitations/{INVITATION_TOKEN}/", showing="Create your account"),
                 sent_with(lambda w: f"/invitations/{INVITATION_TOKEN}/", {"Create a password": "short"},
                           "Create your account")),
    AccountPage("invitation that does not work", "visitor",
                 opened(lambda w: "/invitations/nonsense/", status=404, showing="This invitation link does not work")),
    # The provider's pages
    AccountPage("provider home", "provider", opened(lambda w: "/provider/", showing="Changes waiting for approval")),
    AccountPage("task list of a draft", "provider", opened(on_task_list("draft"), showing="Draft")),
    AccountPage("task list, changes asked for", "provider",
                 opened(on_task_list("returned"), showing="The council asked you to change your listing")),
    AccountPage("task list, changes waiting for approval", "provider",
                 opened(on_task_list("published"), showing="Changes waiting for approval")),
    AccountPage("task list, changes not sent", "provider",
                 opened(on_task_list("editing"), showing="Changes not sent yet")),
    AccountPage("task list, a change just saved", "provider", just_saved_a_change),
    AccountPage("task list, changes just withdrawn", "provider", changes_just_withdrawn),
    AccountPage("before you start", "provider", opened(task("before-you-start/"), showing="Before you start")),
    AccountPage("about your enterprise", "provider", opened(task("about/")), summary_too_long),
    AccountPage("contact details", "provider", opened(task("contact/")),
                 sent_with(task("contact/"), {"Phone number": "call me", "Email address": "jean@"},
                           "Save and continue")),
    AccountPage("documents", "provider", opened(task("documents/")), a_date_that_does_not_exist),
    AccountPage("yearly figures", "provider", opened(task("figures/")),
                 sent_with(task("figures/"), {"How many volunteers help you?": "lots"}, "Save")),
    AccountPage("add a service", "provider", opened(task("services/add/")),
                 sent_with(task("services/add/"), {"Summary": "A lunch club"}, "Save and continue")),
    AccountPage("service details", "provider", opened(service_task("")),
                 sent_with(service_task(""), {"Name of the service": ""}, "Save and continue")),
    AccountPage("where it works", "provider", opened(service_task("where/")),
                 sent_with(service_task("where/"), {"Postcode of the venue": "ZZ99 9ZZ",
                                                    "How far do you travel, in miles?": "five"}, "Save and continue")),
    AccountPage("costs and ways to pay", "provider", opened(service_task("costs/")),
                 sent_with(service_task("costs/"), {"Amount, in pounds": "a fiver"}, "Save and continue")),
    AccountPage("when it runs", "provider", opened(service_task("when/")), end_before_start),
    AccountPage("accessibility", "provider", opened(service_task("accessibility/")),
                 sent_with(service_task("accessibility/"), {"CQC registration number": "12345"}, "Save and continue")),
    AccountPage("remove a service", "provider", opened(service_task("remove/"))),
    AccountPage("send the listing, with things missing", "provider", opened(task("submit/"), showing="Still to do"),
                 sent_with_things_missing),
    AccountPage("check and send the listing", "provider",
                 opened(on_task_list("returned", "submit/"), showing="Now send your listing")),
    AccountPage("check and send changes", "provider",
                 opened(on_task_list("editing", "submit/"), showing="Now send your changes")),
    AccountPage("a listing that cannot be changed now", "provider",
                 opened(on_task_list("submitted", "about/"), status=403, showing="You cannot change this listing now")),
    AccountPage("a page for another role", "provider",
                 opened(lambda w: "/council/", status=403, showing="Only council staff can use this page.")),
    # The council's pages
    AccountPage("approval queue", "staff", opened(lambda w: "/council/", showing="Changes to a published listing")),
    AccountPage("all listings", "staff", opened(lambda w: "/council/listings/")),
    AccountPage("listings with one status", "staff", opened(lambda w: "/council/listings/?status=published")),
    AccountPage("review of a submitted listing", "staff", opened(on_review("submitted"), showing="Ask for changes"),
                 asked_for_changes_without_saying_what),
    AccountPage("review of a submitted listing, approving it", "staff",
                 opened(on_review("submitted"), showing="Approve and publish"),
                 approved_without_its_checks_or_a_reason),
    AccountPage("review of a published listing", "staff", opened(on_review("published"), showing="Mark as reviewed"),
                 reviewed_with_a_date_in_the_past),
    AccountPage("changes to a published listing", "staff",
                 opened(lambda w: f"/council/revisions/{w.revision.pk}/", showing="Approve the changes"),
                 changes_rejected_without_a_reason),
    AccountPage("reviews overdue", "staff",
                 opened(lambda w: "/council/review-overdue/", showing="Evesham Befrienders")),
    AccountPage("insurance expiring", "staff",
                 opened(lambda w: "/council/insurance-expiring/", showing="Evesham Befrienders")),
    AccountPage("no review date", "staff", opened(lambda w: "/council/no-review-date/", showing="Bredon Befrienders")),
    AccountPage("no insurance date", "staff",
                 opened(lambda w: "/council/no-insurance-date/", showing="Bredon Befrienders")),
    AccountPage("place names people search for", "staff",
                opened(lambda w: "/council/place-names/", showing="Great Malvern Priory"),
                sent_with(lambda w: "/council/place-names/", {"Place name": "WR14 4AA"}, "Add place name")),
    AccountPage("import listings", "staff", opened(lambda w: "/council/import/", showing="Import listings"),
                 sent_with(lambda w: "/council/import/", {}, "Check the file")),
    AccountPage("an import's dry run", "staff", opened(an_import, showing="Check the import")),
    AccountPage("an import done", "staff",
                 opened(lambda w: an_import(w, confirmed=True), showing="See what is waiting for approval")),
    AccountPage("events for providers", "staff", opened(lambda w: "/council/events/", showing="First aid")),
    AccountPage("publish an event", "staff", opened(lambda w: "/council/events/new/"),
                sent_with(lambda w: "/council/events/new/", {"Number of places": "lots", "Start time": "25:00"},
                          "Publish event")),
    AccountPage("an event, who booked and who waits", "staff",
                opened(lambda w: f"/council/events/{event_called('Safeguarding')}/", showing="Waiting list")),
    AccountPage("an event, who attended", "staff",
                opened(lambda w: f"/council/events/{event_called('First aid')}/", showing="Save who attended")),
    AccountPage("courses and meet-ups", "provider",
                opened(lambda w: "/provider/events/", showing="Providers’ coffee morning")),
    AccountPage("messages that could not be sent", "staff",
                 opened(lambda w: "/council/messages-not-sent/", showing="Listing changes requested (email)")),
    AccountPage("words people use", "staff", opened(lambda w: "/council/words-people-use/", showing="day club")),
    AccountPage("add a synonym", "staff", opened(lambda w: "/council/words-people-use/add/?words=respite"),
                 sent_with(lambda w: "/council/words-people-use/add/", {"Words people search for": "the"},
                           "Save the synonym")),
    AccountPage("change a synonym", "staff", opened(synonym_page("")),
                 sent_with(synonym_page(""), {"Also find services that match": ""}, "Save the synonym")),
    AccountPage("delete a synonym", "staff", opened(synonym_page("delete/"), showing="Delete the synonym")),
]


def event_called(title: str) -> int:
    return Event.objects.get(title__startswith=title).pk


def given_a_person_on(account_page: AccountPage, world: Listings, new_context, new_signed_in_context) -> Page:
    if account_page.who == "visitor":
        return new_context().new_page()
    return new_signed_in_context(getattr(world, account_page.who)).new_page()


# Then: no violations, one h1, a title, in every state at every width ----------------------------------------------


def problems_with(page: Page, name: str) -> list[str]:
    save_screenshot(page, name)
    problems = []
    violations = when_axe_checks(page)
    if violations:
        problems.append(f"{len(violations)} axe-core violation(s):{describe(violations)}")
    try:
        then_it_has_one_h1_and_a_title_of_its_own(page)
    except AssertionError as error:
        problems.append(str(error).splitlines()[0])
    if not_fitting := what_does_not_fit(page):
        problems.append(not_fitting)
    return [f"{name}: {problem}" for problem in problems]


def problems_in_every_state(page: Page, account_page: AccountPage, world) -> list[str]:
    """Each state of the page at each width, checked: what was wrong, named by page, state and width."""
    problems = []
    for state, open_it in account_page.states.items():
        for width_name, width in WIDTHS.items():
            page.set_viewport_size(width)
            open_it(page, world)
            problems += problems_with(page, f"{account_page.name}, {state}, {width_name}")
    return problems


@pytest.mark.parametrize("account_page", PAGES, ids=str)
def test_a_page_for_providers_and_staff_has_no_wcag_violations_one_h1_and_a_title(
    new_context, new_signed_in_context, make_person, account_page
):
    with transaction.atomic():  # one commit instead of a hundred
        world = build_listings(make_person)
    page = given_a_person_on(account_page, world, new_context, new_signed_in_context)

    problems = problems_in_every_state(page, account_page, world)

    assert not problems, "\n\n".join(problems)
