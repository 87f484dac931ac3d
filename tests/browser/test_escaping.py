"""Typed text is shown as text, everywhere, and no page breaks the Content-Security-Policy.

Escaping. Given a listing (its enterprise and service) and a referral whose every free-text field holds HTML, script and
template syntax — `<script>alert(1)</script>`, `"><img src=x onerror=alert(2)>`, `{{ 7*7 }}` — and a website
address that tries to break out of its link, when each page that shows them is opened in chromium (the public
service and enterprise pages, results, shortlist and its print view; the council's review, revision, listing and
referral pages and its reports; the provider's pages and inbox; the referral pages of both sides, and the check page of
a referral typed into the form), then no dialog opens, nothing injected is in the page, the text is there literally,
and the page still has its h1 and footer. The CSV and the API's JSON carry the text as data. A provider who types a
`javascript:` address as their website is refused.

Content-Security-Policy. Given the same pages, when chromium loads them with their styles and scripts, then it reports
no violation ("Refused to apply inline style", "Refused to execute inline script", …): every style and script the
site uses comes from a file.

The data is built once for the module and deleted after its last test, as in test_accessibility_referrals.py.
"""

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page, expect

from enterprises import listings
from enterprises.models import CostType, Delivery, Enterprise, Organisation, Revision, Service, StaffMembership
from enterprises.revisions import save_enterprise_details, save_service
from referrals import lifecycle
from referrals.models import Referral
from tests.browser.conftest import data_built_once
from tests.browser.test_accessibility import go
from tests.factories import (
    make_area,
    make_category,
    make_client_group,
    make_council,
    make_enterprise,
    make_postcode,
    make_referral,
    make_service,
)

pytestmark = pytest.mark.browser

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{ 7*7 }}'
HOME_POSTCODE = "WR1 2EY"
WEBSITE = 'https://example.org/"><img src=x onerror=alert(4)>'


def hostile(label: str) -> str:
    """`label`, then the payload: the label says which field the text came from."""
    return f"{label} {PAYLOAD}"


# Given: a listing and a referral with the payload in every free-text field -------------------------------------------


@dataclass(frozen=True)
class World:
    provider: object
    staff: object
    referrer: object
    enterprise: Enterprise
    service: Service
    draft: Enterprise  # the provider's listing not yet sent, whose forms they can open
    revision: Revision
    referral: Referral  # accepted, with messages both ways
    declined: Referral  # declined with a reason written out


def build_world() -> World:
    council = make_council("Worcestershire County Council")
    venue = make_postcode("WR1 3AA", 385600, 255400)
    make_postcode(HOME_POSTCODE, 385000, 255000)
    area = make_area(hostile("Area name"), 385100, 255100, council)
    category = make_category(hostile("Category name"))
    client_group = make_client_group(hostile("Client group name"))
    User = get_user_model()

    def person(email, first, last=""):
        return User.objects.create_user(username=email, email=email, first_name=first, last_name=last)

    provider = person("jean@lunchclub.example", hostile("Provider first name"))
    staff = person("priya@council.example", "Priya", "Shah")
    StaffMembership.objects.create(user=staff, council=council)
    referrer = person("ruth@council.example", hostile("Referrer first name"), "Jones")
    Organisation.objects.create(council=council, name=hostile("Organisation name")).members.add(referrer)

    enterprise = make_enterprise(
        hostile("Enterprise name"), council=council, summary=hostile("Enterprise summary"),
        description=hostile("Enterprise description") + "\n\nA second paragraph " + PAYLOAD,
        contact_name=hostile("Contact person"), phone='0"><img src=x onerror=alert(3)>',
        email='"<script>alert(5)</script>"@example.org', website=WEBSITE,
        legal_form=Enterprise.LegalForm.UNINCORPORATED,
    )
    enterprise.members.add(provider)
    draft = make_enterprise(
        hostile("Draft name"), status=Enterprise.Status.DRAFT, council=council, summary=hostile("Draft summary"),
        contact_name=hostile("Draft contact"), website=WEBSITE,
    )
    draft.members.add(provider)
    service = make_service(
        hostile("Service name"), enterprise=enterprise, venue=venue, summary=hostile("Service summary"),
        description=hostile("Service description"), categories=[category], client_groups=[client_group],
        delivery=[Delivery.VENUE, Delivery.HOME], venue_name=hostile("Venue name"),
        venue_address=hostile("Venue address") + "\nSecond line " + PAYLOAD, coverage_areas=[area],
        cost_type=CostType.PER_SESSION, cost_amount=4, cost_note=hostile("Cost note"),
        days=["tue"], schedule_note=hostile("Schedule note"), languages=hostile("Languages"),
        accessibility_note=hostile("Accessibility note"),
    )

    save_enterprise_details(enterprise, by=provider, values={"description": hostile("Proposed description")})
    save_service(enterprise, by=provider, key=str(service.pk), values={"summary": hostile("Proposed summary")})
    revision = enterprise.revisions.get(status=Revision.Status.PENDING)
    listings.submit_revision(revision=revision, by=provider)

    details = {
        "person_name": hostile("Person name"), "address": hostile("Person address"), "contact_method": "letter",
        "what_matters": hostile("What matters"), "support_wanted": hostile("Support wanted"),
        "safety_notes": hostile("Safety notes"),
    }
    referral = lifecycle.accept(referral=make_referral(service=service, referrer=referrer, **details), by=provider,
                                message=hostile("Acceptance message"))
    lifecycle.send_message(referral=referral, by=referrer, text=hostile("Referrer message"))
    lifecycle.send_message(referral=referral, by=provider, text=hostile("Provider message"))
    declined = lifecycle.decline(
        referral=make_referral(service=service, referrer=referrer, **{**details, "person_name": hostile("Declined")}),
        by=provider, reason="other", detail=hostile("Decline detail"),
    )
    return World(provider, staff, referrer, enterprise, service, draft, revision, referral, declined)


