"""Erasing a referral's personal details once it has been closed long enough (DESIGN.md principle 6).

A referral that was declined, withdrawn or ended more than REFERRAL_RETENTION_MONTHS calendar months ago loses the
person's details (every field in PERSONAL_FIELDS) and the text of its events (messages, and the words given with a
decline or an outcome, which may name the person). What the reports need stays: the reference, service, enterprise,
team, status, dates, decline reason and outcome, the events themselves (who did what, when) and the access log.

`manage.py purge_referrals` runs it; a scheduler may run it daily.
"""

from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.dates import months_before
from referrals.models import PERSONAL_FIELDS, Referral, ReferralEvent


def erase_before(today: date | None = None) -> datetime:
    """Referrals closed before this moment (the start of the day REFERRAL_RETENTION_MONTHS months ago) are erased."""
    cutoff = months_before(today or timezone.localdate(), settings.REFERRAL_RETENTION_MONTHS)
    return timezone.make_aware(datetime.combine(cutoff, time.min))


def due_for_erasure(today: date | None = None):
    return Referral.objects.closed().filter(closed_at__lt=erase_before(today), personal_details_erased_at__isnull=True)


def _empty_personal_details() -> dict:
    return {name: None if Referral._meta.get_field(name).null else "" for name in PERSONAL_FIELDS}


@transaction.atomic
def erase_personal_details(*, today: date | None = None, dry_run: bool = False) -> int:
    """Erase the personal details of the referrals closed more than REFERRAL_RETENTION_MONTHS months before `today`.

    A few queries however many referrals there are. Returns how many referrals were erased (or, with `dry_run`,
    would be, with nothing changed). Running it again erases nothing more.
    """
    due = due_for_erasure(today)
    if dry_run:
        return due.count()
    ids = list(due.select_for_update().values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    Referral.objects.filter(pk__in=ids).update(
        **_empty_personal_details(), personal_details_erased_at=now, updated_at=now
    )
    ReferralEvent.objects.filter(referral_id__in=ids).exclude(message="").update(message="")
    ReferralEvent.objects.bulk_create(
        [ReferralEvent(referral_id=pk, action=ReferralEvent.Action.ERASED, at=now) for pk in ids], batch_size=1000
    )
    return len(ids)
