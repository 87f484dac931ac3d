"""The security pages pass axe-core's WCAG 2.2 A and AA rules at desktop and mobile widths, as they open and with an
error, with one h1 and a title of their own: two-factor sign-in (the code page, the staff member's two-factor page,
setting it up with its QR code, the backup codes, turning it off) and a form refused for too many attempts.

Each case: given a person (someone signing in, or a member of the council's staff) on a page, at a screen width, in a
state, when axe-core checks the page, then it finds no violations, and the page has exactly one h1 and a title of its
own. As in test_accessibility_signed_in.py, the data is built for each page and the page opened afresh for each state
and width.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import two_factor
from enterprises.models import RateLimitHit, StaffMembership
from tests import authenticator
from tests.browser.test_accessibility import go
from tests.browser.test_accessibility_signed_in import (
    AccountPage,
    given_a_person_on,
    opened,
    press,
    problems_in_every_state,
    then_it_shows_an_error,
)
from tests.factories import make_council

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


# Given: two members of the council's staff, one with two-factor sign-in on -----------------------------------------


@dataclass(frozen=True)
class People:
    staff: object  # two-factor off
    protected: object  # two-factor on
    secret: str  # protected's
    staff_secret: str  # the staff member's, once a page turns it on for them


def build_people(make_person) -> People:
    council = make_council("Worcestershire County Council")
    staff = make_person("priya.shah@worcestershire.example", PASSWORD, "Priya")
    protected = make_person("omar.khan@worcestershire.example", PASSWORD, "Omar")
    for person in (staff, protected):
        StaffMembership.objects.create(user=person, council=council)
    secret = two_factor.new_secret()
    two_factor.turn_on(protected, secret, authenticator.code(secret))
    return People(staff, protected, secret, two_factor.new_secret())


# Given: the pages, each opened in the states it is checked in -------------------------------------------------------

Open = Callable[[Page, People], None]


def code_page(page: Page, people: People) -> None:
    go(page, "/sign-in/")
    page.get_by_label("Email address").fill(people.protected.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    press(page, "Sign in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")


def code_page_with_a_wrong_code(page: Page, people: People) -> None:
    code_page(page, people)
    page.get_by_label("Code", exact=True).fill(authenticator.wrong_code(people.secret))
    press(page, "Continue")
    then_it_shows_an_error(page)


def set_up_with_a_wrong_code(page: Page, people: People) -> None:
    go(page, "/account/two-factor/set-up/")
    page.get_by_label("Enter the code your app shows").fill("12345")
    press(page, "Turn on two-factor sign-in")
    then_it_shows_an_error(page)


def backup_codes(page: Page, people: People) -> None:
    """Set it up as a person would: the key typed from the page into the 'app', its code typed back."""
    two_factor.turn_off(people.staff)
    go(page, "/account/two-factor/set-up/")
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Enter the code your app shows").fill(authenticator.code(secret))
    press(page, "Turn on two-factor sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your backup codes")


def two_factor_page_when_on(page: Page, people: People) -> None:
    if not two_factor.is_on(people.staff):
        two_factor.turn_on(people.staff, people.staff_secret, authenticator.code(people.staff_secret))
    go(page, "/account/two-factor/")
    expect(page.get_by_text("Backup codes not used")).to_be_visible()


def turn_off_with_a_wrong_code(page: Page, people: People) -> None:
    two_factor_page_when_on(page, people)
    go(page, "/account/two-factor/turn-off/")
    page.get_by_label("Code", exact=True).fill(authenticator.wrong_code(people.staff_secret))
    press(page, "Turn off two-factor sign-in")
    then_it_shows_an_error(page)


def turn_off_page(page: Page, people: People) -> None:
    two_factor_page_when_on(page, people)
    go(page, "/account/two-factor/turn-off/")


def sign_in_refused_for_too_many_attempts(page: Page, people: People) -> None:
    attempts, _ = RATE_LIMIT
    RateLimitHit.objects.bulk_create(
        RateLimitHit(key="sign_in:127.0.0.1", at=timezone.now()) for _ in range(attempts)
    )
    go(page, "/sign-in/")
    page.get_by_label("Email address").fill(people.staff.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_response(lambda response: response.request.method == "POST") as answered:
        press(page, "Sign in")
    assert answered.value.status == 429
    then_it_shows_an_error(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Too many attempts from your network")


RATE_LIMIT = (20, 15)

PAGES = [
    AccountPage("two-factor code", "visitor", code_page, code_page_with_a_wrong_code),
    AccountPage("two-factor sign-in, off", "staff", opened(lambda p: "/account/two-factor/", showing="Off")),
    AccountPage("two-factor sign-in, on", "staff", two_factor_page_when_on),
    AccountPage("set up two-factor sign-in", "staff", opened(lambda p: "/account/two-factor/set-up/"),
                set_up_with_a_wrong_code),
    AccountPage("save your backup codes", "staff", backup_codes),
    AccountPage("turn off two-factor sign-in", "staff", turn_off_page, turn_off_with_a_wrong_code),
    AccountPage("sign in, too many attempts from the network", "visitor", sign_in_refused_for_too_many_attempts),
]


@pytest.mark.parametrize("account_page", PAGES, ids=str)
def test_a_security_page_has_no_wcag_violations_one_h1_and_a_title(
    new_context, new_signed_in_context, make_person, settings, account_page
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_in": RATE_LIMIT}
    with transaction.atomic():
        people = build_people(make_person)
    page = given_a_person_on(account_page, people, new_context, new_signed_in_context)

    problems = problems_in_every_state(page, account_page, people)

    assert not problems, "\n\n".join(problems)
