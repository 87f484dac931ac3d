"""Erasing a referral's personal details once it has been closed long enough (DESIGN.md principle 6).

A referral that was declined, withdrawn or ended more than REFERRAL_RETENTION_MONTHS calendar months ago loses the
person's details (every field in PERSONAL_FIELDS) and the text of its events (messages, and the words given with a
decline or an outcome, which may name the person). What the reports need stays: the reference, service, enterprise,
team, status, dates, decline reason and outcome, the events themselves (who did what, when) and the access log.
The rule itself (the cut-off, blanking, stamping) is `core/retention.py`, which enquiries follow too.

`manage.py purge_referrals` runs it; a scheduler may run it daily.
"""

from datetime import date, datetime

from django.conf import settings

from core import retention
from referrals.models import PERSONAL_FIELDS, Referral, ReferralEvent


def erase_before(today: date | None = None) -> datetime:
    """Referrals closed before this moment (the start of the day REFERRAL_RETENTION_MONTHS months ago) are erased."""
    return retention.erase_before(settings.REFERRAL_RETENTION_MONTHS, today)


def due_for_erasure(today: date | None = None):
    return retention.due_for_erasure(Referral.objects.closed(), settings.REFERRAL_RETENTION_MONTHS, today)


def _erase_events(ids: list[int], now: datetime) -> None:
    ReferralEvent.objects.filter(referral_id__in=ids).exclude(message="").update(message="")
    ReferralEvent.objects.bulk_create(
        [ReferralEvent(referral_id=pk, action=ReferralEvent.Action.ERASED, at=now) for pk in ids], batch_size=1000
    )


def erase_personal_details(*, today: date | None = None, dry_run: bool = False) -> int:
    """Erase the personal details of the referrals closed more than REFERRAL_RETENTION_MONTHS months before `today`.

    A few queries however many referrals there are. Returns how many referrals were erased (or, with `dry_run`,
    would be, with nothing changed). Running it again erases nothing more.
    """
    return retention.erase_personal_details(due_for_erasure(today), PERSONAL_FIELDS, dry_run=dry_run,
                                            also=_erase_events)
