"""Priya, of the council's staff, brings the council's old directory in from a spreadsheet.

She opens "Import listings", presses "Check the file" before choosing one and is told to select one; she chooses the
CSV file. The dry run shows the two new services, the one that looks like a listing the council already has, and the
row with no service name, with its line. She imports, and the new listing waits in the approval queue.

The journey runs twice: with JavaScript on, and with it off.
"""

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from enterprises.models import StaffMembership
from tests.factories import make_council, make_enterprise, make_postcode, make_service

pytestmark = pytest.mark.browser

JAVASCRIPT = {"javascript on": True, "javascript off": False}
STAFF_EMAIL = "priya.shah@worcestershire.example"
PASSWORD = "correct horse battery staple"
OLD_DIRECTORY = (
    "Service name,Provider,Summary,Venue postcode,Days and times,Cost\n"
    "Knit and Natter,Droitwich Knitters,Knitting and a chat.,WR1 2EY,\"Tuesday, 2pm to 4pm\",Free\n"
    "Sock club,Droitwich Knitters,Socks for everyone.,WR1 2EY,,Free\n"
    "Thursday Day Club,Malvern Lunch Club,Lunch and company.,WR1 2EY,,Free\n"
    ",Nobody,A row with no service name.,,,\n"
)


def given_a_council_with_one_listing(make_person) -> None:
    with transaction.atomic():
        council = make_council("Worcestershire County Council")
        StaffMembership.objects.create(user=make_person(STAFF_EMAIL, PASSWORD, "Priya"), council=council)
        lunch_club = make_enterprise("Malvern Lunch Club", council=council)
        make_service("Thursday Day Club", enterprise=lunch_club, venue=make_postcode("WR1 2EY", 385000, 255000))


def press(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def then_the_heading_is(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def when_she_signs_in_and_opens_import_listings(page: Page) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Email address", exact=True).fill(STAFF_EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")
    page.get_by_role("link", name="Import listings", exact=True).click()
    then_the_heading_is(page, "Import listings")


def when_she_checks_without_choosing_a_file_she_is_told_to(page: Page) -> None:
    press(page, "Check the file")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select a CSV file")
    summary.get_by_role("link", name="Select a CSV file").click()
    expect(page.get_by_label("CSV file")).to_be_focused()


def when_she_chooses_the_file_and_checks_it(page: Page) -> None:
    page.get_by_label("CSV file").set_input_files(
        {"name": "old-directory.csv", "mimeType": "text/csv", "buffer": OLD_DIRECTORY.encode()}
    )
    press(page, "Check the file")
    then_the_heading_is(page, "Check the import")


def then_she_sees_what_would_happen_and_nothing_has_yet(page: Page) -> None:
    expect(page.get_by_text("Nothing has been imported yet")).to_be_visible()
    new = page.get_by_role("table", name="New services")
    expect(new.get_by_role("row").filter(has_text="Knit and Natter")).to_contain_text("line 2")
    expect(new.get_by_role("row").filter(has_text="Sock club")).to_contain_text("Droitwich Knitters")
    duplicates = page.get_by_role("table", name="Look like listings you already have: not imported")
    expect(duplicates).to_contain_text("Thursday Day Club (Malvern Lunch Club, WR1 2EY)")
    bad = page.get_by_role("table", name="Cannot be imported")
    expect(bad.get_by_role("row").filter(has_text="line 5")).to_contain_text("Service name: This field cannot be blank")


def when_she_imports(page: Page) -> None:
    press(page, "Import 2 services")
    expect(page.locator(".govuk-panel")).to_contain_text("2 new services, 0 updated")


def then_the_new_listing_waits_for_approval(page: Page) -> None:
    page.get_by_role("link", name="See what is waiting for approval", exact=True).click()
    then_the_heading_is(page, "Waiting for approval")
    expect(page.get_by_role("link", name="Droitwich Knitters", exact=True)).to_be_visible()


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_staff_import_a_spreadsheet_after_checking_what_it_would_do(new_context, make_person, javascript):
    given_a_council_with_one_listing(make_person)
    priya = new_context(java_script_enabled=javascript).new_page()

    when_she_signs_in_and_opens_import_listings(priya)
    when_she_checks_without_choosing_a_file_she_is_told_to(priya)
    when_she_chooses_the_file_and_checks_it(priya)
    then_she_sees_what_would_happen_and_nothing_has_yet(priya)
    when_she_imports(priya)
    then_the_new_listing_waits_for_approval(priya)
