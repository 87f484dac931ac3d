"""manage.py loadtest (`make loadtest`): how many pages a second the site serves the way production serves it, page
by page, beside a trivial page of ours on the same machine in the same run.

1. Makes sure the data is there: every GB postcode and 100,000 generated services (`manage.py bench
   --prepare-only`, which does nothing it has already done, then VACUUM ANALYZE), and the Worcestershire demo.
2. Runs `collectstatic` with production settings (hashed, compressed names for whitenoise).
3. Starts gunicorn with production settings (DJANGO_ENV=production, a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
   SECURE_SSL_REDIRECT off because it is plain HTTP on this machine, HASHED_STATIC on) on a free local port:
   --workers processes of --threads threads (gthread). `--no-page-cache` serves with the public pages' cache off.
4. Drives it with wrk (Debian's `wrk` package), one kind of page at a time, each for --seconds after --warmup
   seconds unmeasured, --connections keep-alive connections in a closed loop (each asks again as soon as it has its
   answer), so each kind's requests a second is what the machine can serve of that page alone:
     - the trivial page, the accessibility statement (the site's layout, no query of its own), first and last;
     - the home page;
     - search, a different real postcode each time, drawn at random from all of Great Britain;
     - search with words, each from a different postcode too;
     - service pages, across every published service, in random order;
     - and, labelled as an extra, the same 20 searches again and again (searches from a postcode, which the page
       cache no longer keeps: ADR 14).
   Every list is walked in order and never repeats a URL until it runs out (the report says if one did); the
   warm-up walks its own list. Half of wrk's connections carry the session of a visitor with a 3-service shortlist.
5. Reports, per kind: requests a second, p50 / p95 / p99 latency, errors, its rate as a share of the trivial
   page's, how many pages came from the public pages' cache, and the CPU used by the app, PostgreSQL and wrk.

Why wrk: it is an established load generator, written in C, that drives thousands of requests a second from one
core with a few per cent of it; on this 2-core machine the generator shares the cores with gunicorn and PostgreSQL,
so a generator in Python (ours, or Locust) would take a good part of what it measures. A small Lua script
(benchmarks/wrk/paths.lua) feeds it the URLs.

With --outage N (embedded PostgreSQL only, or any local one whose socket directory is its data directory), it runs
a mix of pages instead (home, varied searches, service pages, the shortlist, the trivial pages) with our own
client (benchmarks/client.py), stops PostgreSQL (`pg_ctl stop -m fast`) --outage-at seconds into the measured run,
starts it again N seconds later, and reports what the visitors got meanwhile: how many 503 pages, how long they
took, whether anything hung, what /healthz said, how soon pages worked again (the app is not restarted), and what
happened to a form posted during the outage (the 503 page's "Try again" form posts it again once the database is
back). That needs every request's time and status and a form posted by hand, which wrk does not give. It stops the
database that everything on this machine shares: run it only when nothing else is using it.

LOADTEST_SECONDS and LOADTEST_CONCURRENCY in the environment change the defaults (30 s a kind, 20 connections).
The searches it makes are recorded like anyone's (directory.search_log); it deletes those records afterwards.
"""

import http.client
import json
import math
import os
import pwd
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode

import psutil
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks.common import percentile
from benchmarks.scale import SCALE_COUNCIL_NAME
from benchmarks.traffic import random_postcodes, searches, service_paths
from directory.models import SearchRecord
from enterprises.models import Enterprise, Postcode, Service

WRK_SCRIPT = Path(__file__).resolve().parents[2] / "wrk" / "paths.lua"

TRIVIAL = "trivial page (/accessibility/)"
REPEATED = "extra: the same 20 searches again and again"

# Distinct searches drawn for each kind: more than the fastest search page serves in a run, so none repeats.
SEARCHES_PER_KIND = 40_000
WARMUP_PATHS = 4_000

