"""Odd input never makes a server error: huge and negative numbers, NUL characters, very long and non-ASCII text,
impossible dates and empty values, sent to every form field, query parameter and path argument of the site.

Nothing here lists the site's forms or parameters. For each persona (the public, a provider with a published listing,
a referrer with referrals, council staff) `Crawl` starts from their usual pages, follows the site's own links (a
bounded number of pages per kind of page), and collects every <form> (its action, method and fields: a GOV.UK date
input is its `_day`, `_month` and `_year` boxes) and every query parameter in a link. Then each odd value goes into
each field and each parameter in turn, the other fields keeping what the page rendered, with the CSRF token, and each
URL pattern that takes a path argument gets odd arguments. A new view, form or parameter is covered as soon as a page
links to it.

Every request runs in a savepoint that is rolled back, so each one sees the same data (a form that withdraws a
referral or archives a listing does not change what the next request finds), and each form is sent with the session
it was shown with (the referral form's pages keep their answers there, and its last page forgets them). So the
sessions live in a memory cache instead of the database: rolling back a request must not lose them.

The small tests after the crawl check what a person sees for the odd input the security review found: a page number
past any list, a NUL in a path. The others sit beside their pages' tests: dates in tests/enterprises/test_provider.py,
test_council.py, tests/referrals/test_sending.py and tests/reports/test_reports.py; the API's NUL in
tests/opendata/test_oruk_api.py.
"""

import re
import sys
import uuid
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from accounts.services import invitation_path, invite_to_team, landing_page
from directory.shortlist import readable_code, share
from enterprises.enquiries import submit_enquiry
from enterprises.events import book_place, publish_event
from enterprises.listings import submit_revision
from enterprises.models import Enterprise, Event, Revision, Synonym
from enterprises.revisions import save_enterprise_details
from opendata import oruk
from referrals import lifecycle
from referrals.models import DeclineReason
from tests.factories import (
    make_area,
    make_category,
    make_client_group,
    make_enterprise,
    make_postcode,
    make_referral,
    make_service,
)
from tests.personas import fast_passwords


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    fast_passwords(settings)

HUGE = "99999999999999999999"
NUL = "odd\x00value"
LONG = "x" * 10_000
# What a person might paste or a tester might send. "²" is a digit to str.isdigit() but not to int().
ODD_VALUES = [HUGE, "-1", NUL, LONG, "", "Zoë Łódź – 東京 ☕", "²"]
ODD_PATH_ARGUMENTS = [HUGE, "-1", NUL, LONG, "Łódź"]
# A GOV.UK date input's boxes, and a real date too far ahead for date arithmetic (a day after it does not exist).
DATE_PARTS = ("_day", "_month", "_year")
LAST_DAY_OF_9999 = {"_day": "31", "_month": "12", "_year": "9999"}

PAGES_PER_PERSONA = 120
URLS_PER_KIND_OF_PAGE = 3  # referral pages differ by status, each with its own forms
SIGN_OUT = "sign_out"  # its forms are left alone: sending one ends the persona's session and the rest of the crawl


# Reading pages -------------------------------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, list[str]]  # what the browser would send as rendered (radios: the first choice)
    names: list[str]  # every field's name, in order, once
    kinds: dict[str, str] = field(default_factory=dict)  # name -> "text", "email", "textarea", "radio"…
    session: dict = field(default_factory=dict)  # the persona's session when the page showed the form

    @property
    def key(self):
        return self.method, route_of(self.action), tuple(sorted(self.names))

    def filled_in(self) -> dict[str, list[str]]:
        """The rendered values with each empty box filled in the way a person might, to get past a question page
        to the next one. Passwords stay empty, so that no form signs anyone in or makes an account."""
        values = dict(self.values)
        for name, kind in self.kinds.items():
            if kind in ("text", "email", "tel", "textarea", "search", "url") and not any(values.get(name, [])):
                values[name] = [plausible(name)]
        return values


def plausible(name: str) -> str:
    for part, value in (("email", "someone@example.org"), ("phone", "01905 000111"), ("postcode", "WR1 2EY"),
                        ("_day", "1"), ("_month", "6"), ("_year", "1950"), ("website", "https://example.org")):
        if part in name:
            return value
    return "Some words"


