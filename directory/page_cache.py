"""The public pages, with slots for what is each visitor's own; the ones many visitors ask for alike kept whole in
the shared cache for visitors who are not signed in (ADR 0014, which replaced ADR 0008).

Every public page is the same for every visitor who is not signed in, apart from their shortlist (which services
are on it, and how many), their CSRF token and any message for them: each is rendered, layout and all, with a
marked slot for each of those (below), and each request fills the slots for its visitor. Only the pages that
visitors ask for alike are kept (`kept=True`): the home page, and searches from no place (the browse links of the
home page, words alone), which rank the whole country. A search from a postcode or a service page is rarely asked
for twice in a day, so keeping it would only cost a write (ADR 14 has the figures).

- Key: the release (`release()`), the page (with the shortlist's services, for the shortlist page), its full path
  with the query string, and today's date (what is published, how old a capacity status looks and the daily
  turn-taking of ties all change with the date). The entry holds the catalogue version it was rendered at, read in
  the same query, and counts only while that is still the version.
- Catalogue version: replaced (by the time) whenever anything a public page shows is saved or deleted: a listing, a
  service, a check, a type of support, a client group, an area (enterprises/signals.py). So a listing suspended or
  a capacity status confirmed shows on the very next page. Code that changes those rows without saving them
  (`QuerySet.update`, `bulk_create`, raw SQL) calls `catalogue_changed()` itself.
- Expiry: settings.PUBLIC_PAGE_CACHE_SECONDS (300; 0 turns the cache off), a backstop only.
- Signed-in people are never served from the cache: their pages carry "Refer someone" links and their own
  navigation, and providers and staff must see their own changes. Their pages are rendered by the same code.

Slots in a page's HTML (HTML comments, which escaped text typed by anyone can never contain):
- `<!--shortlist PK-->ADD<!--or-->REMOVE<!--/shortlist-->`: the "Add to shortlist" and "Remove from shortlist"
  forms of service PK, of which `fill_visitor_slots` keeps the one that fits the visitor's shortlist;
- `<!--csrf-->`: where the CSRF token's hidden input goes (the templates' `{{ csrf_slot() }}`, directory/templating.py);
- `<!--shortlist-count-->` and `<!--messages-->`: in the layout (base.html, when `page_slots` is set).
"""

import functools
import hashlib
import pickle
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from directory.shortlist import shortlisted_ids

VERSION_KEY = "public-pages:catalogue-version"
CSRF_SLOT = "<!--csrf-->"
SHORTLIST_COUNT_SLOT = "<!--shortlist-count-->"
MESSAGES_SLOT = "<!--messages-->"


@dataclass
class Content:
    """A public page's title, its HTML (the main content, or the whole page around it), and, for the first page of a
    search, the fields of the anonymous SearchRecord to write for it (written on every search, cached or not)."""

    title: str
    html: str
    search_record: dict | None = None


def catalogue_changed() -> None:
    """Make every cached public page out of date. Called now, so the transaction making the change sees it (the
    database cache writes in that transaction), and again after it commits, so that a page rendered from the old
    rows while it was open is not kept under the new version."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> int:
    version = time.time_ns()
    cache.set(VERSION_KEY, version, None)
    return version


def catalogue_version(request=None) -> int:
    """The catalogue version now: the one read with the page on a public page (`public_page` keeps it on the
    request), otherwise one read of the cache (kept on the request too)."""
    version = getattr(request, "catalogue_version", None)
    if version is None:
        version = cache.get(VERSION_KEY) or _new_version()
        if request is not None:
            request.catalogue_version = version
    return version


class PerCatalogueVersion:
    """What `build()` returns, built once per process per catalogue version: for what the public pages read that
    only a change to the catalogue changes (the types of support and client groups a search offers)."""

    def __init__(self, build: Callable):
        self.build = build
        self.built = (None, None)  # (version, value): replaced whole, so a thread never sees half of it

    def __call__(self, request=None):
        version = catalogue_version(request)  # before building: a change meanwhile gives a new version next time
        built_at, value = self.built
        if built_at != version:
            value = self.build()
            self.built = (version, value)
        return value


_PROJECT = Path(__file__).resolve().parent.parent


def _release_files() -> list[tuple[Path, str]]:
    """The templates, the project package and every installed app of ours: a deploy that changes any of them is a
    new release."""
    base = Path(settings.BASE_DIR)
    ours = sorted(config.label for config in apps.get_app_configs() if Path(config.path).parent == _PROJECT)
    return [(base / "templates", "*.html"), (base / "config", "*.py"), *((base / label, "*.py") for label in ours)]


@functools.cache
def release() -> str:
    """This release's code, templates and static files, as a short hash: a page cached by the previous release (its
    HTML, its hashed CSS and JavaScript names, the form it was stored in) is never served by this one, and servers
    mid-way through a rolling upgrade each keep their own."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder, pattern in _release_files():
        for path in sorted(folder.rglob(pattern)):
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]


