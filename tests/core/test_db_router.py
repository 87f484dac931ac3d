"""Read replicas: public read-only pages read a replica; writes, sessions, signed-in people and everything else read
and write the primary (core/db_router.py, docs/adr/0007).

The test run has a second database alias, `replica`, that mirrors the test database (TEST MIRROR): a separate
connection to the same rows, so each query can be seen on the connection it went to. A mirror only sees committed
rows, so these tests commit (transaction=True), and the router keeps every read inside a transaction on the
primary anyway.
"""

import copy
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from core import db_router
from directory.models import SearchRecord
from enterprises.models import Service
from tests.factories import make_category, make_enterprise, make_postcode, make_service, make_user

ROOT = Path(__file__).resolve().parents[2]
ROUTER = "core.db_router.ReplicaRouter"


def _add_replica_alias():
    """Settings add `replica` only when DATABASE_REPLICA_URL is set; give the test run one that mirrors the test
    database. It stays unused by every other test: nothing routes to it unless DATABASE_REPLICAS names it."""
    if "replica" not in connections.settings:
        replica = copy.deepcopy(connections.settings["default"])
        replica["TEST"] = {**replica["TEST"], "MIRROR": "default"}
        connections.settings["replica"] = replica


_add_replica_alias()

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = ["replica"]
    settings.DATABASE_ROUTERS = [ROUTER]


@pytest.fixture
def listing():
    enterprise = make_enterprise("Malvern Hills Lunch Club", email="hello@example.org")
    service = make_service(
        "Thursday day club",
        enterprise=enterprise,
        venue=make_postcode("WR14 4AA", 377500, 245800),
        categories=[make_category("Day clubs")],
    )
    make_postcode("WR14 1AA", 377600, 245900)
    return SimpleNamespace(enterprise=enterprise, service=service)


@pytest.fixture
def provider(listing):
    user = make_user("jean@example.org", name="Jean Smith")
    listing.enterprise.members.add(user)
    return user