class PageReader(HTMLParser):
    """The links and forms of a page, as a browser would see them."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._radios: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.url, attrs["href"]))
        elif tag == "form":
            action = urljoin(self.url, attrs.get("action") or self.url)
            self._form = Form(action, (attrs.get("method") or "get").lower(), {}, [])
            self._radios = {}
        elif tag == "option" and self._form is not None and self._select is not None:
            self._options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._form.values[self._select] = [attrs.get("value", "")]
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._field(attrs["name"], "", kind="textarea")
        elif tag == "select":
            self._select, self._options = attrs["name"], []
            self._field(attrs["name"])
        elif tag == "button" and attrs.get("type", "submit").lower() == "submit":
            self._field(attrs["name"], attrs.get("value", ""))

    def _field(self, name: str, *value: str, kind: str = ""):
        if name not in self._form.names:
            self._form.names.append(name)
            self._form.kinds[name] = kind
        if value:
            self._form.values.setdefault(name, []).append(value[0])

    def _input(self, attrs):
        name, kind, value = attrs["name"], attrs.get("type", "text").lower(), attrs.get("value", "")
        if kind == "radio":
            self._radios.setdefault(name, []).append(value)
            self._field(name, *([value] if "checked" in attrs else []))
        elif kind == "checkbox":
            self._field(name, *([value] if "checked" in attrs else []))
        elif kind == "submit":
            self._field(name, value)
        elif kind in ("file", "image", "button", "reset"):
            return
        else:
            self._field(name, value, kind=kind)

    def handle_data(self, data):
        if self._form is not None and self._textarea is not None:
            values = self._form.values[self._textarea]
            values[-1] = values[-1] + data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if self._select not in self._form.values and self._options:
                self._form.values[self._select] = [self._options[0]]
            self._select = None
        elif tag == "form" and self._form is not None:
            for name, choices in self._radios.items():
                self._form.values.setdefault(name, choices[:1])
            self.forms.append(self._form)
            self._form = None


def route_of(url: str) -> str:
    """The URL pattern a URL goes to ("referrals/<str:reference>/"), or its path when none does."""
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.route


def same_site(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("", "http") and parts.netloc in ("", "testserver") and parts.path.startswith("/")


def local(url: str) -> str:
    """The path and query of a URL on this site, which is what the test client takes."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def with_query(url: str, pairs) -> str:
    return f"{urlsplit(url).path}?{urlencode(pairs, doseq=True)}"


# Sending requests ----------------------------------------------------------------------------------------------------


@dataclass
class Failure:
    persona: str
    method: str
    url: str
    what: str  # the field, parameter or path argument, and the odd value in it
    status: int
    error: str

    def __str__(self):
        shown = self.url if len(self.url) < 160 else self.url[:150] + "…"
        return f"{self.persona}: {self.method.upper()} {shown} [{self.what}] -> {self.status} {self.error}"


