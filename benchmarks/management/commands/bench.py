"""manage.py bench (`make bench`): how fast are the results pages with a national-sized directory?

It makes sure every GB postcode is loaded and that `seed_scale` has generated --services published services
(both are safe to run again), runs VACUUM ANALYZE, and then asks for results pages through Django's test Client
against the real /search/ URL with DEBUG=False and the public pages' cache off:

  postcode   a postcode alone (the default 5 miles),
  words      a postcode and words people type,
  filters    a postcode and a filter or two (type of support, who it is for, taking new people, cost, …),

each from a different real postcode drawn at random from all of Great Britain (benchmarks/traffic.py): no URL is
asked for twice, so neither a cache nor a warm row flatters a page. In the same loop, one of each in turn, it asks
for a trivial page of ours, the accessibility statement (the site's layout, no query of its own), and reports each
results page's time as a multiple of that page's.

For each: the SQL queries per request, the p50 / p95 server time (the wall time of each `client.get`, in-process,
so no network and no web server) and the part of it spent in SQL, and the peak memory (ru_maxrss) of the process
that served them. Importing postcodes and seeding run in a child process, so that the memory they use is not
counted in that peak.

It is a measurement, not a test: it prints PASS or FAIL per target and always exits 0.
"""

import os
import re
import resource
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from benchmarks.common import QueryRecorder, percentile
from benchmarks.traffic import random_postcodes, searches
from directory.models import SearchRecord
from enterprises.models import Postcode, Service

ALL_GB_POSTCODES = 1_700_000  # Code-Point Open has about 1.74 million; fewer means only some areas are loaded

SEED = 2026  # seed_scale's random seed, so that a fresh bench generates the same services every time

# Issue 13's targets for a results page, in process.
TARGET_P95_MS = 20
TARGET_SQL_P50_MS = 3
TARGET_QUERIES = 8
TARGET_PEAK_MB = 250

TRIVIAL = "trivial: /accessibility/"
KINDS = {"postcode": "postcode only", "words": "postcode + words", "filters": "postcode + filters"}

TITLE = re.compile(r"<title>\s*([\d,]+) services? found")


@dataclass
class Sample:
    path: str
    ms: float
    sql_ms: float
    queries: int
    results: int
    cpu_ms: float  # this process's CPU time for the request: what a busy machine cannot inflate by making it wait


class BackendCPU:
    """CPU time used so far by this connection's PostgreSQL backend, from /proc (the database on this machine), in
    clock ticks: too coarse for one request, exact enough summed over hundreds."""

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.path = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def ms(self) -> float | None:
        try:
            fields = self.path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


