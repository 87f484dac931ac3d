"""The referral lifecycle: one function per transition.

sent → accepted or declined (reason required) or withdrawn by the referrer; accepted → support started → ended
(with an outcome). An accepted referral may also end before support starts ("could not contact"), and may be
withdrawn until support starts. Messages pass both ways at any time until the personal details are erased.

Each function checks who may act and from which status, locks the row so that two people acting at once cannot
both succeed, records a ReferralEvent, tells the other side by email (a link only, never personal details), and
raises TransitionError (with a message for the person) when the action is not allowed.
"""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from enterprises.listings import TransitionError
from enterprises.models import Service
from referrals import notifications
from referrals.access import teams_to_refer_for
from referrals.models import DeclineReason, Outcome, Referral, ReferralEvent

Status = Referral.Status
REFERRER, PROVIDER = "referrer", "provider"

__all__ = ["TransitionError", "send_referral", "accept", "decline", "withdraw", "start_support", "end_support",
           "send_message"]


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _require_status(referral: Referral, allowed, doing: str) -> None:
    if referral.status not in allowed:
        raise TransitionError(
            f"You cannot {doing}: referral {referral.reference} is now "
            f"{Status(referral.status).label[:1].lower()}{Status(referral.status).label[1:]}"
        )


def _is_provider_of(user, referral: Referral) -> bool:
    return referral.enterprise.members.filter(pk=user.pk).exists()


def _is_referrer_of(user, referral: Referral) -> bool:
    if referral.organisation_id:
        return referral.organisation.members.filter(pk=user.pk).exists()
    return referral.referring_enterprise.members.filter(pk=user.pk).exists()


def _require_provider(user, referral: Referral) -> None:
    if not _is_provider_of(user, referral):
        raise TransitionError("Only the provider this referral was sent to can do that")


def _require_referrer(user, referral: Referral) -> None:
    if not _is_referrer_of(user, referral):
        raise TransitionError("Only the referrer and their team can do that")


def _require_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise TransitionError(f"Enter {what}")
    return text


def _record(referral: Referral, action: str, *, by, side: str, message: str = "", from_status="", to_status="") -> None:
    ReferralEvent.objects.create(
        referral=referral, action=action, actor=by, side=side, message=message,
        from_status=from_status, to_status=to_status,
    )


def _move(referral: Referral, to: str, *, by, side: str, message: str = "", stamp: str = "", **fields) -> Referral:
    """Move to status `to`; `stamp` names a date field (like "accepted_at") to set to the same moment."""
    from_status = referral.status
    now = timezone.now()
    if stamp:
        setattr(referral, stamp, now)
    referral.status = to
    if side == PROVIDER and referral.first_response_at is None:
        referral.first_response_at = now
    if to in Referral.CLOSED:
        referral.closed_at = now
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save()
    _record(referral, to, by=by, side=side, message=message, from_status=from_status, to_status=to)
    return referral


