"""A member of the council's staff teaches the search a word people use, and a resident then finds services by it.

Stella works for Worcestershire County Council. People search for "day centre"; the directory around Worcester
(tests/browser/worcester.py) has day clubs but no "day centre", so a resident searching for it near WR1 2EY finds
nothing. Stella opens "Words people use" from the council pages' navigation and adds a synonym: first forgetting
what it should also find (she is told beside the field, and what she typed is kept), then "day club". The same
resident's search now finds the Riverside Day Club. She then deletes it, after being asked to make sure.

The journey runs twice: with JavaScript on, and with it off.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from enterprises.models import StaffMembership
from tests.browser.test_resident_journey import when_they_search_for
from tests.browser.worcester import HOME_POSTCODE
from tests.factories import make_council

pytestmark = pytest.mark.browser

JAVASCRIPT = {"javascript on": True, "javascript off": False}


def given_stella_on_the_council_pages(new_signed_in_context, make_person, javascript: bool) -> Page:
    stella = make_person("stella@worcestershire.example", "a long test password 1", "Stella Officer")
    StaffMembership.objects.create(user=stella, council=make_council())
    page = new_signed_in_context(stella, java_script_enabled=javascript).new_page()
    page.goto("/council/")
    supported = re.compile(r"\bgovuk-frontend-supported\b")  # proof that JavaScript really is on, or off
    if javascript:
        expect(page.locator("body")).to_have_class(supported)
    else:
        expect(page.locator("body")).not_to_have_class(supported)
    return page


def a_resident_searches_for(new_context, words: str) -> Page:
    page = new_context().new_page()
    page.goto("/search/")
    when_they_search_for(page, words, HOME_POSTCODE)
    return page


@pytest.mark.parametrize("javascript", JAVASCRIPT.values(), ids=JAVASCRIPT.keys())
def test_staff_add_a_word_people_use_and_residents_find_services_by_it(new_context, new_signed_in_context,
                                                                       make_person, worcester, javascript):
    resident = a_resident_searches_for(new_context, "day centre")
    expect(resident.get_by_role("heading", name=re.compile("No services found"))).to_be_visible()

    page = given_stella_on_the_council_pages(new_signed_in_context, make_person, javascript)
    page.get_by_role("link", name="Words people use").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Words people use")
    page.get_by_role("button", name="Add a synonym").click()
    page.get_by_label("Words people search for").fill("day centre")
    page.get_by_role("button", name="Save the synonym").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the words a search for them should also find")
    expect(page.locator("#id_also_find-error")).to_contain_text("Enter the words a search for them should also find")
    expect(page.get_by_label("Words people search for")).to_have_value("day centre")

    page.get_by_label("Also find services that match").fill("day club")
    page.get_by_role("button", name="Save the synonym").click()
    expect(page.get_by_text("A search for “day centre” now also finds “day club”")).to_be_visible()
    expect(page.get_by_role("cell", name="day club", exact=True)).to_be_visible()

    resident = a_resident_searches_for(new_context, "day centre")
    expect(resident.get_by_role("link", name="Riverside Day Club")).to_be_visible()

    page.get_by_role("link", name=re.compile("^Delete")).click()
    expect(page.get_by_text("A search for “day centre” will no longer also find “day club”.")).to_be_visible()
    page.get_by_role("button", name="Delete the synonym").click()
    expect(page.get_by_text("No synonyms yet")).to_be_visible()

    resident = a_resident_searches_for(new_context, "day centre")
    expect(resident.get_by_role("heading", name=re.compile("No services found"))).to_be_visible()
