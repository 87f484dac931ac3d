"""A family reads a service page, sees where it is on a small map, and reports that the phone number is wrong; the
council's staff see the report with the listing and mark it dealt with (issue 15, items 6 and 7).

Each journey runs with JavaScript on and off, at 390 px and 1280 px; the map's tiles come from a tiny local tile
server (a blank tile for every address), never the internet. The accessibility sweep covers each new page and state.
"""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.browser.chromium import DESKTOP
from tests.browser.test_accessibility import (
    then_axe_found_no_violations,
    then_it_has_one_h1_and_a_title_of_its_own,
    what_does_not_fit,
    when_axe_checks,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDTHS = {"390px": PHONE, "1280px": DESKTOP}
JAVASCRIPT = {"javascript on": True, "javascript off": False}
# The smallest valid PNG: one transparent pixel, served for every tile.
BLANK_TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class _Tiles(BaseHTTPRequestHandler):
    requested: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        _Tiles.requested.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(BLANK_TILE)))
        self.end_headers()
        self.wfile.write(BLANK_TILE)

    def log_message(self, *args):
        pass


@pytest.fixture
def tile_server(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Tiles.requested = []
    settings.MAP_TILE_URL = f"http://127.0.0.1:{server.server_port}/tiles/{{z}}/{{x}}/{{y}}.png"
    settings.MAP_TILE_ATTRIBUTION = '© <a href="https://example.org/">Test tiles</a>'
    yield _Tiles
    server.shutdown()
    server.server_close()


def watch_console(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text))
    return seen


def csp_complaints(console: list[str]) -> list[str]:
    return [line for line in console if re.search(r"Content Security Policy|Refused to", line)]


# Steps ------------------------------------------------------------------------------------------------------------


def given_a_resident_on_the_service_page(new_context, service, width, javascript=True) -> Page:
    page = new_context(viewport=width, java_script_enabled=javascript).new_page()
    page.goto(service.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(service.name)
    return page


def when_they_report_a_wrong_phone_number(page: Page, service) -> None:
    page.get_by_role("link", name=re.compile("Report a problem with this page")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("What is wrong with this page?"))
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what is wrong with this page")
    page.get_by_label("The phone number is wrong").check()
    page.get_by_label("Tell us more (optional)").fill("The number rings a fish shop")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for reporting a problem")


def then_nothing_scrolls_sideways(page: Page) -> None:
    assert not what_does_not_fit(page), what_does_not_fit(page)


# Journeys ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_a_resident_finds_where_it_is_and_reports_a_wrong_phone_number(new_context, worcester, width, javascript):
    from directory.models import ProblemReport

    service = worcester.rich_service
    page = given_a_resident_on_the_service_page(new_context, service, width, javascript)
    expect(page.get_by_text("Worcester", exact=False).first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Directions to"))).to_have_attribute(
        "href", "https://www.openstreetmap.org/directions?to=WR1+3AA"
    )
    expect(page.get_by_text("Last checked by the council")).to_be_visible()
    expect(page.locator("[data-app-map-section]")).to_have_count(0)  # no tiles set: no map, and nothing missing
    then_nothing_scrolls_sideways(page)
    when_they_report_a_wrong_phone_number(page, service)
    then_nothing_scrolls_sideways(page)
    assert ProblemReport.objects.filter(service=service, problem="wrong_phone").count() == 1


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_map_shows_the_venue_from_the_local_tiles_and_lets_the_keyboard_pass(
    new_context, worcester, tile_server, width
):
    page = new_context(viewport=width).new_page()
    console = watch_console(page)
    page.goto(worcester.rich_service.get_absolute_url())
    section = page.locator("[data-app-map-section]")
    expect(section).to_be_visible()
    expect(section.get_by_role("heading", name="Map")).to_be_visible()
    expect(section).to_contain_text("The map shows where")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
    assert tile_server.requested, "no tile was asked of the local tile server"
    assert not csp_complaints(console), csp_complaints(console)
    # The keyboard reaches the map and leaves it again with Tab.
    page.locator(".app-map").focus()
    expect(page.locator(".app-map")).to_be_focused()
    for _ in range(6):
        page.keyboard.press("Tab")
    focused_in_map = page.evaluate("document.querySelector('.app-map').contains(document.activeElement)")
    assert not focused_in_map, "Tab did not leave the map"
    then_nothing_scrolls_sideways(page)
    then_axe_found_no_violations(when_axe_checks(page))


def test_without_javascript_the_map_stays_out_of_the_way(new_context, worcester, tile_server):
    page = given_a_resident_on_the_service_page(new_context, worcester.rich_service, PHONE, javascript=False)
    expect(page.locator("[data-app-map-section]")).to_be_hidden()
    expect(page.get_by_role("link", name=re.compile("^Directions to"))).to_be_visible()
    assert not tile_server.requested


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_staff_see_the_report_with_the_listing_and_mark_it_dealt_with(
    new_signed_in_context, worcester, make_person, width, javascript
):
    import uuid

    from directory.problems import report_problem
    from enterprises.models import StaffMembership

    service = worcester.rich_service
    report_problem(service=service, problem="wrong_phone", details="Rings a fish shop", submission=uuid.uuid4())
    stella = make_person("stella@worcestershire.example", "a long test password 1", "Stella Officer")
    StaffMembership.objects.create(user=stella, council=service.enterprise.council)
    page = new_signed_in_context(stella, viewport=width, java_script_enabled=javascript).new_page()
    page.goto("/council/")
    page.get_by_role("link", name="Problems reported with listings by the public").click()
    report = page.locator(".app-problem")
    expect(report).to_contain_text("The phone number is wrong")
    expect(report).to_contain_text("Rings a fish shop")
    expect(report.get_by_role("link", name=service.enterprise.name)).to_be_visible()
    then_nothing_scrolls_sideways(page)
    if javascript:  # axe-core runs in the page, so only where JavaScript does
        then_axe_found_no_violations(when_axe_checks(page))
    report.get_by_role("button", name=re.compile("Mark as dealt with")).click()
    expect(page.get_by_text("No problems are waiting")).to_be_visible()
    if javascript:
        then_axe_found_no_violations(when_axe_checks(page))


# The accessibility sweep of the new public pages and states --------------------------------------------------------


def report_form(page, world):
    page.goto(f"/services/{world.rich_service.pk}/report-a-problem/")


def report_form_with_an_error(page, world):
    report_form(page, world)
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def report_sent(page, world):
    report_form(page, world)
    page.get_by_label("It has closed or stopped running").check()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for reporting a problem")


STATES = {"report form": report_form, "report form with an error": report_form_with_an_error,
          "report sent": report_sent}


@pytest.mark.parametrize("width", [{"width": 320, "height": 740}, DESKTOP], ids=["320px", "1280px"])
@pytest.mark.parametrize("state", STATES.values(), ids=STATES.keys())
def test_the_report_pages_have_no_wcag_violations_and_fit(new_context, worcester, state, width):
    page = new_context(viewport=width).new_page()
    state(page, worcester)
    then_axe_found_no_violations(when_axe_checks(page))
    then_it_has_one_h1_and_a_title_of_its_own(page)
    then_nothing_scrolls_sideways(page)
