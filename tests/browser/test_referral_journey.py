"""A referrer finds a day club and refers a person; the provider accepts, later records that support started, and the
referrer follows each step on the referral's timeline. And when the person has not agreed yet, nothing is sent.

Two people, each in their own browser: Ruth, a social worker in the council's adult social care team, and Jean, who
runs the day club. Both sign in through the real sign-in page, and each lands where the site sends people like them
(Ruth on the home page, Jean on her listings, with the new referral counted). Ruth searches by postcode, narrows the
results to day clubs, chooses "Refer someone" on the day club's result, answers every question page, checks her
answers and sends them, and is given a reference the person can quote on the phone. Jean opens the referral from her
inbox, sees the person's details, accepts it with a message, and later records that support has started. Ruth sees the
status change in her list, and each step, in order, on the referral's timeline.

The stop page needs no sign-in of its own (the journey covers signing in): Ruth's browser gets its session from
Django's test client, as the accessibility tests' do.

Each test runs twice: with JavaScript on, and with it off (every page must work without it).
"""

import re
from dataclasses import dataclass

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from enterprises.models import Organisation
from referrals.models import REFERENCE_ALPHABET, Referral
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
from tests.factories import make_category, make_council, make_enterprise, make_postcode, make_service

pytestmark = pytest.mark.browser

# referrals.models.new_reference: two groups of four characters from its alphabet, like "K7QM-3FXD".
REFERENCE = re.compile(rf"^[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{4}}$")

REFERRER_EMAIL = "ruth.jones@worcestershire.example"
REFERRER_NAME = "Ruth Jones"
TEAM = "Adult Social Care – Malvern team"
PROVIDER_EMAIL = "jean@malvern-friendship.example"
PROVIDER_NAME = "Jean Morgan"
ENTERPRISE = "Malvern Friendship Club"
DAY_CLUB = "Wednesday Day Club"
OTHER_SERVICE = "Malvern Garden Helpers"  # nearby, but not a day club: the type-of-support filter leaves it out
VENUE_POSTCODE = "WR14 4AA"
PERSON_POSTCODE = "WR14 3PQ"

PERSON = "Margaret Evans"
PERSON_PHONE = "01684 000111"
REFERRER_PHONE = "01905 765432"
WHAT_MATTERS = "Seeing people again since her husband died, and singing."
SUPPORT_WANTED = "A day club once a week, with lunch."
SAFETY = "Uses a walking frame. Ring the bell and wait: she takes a while to reach the door."
ACCEPT_MESSAGE = "We will phone Margaret on Monday to arrange a visit before her first day."
START_NOTE = "Margaret came to her first day on Wednesday and stayed for lunch."


# Given: a council, a day club and its provider, and a referrer in a team -------------------------------------------


@dataclass(frozen=True)
class DayClub:
    pk: int
    url: str
    referrer: object  # Ruth


def given_a_day_club_and_a_referrer(make_person) -> DayClub:
    with transaction.atomic():  # one commit instead of many
        council = make_council("Worcestershire County Council")
        venue = make_postcode(VENUE_POSTCODE, 377500, 245800)
        make_postcode(PERSON_POSTCODE, 378200, 246500)  # about half a mile from the venue
        day_clubs, home_help = make_category("Day clubs"), make_category("Home help")

        jean = make_person(PROVIDER_EMAIL, PASSWORD, "Jean")
        jean.last_name = "Morgan"
        jean.save()
        enterprise = make_enterprise(ENTERPRISE, council=council, phone="01684 560123")
        enterprise.members.add(jean)
        day_club = make_service(DAY_CLUB, enterprise=enterprise, venue=venue, categories=[day_clubs],
                                summary="A day out with lunch, games and music, every Wednesday.")
        make_service(OTHER_SERVICE, enterprise=make_enterprise("Garden Helpers", council=council), venue=venue,
                     categories=[home_help], summary="Help in the garden for older people.")

        ruth = make_person(REFERRER_EMAIL, PASSWORD, "Ruth")
        ruth.last_name = "Jones"
        ruth.save()
        Organisation.objects.create(council=council, name=TEAM).members.add(ruth)
    return DayClub(day_club.pk, day_club.get_absolute_url(), ruth)


