"""How long a council usually takes to approve what providers send it, for the provider's pages to say.

"Usually" is the median, over the approvals of the last WINDOW_DAYS days, of the time from the provider sending the
listing (or its changes) to the council approving it: new listings and changes to live ones apart, since a new
listing takes longer to check. Fewer than MIN_APPROVALS approvals is too few to say what is usual, and then nothing
is said.
"""

from datetime import timedelta
from statistics import median

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from enterprises.models import Council, ListingEvent, Revision

WINDOW_DAYS = 90
MIN_APPROVALS = 3


def usual_time_to_approve(council: Council, *, changes: bool) -> timedelta | None:
    """The median time from sending to approval over the last WINDOW_DAYS days, or None with too few approvals."""
    since = timezone.now() - timedelta(days=WINDOW_DAYS)
    if changes:
        waits = [
            decided - sent
            for sent, decided in Revision.objects.filter(
                enterprise__council=council, status=Revision.Status.APPROVED, decided_at__gte=since,
                submitted_at__isnull=False,
            ).values_list("submitted_at", "decided_at")
        ]
    else:
        # A listing is sent again after the council asks for changes: its wait starts at the last sending.
        last_sent = ListingEvent.objects.filter(
            enterprise=OuterRef("enterprise"), action="submitted", at__lte=OuterRef("at")
        ).order_by("-at", "-pk").values("at")[:1]
        waits = [
            approved - sent
            for approved, sent in ListingEvent.objects.filter(
                enterprise__council=council, action="approved", at__gte=since
            ).annotate(sent=Subquery(last_sent)).values_list("at", "sent")
            if sent is not None
        ]
    if len(waits) < MIN_APPROVALS:
        return None
    return median(waits)


def in_words(wait: timedelta) -> str:
    """ "less than a day", "about 1 day", "about 4 days": whole days, rounded."""
    days = round(wait / timedelta(days=1))
    if days < 1:
        return "less than a day"
    return f"about {days} day{'' if days == 1 else 's'}"


def usual_wait(council: Council, *, changes: bool) -> str:
    """How long approval usually takes, in words ("about 4 days"); "" when there are too few approvals to say."""
    wait = usual_time_to_approve(council, changes=changes)
    return "" if wait is None else in_words(wait)
