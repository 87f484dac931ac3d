"""Scale: generated services across the whole of Great Britain, as many as a benchmark or a load test needs.

`seed_scale()` adds generated services at random real postcodes across the whole Postcode table until the
"Generated council" has the number asked for, in batches of 5,000: enterprises by bulk_create, services and their M2M
through rows by COPY (see `copy_insert`), and one search-vector UPDATE per batch through
`ServiceQuerySet.refresh_search_vectors`. `clear_scale_data()` deletes them again. `manage.py seed_scale` is a thin
wrapper around the two, and `manage.py bench` and `loadtest` run it.

Each service is one of the demo's kinds of service (demo/data/kinds.yaml), made by the demo's `build_service`: the
same words, prices, times and capacity as the demo's, in other places, so generated services look like real ones to
the search. With a seed (`bench` uses 2026), a run generates the same services every time.
"""

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from demo.seed import (
    PostcodePoint,
    ServiceDraft,
    build_service,
    coverage_location,
    demo_data,
    enterprise_figures,
    venue_location,
)
from enterprises.models import Area, Category, ClientGroup, Council, Enterprise, Postcode, Service
from enterprises.signals import catalogue_changed
from enterprises.taxonomy import ensure_taxonomies

SCALE_COUNCIL_NAME = "Generated council"


class ScaleDataError(Exception):
    """Generating cannot go ahead; the message says what to do."""


# GB postcode areas and the place each is named after, for generated names ("Home help around Leeds").
POSTCODE_AREA_PLACES = {
    "AB": "Aberdeen", "AL": "St Albans", "B": "Birmingham", "BA": "Bath", "BB": "Blackburn", "BD": "Bradford",
    "BH": "Bournemouth", "BL": "Bolton", "BN": "Brighton", "BR": "Bromley", "BS": "Bristol", "CA": "Carlisle",
    "CB": "Cambridge", "CF": "Cardiff", "CH": "Chester", "CM": "Chelmsford", "CO": "Colchester", "CR": "Croydon",
    "CT": "Canterbury", "CV": "Coventry", "CW": "Crewe", "DA": "Dartford", "DD": "Dundee", "DE": "Derby",
    "DG": "Dumfries", "DH": "Durham", "DL": "Darlington", "DN": "Doncaster", "DT": "Dorchester", "DY": "Dudley",
    "E": "East London", "EC": "the City of London", "EH": "Edinburgh", "EN": "Enfield", "EX": "Exeter",
    "FK": "Falkirk", "FY": "Blackpool", "G": "Glasgow", "GL": "Gloucester", "GU": "Guildford", "HA": "Harrow",
    "HD": "Huddersfield", "HG": "Harrogate", "HP": "Hemel Hempstead", "HR": "Hereford", "HS": "the Western Isles",
    "HU": "Hull", "HX": "Halifax", "IG": "Ilford", "IP": "Ipswich", "IV": "Inverness", "KA": "Kilmarnock",
    "KT": "Kingston upon Thames", "KW": "Kirkwall", "KY": "Kirkcaldy", "L": "Liverpool", "LA": "Lancaster",
    "LD": "Llandrindod Wells", "LE": "Leicester", "LL": "Llandudno", "LN": "Lincoln", "LS": "Leeds", "LU": "Luton",
    "M": "Manchester", "ME": "Medway", "MK": "Milton Keynes", "ML": "Motherwell", "N": "North London",
    "NE": "Newcastle", "NG": "Nottingham", "NN": "Northampton", "NP": "Newport", "NR": "Norwich",
    "NW": "North West London", "OL": "Oldham", "OX": "Oxford", "PA": "Paisley", "PE": "Peterborough", "PH": "Perth",
    "PL": "Plymouth", "PO": "Portsmouth", "PR": "Preston", "RG": "Reading", "RH": "Redhill", "RM": "Romford",
    "S": "Sheffield", "SA": "Swansea", "SE": "South East London", "SG": "Stevenage", "SK": "Stockport",
    "SL": "Slough", "SM": "Sutton", "SN": "Swindon", "SO": "Southampton", "SP": "Salisbury", "SR": "Sunderland",
    "SS": "Southend", "ST": "Stoke-on-Trent", "SW": "South West London", "SY": "Shrewsbury", "TA": "Taunton",
    "TD": "the Scottish Borders", "TF": "Telford", "TN": "Tonbridge", "TQ": "Torquay", "TR": "Truro",
    "TS": "Teesside", "TW": "Twickenham", "UB": "Southall", "W": "West London", "WA": "Warrington",
    "WC": "Central London", "WD": "Watford", "WF": "Wakefield", "WN": "Wigan", "WR": "Worcester", "WS": "Walsall",
    "WV": "Wolverhampton", "YO": "York", "ZE": "Shetland",
}  # fmt: skip