# The mix of pages in the --outage run (benchmarks/client.py): how often each kind is asked for.
OUTAGE_WEIGHTS = {
    "home": 15,
    "results": 45,
    "service": 25,
    "shortlist": 10,
    "healthz (trivial)": 2.5,
    "accessibility (trivial)": 2.5,
}


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn and production settings and drive it with wrk, one kind of page at a time "
        "(varied searches, service pages, home, the trivial page): requests a second, latency, share of the trivial "
        "page's rate. --outage N stops PostgreSQL meanwhile instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=float(os.environ.get("LOADTEST_SECONDS", 30)),
                            help="Measured seconds for each kind of page (30; LOADTEST_SECONDS).")
        parser.add_argument("--connections", "--concurrency", dest="connections", type=int,
                            default=int(os.environ.get("LOADTEST_CONCURRENCY", 20)),
                            help="Keep-alive connections (20; LOADTEST_CONCURRENCY).")
        parser.add_argument("--warmup", type=float, default=5, help="Unmeasured seconds before each kind (5).")
        parser.add_argument("--wrk-threads", type=int, default=2, help="wrk's threads (2: one a core).")
        # 4 × 4 on 2 cores: two processes a core, so that a request waiting for Python's lock in one process does
        # not hold up the core, and four threads each to overlap database waits.
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (4).")
        parser.add_argument("--threads", type=int, default=4, help="Threads per worker (4).")
        # gthread workers accept connections greedily, so with keep-alive clients one worker can hold twice the
        # connections of another, and requests on it wait twice as long: capping each worker's share at a little
        # over its fair share keeps them even.
        parser.add_argument("--worker-connections", type=int, default=None,
                            help="gunicorn's cap on each worker's open connections (default: 1.2 × connections ÷ "
                                 "workers, rounded up).")
        parser.add_argument("--services", type=int, default=100_000, help="Generated services to have (100000).")
        parser.add_argument("--only", nargs="+", metavar="KIND",
                            help="Only these kinds (trivial, home, search, words, service, repeated).")
        parser.add_argument("--no-page-cache", action="store_true",
                            help="Serve with the public pages' cache off (PUBLIC_PAGE_CACHE_SECONDS=0), to compare.")
        parser.add_argument("--skip-setup", action="store_true", help="Do not check the data or run collectstatic.")
        parser.add_argument("--json", dest="json_out", help="Also write the full result as JSON to this file.")
        parser.add_argument("--outage", type=float, default=0, help="Stop PostgreSQL for this many seconds.")
        parser.add_argument("--outage-at", type=float, default=None,
                            help="When, in seconds into the measured run (default: a third of the way).")

    def handle(self, *args, **options):
        started = time.perf_counter()
        postgres = None
        if options["outage"]:
            postgres = LocalPostgres.for_database(settings.DATABASES["default"])
            if postgres is None:
                raise CommandError("--outage needs a PostgreSQL on this machine whose data directory is its socket "
                                   "directory (the embedded one, with DATABASE_URL unset).")
        elif shutil.which("wrk") is None:
            raise CommandError("wrk is not installed: apt-get install wrk (Debian's package).")
        if not options["skip_setup"]:
            self.prepare(options["services"])
        work = Path(tempfile.mkdtemp(prefix="loadtest-"))
        self.stdout.write("Drawing the pages to ask for (random real postcodes from all of GB, every service)…")
        kinds = self.kinds(work, options["only"]) if not options["outage"] else None
        mixed = self.mixed_plan(work) if options["outage"] else None
        search_records_before = SearchRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        cache.clear()  # every run starts with no page in the public pages' cache (directory/page_cache.py)
        connection.close()  # hold no connection of ours while PostgreSQL is stopped and started

        port = free_port()
        options["worker_connections"] = options["worker_connections"] or math.ceil(
            1.2 * options["connections"] / options["workers"]
        )
        app = App(port, options["workers"], options["threads"], work, page_cache=not options["no_page_cache"],
                  worker_connections=options["worker_connections"])
        sampler = Sampler(app, postgres or LocalPostgres.for_database(settings.DATABASES["default"]))
        try:
            self.stdout.write(f"Starting gunicorn on 127.0.0.1:{port}: {options['workers']} workers × "
                              f"{options['threads']} threads (gthread), at most {options['worker_connections']} "
                              f"connections each, production settings, public pages' cache "
                              f"{'off' if options['no_page_cache'] else 'on'}…")
            app.start()
            sampler.start()
            if options["outage"]:
                result = self.drive_mixed(app, port, work, options, postgres, mixed)
            else:
                result = {"phases": self.drive_phases(app, port, work, options, kinds, sampler)}
        finally:
            try:
                sampler.stop()
            finally:
                try:
                    app.stop()
                finally:
                    if postgres is not None and not postgres.is_running():
                        postgres.start()
        deleted, _ = SearchRecord.objects.filter(pk__gt=search_records_before).delete()
        if options["outage"]:
            result["server"] = sampler.summary(result["started_wall"], result["seconds"])
            result["request_log"] = app.request_log_summary()
            self.report_mixed(result, options, mixed, deleted)
        else:
            self.report_phases(result["phases"], options, deleted)
        if options["json_out"]:
            Path(options["json_out"]).write_text(json.dumps(result, indent=1))
        self.stdout.write(f"\nLoad test took {time.perf_counter() - started:.0f} s in all; its files are in {work}.")

    # Set-up -------------------------------------------------------------------------------------------------------

    def prepare(self, services: int):
        step = time.perf_counter()
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        self.stdout.write("Making sure every GB postcode and the generated services are there (manage.py bench "
                          "--prepare-only)…")
        subprocess.run([*manage, "migrate", "--no-input", "--verbosity=0"], check=True)
        subprocess.run([*manage, "bench", "--prepare-only", f"--services={services}"], check=True)
        if not Enterprise.objects.exclude(council__name=SCALE_COUNCIL_NAME).exists():
            self.stdout.write("Adding the Worcestershire demo…")
            call_command("seed_demo", stdout=self.stdout._out)
        self.stdout.write("collectstatic with production settings…")
        collect_static_for_production()
        self.stdout.write(f"  set-up done in {time.perf_counter() - step:.1f} s")

    def kinds(self, work: Path, only: list[str] | None, per_kind: int = SEARCHES_PER_KIND,
              warmup_paths: int = WARMUP_PATHS) -> list[dict]:
        """Each kind of page with the file of paths it walks and the file its warm-up walks: the same every run (a
        fixed seed), so that two runs, before and after a change, ask for the same pages."""
        if not Postcode.objects.exists():
            raise CommandError("No postcodes: run manage.py import_postcodes --all (or make loadtest) first.")
        wanted = set(only or ["trivial", "home", "search", "words", "service", "repeated"])
        drawn = per_kind + warmup_paths
        postcodes = random_postcodes(2 * drawn)
        by_postcode = searches("postcode", postcodes[:drawn])
        with_words = searches("words", postcodes[drawn:])
        services = service_paths()
        split = min(warmup_paths, len(services) // 2)
        repeated = (by_postcode[-10:] + with_words[-10:])
        chosen = [
            ("trivial", TRIVIAL, ["/accessibility/"], ["/accessibility/"]),
            ("home", "home page", ["/"], ["/"]),
            ("search", "search, a different postcode each time", by_postcode[warmup_paths:],
             by_postcode[:warmup_paths]),
            ("words", "search with words, each from a different postcode", with_words[warmup_paths:],
             with_words[:warmup_paths]),
            ("service", "service page, across all services", services[split:], services[:split]),
            ("repeated", REPEATED, repeated, repeated),
        ]
        kinds = []
        for key, label, paths, warmup in chosen:
            if key not in wanted:
                continue
            path_file, warmup_file = work / f"{key}.txt", work / f"{key}-warmup.txt"
            path_file.write_text("\n".join(paths) + "\n")
            warmup_file.write_text("\n".join(warmup) + "\n")
            kinds.append({"key": key, "name": label, "paths": str(path_file), "warmup": str(warmup_file),
                          "distinct": len(set(paths))})
        if "trivial" in wanted and len(kinds) > 1:
            # Measured first and last: the two say how much the machine drifted meanwhile.
            kinds.append({**kinds[0], "name": f"{TRIVIAL}, again at the end"})
        return kinds

    # The run ------------------------------------------------------------------------------------------------------

    def drive_phases(self, app, port, work, options, kinds, sampler) -> list[dict]:
        url = f"http://127.0.0.1:{port}"
        cookie = shortlist_session(port)
        phases = []
        for kind in kinds:
            self.stdout.write(f"  {kind['name']}: {options['warmup']:g} s warm-up, {options['seconds']:g} s measured…")
            if options["warmup"] > 0:
                run_wrk(url, kind["warmup"], options["warmup"], options, cookie)
            log_from = app.log_size()
            began = time.monotonic()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            found = run_wrk(url, kind["paths"], options["seconds"], options, cookie)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            wrk_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            found.update(
                name=kind["name"],
                key=kind["key"],
                distinct=kind["distinct"],
                rps=found["requests"] / found["seconds"],
                server=sampler.summary(began, found["seconds"], clock="monotonic"),
                wrk_cpu_percent=round(wrk_cpu / found["seconds"] * 100),
                page_cache=app.request_log_summary(log_from)["page_cache"],
            )
            phases.append(found)
        return phases

    # The report ---------------------------------------------------------------------------------------------------

    def report_phases(self, phases, options, deleted_searches):
        write = self.stdout.write
        write("")
        write(f"Load test: wrk, {options['connections']} keep-alive connections in a closed loop over "
              f"{options['wrk_threads']} threads (half of them with the session of a visitor with a 3-service "
              f"shortlist), one kind of page at a time, {options['seconds']:g} s each after {options['warmup']:g} s "
              f"of warm-up; gunicorn {options['workers']} workers × {options['threads']} threads (gthread), at most "
              f"{options['worker_connections']} connections a worker, DJANGO_ENV=production, DEBUG off, persistent "
              f"database connections (CONN_MAX_AGE {production_conn_max_age()} s), public pages' cache "
              f"{'OFF (--no-page-cache)' if options['no_page_cache'] else 'on (emptied at the start)'}. "
              f"Data: {Service.objects.published().count():,} published services, {Postcode.objects.count():,} "
              "postcodes. App, PostgreSQL and wrk share this machine's "
              f"{os.cpu_count()} cores.")
        write("")
        trivial = [phase["rps"] for phase in phases if phase["key"] == "trivial"]
        trivial_rps = sum(trivial) / len(trivial) if trivial else None
        header = (f"{'page':<52} {'req/s':>7} {'share':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
                  f"{'cached':>7} {'app':>5} {'PG':>5} {'wrk':>4} {'app ms':>7} {'PG ms':>6}")
        write(header)
        write("-" * len(header))
        for phase in phases:
            latency = phase["latency_us"]
            errors = sum(phase["errors"].values())
            share = f"{phase['rps'] / trivial_rps:.1%}" if trivial_rps else "–"
            hits = sum(page["hit"] for page in phase["page_cache"].values())
            total = hits + sum(page["miss"] for page in phase["page_cache"].values())
            cached = f"{hits / total:.0%}" if total else "–"
            server = phase["server"]
            write(f"{phase['name']:<52} {phase['rps']:>7.1f} {share:>6} {latency['p50'] / 1000:>7.1f} "
                  f"{latency['p95'] / 1000:>7.1f} {latency['p99'] / 1000:>7.1f} {errors:>6,} {cached:>7} "
                  f"{pct(server['app_cpu_percent'])} {pct(server['postgres_cpu_percent'])} "
                  f"{phase['wrk_cpu_percent']:>3}% {per_request(server['app_cpu_percent'], phase['rps'])} "
                  f"{per_request(server['postgres_cpu_percent'], phase['rps'], 6)}")
        write("")
        if trivial_rps:
            write(f"share = requests a second as a share of the trivial page's ({trivial_rps:,.1f}/s, the mean of its "
                  f"two runs: {', '.join(f'{rate:,.1f}' for rate in trivial)}). cached = pages from the public pages' "
                  "cache. app, PG, wrk = CPU of gunicorn's processes, PostgreSQL's and wrk's (200% = both cores); "
                  "app ms, PG ms = their CPU time per request, which is what sizes servers (docs/scaling.md).")
        repeated = [phase["name"] for phase in phases if phase["requests"] > phase["distinct"] > 1
                    and phase["key"] != "repeated"]
        if repeated:
            write(f"Ran out of distinct URLs and repeated some: {', '.join(repeated)}.")
        errors = [phase["name"] for phase in phases if sum(phase["errors"].values())]
        if errors:
            write(f"Errors (a status outside 2xx–3xx, a timeout or a broken connection) in: {', '.join(errors)}; "
                  "see the JSON (--json) and the app's log in the run's folder.")
        write(f"Deleted the {deleted_searches:,} search records the run made.")

    # The outage run (our own client, a mix of pages) ---------------------------------------------------------------

    def mixed_plan(self, work: Path) -> dict:
        postcodes = random_postcodes(20_000)
        services = service_paths()
        demo = Service.objects.published().exclude(enterprise__council__name=SCALE_COUNCIL_NAME)
        paths = {
            "home": ["/"],
            "results": searches("postcode", postcodes[:10_000]) + searches("words", postcodes[10_000:]),
            "service": services,
            "shortlist": ["/shortlist/"],
            "healthz (trivial)": ["/healthz"],
            "accessibility (trivial)": ["/accessibility/"],
        }
        plan = {
            "kinds": [
                {"name": name, "weight": weight, "paths": paths[name]} for name, weight in OUTAGE_WEIGHTS.items()
            ],
            "shortlist_services": list(demo.values_list("pk", flat=True)[:200]),
        }
        (work / "plan.json").write_text(json.dumps(plan))
        return plan

    def drive_mixed(self, app, port, work, options, postgres, plan):
        seconds, concurrency = options["seconds"], options["connections"]
        out = work / "result.json"
        command = [sys.executable, "-m", "benchmarks.client", "--port", str(port), "--plan", str(work / "plan.json"),
                   "--seconds", str(seconds), "--warmup", str(options["warmup"]),
                   "--concurrency", str(concurrency), "--out", str(out), "--raw"]
        self.stdout.write(f"Load: {concurrency} keep-alive connections of a mix of pages for {options['warmup']:g} s "
                          f"of warm-up, then {seconds:g} s measured (benchmarks/client.py, its own process)…")
        client = subprocess.Popen(command, cwd=settings.BASE_DIR, stderr=subprocess.PIPE, text=True)
        measuring = threading.Event()

        def read_stderr():
            for line in client.stderr:
                if line.startswith("MEASURING"):
                    measuring.set()
                else:
                    sys.stderr.write(line)

        reader = threading.Thread(target=read_stderr, daemon=True)
        reader.start()
        while not measuring.wait(1):
            if client.poll() is not None:
                break
        at = options["outage_at"] if options["outage_at"] is not None else seconds / 3
        time.sleep(at)
        outage = Outage(postgres, port, options["outage"]).run()
        if client.wait() != 0:
            raise CommandError("The load generator failed (its messages are above).")
        reader.join(5)
        result = json.loads(out.read_text())
        outage.update(analyse_outage(result.pop("samples"), result["started_wall"], outage))
        result["outage"] = outage
        return result

    def report_mixed(self, result, options, plan, deleted_searches):
        write = self.stdout.write
        server = result["server"]
        write("")
        write(f"Outage run: {result['concurrency']} keep-alive connections (benchmarks/client.py), a mix of pages "
              f"(home {OUTAGE_WEIGHTS['home']}%, varied searches {OUTAGE_WEIGHTS['results']}%, service pages "
              f"{OUTAGE_WEIGHTS['service']}%, shortlist {OUTAGE_WEIGHTS['shortlist']}%, trivial pages 5%), "
              f"{result['seconds']:g} s measured after {result['warmup_seconds']:g} s of warm-up; half the visitors "
              "have a session with a 3-service shortlist.")
        write("")
        header = f"{'page':<26} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} " \
                 f"{'max ms':>7} {'errors':>7}"
        write(header)
        write("-" * len(header))
        for name, row in [*result["kinds"].items(), ("all", result["all"])]:
            write(f"{name:<26} {row['requests']:>9,} {row['rps']:>7.1f} {fmt(row['p50_ms'])} {fmt(row['p95_ms'])} "
                  f"{fmt(row['p99_ms'])} {fmt(row['max_ms'])} {row['errors']:>7,}")
        write("")
        write(f"Statuses: {result['all']['statuses']}; reconnections after the server closed an idle keep-alive "
              f"connection: {result['reconnects']}.")
        if result.get("error_examples"):
            write(f"Errors without an answer: {result['error_examples']}")
        write(f"CPU over the measured run (of 2 cores = 200 %): app (gunicorn) {server['app_cpu_percent']} %, "
              f"PostgreSQL {server['postgres_cpu_percent']} %, load generator "
              f"{result['client_cpu_share_of_one_core'] * 100:.0f} % of one core; "
              f"machine {server['machine_cpu_percent']} %. Load average at the end: {server['loadavg']}.")
        write(f"Request log: {result['request_log']['lines']:,} JSON lines from the app "
              f"({result['request_log']['unparseable']} not JSON).")
        write(f"Deleted the {deleted_searches:,} search records the run made.")
        self.report_outage(result["outage"])

    def report_outage(self, outage):
        write = self.stdout.write
        write("")
        write(f"Database outage: PostgreSQL stopped at {outage['stop_at']:.1f} s into the run (pg_ctl stop -m fast "
              f"took {outage['stop_seconds']:.1f} s), started again at {outage['start_at']:.1f} s (ready after "
              f"{outage['start_seconds']:.1f} s): {outage['down_seconds']:.1f} s without a database.")
        during = outage["during"]
        write(f"  While it was down: {during['requests']:,} requests, statuses {during['statuses']}; "
              f"p50 {during['p50_ms']} ms, p99 {during['p99_ms']} ms, slowest {during['max_ms']} ms.")
        write(f"  A page that needs the database, asked by a visitor with a session: {outage['page_check']}.")
        write(f"  /healthz during the outage: {outage['healthz_during']}; after: {outage['healthz_after']}.")
        write(f"  A form posted during the outage (Add to shortlist): {outage['post_during']}; "
              f"its \"Try again\" form once the database was back: {outage['post_again']}.")
        after = outage["after"]
        write(f"  While it was down, by page: {outage['during_by_kind']}.")
        write(f"  After the restart (the app was not restarted): the first page that needs the database answered 200 "
              f"{outage['first_ok_after_start']} s after PostgreSQL was ready; of the {after['requests']:,} requests "
              f"after that, {after['errors']} failed.")


# Driving it with wrk ----------------------------------------------------------------------------------------------


def run_wrk(url: str, paths_file: str, seconds: float, options: dict, cookie: str) -> dict:
    """One wrk run over a file of paths; its summary (benchmarks/wrk/paths.lua prints it as one JSON line)."""
    threads = options["wrk_threads"]
    command = ["wrk", f"-t{threads}", f"-c{max(options['connections'], threads)}", f"-d{max(1, round(seconds))}s",
               "--timeout", "10s", "-s", str(WRK_SCRIPT), url, "--", paths_file, str(threads), cookie]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("WRK-JSON "):
            return json.loads(line.removeprefix("WRK-JSON "))
    raise CommandError(f"wrk gave no summary (exit {done.returncode}): {done.stdout[-500:]} {done.stderr[-500:]}")


def shortlist_session(port: int, how_many: int = 3) -> str:
    """The Cookie header of a visitor who has put a few services on a shortlist, the way a person does: a service
    page (for the CSRF cookie and the form's token), then "Add to shortlist"."""
    cookies = {}
    ids = list(Service.objects.published().order_by("pk").values_list("pk", flat=True)[:how_many])
    connection.close()
    for pk in ids:
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        status, headers, body = get(port, f"/services/{pk}/", headers={"Cookie": header} if header else None,
                                     every_header=True)
        cookies.update(set_cookies(headers))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or token is None:
            continue
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        _, headers, _ = get(port, f"/shortlist/add/{pk}/", method="POST",
                            body=urlencode({"csrfmiddlewaretoken": token.group(1).decode()}),
                            headers={"Cookie": header, "Content-Type": "application/x-www-form-urlencoded"},
                            every_header=True)
        cookies.update(set_cookies(headers))
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def set_cookies(headers) -> dict:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";")[0]
            key, _, cookie = pair.partition("=")
            found[key.strip()] = cookie
    return found


