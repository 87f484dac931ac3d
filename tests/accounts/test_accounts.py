"""Accounts: signing in by email, the lockout, signing out, password reset, “List your enterprise”, invitations,
and the demo accounts. Who may use each page, and who may not."""

import re
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.test import Client
from django.utils import timezone

from accounts import services as accounts
from accounts.services import start_provider_sign_up
from enterprises.models import (
    Enterprise,
    Invitation,
    ListingEvent,
    Organisation,
    PendingSignUp,
    SignInAttempt,
    StaffMembership,
)
from tests.concurrency import at_the_same_moment
from tests.factories import make_council, make_enterprise

User = get_user_model()
PASSWORD = "correct horse battery"
LOCKED_OUT = "You have tried to sign in too many times. Wait 15 minutes, then try again, or reset your password."
WRONG = "The email address or password is not right"


def make_user(email: str, password: str = PASSWORD, name: str = "Jean Smith"):
    user = User(username=email.lower(), email=email.lower(), first_name=name)
    user.set_password(password)
    user.save()
    return user


def signed_in_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/sign-in/", {"email": email, "password": password, **extra})


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def council(db):
    return make_council("Worcestershire County Council")


@pytest.fixture
def other_council(db):
    return make_council("Herefordshire Council")


@pytest.fixture
def jean(db):
    return make_user("jean@example.org")


@pytest.fixture
def provider(council):
    user = make_user("provider@lunchclub.example", name="Pat Provider")
    make_enterprise("Malvern Lunch Club", council=council).members.add(user)
    return user


@pytest.fixture
def referrer(council):
    user = make_user("referrer@council.example", name="Rita Referrer")
    Organisation.objects.create(council=council, name="Wyre Forest team").members.add(user)
    return user


@pytest.fixture
def staff(council):
    user = make_user("staff@council.example", name="Sam Staff")
    StaffMembership.objects.create(user=user, council=council)
    return user


@pytest.fixture
def other_staff(other_council):
    user = make_user("staff@herefordshire.example", name="Hal Staff")
    StaffMembership.objects.create(user=user, council=other_council)
    return user


# Signing in ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSignIn:
    def test_it_shows_a_gov_uk_form_with_the_right_autocomplete(self, client):
        page = html(client.get("/sign-in/"))

        assert "<title>Sign in – " in page and page.count("<h1") == 1
        assert 'type="email"' in page and 'autocomplete="email"' in page
        assert 'type="password"' in page and 'autocomplete="current-password"' in page
        assert 'name="csrfmiddlewaretoken"' in page
        assert 'href="/password-reset/"' in page

    def test_it_signs_a_person_in_by_their_email_in_any_case(self, client, jean):
        response = sign_in(client, "  Jean@Example.ORG ")

        assert response.status_code == 302 and response.url == "/"
        assert signed_in_id(client) == jean.pk
        assert SignInAttempt.objects.get().succeeded is True

    def test_it_takes_staff_and_providers_to_their_own_pages(self, client, staff, provider):
        assert sign_in(client, staff.email).url == "/council/"
        assert sign_in(Client(), provider.email).url == "/provider/"

    def test_it_says_when_the_email_or_password_is_wrong_and_keeps_the_email(self, client, jean):
        response = sign_in(client, "jean@example.org", "not the password")

        page = html(response)
        assert response.status_code == 200 and signed_in_id(client) is None
        assert WRONG in page and "govuk-error-summary" in page
        assert "<title>Error: Sign in – " in page
        assert 'value="jean@example.org"' in page
        assert "not the password" not in page

    def test_an_unknown_address_gets_the_same_message(self, client, jean):
        assert WRONG in html(sign_in(client, "nobody@example.org", "whatever it is"))

    def test_it_asks_for_what_is_missing(self, client):
        page = html(client.post("/sign-in/", {"email": "", "password": ""}))

        assert "Enter your email address" in page and "Enter your password" in page

    def test_it_refuses_a_post_without_the_csrf_token(self, jean):
        client = Client(enforce_csrf_checks=True)

        assert sign_in(client, jean.email).status_code == 403
        assert signed_in_id(client) is None

    def test_an_inactive_account_cannot_sign_in(self, client, jean):
        jean.is_active = False
        jean.save()

        assert WRONG in html(sign_in(client, jean.email))
        assert signed_in_id(client) is None

    def test_passwords_are_stored_with_argon2(self, jean):
        assert jean.password.startswith("argon2")