@transaction.atomic
def send_referral(*, service: Service, by, team, details: dict, submission_key: uuid.UUID) -> Referral:
    """Send a referral for `team` (one of `teams_to_refer_for(by)`). `details` holds the person's details, the consent,
    and the urgency, as the referral form's pages collected them.

    Sending the same form twice (the same `submission_key`) gives back the first referral instead of a second one.
    """
    existing = Referral.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.referrer_id != by.pk:
            raise TransitionError("This referral form has already been used. Start the referral again")
        return existing
    if team not in teams_to_refer_for(by):
        raise TransitionError("You can only send referrals for your own organisation")
    if not Service.objects.published().filter(pk=service.pk).exists():
        raise TransitionError(f"{service.name} is no longer listed, so it cannot take referrals")
    details = dict(details)
    referral = Referral(
        submission_key=submission_key,
        service=service,
        service_name=service.name,
        enterprise=service.enterprise,
        referrer=by,
        organisation=team if team._meta.model_name == "organisation" else None,
        referring_enterprise=team if team._meta.model_name == "enterprise" else None,
        consent_given_on=details.pop("consent_given_on", None) or timezone.localdate(),
        **details,
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        # Two copies of the same form arrived at once, and the other one saved first.
        existing = Referral.objects.filter(submission_key=submission_key, referrer=by).first()
        if existing is None:
            raise
        return existing
    _record(referral, ReferralEvent.Action.SENT, by=by, side=REFERRER, to_status=Status.SENT)
    notifications.tell_provider(referral, "new")
    return referral


@transaction.atomic
def accept(*, referral: Referral, by, message: str = "") -> Referral:
    referral = _locked(referral)
    _require_provider(by, referral)
    _require_status(referral, {Status.SENT}, "accept it")
    _move(referral, Status.ACCEPTED, by=by, side=PROVIDER, message=(message or "").strip(), stamp="accepted_at")
    notifications.tell_referrer(referral, "accepted")
    return referral


@transaction.atomic
def decline(*, referral: Referral, by, reason: str, detail: str) -> Referral:
    if reason not in DeclineReason.values:
        raise TransitionError("Select why you cannot take this referral")
    detail = _require_text(detail, "more about why you cannot take this referral")
    referral = _locked(referral)
    _require_provider(by, referral)
    _require_status(referral, {Status.SENT}, "decline it")
    _move(referral, Status.DECLINED, by=by, side=PROVIDER, message=detail, decline_reason=reason)
    notifications.tell_referrer(referral, "declined")
    return referral


@transaction.atomic
def withdraw(*, referral: Referral, by, message: str = "") -> Referral:
    referral = _locked(referral)
    _require_referrer(by, referral)
    _require_status(referral, {Status.SENT, Status.ACCEPTED}, "withdraw it")
    _move(referral, Status.WITHDRAWN, by=by, side=REFERRER, message=(message or "").strip())
    notifications.tell_provider(referral, "withdrawn")
    return referral


@transaction.atomic
def start_support(*, referral: Referral, by, message: str = "") -> Referral:
    referral = _locked(referral)
    _require_provider(by, referral)
    _require_status(referral, {Status.ACCEPTED}, "record that support started")
    _move(referral, Status.STARTED, by=by, side=PROVIDER, message=(message or "").strip(), stamp="started_at")
    notifications.tell_referrer(referral, "started")
    return referral


@transaction.atomic
def end_support(*, referral: Referral, by, outcome: str, detail: str = "") -> Referral:
    if outcome not in Outcome.values:
        raise TransitionError("Select how the support ended")
    detail = (detail or "").strip()
    if outcome == Outcome.OTHER:
        detail = _require_text(detail, "how the support ended")
    referral = _locked(referral)
    _require_provider(by, referral)
    _require_status(referral, {Status.ACCEPTED, Status.STARTED}, "record that support ended")
    _move(referral, Status.ENDED, by=by, side=PROVIDER, message=detail, outcome=outcome)
    notifications.tell_referrer(referral, "ended")
    return referral


@transaction.atomic
def send_message(*, referral: Referral, by, text: str) -> Referral:
    """A question or an answer, from either side, to the other."""
    text = _require_text(text, "your message")
    referral = _locked(referral)
    if referral.personal_details_erased:
        raise TransitionError(f"Referral {referral.reference} has been closed and its details erased")
    if _is_provider_of(by, referral):
        side = PROVIDER
        if referral.first_response_at is None:
            referral.first_response_at = timezone.now()
            referral.save(update_fields=["first_response_at", "updated_at"])
    elif _is_referrer_of(by, referral):
        side = REFERRER
    else:
        raise TransitionError("Only the referrer’s team and the provider can send messages about this referral")
    _record(referral, ReferralEvent.Action.MESSAGE, by=by, side=side, message=text)
    if side == PROVIDER:
        notifications.tell_referrer(referral, "message")
    else:
        notifications.tell_provider(referral, "message")
    return referral
