"""Accounts: signing in by email, refusing an account after repeated failures, creating providers, invitations.

Plain functions that the views (accounts/views.py) call; they know nothing of requests except the
authentication backend, which Django calls with one.

- People sign in with their email address. Accounts we create keep it lower-cased in both `username` and `email`
  (auth.User's unique `username` then makes a second account with the same address impossible, even when two
  requests race), and `EmailBackend` finds the account by `email__iexact`.
- After SIGN_IN_LOCKOUT_FAILURES failed attempts for one email address within SIGN_IN_LOCKOUT_MINUTES, sign-in for
  it is refused for SIGN_IN_LOCKOUT_MINUTES, without checking the password. Refused attempts are not recorded, so the
  refusal ends that many minutes after the failure that caused it. A success, or a password reset, clears the count.
  For a person with two-factor sign-in on, a wrong code is a failed attempt and only the right code is a success.
- Sign-in is also limited by client network (enterprises/ratelimits.py), as are the forms that send email or create
  accounts.
- Council staff invite a colleague or a referrer by email; the link in the email signs them up into that role once.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.backends import ModelBackend
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import two_factor
from core.http import client_ip
from core.notifications import queue_email
from enterprises.access import is_provider, staff_council
from enterprises.listings import new_listing_slug
from enterprises.models import (
    Council,
    Enterprise,
    Invitation,
    ListingEvent,
    Organisation,
    PendingSignUp,
    SignInAttempt,
    StaffMembership,
)

User = get_user_model()

LOCKED_OUT_MESSAGE = (
    f"You have tried to sign in too many times. Wait {settings.SIGN_IN_LOCKOUT_MINUTES} minutes, then try again, "
    "or reset your password."
)


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def email_taken(email: str) -> bool:
    email = normalise_email(email)
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()


# Signing in ---------------------------------------------------------------------------------------------------------


def _lockout_window() -> timedelta:
    return timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)


def sign_in_refused(email: str, *, now: datetime | None = None) -> bool:
    """Whether sign-in for this email address is refused for now, after too many failed attempts.

    It is refused while the latest attempt failed less than SIGN_IN_LOCKOUT_MINUTES ago and was the last of
    SIGN_IN_LOCKOUT_FAILURES failures in a row that all happened within SIGN_IN_LOCKOUT_MINUTES of each other.
    """
    now = now or timezone.now()
    window = _lockout_window()
    limit = settings.SIGN_IN_LOCKOUT_FAILURES
    latest = list(
        SignInAttempt.objects.filter(email=normalise_email(email), at__gt=now - 2 * window, at__lte=now)
        .order_by("-at", "-pk")
        .values_list("succeeded", "at")[:limit]
    )
    if len(latest) < limit or any(succeeded for succeeded, _ in latest):
        return False
    newest, oldest = latest[0][1], latest[-1][1]
    return newest > now - window and newest - oldest <= window


def record_attempt(email: str, *, ip_address: str | None, succeeded: bool) -> SignInAttempt:
    """Record a sign-in attempt, and forget the attempts older than SIGN_IN_ATTEMPTS_KEPT_DAYS (they hold an
    email address and an IP address, kept only as long as they help to look into an attack)."""
    kept_from = timezone.now() - timezone.timedelta(days=settings.SIGN_IN_ATTEMPTS_KEPT_DAYS)
    SignInAttempt.objects.filter(at__lt=kept_from).delete()
    return SignInAttempt.objects.create(
        email=normalise_email(email), ip_address=ip_address or None, succeeded=succeeded
    )


def clear_failures(email: str) -> None:
    """After a password reset the person may sign in again at once."""
    SignInAttempt.objects.filter(
        email=normalise_email(email), succeeded=False, at__gt=timezone.now() - 2 * _lockout_window()
    ).delete()


class EmailBackend(ModelBackend):
    """Authenticate by email address (any case), and refuse an address locked out by repeated failures.

    Every attempt through this backend is recorded, so no page can be used to keep guessing a password (the Django
    admin's sign-in page sends people to ours). A right password for a person with two-factor sign-in on is not yet
    a success: the code page records the attempt when the code comes (accounts/two_factor.py).
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = normalise_email(email or username or kwargs.get(User.USERNAME_FIELD))
        if not email or password is None:
            return None
        if sign_in_refused(email):
            return None
        user = None
        candidates = list(User._default_manager.filter(email__iexact=email).order_by("pk"))
        for candidate in candidates:
            if candidate.check_password(password) and self.user_can_authenticate(candidate):
                user = candidate
                break
        if not candidates:
            User().set_password(password)  # take as long as a real check, so timing does not reveal who has an account
        if user is not None and two_factor.is_on(user):
            return user  # half the way: the code page records the attempt, failed or succeeded, when the code comes
        record_attempt(email, ip_address=client_ip(request), succeeded=user is not None)
        return user


def landing_page(user) -> str:
    """Where a person goes after signing in, when they did not ask for a particular page."""
    if staff_council(user) is not None:
        return "/council/"
    if is_provider(user):
        return "/provider/"
    return settings.LOGIN_REDIRECT_URL


# Creating accounts --------------------------------------------------------------------------------------------------


class EmailTaken(Exception):
    """An account already exists with this email address."""


def validate_new_password(password: str, *, email: str = "", name: str = "") -> None:
    """Raise ValidationError with the messages of AUTH_PASSWORD_VALIDATORS."""
    password_validation.validate_password(password, User(username=email, email=email, first_name=name))


def _create_user(*, name: str, email: str, password: str, is_active: bool = True):
    email = normalise_email(email)
    if email_taken(email):
        raise EmailTaken(email)
    try:
        with transaction.atomic():  # a savepoint: the unique username refuses the second of two racing requests
            user = User(username=email, email=email, first_name=name.strip()[:150], is_active=is_active)
            user.set_password(password)
            user.save()
    except IntegrityError as error:
        raise EmailTaken(email) from error
    return user


def _create_draft_listing(*, user, enterprise_name: str, council: Council, summary: str) -> Enterprise:
    for _ in range(5):
        try:
            with transaction.atomic():  # a savepoint: another listing may take the same slug at the same moment
                enterprise = Enterprise.objects.create(
                    council=council,
                    name=enterprise_name.strip(),
                    slug=new_listing_slug(enterprise_name),
                    summary=summary.strip(),
                    status=Enterprise.Status.DRAFT,
                )
            break
        except IntegrityError:
            continue
    else:
        raise IntegrityError("Could not find a free slug for the enterprise")
    enterprise.members.add(user)
    ListingEvent.objects.create(
        enterprise=enterprise, action="created", from_status="", to_status=Enterprise.Status.DRAFT, actor=user
    )
    return enterprise


# A new provider: "List your enterprise" gives the same answer whether or not the email address has an account
# ("Check your email"), so it cannot be used to find out who has one. What the email says differs: a link to confirm
# the new account, or, to an existing account's owner, that they already have one.

CONFIRMATION_LINK_DAYS = 3
_CONFIRMATION_SALT = "accounts.services.confirm-sign-up"
SAME_SIGN_UP_WITHIN = timedelta(minutes=15)  # a second identical request meanwhile is the form sent twice


def confirmation_path(user) -> str:
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=_CONFIRMATION_SALT)
    return reverse("confirm_sign_up", kwargs={"token": token})


