"""Two-factor sign-in: a time-based code from an authenticator app (TOTP, RFC 6238), for council staff and superusers.

Who: council staff, Django staff and superusers may turn it on (`may_use`); providers and referrers are never asked.
With settings.REQUIRE_TWO_FACTOR_FOR_STAFF, those people must set it up before they can do anything else.

The codes. RFC 6238 with its defaults, which every authenticator app uses: HMAC-SHA1, 6 digits, 30-second steps, a
160-bit random secret. A code is accepted for the step before and after the current one too (clocks drift), and only
for a step later than the last one used (`TwoFactorDevice.last_used_step`, moved on by a conditional UPDATE, so even
two requests racing with the same code cannot both use it). The QR code is drawn by segno as inline SVG.

Backup codes: TWO_FACTOR_BACKUP_CODES random codes of 10 letters and digits (about 50 bits each), shown once at
set-up, kept as HMAC-SHA256 keyed with SECRET_KEY (a stolen database alone cannot be searched for them), each usable
once.

Signing in (enterprises/views/accounts.py and views/two_factor.py): a right password for a person with two-factor on
does not sign them in. The session holds their id (`begin`) for TWO_FACTOR_PENDING_MINUTES while the code page asks
for the code; only a right code signs them in (`finish`). Wrong codes are failed sign-in attempts, so they count
toward the account's lockout and the network's rate limit.

The session's state (`STATE_KEY`), set at every login() by a signal (enterprises/models.py), says whether the
session still owes a step: "verified" (a code was given, or two-factor was set up, in this session), "not-needed:…"
(the person has it off, and either is not staff or the setting does not require it), "set-up" (required and not set
up: only the set-up pages are open) or "code" (it is on, but this session never gave a code: it is signed out and
sent to sign in). `enforce`, called before every view (directory/security.py), acts on it.
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from io import BytesIO
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib.auth import get_user_model, login, logout
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

from enterprises.access import staff_council
from enterprises.models import BackupCode, TwoFactorDevice

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
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


# RFC 6238 ----------------------------------------------------------------------------------------------------------


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def _key(secret: str) -> bytes:
    secret = secret.replace(" ", "").upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def hotp(secret: str, counter: int) -> str:
    """RFC 4226: the code for one counter value."""
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def time_step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238: the code for the 30 seconds around `at` (now by default)."""
    return hotp(secret, time_step(at))


def matching_step(secret: str, code: str, *, after_step: int = 0, at: float | None = None) -> int | None:
    """The time step, near now and later than `after_step`, whose code is `code`; None if there is none."""
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = time_step(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


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


def device_of(user) -> TwoFactorDevice | None:
    if not user.is_authenticated:
        return None
    return TwoFactorDevice.objects.filter(user=user).first()


def is_on(user) -> bool:
    return user.is_authenticated and TwoFactorDevice.objects.filter(user=user).exists()


# Turning it on and off, backup codes ---------------------------------------------------------------------------------


def _backup_hash(code: str) -> str:
    return salted_hmac("enterprises.two_factor.backup_code", normalise_code(code), algorithm="sha256").hexdigest()


def _new_backup_code() -> str:
    letters = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    return f"{letters[:5]}-{letters[5:]}"


def new_backup_codes(user) -> list[str]:
    """Replace the person's backup codes with new ones, returned once in plain text and kept only as hashes."""
    codes = [_new_backup_code() for _ in range(settings.TWO_FACTOR_BACKUP_CODES)]
    BackupCode.objects.filter(user=user).delete()
    BackupCode.objects.bulk_create(BackupCode(user=user, code_hash=_backup_hash(code)) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return BackupCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def turn_on(user, secret: str, code: str) -> list[str] | None:
    """Confirm a new secret with a code from the app: two-factor is then on, with new backup codes (returned)."""
    step = matching_step(secret, code)
    if step is None:
        return None
    get_user_model().objects.select_for_update().get(pk=user.pk)  # one set-up at a time per person
    TwoFactorDevice.objects.update_or_create(
        user=user, defaults={"secret": secret, "last_used_step": step, "confirmed_at": timezone.now()}
    )
    return new_backup_codes(user)


@transaction.atomic
def turn_off(user) -> None:
    TwoFactorDevice.objects.filter(user=user).delete()
    BackupCode.objects.filter(user=user).delete()


def verify(user, code: str) -> bool:
    """A code from the app (used once) or an unused backup code (used up). False for anything else."""
    code = normalise_code(code)
    device = device_of(user)
    if device is None or not code:
        return False
    if code.isdigit():
        step = matching_step(device.secret, code, after_step=device.last_used_step)
        # Only the request that moves the step on wins: a code replayed, even at the same moment, fails.
        return step is not None and TwoFactorDevice.objects.filter(
            pk=device.pk, last_used_step__lt=step
        ).update(last_used_step=step) == 1
    if len(code) != BACKUP_CODE_LENGTH:
        return False
    return BackupCode.objects.filter(
        user=user, code_hash=_backup_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now()) == 1


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
