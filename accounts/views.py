"""Signing in and out, password reset, “List your enterprise”, and invitations.

The rules live in accounts/services.py (lockout, creating accounts and listings, invitations); these views only
read forms, call those functions and choose a page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import sessions, two_factor
from accounts.forms import (
    AcceptInvitationForm,
    InvitationForm,
    ListingForm,
    ListYourEnterpriseForm,
    PasswordResetForm,
    SetPasswordForm,
    SignInForm,
    TeamInvitationForm,
)
from accounts.services import (
    CONFIRMATION_LINK_DAYS,
    ConfirmationError,
    InvitationError,
    InvitationUnusable,
    accept_invitation,
    account_to_confirm,
    add_draft_listing,
    clear_failures,
    confirm_sign_up,
    email_taken,
    invitation_is_usable,
    invite,
    invite_to_team,
    landing_page,
    normalise_email,
    start_provider_sign_up,
)
from core.http import safe_next
from enterprises import ratelimits
from enterprises.access import referrer_organisations, staff_required
from enterprises.models import Enterprise, Invitation

EMAIL_BACKEND = "accounts.services.EmailBackend"


def task_list_path(enterprise: Enterprise) -> str:
    """The provider's task list for a listing (the provider pages' "provider:task_list")."""
    return f"/provider/listings/{enterprise.slug}/"


def too_many_attempts(response, refusal: ratelimits.Refusal | None):
    """429 Too Many Requests, with Retry-After, when the page shows a refusal (the form says why, and keeps what was
    typed, except passwords)."""
    if refusal is not None:
        response.status_code = 429
        response["Retry-After"] = str(refusal.retry_after)
    return response


# Signing in and out -------------------------------------------------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    refusal = None
    if request.method == "POST":
        refusal = ratelimits.refusal(request, "sign_in")
        form = SignInForm(request.POST, request=request, refusal=refusal)
        if form.is_valid():
            return signed_in_with_password(request, form.user, next_url)
        if form.failed:
            ratelimits.record(request, "sign_in")
    else:
        form = SignInForm()
    response = render(request, "accounts/sign_in.html", {"form": form, "next": next_url})
    return too_many_attempts(response, refusal)


def signed_in_with_password(request, user, next_url: str = ""):
    """The right password. With two-factor on, that is half the way: the code page asks for the code before anyone
    is signed in. Staff who must set it up are signed in to the set-up page, and can open nothing else."""
    if two_factor.is_on(user):
        two_factor.begin(request, user, next_url)
        return redirect("sign_in_code")
    login(request, user)
    if request.session.get(two_factor.STATE_KEY) == two_factor.NEEDS_SET_UP:
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return redirect(f"{reverse('two_factor_set_up')}{query}")
    return redirect(next_url or landing_page(user))


@require_http_methods(["GET", "POST"])
def admin_sign_in(request):
    """/admin/login/: the Django admin signs people in through our sign-in page, lockout, rate limit, two-factor and
    all. Nothing posted here is read."""
    next_url = safe_next(request, request.GET.get("next")) or reverse("admin:index")
    return redirect(f"{reverse('sign_in')}?{urlencode({'next': next_url})}")


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("home")


# Password reset: Django's views, our forms and templates ---------------------------------------------------------


RESET_LINK_DAYS = max(1, settings.PASSWORD_RESET_TIMEOUT // (60 * 60 * 24))

class PasswordResetView(auth_views.PasswordResetView):
    """Each request for a link sends an email: limited per client network (settings.RATE_LIMITS)."""

    def form_valid(self, form):
        refusal = ratelimits.attempt(self.request, "password_reset")
        if refusal is not None:
            form.refuse(refusal)
            return too_many_attempts(self.form_invalid(form), refusal)
        return super().form_valid(form)


password_reset = PasswordResetView.as_view(
    form_class=PasswordResetForm,
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    extra_email_context={"SITE_NAME": settings.SITE_NAME},
    success_url=reverse_lazy("password_reset_done"),
)

password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_sent.html", extra_context={"link_days": RESET_LINK_DAYS}
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        clear_failures(form.user.email)  # the lockout message offers a reset: it lets them sign in at once
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()

password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


# List your enterprise -----------------------------------------------------------------------------------------------


SIGN_UP_EMAIL_KEY = "sign_up_email"


@sensitive_post_parameters("password", "password_confirm")
@require_http_methods(["GET", "POST"])
def list_your_enterprise(request):
    """A new provider gives their details and their enterprise's, then confirms their email address; a signed-in
    person adds a listing at once."""
    signed_in = request.user.is_authenticated
    form_class = ListingForm if signed_in else ListYourEnterpriseForm
    form = form_class(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST" and not signed_in:
        refusal = ratelimits.attempt(request, "sign_up")  # every attempt counts, whatever the answer
        if refusal is not None:
            form.is_valid()
            form.refuse(refusal)
    if request.method == "POST" and refusal is None and form.is_valid():
        data = form.cleaned_data
        listing = {name: data[name] for name in ("enterprise_name", "council", "summary")}
        if signed_in:
            enterprise = add_draft_listing(user=request.user, **listing)
            messages.success(request, f"Your listing for {enterprise.name} is saved as a draft")
            return redirect(task_list_path(enterprise))
        start_provider_sign_up(name=data["name"], email=data["email"], password=data["password"], **listing)
        request.session[SIGN_UP_EMAIL_KEY] = data["email"]
        return redirect("list_your_enterprise_sent")
    response = render(request, "accounts/list_your_enterprise.html", {"form": form, "signed_in": signed_in})
    return too_many_attempts(response, refusal)


@require_GET
def list_your_enterprise_sent(request):
    email = request.session.get(SIGN_UP_EMAIL_KEY)
    if not email:
        return redirect("list_your_enterprise")
    return render(request, "accounts/list_your_enterprise_sent.html",
                  {"email": email, "link_days": CONFIRMATION_LINK_DAYS})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_sign_up_page(request, token):
    """The link in the email. Opening it changes nothing (mail scanners open links); the button confirms."""
    try:
        user = account_to_confirm(token)
        if request.method == "POST":
            user, enterprise = confirm_sign_up(user)
            logout(request)
            login(request, user, backend=EMAIL_BACKEND)
            messages.success(request, "Your email address is confirmed, and your listing is saved as a draft")
            return redirect(task_list_path(enterprise) if enterprise else landing_page(user))
    except ConfirmationError as error:
        status = 410 if error.reason in {"expired", "confirmed"} else 404
        return render(request, "accounts/confirm_sign_up.html",
                      {"reason": error.reason, "link_days": CONFIRMATION_LINK_DAYS}, status=status)
    return render(request, "accounts/confirm_sign_up.html",
                  {"reason": "", "email": user.email, "enterprise": user.enterprises.first()})


# Invitations --------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def invite_someone(request):
    form = InvitationForm(request.POST if request.method == "POST" else None, council=request.council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invite(
                council=request.council, by=request.user, email=data["email"], role=data["role"],
                organisation_name=data["organisation"],
            )
        except InvitationError as refusal:  # the team gained a member since the form was checked
            form.add_error("organisation", str(refusal))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}")
            return redirect("invite")
    return render(
        request,
        "accounts/invite.html",
        {"form": form, "council": request.council, "invitation_days": settings.INVITATION_VALID_DAYS},
    )


@require_http_methods(["GET", "POST"])
def invite_colleague(request):
    """A referrer invites a colleague into their team: the only way into a team that has members (ADR 9)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    teams = referrer_organisations(request.user).select_related("council").order_by("name")
    if not teams.exists():
        raise PermissionDenied("Only referrers can invite colleagues to their team")
    form = TeamInvitationForm(request.POST if request.method == "POST" else None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invite_to_team(
                organisation=form.cleaned_data["team"], by=request.user, email=form.cleaned_data["email"]
            )
        except InvitationError as refusal:
            form.add_error("team", str(refusal))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}")
            return redirect("invite_colleague")
    return render(
        request,
        "accounts/invite_colleague.html",
        {"form": form, "teams": teams, "invitation_days": settings.INVITATION_VALID_DAYS},
    )