def _email(template: str, to: str, subject: str, *, council_id: int | None = None, **context) -> None:
    """Queue an email in the current transaction (core/notifications.py). Its kind is the template's name
    ("accounts/invitation_email.txt": `invitation`); the context's words and numbers are its GOV.UK Notify
    personalisation; staff of `council_id` see it if it cannot be sent (superusers only without one)."""
    body = render_to_string(template, {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context})
    kind = template.rsplit("/", 1)[-1].removesuffix(".txt").removesuffix("_email")
    fields = {name: value for name, value in context.items() if isinstance(value, str | int)}
    queue_email(to, subject, body, kind=kind, council_id=council_id, fields=fields)


def _pending(user) -> bool:
    """An account made by "List your enterprise" and never confirmed."""
    return not user.is_active and PendingSignUp.objects.filter(user=user).exists()


@transaction.atomic
def start_provider_sign_up(
    *, name: str, email: str, password: str, enterprise_name: str, council: Council, summary: str = ""
) -> None:
    """A new provider's account (not yet active) and draft listing, and an email with a link to confirm the address.

    When the address already has an account, its owner is told so instead. When it has an account that was never
    confirmed, the same request again (a double submit) sends nothing more, and anything else replaces it: the
    person lost the first email, or someone else used their address.
    """
    email = normalise_email(email)
    existing = User.objects.select_for_update().filter(Q(email__iexact=email) | Q(username__iexact=email)).first()
    if existing is not None and not _pending(existing):
        _email("accounts/sign_up_account_exists_email.txt", existing.email,
               f"You already have an account on {settings.SITE_NAME}",
               sign_in=f"{settings.SITE_URL}{reverse('sign_in')}",
               reset=f"{settings.SITE_URL}{reverse('password_reset')}")
        return
    if existing is not None:
        if existing.pending_sign_up.created_at > timezone.now() - SAME_SIGN_UP_WITHIN and existing.enterprises.filter(
            name__iexact=enterprise_name.strip(), council=council
        ).exists():
            return
        existing.enterprises.filter(status=Enterprise.Status.DRAFT).delete()
        existing.delete()
    try:
        user = _create_user(name=name, email=email, password=password, is_active=False)
    except EmailTaken:
        return  # the same request, at the same moment: the first sends the email
    PendingSignUp.objects.create(user=user)
    enterprise = _create_draft_listing(user=user, enterprise_name=enterprise_name, council=council, summary=summary)
    _email("accounts/sign_up_confirm_email.txt", user.email, f"Confirm your email address for {settings.SITE_NAME}",
           council_id=council.pk, enterprise=enterprise, link=f"{settings.SITE_URL}{confirmation_path(user)}",
           days=CONFIRMATION_LINK_DAYS)


