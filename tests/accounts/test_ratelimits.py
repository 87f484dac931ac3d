"""Rate limits by client network on sign-in, password reset, "List your enterprise" and accepting an invitation.

Each: given attempts from one network, when one more comes, then it works while under the limit; over it, the form
comes back with status 429 and the GOV.UK error summary's message, keeping what was typed but never a password; it
works again once the window has passed; and another network is unaffected.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from core.http import client_ip
from enterprises import ratelimits
from enterprises.models import Enterprise, Invitation, RateLimitHit, SignInAttempt
from tests.factories import make_council, make_user

User = get_user_model()
PASSWORD = "a long test password 1"
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


def too_many(minutes: int) -> str:
    return f"Too many attempts from your network. Try again in {minutes} minutes"


def html(response) -> str:
    return response.content.decode()


def passed(minutes: int) -> None:
    """Move every counted attempt `minutes` into the past."""
    RateLimitHit.objects.update(at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def small_limits(settings):
    settings.RATE_LIMITS = {"sign_in": (3, 15), "password_reset": (2, 60), "sign_up": (2, 60), "invitation": (2, 60)}


@pytest.fixture
def jean(db):
    return make_user("jean@example.org", password=PASSWORD)


# The client's network ----------------------------------------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


class TestClientAddress:
    def test_with_no_trusted_proxy_x_forwarded_for_is_ignored(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0

        assert client_ip(request_from(HOME, forwarded="192.0.2.99")) == HOME

    def test_behind_one_proxy_the_client_is_the_address_it_saw(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

        # The client sent a made-up address first; the proxy appended the one it really saw.
        assert client_ip(request_from("10.0.0.2", forwarded=f"192.0.2.99, {HOME}")) == HOME

    def test_behind_two_proxies_it_is_the_second_from_the_right(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2

        assert client_ip(request_from("10.0.0.2", forwarded=f"192.0.2.99, {HOME}, 10.0.0.9")) == HOME

    def test_a_missing_or_broken_header_falls_back_to_the_connection(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

        assert client_ip(request_from(HOME)) == HOME
        assert client_ip(request_from(HOME, forwarded="not-an-address")) == HOME

    def test_an_ipv6_client_counts_as_its_64_network(self):
        one, two = request_from("2001:db8:1:2::10"), request_from("2001:db8:1:2:ffff::1")

        assert ratelimits.client_network(one) == ratelimits.client_network(two) == "2001:db8:1:2::/64"
        assert ratelimits.client_network(request_from("::ffff:203.0.113.7")) == HOME


# The counting ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCounting:
    def test_it_allows_the_limit_then_refuses_saying_how_long(self, small_limits):
        request = request_from(HOME)

        allowed = [ratelimits.attempt(request, "sign_up") for _ in range(2)]
        refused = ratelimits.attempt(request, "sign_up")

        assert allowed == [None, None]
        assert refused is not None and refused.minutes == 60 and refused.message == too_many(60)
        assert RateLimitHit.objects.count() == 2  # the refused attempt is not counted

    def test_the_wait_is_until_the_oldest_attempt_leaves_the_window(self, small_limits):
        request, now = request_from(HOME), timezone.now()
        ratelimits.attempt(request, "sign_up", now=now - timedelta(minutes=50))
        ratelimits.attempt(request, "sign_up", now=now - timedelta(minutes=5))

        assert ratelimits.attempt(request, "sign_up", now=now).message == too_many(10)
        assert ratelimits.attempt(request, "sign_up", now=now + timedelta(minutes=10, seconds=1)) is None

    def test_another_network_and_another_form_have_their_own_counts(self, small_limits):
        for _ in range(2):
            ratelimits.attempt(request_from(HOME), "sign_up")

        assert ratelimits.attempt(request_from(ELSEWHERE), "sign_up") is None
        assert ratelimits.attempt(request_from(HOME), "password_reset") is None
        assert ratelimits.refusal(request_from(HOME), "sign_up") is not None

    def test_old_attempts_are_deleted_as_new_ones_come(self, small_limits):
        request = request_from(HOME)
        ratelimits.record(request, "sign_in", now=timezone.now() - timedelta(minutes=16))
        ratelimits.record(request, "sign_in")

        assert list(RateLimitHit.objects.values_list("key", flat=True)) == [f"sign_in:{HOME}"]

    def test_the_defaults_are_the_documented_ones(self):
        from django.conf import settings

        assert settings.RATE_LIMITS == {
            "sign_in": (20, 15), "password_reset": (5, 60), "sign_up": (5, 60), "invitation": (10, 60),
            "shortlist_share": (30, 60), "shortlist_email": (5, 60),
            "problem_report": (10, 60), "enquiry": (5, 60),
        }
        assert settings.TRUSTED_PROXY_COUNT == 0


# Signing in --------------------------------------------------------------------------------------------------------


def sign_in(client, password, ip=HOME, email="jean@example.org"):
    return client.post("/sign-in/", {"email": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
class TestSignIn:
    def test_under_the_limit_failures_are_answered_as_usual_and_the_right_password_works(self, client, jean,
                                                                                          small_limits):
        for number in range(2):
            response = sign_in(client, "wrong password", email=f"person{number}@example.org")
            assert response.status_code == 200
            assert "The email address or password is not right" in html(response)

        assert sign_in(client, PASSWORD).status_code == 302

    def test_over_the_limit_even_the_right_password_gets_429_and_the_message(self, client, jean, small_limits):
        for number in range(3):
            sign_in(client, "wrong password", email=f"person{number}@example.org")

        response = sign_in(client, PASSWORD)

        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 14 * 60
        page = html(response)
        assert "govuk-error-summary" in page and too_many(15) in page
        assert 'href="#id_email"' in page  # the summary links to where to start again
        assert 'value="jean@example.org"' in page  # what was typed is kept…
        assert PASSWORD not in page  # …but never the password
        assert "_auth_user_id" not in client.session
        assert not SignInAttempt.objects.filter(email="jean@example.org").exists()  # the password was not checked

    def test_successes_do_not_count(self, client, jean, small_limits):
        for _ in range(5):
            assert sign_in(client, PASSWORD).status_code == 302

    def test_a_different_network_is_unaffected(self, client, jean, small_limits):
        for number in range(3):
            sign_in(client, "wrong password", email=f"person{number}@example.org")

        assert sign_in(client, PASSWORD, ip=ELSEWHERE).status_code == 302

    def test_it_works_again_when_the_window_has_passed(self, client, jean, small_limits):
        for number in range(3):
            sign_in(client, "wrong password", email=f"person{number}@example.org")
        passed(minutes=15)

        assert sign_in(client, PASSWORD).status_code == 302

    def test_behind_a_trusted_proxy_each_client_has_its_own_count(self, client, jean, small_limits, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        for number in range(3):
            client.post("/sign-in/", {"email": f"p{number}@example.org", "password": "x"},
                        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=HOME)

        response = client.post("/sign-in/", {"email": jean.email, "password": PASSWORD},
                               REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=ELSEWHERE)

        assert response.status_code == 302
        assert SignInAttempt.objects.filter(succeeded=True).get().ip_address == ELSEWHERE


# Password reset ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPasswordReset:
    def ask(self, client, ip=HOME, email="jean@example.org"):
        return client.post("/password-reset/", {"email": email}, REMOTE_ADDR=ip)

    def test_up_to_the_limit_each_request_sends_its_email(self, client, jean, small_limits, mailoutbox,
                                                          deliver_queued_messages):
        assert [self.ask(client).status_code for _ in range(2)] == [302, 302]
        assert deliver_queued_messages() == 2 and len(mailoutbox) == 2

    def test_over_the_limit_it_is_429_and_no_email_is_sent(self, client, jean, small_limits, mailoutbox,
                                                           deliver_queued_messages):
        for _ in range(2):
            self.ask(client)

        response = self.ask(client)

        assert response.status_code == 429
        assert too_many(60) in html(response) and 'value="jean@example.org"' in html(response)
        assert "<title>Error: Reset your password" in html(response)
        assert deliver_queued_messages() == 2 and len(mailoutbox) == 2

    def test_a_different_network_and_a_later_hour_are_unaffected(self, client, jean, small_limits, mailoutbox):
        for _ in range(2):
            self.ask(client)

        assert self.ask(client, ip=ELSEWHERE).status_code == 302
        passed(minutes=60)
        assert self.ask(client).status_code == 302

    def test_a_mistyped_address_does_not_use_up_the_limit(self, client, jean, small_limits):
        for _ in range(3):
            assert self.ask(client, email="jean@").status_code == 200

        assert self.ask(client).status_code == 302


# List your enterprise ----------------------------------------------------------------------------------------------


def listing_form(number: int, **overrides):
    return {
        "name": "Jean Smith", "email": f"new{number}@example.org", "password": PASSWORD, "password_confirm": PASSWORD,
        "enterprise_name": f"Lunch Club {number}", "council": make_council().pk,
        "summary": "A lunch club for older people.", **overrides,
    }


@pytest.mark.django_db
class TestListYourEnterprise:
    @pytest.fixture(autouse=True)
    def _council(self, db):
        make_council()

    def sign_up(self, ip=HOME, number=0, **overrides):
        from django.test import Client

        return Client().post("/list-your-enterprise/", listing_form(number, **overrides), REMOTE_ADDR=ip)

    def test_up_to_the_limit_each_makes_an_account(self, small_limits):
        assert [self.sign_up(number=n).status_code for n in range(2)] == [302, 302]
        assert User.objects.count() == 2

    def test_over_the_limit_it_is_429_keeping_everything_but_the_password(self, small_limits):
        for number in range(2):
            self.sign_up(number=number)

        response = self.sign_up(number=9)

        assert response.status_code == 429
        page = html(response)
        assert too_many(60) in page and 'href="#id_name"' in page
        assert 'value="new9@example.org"' in page and 'value="Lunch Club 9"' in page and 'value="Jean Smith"' in page
        assert PASSWORD not in page
        assert not User.objects.filter(email="new9@example.org").exists()
        assert not Enterprise.objects.filter(name="Lunch Club 9").exists()

    def test_a_different_network_and_a_later_hour_are_unaffected(self, small_limits):
        for number in range(2):
            self.sign_up(number=number)

        assert self.sign_up(ip=ELSEWHERE, number=5).status_code == 302
        passed(minutes=60)
        assert self.sign_up(number=6).status_code == 302

    def test_forms_with_mistakes_use_up_the_limit_too(self, small_limits):
        """Every attempt counts: "List your enterprise" must not be a way to try many addresses."""
        assert [self.sign_up(password_confirm="something else").status_code for _ in range(2)] == [200, 200]

        assert self.sign_up().status_code == 429


# Accepting an invitation -------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestAcceptingAnInvitation:
    def invitation(self, number: int) -> Invitation:
        council = make_council()
        staff = make_user(f"staff{number}@council.example")
        return Invitation.objects.create(
            email=f"new{number}@council.example", role=Invitation.Role.STAFF, council=council, token=f"token-{number}",
            invited_by=staff, expires_at=timezone.now() + timedelta(days=14),
        )

    def accept(self, number: int, ip=HOME):
        from django.test import Client

        invitation = self.invitation(number)
        form = {"name": "Nia Officer", "password": PASSWORD, "password_confirm": PASSWORD}
        return Client().post(f"/invitations/{invitation.token}/", form, REMOTE_ADDR=ip)

    def test_over_the_limit_it_is_429_and_makes_no_account(self, small_limits):
        assert [self.accept(n).status_code for n in range(2)] == [302, 302]

        response = self.accept(2)

        assert response.status_code == 429
        assert too_many(60) in html(response) and 'value="Nia Officer"' in html(response)
        assert not User.objects.filter(email="new2@council.example").exists()
        assert self.accept(3, ip=ELSEWHERE).status_code == 302
