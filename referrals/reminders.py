"""Referrals nobody has answered: flagged to the referrer, and the provider reminded once.

"Working days" are Monday to Friday; bank holidays are not counted out.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from referrals import notifications
from referrals.models import Referral, ReferralEvent


def working_days_before(day: date, working_days: int) -> date:
    """The date `working_days` working days before `day`: a referral sent on or before it has waited that long."""
    while working_days > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            working_days -= 1
    return day


def no_response_cutoff(today: date | None = None) -> date:
    return working_days_before(today or timezone.localdate(), settings.REFERRAL_NO_RESPONSE_WORKING_DAYS)


def waiting_too_long(referral: Referral, *, cutoff: date) -> bool:
    """Shown to the referrer as "No response yet"."""
    return (
        referral.status == Referral.Status.SENT
        and referral.first_response_at is None
        and timezone.localdate(referral.sent_at) <= cutoff
    )


def _remind_once(pk: int, *, cutoff: date) -> bool:
    """Remind the provider about one referral, unless it has been answered or reminded meanwhile.

    The row is locked with SKIP LOCKED: if another run of the command holds it, that run is reminding; this one
    skips it. The conditions are checked again on the locked row, so a run that started earlier cannot send twice.
    """
    with transaction.atomic():
        referral = (
            Referral.objects.unanswered(sent_on_or_before=cutoff)
            .filter(pk=pk, provider_reminded_at__isnull=True)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("enterprise")
            .first()
        )
        if referral is None:
            return False
        referral.provider_reminded_at = timezone.now()
        referral.save(update_fields=["provider_reminded_at", "updated_at"])
        ReferralEvent.objects.create(referral=referral, action=ReferralEvent.Action.REMINDED, actor=None, side="")
        notifications.tell_provider(referral, "reminder")
    return True


def send_provider_reminders(*, today: date | None = None) -> int:
    """Email the provider of each referral unanswered for REFERRAL_NO_RESPONSE_WORKING_DAYS working days, once.

    Run daily by `manage.py send_referral_reminders`; running it again (the same day or later) sends nothing more,
    and two runs at once cannot both remind about the same referral. Returns how many referrals were reminded about.
    """
    cutoff = no_response_cutoff(today)
    waiting = (
        Referral.objects.unanswered(sent_on_or_before=cutoff)
        .filter(provider_reminded_at__isnull=True)
        .order_by("sent_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(_remind_once(pk, cutoff=cutoff) for pk in list(waiting))