@dataclass
class Crawl:
    persona: str
    client: Client
    failures: list[Failure] = field(default_factory=list)
    requests: int = 0
    visited: dict = field(default_factory=dict)  # (route, query names) -> how many URLs of it were opened
    forms: dict = field(default_factory=dict)  # Form.key -> the first such form found
    parameters: dict = field(default_factory=dict)  # (route, name) -> a URL that has it
    path_arguments: dict = field(default_factory=dict)  # URL name -> the arguments of a URL seen for it

    def send(self, method: str, url: str, data=None, *, what: str = ""):
        """One request, in a savepoint rolled back afterwards; a 5xx is noted, with the exception behind it."""
        errors = []

        def note(sender, **kwargs):
            errors.append(f"{type(sys.exc_info()[1]).__name__}: {str(sys.exc_info()[1]).strip()[:200]}")

        got_request_exception.connect(note)
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, data) if data is not None else \
                    getattr(self.client, method)(url)
                transaction.set_rollback(True)
        finally:
            got_request_exception.disconnect(note)
        self.requests += 1
        if response.status_code >= 500:
            self.failures.append(Failure(self.persona, method, url, what, response.status_code, "; ".join(errors)))
        return response

    # Finding the site's forms and parameters --------------------------------------------------------------------

    def explore(self, seeds: list[str]):
        queue = deque(seeds)
        opened = set()
        while queue and len(opened) < PAGES_PER_PERSONA:
            url = queue.popleft()
            if local(url) in opened or not self._worth_opening(url):
                continue
            opened.add(local(url))
            self._note_url(url)
            response = self.send("get", local(url), what="crawl")
            queue.extend(self._read(url, response))

    def _worth_opening(self, url: str) -> bool:
        if not same_site(url):
            return False
        path = urlsplit(url).path
        if path.startswith(("/static/", "/admin/")):  # files, and Django's own admin (no persona is a superuser)
            return False
        kind = (route_of(url), tuple(sorted(name for name, _ in parse_qsl(urlsplit(url).query))))
        if self.visited.get(kind, 0) >= URLS_PER_KIND_OF_PAGE:
            return False
        self.visited[kind] = self.visited.get(kind, 0) + 1
        return True

    def _note_url(self, url: str):
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            return
        if match.captured_kwargs and match.view_name:
            self.path_arguments.setdefault(match.view_name, dict(match.captured_kwargs))
        for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True):
            self.parameters.setdefault((match.route, name), url)

    def _read(self, url: str, response) -> list[str]:
        """The pages to open next: the page's links, and where its forms lead when sent as they are."""
        if response.status_code in (301, 302, 303):
            return [urljoin(url, response["Location"])]
        if not response.get("Content-Type", "").startswith("text/html"):
            return []
        reader = PageReader(url)
        reader.feed(response.content.decode())
        found = list(reader.links)
        for form in reader.forms:
            if form.key in self.forms or not same_site(form.action):
                continue
            self._note_url(form.action)
            if route_of(form.action) == route_of(reverse(SIGN_OUT)):
                continue
            form.session = self.client.session.load()
            self.forms[form.key] = form
            sent = self._submit(form, form.values, what="as rendered")
            if sent.status_code == 200 and form.method == "post":  # shown again with errors: fill in the boxes
                sent = self._submit(form, form.filled_in(), what="filled in")
            found.extend(self._read(form.action, sent))
        return found

    def _submit(self, form: Form, values: dict, *, what: str):
        """Send the form as if from the page it was on: with the session as it was then (the referral form's pages
        keep their answers in it, and sending the last page forgets them)."""
        session = self.client.session
        session.clear()
        session.update(form.session)
        session.save()
        if form.method == "get":
            return self.send("get", with_query(form.action, values), what=what)
        return self.send("post", local(form.action), values, what=what)

    # Sending odd values ------------------------------------------------------------------------------------------

    def send_odd_values_to_every_field(self):
        for form in self.forms.values():
            stems = {name[: -len(part)] for name in form.names for part in DATE_PARTS if name.endswith(part)}
            # A date's other boxes hold a real date, so that an odd day, month or year is what the field must judge.
            real_dates = {}
            for stem in stems:
                for part in DATE_PARTS:
                    rendered = form.values.get(stem + part, [""])
                    real_dates[stem + part] = rendered if rendered[0] else [plausible(part)]
            for name in form.names:
                if name == "csrfmiddlewaretoken":
                    continue
                rest = {**form.values, **real_dates} if name in real_dates else form.values
                for value in ODD_VALUES:
                    self._submit(form, {**rest, name: [value]}, what=f"{name}={value[:20]!r}")
            for stem in stems:
                date = {stem + part: [value] for part, value in LAST_DAY_OF_9999.items()}
                self._submit(form, {**form.values, **date}, what=f"{stem}=31 12 9999")

    def send_odd_values_to_every_parameter(self):
        for (route, name), url in self.parameters.items():
            pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
            for value in ODD_VALUES:
                odd = [(key, value if key == name else kept) for key, kept in pairs]
                self.send("get", with_query(url, odd), what=f"?{name}={value[:20]!r}")

    def send_odd_path_arguments(self):
        """Every URL pattern with a path argument, with each argument odd in turn (the others as seen in the crawl,
        or "1"), by GET and by POST. A value the pattern cannot match never reaches a view (a 404), so is skipped."""
        for name, arguments in patterns_with_arguments():
            seen = self.path_arguments.get(name, {})
            for argument in arguments:
                for value in ODD_PATH_ARGUMENTS:
                    kwargs = {other: seen.get(other, "1") for other in arguments} | {argument: value}
                    try:
                        url = reverse(name, kwargs=kwargs)
                    except NoReverseMatch:
                        continue
                    for method in ("get", "post"):
                        self.send(method, url, {} if method == "post" else None, what=f"<{argument}>={value[:20]!r}")


