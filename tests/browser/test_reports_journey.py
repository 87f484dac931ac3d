"""A member of the council's staff opens the reports, filters them by one area, and downloads a table as CSV.

Priya works for Worcestershire County Council, which has two areas: Worcester, which every type of support reaches,
and Malvern, which only home help reaches (a gap for day clubs and befriending). She opens Reports from the council
pages' navigation and sees every section with the council's figures; she chooses Malvern and applies the filter,
and the figures become Malvern's; she downloads one table as a CSV file, and its rows are the rows of that table on
the page. A provider who opens the reports is refused.

The journey runs twice: with JavaScript on, and with it off (every page must work without it). It only reads the
data, so the data is built once for the module (one commit) and deleted after its last test, as in
test_accessibility_referrals.py; the accessibility checks of the reports (test_accessibility_reports.py) use the
same data.

The data (every date within the last 24 months, which the page shows when no dates are chosen):

Areas: Worcester (385000, 255000) and Malvern (378000, 245000), 7.6 miles apart.
Types of support: Befriending, Day clubs, Home help.

Listings (status; yearly figures: people supported, paid staff, volunteers) and their services:
- Worcester Day Club (published; 40, 2, 5): Wednesday Day Club, Day clubs, a venue 1 mile from Worcester's centre,
  taking new people.
- Worcester Befrienders (published; 12, 0, 8): Befriending visits, Befriending, home visits covering Worcester,
  waiting list.
- Worcester Home Care (published; 25, 4, 0): Home help in Worcester, Home help, home visits covering Worcester, full.
- Malvern Home Helpers (published; 15, 3, 1): Home help in Malvern, Home help, home visits covering Malvern, taking
  new people.
- Malvern Gardeners (submitted): Garden help, Home help, a venue at Malvern's centre.
- Malvern Lunch Club (draft): Thursday Lunch, Day clubs, a venue at Malvern's centre (a draft fills no gap).

Referrals (days to the first answer): to the Wednesday Day Club, one accepted (1), one declined (2), one waiting;
to Home help in Malvern, one where support started (1) and one accepted (3).
All areas: 5 sent, 4 answered, 3 accepted, 1 declined, 75%, median 1.5 days. Malvern: 2, 2, 2, 0, 100%, 2.0 days.

Searches: three from Worcester (WR1), two from Malvern (WR14) for "day club" that found nothing.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from directory.models import SearchRecord
from enterprises.models import Capacity, Delivery, Enterprise, Organisation, Service, StaffMembership
from referrals.models import Referral
from tests.browser.conftest import data_built_once
from tests.factories import (
    make_area,
    make_category,
    make_client_group,
    make_council,
    make_enterprise,
    make_referral,
    make_service,
)

pytestmark = pytest.mark.browser

JAVASCRIPT = {"javascript on": True, "javascript off": False}

COUNCIL = "Worcestershire County Council"
MILE = 1609  # metres, near enough
Status = Enterprise.Status
RStatus = Referral.Status

SECTIONS = ["Listings", "Capacity", "People supported, jobs and volunteers", "Referrals",
            "Gaps: where nothing reaches", "What people searched for", "Enquiries about starting a micro-enterprise",
            "Courses and meet-ups for providers"]
GAP = "None (a gap)"  # a gap cell: "None", and for screen readers "(a gap)"
REFERRALS_SUMMARY = "Referrals: answers and how long they took"


# Given: a council with two areas, its listings, referrals and searches, its staff, and a provider -----------------


@dataclass(frozen=True)
class Reports:
    staff: object  # Priya: the council's staff
    provider: object  # Jean: runs the Worcester Day Club
    council: object
    day_club: Service


def build_reports() -> Reports:
    today, now = timezone.localdate(), timezone.now()
    council = make_council(COUNCIL)
    worcester = make_area("Worcester", 385000, 255000, council)
    malvern = make_area("Malvern", 378000, 245000, council)
    befriending, day_clubs, home_help = (make_category(name) for name in ["Befriending", "Day clubs", "Home help"])
    older_people = make_client_group("Older people")

    def person(email, first, last):  # no password: they are signed in by the test client, never the sign-in page
        return get_user_model().objects.create_user(username=email, email=email, first_name=first, last_name=last)

    def listing(name, status=Status.PUBLISHED, figures=(None, None, None)):
        people, paid, volunteers = figures
        return make_enterprise(
            name, status=status, council=council, people_supported=people, paid_staff=paid, volunteers=volunteers,
            published_at=now - timedelta(days=90) if status == Status.PUBLISHED else None,
        )

    def service(name, enterprise, category, capacity=Capacity.TAKING, *, venue=None, covers=()):
        where = ({"delivery": [Delivery.VENUE], "venue_easting": venue[0], "venue_northing": venue[1]} if venue
                 else {"delivery": [Delivery.HOME]})
        return make_service(name, enterprise=enterprise, categories=[category], client_groups=[older_people],
                            coverage_areas=covers, capacity=capacity, capacity_confirmed_on=today, **where)

    day_club_listing = listing("Worcester Day Club", figures=(40, 2, 5))
    day_club = service("Wednesday Day Club", day_club_listing, day_clubs, venue=(385000 + MILE, 255000))
    service("Befriending visits", listing("Worcester Befrienders", figures=(12, 0, 8)), befriending,
            Capacity.WAITING_LIST, covers=[worcester])
    service("Home help in Worcester", listing("Worcester Home Care", figures=(25, 4, 0)), home_help, Capacity.FULL,
            covers=[worcester])
    malvern_help = service("Home help in Malvern", listing("Malvern Home Helpers", figures=(15, 3, 1)), home_help,
                           covers=[malvern])
    service("Garden help", listing("Malvern Gardeners", Status.SUBMITTED), home_help, venue=(378000, 245000))
    service("Thursday Lunch", listing("Malvern Lunch Club", Status.DRAFT), day_clubs, venue=(378000, 245000))

    priya = person("priya.shah@worcestershire.example", "Priya", "Shah")
    StaffMembership.objects.create(user=priya, council=council)
    jean = person("jean@worcester-day-club.example", "Jean", "Morgan")
    day_club_listing.members.add(jean)
    ruth = person("ruth.jones@worcestershire.example", "Ruth", "Jones")
    Organisation.objects.create(council=council, name="Adult Social Care").members.add(ruth)

    def refer(to, days_ago, status, answered_after=None, accepted=False):
        sent = now - timedelta(days=days_ago)
        fields = {"status": status, "sent_at": sent}
        if answered_after is not None:
            fields["first_response_at"] = sent + timedelta(days=answered_after)
        if accepted:
            fields["accepted_at"] = fields["first_response_at"]
        make_referral(service=to, referrer=ruth, **fields)

    refer(day_club, 60, RStatus.ACCEPTED, 1, accepted=True)
    refer(day_club, 50, RStatus.DECLINED, 2)
    refer(day_club, 3, RStatus.SENT)
    refer(malvern_help, 40, RStatus.STARTED, 1, accepted=True)
    refer(malvern_help, 20, RStatus.ACCEPTED, 3, accepted=True)

    for days_ago, area, district, words, slugs, found in [
        (30, worcester, "WR1", "lunch club", ["day-clubs"], 1),
        (25, worcester, "WR1", "", ["home-help"], 1),
        (10, worcester, "WR1", "", [], 4),
        (12, malvern, "WR14", "day club", ["day-clubs"], 0),
        (5, malvern, "WR14", "day club", ["day-clubs"], 0),
    ]:
        SearchRecord.objects.create(searched_on=today - timedelta(days=days_ago), area=area,
                                    postcode_district=district, words=words, category_slugs=slugs, result_count=found,
                                    visitor=f"visitor-{days_ago}")
    return Reports(priya, jean, council, day_club)


world, transactional_db = data_built_once(build_reports)


def given_staff_signed_in(new_signed_in_context, world: Reports, javascript: bool) -> Page:
    page = new_signed_in_context(world.staff, java_script_enabled=javascript).new_page()
    page.goto("/council/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Waiting for approval")
    # GOV.UK Frontend marks the body once its JavaScript runs: proof that JavaScript really is on, or off.
    supported = re.compile(r"\bgovuk-frontend-supported\b")
    if javascript:
        expect(page.locator("body")).to_have_class(supported)
    else:
        expect(page.locator("body")).not_to_have_class(supported)
    return page


# Reading the page ------------------------------------------------------------------------------------------------


def table(page: Page, caption: str) -> Locator:
    """A report's table, by its caption (its accessible name)."""
    return page.get_by_role("table", name=caption, exact=True)