world, transactional_db = data_built_once(build_world)


# When: each page is opened, watched for dialogs and for the browser's complaints -----------------------------------


@dataclass
class Watched:
    page: Page
    dialogs: list[str]
    console: list[str]


def watched(context) -> Watched:
    page = context.new_page()
    seen = Watched(page, [], [])

    def on_dialog(dialog):
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda message: seen.console.append(f"[{message.type}] {message.text}"))
    return seen


def csp_complaints(console: list[str]) -> list[str]:
    return [line for line in console if re.search(r"Content Security Policy|Refused to", line)]


@dataclass(frozen=True)
class Shown:
    """A page, who opens it, and the fields whose text it must show."""

    name: str
    who: str  # "visitor", "provider", "staff" or "referrer"
    open: Callable[[Page, World], None]
    fields: tuple[str, ...]

    def __str__(self):
        return self.name


def at(path: Callable[[World], str]) -> Callable[[Page, World], None]:
    return lambda page, world: go(page, path(world))


def add_to_shortlist(page: Page, world: World) -> None:
    """Add the service to the shortlist, unless an earlier page of the same visitor did."""
    go(page, world.service.get_absolute_url())
    add = page.locator(f"form[action='{reverse('shortlist_add', kwargs={'pk': world.service.pk})}'] button")
    if add.count():
        add.click()
    expect(page.locator("header a[href='/shortlist/']")).to_have_text("Your shortlist (1)")


def then(path: str) -> Callable[[Page, World], None]:
    def open_it(page: Page, world: World) -> None:
        add_to_shortlist(page, world)
        go(page, path)

    return open_it


LISTING = ("Enterprise name", "Service name")
SERVICE_PAGE = (*LISTING, "Service summary", "Service description", "Venue name", "Venue address", "Cost note",
                "Schedule note", "Languages", "Accessibility note", "Category name", "Client group name")
REFERRAL = ("Person name", "Person address", "What matters", "Support wanted", "Safety notes")

PAGES = [
    # The public
    Shown("service page", "visitor", at(lambda w: w.service.get_absolute_url()), SERVICE_PAGE),
    Shown("enterprise page", "visitor", at(lambda w: w.enterprise.get_absolute_url()),
          (*LISTING, "Enterprise summary", "Enterprise description", "Contact person")),
    Shown("search results", "visitor", at(lambda w: f"/search/?postcode={HOME_POSTCODE.replace(' ', '+')}"),
          (*LISTING, "Service summary")),
    Shown("search results for the listing's words", "visitor",
          at(lambda w: f"/search/?q=service+name&postcode={HOME_POSTCODE.replace(' ', '+')}"), LISTING),
    Shown("shortlist", "visitor", then("/shortlist/"), LISTING),
    Shown("shortlist print view", "visitor", then("/shortlist/print/"),
          (*LISTING, "Service summary", "Venue name", "Schedule note")),
    # The council's staff
    Shown("approval queue", "staff", at(lambda w: "/council/"), ("Enterprise name",)),
    Shown("all listings", "staff", at(lambda w: "/council/listings/"), ("Enterprise name",)),
    Shown("review of the listing", "staff", at(lambda w: f"/council/listings/{w.enterprise.slug}/"),
          (*LISTING, "Enterprise summary", "Contact person")),
    Shown("changes to the listing", "staff", at(lambda w: f"/council/revisions/{w.revision.pk}/"),
          ("Enterprise name", "Proposed description", "Enterprise description", "Proposed summary")),
    Shown("reports", "staff", at(lambda w: "/council/reports/"), ("Category name",)),
    Shown("council referrals", "staff", at(lambda w: "/council/referrals/"), ("Enterprise name",)),
    # The provider
    Shown("provider home", "provider", at(lambda w: "/provider/"), ("Enterprise name",)),
    Shown("task list", "provider", at(lambda w: f"/provider/listings/{w.enterprise.slug}/"), LISTING),
    Shown("task list of a draft", "provider", at(lambda w: f"/provider/listings/{w.draft.slug}/"), ("Draft name",)),
    Shown("referrals received", "provider", at(lambda w: "/provider/referrals/"),
          ("Service name", "Organisation name")),
    Shown("a referral received", "provider", at(lambda w: w.referral.get_provider_url()),
          (*REFERRAL, "Organisation name", "Acceptance message", "Referrer message", "Provider message")),
    Shown("a referral declined", "provider", at(lambda w: w.declined.get_provider_url()), ("Decline detail",)),
    # The referrer
    Shown("your referrals", "referrer", at(lambda w: "/referrals/"), ("Person name", "Service name")),
    Shown("your referral", "referrer", at(lambda w: w.referral.get_absolute_url()),
          (*REFERRAL, "Service name", "Acceptance message", "Referrer message", "Provider message")),
    Shown("your referral, declined", "referrer", at(lambda w: w.declined.get_absolute_url()), ("Decline detail",)),
]

