"""The benchmark commands share their words, percentile and query recorder (benchmarks/common.py) and their traffic
(benchmarks/traffic.py: never a few URLs repeated); each command still builds, and the two that can run inside a test
do; the load test's wrk script walks its URLs without repeating one."""

import os
import re
import shutil
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psutil
import pytest
from django.core.management import call_command, load_command_class
from django.db import connection

from benchmarks.common import WORDS, QueryRecorder, percentile
from benchmarks.management.commands.loadtest import Command as LoadTest
from benchmarks.management.commands.loadtest import Sampler, run_wrk
from directory.models import SearchRecord
from enterprises.models import Enterprise, Service
from tests.demo.test_seed import make_town_postcodes


def call_command_output(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))

    assert [percentile(values, p) for p in (1, 50, 95, 99, 100)] == [1, 50, 95, 99, 100]
    assert percentile([7], 95) == 7
    assert percentile([], 50) is None


@pytest.mark.django_db
def test_the_query_recorder_counts_and_times_every_query():
    recorder = QueryRecorder()
    with connection.execute_wrapper(recorder):
        Enterprise.objects.count()
        Enterprise.objects.exists()

    assert recorder.count == 2 and recorder.seconds > 0
    recorder.reset()
    assert (recorder.count, recorder.seconds) == (0, 0.0)


@pytest.mark.parametrize("name", ["bench", "bench_reports", "lighthouse", "loadtest", "seed_scale"])
def test_each_command_builds_its_help(name):
    command = load_command_class("benchmarks", name)

    assert "usage: manage.py " + name in command.create_parser("manage.py", name).format_help()


@pytest.mark.django_db
def test_bench_measures_each_kind_of_results_page_beside_the_trivial_page_and_leaves_no_search_records():
    make_town_postcodes()
    call_command("seed_scale", "--services", "40", "--seed", "1", stdout=StringIO())
    out = StringIO()

    call_command("bench", "--measure-only", "--requests", "12", "--warmup", "1", stdout=out, stderr=StringIO())

    report = out.getvalue()
    for page in ("postcode only", "postcode + words", "postcode + filters", "trivial: /accessibility/"):
        assert re.search(rf"^{re.escape(page)} +\d", report, re.MULTILINE), page
    assert re.search(r"postcode only: SQL p50 under 3 ms", report)
    assert re.search(r"peak memory under \d+ MB", report)
    assert not SearchRecord.objects.exists()
    assert "Deleted 40 generated services" in call_command_output("seed_scale", "--clear")


@pytest.mark.django_db
def test_the_bench_searches_from_a_different_postcode_every_time():
    make_town_postcodes()

    plan = load_command_class("benchmarks", "bench").plan(requests=100, warmup=10, seed=1)

    searches = [path for label, paths in plan.items() if label.startswith("postcode") for path in paths]
    postcodes = [parse_qs(urlsplit(path).query)["postcode"][0] for path in searches]
    assert len(searches) == 330 and len(set(postcodes)) == 330
    words = {parse_qs(urlsplit(path).query)["q"][0] for path in plan["postcode + words"]}
    assert len(words) > 10 and words <= set(WORDS)


@pytest.mark.django_db
def test_the_load_test_walks_random_postcodes_and_every_service_with_a_separate_warm_up(tmp_path):
    make_town_postcodes()
    call_command("seed_demo", stdout=StringIO())

    listed = LoadTest().kinds(tmp_path, None, per_kind=100, warmup_paths=20)  # of the 384 postcodes made
    kinds = {kind["key"]: kind for kind in listed}

    def paths(kind, file="paths"):
        return Path(kinds[kind][file]).read_text().split()

    assert listed[0]["name"] == listed[-1]["name"].split(",")[0] == "trivial page (/accessibility/)"
    assert paths("trivial") == ["/accessibility/"] and paths("home") == ["/"]
    for kind in ("search", "words"):
        assert all(path.startswith("/search/?postcode=") for path in paths(kind))
        assert not set(paths(kind)) & set(paths(kind, "warmup"))
    assert any("&q=" in path for path in paths("words"))
    published = {f"/services/{pk}/" for pk in Service.objects.published().values_list("pk", flat=True)}
    assert set(paths("service")) | set(paths("service", "warmup")) == published
    assert not set(paths("service")) & set(paths("service", "warmup"))
    assert len(set(paths("repeated"))) == 20


class _Paths(BaseHTTPRequestHandler):
    seen = Counter()

    def do_GET(self):
        self.seen[self.path] += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")
def test_wrk_asks_for_each_path_of_its_file_once_before_any_again(tmp_path):
    paths = [f"/search/?postcode=P{number}" for number in range(200_000)]
    (tmp_path / "paths.txt").write_text("\n".join(paths) + "\n")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Paths)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        found = run_wrk(f"http://127.0.0.1:{server.server_port}", str(tmp_path / "paths.txt"), 1,
                        {"wrk_threads": 2, "connections": 4}, "sessionid=abc")
    finally:
        server.shutdown()

    assert found["requests"] > 0 and found["paths"] == 200_000
    assert set(_Paths.seen) <= set(paths) and max(_Paths.seen.values()) == 1


def test_the_load_test_counts_each_process_cpu_once_when_the_clock_is_adjusted(monkeypatch):
    """The machine's clock moved during a run (a virtual machine's clock is corrected now and then): the app's CPU
    for that phase read 649-949% of two cores, because each process seemed new and its CPU time counted twice."""
    while time.process_time() < 1:  # a process that has used a second of CPU, as a worker has in a run
        pass
    sampler = Sampler(app=None, postgres=None)
    first = sampler.cpu("app", [psutil.Process(os.getpid())])
    booted = psutil.boot_time()
    monkeypatch.setattr(psutil._pslinux, "boot_time", lambda: booted + 1)  # the clock, 1 s later than it was
    second = sampler.cpu("app", [psutil.Process(os.getpid())])

    assert 0 <= second - first < 0.5  # the CPU used between the samples, not the process's whole CPU again