def then_the_table_shows(page: Page, caption: str, rows: dict[str, list[str]]) -> None:
    """Each row (by its label) of the table captioned `caption` has exactly these cells, and the table no others."""
    found = table(page, caption)
    expect(found.get_by_role("rowheader")).to_have_text(list(rows))
    for label, cells in rows.items():
        row = found.get_by_role("row").filter(has=page.get_by_role("rowheader", name=label, exact=True))
        expect(row.get_by_role("cell")).to_have_text(cells)


def rows_on_the_page(page: Page, caption: str) -> list[list[str]]:
    """Every row of a table as shown, header first: the text of each cell."""
    page.wait_for_load_state()
    return table(page, caption).evaluate(
        "(table) => Array.from(table.rows, (row) => Array.from(row.cells, (cell) => cell.textContent.trim()))"
    )


# Her steps -------------------------------------------------------------------------------------------------------


def when_she_opens_reports_from_the_council_nav(page: Page) -> None:
    page.get_by_role("navigation", name="Council pages").get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_role("navigation", name="Council pages").get_by_role("link", name="Reports", exact=True)
           ).to_have_attribute("aria-current", "page")


def then_she_sees_every_section(page: Page) -> None:
    expect(page.get_by_role("navigation", name="Contents").get_by_role("link")).to_have_text(SECTIONS)
    for section in SECTIONS:
        expect(page.get_by_role("heading", level=2, name=section, exact=True)).to_be_visible()
    expect(page.locator("#showing")).to_contain_text(", all areas, all types of support.")


