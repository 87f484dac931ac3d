"""Every public page passes axe-core's WCAG 2.2 A and AA rules, at desktop and mobile widths, with one h1 and a title.

Each case: given a visitor at a screen width on a page in a particular state (results, an error, an empty
shortlist…), when axe-core checks the page, then it finds no violations, the page has exactly one h1 and a title of
its own, and it reflows (WCAG 1.4.10): at 1280 px and at 320 px nothing scrolls sideways or is cut off
(`what_does_not_fit`, which every sweep uses).
"""

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.chromium import AXE_SCRIPT, DESKTOP, MOBILE
from tests.browser.worcester import HOME_POSITION, HOME_POSTCODE, WorcesterDirectory

pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = {"desktop": DESKTOP, "mobile": MOBILE}


# Given: the pages, each opened in the state it is checked in ------------------------------------------------------


@dataclass(frozen=True)
class PublicPage:
    name: str
    open: Callable[[Page, WorcesterDirectory], None]

    def __str__(self):
        return self.name


def go(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, f"{path} answered {response and response.status}"


def home_after_using_my_location(page, world):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(HOME_POSITION)
    go(page, "/")
    page.get_by_role("button", name="Use my location").click()
    expect(page.get_by_role("status")).to_contain_text("Your nearest postcode is WR1 2EY")


def search_results(page, world):
    go(page, f"/search/?postcode={HOME_POSTCODE}&category=day-clubs")
    expect(page.locator(".app-result")).to_have_count(4)


def search_with_a_bad_postcode(page, world):
    go(page, "/search/?q=lunch&postcode=WR1+2E")
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def search_with_no_results(page, world):
    go(page, f"/search/?q=swimming&postcode={HOME_POSTCODE}")
    expect(page.get_by_role("heading", name="No services match your search")).to_be_visible()


def search_from_a_town_with_nothing_near(page, world):
    go(page, "/search/?q=day+club&postcode=Evesham&client_group=people-living-with-dementia")
    expect(page.get_by_role("heading", name="No services match your search within 5 miles of Evesham")).to_be_visible()
    expect(page.locator(".app-result")).to_have_count(2)


FILTERED = f"/search/?q=day+club&postcode={HOME_POSTCODE}&age=80&access=step_free_access&category=day-clubs"


def search_with_filters_chosen(page, world):
    go(page, FILTERED)
    expect(page.locator(".app-filter-tag")).to_have_count(3)


def search_with_the_filters_shown(page, world):
    go(page, FILTERED)
    button = page.get_by_role("button", name="Show filters (3)")
    if button.is_visible():  # on a phone; beside the results on a desktop
        button.click()
    expect(page.get_by_label("Age of the person")).to_be_visible()


def search_with_an_age_it_cannot_use(page, world):
    go(page, f"/search/?q=day+club&postcode={HOME_POSTCODE}&age=800")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an age from 0 to 120")


def search_from_a_place_name_of_several_places(page, world):
    go(page, "/search/?postcode=Newport")
    expect(page.get_by_role("heading", name="Which did you mean?")).to_be_visible()


def search_from_a_misspelt_place(page, world):
    go(page, "/search/?postcode=Evsham")
    expect(page.get_by_role("link", name="Evesham", exact=True)).to_be_visible()


def add_to_shortlist(page, service):
    go(page, service.get_absolute_url())
    page.get_by_role("button", name=f"Add {service.name} to shortlist").click()
    # On a phone the header's links are behind the Menu button: read the link's text, visible or not.
    expect(page.locator("header a[href='/shortlist/']")).to_have_text("Your shortlist (1)")


def service_just_added_to_shortlist(page, world):
    add_to_shortlist(page, world.rich_service)
    expect(page.get_by_text(f"{world.rich_service.name} is on your shortlist")).to_be_visible()


def shortlist_with_a_service(page, world):
    add_to_shortlist(page, world.rich_service)
    go(page, "/shortlist/")
    expect(page.locator(".app-result")).to_have_count(1)


def shortlist_print_view(page, world):
    add_to_shortlist(page, world.rich_service)
    go(page, "/shortlist/print/")
    expect(page.locator(".app-print-card")).to_have_count(1)


def shortlist_shared(page, world):
    shortlist_with_a_service(page, world)
    page.get_by_role("button", name="Share this list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share your shortlist")


def shortlist_shared_with_a_bad_email(page, world):
    shortlist_shared(page, world)
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Send the list").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def shortlist_emailed(page, world):
    shortlist_shared(page, world)
    page.get_by_label("Email address").fill("daughter@example.org")
    page.get_by_role("button", name="Send the list").click()
    expect(page.get_by_text("We have sent your shortlist to daughter@example.org")).to_be_visible()


def shared_shortlist(page, world, *, gone=False):
    from directory.shortlist import readable_code, share

    services = [world.rich_service.pk] + ([world.hidden_service.pk] if gone else [])
    go(page, f"/shortlist/shared/{readable_code(share(services))}/")
    expect(page.locator(".app-result")).to_have_count(1)


def open_shared_with_a_bad_code(page, world):
    go(page, "/shortlist/open/?code=K7QM")
    expect(page.locator(".govuk-error-summary")).to_be_visible()


PAGES = [
    PublicPage("home", lambda page, world: go(page, "/")),
    PublicPage("home, after “Use my location”", home_after_using_my_location),
    PublicPage("search results", search_results),
    PublicPage("search with a bad postcode", search_with_a_bad_postcode),
    PublicPage("search with no results", search_with_no_results),
    PublicPage("search with filters chosen: their tags and the sort", search_with_filters_chosen),
    PublicPage("search with the filters shown", search_with_the_filters_shown),
    PublicPage("search with an age it cannot use", search_with_an_age_it_cannot_use),
    PublicPage("search from a town with nothing near: the nearest", search_from_a_town_with_nothing_near),
    PublicPage("search from a name several places have", search_from_a_place_name_of_several_places),
    PublicPage("search from a misspelt place", search_from_a_misspelt_place),
    PublicPage("search form with nothing searched", lambda page, world: go(page, "/search/")),
    PublicPage("service", lambda page, world: go(page, world.rich_service.get_absolute_url())),
    PublicPage("service just added to the shortlist", service_just_added_to_shortlist),
    PublicPage("enterprise", lambda page, world: go(page, world.rich_enterprise.get_absolute_url())),
    PublicPage("shortlist, empty", lambda page, world: go(page, "/shortlist/")),
    PublicPage("shortlist with a service", shortlist_with_a_service),
    PublicPage("shortlist print view", shortlist_print_view),
    PublicPage("shortlist shared: its link, code and email form", shortlist_shared),
    PublicPage("shortlist shared, with a bad email address", shortlist_shared_with_a_bad_email),
    PublicPage("shortlist emailed", shortlist_emailed),
    PublicPage("shared shortlist", shared_shortlist),
    PublicPage("shared shortlist with a service no longer listed", lambda page, world: shared_shortlist(page, world,
                                                                                                         gone=True)),
    PublicPage("shared shortlist's code to type in", lambda page, world: go(page, "/shortlist/open/")),
    PublicPage("shared shortlist's code, wrong", open_shared_with_a_bad_code),
    PublicPage("accessibility statement", lambda page, world: go(page, "/accessibility/")),
    PublicPage("privacy notice", lambda page, world: go(page, "/privacy/")),
    PublicPage("cookies", lambda page, world: go(page, "/cookies/")),
    PublicPage("page not found", lambda page, world: go(page, "/services/999999/", status=404)),
]


def given_a_visitor_on(public_page: PublicPage, width: dict, new_context, world: WorcesterDirectory) -> Page:
    page = new_context(viewport=width).new_page()
    public_page.open(page, world)
    return page


# When: axe-core checks the page ----------------------------------------------------------------------------------


def when_axe_checks(page: Page) -> list[dict]:
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run `npm ci`"
    # Evaluated through the browser's debugging protocol, not added as a <script>: our Content-Security-Policy
    # rightly refuses inline scripts, and the page must be checked as it is served.
    page.evaluate(AXE_SCRIPT.read_text())
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],  // skip the details of what passed: faster
            });
            return results.violations.map((violation) => ({
                id: violation.id,
                impact: violation.impact,
                help: violation.help,
                helpUrl: violation.helpUrl,
                nodes: violation.nodes.map((node) => ({
                    target: node.target.join(" "),
                    html: node.html,
                    summary: node.failureSummary,
                })),
            }));
        }""",
        WCAG_22_AA,
    )


# Then: no violations, one h1, a title -----------------------------------------------------------------------------


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"\n[{violation['impact']}] {violation['id']}: {violation['help']}\n  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {node['target']}\n      {node['html'][:200]}")
            lines.extend(f"      {line}" for line in (node["summary"] or "").splitlines())
    return "\n".join(lines)


def then_axe_found_no_violations(violations: list[dict]) -> None:
    assert not violations, f"{len(violations)} axe-core violation(s):{describe(violations)}"


def then_it_has_one_h1_and_a_title_of_its_own(page: Page) -> None:
    headings = page.locator("h1").all_inner_texts()
    assert len(headings) == 1, f"expected exactly one h1, found {headings}"
    assert headings[0].strip(), "the h1 is empty"
    title = page.title()
    assert re.match(r"^(Error: )?\S.* – \S", title), f"the title {title!r} does not name the page"


def what_does_not_fit(page: Page) -> str:
    """WCAG 1.4.10 reflow: nothing may need scrolling in two directions at this width. "" when everything fits, or
    what does not: the page scrolling sideways; a box that scrolls or clips sideways (overflow auto, scroll, hidden
    or clip: a table in its scroll box, a cut-off heading) holding more than its width; a chart's text outside its
    chart. Form controls (a long value scrolls inside its input) and visually hidden text are not boxes a reader
    sees, and a map pans in two dimensions by design (1.4.10's exception for content that needs them)."""
    return "\n".join(page.evaluate(NOT_FITTING_SCRIPT))


NOT_FITTING_SCRIPT = """() => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) {
        problems.push(`the page scrolls sideways: ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
    }
    const named = (element) => {
        const label = element.getAttribute("aria-label") || element.id || element.getAttribute("class");
        const text = element.textContent.trim().replace(/\\s+/g, " ").slice(0, 60);
        return `<${element.localName}${label ? ` ${label}` : ""}> (“${text}”)`;
    };
    for (const element of document.body.querySelectorAll("*")) {
        if (element.closest("svg, input, textarea, select, .app-map")) continue;
        const style = getComputedStyle(element);
        if (!["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) continue;
        if (style.clipPath !== "none" || element.clientWidth <= 1 || !element.getClientRects().length) continue;
        if (element.scrollWidth > element.clientWidth) {
            const [wide, box] = [element.scrollWidth, element.clientWidth];
            problems.push(`${named(element)} is cut off: ${wide} px wide in its ${box} px box`);
        }
    }
    for (const svg of document.querySelectorAll("svg")) {
        const box = svg.getBoundingClientRect();
        for (const text of svg.querySelectorAll("text")) {
            const drawn = text.getBoundingClientRect();
            if (!drawn.width && !drawn.height) continue;  // not shown (display: none)
            if (drawn.left < box.left - 0.5 || drawn.right > box.right + 0.5) {
                problems.push(`the text “${text.textContent}” is cut off at the edge of its chart ${named(svg)}`);
            }
        }
    }
    return problems;
}"""


def save_screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("public_page", PAGES, ids=str)
def test_a_public_page_has_no_wcag_violations_one_h1_and_a_title(new_context, worcester, public_page, width):
    page = given_a_visitor_on(public_page, width, new_context, worcester)
    save_screenshot(page, f"{public_page.name} {width['width']}")

    violations = when_axe_checks(page)

    then_axe_found_no_violations(violations)
    then_it_has_one_h1_and_a_title_of_its_own(page)
    assert not what_does_not_fit(page), what_does_not_fit(page)