# The provider's forms show the text in their boxes, where it must be the value, not markup.
FORM_VALUES = [
    ("about", "Name of your enterprise", "Draft name"),
    ("about", "Summary", "Draft summary"),
    ("contact", "Contact person", "Draft contact"),
    ("contact", "Website", None),
]


def given_someone(who: str, world: World, new_context, new_signed_in_context):
    if who == "visitor":
        return new_context()
    return new_signed_in_context(getattr(world, who))


# Then: nothing ran, nothing was injected, the text is there, the page is whole --------------------------------------


def problems_on(seen: Watched, name: str, fields: tuple[str, ...]) -> list[str]:
    page = seen.page
    problems = [f"a dialog opened: {dialog}" for dialog in seen.dialogs]
    injected = page.evaluate("""() => ({
        scripts: [...document.scripts].filter((script) => !script.src).length,
        images: document.querySelectorAll("img[src='x'], img[onerror]").length,
        handlers: [...document.querySelectorAll("*")].filter(
            (element) => [...element.attributes].some((attribute) => attribute.name.startsWith("on"))).length,
    })""")
    problems += [f"{count} injected {what}" for what, count in injected.items() if count]
    text = page.locator("body").inner_text()
    for field in fields:
        if hostile(field) not in text:
            problems.append(f"the {field} is not shown literally")
    if PAYLOAD not in text:
        problems.append("the payload is not shown literally anywhere")
    if page.locator("h1").count() != 1:
        problems.append(f"{page.locator('h1').count()} h1 elements")
    if page.locator("footer.govuk-footer").count() != 1:
        problems.append("no footer")
    problems += [f"CSP: {line}" for line in csp_complaints(seen.console)]
    return [f"{name}: {problem}" for problem in problems]


@pytest.mark.parametrize("who", ["visitor", "staff", "provider", "referrer"])
def test_typed_html_and_script_are_shown_as_text_on_every_page(new_context, new_signed_in_context, world, who):
    seen = watched(given_someone(who, world, new_context, new_signed_in_context))

    problems = []
    for shown in (page for page in PAGES if page.who == who):
        seen.dialogs.clear()
        seen.console.clear()
        shown.open(seen.page, world)
        seen.page.wait_for_load_state("load")
        problems += problems_on(seen, shown.name, shown.fields)

    assert not problems, "\n".join(problems)


def test_the_provider_s_forms_hold_the_text_as_values(new_signed_in_context, world):
    seen = watched(new_signed_in_context(world.provider))
    page = seen.page

    for task, label, field in FORM_VALUES:
        go(page, f"/provider/listings/{world.draft.slug}/{task}/")
        box = page.get_by_label(label, exact=True)
        expect(box).to_have_value(WEBSITE if field is None else hostile(field))

    assert not seen.dialogs and not csp_complaints(seen.console)


