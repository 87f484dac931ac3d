"""The shortlist: services a person wants to remember, kept in their session (no account needed), and shared lists:
the same services under a short code that anyone can open on any device.

A code is 8 characters from Crockford's base 32 (digits and capital letters without I, L, O and U, which are easily
misread or misheard), shown as two groups of four, "K7QM-4XTB", to be read out over the phone. That is 40 random bits:
a trillion codes, so guessing one that exists is hopeless long before the rate limit on sharing makes codes scarce.
Typed codes forgive what people do: lower case, spaces, no hyphen, O for 0, I or L for 1.
"""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction

from directory.models import SharedShortlist

SESSION_KEY = "shortlist"
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def shortlisted_ids(session) -> list[int]:
    return list(session.get(SESSION_KEY, []))


def add_to_shortlist(session, service_id: int) -> None:
    add_all_to_shortlist(session, [service_id])


def add_all_to_shortlist(session, service_ids) -> list[int]:
    """Add these services after the ones already there (the newest kept when it grows too long); those added."""
    ids = shortlisted_ids(session)
    added = [pk for pk in dict.fromkeys(service_ids) if pk not in ids]
    if added:
        session[SESSION_KEY] = (ids + added)[-settings.SHORTLIST_MAX_SERVICES :]
    return added


def remove_from_shortlist(session, service_id: int) -> None:
    session[SESSION_KEY] = [existing for existing in shortlisted_ids(session) if existing != service_id]


def keep_only_in_shortlist(session, service_ids) -> None:
    keep = set(service_ids)
    session[SESSION_KEY] = [existing for existing in shortlisted_ids(session) if existing in keep]


# Shared lists --------------------------------------------------------------------------------------------------------


def readable_code(code: str) -> str:
    """ "K7QM4XTB" as people read it: "K7QM-4XTB"."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(typed: str) -> str | None:
    """The code someone typed or followed, as stored ("k7qm 4xtb" is "K7QM4XTB"), or None if it cannot be one."""
    code = "".join((typed or "").split()).replace("-", "").upper().translate(_MISREAD)
    if len(code) != CODE_LENGTH or any(character not in CODE_ALPHABET for character in code):
        return None
    return code


def share(service_ids: list[int]) -> str:
    """The code of a shared list of these services, in this order: the one it already has, or a new one."""
    service_ids = list(service_ids)
    for _ in range(5):  # a new code that clashes with an existing one (one chance in millions) draws again
        existing = SharedShortlist.objects.filter(service_ids=service_ids).values_list("code", flat=True).first()
        if existing:
            return existing
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                SharedShortlist.objects.create(code=code, service_ids=service_ids)
            return code
        except IntegrityError:  # the same list shared at the same moment, or the code taken: look again
            continue
    raise RuntimeError("could not make a code for a shared shortlist")


def shared_ids(code: str) -> list[int] | None:
    """The services of the shared list with this (stored) code, or None if there is none."""
    return SharedShortlist.objects.filter(code=code).values_list("service_ids", flat=True).first()


# What a list shows of each service -----------------------------------------------------------------------------------


def whereabouts(service) -> str:
    """Where a service is, in one line: "St John's Church Hall, Bromyard Road, Worcester, WR2 5AH" (and ", or comes to
    you" when it also visits), "Comes to you (within 5 miles of WR14)", or how else it is given ("By phone")."""
    if service.venue_postcode:
        address = ", ".join(line.strip() for line in service.venue_address.splitlines() if line.strip())
        venue = ", ".join(part for part in (service.venue_name, address, service.venue_postcode) if part)
        return venue + (", or comes to you" if service.comes_to_people else "")
    if service.comes_to_people:
        radius = service.coverage_radius
        return "Comes to you" + (f" ({radius[:1].lower()}{radius[1:]})" if radius else "")
    return ", ".join(service.delivery_labels()) or "Ask the provider"
