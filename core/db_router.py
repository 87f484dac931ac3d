"""Read replicas: the public read-only pages read from a replica; everything else reads and writes the primary.

Nothing here acts unless `DATABASE_REPLICA_URL` is set (settings, "# Read replicas"): then each replica is a database
alias (`replica`, `replica_2`, …), `DATABASE_REPLICAS` lists them, and `ReplicaRouter` is installed. The decision is
docs/adr/0007-read-replicas-for-public-pages.md; how to run it, docs/scaling.md.

A request reads from a replica only when all of these hold, decided once, before its view runs
(`ReadReplicaMiddleware.process_view`):

- it is a GET or HEAD of one of the public read-only pages in REPLICA_VIEWS or REPLICA_NAMESPACES: home, search
  results, service and enterprise pages, the open-data page and CSV, the Open Referral UK API;
- nobody is signed in (providers, referrers and staff always read the primary, so they see their own changes at
  once, and every query that starts from a user reads the primary).

Within such a request a query still goes to the primary when
- it writes (`db_for_write` always answers the primary), and every read after the request's first write, so a
  request never reads a replica that may not yet have its own write (the search page's SearchRecord is written after
  the results have been read);
- it runs inside a transaction on the primary (`atomic`);
- its model belongs to an app in PRIMARY_ONLY_APPS: sessions, accounts and permissions, the admin, referrals.

One replica is chosen at random per request and kept for the whole request, so a page and its count agree.
"""

import random
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

PRIMARY = "default"

# Whatever the page, these always read the primary: the session and the signed-in user (Django's session and auth
# apps), content types and the admin's log, referrals (personal data, never on a public page anyway), and the shared
# cache's table (`django_cache`), which is written on the primary and must be read back from it at once.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "contenttypes", "admin", "referrals", "django_cache"})

# The public read-only pages, by URL name (config/urls.py, opendata/urls.py). The shortlist pages are not
# here: they read and rewrite the session's list against what is published, which must be the primary's view.
REPLICA_VIEWS = frozenset({"home", "search", "service", "enterprise", "open_data", "open_data_services_csv"})
REPLICA_NAMESPACES = frozenset({"oruk"})  # the Open Referral UK API: every endpoint is read-only
READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class Routing:
    """The current request's choice: which replica it reads, and whether it has written (then it reads the primary)."""

    replica: str
    wrote: bool = False


_routing: ContextVar[Routing | None] = ContextVar("directory_db_routing", default=None)


class ReplicaRouter:
    """Reads go to the request's replica when the middleware chose one and nothing above says otherwise; every write
    goes to the primary; only the primary is migrated (replicas copy it through PostgreSQL's replication)."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if (
            routing is None
            or routing.wrote
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return routing.replica

    def db_for_write(self, model, **hints):
        routing = _routing.get()
        if routing is not None:
            routing.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def is_public_read_only(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None or request.method not in READ_METHODS:
        return False
    return match.view_name in REPLICA_VIEWS or (bool(match.namespaces) and match.namespaces[0] in REPLICA_NAMESPACES)


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def _read_from(routing: Routing, chunks):
    """A streamed response (the open-data CSV) runs its query while the server sends it, after the middleware has
    returned: keep the request's routing for each chunk, and only then."""
    iterator = iter(chunks)
    while True:
        token = _routing.set(routing)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _routing.reset(token)
        yield chunk


class ReadReplicaMiddleware:
    """Marks a request "read from a replica" for the router (see the module's docstring). Does nothing without
    DATABASE_REPLICAS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _routing.set(None)
        try:
            response = self.get_response(request)
            routing = _routing.get()
        finally:
            _routing.reset(token)
        if routing is not None and getattr(response, "streaming", False):
            response.streaming_content = _read_from(routing, response.streaming_content)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        replicas = getattr(settings, "DATABASE_REPLICAS", ())
        if replicas and is_public_read_only(request) and not _signed_in(request):
            _routing.set(Routing(replica=random.choice(list(replicas))))
        return None
