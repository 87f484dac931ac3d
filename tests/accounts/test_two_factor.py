"""Two-factor sign-in (TOTP) for council staff and superusers: the codes (RFC 6238's own test values), setting it up,
signing in with and without the code, wrong and replayed codes (also two at the same moment), backup codes, turning
it on signing the person out elsewhere, the setting that requires it for staff, the Django admin, and providers, who
are never asked."""

import base64
import re
import threading
import time
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp import models as otp_totp_models
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from enterprises.models import Enterprise, SignInAttempt, StaffMembership
from tests import authenticator
from tests.authenticator import wrong_code as a_wrong_code
from tests.factories import make_council, make_enterprise, make_user

User = get_user_model()
PASSWORD = "a long test password 1"
LOCKED_OUT = "You have tried to sign in too many times"


def html(response) -> str:
    return response.content.decode()


def signed_in_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def codes_of_now_unused(user) -> None:
    """As if the person's last code was a few minutes ago."""
    TOTPDevice.objects.filter(user=user).update(last_t=authenticator.step() - 5)


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_TWO_FACTOR_FOR_STAFF = False


@pytest.fixture
def council(db):
    return make_council()


@pytest.fixture
def staff(council):
    user = make_user("priya@council.example", password=PASSWORD)
    StaffMembership.objects.create(user=user, council=council)
    return user


@pytest.fixture
def provider(council):
    user = make_user("jean@lunchclub.example", password=PASSWORD)
    make_enterprise("Malvern Lunch Club", council=council).members.add(user)
    return user


def turned_on(user) -> tuple[str, list[str]]:
    """Two-factor on for `user`, as the set-up page would leave it; the secret and the backup codes."""
    secret = two_factor.new_secret()
    codes = two_factor.turn_on(user, secret, authenticator.code(secret))
    codes_of_now_unused(user)
    return secret, codes


@pytest.fixture
def staff_with_two_factor(staff):
    secret, codes = turned_on(staff)
    return staff, secret, codes


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/sign-in/", {"email": email, "password": password, **extra})


def enter_code(client, code):
    return client.post("/sign-in/code/", {"code": code})


# The codes -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Stops the clock the codes are checked by (django-otp's TOTPDevice, and our set-up) at a time of the test's."""
    now = SimpleNamespace(time=time.time)
    monkeypatch.setattr(otp_totp_models, "time", now)
    monkeypatch.setattr(two_factor, "time", now)

    def set_to(at: float) -> None:
        now.time = lambda: at

    return set_to


