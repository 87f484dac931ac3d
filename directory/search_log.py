"""Recording what people searched for, without anything that could identify them (see SearchRecord).

Words are kept only as single words that look like a need ("dementia", "swimming"), never as what someone typed:
`scrub_words` drops anything with a digit (phone numbers, house numbers, postcodes, dates), email addresses, a title
and the name after it, capitalised words we do not know (names are typed with capitals; the types of support and
who they are for are known), a street and the word before it, and words like "for" and "near". The reports then show
a word only once enough different visitors, on enough different days, searched it (reports/figures.py), counted
with `visitor_code`.
"""

import hmac
import re
from datetime import date

from django.conf import settings
from django.db import connections, router
from django.utils import timezone

from core.http import client_ip
from directory.models import SearchRecord
from enterprises.taxonomy import CATEGORIES, CLIENT_GROUPS

_LETTERS_ONLY = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "lady", "lord"}
STREETS = {
    "road", "rd", "street", "st", "lane", "ln", "avenue", "ave", "close", "drive", "crescent", "court", "gardens",
    "terrace", "grove", "mews", "parade",
}
STOP_WORDS = {
    "a", "an", "and", "any", "are", "as", "at", "be", "by", "can", "for", "from", "he", "her", "him", "his", "i", "in",
    "is", "it", "me", "my", "near", "of", "on", "or", "our", "she", "that", "the", "their", "them", "they", "to", "we",
    "who", "with", "you", "your",
}
MAX_LENGTH = 100


# Words of support people search for, typed with a capital or not: the starting types of support and who they are
# for (enterprises/taxonomy.py), and more. A capitalised word not among them is taken for a name and dropped.
EXTRA_KNOWN_WORDS = """
    activities advice allotment art arts autism befriending bereavement bingo blind bowls breaks cafe café carer
    carers centre chair choir cleaner cleaning club clubs coffee companion companionship computer cooking crafts
    dance dancing day deaf dementia diabetes dinner disabled disability exercise friendship garden gardening group
    groups handyman hairdresser help home housework knitting laundry learning lunch meals memory men mental music
    parkinson parkinsons peer pets respite shed shopping singing sitter sitting social sport stroke support swimming
    tea transport trips visits volunteer walking wellbeing women yoga young
""".split()


def _words_of(*texts: str) -> set[str]:
    return {word.lower() for text in texts for word in re.findall(r"[^\W\d_]+", text)}


KNOWN_WORDS = frozenset(
    _words_of(*(f"{term.name} {term.description}" for term in (*CATEGORIES, *CLIENT_GROUPS)))
    | set(EXTRA_KNOWN_WORDS)
)


def scrub_words(text: str) -> str:
    """The words of a search that look like a need, lower-cased, each once, at most 100 characters."""
    tokens = [token.strip(".,;:!?()\"'") for token in (text or "").replace("\x00", " ").split()]
    dropped = [not token for token in tokens]
    for index, token in enumerate(tokens):
        word = token.lower()
        if not token:
            continue
        if not _LETTERS_ONLY.match(token):
            dropped[index] = True  # digits, an email address, other characters
        elif word in TITLES:
            dropped[index] = True
            if index + 1 < len(tokens):
                dropped[index + 1] = True  # the name after "Mrs"
        elif word in STREETS and index > 0 and tokens[index - 1][:1].isupper():
            dropped[index] = dropped[index - 1] = True  # "Foregate Street"
        elif token[0].isupper() and word not in KNOWN_WORDS:
            dropped[index] = True  # a name, most likely
        elif word in STOP_WORDS:
            dropped[index] = True
    kept: list[str] = []
    for token, drop in zip(tokens, dropped):
        if not drop and token.lower() not in kept and len(" ".join([*kept, token])) <= MAX_LENGTH:
            kept.append(token.lower())
    return " ".join(kept)


def visitor_code(request, *, today: date | None = None) -> str:
    """A code for the visitor's internet address that changes every month and cannot be turned back into the
    address without the site's secret key: the reports count different visitors with it, and nothing else."""
    month = (today or timezone.localdate()).strftime("%Y-%m")
    message = f"search-visitor|{month}|{client_ip(request) or ''}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, "sha256").hexdigest()[:16]


def search_record_fields(service_filter, *, result_count: int) -> dict:
    """What to record of a valid search (for the first page of results: turning a page is not another search)."""
    data = service_filter.form.cleaned_data
    place = service_filter.place
    return {
        "area_id": place.area_id if place else None,
        "postcode_district": place.postcode.split(" ")[0] if place else "",
        "words": scrub_words(data.get("q", "")),
        "category_slugs": list(data.get("category") or []),
        "client_group_slugs": list(data.get("client_group") or []),
        "result_count": result_count,
    }


# The record is committed without waiting for the disk: `synchronous_commit` off for this one call's own transaction
# (the setting in effect when a transaction commits is the one that counts; everything else keeps waiting). A
# database crash could lose the last fraction of a second of these counts, never a listing or a referral, and no
# search waits for a disk flush (0.3–3 ms here, more when the disk is busy). One statement, which sets it for its own
# transaction first (`set_config(…, true)`), as parameters bound by the server allow no more.
_INSERT = (
    f'INSERT INTO "{SearchRecord._meta.db_table}" (searched_on, area_id, postcode_district, words, category_slugs, '
    "client_group_slugs, result_count, visitor) SELECT %s, %s, %s, %s, %s, %s, %s, %s "
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous"
)


def record_search(fields: dict, *, visitor: str) -> None:
    """One row, written with a plain INSERT: it is on every search, and the ORM's save took longer than the rest of
    a page from the cache."""
    with connections[router.db_for_write(SearchRecord)].cursor() as cursor:
        cursor.execute(_INSERT, [
            timezone.localdate(), fields["area_id"], fields["postcode_district"], fields["words"],
            fields["category_slugs"], fields["client_group_slugs"], fields["result_count"], visitor,
        ])
