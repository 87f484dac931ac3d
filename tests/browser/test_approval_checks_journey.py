"""Priya, of the council's staff, approves a home care listing before its DBS checks are in, and says why.

Home care needs public liability insurance, DBS checks, a safeguarding policy and CQC registration before the
council lists it. Priya has seen the insurance, the policy and the CQC registration, but the provider's DBS
certificates are still on their way. She ticks what she has seen and presses "Approve and publish": the page asks her
why she is approving without DBS checks. She says why, and the listing is published; its history keeps her reason.
Then, from her home page, she finds the listings that have no insurance date.

The journey runs twice: with JavaScript on, and with it off.
"""

import re

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from enterprises.models import Category, Enterprise, StaffMembership
from tests.factories import make_council, make_enterprise, make_service

pytestmark = pytest.mark.browser

JAVASCRIPT = {"javascript on": True, "javascript off": False}
STAFF_EMAIL = "priya.shah@worcestershire.example"
PASSWORD = "correct horse battery staple"
HOME_CARERS = "Severn Home Carers"
BEFRIENDERS = "Bredon Befrienders"
REASON = "The DBS certificates for their two new carers are on their way. I will see them at the first review."


def given_a_home_care_listing_waiting_for_approval_and_a_listing_with_no_insurance_date(make_person) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        council = make_council("Worcestershire County Council")
        StaffMembership.objects.create(user=make_person(STAFF_EMAIL, PASSWORD, "Priya"), council=council)
        home_care = Category.objects.create(name="Home care (personal care)", slug="home-care")
        befriending = Category.objects.create(name="Befriending and companionship", slug="befriending")
        carers = make_enterprise(
            HOME_CARERS, status=Enterprise.Status.SUBMITTED, council=council,
            submitted_at=timezone.now() - timezone.timedelta(days=2),
            insurance_expires_on=today + timezone.timedelta(days=250),
            dbs_answer=Enterprise.DbsAnswer.SOME_CHECKED, has_safeguarding_policy=True,
        )
        make_service("Care at home in Upton", enterprise=carers, categories=[home_care],
                     cqc_registration="1-2345678901")
        befrienders = make_enterprise(BEFRIENDERS, council=council, review_due_on=today + timezone.timedelta(days=90))
        make_service("Weekly visits", enterprise=befrienders, categories=[befriending])


def press(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def then_the_heading_is(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def when_she_signs_in(page: Page) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Email address", exact=True).fill(STAFF_EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")
    then_the_heading_is(page, "Waiting for approval")


def when_she_opens_the_listing_from_the_queue(page: Page) -> None:
    page.get_by_role("link", name=HOME_CARERS, exact=True).click()
    then_the_heading_is(page, HOME_CARERS)


def then_she_sees_what_home_care_needs_and_that_none_of_it_is_checked_yet(page: Page) -> None:
    approve = page.get_by_role("region", name="Approve and publish")
    expect(approve).to_contain_text(
        "Home care (personal care): public liability insurance, DBS checks, a safeguarding policy and CQC registration"
    )
    expect(approve).to_contain_text(
        "Not checked yet: public liability insurance, DBS checks, a safeguarding policy and CQC registration"
    )


def when_she_ticks_what_she_has_seen_and_approves(page: Page) -> None:
    approve = page.get_by_role("region", name="Approve and publish")
    for seen in ["Public liability insurance", "Safeguarding policy", "CQC registration"]:
        approve.get_by_label(re.compile(rf"{seen} \(")).check()
    press(page, "Approve and publish")


def then_she_is_asked_why_she_is_approving_it_without_dbs_checks(page: Page) -> None:
    message = "Enter why you are approving it without DBS checks, or tick them if you have checked them"
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    summary.get_by_role("link", name=message).click()
    reason = page.get_by_label("Reason to approve without every check it needs")
    expect(reason).to_be_focused()
    expect(page.locator("#id_approve-missing_checks_reason-error")).to_contain_text(message)
    approve = page.get_by_role("region", name="Approve and publish")
    expect(approve.get_by_label(re.compile(r"Public liability insurance \("))).to_be_checked()
    expect(approve.get_by_label(re.compile(r"DBS checks \("))).not_to_be_checked()


def when_she_gives_her_reason_and_approves(page: Page) -> None:
    page.get_by_label("Reason to approve without every check it needs").fill(REASON)
    press(page, "Approve and publish")
    expect(page.get_by_role("alert")).to_contain_text(f"{HOME_CARERS} is published")


def then_its_history_keeps_what_was_not_checked_and_why(page: Page) -> None:
    page.get_by_role("link", name="All listings", exact=True).first.click()
    page.get_by_role("link", name=HOME_CARERS, exact=True).click()
    history = page.get_by_role("table", name="What has happened to this listing, newest first")
    row = history.get_by_role("row").filter(has_text="Approved without every check it needs")
    expect(row).to_contain_text("Not checked: DBS checks")
    expect(row).to_contain_text(REASON)
    expect(row).to_contain_text("Priya")


def when_she_looks_for_listings_with_no_insurance_date(page: Page) -> None:
    page.get_by_role("link", name="Back to the approval queue", exact=True).click()
    page.get_by_role("link", name="No insurance date (1)", exact=True).click()
    then_the_heading_is(page, "No insurance date")


def then_she_finds_the_befrienders(page: Page) -> None:
    table = page.get_by_role("table", name="1 listing with no insurance date")
    expect(table.get_by_role("link", name=BEFRIENDERS, exact=True)).to_be_visible()


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_staff_approve_home_care_without_its_dbs_checks_only_by_saying_why(new_context, make_person, javascript):
    given_a_home_care_listing_waiting_for_approval_and_a_listing_with_no_insurance_date(make_person)
    priya = new_context(java_script_enabled=javascript).new_page()

    when_she_signs_in(priya)
    when_she_opens_the_listing_from_the_queue(priya)
    then_she_sees_what_home_care_needs_and_that_none_of_it_is_checked_yet(priya)
    when_she_ticks_what_she_has_seen_and_approves(priya)
    then_she_is_asked_why_she_is_approving_it_without_dbs_checks(priya)
    when_she_gives_her_reason_and_approves(priya)
    then_its_history_keeps_what_was_not_checked_and_why(priya)

    when_she_looks_for_listings_with_no_insurance_date(priya)
    then_she_finds_the_befrienders(priya)