@dataclass(frozen=True)
class People:
    referrer: Page
    provider: Page


def given_two_people_in_their_own_browsers(new_context, javascript: bool) -> People:
    people = People(*(new_context(java_script_enabled=javascript).new_page() for _ in range(2)))
    for page in (people.referrer, people.provider):
        page.goto("/")
    then_javascript_is(people.referrer, javascript)
    return people


def then_javascript_is(page: Page, on: bool) -> None:
    # GOV.UK Frontend marks the body once its JavaScript runs: proof that JavaScript really is on, or off.
    supported = re.compile(r"\bgovuk-frontend-supported\b")
    if on:
        expect(page.locator("body")).to_have_class(supported)
    else:
        expect(page.locator("body")).not_to_have_class(supported)


# Steps that either of them take ------------------------------------------------------------------------------------


def nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)


def continue_(page: Page) -> None:
    press(page, "Continue")


def then_the_status_is(page: Page, status: str) -> None:
    expect(page.locator("#referral-status .govuk-tag")).to_have_text(status)


def then_the_timeline_shows(page: Page, steps: list[tuple[str, str, str]]) -> None:
    """Each (title, by, message) in order, oldest first; "" for no message."""
    items = page.locator(".app-timeline__item")
    expect(items.locator(".app-timeline__title")).to_have_text([title for title, _, _ in steps])
    for index, (_, by, message) in enumerate(steps):
        item = items.nth(index)
        expect(item.locator(".app-timeline__byline")).to_contain_text(f"by {by}")
        if message:
            expect(item.locator(".app-timeline__message")).to_have_text(message)
        else:
            expect(item.locator(".app-timeline__message")).to_have_count(0)


# The referrer's steps ----------------------------------------------------------------------------------------------


def when_they_search_near_the_person_for_day_clubs(page: Page) -> None:
    then_the_heading_is(page, "Find care and support near you")
    page.get_by_label("Postcode or place", exact=True).fill(PERSON_POSTCODE)
    press(page, "Search")
    then_the_heading_is(page, f"2 services found within 5 miles of {PERSON_POSTCODE}")
    page.get_by_role("group", name="Type of support").get_by_label("Day clubs", exact=True).check()
    press(page, "Apply filters")
    then_the_heading_is(page, f"1 service found within 5 miles of {PERSON_POSTCODE}")
    expect(page.locator(".app-result h2")).to_have_text([DAY_CLUB])


def when_they_choose_to_refer_someone_from_the_result(page: Page) -> None:
    result = page.locator(".app-result").filter(has=page.get_by_role("heading", name=DAY_CLUB))
    result.get_by_role("link", name=f"Refer someone to {DAY_CLUB}", exact=True).click()
    then_the_heading_is(page, f"Refer someone to {DAY_CLUB}")
    expect(page.locator(".govuk-warning-text")).to_contain_text("This is not for emergencies or safeguarding concerns")


def when_they_start_and_say_the_person_agreed(page: Page) -> None:
    press(page, "Start")
    then_the_heading_is(page, f"Has the person agreed to you sharing their details with {ENTERPRISE}?")
    check(page, "Yes – in person")
    continue_(page)


def when_they_answer_every_question(page: Page) -> None:
    then_the_heading_is(page, "About the person")
    fill(page, {"Full name": PERSON})
    check(page, "Phone")
    fill(page, {"Phone number": PERSON_PHONE})
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("What is their postcode?")
    expect(page.get_by_label("What is their postcode?")).to_have_value(PERSON_POSTCODE)  # the one searched near
    expect(page.get_by_text(f"We have filled in {PERSON_POSTCODE}, the postcode you searched near")).to_be_visible()
    continue_(page)

    then_the_heading_is(page, "What matters to them, and the support they want")
    fill(page, {"What matters to them?": WHAT_MATTERS, "What support do they want?": SUPPORT_WANTED})
    continue_(page)

    page.get_by_label("Is there anything the provider must know to work safely?").fill(SAFETY)
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("How soon do they need support?")
    check(page, "Soon – within 2 working days")
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("How will the support be paid for?")
    check(page, "Direct payment or personal budget")
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("What is your phone number?")
    page.get_by_label("What is your phone number?").fill(REFERRER_PHONE)
    continue_(page)