@pytest.mark.django_db
class TestLockout:
    def fail(self, client, times, email="jean@example.org"):
        for _ in range(times):
            response = sign_in(client, email, "a wrong password")
        return response

    def test_the_fifth_failure_within_15_minutes_refuses_the_account(self, client, jean):
        assert WRONG in html(self.fail(client, 4))

        fifth = html(self.fail(client, 1))

        assert LOCKED_OUT in fifth
        assert 'href="#id_email"' in fifth  # in the error summary, linked to the field
        assert 'id="id_email-error"' in fifth  # and beside it

    def test_while_refused_even_the_right_password_does_not_sign_in(self, client, jean):
        self.fail(client, 5)

        response = sign_in(client, "JEAN@example.org", PASSWORD)

        assert LOCKED_OUT in html(response)
        assert signed_in_id(client) is None
        assert SignInAttempt.objects.count() == 5  # the password was not even checked

    def test_sign_in_works_again_after_15_minutes(self, client, jean):
        self.fail(client, 5)
        SignInAttempt.objects.update(at=timezone.now() - timezone.timedelta(minutes=15, seconds=1))

        response = sign_in(client, jean.email, PASSWORD)

        assert response.status_code == 302
        assert signed_in_id(client) == jean.pk

    def test_it_is_still_refused_just_before_15_minutes(self, client, jean):
        self.fail(client, 5)
        SignInAttempt.objects.update(at=timezone.now() - timezone.timedelta(minutes=14, seconds=50))

        assert LOCKED_OUT in html(sign_in(client, jean.email, PASSWORD))

    def test_failures_spread_over_more_than_15_minutes_do_not_refuse(self, client, jean):
        self.fail(client, 4)
        SignInAttempt.objects.update(at=timezone.now() - timezone.timedelta(minutes=20))

        assert WRONG in html(self.fail(client, 1))
        assert sign_in(client, jean.email, PASSWORD).status_code == 302

    def test_a_successful_sign_in_starts_the_count_again(self, client, jean):
        self.fail(client, 4)
        assert sign_in(Client(), jean.email, PASSWORD).status_code == 302

        assert WRONG in html(self.fail(client, 4))

    def test_it_refuses_only_that_account(self, client, jean):
        make_user("someone.else@example.org")
        self.fail(client, 5)

        assert sign_in(client, "someone.else@example.org").status_code == 302

    def test_every_way_in_is_refused_the_django_admin_too(self, client, jean):
        self.fail(client, 5)

        # The admin's login form, like ours, goes through the authentication backend.
        assert authenticate(None, username="jean@example.org", password=PASSWORD) is None
        assert SignInAttempt.objects.count() == 5

    def test_the_rule_counts_failures_in_a_row(self, jean):
        now = timezone.now()
        for minutes in (10, 8, 6, 4, 2):
            SignInAttempt.objects.create(email="jean@example.org", succeeded=False,
                                         at=now - timezone.timedelta(minutes=minutes))

        assert accounts.sign_in_refused("Jean@example.org", now=now)
        assert not accounts.sign_in_refused("Jean@example.org", now=now + timezone.timedelta(minutes=13, seconds=1))


    def test_attempts_are_forgotten_after_the_days_they_are_kept(self, client, jean, settings):
        settings.SIGN_IN_ATTEMPTS_KEPT_DAYS = 30
        old = accounts.record_attempt("someone@example.org", ip_address="192.0.2.1", succeeded=False)
        SignInAttempt.objects.filter(pk=old.pk).update(at=timezone.now() - timezone.timedelta(days=31))
        recent = accounts.record_attempt("someone@example.org", ip_address="192.0.2.1", succeeded=False)
        SignInAttempt.objects.filter(pk=recent.pk).update(at=timezone.now() - timezone.timedelta(days=29))

        sign_in(client, "jean@example.org")

        assert set(SignInAttempt.objects.values_list("email", flat=True)) == {"someone@example.org", "jean@example.org"}
        assert not SignInAttempt.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
