"""manage.py bench: how fast is the public search with a national-sized directory?

It makes sure every GB postcode is loaded and that `seed_scale` has generated --services published services
(both are safe to run again), runs VACUUM ANALYZE, and then measures two results pages through Django's test Client
against the real /search/ URL with DEBUG=False:

  (a) postcode + type of support + words, and
  (b) postcode only,

each over --requests requests that cycle through dense and sparse real places. It reports the SQL queries per
request, the p50 / p95 server time (the wall time of each `client.get`, in-process, so no network and no
web-server overhead) and the peak memory (ru_maxrss) of the process that served them. Importing postcodes and
seeding run in a child process, so that the memory they use is not counted in that peak.

It is a measurement, not a test: it prints PASS or FAIL per target and always exits 0.
"""

import re
import resource
import statistics
import subprocess
import sys
import time
import warnings
from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from benchmarks.common import PLACES, WORDS, QueryRecorder, percentile
from benchmarks.scale import SCALE_COUNCIL_NAME
from directory.models import SearchRecord
from enterprises.models import Area, Category, Postcode, Service

ALL_GB_POSTCODES = 1_700_000  # Code-Point Open has about 1.74 million; fewer means only some areas are loaded

SEED = 2026  # seed_scale's random seed, so that a fresh bench generates the same services every time

TARGET_P95_MS = 50
TARGET_QUERIES = 8
TARGET_PEAK_MB = 250

TITLE = re.compile(r"<title>\s*([\d,]+) services? found")