def patterns_with_arguments(resolver=None, namespace=""):
    """(URL name, its path arguments) for every named pattern that takes some, Django's admin left out."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from patterns_with_arguments(pattern, inner)
        elif pattern.name:
            if isinstance(pattern.pattern, RoutePattern):
                arguments = list(pattern.pattern.converters)
            else:
                arguments = list(pattern.pattern.regex.groupindex)
            if arguments:
                yield f"{namespace}{pattern.name}", arguments


# The cast ------------------------------------------------------------------------------------------------------------


@dataclass
class Site:
    people: object
    invitation_path: str
    shared_shortlist_code: str  # a shared list: its page, and its sharer's page with the form that emails it


@pytest.fixture
def site(people, settings):
    """The referral tests' cast with enough of everything for every list to have a second page and every kind of
    page its forms: a listing waiting for approval, a change waiting on a live one, referrals in each open status,
    an invitation waiting to be accepted."""
    settings.CACHES = {
        **settings.CACHES,
        "odd_input_sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "odd-input"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.SESSION_CACHE_ALIAS = "odd_input_sessions"
    council = people.lunch_club.council
    worcester = make_area("Worcester", 385100, 255100, council=council)
    day_clubs, carers = make_category("Day clubs"), make_client_group("Carers")
    people.day_club.categories.add(day_clubs)
    venue = make_postcode("WR1 2EY", 385000, 255000)
    for number in range(settings.RESULTS_PER_PAGE):  # a second page of results
        make_service(f"Sitting service {number}", enterprise=people.sitters, venue=venue, categories=[day_clubs],
                     client_groups=[carers], coverage_areas=[worcester])
    # More than a page of each referral list (25 for the referrer and the provider, 50 for staff): older, declined
    # ones, then one in each open status, which every list shows first.
    for _ in range(51):
        lifecycle.decline(referral=make_referral(service=people.day_club, referrer=people.ruth), by=people.jean,
                          reason=DeclineReason.FULL, detail="We are full until spring")
    make_referral(service=people.day_club, referrer=people.ruth)
    lifecycle.accept(referral=make_referral(service=people.day_club, referrer=people.ruth), by=people.jean)
    started = lifecycle.accept(referral=make_referral(service=people.day_club, referrer=people.ruth), by=people.jean)
    lifecycle.start_support(referral=started, by=people.jean)

    waiting = make_enterprise("Bromsgrove Walkers", status=Enterprise.Status.SUBMITTED, council=council,
                              submitted_at=timezone.now())
    make_service("Walking group", enterprise=waiting)
    # On another provider's listing: Jean's own stays open for her to edit.
    save_enterprise_details(people.sitters, by=people.sam, values={"phone": "01632 960999"})
    submit_revision(revision=people.sitters.revisions.get(status=Revision.Status.PENDING), by=people.sam)
    # And on a second listing of hers, whose page has the form that withdraws them.
    singers = make_enterprise("Malvern Singers", council=council)
    singers.members.add(people.jean)
    save_enterprise_details(singers, by=people.jean, values={"phone": "01632 960888"})
    submit_revision(revision=singers.revisions.get(status=Revision.Status.PENDING), by=people.jean)
    invitation = invite_to_team(organisation=people.other_team, by=people.owen, email="new.referrer@example.org")
    Synonym.objects.create(council=council, words="day centre", also_find="day club")  # its change and delete forms
    shared = readable_code(share([people.day_club.pk, people.sitting_service.pk]))
    submit_enquiry(area=worcester, idea="A lunch club", who_it_would_support="Older people", name="Dora Sampleton",
                   email="dora@example.com", submission_key=uuid.uuid4())  # the catalyst's page and its forms
    # Courses for providers: one Jean booked (the cancel form), one to book, one that ran (who attended).
    starts = timezone.now() + timezone.timedelta(days=7)
    course, _meetup, ran = (publish_event(council=council, by=people.stella, kind="course", title=title,
                                         description="A course.", starts_at=starts, online=False, venue="Guildhall",
                                         places=5) for title in ("Safeguarding", "Coffee", "First aid"))
    for booked in (course, ran):
        book_place(event=booked, person=people.jean)
    Event.objects.filter(pk=ran.pk).update(starts_at=timezone.now() - timezone.timedelta(days=1))
    return Site(people, invitation_path(invitation), shared)


def api_urls() -> list[str]:
    """The Open Referral UK API's lists, with every parameter they take (the API's pages have no links to follow)."""
    category, client_group = oruk.VOCABULARIES
    everything = urlencode({
        "search": "lunch", "taxonomy_term_id": oruk.oruk_id("category", 1), "taxonomy_id": category.id,
        "minimum_age": "18", "maximum_age": "99", "day": "MO", "start_time": "09:00", "end_time": "17:00",
        "postcode": "WR1 2EY", "proximity": "5000", "page": "1", "per_page": "10",
    })
    return [
        f"/api/oruk/services?{everything}",
        f"/api/oruk/service_at_locations?{everything}",
        "/api/oruk/taxonomies?page=1&per_page=10",
        f"/api/oruk/taxonomy_terms?taxonomy_id={client_group.id}&page=1&per_page=10",
    ]


def personas(site: Site) -> dict:
    """Each persona: who (None for the public) and the pages they start from."""
    people = site.people
    return {
        "the public": (None, ["/", "/search/?postcode=WR1+2EY", site.invitation_path, "/open-data/", *api_urls(),
                              f"/shortlist/share/{site.shared_shortlist_code}/",
                              f"/shortlist/shared/{site.shared_shortlist_code}/"]),
        "a provider": (people.jean, [landing_page(people.jean), "/provider/referrals/", "/"]),
        "a referrer": (people.ruth, [landing_page(people.ruth), "/referrals/",
                                     reverse("referrals:start", kwargs={"pk": people.day_club.pk})]),
        "council staff": (people.stella, [landing_page(people.stella), "/council/reports/", "/council/referrals/",
                                          "/invitations/new/"]),
    }


# The crawl -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["the public", "a provider", "a referrer", "council staff"])
def test_no_odd_input_anywhere_makes_a_server_error(site, persona):
    user, seeds = personas(site)[persona]
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    crawl = Crawl(persona, client)
    crawl.explore(seeds)
    assert len(crawl.forms) >= 3, f"the crawl found too few forms to mean anything: {list(crawl.forms)}"

    crawl.send_odd_values_to_every_field()
    crawl.send_odd_values_to_every_parameter()
    crawl.send_odd_path_arguments()

    print(f"{persona}: {sum(crawl.visited.values())} pages, {len(crawl.forms)} forms, "
          f"{len(crawl.parameters)} parameters, {crawl.requests} requests")
    assert not crawl.failures, f"{len(crawl.failures)} server errors:\n" + "\n".join(map(str, crawl.failures))


# What a person sees for each odd input the security review found -------------------------------------------------


@pytest.mark.parametrize("who, path", [
    (None, "/search/?postcode=WR1+2EY&page="), ("ruth", "/referrals/?page="), ("jean", "/provider/referrals/?page="),
    ("stella", "/council/referrals/?page="),
])
def test_a_page_number_past_any_list_shows_its_last_page(client, site, who, path):
    if who is not None:
        client.force_login(getattr(site.people, who))

    response = client.get(path + HUGE)

    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == page.paginator.num_pages > 1
    assert f'aria-label="Page {page.number}" aria-current="page"' in response.content.decode()
    assert len(page.object_list) == page.paginator.count - (page.number - 1) * page.paginator.per_page


def test_a_page_number_past_an_empty_list_is_its_only_page(client, people):
    client.force_login(people.ruth)

    response = client.get(f"/referrals/?page={HUGE}")

    assert response.status_code == 200 and response.context["page"].number == 1
    assert "<title>Your referrals" in response.content.decode() and "(page" not in response.content.decode()


@pytest.mark.parametrize("who, path", [
    (None, "/invitations/{token}%00/"), ("ruth", "/referrals/{reference}%00/"),
    ("ruth", "/referrals/%00{reference}/sent/"), ("jean", "/provider/referrals/{reference}%00/"),
    ("jean", "/provider/referrals/{reference}%00/accept/"), (None, "/reset/MQ/%00/"),
])
def test_a_nul_in_a_path_is_page_not_found(client, site, referral, who, path):
    if who is not None:
        client.force_login(getattr(site.people, who))
    token = site.invitation_path.strip("/").split("/")[-1]

    response = client.get(path.format(token=token, reference=referral.reference))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_no_url_takes_an_argument_that_could_hold_a_nul():
    """Django's `str` and `path` converters take a NUL, which PostgreSQL refuses: our URLs use `text` instead
    (core/converters.py), so that a NUL in a path is "Page not found", never a server error."""
    def patterns(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":  # Django's own, for superusers
                    yield from patterns(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), getattr(pattern.pattern, "converters", {})

    takes_nul = [route for route, converters in patterns(get_resolver())
                 if any(re.fullmatch(converter.regex, NUL) for converter in converters.values())]
    assert takes_nul == []
