"""Dora wants to start a knit-and-natter group and asks the council for help; Priya, the council's local catalyst,
talks with her, and then records that it started as a listing. Dora is told of each move.

Dora, signed in to nothing, follows "Start a community micro-enterprise" from the home page, reads what the council
offers and sends her idea, first forgetting her name and the consent box: the error summary takes her to each, and
what she typed is still there. Priya signs in through the real sign-in page, opens the enquiries from the council's
pages, opens Dora's (her details are there), marks it "Talking", is told a reason is needed to mark it not going
ahead, and then marks it started as the listing it became. Each move queues one email to Dora with the reference.

Each test runs twice: with JavaScript on, and with it off (every page must work without it).
"""

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from core.models import OutgoingMessage
from enterprises.models import Enquiry, StaffMembership
from tests.browser.test_listing_journey import (
    JAVASCRIPT,
    PASSWORD,
    check,
    fill,
    press,
    then_the_heading_is,
    then_they_are_told,
    when_they_sign_in,
)
from tests.factories import make_area, make_council, make_enterprise

pytestmark = pytest.mark.browser

STAFF_EMAIL = "priya.shah@worcestershire.example"
LISTING = "Malvern Knit and Natter"
IDEA = "A knit-and-natter afternoon in the church hall, with tea and cake."
WHO = "Older people living on their own"
DORA = "Dora Sampleton"
DORA_EMAIL = "dora@example.com"
CONSENT = "I agree that the council may contact me about my idea"


def given_a_council_with_areas_a_catalyst_and_a_new_listing(make_person) -> None:
    with transaction.atomic():
        council = make_council("Worcestershire County Council")
        make_area("Malvern", 377800, 245900, council)
        make_area("Worcester", 385000, 255000, council)
        StaffMembership.objects.create(user=make_person(STAFF_EMAIL, PASSWORD, "Priya"), council=council)
        make_enterprise(LISTING, council=council)


def when_dora_follows_the_link_from_the_home_page(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Start a community micro-enterprise", exact=True).click()
    then_the_heading_is(page, "Start a community micro-enterprise")
    expect(page.get_by_role("heading", name="What the council offers")).to_be_visible()


def when_she_sends_her_idea_without_her_name_or_consent(page: Page) -> None:
    fill(page, {"What is your idea?": IDEA, "Who would it support?": WHO,
                "Email address (optional if you give a phone number)": DORA_EMAIL})
    page.get_by_label("Where would it be?", exact=True).select_option(label="Malvern")
    press(page, "Send your idea")


def then_the_summary_takes_her_to_each_thing_missing_keeping_what_she_typed(page: Page) -> None:
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    summary.get_by_role("link", name="Enter your name").click()
    expect(page.get_by_label("Your name", exact=True)).to_be_focused()
    expect(page.get_by_label(CONSENT, exact=True)).not_to_be_checked()
    expect(page.locator("#id_consent-error")).to_contain_text("Tick the box to agree")
    expect(page.get_by_label("What is your idea?", exact=True)).to_have_value(IDEA)
    expect(page.get_by_label("Where would it be?", exact=True).locator("option:checked")).to_have_text("Malvern")


def when_she_gives_them_and_sends_it(page: Page) -> None:
    fill(page, {"Your name": DORA})
    check(page, CONSENT)
    press(page, "Send your idea")
    expect(page.get_by_role("heading", name="We have your idea")).to_be_visible()
    expect(page.locator(".govuk-panel")).to_contain_text(Enquiry.objects.get().reference)


def when_priya_opens_the_enquiry_from_the_council_pages(page: Page) -> Enquiry:
    when_they_sign_in(page, STAFF_EMAIL)
    then_the_heading_is(page, "Waiting for approval")
    page.get_by_role("link", name="Enquiries", exact=True).click()
    then_the_heading_is(page, "Enquiries about starting a micro-enterprise")
    enquiry = Enquiry.objects.get()
    row = page.get_by_role("row").filter(has_text=enquiry.reference)
    expect(row).to_contain_text("Malvern")
    expect(row).to_contain_text("New")
    row.get_by_role("link", name=enquiry.reference).click()
    then_the_heading_is(page, enquiry.reference)
    expect(page.get_by_text(DORA, exact=True)).to_be_visible()
    expect(page.get_by_text(IDEA, exact=True)).to_be_visible()
    return enquiry


def when_she_marks_it_talking(page: Page, enquiry: Enquiry) -> None:
    press(page, "Mark as talking")
    then_they_are_told(page, f"Enquiry {enquiry.reference} is now “Talking”")
    expect(page.locator("#enquiry-stage + .govuk-summary-list")).to_contain_text("Talking")


def then_not_going_ahead_needs_a_reason(page: Page) -> None:
    press(page, "Mark as not going ahead")
    summary = page.locator(".govuk-error-summary")
    summary.get_by_role("link", name="Enter why it is not going ahead").click()
    expect(page.get_by_label("Why is it not going ahead?", exact=True)).to_be_focused()


def when_she_marks_it_started_as_the_listing_it_became(page: Page, enquiry: Enquiry) -> None:
    page.get_by_label("Which listing did it become?", exact=True).select_option(label=LISTING)
    press(page, "Mark as started")
    then_they_are_told(page, f"Enquiry {enquiry.reference} has started as {LISTING}")
    expect(page.get_by_role("link", name=LISTING, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Mark as started")).to_have_count(0)


def then_dora_was_told_of_each_move_by_its_reference_only(enquiry: Enquiry) -> None:
    messages = list(OutgoingMessage.objects.order_by("pk"))
    assert [(message.to, message.kind) for message in messages] == [
        (DORA_EMAIL, "enquiry_talking"), (DORA_EMAIL, "enquiry_started")]
    assert all(enquiry.reference in message.subject and DORA not in message.body for message in messages)


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_someone_sends_an_idea_and_the_catalyst_moves_it_to_started(new_context, make_person, javascript):
    given_a_council_with_areas_a_catalyst_and_a_new_listing(make_person)
    dora = new_context(java_script_enabled=javascript).new_page()

    when_dora_follows_the_link_from_the_home_page(dora)
    when_she_sends_her_idea_without_her_name_or_consent(dora)
    then_the_summary_takes_her_to_each_thing_missing_keeping_what_she_typed(dora)
    when_she_gives_them_and_sends_it(dora)

    priya = new_context(java_script_enabled=javascript).new_page()
    enquiry = when_priya_opens_the_enquiry_from_the_council_pages(priya)
    when_she_marks_it_talking(priya, enquiry)
    then_not_going_ahead_needs_a_reason(priya)
    when_she_marks_it_started_as_the_listing_it_became(priya, enquiry)
    then_dora_was_told_of_each_move_by_its_reference_only(enquiry)
