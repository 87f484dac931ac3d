"""What a request says about where it came from and where it may go next."""

import ipaddress

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: the connection's, or with TRUSTED_PROXY_COUNT proxies in front, the one they saw."""
    if request is None:
        return None
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    # Each trusted proxy appended the address it was reached from: the client is the proxies-th from the right.
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return _valid_ip(candidate) or remote



def safe_next(request, value: str | None) -> str:
    """`value` if it is a page of this site, otherwise nothing: a sign-in link must not send people elsewhere.

    Only a path ("/shortlist/"): redirect() would take "99" or "home", which have no slash or dot, for the name of a
    URL pattern, and fail."""
    if value and value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""
