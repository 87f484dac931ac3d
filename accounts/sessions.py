"""How long a signed-in session lasts, and that private pages are never kept by a browser or a proxy.

- A signed-in session ends after SIGNED_IN_IDLE_MINUTES without a request (30 by default) for council staff,
  referrers and superusers, who see other people's details; after PROVIDER_IDLE_MINUTES (120) for providers, who
  write their listings at their own pace; and SIGNED_IN_MAX_HOURS (a working day, 9) after signing in, whatever
  happens. The session's own clock (`signed_in_at`, `last_seen`) is kept in it, so nothing else is stored.
- Ending it signs the person out and keeps their shortlist, which belongs to the browser, not the account.
- Every response to a signed-in person, and every page under a private path, says `Cache-Control: no-store`.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from enterprises.access import is_referrer, staff_council

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
IDLE_MINUTES = "idle_minutes"
KEPT_AFTER_SIGNING_OUT = ("shortlist",)  # the browser's, not the account's (directory/shortlist.py)
LAST_SEEN_WRITTEN_EVERY_SECONDS = 60  # so that not every request writes the session
PRIVATE_PATHS = ("/account/", "/council/", "/provider/", "/referrals/", "/invitations/", "/reset/", "/admin/")
TIMED_OUT_MESSAGE = "You were signed out because you had not used the service for {minutes} minutes. Sign in again."
TOO_LONG_MESSAGE = "You were signed out because you signed in more than {hours} hours ago. Sign in again."


def idle_minutes_for(user) -> int:
    if user.is_superuser or staff_council(user) is not None or is_referrer(user):
        return settings.SIGNED_IN_IDLE_MINUTES
    return settings.PROVIDER_IDLE_MINUTES


def start_clock(request, user) -> None:
    """At every login(): the session's clock starts, with the idle time for the person's roles."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT] = session[LAST_SEEN] = time.time()
        session[IDLE_MINUTES] = idle_minutes_for(user)


def forget_role(request) -> None:
    """After a change of role (an invitation accepted): the idle time is worked out again at the next request."""
    request.session.pop(IDLE_MINUTES, None)


def why_it_ended(session, *, now: float) -> str:
    """The message saying why this signed-in session has ended, or "" while it may go on."""
    signed_in_at = session.get(SIGNED_IN_AT, now)
    if now - signed_in_at > settings.SIGNED_IN_MAX_HOURS * 3600:
        return TOO_LONG_MESSAGE.format(hours=settings.SIGNED_IN_MAX_HOURS)
    minutes = session.get(IDLE_MINUTES, settings.SIGNED_IN_IDLE_MINUTES)
    if now - session.get(LAST_SEEN, signed_in_at) > minutes * 60:
        return TIMED_OUT_MESSAGE.format(minutes=minutes)
    return ""


def end_session(request, message: str) -> None:
    kept = {key: request.session[key] for key in KEPT_AFTER_SIGNING_OUT if key in request.session}
    logout(request)
    request.session.update(kept)
    messages.info(request, message)


class SessionLimitsMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = self.check(request)
            if ended is not None:
                return ended
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PATHS) or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    def check(self, request):
        session, now = request.session, time.time()
        if SIGNED_IN_AT not in session:  # signed in before these limits
            session[SIGNED_IN_AT] = session[LAST_SEEN] = now
        if IDLE_MINUTES not in session:
            session[IDLE_MINUTES] = idle_minutes_for(request.user)
        message = why_it_ended(session, now=now)
        if message:
            end_session(request, message)
            if request.method == "GET":
                return redirect_to_login(request.get_full_path())
            return redirect(settings.LOGIN_URL)
        if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_WRITTEN_EVERY_SECONDS:
            session[LAST_SEEN] = now
        return None