def then_they_check_their_answers(page: Page) -> None:
    then_the_heading_is(page, "Check your answers before sending the referral")
    answers = page.locator(".govuk-summary-list")
    for key, value in {
        "Agreed to share their details": "Yes – in person",
        "Full name": PERSON,
        "How to contact them": "Phone",
        "Phone number": PERSON_PHONE,
        "Postcode": PERSON_POSTCODE,
        "What matters to them": WHAT_MATTERS,
        "Support they want": SUPPORT_WANTED,
        "To work safely, the provider must know": SAFETY,
        "How soon": "Soon – within 2 working days",
        "How it will be paid for": "Direct payment or personal budget",
        "Your phone number": REFERRER_PHONE,
    }.items():
        row = answers.locator(".govuk-summary-list__row").filter(
            has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^{re.escape(key)}$"))
        )
        expect(row.locator(".govuk-summary-list__value")).to_have_text(value)


def when_they_send_it(page: Page) -> str:
    press(page, "Send referral")
    then_the_heading_is(page, "Referral sent")
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert REFERENCE.match(reference), f"{reference!r} is not a reference like K7QM-3FXD"
    expect(page.get_by_text(f"The person can quote this reference if they phone {ENTERPRISE}.")).to_be_visible()
    expect(page.get_by_text("They should answer within 2 working days.")).to_be_visible()  # as urgent as it is
    return reference


def then_it_was_sent_once(reference: str) -> None:
    referral = Referral.objects.get()
    assert (referral.reference, referral.person_name, referral.postcode) == (reference, PERSON, PERSON_POSTCODE)
    assert referral.status == Referral.Status.SENT


def when_they_open_it_from_their_referrals(page: Page, reference: str, status: str) -> None:
    nav_link(page, "Your referrals").click()
    then_the_heading_is(page, "Your referrals")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))
    expect(row.get_by_role("cell").nth(1)).to_have_text(PERSON)
    expect(row.locator(".govuk-tag")).to_have_text(status)
    row.get_by_role("link", name=reference, exact=True).click()
    then_the_heading_is(page, f"Referral {reference}")
    then_the_status_is(page, status)


# The provider's steps ----------------------------------------------------------------------------------------------


def then_the_new_referral_is_counted(page: Page) -> None:
    then_the_heading_is(page, "Your listings")
    expect(nav_link(page, "Referrals received (1 new)")).to_be_visible()
    expect(page.get_by_role("link", name="You have 1 new referral", exact=True)).to_be_visible()


def when_they_open_it_from_their_inbox(page: Page, reference: str) -> None:
    page.get_by_role("link", name="You have 1 new referral").click()
    then_the_heading_is(page, "Referrals received")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"Referral {reference}", exact=True))
    expect(row.get_by_role("cell").nth(2)).to_have_text(TEAM)
    expect(row.locator(".govuk-tag")).to_have_text("Waiting for an answer")
    row.get_by_role("link", name=f"Referral {reference}", exact=True).click()
    then_the_heading_is(page, f"Referral {reference}")


def then_they_see_the_persons_details(page: Page) -> None:
    details = page.locator(".govuk-summary-list").first
    for shown in [PERSON, PERSON_PHONE, PERSON_POSTCODE, WHAT_MATTERS, SUPPORT_WANTED, SAFETY]:
        expect(details).to_contain_text(shown)
    phone_link = page.get_by_role("link", name=REFERRER_PHONE)
    expect(phone_link).to_have_attribute("href", f"tel:{REFERRER_PHONE.replace(' ', '')}")
    expect(page.locator(".govuk-summary-list")).to_contain_text(["Direct payment or personal budget"])
    expect(page.locator("#access-log ~ table")).to_contain_text(f"{PROVIDER_NAME} (you)")


