"""Rate limits per client network on the public forms that sign people in, send email, create accounts, share a
shortlist or report a problem with a listing. Here, beside its table (RateLimitHit), so that every app above (accounts,
directory) uses the same rule.

Each scope in settings.RATE_LIMITS allows so many attempts per client network in a sliding window of so many minutes.
Attempts are rows of RateLimitHit in the database, so every app server counts the same attempts and a restart forgets
nothing; no process keeps any state. Each new attempt deletes its key's rows that have left the window, and about one
in a hundred deletes every row older than the longest window, so the table stays small.

A client network is the client's IPv4 address, or the /64 of its IPv6 address (one household or office gets a whole
/64, so counting single IPv6 addresses would count nothing). The client's address is the connection's, unless
settings.TRUSTED_PROXY_COUNT says how many proxies in front of the app append to X-Forwarded-For: then it is the
address that the outermost of them saw. Anyone can send an X-Forwarded-For header, so with no trusted proxy it is
ignored.

Views call `refusal(request, scope)` to ask whether the network is over its limit, `record(request, scope)` to count
an attempt, or `attempt(request, scope)` to do both at once (under a lock on the key, so that two app servers cannot
both let the last attempt through). A refused attempt is not counted: the wait ends when the window has passed.
"""

import ipaddress
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.http import client_ip
from enterprises.models import RateLimitHit

PRUNE_EVERY = 100  # about one attempt in this many also deletes every expired row


@dataclass(frozen=True)
class Refusal:
    """An attempt refused because its network is over the limit; `retry_after` is in seconds."""

    scope: str
    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))

    @property
    def message(self) -> str:
        minutes = f"{self.minutes} minute{'' if self.minutes == 1 else 's'}"
        return f"Too many attempts from your network. Try again in {minutes}"


# The client --------------------------------------------------------------------------------------------------------


def client_network(request) -> str:
    ip = client_ip(request)
    if ip is None:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        if address.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is 192.0.2.1
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(address)


# Counting ----------------------------------------------------------------------------------------------------------


def _limit(scope: str) -> tuple[int, timedelta]:
    attempts, minutes = settings.RATE_LIMITS[scope]
    return attempts, timedelta(minutes=minutes)


def _key(request, scope: str) -> str:
    return f"{scope}:{client_network(request)}"


def _refusal(key: str, scope: str, now: datetime) -> Refusal | None:
    attempts, window = _limit(scope)
    recent = RateLimitHit.objects.filter(key=key, at__gt=now - window, at__lte=now)
    count = recent.count()
    if count < attempts:
        return None
    # The attempt whose leaving the window brings the count below the limit.
    freeing = recent.order_by("at").values_list("at", flat=True)[count - attempts]
    return Refusal(scope, max(1, math.ceil((freeing + window - now).total_seconds())))


def _prune(key: str, scope: str, now: datetime) -> None:
    _, window = _limit(scope)
    RateLimitHit.objects.filter(key=key, at__lte=now - window).delete()
    if random.randrange(PRUNE_EVERY) == 0:
        longest = max(minutes for _, minutes in settings.RATE_LIMITS.values())
        RateLimitHit.objects.filter(at__lte=now - timedelta(minutes=longest)).delete()


def refusal(request, scope: str, *, now: datetime | None = None) -> Refusal | None:
    """Whether this client network is over its limit for `scope` now (nothing is counted)."""
    with transaction.atomic():  # read the primary, where the attempts are written
        return _refusal(_key(request, scope), scope, now or timezone.now())


def record(request, scope: str, *, now: datetime | None = None) -> None:
    """Count an attempt (sign-in counts its failures this way, after they fail)."""
    now = now or timezone.now()
    key = _key(request, scope)
    with transaction.atomic():
        RateLimitHit.objects.create(key=key, at=now)
        _prune(key, scope, now)


def attempt(request, scope: str, *, now: datetime | None = None) -> Refusal | None:
    """Count an attempt, unless the network is over its limit: then count nothing and say so.

    A transaction-scoped advisory lock on the key makes the check and the count one step across every app server.
    """
    now = now or timezone.now()
    key = _key(request, scope)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
        refused = _refusal(key, scope, now)
        if refused is None:
            RateLimitHit.objects.create(key=key, at=now)
            _prune(key, scope, now)
        return refused