GENERIC_VENUES = (
    "St Mary's Church Hall",
    "Methodist Church Hall",
    "Community Centre",
    "Village Hall",
    "Memorial Hall",
    "Library community room",
    "Baptist Church Hall",
    "Scout Hut",
    "Quaker Meeting House",
    "Community Café",
)


# How often each of the demo's kinds of service is generated, and the nouns of generated enterprise names.
SCALE_KIND_WEIGHTS = {
    "day": 8, "day_ld": 3, "lunch": 8, "meals": 3, "home_help": 12, "home_care": 6, "sitting": 7,
    "befriend_phone": 4, "befriend_visit": 5, "peer_carers": 4, "peer_mh": 4, "memory_cafe": 4, "garden": 6,
    "arts": 5, "singing": 3, "exercise": 5, "dance": 3, "walking": 3, "social": 8, "mens_shed": 2, "trips": 3,
    "transport": 4, "advice": 3, "family": 2, "youth": 1,
}  # fmt: skip
ENTERPRISE_NOUNS = {
    "day": ("Day Club", "Day Centre", "Friendship Club"), "day_ld": ("Day Opportunities", "Skills Hub"),
    "lunch": ("Lunch Club", "Dinner Club"), "meals": ("Meals on Wheels", "Kitchen"),
    "home_help": ("Home Help", "Helping Hands", "Home Helpers"), "home_care": ("Home Care", "Care at Home"),
    "sitting": ("Sitters", "Sitting Service", "Carer Breaks"), "befriend_phone": ("Phone Friends", "Befrienders"),
    "befriend_visit": ("Befrienders", "Companions", "Good Neighbours"),
    "peer_carers": ("Carers' Circle", "Carers' Network"), "peer_mh": ("Peer Support", "Wellbeing Group"),
    "memory_cafe": ("Memory Café",), "garden": ("Gardening", "Garden Help", "Odd Jobs"),
    "arts": ("Crafters", "Arts Collective", "Art Club"), "singing": ("Singers", "Choir"),
    "exercise": ("Fitness", "Move More", "Chair Yoga"), "dance": ("Dance", "Dance Company"),
    "walking": ("Walking Friends", "Walk and Talk"), "social": ("Social Club", "Friendship Group", "Tea Club"),
    "mens_shed": ("Men's Shed", "Community Shed"), "trips": ("Outings", "Trips", "Days Out"),
    "transport": ("Wheels", "Community Transport", "Rides"), "advice": ("Advocacy", "Advice"),
    "family": ("Family Group", "Sensory Play"), "youth": ("Youth Club",),
}  # fmt: skip
NAME_STEMS = (
    "Acorn", "Alder", "Beacon", "Bluebell", "Bramble", "Buttercup", "Cedar", "Chestnut", "Clover", "Cornerstone",
    "Daisy", "Dovecote", "Evergreen", "Elm Tree", "Fern", "Foxglove", "Good Neighbours", "Greenway", "Harbour",
    "Hawthorn", "Heather", "Hollybush", "Ivy", "Jasmine", "Juniper", "Kestrel", "Kingfisher", "Lark", "Laurel",
    "Lavender", "Maple", "Meadow", "Millstone", "Nightingale", "Northgate", "Oak Tree", "Orchard", "Poppy",
    "Primrose", "Quayside", "Quince", "Riverside", "Robin", "Rowan", "Sunflower", "Swallow", "Thistle", "Tulip",
    "Unity", "Upland", "Valley", "Village", "Willow", "Wren", "Yew Tree", "Yarrow", "Zest", "Zinnia",
)  # fmt: skip
FIRST_NAMES = (
    "Aisha", "Alan", "Angela", "Bev", "Bilal", "Carol", "Chris", "Deborah", "Dylan", "Elaine", "Eve", "Fatima", "Gary",
    "Gwen", "Harpreet", "Ian", "Jo", "Kerry", "Leon", "Lesley", "Mandy", "Mo", "Niamh", "Owen", "Pauline", "Rhys",
    "Sadia", "Shona", "Tariq", "Una", "Vicky", "Wayne", "Yvonne", "Zara",
)  # fmt: skip
SURNAMES = (
    "Ahmed", "Bell", "Campbell", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones", "Khan", "Lewis",
    "MacLeod", "Morgan", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Underwood", "Walsh",
    "Williams", "Young",
)  # fmt: skip
SCALE_AREA_COUNT = 8
SAMPLE_SYSTEM_FROM = 20_000  # below this many postcodes wanted, sample rows (BERNOULLI) for a better spread