class TestNextPage:
    def test_the_form_carries_a_safe_next_page(self, client):
        assert 'name="next" value="/provider/listings/malvern/"' in html(
            client.get("/sign-in/?next=/provider/listings/malvern/")
        )

    def test_it_goes_to_a_safe_next_page(self, client, jean):
        assert sign_in(client, jean.email, next="/shortlist/").url == "/shortlist/"

    @pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "99",
                                        "home", "odd\x00value"])
    def test_it_ignores_a_next_page_on_another_site(self, client, jean, unsafe):
        assert 'name="next"' not in html(client.get("/sign-in/", {"next": unsafe}))
        assert sign_in(client, jean.email, next=unsafe).url == "/"

    def test_a_private_page_sends_people_to_sign_in_and_back(self, client, staff):
        response = client.get("/invitations/new/")

        assert response.status_code == 302 and response.url == "/sign-in/?next=/invitations/new/"
        assert sign_in(client, staff.email, next="/invitations/new/").url == "/invitations/new/"


@pytest.mark.django_db
class TestSignOut:
    def test_it_signs_out_with_a_post(self, client, jean):
        client.force_login(jean)

        response = client.post("/sign-out/")

        assert response.status_code == 302 and response.url == "/"
        assert signed_in_id(client) is None
        assert "You have signed out" in html(client.get("/"))

    def test_a_get_does_not_sign_out(self, client, jean):
        client.force_login(jean)

        assert client.get("/sign-out/").status_code == 405
        assert signed_in_id(client) == jean.pk

    def test_the_navigation_offers_sign_in_or_sign_out(self, client, jean):
        assert 'href="/sign-in/"' in html(client.get("/"))
        client.force_login(jean)
        assert 'action="/sign-out/"' in html(client.get("/"))


# Password reset -----------------------------------------------------------------------------------------------------


def reset_path(mail) -> str:
    links = re.findall(r"https?://[^\s/]+(/\S+)", mail.body)
    assert len(links) == 1, mail.body
    return links[0]


