"""A provider books a place on a council's course from a phone, with JavaScript off (and on).

Priya, at the council, publishes a safeguarding course with one place. Jean, who runs Malvern Hills Singers, sees
it on her home page on her phone, follows the link and books the place. Tom, who runs another listing, finds it full
and joins the waiting list. Jean cannot come after all and cancels: Tom gets her place, and Priya sees him booked.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from enterprises.models import StaffMembership
from tests.browser.chromium import DESKTOP
from tests.factories import make_council, make_enterprise

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery staple"


def press(page: Page, button: str) -> None:
    page.get_by_role("button", name=button).first.click()


def priya_publishes_a_course(page: Page) -> None:
    day = timezone.localdate() + timedelta(days=10)
    page.goto("/council/events/")
    page.get_by_role("button", name="Publish an event").click()
    page.get_by_label("Course", exact=True).check()
    page.get_by_label("Title").fill("Safeguarding basics")
    page.get_by_label("What is it?").fill("What to do when you are worried about someone you support.")
    date = page.get_by_role("group", name="Date", exact=True)
    date.get_by_label("Day").fill(str(day.day))
    date.get_by_label("Month").fill(str(day.month))
    date.get_by_label("Year").fill("1")
    page.get_by_label("Start time").fill("10am")
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Address of the venue (if in person)").fill("The Guildhall, High Street, Worcester")
    page.get_by_label("Number of places").fill("one")
    press(page, "Publish event")
    expect(page.locator(".govuk-error-summary")).to_contain_text("The year must include 4 numbers")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the number of places as a whole number")
    expect(page.get_by_label("Title")).to_have_value("Safeguarding basics")
    date.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Number of places").fill("1")
    press(page, "Publish event")
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding basics")
    expect(page.get_by_text("Safeguarding basics is published: providers can book a place")).to_be_visible()


@pytest.mark.parametrize("javascript", [False, True], ids=["javascript off", "javascript on"])
def test_jean_books_the_last_place_from_her_phone_and_tom_takes_it_when_she_cancels(
    make_person, new_signed_in_context, javascript
):
    with transaction.atomic():
        council = make_council("Worcestershire County Council")
        priya = make_person("priya.shah@worcestershire.example", PASSWORD, "Priya")
        StaffMembership.objects.create(user=priya, council=council)
        jean = make_person("jean@malvern-singers.example", PASSWORD, "Jean")
        make_enterprise("Malvern Hills Singers", council=council).members.add(jean)
        tom = make_person("tom@tenbury-walkers.example", PASSWORD, "Tom")
        make_enterprise("Tenbury Walkers", council=council).members.add(tom)
    staff = new_signed_in_context(priya, java_script_enabled=javascript, viewport=DESKTOP).new_page()
    priya_publishes_a_course(staff)

    phone = new_signed_in_context(jean, java_script_enabled=javascript, viewport=PHONE).new_page()
    phone.goto("/provider/")
    phone.get_by_role("link", name="Safeguarding basics").click()
    expect(phone.get_by_text("1 of 1 left")).to_be_visible()
    press(phone, "Book a place")
    expect(phone.get_by_text("You have a place on Safeguarding basics")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    toms = new_signed_in_context(tom, java_script_enabled=javascript, viewport=PHONE).new_page()
    toms.goto("/provider/events/")
    expect(toms.get_by_text("Full", exact=True)).to_be_visible()
    press(toms, "Join the waiting list")
    expect(toms.get_by_text("You are number 1 on the waiting list")).to_be_visible()

    phone.goto("/provider/events/")
    press(phone, "Cancel my place")
    expect(phone.get_by_text("You have cancelled your place on Safeguarding basics")).to_be_visible()
    expect(phone.get_by_role("button", name="Join the waiting list")).to_be_visible()

    toms.goto("/provider/")
    expect(toms.get_by_text("You have a place")).to_be_visible()
    staff.reload()
    expect(staff.get_by_text("Tom, Tenbury Walkers")).to_be_visible()
    expect(staff.get_by_text("Jean")).to_have_count(0)