class ConfirmationError(Exception):
    """A confirmation link that does not work: `reason` is "unknown", "expired" or "confirmed"."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def account_to_confirm(token: str):
    """The never-confirmed account a confirmation link is for, or ConfirmationError."""
    try:
        data = signing.loads(token, salt=_CONFIRMATION_SALT, max_age=timedelta(days=CONFIRMATION_LINK_DAYS))
    except signing.SignatureExpired as error:
        raise ConfirmationError("expired") from error
    except signing.BadSignature as error:
        raise ConfirmationError("unknown") from error
    user = User.objects.filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        raise ConfirmationError("unknown")  # replaced by a later sign-up
    if not _pending(user):
        raise ConfirmationError("confirmed")
    return user


@transaction.atomic
def confirm_sign_up(user):
    """Make the account that `account_to_confirm` found live. Returns the person and their draft listing. Raises
    ConfirmationError."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not _pending(user):
        raise ConfirmationError("confirmed")  # a second click, at the same moment
    user.is_active = True
    user.save(update_fields=["is_active"])
    PendingSignUp.objects.filter(user=user).delete()
    return user, user.enterprises.order_by("-created_at").first()


def unconfirmed_with_password(email: str, password: str) -> bool:
    """Whether this is the right password of an account still waiting for its email address to be confirmed: only
    its owner is told so, at sign-in."""
    user = User.objects.filter(email__iexact=normalise_email(email), is_active=False, pending_sign_up__isnull=False)
    user = user.first()
    return user is not None and user.check_password(password)


@transaction.atomic
def add_draft_listing(*, user, enterprise_name: str, council: Council, summary: str = "") -> Enterprise:
    """A signed-in person lists another enterprise. A repeat of the same request returns the draft it made."""
    User.objects.select_for_update().get(pk=user.pk)  # one at a time per person, so a double submit finds the first
    existing = user.enterprises.filter(
        status=Enterprise.Status.DRAFT, name__iexact=enterprise_name.strip(), council=council
    ).first()
    if existing is not None:
        return existing
    return _create_draft_listing(user=user, enterprise_name=enterprise_name, council=council, summary=summary)


# Invitations --------------------------------------------------------------------------------------------------------


class InvitationError(Exception):
    """An invitation that this account cannot accept, with a message that says why."""


class InvitationUnusable(InvitationError):
    """An invitation that has been used or has expired: `reason` is "used" or "expired"."""

    MESSAGES = {"used": "This invitation has already been used", "expired": "This invitation has expired"}

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(self.MESSAGES[reason])


def invitation_path(invitation: Invitation) -> str:
    return reverse("accept_invitation", kwargs={"token": invitation.token})


def invitation_is_usable(invitation: Invitation, *, now: datetime | None = None) -> bool:
    return invitation.accepted_at is None and invitation.expires_at > (now or timezone.now())


def _team_named(council: Council, name: str) -> Organisation | None:
    """The council's referrer team of this name, in any case and any spacing."""
    return Organisation.objects.filter(council=council, name__iexact=" ".join(name.split())).first()


def organisation_named(council: Council, name: str) -> Organisation:
    """The council's referrer team of this name (any case, any spacing), or a new one."""
    organisation = _team_named(council, name)
    if organisation is None:
        organisation, _ = Organisation.objects.get_or_create(council=council, name=" ".join(name.split()))
    return organisation


# Who may add a person to a referrer team (docs/adr/0009-who-joins-a-referrer-team.md).