class Command(BaseCommand):
    help = (
        "Benchmark the results pages against --services generated services and every GB postcode, each search from "
        "a different random real postcode, beside a trivial page: queries, p50/p95 time and SQL time, peak memory, "
        "with PASS/FAIL against the targets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=300, help="Measured requests per kind of page (300).")
        parser.add_argument("--services", type=int, default=100_000, help="Generated services to search (100000).")
        parser.add_argument("--warmup", type=int, default=10, help="Unmeasured requests per kind first (10).")
        parser.add_argument("--seed", type=int, default=SEED, help="Seed for the postcodes and words drawn (2026).")
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
        self.measure(options["requests"], options["warmup"], options["seed"], options["verbosity"])
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

    def plan(self, requests: int, warmup: int, seed: int) -> dict[str, list[str]]:
        """The paths each kind asks for, warm-up first: a different postcode for every results page."""
        per_kind = requests + warmup
        postcodes = random_postcodes(per_kind * len(KINDS), seed)
        plan = {
            label: searches(kind, postcodes[number * per_kind : (number + 1) * per_kind], seed)
            for number, (kind, label) in enumerate(KINDS.items())
        }
        plan[TRIVIAL] = ["/accessibility/"] * per_kind
        return plan

    def measure(self, requests: int, warmup: int, seed: int, verbosity: int):
        if not Postcode.objects.exists():
            self.stderr.write("No postcodes loaded: run manage.py import_postcodes --all first.")
            return
        services = Service.objects.published().count()
        postcodes = Postcode.objects.count()
        plan = self.plan(requests, warmup, seed)
        search_records_before = SearchRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

        # WhiteNoise warns that `collectstatic` has not been run; the bench does not serve static files.
        warnings.filterwarnings("ignore", message="No directory at")
        client = Client()
        recorder = QueryRecorder()
        samples: dict[str, list[Sample]] = {label: [] for label in plan}
        database_ms = {label: 0.0 for label in plan}
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        # The pages themselves are measured: with the public pages' cache on, a repeated page would be a cached copy.
        with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts, PUBLIC_PAGE_CACHE_SECONDS=0), \
                connection.execute_wrapper(recorder):
            self.start_session(client)
            backend = BackendCPU()
            # One of each kind in turn, so that whatever else the machine is doing weighs on all of them alike.
            for number in range(requests + warmup):
                for label, paths in plan.items():
                    path = paths[number]
                    recorder.reset()
                    database_before = backend.ms()
                    cpu_began = time.thread_time()
                    began = time.perf_counter()
                    response = client.get(path)
                    elapsed = time.perf_counter() - began
                    cpu = time.thread_time() - cpu_began
                    if number >= warmup and database_before is not None:
                        database_ms[label] += backend.ms() - database_before
                    if response.status_code != 200:
                        self.stderr.write(f"{path} answered {response.status_code}")
                    if number < warmup:
                        continue
                    found = TITLE.search(response.content.decode())
                    samples[label].append(
                        Sample(
                            path=path,
                            ms=elapsed * 1000,
                            sql_ms=recorder.seconds * 1000,
                            queries=recorder.count,
                            results=int(found.group(1).replace(",", "")) if found else 0,
                            cpu_ms=cpu * 1000,
                        )
                    )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
        # Its searches were recorded like anyone's: they would skew the reports and, pointing at the generated
        # council's areas, stop `seed_scale --clear` from deleting them.
        SearchRecord.objects.filter(pk__gt=search_records_before).delete()

        self.report(samples, database_ms, peak_mb, services, postcodes, requests, verbosity)

    def start_session(self, client):
        """Most visitors have a session (a shortlist, a message), so every request loads it: count that query too."""
        first = Service.objects.published().order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            client.post(f"/shortlist/add/{first}/")

    # Reporting ----------------------------------------------------------------------------------------------------

    def report(self, samples, database_ms, peak_mb, services, postcodes, requests, verbosity):
        write = self.stdout.write
        write("")
        write(
            f"Results pages: {services:,} published services, {postcodes:,} postcodes; {requests} measured requests "
            f"of each kind after a warm-up, each search from a different real postcode drawn at random from all of "
            f"GB; {settings.SEARCH_DEFAULT_DISTANCE_MILES} miles unless a filter says otherwise, "
            f"{settings.RESULTS_PER_PAGE} results a page."
        )
        write(
            "Time = wall time of each django.test.Client.get() on the real URL, in-process (no network, no web "
            "server), DEBUG=False, the public pages' cache off, one persistent database connection, a visitor with "
            "a session; the kinds take turns. SQL = the part of it spent in database queries. × trivial = p50 over "
            "the trivial page's p50."
        )
        write("")
        header = (
            f"{'page':<26} {'queries':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'SQL p50':>8} {'SQL p95':>8} "
            f"{'× trivial':>9} {'results (median, p95, max)':>27}"
        )
        write(header)
        write("-" * len(header))
        trivial_p50 = percentile([sample.ms for sample in samples[TRIVIAL]], 50)
        checks = []
        for label, rows in samples.items():
            times = [sample.ms for sample in rows]
            sql = [sample.sql_ms for sample in rows]
            found = [sample.results for sample in rows]
            queries = sorted({sample.queries for sample in rows})
            queries_text = str(queries[0]) if len(queries) == 1 else f"{queries[0]}–{queries[-1]}"
            p50, p95 = percentile(times, 50), percentile(times, 95)
            results = "" if label == TRIVIAL else (
                f"{int(statistics.median(found)):,}, {percentile(found, 95):,}, {max(found):,}"
            )
            write(
                f"{label:<26} {queries_text:>8} {p50:>7.1f} {p95:>7.1f} {max(times):>7.1f} "
                f"{percentile(sql, 50):>8.2f} {percentile(sql, 95):>8.2f} {p50 / trivial_p50:>8.1f}× {results:>27}"
            )
            if label == TRIVIAL:
                continue
            sql_p50 = percentile(sql, 50)
            checks += [
                (f"{label}: p95 under {TARGET_P95_MS} ms", f"{p95:.1f} ms", p95 < TARGET_P95_MS),
                (f"{label}: SQL p50 under {TARGET_SQL_P50_MS} ms", f"{sql_p50:.2f} ms", sql_p50 < TARGET_SQL_P50_MS),
                (f"{label}: at most {TARGET_QUERIES} queries", f"{queries[-1]} at most", queries[-1] <= TARGET_QUERIES),
            ]
        checks.append((f"peak memory under {TARGET_PEAK_MB} MB", f"{peak_mb:.0f} MB", peak_mb < TARGET_PEAK_MB))
        write("")
        write("CPU per request, which other work on the machine slows less than it slows the wall clock: this "
              "process's (the app's Python, p50 / p95) and its PostgreSQL backend's (the mean: /proc counts in "
              "clock ticks).")
        trivial_cpu = percentile([sample.cpu_ms for sample in samples[TRIVIAL]], 50)
        write(f"{'page':<26} {'app p50':>8} {'app p95':>8} {'× trivial':>9} {'PostgreSQL':>11}")
        for label, rows in samples.items():
            cpu = [sample.cpu_ms for sample in rows]
            database = f"{database_ms[label] / len(rows):.2f}" if rows else "–"
            write(f"{label:<26} {percentile(cpu, 50):>8.2f} {percentile(cpu, 95):>8.2f} "
                  f"{percentile(cpu, 50) / trivial_cpu:>8.1f}× {database:>11}")
        write("")
        write(f"Peak memory (ru_maxrss) of the process that served them: {peak_mb:.0f} MB.")
        write("")
        write(f"{'target':<44} {'measured':<12} result")
        for name, value, passed in checks:
            write(f"{name:<44} {value:<12} {'PASS' if passed else 'FAIL'}")

        if verbosity >= 2:
            for label, rows in samples.items():
                if label == TRIVIAL:
                    continue
                write("")
                write(f"{label}, the slowest 10:")
                for sample in sorted(rows, key=lambda sample: -sample.ms)[:10]:
                    write(
                        f"  {sample.ms:6.1f} ms (SQL {sample.sql_ms:5.2f} ms, {sample.queries} queries) "
                        f"{sample.results:>6,} results  {sample.path}"
                    )