@dataclass
class ScaleResult:
    council: Council
    before: int
    added: int
    enterprises_added: int
    seconds: float

    @property
    def total(self) -> int:
        return self.before + self.added


def postcode_area(postcode: str) -> str:
    return "".join(char for char in postcode.split(" ")[0] if char.isalpha())


def sample_postcodes(count: int, rng: random.Random) -> list[PostcodePoint]:
    """`count` random real postcodes from the whole Postcode table, in postcode order (so neighbours are near).

    TABLESAMPLE reads only a fraction of the table however big it is (1.7 million rows for all of GB): SYSTEM (whole
    pages, fastest) for big samples, BERNOULLI (single rows, a better spread) for small ones. The sample is twice the
    size wanted, then thinned in Python; if it still comes up short, `ORDER BY random() LIMIT` makes up the rest.
    When the table has fewer rows than asked for, postcodes repeat.
    """
    table = Postcode._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        total = cursor.fetchone()[0]
        if total == 0:
            raise ScaleDataError(
                "The Postcode table is empty, so there is nowhere to put services. "
                "Run manage.py import_postcodes --all (or --areas WR,B,DY) first."
            )
        want = min(count, total)
        percent = min(100.0, 100.0 * max(2 * want, want + 1000) / total)
        method = "SYSTEM" if want >= SAMPLE_SYSTEM_FROM else "BERNOULLI"
        cursor.execute(
            f"SELECT postcode, easting, northing FROM {table} TABLESAMPLE {method} (%s) REPEATABLE (%s)",
            [percent, rng.randint(0, 2**31 - 1)],
        )
        rows = cursor.fetchall()
        if len(rows) < want:
            cursor.execute("SELECT setseed(%s)", [rng.random()])
            cursor.execute(f"SELECT postcode, easting, northing FROM {table} ORDER BY random() LIMIT %s", [want])
            rows = cursor.fetchall()
    rows.sort()
    picked = rng.sample(rows, want)
    if want < count:
        picked += rng.choices(rows, k=count - want)
    picked.sort()
    return [PostcodePoint(*row) for row in picked]


def ensure_scale_council(rng: random.Random) -> tuple[Council, list[Area]]:
    council, _ = Council.objects.get_or_create(name=SCALE_COUNCIL_NAME, defaults={"slug": slugify(SCALE_COUNCIL_NAME)})
    areas = list(council.areas.order_by("pk"))
    if not areas:
        for point in sample_postcodes(SCALE_AREA_COUNT, rng):
            district = point.postcode.split(" ")[0]
            place = POSTCODE_AREA_PLACES.get(postcode_area(point.postcode), postcode_area(point.postcode))
            name = f"{place} ({district})"
            area, _ = Area.objects.get_or_create(
                council=council,
                slug=slugify(name),
                defaults={"name": name, "easting": point.easting, "northing": point.northing},
            )
            if area not in areas:
                areas.append(area)
    return council, areas


def _scale_service(kind, rng, today, point: PostcodePoint, place: str, areas: list[Area]) -> ServiceDraft:
    venue_name = rng.choice(GENERIC_VENUES)
    venue = (venue_name, place) if kind.where == "venue" else None
    draft = build_service(kind, rng, today, town=place, venue=venue)
    if venue:
        draft.fields.update(venue_location(venue_name, f"{venue_name}, {place}", point))
    else:
        radius = rng.randint(15, 40) if kind.where == "remote" else rng.randint(3, 15)
        draft.fields.update(coverage_location(point, radius))
        if rng.random() < 0.2:
            draft.coverage_areas = [rng.choice(areas)]
    return draft


