"""A resident finds support near home, narrows it down, keeps it on a shortlist and prints the provider's number.

The whole journey runs twice: with JavaScript on, and with it off (every page must work without it).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.worcester import HOME_POSTCODE, LUNCH_CLUB_PHONE, WorcesterDirectory

pytestmark = pytest.mark.browser

JAVASCRIPT = {"javascript on": True, "javascript off": False}


# Steps ------------------------------------------------------------------------------------------------------------


def given_a_resident_on_the_home_page(new_context, javascript: bool = True) -> Page:
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find care and support near you")
    # GOV.UK Frontend marks the body once its JavaScript runs: proof that JavaScript really is on, or off.
    supported = re.compile(r"\bgovuk-frontend-supported\b")
    if javascript:
        expect(page.locator("body")).to_have_class(supported)
    else:
        expect(page.locator("body")).not_to_have_class(supported)
    return page


def when_they_search_for(page: Page, words: str, postcode: str) -> None:
    page.get_by_label("What are you looking for?").fill(words)
    page.get_by_label("Postcode or place", exact=True).fill(postcode)
    page.get_by_role("button", name="Search", exact=True).click()


def when_they_apply_the_filter(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Apply filters").click()


def then_the_results_heading_says(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def then_the_results_are(page: Page, world: WorcesterDirectory, names: set[str]) -> None:
    found = page.locator(".app-result h2").all_inner_texts()
    assert set(found) == names
    assert world.hidden_service.name not in page.content(), "a service of an unpublished enterprise is shown"


def then_printing_shows_the_results_without_the_filters_or_footer(page: Page) -> None:
    page.emulate_media(media="print")
    try:
        expect(page.locator(".app-result-list")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator(".app-search-filters")).to_be_hidden()
        expect(page.get_by_role("contentinfo")).to_be_hidden()
        expect(page.get_by_role("button", name="Add Tuesday Lunch and Chat to shortlist")).to_be_hidden()
    finally:
        page.emulate_media(media="screen")


def when_they_open_the_service(page: Page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def when_they_add_it_to_their_shortlist(page: Page, name: str) -> None:
    page.get_by_role("button", name=f"Add {name} to shortlist").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{name} is on your shortlist")


def then_the_header_counts(page: Page, count: int) -> None:
    expect(page.locator("header a[href='/shortlist/']")).to_have_text(f"Your shortlist ({count})")


def when_they_open_their_shortlist(page: Page) -> None:
    page.get_by_role("banner").get_by_role("link", name="Your shortlist (1)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your shortlist")


def when_they_open_the_print_view(page: Page) -> None:
    page.get_by_role("link", name="Print your shortlist with contact details").click()
    expect(page).to_have_url(re.compile(r"/shortlist/print/$"))


def then_they_see_the_phone_number_of(page: Page, name: str, phone: str) -> None:
    card = page.locator(".app-print-card").filter(has=page.get_by_role("heading", name=name))
    expect(card.get_by_role("link", name=phone)).to_have_attribute("href", "tel:" + phone.replace(" ", ""))


# The journey ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_a_resident_finds_a_day_club_shortlists_it_and_prints_its_phone_number(new_context, worcester, javascript):
    page = given_a_resident_on_the_home_page(new_context, javascript)

    when_they_search_for(page, words="day club", postcode=HOME_POSTCODE)
    then_the_results_heading_says(page, "4 services found within 5 miles of WR1 2EY")
    then_the_results_are(
        page,
        worcester,
        {"Riverside Day Club", "Memory Café Afternoons", "Tuesday Lunch and Chat", "Sunday Social Club"},
    )

    when_they_apply_the_filter(page, "Only show services taking new people")
    then_the_results_heading_says(page, "2 services found within 5 miles of WR1 2EY")
    then_the_results_are(page, worcester, {"Riverside Day Club", "Tuesday Lunch and Chat"})

    when_they_apply_the_filter(page, "Free only")
    then_the_results_heading_says(page, "1 service found within 5 miles of WR1 2EY")
    then_the_results_are(page, worcester, {"Tuesday Lunch and Chat"})
    then_printing_shows_the_results_without_the_filters_or_footer(page)

    when_they_open_the_service(page, "Tuesday Lunch and Chat")
    then_the_header_counts(page, 0)
    when_they_add_it_to_their_shortlist(page, "Tuesday Lunch and Chat")
    then_the_header_counts(page, 1)

    when_they_open_their_shortlist(page)
    expect(page.get_by_role("link", name="Tuesday Lunch and Chat")).to_be_visible()

    when_they_open_the_print_view(page)
    then_they_see_the_phone_number_of(page, "Tuesday Lunch and Chat", LUNCH_CLUB_PHONE)


def test_a_bad_postcode_is_explained_beside_the_field_keeping_what_was_typed(new_context, transactional_db):
    page = given_a_resident_on_the_home_page(new_context)

    when_they_search_for(page, words="lunch club", postcode="WR1 2E")

    # Then the error summary lists the problem, and the page title says there is an error
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    summary_link = summary.get_by_role("link", name="Enter a full UK postcode, like WR1 2EY, or a town or village")
    expect(summary_link).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))

    # And the same message is beside the field, which is described by it, and what was typed is kept
    postcode = page.get_by_label("Postcode or place", exact=True)
    beside = page.locator(".govuk-form-group--error").filter(has=postcode).locator(".govuk-error-message")
    expect(beside).to_have_text("Error: Enter a full UK postcode, like WR1 2EY, or a town or village")
    message_id = beside.get_attribute("id")
    expect(postcode).to_have_attribute("aria-describedby", re.compile(rf"(^|\s){re.escape(message_id)}(\s|$)"))
    expect(postcode).to_have_value("WR1 2E")
    expect(page.get_by_label("What are you looking for?")).to_have_value("lunch club")

    # When they follow the link in the summary, then they are in the postcode field, ready to correct it
    summary_link.click()
    expect(postcode).to_be_focused()