TEAM_HAS_MEMBERS_MESSAGE = (
    "{team} already has members. Ask one of them to invite their colleague: people join a team only when someone in "
    "it invites them"
)
STAFF_NOT_REFERRER_MESSAGE = (
    "Council staff cannot also be referrers, so this invitation cannot be added to your account. "
    "Ask for the invitation to be sent to a different email address."
)
REFERRER_NOT_STAFF_MESSAGE = (
    "Your account refers people to services, and a referrer cannot also be council staff. "
    "Ask for the invitation to be sent to a different email address."
)


def may_add_to_team(organisation: Organisation, *, by) -> bool:
    """A member of the team may add a colleague. Council staff may only start a team: invite the first member of one
    that has none yet. Nobody else may."""
    if by is None:
        return False
    if organisation.members.filter(pk=by.pk).exists():
        return True
    council = staff_council(by)
    return council is not None and council.pk == organisation.council_id and not organisation.members.exists()


def existing_team_refusal(council: Council, team_name: str) -> str:
    """Why council staff cannot invite a referrer into the team of this name, or "" when they can."""
    team = _team_named(council, team_name)
    if team is not None and team.members.exists():
        return TEAM_HAS_MEMBERS_MESSAGE.format(team=team.name)
    return ""


def _send_invitation(*, council: Council, by, email: str, role: str, organisation=None) -> Invitation:
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=normalise_email(email),
        role=role,
        council=council,
        organisation=organisation,
        token=secrets.token_urlsafe(32),
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    _email("accounts/invitation_email.txt", invitation.email, f"You are invited to {settings.SITE_NAME}",
           council_id=council.pk, invitation=invitation, inviter=by.get_full_name() or by.email,
           link=f"{settings.SITE_URL}{invitation_path(invitation)}")
    return invitation


@transaction.atomic
def invite(*, council: Council, by, email: str, role: str, organisation_name: str = "") -> Invitation:
    """Council staff invite a colleague, or the first member of a new referrer team, and email them a single-use
    link. Raises InvitationError for a team that already has members: its members invite their colleagues."""
    if role not in Invitation.Role.values:
        raise InvitationError(f"Unknown role: {role}")
    organisation = None
    if role == Invitation.Role.REFERRER:
        if not organisation_name.strip():
            raise InvitationError("Enter the name of the referrer’s organisation or team")
        organisation = organisation_named(council, organisation_name)
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not may_add_to_team(organisation, by=by):
            raise InvitationError(TEAM_HAS_MEMBERS_MESSAGE.format(team=organisation.name))
    return _send_invitation(council=council, by=by, email=email, role=role, organisation=organisation)


@transaction.atomic
def invite_to_team(*, organisation: Organisation, by, email: str) -> Invitation:
    """A referrer invites a colleague into their own team."""
    if not may_add_to_team(organisation, by=by):
        raise InvitationError("You can invite people only to a team you belong to")
    return _send_invitation(
        council=organisation.council, by=by, email=email, role=Invitation.Role.REFERRER, organisation=organisation
    )


def _give_role(user, invitation: Invitation) -> None:
    User.objects.select_for_update().get(pk=user.pk)  # one change of role at a time for an account
    if invitation.role == Invitation.Role.STAFF:
        if user.organisations.exists():
            raise InvitationError(REFERRER_NOT_STAFF_MESSAGE)
        membership = StaffMembership.objects.filter(user=user).first()
        if membership is None:
            StaffMembership.objects.create(user=user, council=invitation.council)
        elif membership.council_id != invitation.council_id:
            raise InvitationError(
                "Your account already belongs to the staff of another council. "
                "A person can be on the staff of one council only."
            )
        return
    if StaffMembership.objects.filter(user=user).exists():
        raise InvitationError(STAFF_NOT_REFERRER_MESSAGE)
    team = Organisation.objects.select_for_update().get(pk=invitation.organisation_id)
    if not may_add_to_team(team, by=invitation.invited_by):
        raise InvitationError(
            f"{team.name} has members now, and this invitation came from someone outside it. "
            "Ask someone in the team to invite you."
        )
    team.members.add(user)


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user=None, name: str = "", password: str = ""):
    """Use an invitation once: create the account (or use `user`, who must have the invited address), give it the role.

    Raises InvitationError when the invitation has been used or has expired (also when two requests race: the
    invitation row is locked, so the second sees it used), or when `user` is not the person invited.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("council", "organisation")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable("expired")
    if user is None:
        try:
            user = _create_user(name=name, email=invitation.email, password=password)
        except EmailTaken as error:
            raise InvitationError(
                "An account already exists with this email address. Sign in to accept the invitation."
            ) from error
    elif normalise_email(user.email) != invitation.email:
        raise InvitationError(
            f"This invitation is for {invitation.email}. Sign in with that email address to accept it."
        )
    _give_role(user, invitation)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user

