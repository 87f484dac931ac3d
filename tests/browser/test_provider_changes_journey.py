"""A provider finds out what they need before they start, and changes a published listing without a maze.

Jean runs Malvern Hills Singers. With a new draft listing she reads what the council will ask for before she starts,
and answers it first. With her published listing she changes the phone number: the page tells her it is saved but
not sent, with the button to send it; she checks her changes (the documents and the accessibility answers are on
the check page too) and sends them, and the page tells her how long approval usually takes. Then she remembers the
hearing loop: she withdraws her changes, answers the question, and sends them again. Priya, at the council, approves
them, and a resident sees the new phone number.

Each journey runs twice: with JavaScript on, and with it off.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from enterprises import listings
from enterprises.models import CostType, Delivery, Enterprise, Revision, StaffMembership
from tests.factories import make_category, make_council, make_enterprise, make_postcode, make_service

pytestmark = pytest.mark.browser

JAVASCRIPT = {"javascript on": True, "javascript off": False}
PASSWORD = "correct horse battery staple"
OLD_PHONE, NEW_PHONE = "01684 560123", "01684 560999"


@dataclass(frozen=True)
class Jean:
    person: object
    council: object
    draft: Enterprise
    published: Enterprise
    priya: object


def given_jean_with_a_draft_and_a_published_listing(make_person) -> Jean:
    with transaction.atomic():
        council = make_council("Worcestershire County Council")
        singing = make_category("Social groups")
        venue = make_postcode("WR14 4AA", 377500, 245800)
        jean = make_person("jean@malvern-singers.example", PASSWORD, "Jean")
        priya = make_person("priya.shah@worcestershire.example", PASSWORD, "Priya")
        StaffMembership.objects.create(user=priya, council=council)
        draft = make_enterprise("Malvern Lunch Club", status=Enterprise.Status.DRAFT, council=council, summary="")
        published = make_enterprise(
            "Malvern Hills Singers", status=Enterprise.Status.PUBLISHED, council=council, phone=OLD_PHONE,
            insurance_expires_on=timezone.localdate() + timedelta(days=200),
            dbs_answer=Enterprise.DbsAnswer.ALL_CHECKED, has_safeguarding_policy=True,
        )
        for enterprise in (draft, published):
            enterprise.members.add(jean)
        make_service("Tuesday Singalong", enterprise=published, venue=venue, summary="Singing for everyone.",
                     categories=[singing], delivery=[Delivery.VENUE], cost_type=CostType.FREE,
                     step_free_access=True)
        # The council approved three other listings' changes lately, in one, two and three days.
        for days in (1, 2, 3):
            decided = timezone.now() - timedelta(days=7)
            Revision.objects.create(enterprise=make_enterprise(council=council), status=Revision.Status.APPROVED,
                                    submitted_at=decided - timedelta(days=days), decided_at=decided)
    return Jean(jean, council, draft, published, priya)


def given_jean_signed_in(new_signed_in_context, jean: Jean, javascript: bool) -> Page:
    page = new_signed_in_context(jean.person, java_script_enabled=javascript).new_page()
    page.goto("/")
    supported = re.compile(r"\bgovuk-frontend-supported\b")
    if javascript:
        expect(page.locator("body")).to_have_class(supported)
    else:
        expect(page.locator("body")).not_to_have_class(supported)
    return page


# Steps ------------------------------------------------------------------------------------------------------------


def press(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def then_she_is_told(page: Page, message: str) -> None:
    expect(page.get_by_role("alert")).to_contain_text(message)


def then_the_heading_is(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def when_she_opens_her_listing(page: Page, name: str) -> None:
    page.goto("/provider/")
    page.get_by_role("link", name=re.compile(rf"^Change your listing\W+{name}$")).click()
    then_the_heading_is(page, name)


def when_she_reads_what_she_will_need(page: Page) -> None:
    page.get_by_role("link", name="see what you will need").click()
    then_the_heading_is(page, "Before you start")
    needs = page.get_by_role("main")
    for need in ["public liability insurance certificate", "DBS checks", "safeguarding policy",
                 "CQC registration number"]:
        expect(needs).to_contain_text(need)


def when_she_answers_what_the_council_asks_for(page: Page) -> None:
    page.get_by_role("button", name="Start with the documents").click()  # a link that looks like a button
    then_the_heading_is(page, "Documents the council asks for")
    expiry = timezone.localdate() + timedelta(days=300)
    date = page.get_by_role("group", name="When does your public liability insurance run out?")
    for label, value in {"Day": expiry.day, "Month": expiry.month, "Year": expiry.year}.items():
        date.get_by_label(label).fill(str(value))
    page.get_by_label("Yes, everyone who works with people has a DBS check").check()
    page.get_by_role("group", name="Do you have a safeguarding policy?").get_by_label("Yes", exact=True).check()
    press(page, "Save and continue")
    then_she_is_told(page, "Documents the council asks for saved")


def then_the_first_task_is_done(page: Page) -> None:
    first = page.locator(".govuk-task-list__item").first
    expect(first).to_contain_text("Documents the council asks for")
    expect(first.locator(".govuk-task-list__status")).to_have_text("Completed")


def when_she_changes_the_phone_number(page: Page, phone: str) -> None:
    page.get_by_role("main").get_by_role("link", name="Contact details", exact=True).click()
    page.get_by_label("Phone number").fill(phone)
    press(page, "Save and continue")


def then_she_is_told_it_is_saved_but_not_sent(page: Page) -> None:
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("Saved. Send your changes for approval when you are ready")
    expect(page.locator(".govuk-notification-banner--success")).to_have_count(0)


def when_she_checks_and_sends_her_changes(page: Page, *, expecting: list[str]) -> None:
    page.get_by_role("region", name="Important").get_by_role("button", name="Check and send your changes").click()
    then_the_heading_is(page, "Check and send your changes")
    changes = page.get_by_role("table", name="What you have changed")
    for change in expecting:
        expect(changes).to_contain_text(change)
    documents = page.locator(".govuk-summary-list").filter(has_text="Public liability insurance runs out")
    expect(documents).to_contain_text("Yes, everyone who works with people has a DBS check")
    press(page, "Send changes for approval")
    then_she_is_told(page, "Your changes have been sent to the council for approval")
    expect(page.locator(".govuk-notification-banner")).to_have_count(1)


def then_she_is_told_how_long_approval_usually_takes(page: Page) -> None:
    expect(page.get_by_text("Approval usually takes about 2 days.")).to_be_visible()


def when_she_withdraws_her_changes(page: Page) -> None:
    press(page, "Withdraw your changes")
    then_she_is_told(page, "Your changes are withdrawn")
    expect(page.get_by_role("heading", name="Changes not sent yet")).to_be_visible()


def when_she_says_there_is_a_hearing_loop(page: Page) -> None:
    page.get_by_role("main").get_by_role("link", name="Accessibility", exact=True).click()
    question = page.get_by_role("group", name="Is there a hearing loop?")
    expect(question.get_by_label("I do not know")).to_be_checked()
    question.get_by_label("Yes", exact=True).check()
    press(page, "Save and continue")
    then_she_is_told_it_is_saved_but_not_sent(page)


def when_priya_approves_them(jean: Jean) -> None:
    revision = jean.published.revisions.get(status=Revision.Status.PENDING)
    listings.approve_revision(revision=revision, by=jean.priya)


def then_the_public_page_shows(page: Page, jean: Jean, phone: str) -> None:
    page.goto(jean.published.get_absolute_url())
    expect(page.get_by_role("link", name=phone).first).to_be_visible()


# The journeys -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_a_provider_reads_what_the_council_asks_for_before_she_starts_and_answers_it_first(
    new_signed_in_context, make_person, javascript
):
    jean = given_jean_with_a_draft_and_a_published_listing(make_person)
    page = given_jean_signed_in(new_signed_in_context, jean, javascript)

    when_she_opens_her_listing(page, "Malvern Lunch Club")
    when_she_reads_what_she_will_need(page)
    when_she_answers_what_the_council_asks_for(page)

    then_the_first_task_is_done(page)


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_a_provider_sends_changes_withdraws_them_to_add_something_and_sends_them_again(
    new_signed_in_context, new_context, make_person, javascript
):
    jean = given_jean_with_a_draft_and_a_published_listing(make_person)
    page = given_jean_signed_in(new_signed_in_context, jean, javascript)

    when_she_opens_her_listing(page, "Malvern Hills Singers")
    when_she_changes_the_phone_number(page, NEW_PHONE)
    then_she_is_told_it_is_saved_but_not_sent(page)
    when_she_checks_and_sends_her_changes(page, expecting=[OLD_PHONE, NEW_PHONE])
    then_she_is_told_how_long_approval_usually_takes(page)

    when_she_withdraws_her_changes(page)
    when_she_says_there_is_a_hearing_loop(page)
    when_she_checks_and_sends_her_changes(page, expecting=[NEW_PHONE, "Hearing loop"])

    resident = new_context(java_script_enabled=javascript).new_page()
    then_the_public_page_shows(resident, jean, OLD_PHONE)
    when_priya_approves_them(jean)
    then_the_public_page_shows(resident, jean, NEW_PHONE)
