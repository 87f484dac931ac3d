"""manage.py bench_reports: how fast is the council's reports page with 1,000 listings and 20,000 referrals?

Only when run, and never in production, it generates one council ("Reports bench council", 20 areas round
SK 300 300 in Derbyshire) with --listings enterprises in every status (about 1.3 services each, with venues,
home-visit circles and listed areas), --referrals referrals to them over the last two years in every status, and
--searches search records: all with bulk_create, in one transaction, then VACUUM ANALYZE. A council that is already
there is reused (--fresh makes it again; --clear only deletes it). Services of other councils in the database (the
demo, `seed_scale`) stay, and count in the gaps, as they would in production.

It then measures, as a member of that council's staff, with DEBUG=False, through Django's test Client in-process
(no network, no web server, one persistent database connection): the reports page unfiltered, the page filtered by
an area and a type of support, and two CSVs, each over --requests requests after a warm-up. It prints the queries
per request and the p50 / p95 server time. A measurement, not a test: it always exits 0.
"""

import random
import statistics
import time
import uuid
import warnings
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from benchmarks.common import QueryRecorder, percentile
from directory.models import SearchRecord
from enterprises.models import (
    Area,
    Capacity,
    Category,
    Council,
    Delivery,
    Enterprise,
    Organisation,
    Service,
    StaffMembership,
)
from referrals.models import Referral

COUNCIL_NAME = "Reports bench council"
STAFF_EMAIL = "reports-bench-staff@example.invalid"
REFERRER_EMAIL = "reports-bench-referrer@example.invalid"
CENTRE = (430000, 330000)  # SK 300 300, Derbyshire
SEED = 2026
STATUSES = [  # (listing status, weight)
    (Enterprise.Status.PUBLISHED, 80), (Enterprise.Status.SUBMITTED, 5), (Enterprise.Status.DRAFT, 4),
    (Enterprise.Status.CHANGES_REQUESTED, 2), (Enterprise.Status.SUSPENDED, 4), (Enterprise.Status.ARCHIVED, 4),
    (Enterprise.Status.REJECTED, 1),
]
REFERRAL_STATUSES = [  # (status, weight)
    (Referral.Status.SENT, 10), (Referral.Status.ACCEPTED, 15), (Referral.Status.DECLINED, 20),
    (Referral.Status.WITHDRAWN, 10), (Referral.Status.STARTED, 25), (Referral.Status.ENDED, 20),
]
WORDS = ["", "", "lunch club", "gardening", "dementia cafe", "carers group", "swimming", "knitting", "transport"]