def test_the_referral_form_s_check_page_shows_what_was_typed_as_text(new_signed_in_context, world):
    """A referrer types the payload into every box of the referral form; the check page shows it back as text."""
    seen = watched(new_signed_in_context(world.referrer))
    page = seen.page
    go(page, reverse("referrals:start", kwargs={"pk": world.service.pk}))

    def continue_():
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()

    with page.expect_navigation():
        page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_label("Yes – in person", exact=True).check()
    continue_()
    page.get_by_label("Full name", exact=True).fill(hostile("Typed name"))
    page.get_by_label("Letter", exact=True).check()
    page.get_by_label("Postal address", exact=True).fill(hostile("Typed address"))
    continue_()
    page.get_by_label("What is their postcode?").fill(HOME_POSTCODE)
    continue_()
    page.get_by_label("What matters to them?", exact=True).fill(hostile("Typed what matters"))
    page.get_by_label("What support do they want?", exact=True).fill(hostile("Typed support"))
    continue_()
    page.get_by_label("Is there anything the provider must know to work safely?").fill(hostile("Typed safety"))
    continue_()
    page.get_by_label("Within a week", exact=True).check()
    continue_()
    page.get_by_label("Direct payment or personal budget", exact=True).check()
    continue_()
    page.get_by_label("What is your phone number?").fill("01905 765432")
    continue_()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending the referral")
    problems = problems_on(seen, "check your answers", (
        "Typed name", "Typed address", "Typed what matters", "Typed support", "Typed safety", "Service name",
    ))
    assert not problems, "\n".join(problems)


def test_the_csv_and_the_api_carry_the_text_as_data(new_context, world):
    request = new_context().request

    api = request.get("/api/oruk/services")
    assert api.ok and api.headers["content-type"].startswith("application/json")
    assert api.headers["x-content-type-options"] == "nosniff"
    service = next(item for item in json.loads(api.text())["contents"] if item["name"] == hostile("Service name"))
    assert hostile("Service description") in service["description"]
    assert service["organization"]["name"] == hostile("Enterprise name")

    download = request.get("/open-data/services.csv")
    assert download.ok and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.text().lstrip("\ufeff"))))
    cells = {cell for row in rows for cell in row}
    assert hostile("Service name") in cells and WEBSITE in cells


def test_a_javascript_address_is_refused_as_a_website(new_signed_in_context, world):
    seen = watched(new_signed_in_context(world.provider))
    page = seen.page
    go(page, f"/provider/listings/{world.draft.slug}/contact/")

    page.get_by_label("Website", exact=True).fill("javascript:alert(1)")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue", exact=True).click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a website address in the right format")
    assert Enterprise.objects.get(pk=world.draft.pk).website == WEBSITE
    assert not seen.dialogs


# Content-Security-Policy ---------------------------------------------------------------------------------------------


def check_answers(page: Page, world: World) -> None:
    """The referral form's check page, reached as a referrer would (answers from test_accessibility_referrals.py)."""
    from tests.browser.test_accessibility_referrals import answer

    go(page, reverse("referrals:start", kwargs={"pk": world.service.pk}))
    for step in ["start", "consent", "person", "postcode", "needs", "safety", "urgency", "funding", "phone"]:
        answer(page, step)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending the referral")


def sign_in_page_with_the_password_shown(page: Page, world: World) -> None:
    go(page, "/sign-in/")
    page.get_by_role("button", name="Show password").click()  # GOV.UK Frontend's script changes the page
    expect(page.get_by_role("button", name="Hide password")).to_be_visible()


def menu_opened_on_a_phone(page: Page, world: World) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    go(page, "/")
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Search", exact=True)).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})


CSP_PAGES = [
    ("visitor", "home", at(lambda w: "/")),
    ("visitor", "search results", at(lambda w: f"/search/?postcode={HOME_POSTCODE.replace(' ', '+')}")),
    ("visitor", "service page", at(lambda w: w.service.get_absolute_url())),
    ("visitor", "provider's page", at(lambda w: w.enterprise.get_absolute_url())),
    ("visitor", "shortlist print view", then("/shortlist/print/")),
    ("visitor", "sign in, the password shown", sign_in_page_with_the_password_shown),
    ("visitor", "the menu on a phone", menu_opened_on_a_phone),
    ("staff", "reports", at(lambda w: "/council/reports/")),
    ("staff", "two-factor set-up, with its QR code", at(lambda w: "/account/two-factor/set-up/")),
    ("staff", "review of a listing", at(lambda w: f"/council/listings/{w.enterprise.slug}/")),
    ("provider", "provider home", at(lambda w: "/provider/")),
    ("provider", "a referral received", at(lambda w: w.referral.get_provider_url())),
    ("referrer", "referral: check your answers", check_answers),
]


@pytest.mark.parametrize("who", ["visitor", "staff", "provider", "referrer"])
def test_no_page_breaks_the_content_security_policy(new_context, new_signed_in_context, world, who):
    seen = watched(given_someone(who, world, new_context, new_signed_in_context))

    complaints = []
    for _, name, open_it in (page for page in CSP_PAGES if page[0] == who):
        seen.console.clear()
        open_it(seen.page, world)
        seen.page.wait_for_load_state("load")
        assert seen.page.evaluate("document.body.classList.contains('govuk-frontend-supported')"), (
            f"{name}: GOV.UK Frontend's script did not run"
        )
        complaints += [f"{name}: {line}" for line in csp_complaints(seen.console)]

    assert not complaints, "\n".join(complaints)
