"""The benchmark commands share their places, words, percentile and query recorder (benchmarks/common.py); each
command still builds, and the two that can run inside a test do."""

import re
from io import StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.db import connection

from benchmarks.common import PLACES, WORDS, QueryRecorder, percentile
from benchmarks.management.commands.loadtest import Command as LoadTest
from directory.models import SearchRecord
from enterprises.models import Enterprise
from tests.demo.test_seed import make_town_postcodes
from tests.factories import make_postcode


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


@pytest.mark.parametrize("name", ["bench", "bench_reports", "loadtest", "seed_scale"])
def test_each_command_builds_its_help(name):
    command = load_command_class("benchmarks", name)

    assert "usage: manage.py " + name in command.create_parser("manage.py", name).format_help()


@pytest.mark.django_db
def test_bench_measures_the_search_with_its_places_and_words_and_leaves_no_search_records():
    make_town_postcodes()
    call_command("seed_scale", "--services", "40", "--seed", "1", stdout=StringIO())
    out = StringIO()

    call_command("bench", "--measure-only", "--requests", "12", "--warmup", "1", stdout=out, stderr=StringIO())

    report = out.getvalue()
    assert "(a) postcode + type of support + words" in report and "(b) postcode only" in report
    assert re.search(r"peak memory under \d+ MB", report)
    assert not SearchRecord.objects.exists()
    assert "Deleted 40 generated services" in call_command_output("seed_scale", "--clear")


@pytest.mark.django_db
def test_the_load_tests_plan_searches_the_demo_and_the_generated_places():
    make_town_postcodes()
    make_postcode("WR1 2EY", 384999, 254789)  # the one of PLACES among these postcodes
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_scale", "--services", "40", "--seed", "1", stdout=StringIO())

    plan = LoadTest().plan()

    results = next(kind for kind in plan["kinds"] if kind["name"] == "results")["paths"]
    assert len(results) == 400 and plan["places"]["demo"] == 12
    assert any(f"q={word.replace(' ', '+')}" in path for path in results for word in WORDS)
    assert plan["places"]["GB"] == 1
    assert ("WR1 2EY", "Worcester", "dense") in PLACES