@pytest.mark.django_db
class TestTheCodes:
    SECRET = base64.b32encode(b"12345678901234567890").decode()  # RFC 6238, appendix B (SHA-1)

    @pytest.mark.parametrize(("at", "code"), [
        (59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924"),
        (2000000000, "279037"), (20000000000, "353130"),
    ])
    def test_they_match_the_rfc_6238_test_values(self, staff, clock, at, code):
        # The RFC gives 8 digits; 6 digits are the same number's last six.
        clock(at)

        assert two_factor.turn_on(staff, self.SECRET, code) is not None  # setting it up
        TOTPDevice.objects.update(last_t=-1)
        assert two_factor.verify(staff, code)  # signing in

    def test_a_code_is_accepted_one_step_either_side_and_no_further(self, staff, clock):
        at = 1111111111
        clock(at)
        two_factor.turn_on(staff, self.SECRET, "050471")
        for offset, accepted in [(-2, False), (-1, True), (0, True), (1, True), (2, False)]:
            TOTPDevice.objects.update(last_t=-1)
            assert two_factor.verify(staff, authenticator.code(self.SECRET, offset, at=at)) is accepted, offset

    def test_a_code_for_a_step_already_used_is_refused(self, staff, clock):
        clock(1111111111)
        two_factor.turn_on(staff, self.SECRET, "081804")  # the step before

        assert not two_factor.verify(staff, "081804")
        assert two_factor.verify(staff, "050471")
        assert not two_factor.verify(staff, "050471")

    def test_secrets_are_160_random_bits_and_the_app_gets_them_in_the_standard_address(self):
        secret = two_factor.new_secret()

        assert len(base64.b32decode(secret)) == 20 and secret != two_factor.new_secret()
        uri = two_factor.provisioning_uri(secret, "priya@council.example")
        assert uri.startswith("otpauth://totp/Find%20community%20support%3Apriya%40council.example?secret=")
        assert "issuer=Find%20community%20support" in uri and "digits=6" in uri and "period=30" in uri


# Setting it up --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSettingItUp:
    def test_staff_see_it_is_off_and_can_set_it_up(self, client, staff):
        client.force_login(staff)

        page = html(client.get("/account/two-factor/"))

        assert "Off" in page and 'href="/account/two-factor/set-up/"' in page

    def test_the_set_up_page_shows_a_qr_code_and_the_key_to_type(self, client, staff):
        client.force_login(staff)

        page = html(client.get("/account/two-factor/set-up/"))

        secret = client.session[two_factor.SET_UP_SECRET_KEY]
        assert '<svg role="img" aria-label="QR code for your authenticator app' in page
        assert two_factor.grouped(secret) in page
        assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
        assert not two_factor.is_on(staff)  # not on until a code confirms it

    def test_a_wrong_code_leaves_it_off_and_says_so(self, client, staff):
        client.force_login(staff)
        client.get("/account/two-factor/set-up/")
        secret = client.session[two_factor.SET_UP_SECRET_KEY]

        response = client.post("/account/two-factor/set-up/", {"code": a_wrong_code(secret)})

        assert response.status_code == 200 and "The code is not right" in html(response)
        assert 'href="#id_code"' in html(response)
        assert not two_factor.is_on(staff)

    def test_the_right_code_turns_it_on_and_shows_the_backup_codes_once(self, client, staff):
        client.force_login(staff)
        client.get("/account/two-factor/set-up/")
        secret = client.session[two_factor.SET_UP_SECRET_KEY]

        response = client.post("/account/two-factor/set-up/", {"code": authenticator.code(secret)})

        assert response.status_code == 302 and response.url == "/account/two-factor/backup-codes/"
        device = TOTPDevice.objects.get(user=staff)
        assert device.key == base64.b32decode(secret).hex() and device.confirmed
        shown = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", html(client.get(response.url)))
        assert len(set(shown)) == 10
        # Kept only as hashes: no code is in the database, with or without its hyphen.
        hashes = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
        assert len(hashes) == 10 and not hashes & ({*shown} | {code.replace("-", "") for code in shown})
        # Once only.
        assert client.get("/account/two-factor/backup-codes/").url == "/account/two-factor/"
        assert "On" in html(client.get("/account/two-factor/"))

    def test_providers_and_referrers_cannot_set_it_up(self, client, provider):
        client.force_login(provider)

        assert client.get("/account/two-factor/").status_code == 403
        assert client.get("/account/two-factor/set-up/").status_code == 403

    def test_people_not_signed_in_are_sent_to_sign_in(self, client, db):
        assert client.get("/account/two-factor/set-up/").url.startswith("/sign-in/?next=")

    def test_superusers_may_set_it_up(self, client, db):
        admin = User.objects.create_superuser("root@council.example", "root@council.example", PASSWORD)
        client.force_login(admin)

        assert client.get("/account/two-factor/set-up/").status_code == 200


# Signing in --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSigningIn:
    def test_the_password_alone_does_not_sign_in_it_asks_for_the_code(self, client, staff_with_two_factor):
        staff, secret, _ = staff_with_two_factor

        response = sign_in(client, staff.email)

        assert response.status_code == 302 and response.url == "/sign-in/code/"
        assert signed_in_id(client) is None
        assert not SignInAttempt.objects.exists()  # not yet a success
        page = html(client.get("/sign-in/code/"))
        assert "<h1 class=\"govuk-heading-xl\">Enter your code</h1>" in page

    def test_without_the_code_nothing_private_opens(self, client, staff_with_two_factor):
        staff, _, _ = staff_with_two_factor
        sign_in(client, staff.email)

        assert client.get("/council/").url.startswith("/sign-in/")
        assert client.get("/account/two-factor/").url.startswith("/sign-in/")

    def test_the_right_code_signs_in_to_the_page_asked_for(self, client, staff_with_two_factor):
        staff, secret, _ = staff_with_two_factor
        sign_in(client, staff.email, next="/council/listings/")

        response = enter_code(client, authenticator.code(secret))

        assert response.status_code == 302 and response.url == "/council/listings/"
        assert signed_in_id(client) == staff.pk
        assert client.get("/council/listings/").status_code == 200
        assert SignInAttempt.objects.get().succeeded is True

    def test_a_code_typed_with_spaces_works(self, client, staff_with_two_factor):
        staff, secret, _ = staff_with_two_factor
        sign_in(client, staff.email)
        code = authenticator.code(secret)

        assert enter_code(client, f"{code[:3]} {code[3:]}").status_code == 302

    def test_a_wrong_code_is_refused_and_is_a_failed_attempt(self, client, staff_with_two_factor):
        staff, secret, _ = staff_with_two_factor
        sign_in(client, staff.email)

        response = enter_code(client, a_wrong_code(secret))

        assert response.status_code == 200 and "The code is not right" in html(response)
        assert signed_in_id(client) is None
        assert SignInAttempt.objects.get().succeeded is False

    def test_wrong_codes_count_toward_the_lockout_even_with_the_right_password_between(
        self, client, staff_with_two_factor
    ):
        staff, secret, _ = staff_with_two_factor
        for _ in range(5):
            sign_in(client, staff.email)  # the right password each time: it does not start the count again
            response = enter_code(client, a_wrong_code(secret))

        assert LOCKED_OUT in html(response)
        assert LOCKED_OUT in html(sign_in(client, staff.email))
        assert LOCKED_OUT in html(enter_code(client, authenticator.code(secret)))
        assert signed_in_id(client) is None

    def test_wrong_codes_count_toward_the_network_rate_limit(self, client, staff_with_two_factor, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_in": (2, 15)}
        staff, secret, _ = staff_with_two_factor
        sign_in(client, staff.email)
        for _ in range(2):
            enter_code(client, a_wrong_code(secret))

        response = enter_code(client, authenticator.code(secret))

        assert response.status_code == 429
        assert "Too many attempts from your network. Try again in 15 minutes" in html(response)
        assert signed_in_id(client) is None

    def test_a_code_works_once(self, client, staff_with_two_factor):
        staff, secret, _ = staff_with_two_factor
        code = authenticator.code(secret)
        sign_in(client, staff.email)
        assert enter_code(client, code).status_code == 302

        someone_else = Client()
        sign_in(someone_else, staff.email)
        response = enter_code(someone_else, code)

        assert response.status_code == 200 and "The code is not right" in html(response)
        assert signed_in_id(someone_else) is None

    def test_a_backup_code_works_once(self, client, staff_with_two_factor):
        staff, _, codes = staff_with_two_factor
        sign_in(client, staff.email)
        assert enter_code(client, codes[0].upper().replace("-", " ")).status_code == 302
        client.post("/sign-out/")

        sign_in(client, staff.email)
        response = enter_code(client, codes[0])

        assert "The code is not right" in html(response) and signed_in_id(client) is None
        assert enter_code(client, codes[1]).status_code == 302
        assert two_factor.backup_codes_left(staff) == 8

    def test_the_code_page_waits_a_few_minutes_only(self, client, staff_with_two_factor):
        staff, secret, _ = staff_with_two_factor
        sign_in(client, staff.email)
        session = client.session
        session[two_factor.PENDING_KEY] = {**session[two_factor.PENDING_KEY], "at": time.time() - 5 * 60 - 1}
        session.save()

        response = enter_code(client, authenticator.code(secret))

        assert response.status_code == 302 and response.url == "/sign-in/"
        assert signed_in_id(client) is None

    def test_the_code_page_without_a_password_first_goes_to_sign_in(self, client, db):
        assert client.get("/sign-in/code/").url == "/sign-in/"

    def test_a_session_that_skipped_the_code_is_signed_out(self, client, staff_with_two_factor):
        staff, _, _ = staff_with_two_factor
        client.force_login(staff)  # as a session made some other way would be

        response = client.get("/council/")

        assert response.status_code == 302 and response.url == "/sign-in/?next=%2Fcouncil%2F"
        assert signed_in_id(client) is None

    def test_list_your_enterprise_sent_twice_does_not_sign_them_in(self, client, staff_with_two_factor, council):
        staff, _, _ = staff_with_two_factor
        make_enterprise("Malvern Lunch Club", status=Enterprise.Status.DRAFT, council=council).members.add(staff)
        form = {"name": "Priya", "email": staff.email, "password": PASSWORD, "password_confirm": PASSWORD,
                "enterprise_name": "Malvern Lunch Club", "council": council.pk, "summary": "A lunch club."}

        response = client.post("/list-your-enterprise/", form)

        assert response.url == "/list-your-enterprise/check-your-email/" and signed_in_id(client) is None


@pytest.mark.django_db(transaction=True)
class TestTheSameCodeAtTheSameMoment:
    def test_two_requests_with_it_sign_in_only_one(self, client, staff_with_two_factor):
        """The second request comes while the first has used the code but not yet finished (committed): it waits for
        the device, then finds the code used. Without the lock it would read the device as it was, and sign in."""
        staff, secret, _ = staff_with_two_factor
        code = authenticator.code(secret)
        sign_in(client, staff.email)
        other = Client()
        sign_in(other, staff.email)
        answers = {}

        def the_other_request():
            try:
                answers["other"] = enter_code(other, code)
            finally:
                connection.close()

        with transaction.atomic():
            assert enter_code(client, code).status_code == 302
            thread = threading.Thread(target=the_other_request)
            thread.start()
            wait_until_blocked_or_done(thread)
        thread.join(timeout=10)

        assert signed_in_id(client) == staff.pk
        assert "The code is not right" in html(answers["other"]) and signed_in_id(other) is None


def wait_until_blocked_or_done(thread, seconds=10.0):
    """Until `thread` waits for a row lock held here, or has finished."""
    deadline = time.monotonic() + seconds
    while thread.is_alive() and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)


# Turning it off, new backup codes -------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestTurningItOff:
    def signed_in(self, client, staff, secret):
        sign_in(client, staff.email)
        enter_code(client, authenticator.code(secret))
        codes_of_now_unused(staff)

    def test_it_takes_a_code(self, client, staff_with_two_factor):
        staff, secret, _ = staff_with_two_factor
        self.signed_in(client, staff, secret)

        refused = client.post("/account/two-factor/turn-off/", {"code": a_wrong_code(secret)})
        assert refused.status_code == 200 and two_factor.is_on(staff)

        assert client.post("/account/two-factor/turn-off/", {"code": authenticator.code(secret)}).status_code == 302
        assert "Off" in html(client.get("/account/two-factor/"))
        assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()

    def test_new_backup_codes_replace_the_old_ones(self, client, staff_with_two_factor):
        staff, secret, codes = staff_with_two_factor
        self.signed_in(client, staff, secret)

        response = client.post("/account/two-factor/new-backup-codes/", {"code": authenticator.code(secret)})

        assert response.url == "/account/two-factor/backup-codes/"
        assert client.get(response.url).status_code == 200
        assert not StaticToken.objects.filter(token=two_factor.backup_token(codes[2])).exists()
        client.post("/sign-out/")
        sign_in(client, staff.email)
        assert "The code is not right" in html(enter_code(client, codes[2]))

    def test_it_cannot_be_turned_off_when_required(self, client, staff_with_two_factor, settings):
        settings.REQUIRE_TWO_FACTOR_FOR_STAFF = True
        staff, secret, _ = staff_with_two_factor
        self.signed_in(client, staff, secret)

        assert client.get("/account/two-factor/turn-off/").status_code == 403
        assert 'href="/account/two-factor/turn-off/"' not in html(client.get("/account/two-factor/"))


# Turning it on ends the person's other sessions -----------------------------------------------------------------------


@pytest.mark.django_db
class TestTurningItOnEndsOtherSessions:
    def test_the_other_sessions_sign_in_again_and_this_one_goes_on_with_a_new_key(self, client, staff, council):
        elsewhere = Client()
        assert sign_in(elsewhere, staff.email).url == "/council/"
        colleague = make_user("omar@council.example", password=PASSWORD)
        StaffMembership.objects.create(user=colleague, council=council)
        colleagues_session = Client()
        colleagues_session.force_login(colleague)
        client.force_login(staff)
        key_before = client.session.session_key
        client.get("/account/two-factor/set-up/")

        response = client.post("/account/two-factor/set-up/",
                               {"code": authenticator.code(client.session[two_factor.SET_UP_SECRET_KEY])})

        assert response.url == "/account/two-factor/backup-codes/"
        assert elsewhere.get("/council/").url.startswith("/sign-in/?next=")
        assert signed_in_id(elsewhere) is None
        assert client.get(response.url).status_code == 200  # the backup codes, still in this session
        assert client.get("/council/").status_code == 200 and client.session.session_key != key_before
        assert colleagues_session.get("/council/").status_code == 200  # someone else's sessions are theirs


# Required for staff --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestRequiredForStaff:
    @pytest.fixture(autouse=True)
    def _required(self, settings):
        settings.REQUIRE_TWO_FACTOR_FOR_STAFF = True

    def test_staff_without_it_go_to_set_up_after_the_password(self, client, staff):
        response = sign_in(client, staff.email, next="/council/listings/")

        assert response.url == "/account/two-factor/set-up/?next=%2Fcouncil%2Flistings%2F"
        page = html(client.get(response.url))
        assert "Council staff must sign in with a password and a code" in page

    def test_before_anything_else(self, client, staff):
        sign_in(client, staff.email)

        for path in ["/council/", "/council/reports/", "/", "/account/two-factor/"]:
            response = client.get(path)
            assert response.status_code == 302, path
            assert response.url.startswith("/account/two-factor/set-up/?next="), path
        assert client.post("/sign-out/").status_code == 302  # they may still sign out

    def test_after_setting_it_up_they_go_on_to_the_page_they_asked_for(self, client, staff):
        sign_in(client, staff.email, next="/council/listings/")
        client.get("/account/two-factor/set-up/?next=/council/listings/")
        secret = client.session[two_factor.SET_UP_SECRET_KEY]

        response = client.post("/account/two-factor/set-up/",
                               {"code": authenticator.code(secret), "next": "/council/listings/"})

        assert response.url == "/account/two-factor/backup-codes/?next=%2Fcouncil%2Flistings%2F"
        assert 'href="/council/listings/"' in html(client.get(response.url))
        assert client.get("/council/listings/").status_code == 200

    def test_an_existing_session_of_staff_without_it_goes_to_set_up(self, client, staff, settings):
        settings.REQUIRE_TWO_FACTOR_FOR_STAFF = False
        client.force_login(staff)
        assert client.get("/council/").status_code == 200
        settings.REQUIRE_TWO_FACTOR_FOR_STAFF = True

        assert client.get("/council/").url.startswith("/account/two-factor/set-up/")

    def test_a_provider_is_never_asked(self, client, provider):
        response = sign_in(client, provider.email)

        assert response.url == "/provider/"
        assert client.get("/provider/").status_code == 200
        assert not TOTPDevice.objects.exists()

    def test_staff_who_have_it_sign_in_with_the_code(self, client, staff_with_two_factor):
        staff, secret, _ = staff_with_two_factor
        assert sign_in(client, staff.email).url == "/sign-in/code/"
        assert enter_code(client, authenticator.code(secret)).url == "/council/"
        assert client.get("/council/").status_code == 200

    def test_someone_who_joins_the_staff_by_invitation_sets_it_up_first(self, client, council, staff):
        from enterprises.models import Invitation

        invitation = Invitation.objects.create(
            email="nia@council.example", role=Invitation.Role.STAFF, council=council, token="a-token",
            invited_by=staff, expires_at=timezone.now() + timezone.timedelta(days=14),
        )
        client.post(f"/invitations/{invitation.token}/",
                    {"name": "Nia", "password": PASSWORD, "password_confirm": PASSWORD})

        assert client.get("/council/").url.startswith("/account/two-factor/set-up/")


# The Django admin ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestTheAdmin:
    def test_its_sign_in_page_is_ours(self, client):
        response = client.get("/admin/login/?next=/admin/enterprises/")

        assert response.status_code == 302 and response.url == "/sign-in/?next=%2Fadmin%2Fenterprises%2F"

    def test_posting_to_its_sign_in_page_signs_nobody_in(self, client, db):
        User.objects.create_superuser("root@council.example", "root@council.example", PASSWORD)

        response = client.post("/admin/login/", {"username": "root@council.example", "password": PASSWORD})

        assert response.status_code == 302 and signed_in_id(client) is None

    def test_a_superuser_with_two_factor_reaches_the_admin_only_with_the_code(self, client, db):
        admin = User.objects.create_superuser("root@council.example", "root@council.example", PASSWORD)
        secret, _ = turned_on(admin)
        assert client.get("/admin/").url == "/admin/login/?next=/admin/"

        assert sign_in(client, admin.email, next="/admin/").url == "/sign-in/code/"
        assert client.get("/admin/").status_code == 302
        assert enter_code(client, authenticator.code(secret)).url == "/admin/"
        assert client.get("/admin/").status_code == 200
