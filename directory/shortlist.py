"""The shortlist: services a person wants to remember, kept in their session (no account needed)."""

from django.conf import settings

SESSION_KEY = "shortlist"


def shortlisted_ids(session) -> list[int]:
    return list(session.get(SESSION_KEY, []))


def add_to_shortlist(session, service_id: int) -> None:
    ids = shortlisted_ids(session)
    if service_id not in ids:
        session[SESSION_KEY] = (ids + [service_id])[-settings.SHORTLIST_MAX_SERVICES :]


def remove_from_shortlist(session, service_id: int) -> None:
    session[SESSION_KEY] = [existing for existing in shortlisted_ids(session) if existing != service_id]


def keep_only_in_shortlist(session, service_ids) -> None:
    keep = set(service_ids)
    session[SESSION_KEY] = [existing for existing in shortlisted_ids(session) if existing in keep]
