"""The open data page, with its section for developers of other directories, at the narrowest width WCAG's reflow
asks for (320 CSS pixels): it does not scroll sideways, even with the long addresses a council's real domain gives the
API and the example request, and axe-core finds no violations."""

import pytest

from tests.browser.test_accessibility import describe, go, then_it_has_one_h1_and_a_title_of_its_own, when_axe_checks

pytestmark = pytest.mark.browser

NARROWEST = {"width": 320, "height": 640}
# A long but real-looking address, as a council would give the site (SITE_URL): the API's address and the example
# request are written from it.
LONG_SITE_URL = "https://find-community-support-and-care.worcestershire-county-council.gov.uk"


def test_at_320_pixels_the_open_data_page_does_not_scroll_sideways(new_context, transactional_db, settings):
    settings.SITE_URL = LONG_SITE_URL
    page = new_context(viewport=NARROWEST).new_page()

    go(page, "/open-data/")

    assert page.get_by_role("heading", name="For developers of other directories").is_visible()
    assert page.get_by_text(f"{LONG_SITE_URL}/api/oruk/service_at_locations?postcode=WR1+2EY").is_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] == 320, f"the page is {widths[0]} pixels wide in a window of {widths[1]}"
    wider = page.evaluate(
        """() => [...document.querySelectorAll("main *")]
            .filter((element) => element.getBoundingClientRect().right > document.documentElement.clientWidth)
            .map((element) => element.outerHTML.slice(0, 120))"""
    )
    assert not wider, "reaching past the window's right edge:\n" + "\n".join(wider)
    violations = when_axe_checks(page)
    assert not violations, describe(violations)
    then_it_has_one_h1_and_a_title_of_its_own(page)