SCALE_LOCK = 2026_0001  # a PostgreSQL advisory lock key: one seed_scale at a time


def seed_scale(
    target: int, batch_size: int = 5000, seed: int | None = None, on_batch: Callable[[int, int], None] | None = None
) -> ScaleResult:
    """Add generated, published services to the "Generated council" until it has at least `target` of them.

    Two runs at once (say `manage.py bench` and a person) would both count the same "before" and both add; an
    advisory lock makes the second wait for the first and then find nothing (or less) to add.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [SCALE_LOCK])
    try:
        return _seed_scale(target, batch_size, seed, on_batch)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SCALE_LOCK])


def copy_rows(table: str, columns: list[str], rows) -> None:
    """Stream plain tuples into a table with PostgreSQL COPY."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def copy_insert(model, objects: list) -> None:
    """Insert unsaved instances with PostgreSQL COPY, giving each its primary key from the table's sequence first.

    For services, `bulk_create` cannot use its fast UNNEST form (ArrayField columns rule it out) and falls back to a
    VALUES list with ~40 parameters a row, which Django and psycopg spend most of their time building; COPY is several
    times quicker. Values go to psycopg as they are (str, int, bool, Decimal, date, time, datetime, list of str all
    adapt directly); auto_now fields are filled first. No signals are sent, as with bulk_create.
    """
    if not objects:
        return
    meta = model._meta
    fields = meta.concrete_fields
    automatic = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for instance, (pk,) in zip(objects, cursor.fetchall()):
            instance.pk = pk
            for auto_field in automatic:
                auto_field.pre_save(instance, True)
            instance._state.adding = False
            instance._state.db = connection.alias
    attnames = [field.attname for field in fields]
    copy_rows(
        meta.db_table,
        [field.column for field in fields],
        ([getattr(instance, attname) for attname in attnames] for instance in objects),
    )


def _copy_through_rows(pairs, categories, client_groups) -> None:
    """The M2M rows of generated services, streamed with COPY (no model instance per row)."""
    links = (
        (Service.categories.through, "category_id", lambda draft: (categories[slug].pk for slug in draft.categories)),
        (
            Service.client_groups.through,
            "clientgroup_id",
            lambda draft: (client_groups[slug].pk for slug in draft.client_groups),
        ),
        (Service.coverage_areas.through, "area_id", lambda draft: (area.pk for area in draft.coverage_areas)),
    )
    for through, column, targets in links:
        copy_rows(
            through._meta.db_table,
            ["service_id", column],
            ((service.pk, target) for service, draft in pairs for target in targets(draft)),
        )


