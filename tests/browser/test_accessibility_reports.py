"""The council's reports and the public open data page pass axe-core's WCAG 2.2 A and AA rules at desktop and mobile
widths, in each state they are checked in, with one h1 and a title of their own.

Each case: given a person (a member of the council's staff, or someone not signed in) on a page, at a screen width,
in a state (the reports as they open, filtered by an area and a type of support, or with an error; the open data page
as it opens), when axe-core checks the page, then it finds no violations, and the page has exactly one h1 and a title
of its own. The page is opened afresh for each state and width, and the staff member gets her session from Django's
test client, as in test_accessibility_signed_in.py. The data is the reports journey's (test_reports_journey.py):
charts, tables with figures and gap cells in every section. It is built once for the module (one commit) and
deleted when its last page is checked: the pages only read it.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import data_built_once
from tests.browser.test_accessibility import go
from tests.browser.test_accessibility_signed_in import (
    AccountPage,
    given_a_person_on,
    press,
    problems_in_every_state,
    then_it_shows_an_error,
)
from tests.browser.test_reports_journey import GAP, Reports, build_reports, then_the_table_shows

pytestmark = pytest.mark.browser


world, transactional_db = data_built_once(build_reports)


@pytest.fixture(autouse=True)
def words_of_searches_that_found_nothing_shown(settings):
    """Malvern's two searches for "day club" are enough to show their words, each with "Add as a synonym"."""
    settings.SEARCH_WORDS_MIN_VISITORS = 2


# Given: the pages, each opened in the states it is checked in -------------------------------------------------------


def reports_as_they_open(page: Page, world: Reports) -> None:
    go(page, "/council/reports/")
    expect(page.locator("#showing")).to_contain_text("all areas, all types of support.")
    expect(page.locator(".app-gap-tag").first).to_be_visible()  # the gaps table has its empty cells
    expect(page.locator("svg.app-chart__svg")).to_have_count(15)  # a chart for every table that has one
    expect(page.locator('a[href="/council/words-people-use/add/?words=club"]')).to_contain_text("Add as a synonym")


def choose_malvern_and_home_help(page: Page) -> None:
    page.get_by_label("Area", exact=True).select_option(label="Malvern")
    page.get_by_label("Type of support", exact=True).select_option(label="Home help")


def fill_dates(page: Page, dates: dict[str, dict[str, str]]) -> None:
    """{"From": {"Day": "31", …}, "To": {…}}: typed into the date inputs, by their legend and label."""
    for legend, answers in dates.items():
        group = page.get_by_role("group", name=legend, exact=True)
        for label, value in answers.items():
            group.get_by_label(label, exact=True).fill(value)


def filtered_by_area_and_type_of_support(page: Page, world: Reports) -> None:
    go(page, "/council/reports/")
    choose_malvern_and_home_help(page)
    press(page, "Apply")
    expect(page.locator("#showing")).to_contain_text(", Malvern, home help.")


def filtered_with_a_to_date_before_the_from_date(page: Page, world: Reports) -> None:
    go(page, "/council/reports/")
    choose_malvern_and_home_help(page)
    fill_dates(page, {"From": {"Day": "1", "Month": "6", "Year": "2025"},
                      "To": {"Day": "1", "Month": "1", "Year": "2025"}})
    press(page, "Apply")
    then_it_shows_an_error(page)
    expect(page.locator(".govuk-error-summary a")).to_have_text([
        "The end date must be the same as or after the start date"])
    expect(page.get_by_label("Area", exact=True)).to_have_value("malvern")  # nothing chosen is lost


def dates_that_do_not_work(page: Page, world: Reports) -> None:
    """A "from" date that does not exist (31 February) and a "to" date with only a year: an error for each."""
    go(page, "/council/reports/")
    fill_dates(page, {"From": {"Day": "31", "Month": "2", "Year": "2025"}, "To": {"Year": "2025"}})
    press(page, "Apply")
    then_it_shows_an_error(page)
    expect(page.locator(".govuk-error-summary a")).to_have_text([
        "The start date must be a real date", "The end date must include a day and a month"])


def open_data_as_it_opens(page: Page, world: Reports) -> None:
    go(page, "/open-data/")
    expect(page.get_by_role("link", name="Download all 4 published services (CSV)", exact=True)).to_be_visible()