class Command(BaseCommand):
    help = (
        "Benchmark the public search against --services generated services and every GB postcode: "
        "queries per request, p50/p95 server time and peak memory, with PASS/FAIL against the targets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200, help="Measured requests per page type (200).")
        parser.add_argument("--services", type=int, default=100_000, help="Generated services to search (100000).")
        parser.add_argument("--warmup", type=int, default=10, help="Unmeasured requests per page type first (10).")
        parser.add_argument(
            "--measure-only", action="store_true", help="Only measure: skip loading postcodes, seeding and ANALYZE."
        )
        parser.add_argument(
            "--prepare-only", action="store_true", help="Only load postcodes, seed and ANALYZE: do not measure."
        )

    def handle(self, *args, **options):
        if options["prepare_only"]:
            self.prepare(options["services"])
            return
        started = time.perf_counter()
        if not options["measure_only"]:
            # Loading postcodes and seeding run in a child process, so that the memory they use is not counted
            # in this process's peak (ru_maxrss), which is then that of serving the requests.
            subprocess.run(
                [
                    sys.executable,
                    str(settings.BASE_DIR / "manage.py"),
                    "bench",
                    "--prepare-only",
                    f"--services={options['services']}",
                    f"--verbosity={options['verbosity']}",
                ],
                check=True,
            )
            self.stdout.write(f"Set-up took {time.perf_counter() - started:.1f} s.")
        self.measure(options["requests"], options["warmup"], options["verbosity"])
        self.stdout.write(f"\nBench took {time.perf_counter() - started:.1f} s in all.")

    # Set-up -------------------------------------------------------------------------------------------------------

    def prepare(self, services: int):
        postcodes = Postcode.objects.count()
        if postcodes < ALL_GB_POSTCODES:
            self.stdout.write(f"{postcodes:,} postcodes loaded; importing every GB postcode…")
            step = time.perf_counter()
            call_command("import_postcodes", all=True, stdout=self.stdout._out, stderr=self.stderr._out)
            self.stdout.write(f"  done in {time.perf_counter() - step:.1f} s")

        self.stdout.write(f"Making sure seed_scale has generated {services:,} services…")
        step = time.perf_counter()
        call_command("seed_scale", services=services, seed=SEED, stdout=self.stdout._out, stderr=self.stderr._out)
        self.stdout.write(f"  done in {time.perf_counter() - step:.1f} s")

        # Up-to-date statistics for the planner, and a visibility map, as autovacuum would leave them in production.
        step = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"VACUUM ANALYZE done in {time.perf_counter() - step:.1f} s")

    # Measuring ----------------------------------------------------------------------------------------------------

    def places(self):
        wanted = [postcode for postcode, _, _ in PLACES]
        present = set(Postcode.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        found = []
        for postcode, name, kind in PLACES:
            if postcode not in present:
                district = postcode.split()[0] + " "
                postcode = (
                    Postcode.objects.filter(pk__startswith=district).order_by("pk").values_list("pk", flat=True).first()
                )
            if postcode:
                found.append((postcode, name, kind))
        # Two of the generated council's areas: each is listed by many home-visit services, which the search must
        # find through the area as well as by distance.
        for area in Area.objects.filter(council__name=SCALE_COUNCIL_NAME).order_by("pk")[:2]:
            postcode = (
                Postcode.objects.filter(easting=area.easting, northing=area.northing)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            if postcode:
                found.append((postcode, f"area {area.name}"[:24], "area"))
        return found

    def scenarios(self, places, count):
        categories = list(Category.objects.values_list("slug", flat=True)) or [""]
        with_words, postcode_only = [], []
        for number in range(count):
            postcode, _, _ = places[number % len(places)]
            params = {"postcode": postcode, "category": categories[number % len(categories)]}
            params["q"] = WORDS[number % len(WORDS)]
            with_words.append((postcode, "/search/?" + urlencode(params)))
            postcode_only.append((postcode, "/search/?" + urlencode({"postcode": postcode})))
        return [
            ("(a) postcode + type of support + words", with_words),
            ("(b) postcode only", postcode_only),
        ]

    def measure(self, requests: int, warmup: int, verbosity: int):
        places = self.places()
        if not places:
            self.stderr.write("No postcodes loaded: run manage.py import_postcodes --all first.")
            return
        services = Service.objects.published().count()
        postcodes = Postcode.objects.count()
        search_records_before = SearchRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

        # WhiteNoise warns that `collectstatic` has not been run; the bench does not serve static files.
        warnings.filterwarnings("ignore", message="No directory at")
        client = Client()
        recorder = QueryRecorder()
        results = []
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        # The search itself is measured: with the public pages' cache on, every repeat would be a cached copy.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts, PUBLIC_PAGE_CACHE_SECONDS=0), \
                connection.execute_wrapper(recorder):
            self.start_session(client)
            for label, paths in self.scenarios(places, requests):
                for _, path in paths[:warmup]:
                    client.get(path)
                samples = []
                for postcode, path in paths:
                    recorder.reset()
                    began = time.perf_counter()
                    response = client.get(path)
                    elapsed = time.perf_counter() - began
                    if response.status_code != 200:
                        self.stderr.write(f"{path} answered {response.status_code}")
                    found = TITLE.search(response.content.decode())
                    samples.append(
                        Sample(
                            postcode=postcode,
                            ms=elapsed * 1000,
                            sql_ms=recorder.seconds * 1000,
                            queries=recorder.count,
                            results=int(found.group(1).replace(",", "")) if found else 0,
                        )
                    )
                results.append((label, samples))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
        # Its searches were recorded like anyone's: they would skew the reports and, pointing at the generated
        # council's areas, stop `seed_scale --clear` from deleting them.
        SearchRecord.objects.filter(pk__gt=search_records_before).delete()

        self.report(results, peak_mb, services, postcodes, places, requests, verbosity)

    def start_session(self, client):
        """Most visitors have a session (a shortlist, a message), so every request loads it: count that query too."""
        first = Service.objects.published().order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            client.post(f"/shortlist/add/{first}/")

    # Reporting ----------------------------------------------------------------------------------------------------

    def report(self, results, peak_mb, services, postcodes, places, requests, verbosity):
        write = self.stdout.write
        kinds = defaultdict(int)
        for *_, kind in places:
            kinds[kind] += 1
        write("")
        write(
            f"Search bench: {services:,} published services, {postcodes:,} postcodes; {requests} measured requests "
            f"per page after a warm-up, cycling through {len(places)} places ({kinds['dense']} dense, "
            f"{kinds['sparse']} sparse, {kinds['area']} in an area that services list); "
            f"{settings.SEARCH_DEFAULT_DISTANCE_MILES} miles (the default), {settings.RESULTS_PER_PAGE} results a page."
        )
        write(
            "Server time = wall time of each django.test.Client.get() on the real /search/ URL, in-process "
            "(no network, no web server), DEBUG=False, the public pages' cache off, one persistent database "
            "connection, a visitor with a session. "
            "SQL = the part of it spent in database queries."
        )
        write("")
        header = (
            f"{'page':<40} {'queries':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
            f"{'SQL p50':>8} {'SQL p95':>8} {'results (median, max)':>22}"
        )
        write(header)
        write("-" * len(header))
        checks = []
        for label, samples in results:
            times = [sample.ms for sample in samples]
            sql = [sample.sql_ms for sample in samples]
            found = [sample.results for sample in samples]
            queries = sorted({sample.queries for sample in samples})
            queries_text = str(queries[0]) if len(queries) == 1 else f"{queries[0]}–{queries[-1]}"
            write(
                f"{label:<40} {queries_text:>8} {percentile(times, 50):>7.1f} {percentile(times, 95):>7.1f} "
                f"{max(times):>7.1f} {percentile(sql, 50):>8.1f} {percentile(sql, 95):>8.1f} "
                f"{f'{int(statistics.median(found)):,}, {max(found):,}':>22}"
            )
            short = label.split(" ")[0]
            p95 = percentile(times, 95)
            checks.append((f"{short} p95 under {TARGET_P95_MS} ms", f"{p95:.1f} ms", p95 < TARGET_P95_MS))
            checks.append(
                (f"{short} at most {TARGET_QUERIES} queries", f"{queries[-1]} at most", queries[-1] <= TARGET_QUERIES)
            )
        checks.append((f"peak memory under {TARGET_PEAK_MB} MB", f"{peak_mb:.0f} MB", peak_mb < TARGET_PEAK_MB))
        write("")
        write(
            "Queries: the same for every results page whatever the number of results; 2 fewer when nothing is found "
            "(no page of results to fetch, and no types of support for it)."
        )
        write(f"Peak memory (ru_maxrss) of the process that served them: {peak_mb:.0f} MB.")
        write("")
        write(f"{'target':<34} {'measured':<16} result")
        for name, value, passed in checks:
            write(f"{name:<34} {value:<16} {'PASS' if passed else 'FAIL'}")

        if verbosity >= 2:
            for label, samples in results:
                write("")
                write(f"{label}, by place:")
                by_place = defaultdict(list)
                for sample in samples:
                    by_place[sample.postcode].append(sample)
                for postcode, name, kind in places:
                    chunk = by_place.get(postcode)
                    if chunk:
                        write(
                            f"  {postcode:<9} {name:<24} {kind:<7} {len(chunk):>3} requests  "
                            f"p50 {percentile([s.ms for s in chunk], 50):6.1f} ms  "
                            f"max {max(s.ms for s in chunk):6.1f} ms  "
                            f"SQL p50 {percentile([s.sql_ms for s in chunk], 50):6.1f} ms  "
                            f"median results {int(statistics.median(s.results for s in chunk)):>6,}"
                        )


class Sample:
    __slots__ = ("postcode", "ms", "sql_ms", "queries", "results")

    def __init__(self, *, postcode, ms, sql_ms, queries, results):
        self.postcode, self.ms, self.sql_ms, self.queries, self.results = postcode, ms, sql_ms, queries, results
