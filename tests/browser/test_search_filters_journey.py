"""A resident on a phone narrows a search with filters: the results come first, the filters wait behind "Show filters",
the filters chosen are tags each of which takes one away. With JavaScript on and off, at 390 px and at 1280 px.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.chromium import DESKTOP
from tests.browser.worcester import HOME_POSTCODE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
JAVASCRIPT = {"javascript on": True, "javascript off": False}
DAY_CLUBS = {"Riverside Day Club", "Memory Café Afternoons", "Tuesday Lunch and Chat", "Sunday Social Club"}


def given_a_search_for_day_clubs(new_context, *, javascript: bool, viewport: dict) -> Page:
    page = new_context(java_script_enabled=javascript, viewport=viewport).new_page()
    page.goto(f"/search/?q=day+club&postcode={HOME_POSTCODE.replace(' ', '+')}")
    supported = re.compile(r"\bgovuk-frontend-supported\b")
    if javascript:
        expect(page.locator("body")).to_have_class(supported)
    else:
        expect(page.locator("body")).not_to_have_class(supported)
    then_the_heading_says(page, "4 services found within 5 miles of WR1 2EY")
    return page


def then_the_heading_says(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def then_the_results_are(page: Page, names: set[str]) -> None:
    assert set(page.locator(".app-result h2").all_inner_texts()) == names


def top(page: Page, locator) -> float:
    return locator.bounding_box()["y"] + page.evaluate("window.scrollY")


def then_the_first_result_is_above_the_filters(page: Page, *, javascript: bool) -> None:
    if javascript:  # the filters wait, closed, behind the button above the results
        expect(page.locator("#filters")).to_be_hidden()
        assert top(page, page.get_by_role("button", name="Show filters")) < top(page, page.locator(".app-result").first)
    else:
        assert top(page, page.locator(".app-result").first) < top(page, page.locator("#filters"))


def then_the_filters_are_a_column_beside_the_results(page: Page) -> None:
    filters, results = page.locator("#filters").bounding_box(), page.locator("#results").bounding_box()
    assert filters["x"] > results["x"] + results["width"] - 1
    assert abs(filters["y"] - page.locator(".app-filter-layout__content").bounding_box()["y"]) < 5


def when_they_open_the_filters(page: Page, *, javascript: bool, phone: bool, chosen: int = 0) -> None:
    label = "Show filters" + (f" ({chosen})" if chosen else "")
    if javascript and phone:
        button = page.get_by_role("button", name=label, exact=True)
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(page.locator("#filters")).to_be_hidden()
        button.click()
        shown = page.get_by_role("button", name=label.replace("Show", "Hide"), exact=True)
        expect(shown).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#filters")).to_be_visible()
        # They open in place, under the button, before the results.
        assert top(page, page.locator("#filters")) < top(page, page.locator(".app-result").first)
    elif javascript:
        expect(page.get_by_role("button", name=label)).to_be_hidden()  # beside the results, nothing to open
        expect(page.locator("#filters")).to_be_visible()
    else:
        page.get_by_role("link", name=label, exact=True).click()
        expect(page).to_have_url(re.compile("#filters$"))
        expect(page.get_by_role("heading", name="Filters", exact=True)).to_be_in_viewport()


def when_they_choose(page: Page, *, age: str, accessibility: str) -> None:
    page.get_by_label("Age of the person").fill(age)
    page.get_by_label(accessibility, exact=True).check()
    page.get_by_role("button", name="Apply filters").click()


def then_the_tags_are(page: Page, tags: list[str]) -> None:
    expect(page.locator(".app-filter-tag")).to_have_text([re.compile(re.escape(tag)) for tag in tags])


def then_nothing_scrolls_sideways(page: Page, viewport: dict) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_resident_narrows_day_clubs_by_age_and_step_free_access_then_takes_one_filter_away(
    new_context, worcester, javascript, viewport
):
    phone = viewport is PHONE
    page = given_a_search_for_day_clubs(new_context, javascript=javascript, viewport=viewport)
    then_the_results_are(page, DAY_CLUBS)
    if phone:
        then_the_first_result_is_above_the_filters(page, javascript=javascript)
    else:
        then_the_filters_are_a_column_beside_the_results(page)

    when_they_open_the_filters(page, javascript=javascript, phone=phone)
    when_they_choose(page, age="80", accessibility="Step-free access")
    then_the_heading_says(page, "1 service found within 5 miles of WR1 2EY")
    then_the_results_are(page, {"Riverside Day Club"})
    then_the_tags_are(page, ["Age 80", "Step-free access"])
    if javascript and phone:
        expect(page.get_by_role("button", name="Show filters (2)", exact=True)).to_be_visible()
        expect(page.locator("#filters")).to_be_hidden()
    elif not javascript:
        expect(page.get_by_role("link", name="Show filters (2)", exact=True)).to_be_visible()
    then_nothing_scrolls_sideways(page, viewport)

    page.get_by_role("link", name="Remove this filter: Step-free access").click()
    then_the_heading_says(page, "4 services found within 5 miles of WR1 2EY")
    then_the_tags_are(page, ["Age 80"])
    expect(page.get_by_label("Age of the person")).to_have_value("80")

    page.get_by_role("link", name="Clear filters").click()
    then_the_heading_says(page, "4 services found within 5 miles of WR1 2EY")
    expect(page.locator(".app-filter-tag")).to_have_count(0)
    expect(page.get_by_label("What are you looking for?")).to_have_value("day club")


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_an_age_that_is_not_one_is_explained_beside_the_field_and_the_summary_leads_to_it(
    new_context, worcester, javascript, viewport
):
    page = given_a_search_for_day_clubs(new_context, javascript=javascript, viewport=viewport)
    when_they_open_the_filters(page, javascript=javascript, phone=viewport is PHONE)
    page.get_by_label("Age of the person").fill("800")
    page.get_by_role("button", name="Apply filters").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    summary.get_by_role("link", name="Enter an age from 0 to 120").click()
    age = page.get_by_label("Age of the person")
    expect(age).to_be_visible()  # with JavaScript on a phone, the filters open by themselves
    expect(age).to_be_focused()
    expect(age).to_have_value("800")
    expect(page.locator("#id_age-error")).to_contain_text("Enter an age from 0 to 120")


def test_with_words_and_a_place_they_can_sort_by_nearest(new_context, worcester):
    page = given_a_search_for_day_clubs(new_context, javascript=True, viewport=PHONE)

    page.get_by_label("Nearest first").check()
    page.get_by_role("button", name="Search", exact=True).click()

    then_the_heading_says(page, "4 services found within 5 miles of WR1 2EY")
    miles = [float(m) for m in re.findall(r"([0-9.]+) miles? away", page.locator("#results").inner_text())]
    assert miles == sorted(miles) and len(miles) == 4
    expect(page.get_by_label("Nearest first")).to_be_checked()