@pytest.mark.django_db
class TestPasswordReset:
    def test_the_email_holds_a_link_that_sets_a_new_password(self, client, jean, mailoutbox, deliver_queued_messages):
        response = client.post("/password-reset/", {"email": "JEAN@example.org"})

        assert response.status_code == 302 and response.url == "/password-reset/sent/"
        assert "Check your email" in html(client.get(response.url))
        assert deliver_queued_messages() == 1
        assert len(mailoutbox) == 1 and mailoutbox[0].to == ["jean@example.org"]
        assert "Reset your password" in mailoutbox[0].subject
        path = reset_path(mailoutbox[0])
        assert re.fullmatch(r"/reset/[^/]+/[^/]+/", path)

        form_page = client.get(path, follow=True)
        assert "Choose a new password" in html(form_page)
        assert 'autocomplete="new-password"' in html(form_page)
        done = client.post(form_page.redirect_chain[-1][0],
                           {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"})

        assert done.status_code == 302 and done.url == "/reset/done/"
        assert "Your password has been changed" in html(client.get(done.url))
        assert WRONG in html(sign_in(Client(), jean.email, PASSWORD))
        assert sign_in(Client(), jean.email, "a brand new passphrase").status_code == 302
        jean.refresh_from_db()
        assert jean.password.startswith("argon2")

    def test_the_link_works_only_once(self, client, jean, mailoutbox, deliver_queued_messages):
        client.post("/password-reset/", {"email": jean.email})
        deliver_queued_messages()
        path = reset_path(mailoutbox[0])
        page = client.get(path, follow=True)
        client.post(page.redirect_chain[-1][0], {"new_password1": "a brand new passphrase",
                                                 "new_password2": "a brand new passphrase"})

        assert "This link to reset your password does not work" in html(Client().get(path, follow=True))

    def test_a_new_password_is_checked(self, client, jean, mailoutbox, deliver_queued_messages):
        client.post("/password-reset/", {"email": jean.email})
        deliver_queued_messages()
        page = client.get(reset_path(mailoutbox[0]), follow=True)
        url = page.redirect_chain[-1][0]

        short = html(client.post(url, {"new_password1": "short", "new_password2": "short"}))
        different = html(client.post(url, {"new_password1": "a brand new passphrase", "new_password2": "another one"}))

        assert "This password is too short. It must contain at least 10 characters." in short
        assert "The passwords do not match" in different

    def test_an_unknown_address_is_not_revealed_and_gets_no_email(self, client, mailoutbox, deliver_queued_messages):
        response = client.post("/password-reset/", {"email": "nobody@example.org"})

        assert response.status_code == 302 and response.url == "/password-reset/sent/"
        assert deliver_queued_messages() == 0 and mailoutbox == []

    def test_it_asks_for_an_email_address_in_the_right_format(self, client):
        assert "Enter an email address in the correct format, like name@example.com" in html(
            client.post("/password-reset/", {"email": "jean at example"})
        )

    def test_a_reset_lifts_the_lockout(self, client, jean, mailoutbox, deliver_queued_messages):
        for _ in range(5):
            sign_in(client, jean.email, "a wrong password")
        client.post("/password-reset/", {"email": jean.email})
        deliver_queued_messages()
        page = client.get(reset_path(mailoutbox[0]), follow=True)
        client.post(page.redirect_chain[-1][0], {"new_password1": "a brand new passphrase",
                                                 "new_password2": "a brand new passphrase"})

        assert sign_in(client, jean.email, "a brand new passphrase").status_code == 302


# List your enterprise -----------------------------------------------------------------------------------------------


def confirmation_link(mail, *, required=True) -> str:
    links = re.findall(r"https?://[^\s/]+(/list-your-enterprise/confirm/[^\s/]+/)", mail.body)
    assert len(links) == (1 if required else len(links)), mail.body
    return links[0] if links else ""


@contextmanager
def freeze_signing_clock(*, days_ahead: int):
    """django.core.signing reads time.time(): the link's age as if this many days had passed."""
    with mock.patch("django.core.signing.time.time", return_value=time.time() + days_ahead * 86400):
        yield


def listing_form(**overrides):
    return {
        "name": "Jean Smith",
        "email": "Jean@LunchClub.example",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "enterprise_name": "Malvern Lunch Club",
        "council": Enterprise._meta.get_field("council").related_model.objects.get().pk,
        "summary": "A friendly lunch club for older people in Malvern, every Thursday.",
        **overrides,
    }


@pytest.mark.django_db
class TestListYourEnterprise:
    def test_anyone_can_open_it_and_the_only_council_is_chosen(self, client, council):
        page = html(client.get("/list-your-enterprise/"))

        assert "<h1" in page and page.count("<h1") == 1 and "List your enterprise" in page
        assert f'<option value="{council.pk}" selected>' in page
        assert 'autocomplete="new-password"' in page and 'autocomplete="name"' in page

    def test_it_makes_a_draft_listing_and_asks_the_person_to_confirm_their_email(self, client, council, mailoutbox,
                                                                                  django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/list-your-enterprise/", listing_form())

        user = User.objects.get()
        enterprise = Enterprise.objects.get()
        assert (user.username, user.email, user.first_name, user.is_active) == (
            "jean@lunchclub.example", "jean@lunchclub.example", "Jean Smith", False
        )
        assert user.password.startswith("argon2") and user.check_password(PASSWORD)
        assert (enterprise.name, enterprise.status, enterprise.council) == (
            "Malvern Lunch Club", Enterprise.Status.DRAFT, council
        )
        assert re.fullmatch(r"malvern-lunch-club-[0-9a-f]{6}", enterprise.slug)
        assert enterprise.summary == "A friendly lunch club for older people in Malvern, every Thursday."
        assert list(enterprise.members.all()) == [user]
        assert ListingEvent.objects.get(enterprise=enterprise).action == "created"
        assert signed_in_id(client) is None
        assert response.status_code == 302 and response.url == "/list-your-enterprise/check-your-email/"
        page = html(client.get(response.url))
        assert "Check your email" in page and "jean@lunchclub.example" in page
        assert len(mailoutbox) == 1 and mailoutbox[0].to == ["jean@lunchclub.example"]
        assert "Malvern Lunch Club" in mailoutbox[0].body and confirmation_link(mailoutbox[0])

    def test_the_link_opens_a_page_whose_button_confirms_signs_in_and_goes_to_the_listing(
        self, client, council, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/list-your-enterprise/", listing_form())
        link = confirmation_link(mailoutbox[0])

        opened = client.get(link)  # what a mail scanner does too: nothing changes
        assert "Confirm your email address" in html(opened) and not User.objects.get().is_active
        response = client.post(link)

        enterprise = Enterprise.objects.get()
        assert response.status_code == 302 and response.url == f"/provider/listings/{enterprise.slug}/"
        assert signed_in_id(client) == User.objects.get().pk and User.objects.get().is_active
        assert "Your email address is confirmed" in html(client.get(response.url))
        assert sign_in(Client(), "JEAN@lunchclub.example").status_code == 302
        again = Client().post(link)
        assert again.status_code == 410 and "Your email address is already confirmed" in html(again)

    def test_a_broken_or_expired_link_says_what_to_do(self, client, council, mailoutbox, settings,
                                                      django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/list-your-enterprise/", listing_form())
        link = confirmation_link(mailoutbox[0])

        broken = client.post(link[:-6] + "xxxxx/")
        assert broken.status_code == 404 and "This link does not work" in html(broken)
        with freeze_signing_clock(days_ahead=4):
            expired = client.post(link)
        assert expired.status_code == 410 and "This link has expired" in html(expired)
        assert not User.objects.get().is_active

    def test_signing_in_before_confirming_says_to_confirm(self, client, council):
        client.post("/list-your-enterprise/", listing_form())

        page = html(sign_in(Client(), "jean@lunchclub.example"))

        assert "Confirm your email address first" in page
        assert "Confirm your email address first" not in html(sign_in(Client(), "jean@lunchclub.example",
                                                                        password="not the password"))

    def test_an_email_that_has_an_account_gets_the_same_answer_and_its_owner_an_email(
        self, client, council, jean, mailoutbox, django_capture_on_commit_callbacks
    ):
        newcomer = Client()
        with django_capture_on_commit_callbacks(execute=True):
            taken = client.post("/list-your-enterprise/", listing_form(email="JEAN@example.org"))
        with django_capture_on_commit_callbacks(execute=True):
            free = newcomer.post("/list-your-enterprise/", listing_form(email="someone.new@example.org"))

        assert (taken.status_code, taken.url) == (free.status_code, free.url)
        assert html(client.get(taken.url)).replace("jean@example.org", "@") == html(newcomer.get(free.url)).replace(
            "someone.new@example.org", "@")
        assert User.objects.filter(email="jean@example.org").count() == 1
        assert not Enterprise.objects.filter(members=jean).exists()
        to_owner = next(mail for mail in mailoutbox if mail.to == ["jean@example.org"])
        assert "You already have an account" in to_owner.body and "/sign-in/" in to_owner.body
        assert "/password-reset/" in to_owner.body and not confirmation_link(to_owner, required=False)

    def test_the_passwords_must_match(self, client, council):
        page = html(client.post("/list-your-enterprise/", listing_form(password_confirm="something different")))

        assert "The passwords do not match. Enter the same password twice." in page
        assert not User.objects.exists()

    def test_a_short_or_common_password_is_refused(self, client, council):
        short = html(client.post("/list-your-enterprise/", listing_form(password="lunch", password_confirm="lunch")))
        common = html(client.post("/list-your-enterprise/", listing_form(password="password123",
                                                                         password_confirm="password123")))

        assert "This password is too short. It must contain at least 10 characters." in short
        assert "This password is too common." in common
        assert not User.objects.exists()

    def test_it_keeps_what_was_typed_but_not_the_password(self, client, council):
        page = html(client.post("/list-your-enterprise/", listing_form(password_confirm="something different")))

        assert "<title>Error: List your enterprise – " in page and "govuk-error-summary" in page
        for kept in ['value="Jean Smith"', 'value="Jean@LunchClub.example"', 'value="Malvern Lunch Club"',
                     "every Thursday"]:
            assert kept in page, kept
        assert PASSWORD not in page and "something different" not in page

    def test_it_says_what_is_missing(self, client, council):
        page = html(client.post("/list-your-enterprise/", {}))

        for message in ["Enter your full name", "Enter your email address", "Create a password",
                        "Enter the name of your enterprise", "Enter a sentence about what your enterprise does"]:
            assert message in page, message

    def test_sending_the_form_twice_makes_one_account_one_listing_and_one_email(
        self, client, council, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post("/list-your-enterprise/", listing_form())
            second = Client().post("/list-your-enterprise/", listing_form())

        assert User.objects.count() == 1 and Enterprise.objects.count() == 1
        assert second.status_code == 302 and second.url == first.url
        assert len(mailoutbox) == 1

    def test_a_deactivated_account_is_not_replaced_by_listing_with_its_address(self, client, council, jean):
        jean.is_active = False
        jean.save()

        client.post("/list-your-enterprise/", listing_form(email=jean.email))

        assert User.objects.get() == jean and not Enterprise.objects.exists()
        assert "Confirm your email address first" not in html(sign_in(Client(), jean.email))

    def test_listing_again_later_replaces_an_account_never_confirmed(
        self, client, council, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/list-your-enterprise/", listing_form(password="someone else's password",
                                                               password_confirm="someone else's password"))
        PendingSignUp.objects.update(created_at=timezone.now() - timezone.timedelta(hours=2))
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/list-your-enterprise/", listing_form(enterprise_name="Malvern Supper Club"))

        old_link, new_link = (confirmation_link(mail) for mail in mailoutbox)
        assert client.post(old_link).status_code == 404
        client.post(new_link)
        user = User.objects.get()
        assert user.is_active and user.check_password(PASSWORD)
        assert list(Enterprise.objects.values_list("name", flat=True)) == ["Malvern Supper Club"]

    def test_every_attempt_counts_toward_the_networks_limit(self, client, council, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_up": (2, 60)}
        client.post("/list-your-enterprise/", {})
        client.post("/list-your-enterprise/", listing_form(password_confirm="different"))

        response = client.post("/list-your-enterprise/", listing_form())

        assert response.status_code == 429 and not User.objects.exists()

    def test_a_signed_in_person_adds_a_listing_to_their_account(self, client, council, provider):
        client.force_login(provider)
        page = html(client.get("/list-your-enterprise/"))
        assert 'name="password"' not in page and "You are signed in as provider@lunchclub.example" in page

        form = {"enterprise_name": "Evesham Gardeners", "council": council.pk, "summary": "Gardening help."}
        response = client.post("/list-your-enterprise/", form)
        again = client.post("/list-your-enterprise/", form)

        enterprise = Enterprise.objects.get(name="Evesham Gardeners")
        assert response.url == again.url == f"/provider/listings/{enterprise.slug}/"
        assert enterprise.status == Enterprise.Status.DRAFT and list(enterprise.members.all()) == [provider]
        assert User.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_the_same_moment_make_one_account(council):
    _, errors = at_the_same_moment(lambda: start_provider_sign_up(
        name="Jean", email="jean@example.org", password=PASSWORD, enterprise_name="Malvern Lunch Club", council=council
    ))

    assert errors == []
    assert User.objects.count() == 1 and Enterprise.objects.count() == 1


# Invitations --------------------------------------------------------------------------------------------------------


def invite(client, **overrides):
    return client.post("/invitations/new/", {"email": "new.person@example.org", "role": "referrer",
                                              "organisation": "Wyre Forest team", **overrides})


def invitation_link(mail) -> str:
    links = re.findall(r"https?://[^\s/]+(/invitations/[^\s/]+/)", mail.body)
    assert len(links) == 1, mail.body
    return links[0]


def accept(client, path, **overrides):
    return client.post(path, {"name": "Nia New", "password": PASSWORD, "password_confirm": PASSWORD, **overrides})


@pytest.mark.django_db
class TestWhoMayInvite:
    def test_staff_can_open_the_invitation_form(self, client, staff):
        client.force_login(staff)

        page = html(client.get("/invitations/new/"))

        assert "Invite someone" in page and page.count("<h1") == 1 and 'name="role"' in page

    def test_anonymous_people_are_sent_to_sign_in(self, client, council):
        assert client.get("/invitations/new/").url == "/sign-in/?next=/invitations/new/"
        assert invite(client).url.startswith("/sign-in/")
        assert not Invitation.objects.exists()

    @pytest.mark.parametrize("who", ["provider", "referrer"])
    def test_providers_and_referrers_are_refused(self, client, who, request):
        client.force_login(request.getfixturevalue(who))

        assert client.get("/invitations/new/").status_code == 403
        assert invite(client).status_code == 403
        assert not Invitation.objects.exists()


@pytest.mark.django_db
class TestInviting:
    def test_staff_invite_a_referrer_by_email(self, client, staff, council, mailoutbox,
                                              django_capture_on_commit_callbacks):
        client.force_login(staff)

        with django_capture_on_commit_callbacks(execute=True):
            response = invite(client, email="New.Person@Example.org")

        invitation = Invitation.objects.get()
        assert response.status_code == 302 and response.url == "/invitations/new/"
        assert "Invitation sent to new.person@example.org" in html(client.get(response.url))
        assert (invitation.email, invitation.role, invitation.council, invitation.invited_by) == (
            "new.person@example.org", "referrer", council, staff
        )
        assert invitation.organisation == Organisation.objects.get(council=council, name="Wyre Forest team")
        assert invitation.expires_at - invitation.created_at == timezone.timedelta(days=14)
        assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new.person@example.org"]
        assert invitation_link(mailoutbox[0]) == f"/invitations/{invitation.token}/"
        assert "Wyre Forest team" in mailoutbox[0].body and "Sam Staff" in mailoutbox[0].body

    def test_a_team_still_waiting_for_its_first_member_is_reused_whatever_the_case(self, client, staff, council):
        Organisation.objects.create(council=council, name="Wyre Forest team")  # its first invitation expired
        client.force_login(staff)

        invite(client, organisation="wyre forest  TEAM")

        assert Invitation.objects.get().organisation.name == "Wyre Forest team"
        assert Organisation.objects.count() == 1

    def test_a_team_with_members_is_not_joined_through_the_council(self, client, staff, referrer):
        client.force_login(staff)

        page = html(invite(client, organisation="wyre forest  TEAM"))

        assert "Wyre Forest team already has members. Ask one of them to invite their colleague" in page
        assert not Invitation.objects.exists()

    def test_a_referrer_needs_an_organisation(self, client, staff):
        client.force_login(staff)

        page = html(invite(client, organisation=""))

        assert "Enter the name of the referrer’s organisation or team" in page
        assert 'value="new.person@example.org"' in page
        assert not Invitation.objects.exists()

    def test_it_says_what_is_missing(self, client, staff):
        client.force_login(staff)

        page = html(client.post("/invitations/new/", {}))

        assert "Enter the email address of the person you are inviting" in page
        assert "Choose whether they will work for the council or refer people" in page

    def test_someone_already_on_the_staff_is_not_invited_again(self, client, staff, council):
        colleague = make_user("colleague@council.example")
        StaffMembership.objects.create(user=colleague, council=council)
        client.force_login(staff)

        page = html(invite(client, email=colleague.email, role="staff"))

        assert f"{colleague.email} is already on the staff of your council" in page
        assert not Invitation.objects.exists()

    def test_the_form_does_not_say_which_other_council_someone_works_for(self, client, staff, other_staff):
        client.force_login(staff)

        response = invite(client, email=other_staff.email, role="staff")

        assert response.status_code == 302  # the person invited finds out, when they try to accept
        assert "Herefordshire" not in html(client.get(response.url))

    def test_staff_of_one_council_invite_people_into_their_own_council_only(
        self, client, staff, council, other_council, other_staff
    ):
        Organisation.objects.create(council=other_council, name="Wyre Forest team")
        client.force_login(staff)

        invite(client, council=other_council.pk, organisation="Wyre Forest team")
        invite(client, email="colleague@example.org", role="staff", council=other_council.pk)

        referrer_invitation, staff_invitation = Invitation.objects.order_by("pk")
        assert referrer_invitation.council == staff_invitation.council == council
        assert referrer_invitation.organisation.council == council
        accept(Client(), f"/invitations/{referrer_invitation.token}/")
        accept(Client(), f"/invitations/{staff_invitation.token}/")
        assert User.objects.get(email="new.person@example.org").organisations.get().council == council
        assert User.objects.get(email="colleague@example.org").staff_membership.council == council


@pytest.mark.django_db
class TestAcceptingAnInvitation:
    @pytest.fixture
    def referrer_invitation(self, staff, council):
        return accounts.invite(council=council, by=staff, email="new.person@example.org", role="referrer",
                               organisation_name="Wyre Forest team")

    @pytest.fixture
    def staff_invitation(self, staff, council):
        return accounts.invite(council=council, by=staff, email="colleague@example.org", role="staff")

    def test_the_link_asks_for_a_name_and_a_password(self, client, referrer_invitation):
        page = html(client.get(f"/invitations/{referrer_invitation.token}/"))

        assert "Create your account" in page and page.count("<h1") == 1
        assert "new.person@example.org" in page and "Wyre Forest team" in page
        assert 'name="email"' not in page  # the address is the invitation's

    def test_accepting_creates_a_referrer_and_signs_them_in(self, client, referrer_invitation):
        response = accept(client, f"/invitations/{referrer_invitation.token}/")

        user = User.objects.get(email="new.person@example.org")
        assert user.username == "new.person@example.org" and user.first_name == "Nia New"
        assert user.password.startswith("argon2")
        assert list(user.organisations.all()) == [referrer_invitation.organisation]
        assert not StaffMembership.objects.filter(user=user).exists()
        assert signed_in_id(client) == user.pk and response.status_code == 302
        referrer_invitation.refresh_from_db()
        assert referrer_invitation.accepted_at is not None

    def test_accepting_a_staff_invitation_makes_council_staff(self, client, staff_invitation, council):
        response = accept(client, f"/invitations/{staff_invitation.token}/")

        user = User.objects.get(email="colleague@example.org")
        assert user.staff_membership.council == council and not user.organisations.exists()
        assert response.url == "/council/"

    def test_the_link_cannot_be_used_twice(self, client, referrer_invitation):
        path = f"/invitations/{referrer_invitation.token}/"
        accept(client, path)

        again = Client()
        assert again.get(path).status_code == 410
        response = accept(again, path, name="Someone Else")
        assert response.status_code == 410 and "This invitation has already been used" in html(response)
        assert User.objects.filter(email="new.person@example.org").count() == 1
        assert signed_in_id(again) is None

    def test_an_expired_link_is_refused(self, client, referrer_invitation):
        referrer_invitation.expires_at = timezone.now() - timezone.timedelta(minutes=1)
        referrer_invitation.save()

        response = accept(client, f"/invitations/{referrer_invitation.token}/")

        assert response.status_code == 410 and "This invitation has expired" in html(response)
        assert not User.objects.filter(email="new.person@example.org").exists()

    def test_an_unknown_link_is_not_found(self, client, council):
        response = client.get("/invitations/not-a-real-token/")

        assert response.status_code == 404 and "This invitation link does not work" in html(response)

    def test_the_password_is_checked_and_the_name_kept(self, client, referrer_invitation):
        page = html(accept(client, f"/invitations/{referrer_invitation.token}/", password="short",
                           password_confirm="short"))

        assert "This password is too short" in page and 'value="Nia New"' in page
        assert not User.objects.filter(email="new.person@example.org").exists()

    def test_a_password_that_is_the_email_address_is_refused(self, client, referrer_invitation):
        page = html(accept(client, f"/invitations/{referrer_invitation.token}/", password="new.person@example.org",
                           password_confirm="new.person@example.org"))

        assert "The password is too similar to the email address" in page
        assert not User.objects.filter(email="new.person@example.org").exists()

    def test_someone_with_an_account_signs_in_first_and_then_accepts(self, client, referrer_invitation):
        existing = make_user("new.person@example.org")
        path = f"/invitations/{referrer_invitation.token}/"

        page = html(client.get(path))
        assert "Sign in to accept your invitation" in page
        assert f"/sign-in/?next=%2Finvitations%2F{referrer_invitation.token}%2F" in page
        accept(client, path)  # a post without signing in changes nothing
        assert not existing.organisations.exists()

        client.force_login(existing)
        assert "Accept your invitation" in html(client.get(path))
        client.post(path)

        assert list(existing.organisations.all()) == [referrer_invitation.organisation]
        assert User.objects.count() == 2  # the member of staff, and the existing account: no new one

    def test_someone_signed_in_as_another_person_is_asked_to_sign_out(self, client, referrer_invitation, provider):
        client.force_login(provider)
        path = f"/invitations/{referrer_invitation.token}/"

        assert "Sign out to accept this invitation" in html(client.get(path))
        client.post(path)
        assert not provider.organisations.exists()
        referrer_invitation.refresh_from_db()
        assert referrer_invitation.accepted_at is None

    def test_staff_of_another_council_cannot_join_a_second_one(self, client, council, staff, other_staff):
        invitation = accounts.invite(council=council, by=staff, email=other_staff.email, role="staff")
        client.force_login(other_staff)

        page = html(client.post(f"/invitations/{invitation.token}/"))

        assert "already belongs to the staff of another council" in page
        other_staff.staff_membership.refresh_from_db()
        assert other_staff.staff_membership.council.name == "Herefordshire Council"
