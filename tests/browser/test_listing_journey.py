"""A new provider lists their enterprise, the council asks for a change, approves it, and later approves an edit.

Three people, each in their own browser: the provider, a member of the council's staff, and a resident who
searches the public directory. The provider creates their account and a draft listing from the footer's
"List your enterprise", fills in the task list and sends it; staff ask for a change; the provider makes it and
sends the listing again; staff approve it, recording their checks, and the resident finds it by its words, with
the insurance check dated today. Then the provider changes the service's description: the public keeps seeing the
old text until staff approve the change.

The whole journey runs twice: with JavaScript on, and with it off (every page must work without it).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.dates import long_date
from enterprises.models import StaffMembership
from tests.factories import make_category, make_client_group, make_council, make_postcode
from tests.queue_worker import deliver_queued

pytestmark = pytest.mark.browser

JAVASCRIPT = {"javascript on": True, "javascript off": False}

COUNCIL = "Worcestershire County Council"
STAFF_EMAIL = "priya.shah@worcestershire.example"
PASSWORD = "correct horse battery staple"

PROVIDER_NAME = "Jean Morgan"
PROVIDER_EMAIL = "jean@malvern-singers.example"
ENTERPRISE = "Malvern Hills Singers"
SERVICE = "Tuesday Singalong"
SEARCH_WORDS = "singalong"
VENUE_POSTCODE = "WR14 4AA"
OLD_DESCRIPTION = "We sing old favourites together, then stay for tea and cake."
NEW_DESCRIPTION = "We sing old favourites and learn a new song each week, then stay for tea and cake."
CHANGE_REQUEST = "Please tell people which day the singalong meets, and at what time."


# Given: a council, with its types of support and a member of staff ------------------------------------------------


@dataclass(frozen=True)
class People:
    provider: Page
    staff: Page
    resident: Page


def given_a_council_with_a_member_of_staff(make_person) -> None:
    with transaction.atomic():
        council = make_council(COUNCIL)
        make_council("Herefordshire Council")  # so that the sign-up form asks which council
        make_category("Day clubs")
        make_category("Social groups")
        make_client_group("Older people")
        make_client_group("Carers")
        make_postcode(VENUE_POSTCODE, 377500, 245800)
        StaffMembership.objects.create(user=make_person(STAFF_EMAIL, PASSWORD, "Priya"), council=council)


def given_three_people_in_their_own_browsers(new_context, javascript: bool) -> People:
    people = People(*(new_context(java_script_enabled=javascript).new_page() for _ in range(3)))
    people.provider.goto("/")
    # GOV.UK Frontend marks the body once its JavaScript runs: proof that JavaScript really is on, or off.
    supported = re.compile(r"\bgovuk-frontend-supported\b")
    if javascript:
        expect(people.provider.locator("body")).to_have_class(supported)
    else:
        expect(people.provider.locator("body")).not_to_have_class(supported)
    return people


# Steps that any of them take ---------------------------------------------------------------------------------------


def fill(page: Page, answers: dict[str, str]) -> None:
    for label, value in answers.items():
        page.get_by_label(label, exact=True).fill(value)


def check(page: Page, *labels: str) -> None:
    for label in labels:
        page.get_by_label(label, exact=True).check()


def press(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def then_they_are_told(page: Page, message: str) -> None:
    expect(page.get_by_role("alert")).to_contain_text(message)


def then_the_heading_is(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def when_they_sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in/")
    fill(page, {"Email address": email, "Password": PASSWORD})
    press(page, "Sign in")


# The provider's steps ----------------------------------------------------------------------------------------------


def when_they_choose_to_list_their_enterprise(page: Page) -> None:
    page.get_by_role("contentinfo").get_by_role("link", name="List your enterprise").click()
    then_the_heading_is(page, "List your enterprise")


def when_they_create_their_account_and_a_draft_listing(page: Page) -> None:
    fill(page, {
        "Your full name": PROVIDER_NAME,
        "Email address": PROVIDER_EMAIL,
        "Create a password": PASSWORD,
        "Confirm your password": PASSWORD,
        "Name of your enterprise": ENTERPRISE,
    })
    page.get_by_label("Which council area do you work in?").select_option(label=COUNCIL)
    fill(page, {"What does your enterprise do?": "A singing group for older people and carers in Malvern."})
    press(page, "Create your account and start your listing")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")


def when_they_confirm_their_email_address(page: Page) -> None:
    deliver_queued()  # what the worker does at once
    links = re.findall(r"https?://[^\s/]+(/list-your-enterprise/confirm/[^\s/]+/)", mail.outbox[-1].body)
    assert mail.outbox[-1].to == [PROVIDER_EMAIL] and len(links) == 1
    page.goto(links[0])
    press(page, "Confirm and continue")
    then_they_are_told(page, "Your email address is confirmed, and your listing is saved as a draft")
    then_the_heading_is(page, ENTERPRISE)


def when_they_open_the_task(page: Page, task: str) -> None:
    page.get_by_role("link", name=task, exact=True).click()


def when_they_save(page: Page, saved: str) -> None:
    press(page, "Save and continue")
    then_they_are_told(page, f"{saved} saved")


def when_they_fill_in_the_task_list(page: Page, insurance_expires_on: date) -> None:
    when_they_open_the_task(page, "About your enterprise")
    fill(page, {"Description": "We have met every week since 2019. Everyone is welcome, whatever their voice."})
    check(page, "Unincorporated group")
    when_they_save(page, "About your enterprise")

    when_they_open_the_task(page, "Contact details")
    fill(page, {"Contact person": PROVIDER_NAME, "Phone number": "01684 560123", "Email address": PROVIDER_EMAIL})
    when_they_save(page, "Contact details")

    page.get_by_role("button", name="Add a service").click()  # a link that looks like a button
    then_the_heading_is(page, "Add a service")
    fill(page, {"Name of the service": SERVICE, "Summary": "An afternoon of singing, for everyone.",
                "Description": OLD_DESCRIPTION})
    check(page, "Social groups", "Older people", "Carers", "At a venue")
    when_they_save(page, SERVICE)

    when_they_open_the_task(page, "Where it works")
    fill(page, {"Name of the venue": "Priory Church Hall", "Address of the venue": "1 Church Street\nMalvern",
                "Postcode of the venue": VENUE_POSTCODE.lower().replace(" ", "")})
    when_they_save(page, f"Where it works for {SERVICE}")

    when_they_open_the_task(page, "Costs and ways to pay")
    check(page, "An amount per session")
    fill(page, {"Amount, in pounds": "£3.50"})
    check(page, "Paying for yourself")
    when_they_save(page, f"Costs and ways to pay for {SERVICE}")

    when_they_open_the_task(page, "Documents the council asks for")
    expiry = page.get_by_role("group", name="When does your public liability insurance run out?")
    expiry.get_by_label("Day").fill(str(insurance_expires_on.day))
    expiry.get_by_label("Month").fill(str(insurance_expires_on.month))
    expiry.get_by_label("Year").fill(str(insurance_expires_on.year))
    check(page, "Yes, everyone who works with people has a DBS check")
    page.get_by_role("group", name="Do you have a safeguarding policy?").get_by_label("Yes", exact=True).check()
    when_they_save(page, "Documents the council asks for")


def then_every_task_is_completed(page: Page) -> None:
    for task in ["About your enterprise", "Contact details", "Documents the council asks for", "Service details",
                 "Where it works", "Costs and ways to pay"]:
        status = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=task, exact=True))
        expect(status.locator(".govuk-task-list__status")).to_have_text("Completed")


def when_they_send_their_listing_to_the_council(page: Page) -> None:
    page.get_by_role("button", name="Check and send your listing").click()
    then_the_heading_is(page, "Check and send your listing")
    expect(page.get_by_role("heading", name=SERVICE)).to_be_visible()
    press(page, "Send to the council")
    then_they_are_told(page, "Your listing has been sent to the council")
    expect(page.get_by_role("heading", name="Your listing is with the council")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_have_count(1)


def then_they_see_what_the_council_asked(page: Page) -> None:
    page.reload()
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("The council asked you to change your listing")
    expect(banner).to_contain_text(CHANGE_REQUEST)


def when_they_say_when_the_service_runs(page: Page) -> None:
    when_they_open_the_task(page, "When it runs")
    check(page, "Tuesday")
    fill(page, {"Start time": "2pm", "End time": "3:30pm"})
    when_they_save(page, f"When it runs for {SERVICE}")


def when_they_change_the_description(page: Page) -> None:
    page.reload()
    when_they_open_the_task(page, "Service details")
    expect(page.get_by_label("Description", exact=True)).to_have_value(OLD_DESCRIPTION)
    fill(page, {"Description": NEW_DESCRIPTION})
    press(page, "Save and continue")
    then_they_are_reminded_to_send_their_changes(page)


def then_they_are_reminded_to_send_their_changes(page: Page) -> None:
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("Saved. Send your changes for approval when you are ready")
    expect(banner.get_by_role("button", name="Check and send your changes")).to_be_visible()
    expect(page.locator(".govuk-notification-banner--success")).to_have_count(0)


def when_they_send_their_changes(page: Page) -> None:
    page.get_by_role("button", name="Check and send your changes").click()
    then_the_heading_is(page, "Check and send your changes")
    expect(page.get_by_role("table", name="What you have changed")).to_contain_text(NEW_DESCRIPTION)
    press(page, "Send changes for approval")
    then_they_are_told(page, "Your changes have been sent to the council for approval")


# The council's steps -----------------------------------------------------------------------------------------------


def when_staff_open_from_the_queue(page: Page, what: str) -> None:
    page.goto("/council/")
    then_the_heading_is(page, "Waiting for approval")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=ENTERPRISE, exact=True))
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(1)).to_have_text(what)
    row.get_by_role("link", name=ENTERPRISE, exact=True).click()
    then_the_heading_is(page, ENTERPRISE)


def when_staff_ask_for_changes(page: Page) -> None:
    when_staff_open_from_the_queue(page, "New listing")
    fill(page, {"What the provider needs to change": CHANGE_REQUEST})
    press(page, "Send to the provider")
    then_they_are_told(page, f"You asked {ENTERPRISE} for changes")


def when_staff_approve_it_with_their_checks(page: Page) -> None:
    when_staff_open_from_the_queue(page, "New listing")
    approve = page.get_by_role("region", name="Approve and publish")
    for check_made in ["Public liability insurance", "DBS checks", "Safeguarding policy"]:
        approve.get_by_label(re.compile(rf"{check_made} \(the provider says")).check()
    press(page, "Approve and publish")
    then_they_are_told(page, f"{ENTERPRISE} is published")


def when_staff_approve_the_changes(page: Page) -> None:
    when_staff_open_from_the_queue(page, "Changes to a published listing")
    changes = page.get_by_role("table", name="What changes")
    row = changes.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Description"))
    expect(row).to_contain_text(OLD_DESCRIPTION)
    expect(row).to_contain_text(NEW_DESCRIPTION)
    press(page, "Approve the changes")
    then_they_are_told(page, f"The changes to {ENTERPRISE} are live")


# The resident's steps ----------------------------------------------------------------------------------------------


def when_a_resident_searches_for_its_words(page: Page) -> None:
    page.goto("/")
    page.get_by_label("What are you looking for?").fill(SEARCH_WORDS)
    press(page, "Search")
    found = page.locator(".app-result h2")
    expect(found).to_have_text([SERVICE])
    found.get_by_role("link", name=SERVICE).click()
    then_the_heading_is(page, SERVICE)


def then_the_public_page_says(page: Page, shown: str, not_shown: str) -> None:
    page.reload()
    then_the_heading_is(page, SERVICE)
    expect(page.get_by_text(shown)).to_be_visible()
    expect(page.get_by_text(not_shown)).to_have_count(0)


# The journey -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_a_provider_lists_their_enterprise_and_the_council_approves_it_and_then_their_changes(
    new_context, make_person, javascript
):
    given_a_council_with_a_member_of_staff(make_person)
    people = given_three_people_in_their_own_browsers(new_context, javascript)
    provider, staff, resident = people.provider, people.staff, people.resident
    today = timezone.localdate()

    when_they_choose_to_list_their_enterprise(provider)
    when_they_create_their_account_and_a_draft_listing(provider)
    when_they_confirm_their_email_address(provider)
    when_they_fill_in_the_task_list(provider, insurance_expires_on=today + timedelta(days=200))
    then_every_task_is_completed(provider)
    when_they_send_their_listing_to_the_council(provider)

    when_they_sign_in(staff, STAFF_EMAIL)
    then_the_heading_is(staff, "Waiting for approval")
    when_staff_ask_for_changes(staff)

    then_they_see_what_the_council_asked(provider)
    when_they_say_when_the_service_runs(provider)
    when_they_send_their_listing_to_the_council(provider)

    when_staff_approve_it_with_their_checks(staff)

    when_a_resident_searches_for_its_words(resident)
    expect(resident.get_by_text(f"Insurance checked {long_date(today)}")).to_be_visible()
    then_the_public_page_says(resident, shown=OLD_DESCRIPTION, not_shown=NEW_DESCRIPTION)

    when_they_change_the_description(provider)
    then_the_public_page_says(resident, shown=OLD_DESCRIPTION, not_shown=NEW_DESCRIPTION)
    when_they_send_their_changes(provider)
    then_the_public_page_says(resident, shown=OLD_DESCRIPTION, not_shown=NEW_DESCRIPTION)

    when_staff_approve_the_changes(staff)
    then_the_public_page_says(resident, shown=NEW_DESCRIPTION, not_shown=OLD_DESCRIPTION)
