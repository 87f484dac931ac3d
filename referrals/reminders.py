"""How long a referral waits for its answer: working days waiting, "No response yet" for the referrer and one reminder
to the provider, and the days to the first answer that the council sees.

"Working days" are Monday to Friday; bank holidays are not counted out.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, FloatField, Func
from django.utils import timezone

from referrals import notifications
from referrals.models import Referral, ReferralEvent


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def working_days_before(day: date, working_days: int) -> date:
    """The date `working_days` working days before `day`: a referral sent on or before it has waited that long."""
    while working_days > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            working_days -= 1
    return day


def working_days_since(day: date, today: date) -> int:
    """How many working days a referral sent on `day` has waited by `today`: the working days from `day` up to the
    day before `today`, which is what `working_days_before` counts back, so that a referral is waiting too long
    exactly when this reaches REFERRAL_NO_RESPONSE_WORKING_DAYS, at the weekend too."""
    return sum(is_working_day(day + timedelta(days=n)) for n in range((today - day).days))


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


# Days to the first answer -------------------------------------------------------------------------------------------

# From sending a referral to the provider's first answer (`first_response_at`: their first action or message), in days
# and fractions of a day; NULL before one. For the reports' median; `days_to_first_answer` is one referral's.
DAYS_TO_FIRST_ANSWER = Func(
    F("first_response_at"),
    F("sent_at"),
    template="(EXTRACT(EPOCH FROM (%(expressions)s))::double precision / 86400)",
    arg_joiner=" - ",
    output_field=FloatField(),
)


def days_to_first_answer(referral: Referral) -> int | None:
    """Whole days from sending the referral to the provider's first answer (0: within a day); None before one. The
    whole part of `DAYS_TO_FIRST_ANSWER`."""
    if referral.first_response_at is None:
        return None
    return max((referral.first_response_at - referral.sent_at).days, 0)
