"""The checks each type of support needs before the council lists it, which of them a listing has had, and what the
public is told about them.

`DEFAULT_CHECKS_NEEDED` is the starting table: for each type of support (a Category's slug), the checks council
staff should have made before approving a listing that offers it; "*" stands for any type not in the table, and for
a listing with no type at all. A listing needs the checks of all its services' types together. The CHECKS_NEEDED
setting replaces rows of the table (README, "Configuration"):

    CHECKS_NEEDED="peer-support=safeguarding; gardening-and-odd-jobs=insurance,dbs; *=insurance,safeguarding"

Staff may still approve a listing without a check it needs, but only with a reason, which its history keeps
(`enterprises.listings.approve_listing`); the public pages then say which checks were not made (`checks_told`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q
from django.utils.text import get_text_list

from core.dates import long_date
from enterprises.models import Enterprise, EnterpriseCheck, Service

Kind = EnterpriseCheck.Kind
INSURANCE, DBS, SAFEGUARDING, CQC = Kind.INSURANCE, Kind.DBS, Kind.SAFEGUARDING, Kind.CQC
ANY_OTHER_TYPE = "*"

DEFAULT_CHECKS_NEEDED: dict[str, tuple[str, ...]] = {
    "day-clubs": (INSURANCE, DBS, SAFEGUARDING),
    "lunch-clubs": (INSURANCE, SAFEGUARDING),
    "home-help": (INSURANCE, DBS, SAFEGUARDING),
    "home-care": (INSURANCE, DBS, SAFEGUARDING, CQC),
    "sitting-and-carer-breaks": (INSURANCE, DBS, SAFEGUARDING),
    "befriending": (INSURANCE, DBS, SAFEGUARDING),
    "peer-support": (SAFEGUARDING,),
    "gardening-and-odd-jobs": (INSURANCE, DBS),
    "arts-crafts-and-music": (INSURANCE, SAFEGUARDING),
    "dance-and-exercise": (INSURANCE, SAFEGUARDING),
    "social-groups": (SAFEGUARDING,),
    "trips-and-outings": (INSURANCE, DBS, SAFEGUARDING),
    "transport-and-escorting": (INSURANCE, DBS, SAFEGUARDING),
    "advice-and-advocacy": (DBS, SAFEGUARDING),
    ANY_OTHER_TYPE: (INSURANCE, SAFEGUARDING),
}

# Each check in the words of a sentence ("It needs … and CQC registration"), and in the public's list.
NAMED = {
    INSURANCE: "public liability insurance",
    DBS: "DBS checks",
    SAFEGUARDING: "a safeguarding policy",
    CQC: "CQC registration",
    Kind.QUALITY_STANDARD: "the local quality standard",
}
CHECKED = {
    INSURANCE: "Insurance checked {}",
    DBS: "DBS checks confirmed {}",
    SAFEGUARDING: "Safeguarding policy checked {}",
    CQC: "CQC registration confirmed {}",
    Kind.QUALITY_STANDARD: "Meets the local quality standard, checked {}",
}
NOT_CHECKED = {INSURANCE: "insurance", DBS: "DBS checks", SAFEGUARDING: "safeguarding policy",
               CQC: "CQC registration"}


def parse_checks_needed(text: str) -> dict[str, tuple[str, ...]]:
    """The CHECKS_NEEDED setting, "slug=kind,kind; slug=…", as table rows; ImproperlyConfigured says what is wrong."""
    rows = {}
    for part in filter(None, (part.strip() for part in text.split(";"))):
        slug, equals, kinds = part.partition("=")
        slug = slug.strip()
        if not equals or not slug:
            raise ImproperlyConfigured(f"CHECKS_NEEDED: {part!r} should be a type of support's slug, '=' and checks, "
                                       f"such as peer-support=safeguarding")
        wanted = tuple(filter(None, (kind.strip() for kind in kinds.split(","))))
        unknown = [kind for kind in wanted if kind not in Kind.values]
        if unknown:
            raise ImproperlyConfigured(f"CHECKS_NEEDED: {', '.join(unknown)} for {slug} is not a check; the checks "
                                       f"are {', '.join(Kind.values)}")
        rows[slug] = wanted
    return rows


def checks_needed_table() -> dict[str, tuple[str, ...]]:
    """DEFAULT_CHECKS_NEEDED with the rows of the CHECKS_NEEDED setting put over it."""
    return {**DEFAULT_CHECKS_NEEDED, **parse_checks_needed(settings.CHECKS_NEEDED)}


def _in_order(kinds: Iterable[str]) -> list[str]:
    wanted = set(kinds)
    return [kind for kind in Kind.values if kind in wanted]


def checks_needed(category_slugs: Iterable[str]) -> list[str]:
    """The checks that types of support need together (any type not in the table, or none, needs the "*" row)."""
    table = checks_needed_table()
    slugs = set(category_slugs) or {ANY_OTHER_TYPE}
    return _in_order(kind for slug in slugs for kind in table.get(slug, table[ANY_OTHER_TYPE]))


def needs_check(kind: str) -> Q:
    """Listings whose types of support need `kind`: the query's side of `checks_needed`."""
    table = checks_needed_table()
    categories = Service.categories.through.objects.filter(service__enterprise=OuterRef("pk"))
    named = [slug for slug in table if slug != ANY_OTHER_TYPE]
    needing = [slug for slug in named if kind in table[slug]]
    query = Q(Exists(categories.filter(category__slug__in=needing)))
    if kind in table[ANY_OTHER_TYPE]:
        query |= Q(Exists(categories.exclude(category__slug__in=named))) | ~Q(Exists(categories))
    return query


