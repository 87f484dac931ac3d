"""manage.py lighthouse (`make lighthouse`): Lighthouse's mobile performance score for the home page, a results page
and a service page, served as production serves them.

1. Runs `collectstatic` with production settings (hashed names and gzip copies for whitenoise), unless
   --skip-collectstatic.
2. Starts gunicorn with production settings on a free local port (loadtest's `App`: DJANGO_ENV=production,
   HASHED_STATIC on, plain HTTP, 2 workers of 2 threads), and asks for each page a few times first, so that no
   measurement pays for a cold worker (and the public pages' cache holds the home and service pages, as it would).
3. Runs Lighthouse (the `lighthouse` npm package, pinned, through `npx --yes`: not a project dependency) on each page
   in turn, never two at once, with its default mobile settings (a mid-range phone, simulated slow 4G and a 4× slower
   CPU), in Debian's chromium (CHROME_PATH, or `chromium` on the PATH), headless, with every host name but
   localhost and 127.0.0.1 unresolvable, so nothing is fetched from the internet.
4. Prints each page's performance score and main metrics (FCP, LCP, TBT, CLS, Speed Index, bytes transferred) and
   the audits Lighthouse marks as failed; with --runs N, the run with the median score of N. The full reports (JSON
   and HTML) stay in the work directory it names.

It uses whatever database the settings point to (the demo data: `make run`'s set-up) and changes nothing in it but
the search records its results page adds, which it deletes afterwards (those since it started from that page's
postcode district). It is a measurement, not a test: it exits 0 whatever the scores, and `make test` does not run
it.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.core.management.base import BaseCommand, CommandError

from benchmarks.management.commands.loadtest import App, collect_static_for_production, free_port, get
from benchmarks.scale import SCALE_COUNCIL_NAME
from directory.models import SearchRecord
from enterprises.models import Service

# 12.x is the last line that runs on Node 20 (13 needs Node 22.19).
LIGHTHOUSE = "lighthouse@12.8.2"
TARGET = 98
WARM_UPS = 4  # requests for each page before it is measured: both workers have served it once or more
DEFAULT_SEARCH = "/search/?postcode=WR11+4TP"
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    '--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"',
]
METRICS = [
    ("FCP", "first-contentful-paint", "ms"),
    ("LCP", "largest-contentful-paint", "ms"),
    ("TBT", "total-blocking-time", "ms"),
    ("CLS", "cumulative-layout-shift", ""),
    ("SI", "speed-index", "ms"),
    ("bytes", "total-byte-weight", "B"),
]


class Command(BaseCommand):
    help = (
        "Lighthouse's mobile performance score for the home page, a results page and a service page, served by "
        "gunicorn with production settings and whitenoise's compressed static files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--search", default=DEFAULT_SEARCH, help=f"The results page ({DEFAULT_SEARCH}).")
        parser.add_argument("--service", help="The service page (the first published service of the demo).")
        parser.add_argument("--only", nargs="+", choices=["home", "results", "service"], help="Only these pages.")
        parser.add_argument("--runs", type=int, default=1, help="Runs a page; the median score's run is shown (1).")
        parser.add_argument("--skip-collectstatic", action="store_true", help="Use staticfiles/ as it is.")
        parser.add_argument("--lighthouse", default=LIGHTHOUSE, help=f"The npm package to run ({LIGHTHOUSE}).")

    def handle(self, *args, **options):
        chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
        if not chrome:
            raise CommandError("No chromium: apt-get install chromium (Debian's package), or set CHROME_PATH.")
        if shutil.which("npx") is None:
            raise CommandError("No npx: Lighthouse runs through npx (Node.js's npm).")
        pages = self.pages(options)
        work = Path(tempfile.mkdtemp(prefix="lighthouse-"))
        if not options["skip_collectstatic"]:
            self.stdout.write("collectstatic with production settings…")
            collect_static_for_production()
        searches_before = SearchRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        port = free_port()
        app = App(port, 2, 2, work)
        results = {}
        try:
            self.stdout.write(f"Starting gunicorn with production settings on 127.0.0.1:{port}…")
            app.start()
            for path in pages.values():
                for _ in range(WARM_UPS):
                    status, _, _ = get(port, path)
                    if status != 200:
                        raise CommandError(f"{path} answered {status}: see {app.error_log_path}")
            for name, path in pages.items():
                results[name] = self.measure(name, f"http://127.0.0.1:{port}{path}", chrome, work, options)
        finally:
            app.stop()
            # Only the records of our own results page: others may be searching the same database meanwhile.
            postcode = parse_qs(urlsplit(pages.get("results", "")).query).get("postcode", [""])[0].strip()
            if postcode:
                SearchRecord.objects.filter(pk__gt=searches_before,
                                            postcode_district=postcode.upper().split()[0]).delete()
        self.report(pages, results, options)
        self.stdout.write(f"\nThe reports (JSON and HTML) are in {work}.")

    def pages(self, options) -> dict:
        service = options["service"]
        if service is None:
            first = (Service.objects.published().exclude(enterprise__council__name=SCALE_COUNCIL_NAME)
                     .order_by("pk").values_list("pk", flat=True).first())
            if first is None:
                raise CommandError("No published service of the demo: run make run's set-up (make demo) first.")
            service = f"/services/{first}/"
        pages = {"home": "/", "results": options["search"], "service": service}
        return {name: path for name, path in pages.items() if not options["only"] or name in options["only"]}

    def measure(self, name, url, chrome, work, options) -> dict:
        runs = []
        for run in range(1, options["runs"] + 1):
            self.stdout.write(f"Lighthouse, {name} page ({url}), run {run} of {options['runs']}…")
            base = work / f"{name}-{run}"
            command = [
                "npx", "--yes", options["lighthouse"], url,
                "--only-categories=performance", "--output=json", "--output=html", f"--output-path={base}",
                f"--chrome-flags={' '.join(CHROME_FLAGS)}", "--quiet",
            ]
            began = time.perf_counter()
            done = subprocess.run(command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True,
                                  text=True)
            if done.returncode != 0:
                raise CommandError(f"Lighthouse failed on {url}:\n{done.stderr[-2000:]}")
            report = json.loads(Path(f"{base}.report.json").read_text())
            if report.get("runtimeError"):
                raise CommandError(f"Lighthouse could not load {url}: {report['runtimeError']}")
            runs.append(summarise(report, time.perf_counter() - began))
        runs.sort(key=lambda result: result["score"])
        chosen = runs[len(runs) // 2]
        chosen["scores"] = [result["score"] for result in runs]
        return chosen

    def report(self, pages, results, options):
        self.stdout.write(f"\nLighthouse {options['lighthouse'].split('@')[-1]}, mobile (simulated slow 4G, 4× CPU "
                          f"slowdown), production settings, compressed static files:\n")
        header = f"{'page':<9} {'score':>5}  " + "  ".join(f"{label:>8}" for label, _, _ in METRICS)
        self.stdout.write(header)
        for name, result in results.items():
            row = f"{name:<9} {result['score']:>5}  " + "  ".join(
                f"{format_metric(result['metrics'][label], unit):>8}" for label, _, unit in METRICS
            )
            verdict = "PASS" if result["score"] >= TARGET else "FAIL"
            runs = f" (runs: {', '.join(map(str, result['scores']))})" if len(result["scores"]) > 1 else ""
            self.stdout.write(f"{row}  {verdict} (target {TARGET}){runs}")
        for name, result in results.items():
            self.stdout.write(f"\n{name} ({pages[name]}): {len(result['requests'])} requests, "
                              f"{', '.join(result['requests'])}")
            for line in result["flagged"] or ["nothing flagged"]:
                self.stdout.write(f"  {line}")


def summarise(report: dict, seconds: float) -> dict:
    audits = report["audits"]
    metrics = {label: audits[key]["numericValue"] for label, key, _ in METRICS}
    score = round(report["categories"]["performance"]["score"] * 100)
    requests = [
        f"{Path(item['url'].split('?')[0]).name or '/'} {item.get('transferSize', 0) / 1024:.1f} kB"
        for item in audits["network-requests"]["details"]["items"]
    ]
    flagged = []
    for key, audit in audits.items():
        if audit.get("scoreDisplayMode") in ("metricSavings", "binary", "numeric") and audit.get("score") is not None \
                and audit["score"] < 0.9 and key not in {k for _, k, _ in METRICS}:
            flagged.append(f"{audit['title']}" + (f": {audit['displayValue']}" if audit.get("displayValue") else ""))
    return {"score": score, "metrics": metrics, "requests": requests, "flagged": flagged, "seconds": seconds}


def format_metric(value, unit):
    if unit == "ms":
        return f"{value / 1000:.2f} s"
    if unit == "B":
        return f"{value / 1024:.0f} kB"
    return f"{value:.3f}"

