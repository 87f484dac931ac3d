""""Use my location": a resident on a phone or a desktop lets the browser give their position, and searches from the
nearest postcode without typing it; without JavaScript, or when they say no, the box works as ever."""

import pytest
from playwright.sync_api import expect

from tests.browser.chromium import DESKTOP
from tests.browser.worcester import HOME_POSITION, HOME_POSTCODE

pytestmark = pytest.mark.browser

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": DESKTOP}


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_resident_searches_from_where_they_are(new_context, worcester, viewport):
    page = new_context(viewport=viewport, geolocation=HOME_POSITION, permissions=["geolocation"]).new_page()
    page.goto("/")

    page.get_by_label("What are you looking for?").fill("day club")
    page.get_by_role("button", name="Use my location").click()

    expect(page.get_by_role("status")).to_have_text(
        f"Your nearest postcode is {HOME_POSTCODE}. Press Search to find services near it"
    )
    expect(page.get_by_label("Postcode or place", exact=True)).to_have_value(HOME_POSTCODE)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"4 services found within 5 miles of {HOME_POSTCODE}")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_a_resident_who_says_no_is_asked_to_type_instead(new_context, worcester):
    page = new_context(geolocation=HOME_POSITION, permissions=[]).new_page()
    page.goto("/")

    page.get_by_role("button", name="Use my location").click()

    expect(page.get_by_role("status")).to_have_text(
        "We could not get your location. Enter your postcode, or the name of your town or village"
    )
    expect(page.get_by_label("Postcode or place", exact=True)).to_have_value("")


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_without_javascript_there_is_no_button_and_typing_works(new_context, worcester, viewport):
    page = new_context(java_script_enabled=False, viewport=viewport).new_page()
    page.goto("/")

    expect(page.get_by_role("button", name="Use my location")).to_be_hidden()
    page.get_by_label("Postcode or place", exact=True).fill(HOME_POSTCODE)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"within 5 miles of {HOME_POSTCODE}")


def test_a_resident_on_the_results_page_searches_again_from_where_they_are(new_context, worcester):
    page = new_context(geolocation=HOME_POSITION, permissions=["geolocation"]).new_page()
    page.goto("/search/?q=day+club&postcode=Evesham")

    page.get_by_role("button", name="Use my location").click()

    expect(page.get_by_label("Postcode or place", exact=True)).to_have_value(HOME_POSTCODE)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"4 services found within 5 miles of {HOME_POSTCODE}")