def _unusable(request, invitation: Invitation | None, *, reason: str = ""):
    if invitation is None:
        return render(request, "accounts/invitation_unusable.html", {"reason": "unknown"}, status=404)
    reason = reason or ("used" if invitation.accepted_at is not None else "expired")
    return render(
        request,
        "accounts/invitation_unusable.html",
        {"reason": reason, "invitation": invitation, "invitation_days": settings.INVITATION_VALID_DAYS},
        status=410,
    )


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation_page(request, token):
    invitation = Invitation.objects.select_related("council", "organisation").filter(token=token).first()
    if invitation is None or not invitation_is_usable(invitation):
        return _unusable(request, invitation)

    user = request.user
    if user.is_authenticated and normalise_email(user.email) == invitation.email:
        situation, form = "confirm", None
    elif user.is_authenticated:
        situation, form = "signed_in_as_someone_else", None
    elif email_taken(invitation.email):
        situation, form = "sign_in_first", None
    else:
        situation = "create_account"
        form = AcceptInvitationForm(request.POST if request.method == "POST" else None, invitation=invitation)

    error, too_many = "", None
    if request.method == "POST" and situation == "create_account" and form.is_valid():
        too_many = ratelimits.attempt(request, "invitation")  # a new account: limited per client network
        if too_many is not None:
            form.refuse(too_many)
    if request.method == "POST" and situation in {"confirm", "create_account"}:
        try:
            if situation == "confirm":
                user = accept_invitation(invitation=invitation, user=user)
                two_factor.forget_state(request)  # now perhaps council staff: whether they need two-factor changes
                sessions.forget_role(request)  # and how long the session may sit idle
            elif form.is_valid():
                user = accept_invitation(
                    invitation=invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password"]
                )
                login(request, user, backend=EMAIL_BACKEND)
            else:
                user = None
        except InvitationUnusable as unusable:
            return _unusable(request, invitation, reason=unusable.reason)
        except InvitationError as refusal:
            error, user = str(refusal), None
        if user is not None:
            messages.success(request, _welcome(invitation))
            return redirect(landing_page(user))

    response = render(
        request,
        "accounts/accept_invitation.html",
        {
            "invitation": invitation,
            "situation": situation,
            "form": form,
            "error": error,
            "sign_in_url": f"{reverse('sign_in')}?{urlencode({'next': request.path})}",
        },
    )
    return too_many_attempts(response, too_many)


def _welcome(invitation: Invitation) -> str:
    if invitation.role == Invitation.Role.STAFF:
        return f"You have joined the staff of {invitation.council}"
    return f"You can now refer people to services as part of {invitation.organisation}"