def then_she_sees_the_whole_councils_figures(page: Page) -> None:
    then_the_table_shows(page, "Listings by status (6 in all)", {
        "Draft": ["1"], "Submitted": ["1"], "Changes requested": ["0"], "Published": ["4"], "Suspended": ["0"],
        "Archived": ["0"], "Rejected": ["0"],
    })
    then_the_table_shows(page, "Published listings by area they reach", {"Malvern": ["1", "1"],
                                                                         "Worcester": ["3", "3"]})
    then_the_table_shows(page, "Published services by capacity (4 in all)", {
        "Taking new people": ["2"], "Waiting list": ["1"], "Full": ["1"], "Not known": ["0"]})
    then_the_table_shows(page, "What 4 of 4 published listings say they do in a year", {
        "People supported": ["92"], "Paid staff": ["9"], "Volunteers": ["14"]})
    then_the_table_shows(page, REFERRALS_SUMMARY, {
        "Referrals sent": ["5"], "Answered (accepted or declined)": ["4"], "Accepted": ["3"], "Declined": ["1"],
        "Acceptance rate (accepted ÷ answered)": ["75%"], "Median days to first answer": ["1.5"],
    })
    # Befriending, Day clubs, Home help, All types: Malvern has no day club and no befriending.
    gaps = "Published services that reach each area, by type of support"
    then_the_table_shows(page, gaps, {"Malvern": [GAP, GAP, "1", "1"], "Worcester": ["1", "1", "1", "3"]})
    expect(table(page, gaps).locator(".app-gap-tag")).to_have_count(2)
    for gap in table(page, gaps).locator(".app-gap-tag").all():
        expect(gap).to_be_visible()
    then_the_table_shows(page, "The 10 postcode districts searched from most", {"WR1": ["3"], "WR14": ["2"]})
    then_the_table_shows(page, "Types of support in searches that found nothing (the 10 commonest)",
                         {"Day clubs": ["2"]})


def when_she_filters_by_area(page: Page, area: str) -> None:
    page.get_by_label("Area", exact=True).select_option(label=area)
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.locator("#showing")).to_contain_text(f", {area}, all types of support.")
    expect(page.get_by_label("Area", exact=True)).to_have_value(area.lower())
    expect(page).to_have_title(re.compile(rf"^Reports: {area} – "))