class Command(BaseCommand):
    help = "Benchmark the council reports page with 1,000 listings and 20,000 referrals (generated on request)."

    def add_arguments(self, parser):
        parser.add_argument("--listings", type=int, default=1_000)
        parser.add_argument("--referrals", type=int, default=20_000)
        parser.add_argument("--searches", type=int, default=10_000)
        parser.add_argument("--requests", type=int, default=30, help="Measured requests per page (30).")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--fresh", action="store_true", help="Delete the bench council and generate it again.")
        parser.add_argument("--clear", action="store_true", help="Only delete the bench council and its data.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("bench_reports generates test data: run it on a development database only")
        council = Council.objects.filter(name=COUNCIL_NAME).first()
        if council is not None and (options["fresh"] or options["clear"]):
            self.clear(council)
            council = None
        if options["clear"]:
            self.stdout.write("The bench council is gone.")
            return
        if council is None:
            started = time.perf_counter()
            council = self.generate(options["listings"], options["referrals"], options["searches"])
            self.vacuum()
            self.stdout.write(f"Generated the bench council in {time.perf_counter() - started:.1f} s.")
        self.measure(council, options["requests"], options["warmup"])

    # Set-up -------------------------------------------------------------------------------------------------------

    def clear(self, council):
        with transaction.atomic():
            Referral.objects.filter(enterprise__council=council).delete()
            SearchRecord.objects.filter(area__council=council).delete()
            Enterprise.objects.filter(council=council).delete()
            Organisation.objects.filter(council=council).delete()
            StaffMembership.objects.filter(council=council).delete()
            Area.objects.filter(council=council).delete()
            council.delete()

    @transaction.atomic
    def generate(self, listings: int, referrals: int, searches: int) -> Council:
        from django.contrib.auth import get_user_model

        rng = random.Random(SEED)
        now = timezone.now()
        today = timezone.localdate()
        council = Council.objects.create(name=COUNCIL_NAME, slug="reports-bench-council")
        areas = Area.objects.bulk_create(
            Area(council=council, name=f"Bench area {n + 1:02}", slug=f"bench-area-{n + 1:02}",
                 easting=CENTRE[0] + (n % 5) * 6000, northing=CENTRE[1] + (n // 5) * 6000)
            for n in range(20)
        )
        categories = list(Category.objects.all())
        if len(categories) < 3:
            categories += [Category.objects.create(name=name, slug=name.lower().replace(" ", "-"), position=9)
                           for name in ["Bench day clubs", "Bench home help", "Bench befriending"]]

        statuses, weights = zip(*STATUSES, strict=True)
        enterprises = []
        for n in range(listings):
            status = rng.choices(statuses, weights)[0]
            live = status in {Enterprise.Status.PUBLISHED, Enterprise.Status.SUSPENDED, Enterprise.Status.ARCHIVED}
            enterprises.append(Enterprise(
                council=council, name=f"Bench listing {n + 1}", slug=f"reports-bench-{n + 1}", status=status,
                published_at=now - timedelta(days=rng.uniform(0, 900)) if live else None,
                people_supported=rng.choice([None, rng.randint(1, 60)]),
                paid_staff=rng.choice([None, rng.randint(0, 5)]),
                volunteers=rng.choice([None, rng.randint(0, 12)]),
                review_due_on=today + timedelta(days=rng.randint(1, 365)),
                created_at=now - timedelta(days=rng.uniform(0, 1000)),
            ))
        Enterprise.objects.bulk_create(enterprises, batch_size=1000)

        services = []
        for enterprise in enterprises:
            for _ in range(rng.choice([1, 1, 2])):
                at_home = rng.random() < 0.35
                easting = CENTRE[0] + rng.randint(-8000, 32000)
                northing = CENTRE[1] + rng.randint(-8000, 26000)
                fields = (
                    {"delivery": [Delivery.HOME], "coverage_easting": easting, "coverage_northing": northing,
                     "coverage_radius_miles": rng.choice([None, 2, 3, 5, 8]), "coverage_postcode": "SK1 1AA"}
                    if at_home else
                    {"delivery": [Delivery.VENUE], "venue_easting": easting, "venue_northing": northing}
                )
                services.append(Service(
                    enterprise=enterprise, name=f"Service of {enterprise.name}",
                    capacity=rng.choice(Capacity.values),
                    capacity_confirmed_on=None if rng.random() < 0.1 else today - timedelta(days=rng.randint(0, 90)),
                    **fields,
                ))
        Service.objects.bulk_create(services, batch_size=1000)
        Service.categories.through.objects.bulk_create(
            Service.categories.through(service_id=service.pk, category_id=category.pk)
            for service in services
            for category in rng.sample(categories, rng.choice([1, 1, 2]))
        )
        Service.coverage_areas.through.objects.bulk_create(
            Service.coverage_areas.through(service_id=service.pk, area_id=area.pk)
            for service in services
            if Delivery.HOME in service.delivery and service.coverage_radius_miles is None
            for area in rng.sample(areas, rng.randint(1, 3))
        )

        users = get_user_model().objects
        staff = users.filter(username=STAFF_EMAIL).first() or users.create_user(STAFF_EMAIL, STAFF_EMAIL)
        StaffMembership.objects.update_or_create(user=staff, defaults={"council": council})
        referrer = users.filter(username=REFERRER_EMAIL).first() or users.create_user(REFERRER_EMAIL, REFERRER_EMAIL)
        organisation = Organisation.objects.create(council=council, name="Bench referrers")
        organisation.members.add(referrer)

        live_services = [service for service in services if service.enterprise.published_at is not None]
        referral_statuses, referral_weights = zip(*REFERRAL_STATUSES, strict=True)
        rows = []
        for _ in range(referrals):
            service = rng.choice(live_services)
            status = rng.choices(referral_statuses, referral_weights)[0]
            sent = now - timedelta(days=rng.uniform(0, 730))
            unanswered = status == Referral.Status.SENT or (status == Referral.Status.WITHDRAWN and rng.random() < .5)
            first = None if unanswered else sent + timedelta(days=rng.uniform(0.05, 14))
            accepted = first if status in {Referral.Status.ACCEPTED, Referral.Status.STARTED,
                                           Referral.Status.ENDED} else None
            rows.append(Referral(
                submission_key=uuid.uuid4(), service=service, service_name=service.name, enterprise=service.enterprise,
                referrer=referrer, organisation=organisation, person_name="Bench Person", contact_method="phone",
                phone="01632 960000", consent_method="in_person", consent_given_on=sent.date(), urgency="week",
                status=status, sent_at=sent, first_response_at=first, accepted_at=accepted,
                closed_at=first if status in Referral.CLOSED and first else None,
            ))
        Referral.objects.bulk_create(rows, batch_size=2000)

        slugs = [category.slug for category in categories]
        SearchRecord.objects.bulk_create(
            (SearchRecord(
                searched_on=today - timedelta(days=rng.randint(0, 730)), area=rng.choice(areas),
                postcode_district=rng.choice(["DE4", "DE45", "SK17", "DE55", "S42", ""]), words=rng.choice(WORDS),
                category_slugs=rng.sample(slugs, rng.choice([0, 1, 1, 2])),
                result_count=0 if rng.random() < 0.2 else rng.randint(1, 40),
            ) for _ in range(searches)),
            batch_size=2000,
        )
        return council

    def vacuum(self):
        """Up-to-date statistics and visibility maps, as autovacuum would leave them in production."""
        with connection.cursor() as cursor:
            for model in [Area, Enterprise, Service, Service.categories.through, Service.coverage_areas.through,
                          Referral, SearchRecord]:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    # Measuring ----------------------------------------------------------------------------------------------------

    def measure(self, council, requests: int, warmup: int):
        from django.contrib.auth import get_user_model

        staff = get_user_model().objects.get(username=STAFF_EMAIL)
        area = Area.objects.filter(council=council).order_by("name").first()
        category = Category.objects.order_by("position", "name").first()
        pages = [
            ("reports page, no filters (24 months)", "/council/reports/"),
            ("reports page, an area and a type", "/council/reports/?" + urlencode(
                {"area": area.slug, "category": category.slug})),
            ("gaps.csv", "/council/reports/gaps.csv"),
            ("referrals-by-area.csv", "/council/reports/referrals-by-area.csv"),
        ]
        warnings.filterwarnings("ignore", message="No directory at")
        client = Client()
        client.force_login(staff)
        recorder = QueryRecorder()
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        results = []
        with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts), connection.execute_wrapper(recorder):
            for label, path in pages:
                for _ in range(warmup):
                    client.get(path)
                times, sql, queries = [], [], set()
                for _ in range(requests):
                    recorder.reset()
                    began = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - began) * 1000)
                    sql.append(recorder.seconds * 1000)
                    queries.add(recorder.count)
                    if response.status_code != 200:
                        self.stderr.write(f"{path} answered {response.status_code}")
                results.append((label, times, sql, queries))

        write = self.stdout.write
        write("")
        write(
            f"Reports bench: {COUNCIL_NAME}: {Enterprise.objects.filter(council=council).count():,} listings, "
            f"{Service.objects.filter(enterprise__council=council).count():,} services, "
            f"{Referral.objects.filter(enterprise__council=council).count():,} referrals, "
            f"{SearchRecord.objects.filter(area__council=council).count():,} searches, "
            f"{Area.objects.filter(council=council).count()} areas, {Category.objects.count()} types of support; "
            f"{Service.objects.count():,} services in the whole database (every council's count in the gaps)."
        )
        write(f"{requests} measured requests per page after {warmup} warm-up, DEBUG=False, in-process test Client.")
        write("")
        header = f"{'page':<40} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'SQL p50':>8}"
        write(header)
        write("-" * len(header))
        for label, times, sql, queries in results:
            counts = sorted(queries)
            count = str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
            write(
                f"{label:<40} {count:>8} {percentile(times, 50):>8.1f} {percentile(times, 95):>8.1f} "
                f"{max(times):>8.1f} {statistics.median(sql):>8.1f}"
            )