@contextmanager
def queries():
    """The SQL sent to the primary and to the replica while the block runs."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        seen = SimpleNamespace()
        yield seen
    seen.primary = [query["sql"] for query in primary.captured_queries]
    seen.replica = [query["sql"] for query in replica.captured_queries]


def selects(sqls):
    return [sql for sql in sqls if sql.lstrip().upper().startswith("SELECT")]


def not_the_cache(sqls):
    """The statements that are not the shared cache's (directory/page_cache.py), which lives on the primary, or the
    transaction around its write."""
    return [sql for sql in sqls if '"directory_cache"' not in sql and sql not in {"BEGIN", "COMMIT"}]


def public_pages(listing):
    api_id = "8670d335-0001-8000-8000-%012x" % listing.service.pk
    return [
        "/",
        "/search/?postcode=WR14+1AA",
        "/search/?q=day+club&postcode=WR14+1AA&page=1",
        f"/services/{listing.service.pk}/",
        f"/providers/{listing.enterprise.slug}/",
        "/open-data/",
        "/api/oruk/services",
        f"/api/oruk/services/{api_id}",
        "/api/oruk/service_at_locations?postcode=WR14+1AA&proximity=5000",
        "/api/oruk/taxonomy_terms",
    ]


class TestPublicPagesReadTheReplica:
    def test_every_read_of_a_public_page_goes_to_the_replica(self, client, replicas, listing):
        for path in public_pages(listing):
            with queries() as seen:
                response = client.get(path)

            assert response.status_code == 200, path
            assert seen.replica, f"{path} read nothing from the replica"
            primary = not_the_cache(seen.primary)
            assert selects(primary) == [], f"{path} read the primary: {primary}"
            assert all(sql.startswith('INSERT INTO "directory_searchrecord"') for sql in primary), path

    def test_a_search_reads_the_replica_and_writes_its_record_to_the_primary(self, client, replicas, listing):
        with queries() as seen:
            response = client.get("/search/?q=day+club&postcode=WR14+1AA")

        assert response.status_code == 200
        assert "Thursday day club" in response.content.decode()
        primary = not_the_cache(seen.primary)
        assert len(primary) == 1 and primary[0].startswith('INSERT INTO "directory_searchrecord"')
        assert any('"enterprises_service"' in sql for sql in seen.replica)
        assert all(sql.startswith("SELECT") for sql in seen.replica)
        assert SearchRecord.objects.count() == 1

    def test_the_open_data_csv_streams_from_the_replica(self, client, replicas, listing):
        with queries() as seen:
            response = client.get("/open-data/services.csv")
            body = b"".join(response.streaming_content).decode("utf-8-sig")

        assert "Thursday day club" in body
        assert any('"enterprises_service"' in sql for sql in seen.replica)
        assert seen.primary == []

    def test_the_session_is_read_from_the_primary(self, client, replicas, listing):
        client.post(f"/shortlist/add/{listing.service.pk}/")  # an anonymous resident with a shortlist in the session

        with queries() as seen:
            response = client.get("/search/?postcode=WR14+1AA&page=1")

        assert response.status_code == 200
        primary = selects(not_the_cache(seen.primary))
        assert primary and all('"django_session"' in sql for sql in primary)
        assert not any('"django_session"' in sql for sql in seen.replica)
        assert any('"enterprises_service"' in sql for sql in seen.replica)


class TestEverythingElseUsesThePrimary:
    def test_signed_in_people_read_the_primary_even_on_public_pages(self, client, replicas, listing, provider):
        client.force_login(provider)

        for path in public_pages(listing):
            with queries() as seen:
                response = client.get(path)

            assert response.status_code == 200, path
            assert seen.replica == [], f"{path} read the replica for a signed-in person"

    def test_provider_pages_read_the_primary(self, client, replicas, listing, provider):
        client.force_login(provider)

        with queries() as seen:
            response = client.get("/provider/")

        assert response.status_code == 200
        assert seen.primary and seen.replica == []

    @pytest.mark.parametrize("path", ["/shortlist/", "/shortlist/print/", "/sign-in/"])
    def test_other_pages_read_the_primary(self, client, replicas, listing, path):
        client.post(f"/shortlist/add/{listing.service.pk}/")

        with queries() as seen:
            response = client.get(path)

        assert response.status_code == 200
        assert seen.primary and seen.replica == []

    def test_posts_to_public_pages_never_touch_the_replica(self, client, replicas, listing):
        with queries() as seen:
            client.post(f"/shortlist/add/{listing.service.pk}/")
            client.post("/api/oruk/services")  # a 405, and still no replica

        assert seen.replica == []


class TestTheRouter:
    """The rules within a request marked "read from a replica"."""

    @contextmanager
    def on_replica(self):
        token = db_router._routing.set(db_router.Routing(replica="replica"))
        try:
            yield
        finally:
            db_router._routing.reset(token)

    def test_reads_after_a_write_in_the_same_request_go_to_the_primary(self, replicas, listing):
        with self.on_replica(), queries() as seen:
            list(Service.objects.all())
            SearchRecord.objects.create(result_count=0)
            list(Service.objects.all())

        assert len(seen.replica) == 1
        assert seen.primary[0].startswith("INSERT") and '"enterprises_service"' in seen.primary[1]

    def test_reads_inside_a_transaction_go_to_the_primary(self, replicas, listing):
        with self.on_replica(), queries() as seen:
            with transaction.atomic():
                list(Service.objects.all())

        assert seen.replica == [] and any('"enterprises_service"' in sql for sql in seen.primary)

    def test_sessions_and_accounts_always_read_the_primary(self, replicas, listing, provider):
        with self.on_replica(), queries() as seen:
            Session.objects.count()
            get_user_model().objects.get(pk=provider.pk)
            provider.enterprises.count()  # a user's own scope is a public model: the replica serves it here

        assert '"django_session"' in seen.primary[0] and '"auth_user"' in seen.primary[1]
        assert len(seen.replica) == 1

    def test_writes_go_to_the_primary_and_only_the_primary_is_migrated(self):
        router = db_router.ReplicaRouter()

        with self.on_replica():
            assert router.db_for_write(Service) == "default"
            assert router.db_for_read(Service) == "default"  # it has written
        assert router.db_for_read(Service) == "default"  # no request marked for a replica
        assert router.allow_migrate("default", "enterprises") is True
        assert router.allow_migrate("replica", "enterprises") is False
        assert router.allow_relation(object(), object()) is True

    def test_one_replica_is_chosen_per_request_and_kept(self, rf, settings):
        settings.DATABASE_REPLICAS = ["replica", "replica_2", "replica_3"]
        router = db_router.ReplicaRouter()
        chosen = []

        def view(request):
            chosen.append({router.db_for_read(Service) for _ in range(20)})

        def handler(request):  # what Django's handler does inside the middleware: process_view, then the view
            middleware.process_view(request, view, (), {})
            view(request)

        middleware = db_router.ReadReplicaMiddleware(handler)
        for _ in range(30):
            request = rf.get("/search/")
            request.resolver_match = SimpleNamespace(view_name="search", namespaces=[])
            request.user = SimpleNamespace(is_authenticated=False)
            middleware(request)
            view(request)  # after the response: back to the primary

        during = chosen[0::2]
        after = chosen[1::2]
        assert all(len(aliases) == 1 for aliases in during)
        assert set().union(*during) == {"replica", "replica_2", "replica_3"}
        assert all(aliases == {"default"} for aliases in after)


class TestWithoutReplicas:
    def test_nothing_reads_the_replica_when_none_is_configured(self, client, settings, listing):
        settings.DATABASE_REPLICAS = []
        settings.DATABASE_ROUTERS = []

        for path in public_pages(listing):
            with queries() as seen:
                client.get(path)

            assert seen.replica == [] and seen.primary, path


def database_settings(**env):
    """DATABASES, DATABASE_REPLICAS and DATABASE_ROUTERS as the settings read them from this environment."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'databases': {alias: {'HOST': db.get('HOST'), 'NAME': db.get('NAME'), "
        "'TEST': db.get('TEST'), 'OPTIONS': db.get('OPTIONS'), 'CONN_HEALTH_CHECKS': db.get('CONN_HEALTH_CHECKS')} "
        "for alias, db in settings.DATABASES.items()}, "
        "'replicas': settings.DATABASE_REPLICAS, 'routers': settings.DATABASE_ROUTERS}))"
    )
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URL"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings",
                       DATABASE_URL="postgres://app:secret@primary.example:5432/directory", **env)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(databases=[])
