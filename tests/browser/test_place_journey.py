"""Evesham, dementia, day club: a resident who knows their town, not their postcode, and lives where nothing is near.

With JavaScript on and off, on a phone (390 px) and a desktop (1280 px): every step must work without it.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.chromium import DESKTOP

pytestmark = pytest.mark.browser

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": DESKTOP}


@pytest.mark.parametrize("javascript", [True, False], ids=["JavaScript on", "JavaScript off"])
@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_resident_in_evesham_finds_the_nearest_dementia_day_clubs(new_context, worcester, viewport, javascript):
    page = new_context(java_script_enabled=javascript, viewport=viewport).new_page()
    page.goto("/")

    # They type their town, misspelt, and the words for what they want.
    page.get_by_label("What are you looking for?").fill("day club")
    page.get_by_label("Postcode or place", exact=True).fill("Evsham")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a full UK postcode, like WR1 2EY, or a town")
    page.get_by_role("link", name="Evesham", exact=True).click()

    # Nothing within 5 miles of Evesham: one sentence, then the nearest, with their distances.
    expect(page.get_by_role("heading", level=1)).to_have_text("No services found within 5 miles of Evesham")
    show_filters = page.get_by_role("button", name=re.compile("Show filters"))
    if show_filters.is_visible():  # a phone with JavaScript: the filters wait behind the button
        show_filters.click()
    page.get_by_label("People living with dementia", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="No services match your search within 5 miles of Evesham")).to_be_visible()
    nearest = page.locator(".app-result h2")
    expect(nearest).to_have_text(["Memory Café Afternoons", "Riverside Day Club"])
    expect(page.locator(".app-result").first).to_contain_text("11.7 miles away")

    # The distance offered finds them.
    page.get_by_role("link", name="search within 20 miles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2 services found within 20 miles of Evesham")
    assert set(page.locator(".app-result h2").all_inner_texts()) == {"Memory Café Afternoons", "Riverside Day Club"}
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
