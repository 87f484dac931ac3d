"""The "Start a community micro-enterprise" pages and the catalyst's enquiry pages pass axe-core's WCAG 2.2 A and AA
rules, with one h1 and a title of their own, and reflow (nothing cut off or scrolling sideways) at 1280 px and
320 px, in each state: the public page as it opens, with errors, and its confirmation; the enquiries list (all, and
one stage); an enquiry at every stage, with an error, and with its details erased; and the reports with enquiries.

The data is built once for the module; the states that send a form send one that fails, so nothing changes, but
for the confirmation, which adds an enquiry the staff's states do not count."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from enterprises import enquiries
from enterprises.models import Enquiry, StaffMembership
from tests.browser.conftest import data_built_once
from tests.browser.test_accessibility import WIDTHS, go
from tests.browser.test_accessibility_signed_in import problems_with
from tests.factories import make_area, make_council, make_enterprise, make_user

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class World:
    staff: object
    new: Enquiry
    talking: Enquiry
    started: Enquiry
    not_going_ahead: Enquiry
    erased: Enquiry


def build() -> World:
    council = make_council("Worcestershire County Council")
    areas = [make_area(name, 377800 + number, 245900, council) for number, name in enumerate(
        ["Malvern", "Upton-upon-Severn", "Stourport-on-Severn", "Worcester"])]
    staff = make_user("priya.shah@worcestershire.example", name="Priya Shah")
    StaffMembership.objects.create(user=staff, council=council)
    listing = make_enterprise("Malvern Knit and Natter, a very long listing name to wrap", council=council)

    def send(area, **details):
        return enquiries.submit_enquiry(
            area=area, idea=details.get("idea", "A knit-and-natter afternoon in the church hall, with tea and cake."),
            who_it_would_support="Older people living on their own", name="Dora Sampleton",
            email=details.get("email", "dora.sampleton.with.a.long.address@example.com"),
            phone=details.get("phone", "01632 960001"), submission_key=uuid.uuid4(),
        )[0]

    new = send(areas[0], idea="Gardening help " * 40)
    talking = enquiries.start_talking(enquiry=send(areas[1]), by=staff)
    started = enquiries.mark_started(enquiry=send(areas[2]), by=staff, enterprise=listing)
    not_going_ahead = enquiries.mark_not_going_ahead(enquiry=send(areas[3]), by=staff, reason="She moved away.")
    erased = enquiries.mark_not_going_ahead(enquiry=send(areas[0]), by=staff, reason="Moved away")
    Enquiry.objects.filter(pk=erased.pk).update(closed_at=timezone.now() - timedelta(days=800))
    enquiries.erase_personal_details()
    return World(staff, new, talking, started, not_going_ahead, erased)


world, transactional_db = data_built_once(build)


def start_with_errors(page: Page, world: World) -> None:
    go(page, "/start-a-micro-enterprise/")
    page.get_by_label("What is your idea?", exact=True).fill("A lunch club")
    page.get_by_role("button", name="Send your idea").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def start_sent(page: Page, world: World) -> None:
    go(page, "/start-a-micro-enterprise/")
    page.get_by_label("What is your idea?", exact=True).fill("A lunch club")
    page.get_by_label("Where would it be?", exact=True).select_option(label="Worcester")
    page.get_by_label("Who would it support?", exact=True).fill("Older people")
    page.get_by_label("Your name", exact=True).fill("Dora Sampleton")
    page.get_by_label("Phone number (optional if you give an email address)", exact=True).fill("01632 960002")
    page.get_by_label("I agree that the council may contact me about my idea", exact=True).check()
    page.get_by_role("button", name="Send your idea").click()
    expect(page.get_by_text("Your reference")).to_be_visible()


def enquiry_with_an_error(page: Page, world: World) -> None:
    go(page, f"/council/enquiries/{world.new.reference}/")
    page.get_by_role("button", name="Mark as not going ahead").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def opened(path: Callable[[World], str], showing: str = "") -> Callable[[Page, World], None]:
    def open_it(page: Page, world: World) -> None:
        go(page, path(world))
        if showing:
            expect(page.get_by_text(showing, exact=True).first).to_be_visible()

    return open_it


def enquiry(name: str) -> Callable[[World], str]:
    return lambda world: f"/council/enquiries/{getattr(world, name).reference}/"


PUBLIC = {
    "start a community micro-enterprise": opened(lambda w: "/start-a-micro-enterprise/"),
    "start a community micro-enterprise, with errors": start_with_errors,
    "start a community micro-enterprise: sent": start_sent,
}
STAFF = {
    "enquiries": opened(lambda w: "/council/enquiries/", showing="Not going ahead (2)"),
    "enquiries at one stage": opened(lambda w: "/council/enquiries/?stage=talking"),
    "enquiry, new": opened(enquiry("new"), showing="Mark as talking"),
    "enquiry, new, with an error": enquiry_with_an_error,
    "enquiry, talking": opened(enquiry("talking"), showing="Mark as started"),
    "enquiry, started": opened(enquiry("started")),
    "enquiry, not going ahead": opened(enquiry("not_going_ahead"), showing="She moved away."),
    "enquiry, details erased": opened(enquiry("erased")),
    "reports, with enquiries": opened(lambda w: "/council/reports/",
                                      showing="Enquiries about starting a micro-enterprise"),
}


@pytest.mark.parametrize("state", [*PUBLIC, *STAFF])
def test_an_enquiry_page_has_no_wcag_violations_one_h1_a_title_and_fits_at_320_and_1280(
    new_context, new_signed_in_context, world, state
):
    page = (new_signed_in_context(world.staff) if state in STAFF else new_context()).new_page()
    open_it = STAFF.get(state) or PUBLIC[state]
    problems = []
    for width_name, width in WIDTHS.items():
        page.set_viewport_size(width)
        open_it(page, world)
        problems += problems_with(page, f"{state}, {width_name}")
    assert not problems, "\n\n".join(problems)