def _key(page: str, request) -> str:
    path = hashlib.sha256(f"{page} {request.get_full_path()}".encode()).hexdigest()[:32]
    return f"public-pages:{release()}:{timezone.localdate().isoformat()}:{path}"


def public_page(request, page: str, content: Callable[[], Content], *, kept: bool = False, **context) -> Content:
    """The whole public page (the site's layout around the page's content) for this request, its slots not yet
    filled (`page_response`). A page `kept` (one that many visitors ask for alike: ADR 14) comes from the cache for a
    visitor who is not signed in, when it is there, and is kept for the next such visitor when it is not."""

    def render() -> Content:
        main = content()
        layout = {"title": main.title, "content": mark_safe(main.html), "page_slots": True, **context}  # noqa: S308
        return Content(main.title, render_to_string("directory/public_page.html", layout, request), main.search_record)

    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if not kept or not seconds or request.user.is_authenticated:
        return render()
    key = _key(page, request)
    found = cache.get_many([VERSION_KEY, key])  # one query: the version, and the page with its version
    version = found.get(VERSION_KEY) or _new_version()
    request.catalogue_version = version
    cached_version, packed = found.get(key, (None, None))
    request.page_cache = "hit" if cached_version == version else "miss"  # for the request log
    if cached_version == version:
        return pickle.loads(zlib.decompress(packed))
    rendered = render()
    # Compressed, a results page is a sixth of its size: less to store, send and decode on every read.
    cache.set(key, (version, zlib.compress(pickle.dumps(rendered), 1)), seconds)
    return rendered


def page_response(request, page: Content) -> HttpResponse:
    return HttpResponse(fill_visitor_slots(page.html, request))


def _fill_shortlist_buttons(html: str, shortlist: set[int]) -> str:
    """Keep, in each `<!--shortlist PK-->ADD<!--or-->REMOVE<!--/shortlist-->`, the form that fits the shortlist.
    (Plain string splitting: a regular expression over a 60 kB page took a sixth of a cached page's time.)"""
    first, *slots = html.split("<!--shortlist ")
    parts = [first]
    for slot in slots:
        pk, rest = slot.split("-->", 1)
        add, rest = rest.split("<!--or-->", 1)
        remove, after = rest.split("<!--/shortlist-->", 1)
        parts += [remove if int(pk) in shortlist else add, after]
    return "".join(parts)


def fill_visitor_slots(html: str, request) -> str:
    """The page's HTML for this visitor: the shortlist buttons that fit their shortlist and its count, their CSRF
    token, and any message for them ("… is on your shortlist")."""
    shortlist = set(shortlisted_ids(request.session))
    html = _fill_shortlist_buttons(html, shortlist)
    html = html.replace(SHORTLIST_COUNT_SLOT, f" ({len(shortlist)})", 1)
    if CSRF_SLOT in html:
        token = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
        html = html.replace(CSRF_SLOT, token)
    if MESSAGES_SLOT in html:
        messages = get_messages(request)
        shown = render_to_string("components/messages.html", {"messages": messages}) if messages else ""
        html = html.replace(MESSAGES_SLOT, shown, 1)
    return html