PAGES = [
    AccountPage("reports", "staff", reports_as_they_open, dates_that_do_not_work),
    AccountPage("reports, filtered by area and type of support", "staff", filtered_by_area_and_type_of_support,
                filtered_with_a_to_date_before_the_from_date),
    AccountPage("open data", "visitor", open_data_as_it_opens),
]


# Then: no violations, one h1, a title, in every state at every width ----------------------------------------------


@pytest.mark.parametrize("account_page", PAGES, ids=str)
def test_a_reports_or_open_data_page_has_no_wcag_violations_one_h1_and_a_title(
    new_context, new_signed_in_context, world, account_page
):
    page = given_a_person_on(account_page, world, new_context, new_signed_in_context)

    problems = problems_in_every_state(page, account_page, world)

    assert not problems, "\n\n".join(problems)


# The charts and tables fit every screen: Priya reads them on her phone and at her desk -----------------------------

SCREENS = [320, 375, 480, 641, 768, 1024, 1280]  # px wide: a small phone, a phone, …, a desktop

CHART_WORDS = """() => {
    const problems = [];
    for (const svg of document.querySelectorAll("svg.app-chart__svg")) {
        const chart = svg.querySelector("title").textContent;
        const shown = Array.from(svg.querySelectorAll("text")).filter((text) => {
            const box = text.getBoundingClientRect();
            return box.width || box.height;
        });
        const boxes = shown.map((text) => text.getBoundingClientRect());
        shown.forEach((text, index) => {
            const px = parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a;
            if (px < 16) problems.push(`${chart}: “${text.textContent}” is ${px.toFixed(1)} px high`);
            for (let other = index + 1; other < shown.length; other++) {
                const [a, b] = [boxes[index], boxes[other]];
                const apart = 0.5;  // px: boxes that only touch are not on top of each other
                if (a.left < b.right - apart && b.left < a.right - apart
                        && a.top < b.bottom - apart && b.top < a.bottom - apart) {
                    problems.push(`${chart}: “${text.textContent}” is on top of “${shown[other].textContent}”`);
                }
            }
        });
    }
    return problems;
}"""


def test_priya_can_read_every_chart_from_a_small_phone_to_a_desktop_over_two_years_or_ten(
    new_signed_in_context, world
):
    today = timezone.localdate()
    ten_years = (f"?date_from_day=1&date_from_month=1&date_from_year={today.year - 9}"
                 f"&date_to_day={today.day}&date_to_month={today.month}&date_to_year={today.year}")
    page = new_signed_in_context(world.staff).new_page()
    problems = []
    for period, query in {"the last 24 months": "", "ten years": ten_years}.items():
        for width in SCREENS:
            page.set_viewport_size({"width": width, "height": 800})
            go(page, f"/council/reports/{query}")
            expect(page.locator("svg.app-chart__svg")).to_have_count(15)
            problems += [f"{period}, {width} px: {problem}" for problem in page.evaluate(CHART_WORDS)]

    assert not problems, "the chart text is too small or crowded:\n" + "\n".join(problems)


def test_on_a_small_phone_the_gaps_table_is_a_list_of_areas_each_type_of_support_under_its_name(
    new_signed_in_context, world
):
    page = new_signed_in_context(world.staff, viewport={"width": 320, "height": 640}).new_page()
    go(page, "/council/reports/")
    gaps = "Published services that reach each area, by type of support"

    # Still a table to a screen reader, with every figure and gap ...
    then_the_table_shows(page, gaps, {"Malvern": [GAP, GAP, "1", "1"], "Worcester": ["1", "1", "1", "3"]})
    table = page.get_by_role("table", name=gaps, exact=True)
    # ... but each cell is on a line of its own, as wide as the table, under its column's name; the row of column
    # names is only for screen readers.
    cells = table.evaluate("""(table) => Array.from(table.querySelectorAll("td"), (cell) => [
        Math.round(cell.getBoundingClientRect().width), getComputedStyle(cell, "::before").content])""")
    assert cells[:4] == [[290, '"Befriending"'], [290, '"Day clubs"'], [290, '"Home help"'], [290, '"All types"']]
    assert table.locator("thead").evaluate("(head) => head.getBoundingClientRect().width") <= 1