def then_she_sees_malverns_figures(page: Page) -> None:
    # Malvern Home Helpers (published), Malvern Gardeners (submitted) and Malvern Lunch Club (draft) reach it.
    then_the_table_shows(page, "Listings by status (3 in all)", {
        "Draft": ["1"], "Submitted": ["1"], "Changes requested": ["0"], "Published": ["1"], "Suspended": ["0"],
        "Archived": ["0"], "Rejected": ["0"],
    })
    then_the_table_shows(page, "Published listings by area they reach", {"Malvern": ["1", "1"]})
    then_the_table_shows(page, "Published services by capacity (1 in all)", {
        "Taking new people": ["1"], "Waiting list": ["0"], "Full": ["0"], "Not known": ["0"]})
    then_the_table_shows(page, "What 1 of 1 published listings say they do in a year", {
        "People supported": ["15"], "Paid staff": ["3"], "Volunteers": ["1"]})
    then_the_table_shows(page, REFERRALS_SUMMARY, {
        "Referrals sent": ["2"], "Answered (accepted or declined)": ["2"], "Accepted": ["2"], "Declined": ["0"],
        "Acceptance rate (accepted ÷ answered)": ["100%"], "Median days to first answer": ["2.0"],
    })
    then_the_table_shows(page, "Referrals by area the service reaches", {"Malvern": ["2", "2", "2", "100%"]})
    then_the_table_shows(page, "Referrals by type of support", {
        "Befriending": ["0", "0", "0", "No answers yet"], "Day clubs": ["0", "0", "0", "No answers yet"],
        "Home help": ["2", "2", "2", "100%"]})
    then_the_table_shows(page, "Published services that reach each area, by type of support",
                         {"Malvern": [GAP, GAP, "1", "1"]})
    then_the_table_shows(page, "The 10 postcode districts searched from most", {"WR14": ["2"]})


def when_she_downloads_the_table(page: Page, caption: str, world: Reports) -> list[list[str]]:
    # The link's name ends with the table's caption, in visually hidden text; Chromium puts a space before it.
    link = page.get_by_role("link", name=re.compile(rf"^Download this table as a CSV file ?: {re.escape(caption)}$"))
    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    today = timezone.localdate().isoformat()
    assert download.failure() is None, download.failure()
    assert re.fullmatch(rf"{world.council.slug}-[a-z-]+-{today}\.csv", download.suggested_filename), (
        download.suggested_filename)
    return list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))


def then_the_file_has_the_rows_of_the_table(rows: list[list[str]], page: Page, caption: str) -> None:
    shown = rows_on_the_page(page, caption)
    assert rows == shown, f"the CSV file has\n{rows}\nbut the page shows\n{shown}"


# The journey -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_staff_open_the_reports_filter_them_by_area_and_download_a_table(new_signed_in_context, world, javascript):
    page = given_staff_signed_in(new_signed_in_context, world, javascript)

    when_she_opens_reports_from_the_council_nav(page)
    then_she_sees_every_section(page)
    then_she_sees_the_whole_councils_figures(page)

    when_she_filters_by_area(page, "Malvern")
    then_she_sees_malverns_figures(page)

    rows = when_she_downloads_the_table(page, REFERRALS_SUMMARY, world)
    assert rows == [
        ["Measure", "Figure"],
        ["Referrals sent", "2"],
        ["Answered (accepted or declined)", "2"],
        ["Accepted", "2"],
        ["Declined", "0"],
        ["Acceptance rate (accepted ÷ answered)", "100%"],
        ["Median days to first answer", "2.0"],
    ]
    then_the_file_has_the_rows_of_the_table(rows, page, REFERRALS_SUMMARY)


def test_a_provider_who_opens_the_reports_is_refused(new_signed_in_context, world):
    page = new_signed_in_context(world.provider).new_page()

    response = page.goto("/council/reports/")

    assert response is not None and response.status == 403, f"the reports answered {response and response.status}"
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Reports")
    expect(page.get_by_role("table")).to_have_count(0)
    csv_file = page.request.get("/council/reports/referrals-summary.csv")
    assert csv_file.status == 403, f"the CSV answered {csv_file.status}"