def per_request(percent, rps: float, width: int = 7) -> str:
    """CPU milliseconds per request, from a share of a core (100 = one core) and requests a second."""
    return f"{percent * 10 / rps:>{width}.1f}" if isinstance(percent, int) and rps else f"{'–':>{width}}"


def pct(value):
    return f"{value:>4}%" if isinstance(value, int) else f"{'–':>5}"


# Running the app ------------------------------------------------------------------------------------------------------


def production_environment() -> dict:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on this machine
        "HASHED_STATIC": "true",
        "DEBUG": "false",
    }


def collect_static_for_production() -> None:
    """collectstatic as production runs it: the hashed, compressed names that whitenoise serves."""
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    subprocess.run([sys.executable, manage, "collectstatic", "--no-input", "--verbosity=0"], check=True,
                   env=production_environment())


def production_conn_max_age():
    return os.environ.get("CONN_MAX_AGE", "60")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class App:
    """gunicorn serving config.wsgi with production settings, its request log in a file."""

    def __init__(self, port, workers, threads, work: Path, *, page_cache: bool = True, worker_connections: int = 1000):
        self.port, self.workers, self.threads, self.work = port, workers, threads, work
        self.page_cache, self.worker_connections = page_cache, worker_connections
        self.process = None
        self.log_path = work / "app.log"
        self.error_log_path = work / "gunicorn.log"

    def start(self, timeout=60):
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--worker-class", "gthread", "--workers", str(self.workers), "--threads", str(self.threads),
            "--worker-connections", str(self.worker_connections),
            "--keep-alive", "5", "--timeout", "30", "--graceful-timeout", "10",
            "--error-logfile", str(self.error_log_path), "--no-control-socket",
        ]
        self.log = open(self.log_path, "w")
        environment = production_environment()
        if not self.page_cache:
            environment["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
        self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"gunicorn stopped: see {self.error_log_path}")
            status, _, body = get(self.port, "/healthz")
            if status == 200:
                return
            if status == 503 and b'"database": "ok"' in body:
                print(f"Warning: /healthz says {body.decode()}: run manage.py migrate (or make loadtest).",
                      file=sys.stderr)
                return
            time.sleep(0.5)
        raise CommandError(f"gunicorn did not answer /healthz within {timeout} s: see {self.error_log_path}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self.log.close()

    def processes(self):
        try:
            master = psutil.Process(self.process.pid)
            return [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def log_size(self) -> int:
        self.log.flush()
        return self.log_path.stat().st_size

    def request_log_summary(self, offset: int = 0) -> dict:
        """How many lines the request log has from `offset` on, whether each is JSON, and how many public pages came
        from the page cache ("hit") or were rendered ("miss"), by page."""
        lines = unparseable = 0
        page_cache = {}
        with open(self.log_path) as file:
            file.seek(offset)
            for line in file:
                if '"request_id"' not in line:
                    continue
                lines += 1
                try:
                    entry = json.loads(line)
                except ValueError:
                    unparseable += 1
                    continue
                if entry.get("page_cache"):
                    page = entry["path"].strip("/").split("/")[0] or "home"
                    counts = page_cache.setdefault(page, {"hit": 0, "miss": 0})
                    counts[entry["page_cache"]] += 1
        return {"lines": lines, "unparseable": unparseable, "page_cache": page_cache}


def get(port, path, *, method="GET", body=None, headers=None, timeout=10, every_header=False):
    """(status, headers, body) of one request on a new connection; (0, {}, error text) when there is no answer.
    The headers are a dict, or with `every_header` a list of (name, value), which keeps every Set-Cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        found = response.getheaders()
        return response.status, found if every_header else dict(found), response.read()
    except OSError as error:
        return 0, {}, str(error).encode()
    finally:
        conn.close()


# Measuring CPU --------------------------------------------------------------------------------------------------------


class CPUSample(NamedTuple):
    """CPU seconds used so far (app, PostgreSQL, the whole machine) at one moment, on both clocks."""

    wall: float
    monotonic: float
    app: float
    postgres: float | None
    machine: float
    loadavg: tuple[float, float, float]


def started_ticks(pid: int) -> int:
    """When a process started, in clock ticks since the machine booted. Not psutil's create_time(): that adds the boot
    time as the clock now gives it, so a clock adjustment during a run made one process look like two, and counted
    its CPU time twice."""
    return int(Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[19])


class Sampler:
    """Every second: the CPU time used so far by the app's processes, by PostgreSQL's, and by the whole machine."""

    def __init__(self, app: App, postgres):
        self.app, self.postgres = app, postgres
        self.samples = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.cpu_cache = {}

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(5)

    def run(self):
        while not self.stopping.is_set():
            machine = psutil.cpu_times()
            wall, monotonic = time.time(), time.monotonic()
            self.samples.append(CPUSample(wall, monotonic, self.cpu("app", self.app.processes()),
                                          self.cpu("postgres", self.postgres.processes()) if self.postgres else None,
                                          machine.user + machine.system + machine.nice, os.getloadavg()))
            self.stopping.wait(1)

    def cpu(self, group, processes):
        """CPU seconds of this group's processes, counting those that have ended since they were last seen."""
        seen = self.cpu_cache.setdefault(group, {})
        for process in processes:
            try:
                times = process.cpu_times()
                seen[process.pid, started_ticks(process.pid)] = times.user + times.system
            except (psutil.NoSuchProcess, OSError):
                pass
        return sum(seen.values())

    def summary(self, started, seconds, *, clock="wall"):
        """CPU use from `started` for `seconds`, on the `clock` ("wall", for a start another process gave, or
        "monotonic", which a correction of the machine's clock does not move)."""
        window = [s for s in self.samples if started <= getattr(s, clock) <= started + seconds + 0.5]
        if len(window) < 2:
            return {"app_cpu_percent": None, "postgres_cpu_percent": None, "machine_cpu_percent": None,
                    "loadavg": None}
        first, last = window[0], window[-1]
        span = last.monotonic - first.monotonic
        app_cpu = (last.app - first.app) / span * 100
        pg_cpu = (last.postgres - first.postgres) / span * 100 if first.postgres is not None else None
        machine = (last.machine - first.machine) / span * 100
        return {
            "app_cpu_percent": round(app_cpu),
            "postgres_cpu_percent": round(pg_cpu) if pg_cpu is not None else "not measured",
            "machine_cpu_percent": round(machine),
            "loadavg": " ".join(f"{value:.2f}" for value in last.loadavg),
        }


# Stopping and starting PostgreSQL ---------------------------------------------------------------------------------


class LocalPostgres:
    """A PostgreSQL on this machine whose data directory is also its socket directory, as pgserver runs it
    (config/embedded_db.py): stopped and started with the pg_ctl that pgserver ships, as the user that owns the
    data directory (pgserver runs PostgreSQL as its own user when we are root)."""

    def __init__(self, pgdata: Path):
        self.pgdata = pgdata
        owner = pwd.getpwuid(pgdata.stat().st_uid).pw_name
        self.user = owner if os.geteuid() == 0 and owner != "root" else None
        self.socket_options = None

    @classmethod
    def for_database(cls, database: dict):
        host = database.get("HOST") or database.get("OPTIONS", {}).get("host") or ""
        if host.startswith("/") and (Path(host) / "PG_VERSION").exists():
            return cls(Path(host))
        return None

    def pg_ctl(self, *args, timeout=60):
        from pgserver._commands import POSTGRES_BIN_PATH

        # Output to a file, not a pipe: the server that `start` leaves running would hold a pipe open.
        with tempfile.TemporaryFile("w+") as output:
            return subprocess.run([str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.pgdata), *args],
                                  stdout=output, stderr=output, user=self.user, timeout=timeout)

    def postmaster(self) -> list[str] | None:
        try:
            return (self.pgdata / "postmaster.pid").read_text().splitlines()
        except FileNotFoundError:
            return None

    def is_running(self) -> bool:
        return self.pg_ctl("status").returncode == 0

    def processes(self):
        lines = self.postmaster()
        try:
            master = psutil.Process(int(lines[0]))
            return [master, *master.children()]
        except (TypeError, ValueError, IndexError, psutil.NoSuchProcess):
            return []

    def stop(self):
        lines = self.postmaster()
        if lines and len(lines) >= 6:
            self.socket_options = {"port": lines[3], "socket_dir": lines[4], "listen": lines[5]}
        if self.pg_ctl("stop", "-m", "fast", "-w").returncode != 0 and self.is_running():
            if self.pg_ctl("stop", "-m", "immediate", "-w").returncode != 0 and self.is_running():
                raise CommandError(f"pg_ctl stop failed for {self.pgdata}: see {self.pgdata / 'log'}")

    def start(self):
        options = self.socket_options or {"port": "5432", "socket_dir": str(self.pgdata), "listen": ""}
        done = self.pg_ctl(
            "-w", "-t", "60", "-l", str(self.pgdata / "log"),
            "-o", f'-h "{options["listen"]}"', "-o", f"-k {options['socket_dir']}", "-o", f"-p {options['port']}",
            "start",
        )
        if done.returncode != 0 and not self.is_running():
            raise CommandError(f"pg_ctl start failed for {self.pgdata}: see {self.pgdata / 'log'}")


class Outage:
    """Stops PostgreSQL, probes the app while it is down, starts it again, and probes the app's recovery."""

    def __init__(self, postgres: LocalPostgres, port: int, seconds: float):
        self.postgres, self.port, self.seconds = postgres, port, seconds

    def run(self) -> dict:
        found = {}
        # A visitor who has a service page open, with its CSRF cookie and token, posts "Add to shortlist" during
        # the outage.
        form = self.open_form()
        found["stop_called"] = time.time()
        self.postgres.stop()
        found["stopped"] = time.time()
        try:
            time.sleep(0.3)
            found["healthz_during"] = self.healthz()
            found["post_during"], repost = self.post_during(form)
            found["page_check"] = self.page_check()
            time.sleep(max(0.0, found["stopped"] + self.seconds - time.time()))
        finally:
            found["start_called"] = time.time()
            self.postgres.start()
            found["started"] = time.time()
        found["post_again"] = self.post_again(repost)
        found["healthz_after"] = self.healthz()
        return found

    def open_form(self):
        status, headers, body = get(self.port, "/services/" + self.some_service() + "/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        action = re.search(rb'action="(/shortlist/add/\d+/)"', body)
        cookie = headers.get("Set-Cookie", "").split(";")[0]
        return {"token": token.group(1).decode() if token else "", "action": action.group(1).decode() if action
                else "", "cookie": cookie}

    def some_service(self) -> str:
        status, _, body = get(self.port, "/search/?q=club")
        found = re.search(rb'href="/services/(\d+)/"', body)
        return found.group(1).decode() if found else "1"

    def healthz(self) -> str:
        began = time.perf_counter()
        status, _, body = get(self.port, "/healthz")
        return f"{status} {body.decode(errors='replace')} in {(time.perf_counter() - began) * 1000:.0f} ms"

    def post_during(self, form):
        body = urlencode({"csrfmiddlewaretoken": form["token"], "next": "/shortlist/"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": form["cookie"]}
        began = time.perf_counter()
        status, _, page = get(self.port, form["action"], method="POST", body=body, headers=headers)
        took = (time.perf_counter() - began) * 1000
        text = page.decode(errors="replace")
        fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', text)
        told = "We could not save what you sent" in text
        again = re.search(r'<form method="post" action="([^"]+)"', text)
        token = "same CSRF token" if ("csrfmiddlewaretoken", form["token"]) in fields else "CSRF token missing"
        summary = (f"{status} in {took:.0f} ms, {'says' if told else 'does NOT say'} “We could not save what you "
                   f"sent”, with a Try again form of {len(fields)} hidden fields ({token})")
        return summary, {"action": again.group(1) if again else form["action"], "fields": fields,
                         "cookie": form["cookie"]}

    def post_again(self, repost) -> str:
        import html

        body = urlencode([(html.unescape(name), html.unescape(value)) for name, value in repost["fields"]])
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": repost["cookie"]}
        for attempt in range(10):
            status, response_headers, _ = get(self.port, html.unescape(repost["action"]), method="POST", body=body,
                                              headers=headers)
            if status != 503:
                break
            time.sleep(0.5)
        location = response_headers.get("Location", "")
        return f"{status}{f' to {location}' if location else ''}" + (" (saved)" if status == 302 else "")

    def page_check(self) -> str:
        status, headers, body = get(self.port, "/search/?postcode=WR1+2EY",
                                    headers={"Cookie": "sessionid=not-a-real-session"})
        text = body.decode(errors="replace")
        return (f"GET /search/ {status}, Retry-After {headers.get('Retry-After')}, "
                f"{'a traceback!' if 'Traceback' in text else 'no traceback'}, "
                f"{'the friendly page' if 'Sorry, the service is unavailable' in text else 'NOT the friendly page'}")


def analyse_outage(samples, started_wall, outage) -> dict:
    """What the load generator's visitors saw during and after the outage (samples: kind, t, latency s, status)."""
    stop_at = outage["stop_called"] - started_wall
    stopped_at = outage["stopped"] - started_wall
    start_at = outage["start_called"] - started_wall
    ready_at = outage["started"] - started_wall

    def stats(chunk):
        latencies = sorted(s[2] * 1000 for s in chunk)
        statuses = {}
        for s in chunk:
            statuses[str(s[3])] = statuses.get(str(s[3]), 0) + 1

        def pct(p):
            return round(percentile(latencies, p)) if latencies else None

        return {"requests": len(chunk), "statuses": dict(sorted(statuses.items())), "p50_ms": pct(50),
                "p99_ms": pct(99), "max_ms": pct(100)}

    during = [s for s in samples if stopped_at <= s[1] and s[1] + s[2] <= start_at]
    after = [s for s in samples if s[1] >= ready_at]
    needs_db = {"results", "service", "shortlist", "healthz (trivial)"}
    ok_after = sorted(s[1] + s[2] for s in after if s[0] in needs_db and 200 <= s[3] < 400)
    first_ok = round(ok_after[0] - ready_at, 2) if ok_after else None
    bad_after = sorted(s[1] for s in after if not 200 <= s[3] < 400)
    return {
        "stop_at": stop_at, "stop_seconds": stopped_at - stop_at, "start_at": start_at,
        "start_seconds": ready_at - start_at, "down_seconds": ready_at - stop_at,
        "during": stats(during),
        "around": stats([s for s in samples if stop_at - 1 <= s[1] <= ready_at + 1]),
        "after": {"requests": len(after), "errors": len(bad_after),
                  "last_error_after_ready_s": round(bad_after[-1] - ready_at, 2) if bad_after else None},
        "during_by_kind": {kind: stats([s for s in during if s[0] == kind])["statuses"]
                           for kind in sorted({s[0] for s in during})},
        "first_ok_after_start": first_ok,
    }


def fmt(value):
    return f"{value:>7.1f}" if value is not None else f"{'–':>7}"
