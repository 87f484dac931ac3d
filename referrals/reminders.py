"""How long a referral waits for its answer: the working days a provider has to answer (fewer for an urgent referral),
"No response yet" for the referrer, one reminder to the provider, then the council's staff told, once, of a referral
still unanswered; and the days to the first answer that the council sees.

Working days (weekends and bank holidays skipped) are counted by `core.dates`.
"""

import functools
import operator
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.dates import days_between, working_days_before, working_days_since
from referrals import notifications
from referrals.models import Referral, ReferralEvent, Urgency

# A referral that needs support "Soon – within 2 working days" must be answered within that time, not the usual one.
URGENT_ANSWER_WORKING_DAYS = 2


def answer_within(urgency: str) -> int:
    """The working days a provider has to answer a referral of this urgency: what the referrer is promised, after
    which it shows "No response yet" and the provider is reminded, and again after the reminder before the council
    is told."""
    usual = settings.REFERRAL_NO_RESPONSE_WORKING_DAYS
    return min(URGENT_ANSWER_WORKING_DAYS, usual) if urgency == Urgency.SOON else usual


@dataclass(frozen=True)
class AnswerCutoff:
    """For each urgency, the last day something (sending, the reminder) may have happened for the provider's time to
    answer since then to have run out by `today`."""

    today: date
    by_urgency: dict[str, date]

    def passed(self, moment_field: str) -> Q:
        """Referrals whose time to answer since `moment_field` (a date-time field) has run out."""
        return functools.reduce(
            operator.or_,
            (Q(urgency=urgency, **{f"{moment_field}__date__lte": day}) for urgency, day in self.by_urgency.items()),
        )

    def passed_since(self, referral: Referral, moment: datetime) -> bool:
        day = self.by_urgency.get(referral.urgency, self.by_urgency[Urgency.WEEK])
        return timezone.localdate(moment) <= day


def no_response_cutoff(today: date | None = None) -> AnswerCutoff:
    today = today or timezone.localdate()
    return AnswerCutoff(today, {urgency: working_days_before(today, answer_within(urgency)) for urgency in Urgency})


def waiting_too_long(referral: Referral, *, cutoff: AnswerCutoff) -> bool:
    """Shown to the referrer as "No response yet"."""
    return (
        referral.status == Referral.Status.SENT
        and referral.first_response_at is None
        and cutoff.passed_since(referral, referral.sent_at)
    )


def unanswered_too_long(referrals, *, cutoff: AnswerCutoff):
    """These referrals, those that `waiting_too_long` would say so of, in one query."""
    return referrals.unanswered().filter(cutoff.passed("sent_at"))


def working_days_waited(referral: Referral, today: date | None = None) -> int:
    return working_days_since(timezone.localdate(referral.sent_at), today or timezone.localdate())


def _remind_once(pk: int, *, cutoff: AnswerCutoff) -> bool:
    """Remind the provider about one referral, unless it has been answered or reminded meanwhile.

    The row is locked with SKIP LOCKED: if another run of the command holds it, that run is reminding; this one
    skips it. The conditions are checked again on the locked row, so a run that started earlier cannot send twice.
    """
    with transaction.atomic():
        referral = (
            unanswered_too_long(Referral.objects, cutoff=cutoff)
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
    """Email the provider of each referral unanswered for its time to answer (`answer_within`), once.

    Run daily by `manage.py send_referral_reminders`; running it again (the same day or later) sends nothing more,
    and two runs at once cannot both remind about the same referral. Returns how many referrals were reminded about.
    """
    cutoff = no_response_cutoff(today)
    waiting = (
        unanswered_too_long(Referral.objects, cutoff=cutoff)
        .filter(provider_reminded_at__isnull=True)
        .order_by("sent_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(_remind_once(pk, cutoff=cutoff) for pk in list(waiting))


# Passing to the council -------------------------------------------------------------------------------------------


def escalation_due(referrals, *, cutoff: AnswerCutoff):
    """Reminded, still unanswered once the provider's time to answer has run out again since the reminder, and not
    yet passed to the council."""
    return (
        referrals.unanswered()
        .filter(provider_reminded_at__isnull=False, escalated_at__isnull=True)
        .filter(cutoff.passed("provider_reminded_at"))
    )


def _escalate_for_council(council_id: int, *, cutoff: AnswerCutoff) -> int:
    """Pass one council's due referrals to its staff, in one email to each of them. Rows another run holds are
    skipped (SKIP LOCKED) and the conditions are checked again on the locked rows, so no referral is passed, or told
    about, twice (two runs at once may share a day's referrals between two emails)."""
    with transaction.atomic():
        referrals = list(
            escalation_due(Referral.objects.without_personal_details(), cutoff=cutoff)
            .filter(enterprise__council_id=council_id)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("enterprise__council")
            .order_by("sent_at", "pk")
        )
        if not referrals:
            return 0
        now = timezone.now()
        for referral in referrals:
            referral.escalated_at = now
            referral.save(update_fields=["escalated_at", "updated_at"])
            ReferralEvent.objects.create(referral=referral, action=ReferralEvent.Action.ESCALATED, actor=None, side="")
        waited = {referral.pk: working_days_waited(referral, cutoff.today) for referral in referrals}
        notifications.tell_council_staff(referrals[0].enterprise.council, referrals, waited)
    return len(referrals)


def escalate_to_council(*, today: date | None = None) -> int:
    """Pass each referral still unanswered after the reminder to its council's staff: it joins their list of
    unanswered referrals, the referrer sees that it was passed on, and each member of its council's staff is emailed
    once, one email a run listing the references (never the person's details, which staff never see: ADR 5 and 9).

    Run daily by `manage.py send_referral_reminders`, after the reminders; safe to run again or twice at once.
    Returns how many referrals were passed on."""
    cutoff = no_response_cutoff(today)
    councils = escalation_due(Referral.objects, cutoff=cutoff).values_list("enterprise__council_id", flat=True)
    return sum(_escalate_for_council(council_id, cutoff=cutoff) for council_id in sorted(set(councils)))


# Days to the first answer -------------------------------------------------------------------------------------------

# From sending a referral to the provider's first answer (`first_response_at`: their first action or message), in days
# and fractions of a day; NULL before one. For the reports' median; `days_to_first_answer` is one referral's.
DAYS_TO_FIRST_ANSWER = days_between("first_response_at", "sent_at")


def days_to_first_answer(referral: Referral) -> int | None:
    """Whole days from sending the referral to the provider's first answer (0: within a day); None before one. The
    whole part of `DAYS_TO_FIRST_ANSWER`."""
    if referral.first_response_at is None:
        return None
    return max((referral.first_response_at - referral.sent_at).days, 0)