def _seed_scale(target: int, batch_size: int, seed: int | None, on_batch) -> ScaleResult:
    started = time.monotonic()
    rng = random.Random(seed)
    ensure_taxonomies()
    categories = {item.slug: item for item in Category.objects.all()}
    client_groups = {item.slug: item for item in ClientGroup.objects.all()}
    council, areas = ensure_scale_council(rng)
    before = Service.objects.filter(enterprise__council=council).count()
    needed = max(0, target - before)
    if needed == 0:
        return ScaleResult(council, before, 0, 0, time.monotonic() - started)

    points = sample_postcodes(needed, rng)
    kinds, weights = [demo_data().kinds[key] for key in SCALE_KIND_WEIGHTS], list(SCALE_KIND_WEIGHTS.values())
    token = uuid.UUID(int=rng.getrandbits(128)).hex[:6] if seed is not None else uuid.uuid4().hex[:6]
    today = timezone.localdate()
    now = timezone.now()
    added = enterprises_added = 0
    position = 0

    while position < needed:
        batch_end = min(needed, position + batch_size)
        enterprises, plans = [], []
        while position < batch_end:
            size = min(rng.choice([1, 2, 2, 2, 3]), batch_end - position)
            first = points[position]
            area_code = postcode_area(first.postcode)
            place = POSTCODE_AREA_PLACES.get(area_code, area_code)
            kind = rng.choices(kinds, weights)[0]
            stem, noun = rng.choice(NAME_STEMS), rng.choice(ENTERPRISE_NOUNS[kind.key])
            name = f"{stem} {noun} ({first.postcode.split(' ')[0]})"
            legal_form = rng.choice(Enterprise.LegalForm.values)
            number = enterprises_added + len(enterprises)
            enterprises.append(
                Enterprise(
                    council=council,
                    name=name,
                    slug=f"{slugify(name)}-{token}{number}",
                    summary=rng.choice(kind.summaries).format(town=place, venue=place, days="weekdays"),
                    description=f"A community micro-enterprise serving people around {place}.",
                    legal_form=legal_form,
                    contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                    phone=f"01632 960{rng.randint(0, 999):03d}",
                    email=f"hello@{slugify(name)}.example.org",
                    website=f"https://www.{slugify(name)}.example.org/",
                    status=Enterprise.Status.PUBLISHED,
                    created_at=now - timedelta(days=rng.randint(1, 1800)),
                    **enterprise_figures(rng, legal_form),
                )
            )
            service_kinds = [kind] + [rng.choices(kinds, weights)[0] for _ in range(size - 1)]
            plans.append(
                [
                    _scale_service(service_kind, rng, today, points[position + offset], place, areas)
                    for offset, service_kind in enumerate(service_kinds)
                ]
            )
            position += size

        with transaction.atomic():
            Enterprise.objects.bulk_create(enterprises, batch_size=batch_size)
            services, pairs = [], []
            for enterprise, drafts in zip(enterprises, plans):
                for draft in drafts:
                    service = Service(enterprise=enterprise, **draft.fields)
                    services.append(service)
                    pairs.append((service, draft))
            copy_insert(Service, services)
            _copy_through_rows(pairs, categories, client_groups)
            Service.objects.filter(pk__in=[service.pk for service in services]).refresh_search_vectors()
        added += len(services)
        enterprises_added += len(enterprises)
        if on_batch:
            on_batch(before + added, target)
    catalogue_changed.send(sender=None)  # bulk writes send no signals

    return ScaleResult(council, before, added, enterprises_added, time.monotonic() - started)


def clear_scale_data() -> tuple[int, int]:
    """Delete the generated council with its services, enterprises and areas. Returns (services, enterprises).

    Plain DELETEs, table by table, because the ORM's cascade collector loads every one of 100,000 rows first (about
    a minute). Anything else that points at these rows (a referral, say) makes PostgreSQL's foreign keys refuse the
    whole transaction, and nothing is deleted.
    """
    council = Council.objects.filter(name=SCALE_COUNCIL_NAME).first()
    if council is None:
        return 0, 0
    tables = {
        "service": Service._meta.db_table,
        "enterprise": Enterprise._meta.db_table,
        "categories": Service.categories.through._meta.db_table,
        "client_groups": Service.client_groups.through._meta.db_table,
        "coverage_areas": Service.coverage_areas.through._meta.db_table,
        "members": Enterprise.members.through._meta.db_table,
        "area": Area._meta.db_table,
    }
    services = (
        f"SELECT s.id FROM {tables['service']} s JOIN {tables['enterprise']} e ON e.id = s.enterprise_id "
        "WHERE e.council_id = %s"
    )
    enterprises = f"SELECT id FROM {tables['enterprise']} WHERE council_id = %s"
    areas = f"SELECT id FROM {tables['area']} WHERE council_id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for through in ("categories", "client_groups", "coverage_areas"):
            cursor.execute(f"DELETE FROM {tables[through]} WHERE service_id IN ({services})", [council.pk])
        cursor.execute(f"DELETE FROM {tables['coverage_areas']} WHERE area_id IN ({areas})", [council.pk])
        cursor.execute(f"DELETE FROM {tables['service']} WHERE enterprise_id IN ({enterprises})", [council.pk])
        service_count = cursor.rowcount
        cursor.execute(f"DELETE FROM {tables['members']} WHERE enterprise_id IN ({enterprises})", [council.pk])
        cursor.execute(f"DELETE FROM {tables['enterprise']} WHERE council_id = %s", [council.pk])
        enterprise_count = cursor.rowcount
        cursor.execute(f"DELETE FROM {tables['area']} WHERE council_id = %s", [council.pk])
        council.delete()
    return service_count, enterprise_count

