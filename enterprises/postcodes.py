"""Postcodes: normalising what people type, and finding the grid reference of a real one."""

import re
from dataclasses import dataclass

POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
METRES_PER_MILE = 1609.344


class PostcodeError(ValueError):
    """A postcode we cannot use, with a message written for the person who typed it."""


def normalise_postcode(text: str) -> str | None:
    """`' wr98ds '` → `'WR9 8DS'`; None when it is not shaped like a UK postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if not POSTCODE_PATTERN.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


# The postcode a signed-in person last searched near, kept in their session by the search (directory) so that a
# referral's form can offer it (referrals) instead of asking them to type it again.
SEARCHED_POSTCODE = "searched_postcode"


def remember_searched_postcode(session, postcode: str) -> None:
    if session.get(SEARCHED_POSTCODE) != postcode:
        session[SEARCHED_POSTCODE] = postcode


def searched_postcode(session) -> str:
    return normalise_postcode(session.get(SEARCHED_POSTCODE, "")) or ""


def is_northern_irish(postcode: str) -> bool:
    return postcode.startswith("BT")


@dataclass(frozen=True)
class GridPoint:
    easting: int
    northing: int


def miles_to_metres(miles: float) -> int:
    return round(miles * METRES_PER_MILE)
