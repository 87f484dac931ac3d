"""/healthz, for load balancers: is the database answering, and are all migrations applied?

200 {"status": "ok", "database": "ok", "migrations": "ok", "failed_messages": 0}, or 503 with what failed.
`failed_messages` counts the emails and text messages that could not be sent (core/notifications.py) for monitoring;
it never makes the site unhealthy, since taking it out of the load balancer would mend nothing.

It touches no session and no user, is never cached, and is left out of the request log while it answers 200
(core/middleware.py).

The migrations check builds Django's migration graph from the migration files and compares it with the
django_migrations table (a few milliseconds: see tests/core/test_healthz.py). Once it has found everything
applied, a process remembers that for MIGRATIONS_OK_FOR seconds: code with new migrations comes with a new process,
so the answer can only change when someone unapplies a migration by hand. A failed check is never remembered.
"""

import threading
import time

from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.models import OutgoingMessage

MIGRATIONS_OK_FOR = 300  # seconds

_lock = threading.Lock()
_migrations_ok_until = 0.0


def database_answers(alias: str = DEFAULT_DB_ALIAS) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Error:
        return False


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations the code has that the database has not applied, as "app.name"."""
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]


def migrations_applied(alias: str = DEFAULT_DB_ALIAS) -> bool:
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return True
    if unapplied_migrations(alias):
        return False
    with _lock:
        _migrations_ok_until = time.monotonic() + MIGRATIONS_OK_FOR
    return True


def forget_migrations_check() -> None:
    global _migrations_ok_until
    with _lock:
        _migrations_ok_until = 0.0


def health() -> tuple[dict, bool]:
    """What /healthz answers, and whether it is healthy."""
    if not database_answers():
        return {"status": "unavailable", "database": "unavailable", "migrations": "unknown"}, False
    try:
        applied = migrations_applied()
    except Error:  # the database went away between the two checks
        return {"status": "unavailable", "database": "unavailable", "migrations": "unknown"}, False
    if not applied:
        return {"status": "unavailable", "database": "ok", "migrations": "unapplied"}, False
    try:
        failed = OutgoingMessage.objects.failed().count()
    except Error:
        return {"status": "unavailable", "database": "unavailable", "migrations": "unknown"}, False
    return {"status": "ok", "database": "ok", "migrations": "ok", "failed_messages": failed}, True


@never_cache
@require_safe
def healthz(request):
    body, healthy = health()
    return JsonResponse(body, status=200 if healthy else 503)
