"""A resident shares their shortlist with their daughter, emails it and prints it; the daughter opens it on her phone
and adds it to her own; her brother, told the code over the phone, types it in.

Each journey runs with JavaScript on and off, on a phone (390 px) and a desktop (1280 px).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from core.models import OutgoingMessage
from tests.browser.test_resident_journey import given_a_resident_on_the_home_page, when_they_search_for
from tests.browser.worcester import HOME_POSTCODE, LUNCH_CLUB_PHONE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
WAYS = {
    f"javascript {'on' if javascript else 'off'} at {viewport['width']} px": (javascript, viewport)
    for javascript in (True, False) for viewport in (PHONE, DESKTOP)
}
RIVERSIDE_PHONE = "01905 612345"


def a_visitor(new_context, javascript: bool, viewport: dict) -> Page:
    return new_context(java_script_enabled=javascript, viewport=viewport).new_page()


def when_they_add_to_their_shortlist(page: Page, name: str) -> None:
    page.get_by_role("button", name=f"Add {name} to shortlist").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{name} is on your shortlist")


def when_they_open_their_shortlist(page: Page, count: int) -> None:
    link = page.get_by_role("banner").get_by_role("link", name=f"Your shortlist ({count})")
    menu = page.get_by_role("banner").get_by_role("button", name="Menu")
    if menu.is_visible():  # on a phone, with JavaScript, the navigation folds behind "Menu"
        menu.click()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your shortlist")


def then_each_service_shows_its_phone_and_where_it_is(page: Page) -> None:
    riverside = page.locator(".app-result").filter(has=page.get_by_role("heading", name="Riverside Day Club"))
    expect(riverside.get_by_role("link", name=RIVERSIDE_PHONE)).to_have_attribute("href", "tel:01905612345")
    expect(riverside).to_contain_text(re.compile(r"Where\s*St John’s Community Hall, 12 Bransford Road, Worcester, WR"))
    lunch = page.locator(".app-result").filter(has=page.get_by_role("heading", name="Tuesday Lunch and Chat"))
    expect(lunch.get_by_role("link", name=LUNCH_CLUB_PHONE)).to_be_visible()


def then_the_print_button_is_there_only_with_javascript(page: Page, javascript: bool, name: str) -> None:
    button = page.get_by_role("button", name=name)
    if javascript:
        expect(button).to_be_visible()
    else:
        expect(button).to_have_count(0)  # hidden: without JavaScript it could not print


@pytest.mark.parametrize("javascript, viewport", WAYS.values(), ids=WAYS.keys())
def test_a_resident_shares_emails_and_prints_their_shortlist_and_their_daughter_opens_it(
    new_context, worcester, javascript, viewport
):
    page = given_a_resident_on_the_home_page(new_context, javascript)
    page.set_viewport_size(viewport)
    when_they_search_for(page, words="day club", postcode=HOME_POSTCODE)
    when_they_add_to_their_shortlist(page, "Riverside Day Club")
    when_they_add_to_their_shortlist(page, "Tuesday Lunch and Chat")

    when_they_open_their_shortlist(page, 2)
    then_each_service_shows_its_phone_and_where_it_is(page)
    then_the_print_button_is_there_only_with_javascript(page, javascript, "Print this list")

    # The print page: the phone numbers and addresses, without the buttons
    page.get_by_role("link", name="Print your shortlist with contact details").click()
    card = page.locator(".app-print-card").filter(has=page.get_by_role("heading", name="Riverside Day Club"))
    expect(card).to_contain_text("St John’s Community Hall, 12 Bransford Road, Worcester")
    expect(card.get_by_role("link", name=RIVERSIDE_PHONE)).to_be_visible()
    then_the_print_button_is_there_only_with_javascript(page, javascript, "Print your shortlist")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print your shortlist")).to_be_hidden()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to your shortlist").click()

    # Sharing: a link and a code to read out
    page.get_by_role("button", name="Share this list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your shortlist")
    link = page.locator("main a[href*='/shortlist/shared/']")
    shared_url = link.get_attribute("href")
    assert re.search(r"/shortlist/shared/[0-9A-Z]{4}-[0-9A-Z]{4}/$", shared_url) and link.inner_text() == shared_url
    code = shared_url.rstrip("/").rsplit("/", 1)[1]
    expect(page.locator("main")).to_contain_text(f"The code for your list is {code}")

    # Emailing it: a wrong address first
    page.get_by_label("Email address").fill("daughter at example")
    page.get_by_role("button", name="Send the list").click()
    expect(page).to_have_title(re.compile(r"^Error: Share your shortlist"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address in the correct format")
    expect(page.get_by_label("Email address")).to_have_value("daughter at example")
    page.get_by_label("Email address").fill("daughter@example.org")
    page.get_by_role("button", name="Send the list").click()
    expect(page.get_by_role("alert")).to_contain_text("We have sent your shortlist to daughter@example.org")
    assert OutgoingMessage.objects.filter(kind="shortlist", to="daughter@example.org").count() == 1

    # The daughter, on another device, follows the link
    daughter = a_visitor(new_context, javascript, PHONE)
    daughter.goto(shared_url)
    expect(daughter.get_by_role("heading", level=1)).to_have_text("A shared shortlist")
    then_each_service_shows_its_phone_and_where_it_is(daughter)
    expect(daughter.locator("header a[href='/shortlist/']")).to_have_text("Your shortlist (0)")
    then_the_print_button_is_there_only_with_javascript(daughter, javascript, "Print this list")
    daughter.get_by_role("button", name="Add these to your shortlist").click()
    expect(daughter.get_by_role("alert")).to_contain_text("2 services added to your shortlist")
    expect(daughter.get_by_role("heading", level=1)).to_have_text("Your shortlist")
    expect(daughter.locator("header a[href='/shortlist/']")).to_have_text("Your shortlist (2)")

    # Her brother was read the code over the phone, and mistypes it first
    brother = a_visitor(new_context, javascript, viewport)
    brother.goto("/shortlist/")
    expect(brother.locator("main")).to_contain_text("Your shortlist is empty")
    brother.get_by_role("link", name="enter the code").click()
    brother.get_by_label("What is the code for the shared list?").fill(code[:4])
    brother.get_by_role("button", name="Open the list").click()
    expect(brother).to_have_title(re.compile(r"^Error: Open a shared shortlist"))
    brother.locator(".govuk-error-summary").get_by_role("link").click()
    expect(brother.get_by_label("What is the code for the shared list?")).to_be_focused()
    brother.get_by_label("What is the code for the shared list?").fill(code.lower().replace("-", " "))
    brother.get_by_role("button", name="Open the list").click()
    expect(brother.get_by_role("heading", level=1)).to_have_text("A shared shortlist")
    expect(brother.get_by_role("heading", name="Tuesday Lunch and Chat")).to_be_visible()
