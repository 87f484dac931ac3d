"""Two-factor sign-in: a time-based code from an authenticator app (TOTP, RFC 6238), for council staff and superusers.

Who: council staff, Django staff and superusers may turn it on (`may_use`); providers and referrers are never asked.
With settings.REQUIRE_TWO_FACTOR_FOR_STAFF, those people must set it up before they can do anything else.

The codes are django-otp's (its otp_totp and otp_static plugins, ADR 0010); the pages, the session's steps, the
lockout and the rate limit are ours. Each person has at most one TOTPDevice, "Authenticator app": RFC 6238 with the
defaults every app uses (HMAC-SHA1, 6 digits, 30-second steps, a 160-bit random key), a code accepted for the step
before and after the current one too (clocks drift), and only for a step later than the last one used (`last_t`).
`verify` locks the device's row (SELECT … FOR UPDATE) around django-otp's `verify_token`, so two requests racing
with the same code cannot both use it. The QR code is drawn by segno as inline SVG.

Backup codes: one StaticDevice, "Backup codes", per person, with TWO_FACTOR_BACKUP_CODES StaticTokens: random codes
of 10 letters and digits (about 50 bits each), shown once at set-up and deleted as they are used. django-otp would
keep the codes themselves; a StaticToken holds our keyed hash of the code instead (HMAC-SHA256 keyed with SECRET_KEY,
its first 96 bits in 16 characters, all a StaticToken holds), so a stolen database alone cannot be searched for them:
what people type is hashed before django-otp compares it.

Signing in (accounts/views.py and views/two_factor.py): a right password for a person with two-factor on
does not sign them in. The session holds their id (`begin`) for TWO_FACTOR_PENDING_MINUTES while the code page asks
for the code; only a right code signs them in (`finish`). Wrong codes are failed sign-in attempts, so they count
toward the account's lockout and the network's rate limit.

The session's state (`STATE_KEY`), set at every login() by a signal (enterprises/models.py), says whether the
session still owes a step: "verified" (a code was given, or two-factor was set up, in this session), "not-needed:…"
(the person has it off, and either is not staff or the setting does not require it), "set-up" (required and not set
up: only the set-up pages are open) or "code" (it is on, but this session never gave a code: it is signed out and
sent to sign in). `enforce`, called before every view (core/security.py), acts on it. This is ours rather than
django-otp's OTPMiddleware and `django_otp.login`: those say only whether a session gave a code (with a device query
on every request), not that staff must set it up first, which `enforce` needs anyway.

Turning it on ends the person's other sessions (`end_other_sessions`): one left signed in elsewhere, perhaps by
someone who knew the password, would otherwise stay signed in without ever giving a code.
"""

import base64
import secrets
import time
from io import BytesIO
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model, login, logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises.access import staff_council

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy from paper
BACKUP_CODE_LENGTH = 10

STATE_KEY = "two_factor"
PENDING_KEY = "two_factor_pending"
SET_UP_SECRET_KEY = "two_factor_set_up_secret"
NEW_BACKUP_CODES_KEY = "two_factor_new_backup_codes"
VERIFIED = "verified"
NEEDS_SET_UP = "set-up"
NEEDS_CODE = "code"

# The pages a person who must set up two-factor can still open.
SET_UP_VIEWS = frozenset({"two_factor_set_up", "two_factor_backup_codes", "sign_out"})


# The secret, as the authenticator app gets it --------------------------------------------------------------------


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps take them (held in the session until the first code)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def hex_key(secret: str) -> str:
    """A base32 secret as django-otp's TOTPDevice keeps it: hex."""
    secret = secret.replace(" ", "").upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()


def normalise_code(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    issuer = settings.SITE_NAME
    label = quote(f"{issuer}:{email}")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS,
                       "period": STEP_SECONDS}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


def qr_code_svg(uri: str) -> SafeString:
    """The QR code as inline SVG: no style attribute, no data: URI, so the Content-Security-Policy allows it."""
    buffer = BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, scale=5, border=4, dark="#0b0c0c", light="#ffffff",
        svgclass="app-qr-code", lineclass=None, omitsize=False,
    )
    svg = buffer.getvalue().decode("ascii")
    label = "QR code for your authenticator app. If you cannot scan it, type the key shown below it."
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1))  # noqa: S308


def grouped(secret: str) -> str:
    """The secret in groups of four, as people type it into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# Who ---------------------------------------------------------------------------------------------------------------


def may_use(user) -> bool:
    """Council staff, Django staff and superusers. Providers and referrers are never asked."""
    return user.is_authenticated and (user.is_superuser or user.is_staff or staff_council(user) is not None)


def required_for(user) -> bool:
    return settings.REQUIRE_TWO_FACTOR_FOR_STAFF and may_use(user)


def is_on(user) -> bool:
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# Turning it on and off, backup codes ---------------------------------------------------------------------------------


def backup_token(code: str) -> str:
    """What a StaticToken holds for a backup code: HMAC-SHA256 keyed with SECRET_KEY, its first 96 bits in URL-safe
    base64 (16 characters, a StaticToken's most). Migration 0006 made the same from the full hashes kept before."""
    digest = salted_hmac("accounts.two_factor.backup_code", normalise_code(code), algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:12]).decode("ascii")