class TestSettings:
    def test_without_database_replica_url_there_is_only_the_primary(self):
        found = database_settings()

        assert list(found["databases"]) == ["default"]
        assert found["replicas"] == [] and found["routers"] == []

    def test_each_replica_url_is_an_alias_that_mirrors_the_primary_in_tests(self):
        found = database_settings(
            DATABASE_REPLICA_URL="postgres://app:secret@replica-a.example:5432/directory, "
            "postgres://app:secret@replica-b.example:5432/directory"
        )

        assert found["replicas"] == ["replica", "replica_2"]
        assert found["routers"] == [ROUTER]
        assert found["databases"]["replica"]["HOST"] == "replica-a.example"
        assert found["databases"]["replica_2"]["HOST"] == "replica-b.example"
        assert all(found["databases"][alias]["TEST"]["MIRROR"] == "default" for alias in found["replicas"])

    def test_a_replica_keeps_its_own_address_options_and_takes_the_primarys_connection_handling(self):
        found = database_settings(
            DATABASE_REPLICA_URL="postgres://app:secret@replica-a.example:5432/directory?sslmode=require"
        )

        primary, replica = found["databases"]["default"], found["databases"]["replica"]
        assert replica["OPTIONS"]["sslmode"] == "require"
        for option in ("connect_timeout", "server_side_binding", "prepare_threshold"):
            assert replica["OPTIONS"][option] == primary["OPTIONS"][option]
        assert replica["CONN_HEALTH_CHECKS"] is True

    def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them(self):
        kept = database_settings()["databases"]["default"]["OPTIONS"]
        off = database_settings(DATABASE_PREPARED_STATEMENTS="false")["databases"]["default"]["OPTIONS"]

        assert kept["prepare_threshold"] == 5 and off["prepare_threshold"] is None
        assert kept["server_side_binding"] is off["server_side_binding"] is True
