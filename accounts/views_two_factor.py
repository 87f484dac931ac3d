"""Two-factor sign-in pages: the code page (the second step of signing in), and for staff and superusers their
two-factor page, setting it up, the backup codes (shown once), turning it off and getting new backup codes.

The rules are in accounts/two_factor.py; these views read forms, call them and choose a page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import two_factor
from accounts.forms_two_factor import (
    WRONG_CODE_MESSAGE,
    WRONG_SET_UP_CODE_MESSAGE,
    ConfirmWithCodeForm,
    SetUpCodeForm,
    SignInCodeForm,
)
from accounts.services import LOCKED_OUT_MESSAGE, landing_page, record_attempt, sign_in_refused
from accounts.views import too_many_attempts
from core.http import client_ip, safe_next
from enterprises import ratelimits

# The second step of signing in -----------------------------------------------------------------------------------


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    """After a right password: the code. Nobody is signed in until it is right; a wrong one is a failed attempt."""
    held = two_factor.pending(request)
    if held is None:  # nobody half signed in, or the few minutes have passed: start again
        return redirect("sign_in")
    user, next_url = held
    form = SignInCodeForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST":
        refusal = ratelimits.refusal(request, "sign_in")
        if refusal is not None:
            form.refuse(refusal)
        elif form.is_valid():
            ip = client_ip(request)
            if sign_in_refused(user.email):
                form.add_error("code", LOCKED_OUT_MESSAGE)
            elif two_factor.verify(user, form.cleaned_data["code"]):
                record_attempt(user.email, ip_address=ip, succeeded=True)
                two_factor.finish(request, user)
                return redirect(next_url or landing_page(user))
            else:
                record_attempt(user.email, ip_address=ip, succeeded=False)
                ratelimits.record(request, "sign_in")
                form.add_error("code", LOCKED_OUT_MESSAGE if sign_in_refused(user.email) else WRONG_CODE_MESSAGE)
    response = render(request, "accounts/sign_in_code.html", {"form": form})
    return too_many_attempts(response, refusal)


# Staff and superusers: their two-factor page ------------------------------------------------------------------------


def _may_use(request) -> None:
    if not two_factor.may_use(request.user):
        raise PermissionDenied("Two-factor sign-in is for council staff")


def _next(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


@never_cache
@login_required
@require_http_methods(["GET"])
def account(request):
    _may_use(request)
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "is_on": two_factor.is_on(user),
            "required": two_factor.required_for(user),
            "backup_codes_left": two_factor.backup_codes_left(user),
        },
    )


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def set_up(request):
    """The QR code and the key, and a box for the first code: two-factor is on only once that code is right, and then
    the person's other sessions end."""
    _may_use(request)
    user = request.user
    next_url = _next(request)
    if two_factor.is_on(user):
        return redirect("two_factor")
    secret = request.session.get(two_factor.SET_UP_SECRET_KEY)
    if not secret:
        secret = request.session[two_factor.SET_UP_SECRET_KEY] = two_factor.new_secret()
    form = SetUpCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.turn_on(user, secret, form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", WRONG_SET_UP_CODE_MESSAGE)
        else:
            request.session.pop(two_factor.SET_UP_SECRET_KEY, None)
            request.session[two_factor.NEW_BACKUP_CODES_KEY] = codes
            two_factor.mark_verified(request)
            two_factor.end_other_sessions(request)
            query = f"?{urlencode({'next': next_url})}" if next_url else ""
            return redirect(f"{reverse('two_factor_backup_codes')}{query}")
    return render(
        request,
        "accounts/two_factor_set_up.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(two_factor.provisioning_uri(secret, user.email)),
            "secret": two_factor.grouped(secret),
            "required": two_factor.required_for(user),
            "next": next_url,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def backup_codes(request):
    """The new backup codes, once: they leave the session as this page is made, and only their hashes are kept."""
    _may_use(request)
    codes = request.session.pop(two_factor.NEW_BACKUP_CODES_KEY, None)
    if not codes:
        return redirect("two_factor")
    return render(
        request,
        "accounts/two_factor_backup_codes.html",
        {"codes": codes, "continue_to": _next(request) or landing_page(request.user)},
    )


CONFIRMATIONS = {
    "turn_off": {
        "title": "Turn off two-factor sign-in",
        "lead": "You will sign in with your email address and password only. Your backup codes will stop working.",
        "button": "Turn off two-factor sign-in",
        "done": "Two-factor sign-in is off",
    },
    "new_backup_codes": {
        "title": "Get new backup codes",
        "lead": f"Your old backup codes will stop working, and you will see {settings.TWO_FACTOR_BACKUP_CODES} new "
        "ones, once.",
        "button": "Get new backup codes",
        "done": "",
    },
}


@sensitive_post_parameters("code")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def confirm_with_code(request, action: str):
    """Turning two-factor off, or getting new backup codes: only with a code, so an unattended session cannot."""
    _may_use(request)
    user = request.user
    if not two_factor.is_on(user):
        return redirect("two_factor")
    if action == "turn_off" and two_factor.required_for(user):
        raise PermissionDenied("Council staff must use two-factor sign-in")
    form = ConfirmWithCodeForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST":
        refusal = ratelimits.refusal(request, "sign_in")
        if refusal is not None:
            form.refuse(refusal)
        elif form.is_valid():
            if two_factor.verify(user, form.cleaned_data["code"]):
                if action == "turn_off":
                    two_factor.turn_off(user)
                    messages.success(request, CONFIRMATIONS[action]["done"])
                    return redirect("two_factor")
                request.session[two_factor.NEW_BACKUP_CODES_KEY] = two_factor.new_backup_codes(user)
                return redirect("two_factor_backup_codes")
            ratelimits.record(request, "sign_in")
            form.add_error("code", WRONG_CODE_MESSAGE)
    response = render(
        request, "accounts/two_factor_confirm.html", {"form": form, "action": action, **CONFIRMATIONS[action]}
    )
    return too_many_attempts(response, refusal)