def _new_backup_code() -> str:
    letters = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    return f"{letters[:5]}-{letters[5:]}"


def new_backup_codes(user) -> list[str]:
    """Replace the person's backup codes with new ones, returned once in plain text and kept only as hashes."""
    codes = [_new_backup_code() for _ in range(settings.TWO_FACTOR_BACKUP_CODES)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=backup_token(code)) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def turn_on(user, secret: str, code: str) -> list[str] | None:
    """Confirm a new secret with a code from the app: two-factor is then on, with new backup codes (returned)."""
    device = TOTPDevice(user=user, name=APP_DEVICE_NAME, key=hex_key(secret), step=STEP_SECONDS, digits=DIGITS,
                        tolerance=DRIFT_STEPS)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time()
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isdigit() or not totp.verify(int(code), device.tolerance):
        return None
    device.last_t = totp.t()  # the step of the code just given: it cannot be used again to sign in
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)  # one set-up at a time per person
        TOTPDevice.objects.filter(user=user).delete()
        device.save()
        return new_backup_codes(user)


@transaction.atomic
def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def verify(user, code: str) -> bool:
    """A code from the app (used once) or an unused backup code (used up). False for anything else.

    The device's row stays locked from reading it to saving what django-otp changed (the last step used, or the
    token deleted), so of two requests with the same code the second reads that change and is refused."""
    code = normalise_code(code)
    if len(code) == DIGITS and code.isdigit():
        devices, token = TOTPDevice.objects, code
    elif len(code) == BACKUP_CODE_LENGTH:
        devices, token = StaticDevice.objects, backup_token(code)
    else:
        return False
    with transaction.atomic():
        device = devices.select_for_update().filter(user=user, confirmed=True).first()
        return device is not None and device.verify_token(token)


def end_other_sessions(request) -> None:
    """Sign the person out everywhere but here, where the session goes on under a new key.

    Sessions are rows in the database (django.contrib.sessions' default engine) with no user column, so this reads
    and decodes every unexpired one: slow with very many sessions, but it happens only when someone turns two-factor
    on, which each member of staff does about once."""
    request.session.cycle_key()
    user_id = str(request.user.pk)
    others = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(
            session_key=request.session.session_key
        ).iterator()
        if session.get_decoded().get(SESSION_KEY) == user_id
    ]
    Session.objects.filter(session_key__in=others).delete()


# The session -------------------------------------------------------------------------------------------------------


def _not_needed() -> str:
    return f"not-needed:{'required' if settings.REQUIRE_TWO_FACTOR_FOR_STAFF else 'optional'}"


def state_for(user) -> str:
    """What a session of this person, signed in with a password alone, still owes."""
    if is_on(user):
        return NEEDS_CODE
    if required_for(user):
        return NEEDS_SET_UP
    return _not_needed()


def note_sign_in(request, user) -> None:
    """At every login(): the signed-in session's state (see the module's docstring)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session[STATE_KEY] = VERIFIED if getattr(request, "two_factor_verified", False) else state_for(user)


def mark_verified(request) -> None:
    request.session[STATE_KEY] = VERIFIED


def forget_state(request) -> None:
    """Work the state out again at the next request (after someone becomes council staff, say)."""
    request.session.pop(STATE_KEY, None)


def begin(request, user, next_url: str = "") -> None:
    """A right password, for someone with two-factor on: hold who they are, not signed in, while the code is asked."""
    request.session[PENDING_KEY] = {
        "user": user.pk, "backend": getattr(user, "backend", ""), "next": next_url, "at": time.time(),
    }


def pending(request):
    """(user, next) for the person half signed in on this session, or None when nobody is or it has expired."""
    held = request.session.get(PENDING_KEY)
    if not held:
        return None
    if time.time() - held.get("at", 0) > settings.TWO_FACTOR_PENDING_MINUTES * 60:
        request.session.pop(PENDING_KEY, None)
        return None
    user = get_user_model().objects.filter(pk=held.get("user"), is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return None
    user.backend = held.get("backend") or settings.AUTHENTICATION_BACKENDS[0]
    return user, held.get("next", "")


def finish(request, user) -> None:
    """The right code: sign the person in (a new session key), with nothing left owing."""
    request.session.pop(PENDING_KEY, None)
    request.two_factor_verified = True
    login(request, user, backend=user.backend)
    mark_verified(request)


def enforce(request):
    """Before every view: a session that owes a two-factor step goes to it (None lets the request through)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None:
        return None
    state = session.get(STATE_KEY)
    if state == VERIFIED or state == _not_needed() or not user.is_authenticated:
        return None
    if state not in (NEEDS_SET_UP, NEEDS_CODE):  # a session from before, or under another REQUIRE setting
        state = state_for(user)
        session[STATE_KEY] = state
    if state == NEEDS_CODE:  # signed in some other way than with a code: sign in again, properly
        path = request.get_full_path()
        logout(request)
        return redirect(f"{reverse('sign_in')}?{urlencode({'next': path})}")
    if state == NEEDS_SET_UP:
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in SET_UP_VIEWS:
            return None
        query = f"?{urlencode({'next': request.get_full_path()})}" if request.method == "GET" else ""
        return redirect(f"{reverse('two_factor_set_up')}{query}")
    return None
