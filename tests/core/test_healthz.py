"""/healthz, for load balancers: 200 when the database answers and every migration is applied, 503 saying what
failed otherwise; never cached, no session, no sign-in, and quiet in the request log while healthy."""

import json
import time

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import health
from core.models import OutgoingMessage
from core.notifications import queue_email
from tests.core.test_resilience import database_unreachable


@pytest.fixture(autouse=True)
def _fresh_migrations_check():
    health.forget_migrations_check()
    yield
    health.forget_migrations_check()


def latest_applied_migration():
    return MigrationRecorder.Migration.objects.filter(app="directory").order_by("-applied", "-id").first()


def test_it_counts_the_messages_that_could_not_be_sent_without_becoming_unhealthy(client, db):
    message = queue_email("jean@lunchclub.example", "Subject", "Body", kind="test")
    OutgoingMessage.objects.filter(pk=message.pk).update(status=OutgoingMessage.Status.FAILED)

    response = client.get("/healthz")

    assert response.status_code == 200 and json.loads(response.content)["failed_messages"] == 1


def test_healthy_is_200_json_never_cached(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "migrations": "ok", "failed_messages": 0}
    assert "no-store" in response["Cache-Control"]


def test_it_touches_no_session_and_no_user(db):
    client = Client()  # a load balancer sends no cookies
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")

    assert response.status_code == 200
    assert not any("django_session" in q["sql"] or "auth_user" in q["sql"] for q in queries.captured_queries)
    assert "Set-Cookie" not in response and not response.cookies


def test_an_unapplied_migration_is_503_saying_so(client, db):
    """The database's django_migrations table loses its record of a migration the code has, as before `migrate`."""
    latest_applied_migration().delete()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "ok", "migrations": "unapplied"}


def test_unapplied_migrations_are_named_by_the_executor_plan(db):
    migration = latest_applied_migration()
    assert health.unapplied_migrations() == []

    migration.delete()

    assert health.unapplied_migrations() == [f"directory.{migration.name}"]


def test_a_good_migrations_check_is_remembered_for_a_while_and_a_bad_one_never(client, db):
    client.get("/healthz")
    with CaptureQueriesContext(connection) as queries:
        client.get("/healthz")
    asked = [q["sql"] for q in queries.captured_queries]
    assert asked[0] == "SELECT 1"  # the database is still asked every time
    assert len(asked) == 2 and "core_outgoingmessage" in asked[1]  # and the messages that could not be sent counted

    health.forget_migrations_check()
    latest_applied_migration().delete()
    assert client.get("/healthz").status_code == 503
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 503
    assert any("django_migrations" in q["sql"] for q in queries.captured_queries)  # checked again each time


def test_the_migrations_check_costs_a_few_milliseconds(db):
    health.unapplied_migrations()
    began = time.perf_counter()
    for _ in range(5):
        health.unapplied_migrations()
    per_check = (time.perf_counter() - began) / 5

    assert per_check < 0.1  # about 4 ms on the 2-core machine; remembered for MIGRATIONS_OK_FOR seconds anyway


@pytest.mark.django_db(transaction=True)
def test_database_away_is_503_saying_so_quickly():
    with database_unreachable():
        began = time.perf_counter()
        response = Client(raise_request_exception=False).get("/healthz")
        took = time.perf_counter() - began

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "unavailable",
                                            "migrations": "unknown"}
    assert "no-store" in response["Cache-Control"]
    assert took < 3
    assert Client().get("/healthz").status_code == 200  # and healthy again as soon as it is back


def test_only_get_and_head(client, db):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200