def when_they_accept_it_with_a_message(page: Page, reference: str) -> None:
    fill(page, {"Message to the referrer (optional)": ACCEPT_MESSAGE})
    press(page, "Accept referral")
    then_they_are_told(page, f"You accepted referral {reference}. {REFERRER_NAME} has been emailed.")
    then_the_status_is(page, "Accepted")
    expect(nav_link(page, "Referrals received")).to_be_visible()  # nothing new any more


def when_they_record_that_support_started(page: Page, reference: str) -> None:
    page.reload()
    expect(page.get_by_role("heading", name="Has support started?")).to_be_visible()
    fill(page, {"Note for the referrer (optional)": START_NOTE})
    press(page, "Support has started")
    then_they_are_told(page, f"You recorded that support has started for referral {reference}.")
    then_the_status_is(page, "Support started")


# The journeys ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_a_referrer_refers_a_person_to_a_day_club_and_follows_it_until_support_starts(
    new_context, make_person, javascript
):
    given_a_day_club_and_a_referrer(make_person)
    people = given_two_people_in_their_own_browsers(new_context, javascript)
    ruth, jean = people.referrer, people.provider

    when_they_sign_in(ruth, REFERRER_EMAIL)
    when_they_search_near_the_person_for_day_clubs(ruth)
    when_they_choose_to_refer_someone_from_the_result(ruth)
    when_they_start_and_say_the_person_agreed(ruth)
    when_they_answer_every_question(ruth)
    then_they_check_their_answers(ruth)
    reference = when_they_send_it(ruth)
    then_it_was_sent_once(reference)

    when_they_sign_in(jean, PROVIDER_EMAIL)
    then_the_new_referral_is_counted(jean)
    when_they_open_it_from_their_inbox(jean, reference)
    then_they_see_the_persons_details(jean)
    when_they_accept_it_with_a_message(jean, reference)

    when_they_open_it_from_their_referrals(ruth, reference, "Accepted")
    then_the_timeline_shows(ruth, [
        ("Referral sent", f"{REFERRER_NAME}, {TEAM}", ""),
        ("Accepted", f"{PROVIDER_NAME}, {ENTERPRISE}", ACCEPT_MESSAGE),
    ])

    when_they_record_that_support_started(jean, reference)

    when_they_open_it_from_their_referrals(ruth, reference, "Support started")
    then_the_timeline_shows(ruth, [
        ("Referral sent", f"{REFERRER_NAME}, {TEAM}", ""),
        ("Accepted", f"{PROVIDER_NAME}, {ENTERPRISE}", ACCEPT_MESSAGE),
        ("Support started", f"{PROVIDER_NAME}, {ENTERPRISE}", START_NOTE),
    ])


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_a_referrer_whose_person_has_not_agreed_yet_is_stopped_and_nothing_is_sent(
    new_context, new_signed_in_context, make_person, javascript
):
    day_club = given_a_day_club_and_a_referrer(make_person)
    ruth = new_signed_in_context(day_club.referrer, java_script_enabled=javascript).new_page()
    ruth.goto(day_club.url)
    then_javascript_is(ruth, javascript)
    then_the_heading_is(ruth, DAY_CLUB)

    ruth.get_by_role("button", name="Refer someone", exact=True).click()  # a link that looks like a button
    then_the_heading_is(ruth, f"Refer someone to {DAY_CLUB}")
    press(ruth, "Start")
    check(ruth, "No, not yet")
    continue_(ruth)

    then_the_heading_is(ruth, "You need the person’s agreement first")
    expect(ruth.get_by_text("Nothing has been sent.", exact=False)).to_be_visible()
    expect(ruth.get_by_role("link", name=f"Back to {DAY_CLUB}")).to_have_attribute("href", day_club.url)
    assert not Referral.objects.exists()

    # The rest of the form cannot be reached around the stop page: it asks for the person's agreement again.
    ruth.goto(f"/services/{day_club.pk}/refer/check/")
    then_the_heading_is(ruth, f"Has the person agreed to you sharing their details with {ENTERPRISE}?")
    assert not Referral.objects.exists()
