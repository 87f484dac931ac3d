"""Enquiries from people who want to start a community micro-enterprise, and how the council's staff (the local
catalyst) work them: one function per transition.

new → talking → started (linked to the council's listing it became) or not going ahead (a reason, required); a new
enquiry may go straight to started or not going ahead. Anyone may send one, without an account
(`submit_enquiry`; the page rate-limits it); only staff of the enquiry's council move it. Each transition locks the
row, so two people moving the same enquiry at once cannot both succeed: the second gets a TransitionError saying
where it is now. Each move is recorded (EnquiryEvent) and the enquirer is told by email, or by text message when they
gave only a phone number, queued in the same transaction (core/notifications.py): the reference and the stage, never
their details. Staff opening an enquiry's details is logged (`record_access`); the details are erased
ENQUIRY_RETENTION_MONTHS after it closed (`erase_personal_details`, core/retention.py's rule).
"""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import retention
from core.dates import days_between
from core.notifications import queue_email, queue_text
from enterprises.access import council_enterprises, staff_council
from enterprises.listings import TransitionError
from enterprises.models import (
    ENQUIRY_PERSONAL_FIELDS,
    Area,
    Enquiry,
    EnquiryAccessLog,
    EnquiryEvent,
    Enterprise,
)

Stage = Enquiry.Stage

__all__ = ["TransitionError", "submit_enquiry", "sent_before", "start_talking", "mark_started", "mark_not_going_ahead",
           "record_access", "erase_personal_details"]

# What the enquirer is told at each move (the subject; the body adds who to contact).
TOLD = {
    Stage.TALKING: "{council} is looking at your idea: enquiry {reference}",
    Stage.STARTED: "Your micro-enterprise has started: enquiry {reference}",
    Stage.NOT_GOING_AHEAD: "Your enquiry {reference} is not going ahead",
}
LEAD = {
    Stage.TALKING: "Someone from {council} will be in touch with you to talk about your idea.",
    Stage.STARTED: "{council} has recorded that your micro-enterprise has started. Good luck with it.",
    Stage.NOT_GOING_AHEAD: "{council} has recorded that your idea is not going ahead for now. If you would like to "
                           "talk about it, or try again later, contact them.",
}


@transaction.atomic
def submit_enquiry(*, area: Area, idea: str, who_it_would_support: str, name: str, email: str = "", phone: str = "",
                   submission_key: uuid.UUID) -> tuple[Enquiry, bool]:
    """Keep an enquiry for the council of `area`, once per `submission_key`: (the enquiry, whether it is new). The
    form checked that the person consented to be contacted and gave an email address or a phone number."""
    if not (email or phone).strip():
        raise TransitionError("Enter an email address or a phone number, so the council can contact you")
    try:
        with transaction.atomic():
            enquiry = Enquiry.objects.create(
                submission_key=submission_key, council_id=area.council_id, area=area, idea=idea.strip(),
                who_it_would_support=who_it_would_support.strip(), name=name.strip(), email=email.strip(),
                phone=phone.strip(),
            )
    except IntegrityError:  # this form was sent before (a double click or a resend): that enquiry stands
        return Enquiry.objects.get(submission_key=submission_key), False
    EnquiryEvent.objects.create(enquiry=enquiry, to_stage=Stage.NEW, at=enquiry.received_at)
    return enquiry, True


def sent_before(submission_key: uuid.UUID) -> Enquiry | None:
    """The enquiry the form with this key sent before, if it was."""
    return Enquiry.objects.filter(submission_key=submission_key).first()


def _locked(enquiry: Enquiry) -> Enquiry:
    return Enquiry.objects.select_related("council").select_for_update(of=("self",)).get(pk=enquiry.pk)


def _require_staff(by, enquiry: Enquiry) -> None:
    council = staff_council(by)
    if council is None or council.pk != enquiry.council_id:
        raise TransitionError("Only the staff of this enquiry’s council can do that")


def _require_stage(enquiry: Enquiry, allowed, doing: str) -> None:
    if enquiry.stage not in allowed:
        raise TransitionError(
            f"You cannot {doing}: enquiry {enquiry.reference} is now {Stage(enquiry.stage).label.lower()}"
        )