def _services(listing: Enterprise, services) -> list:
    return list(listing.services.all() if services is None else services)


def _category_slugs(services) -> set[str]:
    return {category.slug for service in services for category in service.categories.all()}


def needed_by_type(listing: Enterprise, services=None) -> list[tuple[str, list[str]]]:
    """(type of support, the checks it needs) for each type the listing's services offer, in the types' order."""
    categories = {category.pk: category for service in _services(listing, services)
                  for category in service.categories.all()}
    ordered = sorted(categories.values(), key=lambda category: (category.position, category.name))
    return [(category.name, checks_needed([category.slug])) for category in ordered]


def latest_checks(listing: Enterprise) -> dict[str, date]:
    """When each kind of check was last made (reads `listing.checks.all()`, which a page prefetches)."""
    latest = {}
    for check in listing.checks.all():
        if check.kind not in latest or check.checked_on > latest[check.kind]:
            latest[check.kind] = check.checked_on
    return latest


def _made(listing: Enterprise) -> set[str]:
    """The kinds of check that still stand: an insurance check stops counting when the insurance has expired."""
    made = set(latest_checks(listing))
    if listing.insurance_has_expired:
        made.discard(INSURANCE)
    return made


def missing_checks(listing: Enterprise, *, checking: Iterable[str] = (), services=None) -> list[str]:
    """The checks the listing's types of support need that are neither recorded nor being recorded now."""
    needed = checks_needed(_category_slugs(_services(listing, services)))
    have = _made(listing) | set(checking)
    if listing.insurance_has_expired:  # ticking it now cannot make expired insurance count
        have.discard(INSURANCE)
    return [kind for kind in needed if kind not in have]


def named_checks(kinds: Iterable[str]) -> str:
    """ "DBS checks and CQC registration"."""
    return get_text_list([NAMED[kind] for kind in kinds], "and")


@dataclass(frozen=True)
class Told:
    """One line of what the public is told about the council's checks; `important` ones stand out."""

    text: str
    important: bool = False

    def __str__(self):
        return self.text


def checks_told(listing: Enterprise, services=None) -> list[Told]:
    """What the public page says about the council's checks of a listing, in plain lines: expired insurance first,
    then each check made with the date of the latest, then the checks that `services`' types of support need and
    were not made, then an overdue yearly review. `services`: the ones the page is about (a service page passes its
    one service; by default, all the listing's). Reads `listing.checks.all()` and each service's
    `categories.all()`, which the page prefetches."""
    told = []
    if listing.insurance_has_expired:
        told.append(Told(f"Insurance expired on {long_date(listing.insurance_expires_on)}", important=True))
    latest = latest_checks(listing)
    for kind in Kind.values:
        if kind in latest and not (kind == INSURANCE and listing.insurance_has_expired):
            told.append(Told(CHECKED[kind].format(long_date(latest[kind]))))
    missing = [kind for kind in missing_checks(listing, services=services)
               if not (kind == INSURANCE and listing.insurance_has_expired)]
    if missing:
        told.append(Told("Not checked by the council: " + get_text_list([NOT_CHECKED[kind] for kind in missing],
                                                                         "and")))
    if not latest and not told:
        told.append(Told("The council has not recorded any checks yet"))
    if listing.review_is_overdue:
        told.append(Told(f"The council’s yearly review of this listing was due on {long_date(listing.review_due_on)}"))
    return told
