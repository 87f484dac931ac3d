"""Tables fit the screen they are read on, from a 320 px phone to a 1280 px desktop, without losing a column (issue 16).

Ruth follows the referrals her team sent, Jean reads the referrals her day club received, and a visitor reads which
cookies the site sets. Where a table has room for its columns it is a table; where it has not, each row becomes a
block with every cell under its column's name (frontend/scss/_tables.scss). Either way, every cell is in sight: none
is cut off at the edge of the table's box or of the screen, and on a phone each one is labelled with its column.
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import data_built_once
from tests.browser.test_accessibility import go
from tests.browser.test_accessibility_referrals import build_referrals

pytestmark = pytest.mark.browser

world, transactional_db = data_built_once(build_referrals)

SCREENS = [pytest.param(320, id="a small phone"), pytest.param(1280, id="a desktop")]

OUT_OF_SIGHT = """(table) => {
    const region = table.closest(".app-table-scroll") || table;
    const [box, screen] = [region.getBoundingClientRect(), document.documentElement.clientWidth];
    const problems = [];
    for (const cell of table.querySelectorAll("tbody th, tbody td")) {
        const drawn = cell.getBoundingClientRect();
        if (drawn.left < box.left - 0.5 || drawn.right > box.right + 0.5 || drawn.right > screen + 0.5) {
            problems.push(`“${cell.textContent.trim()}” reaches ${Math.round(drawn.right)} px, past the edge`);
        }
    }
    return problems;
}"""

LABELS = """(table) => Array.from(table.querySelectorAll("tbody tr"), (row) => Array.from(
    row.querySelectorAll("td"), (cell) => getComputedStyle(cell, "::before").content.replace(/^"|"$/g, "")))"""


def then_every_cell_is_in_sight(table: Locator, columns: list[str], width: int) -> None:
    expect(table.get_by_role("columnheader")).to_have_text(columns)
    problems = table.evaluate(OUT_OF_SIGHT)
    assert not problems, "\n".join(problems)
    if width < 640:  # a list of rows: each cell headed by its column
        labels = table.evaluate(LABELS)
        assert labels and all(row == columns[-len(row):] for row in labels), labels


def open_as(new_signed_in_context, person, width: int, path: str) -> Page:
    page = new_signed_in_context(person, viewport={"width": width, "height": 800}).new_page()
    go(page, path)
    return page


@pytest.mark.parametrize("width", SCREENS)
def test_ruth_sees_when_each_referral_was_sent_and_where_it_is_now_on_her_phone_and_at_her_desk(
    new_signed_in_context, world, width
):
    page = open_as(new_signed_in_context, world.referrer, width, "/referrals/")

    table = page.get_by_role("table", name=re.compile(r"^\d+ referrals"))
    expect(table.get_by_role("row").filter(has_text="Margaret Evans")).to_contain_text("Waiting for an answer")
    then_every_cell_is_in_sight(table, ["Reference", "Person", "Service", "Sent", "Status"], width)


@pytest.mark.parametrize("width", SCREENS)
def test_jean_sees_when_each_referral_came_how_soon_and_its_status_on_her_phone_and_at_her_desk(
    new_signed_in_context, world, width
):
    page = open_as(new_signed_in_context, world.provider, width, "/provider/referrals/")

    table = page.get_by_role("table", name=re.compile(r"^All referrals"))
    then_every_cell_is_in_sight(table, ["Reference", "Service", "From", "Sent", "How soon", "Status"], width)


@pytest.mark.parametrize("width", SCREENS)
def test_the_councils_referrals_show_every_column_on_a_phone_and_at_a_desk(new_signed_in_context, world, width):
    page = open_as(new_signed_in_context, world.staff, width, "/council/referrals/")

    table = page.get_by_role("table", name=re.compile(r"^\d+ referrals"))
    then_every_cell_is_in_sight(
        table, ["Reference", "Service", "Sent by", "Sent", "Status", "Days to first answer"], width)


@pytest.mark.parametrize("width", SCREENS)
def test_a_visitor_reads_each_cookies_name_purpose_and_expiry_on_a_small_phone(new_context, world, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    go(page, "/cookies/")

    table = page.get_by_role("table", name="Cookies this website sets")
    then_every_cell_is_in_sight(table, ["Name", "Purpose", "Expires"], width)