def _move(enquiry: Enquiry, to: str, *, by, **fields) -> Enquiry:
    from_stage, now = enquiry.stage, timezone.now()
    enquiry.stage = to
    if to == Stage.TALKING:
        enquiry.talking_at = now
    if to == Stage.STARTED:
        enquiry.started_at = now
    if to in Enquiry.CLOSED:
        enquiry.closed_at = now
    for name, value in fields.items():
        setattr(enquiry, name, value)
    enquiry.save()
    EnquiryEvent.objects.create(enquiry=enquiry, from_stage=from_stage, to_stage=to, actor=by, at=now)
    _tell_enquirer(enquiry)
    return enquiry


def _tell_enquirer(enquiry: Enquiry) -> None:
    """Queued with the move: the reference and what happened, never what they told us."""
    words = {"council": enquiry.council.name, "reference": enquiry.reference}
    subject = TOLD[enquiry.stage].format(**words)
    lead = LEAD[enquiry.stage].format(**words)
    fields = {"reference": enquiry.reference, "stage": Stage(enquiry.stage).label, "council": enquiry.council.name}
    kind = f"enquiry_{enquiry.stage}"
    if enquiry.email:
        body = (f"{lead}\n\nYour enquiry about starting a community micro-enterprise: {enquiry.reference}.\n\n"
                f"{settings.SITE_NAME}")
        queue_email(enquiry.email, subject, body, kind=kind, council_id=enquiry.council_id, fields=fields,
                    keep_recipient=False)
    elif enquiry.phone:
        queue_text(enquiry.phone, kind=kind, fields=fields, council_id=enquiry.council_id)


@transaction.atomic
def start_talking(*, enquiry: Enquiry, by) -> Enquiry:
    enquiry = _locked(enquiry)
    _require_staff(by, enquiry)
    _require_stage(enquiry, {Stage.NEW}, "start talking about it")
    return _move(enquiry, Stage.TALKING, by=by)


@transaction.atomic
def mark_started(*, enquiry: Enquiry, by, enterprise: Enterprise) -> Enquiry:
    """It became `enterprise`, one of the listings of the staff member's council."""
    enquiry = _locked(enquiry)
    _require_staff(by, enquiry)
    if enterprise is None or not council_enterprises(by).filter(pk=enterprise.pk).exists():
        raise TransitionError("Choose the listing it became, from your council’s listings")
    _require_stage(enquiry, {Stage.NEW, Stage.TALKING}, "record that it started")
    return _move(enquiry, Stage.STARTED, by=by, enterprise=enterprise)


@transaction.atomic
def mark_not_going_ahead(*, enquiry: Enquiry, by, reason: str) -> Enquiry:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("Enter why it is not going ahead")
    enquiry = _locked(enquiry)
    _require_staff(by, enquiry)
    _require_stage(enquiry, {Stage.NEW, Stage.TALKING}, "record that it is not going ahead")
    return _move(enquiry, Stage.NOT_GOING_AHEAD, by=by, reason=reason)


def record_access(enquiry: Enquiry, user) -> None:
    """Log that this person opened the enquiry's personal details (as referrals' `record_access`, ADR 9)."""
    if not enquiry.personal_details_erased:
        EnquiryAccessLog.objects.create(enquiry=enquiry, user=user)


# The time from an enquiry to the enterprise it became, in days and fractions of a day (for the reports' median).
DAYS_TO_START = days_between("started_at", "received_at")


# Retention -----------------------------------------------------------------------------------------------------------


def erase_before(today: date | None = None) -> datetime:
    return retention.erase_before(settings.ENQUIRY_RETENTION_MONTHS, today)


def due_for_erasure(today: date | None = None):
    closed = Enquiry.objects.filter(stage__in=Enquiry.CLOSED)
    return retention.due_for_erasure(closed, settings.ENQUIRY_RETENTION_MONTHS, today)


def erase_personal_details(*, today: date | None = None, dry_run: bool = False) -> int:
    """Erase the details of the enquiries closed more than ENQUIRY_RETENTION_MONTHS months before `today`, keeping
    the council, area, stages, dates and the listing it became for the reports; how many were (or would be) erased."""
    return retention.erase_personal_details(due_for_erasure(today), ENQUIRY_PERSONAL_FIELDS, dry_run=dry_run)
