"""Whose referrals a person may see. Every query for a referral starts here, so a missing filter cannot leak one.

- The referrer's team: everyone in the organisation it was sent for, or, when a provider referred, everyone in the
  referring enterprise. They see the person's details, the timeline and the messages.
- The provider it was sent to: the members of that enterprise. The same.
- Council staff of the receiving enterprise's council: references, services, dates and statuses only.
"""

from core.status_filter import StatusFilter, filter_by_status
from enterprises.access import referrer_organisations, staff_council
from referrals.models import AccessLog, Referral
from referrals.reminders import AnswerCutoff, unanswered_too_long

Status = Referral.Status

# The status filter's choice for referrals waiting too long for an answer ("No response yet"): not a status of its own.
NO_RESPONSE = "no_response"

# The referrer's and the council's filter's choices, in the order the lists show them. "No response yet" is a kind of
# "Waiting for an answer".
STATUS_FILTERS = [
    ("", "All"),
    (NO_RESPONSE, "No response yet"),
    (Status.SENT, Status.SENT.label),
    (Status.ACCEPTED, Status.ACCEPTED.label),
    (Status.STARTED, Status.STARTED.label),
    (Status.ENDED, Status.ENDED.label),
    (Status.DECLINED, Status.DECLINED.label),
    (Status.WITHDRAWN, Status.WITHDRAWN.label),
]


def sent_referrals(user):
    """Referrals sent by this person's team."""
    if not user.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(organisation__in=referrer_organisations(user)) | Referral.objects.filter(
        referring_enterprise__in=user.enterprises.all()
    )


def received_referrals(user):
    """Referrals sent to this person's enterprises."""
    if not user.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(enterprise__in=user.enterprises.all())


def council_referrals(user):
    """Referrals to this member of staff's council's enterprises, without anyone's personal details."""
    council = staff_council(user)
    if council is None:
        return Referral.objects.none()
    return Referral.objects.filter(enterprise__council=council).without_personal_details()


def teams_to_refer_for(user) -> list:
    """The organisations and enterprises this person may send a referral for, organisations first.

    A provider refers for their enterprise only once the council has published it: anyone can sign up as a provider,
    and a person's details should go only from teams the council knows.
    """
    if not user.is_authenticated:
        return []
    return [*referrer_organisations(user).order_by("name"), *user.enterprises.published().order_by("name")]


def may_refer(user) -> bool:
    """Referrers, and providers of a published listing (who refer people to each other). Hidden from the public."""
    return user.is_authenticated and (
        referrer_organisations(user).exists() or user.enterprises.published().exists()
    )


def status_filter(scope, asked: str | None, cutoff: AnswerCutoff) -> StatusFilter:
    """These referrals counted by each of STATUS_FILTERS and filtered by the one asked for ("" is all of them;
    NO_RESPONSE those whose time to answer ran out by `cutoff` unanswered): two queries for the counts."""
    return filter_by_status(
        scope, asked, STATUS_FILTERS, subsets={NO_RESPONSE: unanswered_too_long(scope, cutoff=cutoff)}
    )


def record_access(referral: Referral, user) -> None:
    """Log that this person opened the referral's personal details (DESIGN.md principle 6)."""
    if not referral.personal_details_erased:
        AccessLog.objects.create(referral=referral, user=user)


def record_list_access(referrals, user) -> None:
    """Log that a list showed this person the name of each of these referrals' people: one row per person, in one
    query whatever the page's length."""
    AccessLog.objects.bulk_create(
        AccessLog(referral=referral, user=user, seen_in=AccessLog.Where.LIST)
        for referral in referrals
        if not referral.personal_details_erased
    )
