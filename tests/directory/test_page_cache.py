"""The public pages' content, kept in the shared cache for visitors who are not signed in (directory/page_cache.py):
what a resident sees must be the same as without it, for them and for the next visitor, and a change to a listing
must show on the very next page."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from directory.models import SearchRecord
from directory.page_cache import release
from enterprises.models import Capacity, Enterprise, Organisation
from tests.factories import make_council, make_service, make_user

SEARCH = "/search/?q=day+club"  # a search from no place: the kind kept (ADR 14)


@pytest.fixture
def club(db, home_postcode, postcode_miles_east):
    return make_service("Thursday day club", venue=postcode_miles_east(1, "WR2 1AA"))


def statements(client, path):
    """The SQL a page ran, and its response."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return [query["sql"] for query in queries.captured_queries], response


def read_services(sqls):
    return any('FROM "enterprises_service"' in sql for sql in sqls)


def shortlist_buttons(response):
    return re.findall(r"(Add|Remove)<span class=\"govuk-visually-hidden\"> ([^<]+)</span>", response.content.decode())


def main_without_tokens(response):
    """The page's main content, with each visitor's own CSRF token taken out."""
    main = response.content.decode().split("<main")[1]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def csrf_token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


@pytest.mark.django_db
class TestTheSecondVisitor:
    def test_a_repeated_search_is_answered_from_the_cache_without_searching_again(self, client, club):
        first_sql, first = statements(client, SEARCH)
        second_sql, second = statements(Client(), SEARCH)

        assert read_services(first_sql) and not read_services(second_sql)
        assert "Thursday day club" in second.content.decode()
        assert "1 service found" in second.content.decode()
        assert len(second_sql) == 2  # the content with the catalogue version in one query, and the search record

    def test_the_home_page_is_answered_from_the_cache_too(self, client, club):
        first_sql, first = statements(client, "/")
        second_sql, second = statements(Client(), "/")

        assert not any('"enterprises_' in sql for sql in second_sql)
        assert main_without_tokens(second) == main_without_tokens(first)

    def test_pages_rarely_asked_for_twice_are_made_afresh_and_never_written_to_the_cache(self, client, club):
        """ADR 14: a search from a postcode or a service page missed the cache on varied traffic, so keeping them
        only cost a write."""
        for path in ["/search/?postcode=WR1+2EY&distance=5", f"/services/{club.pk}/",
                     f"/providers/{club.enterprise.slug}/"]:
            first_sql, first = statements(client, path)
            second_sql, second = statements(Client(), path)

            assert read_services(second_sql), path
            assert not any('"directory_cache"' in sql and not sql.startswith("SELECT") for sql in first_sql), path
            assert main_without_tokens(second) == main_without_tokens(first), path

    def test_it_records_every_search_even_when_the_page_comes_from_the_cache(self, client, club):
        client.get(SEARCH)
        Client().get(SEARCH)
        Client().get(SEARCH + "&page=1")  # turning a page is not another search

        assert SearchRecord.objects.count() == 2
        assert set(SearchRecord.objects.values_list("postcode_district", "result_count")) == {("", 1)}

    def test_the_request_log_says_whether_the_page_came_from_the_cache(self, client, club, caplog):
        with caplog.at_level("INFO", logger="directory.requests"):
            client.get(SEARCH)
            Client().get(SEARCH)

        lines = [json.loads(record.getMessage()) for record in caplog.records if record.name == "directory.requests"]
        assert [line["page_cache"] for line in lines] == ["miss", "hit"]


@pytest.mark.django_db
class TestEachVisitorGetsTheirOwnButtons:
    def test_a_visitor_sees_remove_for_what_is_on_their_shortlist_and_the_next_visitor_does_not(self, club):
        keeper, stranger = Client(), Client()
        keeper.post(f"/shortlist/add/{club.pk}/")

        keepers_page = keeper.get(SEARCH)
        strangers_page = stranger.get(SEARCH)
        keepers_again = keeper.get(SEARCH)

        assert shortlist_buttons(keepers_page) == [("Remove", "Thursday day club")]
        assert shortlist_buttons(strangers_page) == [("Add", "Thursday day club")]
        assert shortlist_buttons(keepers_again) == [("Remove", "Thursday day club")]

    def test_a_page_from_the_cache_carries_the_visitors_own_csrf_token_which_works(self, club):
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        first.get(SEARCH)

        page = second.get(SEARCH)
        added = second.post(f"/shortlist/add/{club.pk}/", {"csrfmiddlewaretoken": csrf_token(page), "next": SEARCH})

        assert added.status_code == 302
        assert shortlist_buttons(second.get(SEARCH)) == [("Remove", "Thursday day club")]

    def test_a_page_from_the_cache_shows_the_visitors_own_message_once_and_their_shortlist_count(self, club):
        Client().get(SEARCH)
        keeper = Client()

        added = keeper.post(f"/shortlist/add/{club.pk}/", {"next": SEARCH}, follow=True).content.decode()
        again = keeper.get(SEARCH).content.decode()
        strangers = Client().get(SEARCH).content.decode()

        assert "Thursday day club is on your shortlist" in added and "Your shortlist (1)" in added
        assert "is on your shortlist" not in again and "Your shortlist (1)" in again
        assert "is on your shortlist" not in strangers and "Your shortlist (0)" in strangers

    def test_the_shortlist_page_is_each_visitors_own(self, club):
        keeper, stranger = Client(), Client()
        keeper.post(f"/shortlist/add/{club.pk}/")

        keepers = keeper.get("/shortlist/").content.decode()
        strangers = stranger.get("/shortlist/").content.decode()

        assert "Thursday day club" in keepers
        assert "Thursday day club" not in strangers and "Your shortlist is empty" in strangers

    def test_a_shortlisted_service_that_is_unpublished_leaves_the_shortlist(self, club):
        keeper = Client()
        keeper.post(f"/shortlist/add/{club.pk}/")
        assert "Thursday day club" in keeper.get("/shortlist/").content.decode()

        club.enterprise.status = Enterprise.Status.SUSPENDED
        club.enterprise.save()

        assert "Thursday day club" not in keeper.get("/shortlist/").content.decode()

    def test_text_typed_by_a_provider_cannot_pose_as_a_slot(self, client, home_postcode, postcode_miles_east):
        make_service(
            "Club <!--csrf--> <!--shortlist 1-->x<!--or-->y<!--/shortlist-->",
            summary="<!--csrf-->",
            venue=postcode_miles_east(1, "WR2 1AA"),
        )

        Client().get("/search/?q=club")
        html = client.get("/search/?q=club").content.decode()  # from the cache

        assert "&lt;!--csrf--&gt;" in html
        assert "&lt;!--shortlist 1--&gt;x&lt;!--or--&gt;y&lt;!--/shortlist--&gt;" in html


@pytest.mark.django_db
class TestChangesShowAtOnce:
    def test_a_suspended_listing_is_gone_from_the_next_page(self, client, club):
        assert "Thursday day club" in client.get(SEARCH).content.decode()

        club.enterprise.status = Enterprise.Status.SUSPENDED
        club.enterprise.save()

        assert "Thursday day club" not in client.get(SEARCH).content.decode()
        assert client.get(f"/services/{club.pk}/").status_code == 404

    def test_a_capacity_change_shows_on_the_next_page(self, client, club):
        client.get(f"/services/{club.pk}/")

        club.capacity = Capacity.FULL
        club.save()

        assert "Full" in client.get(f"/services/{club.pk}/").content.decode()

    def test_a_new_type_of_support_on_a_service_shows_on_the_next_page(self, client, club, day_clubs):
        assert "Day clubs" not in client.get(f"/services/{club.pk}/").content.decode().split("<main")[1]

        club.categories.add(day_clubs)

        assert "Day clubs" in client.get(f"/services/{club.pk}/").content.decode().split("<main")[1]

    def test_a_page_not_found_is_not_kept(self, client, club):
        club.enterprise.status = Enterprise.Status.SUSPENDED
        club.enterprise.save()
        assert client.get(f"/services/{club.pk}/").status_code == 404

        club.enterprise.status = Enterprise.Status.PUBLISHED
        club.enterprise.save()

        assert client.get(f"/services/{club.pk}/").status_code == 200

    def test_a_new_release_does_not_serve_the_pages_of_the_last(self, client, club, monkeypatch):
        client.get(SEARCH)
        monkeypatch.setattr("directory.page_cache.release", lambda: "the-next-release")

        sqls, _ = statements(client, SEARCH)

        assert read_services(sqls)

    def test_the_next_day_the_page_is_made_afresh(self, client, club, monkeypatch):
        client.get(SEARCH)
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        monkeypatch.setattr("directory.page_cache.timezone.localdate", lambda: tomorrow)

        sqls, _ = statements(client, SEARCH)

        assert read_services(sqls)


@pytest.mark.django_db
class TestWhoIsServedFromTheCache:
    def test_signed_in_referrers_get_their_refer_links_and_visitors_never_see_them(self, client, club):
        referrer = make_user("ruth@worcestershire.example")
        Organisation.objects.create(council=make_council(), name="Adult Social Care").members.add(referrer)
        Client().get(SEARCH)  # the content is in the cache
        client.force_login(referrer)

        referrers_sql, referrers_page = statements(client, SEARCH)
        visitors_page = Client().get(SEARCH)

        assert read_services(referrers_sql)
        assert "Refer someone" in referrers_page.content.decode()
        assert "Refer someone" not in visitors_page.content.decode()

    def test_it_can_be_turned_off(self, client, club, settings):
        settings.PUBLIC_PAGE_CACHE_SECONDS = 0
        client.get(SEARCH)

        sqls, _ = statements(Client(), SEARCH)

        assert read_services(sqls)
        # No page is read from the cache or written to it; only the catalogue's version is read, which says whether
        # the types of support this process has kept are still current.
        cached = [sql for sql in sqls if '"directory_cache"' in sql]
        assert all(sql.startswith("SELECT") and "catalogue-version" in sql for sql in cached)
        assert not any("public-pages:" in sql and "catalogue-version" not in sql for sql in cached)


def test_the_release_changes_when_a_template_the_code_or_the_static_files_change(tmp_path, settings):
    templates, code, static = tmp_path / "templates", tmp_path / "directory", tmp_path / "static"
    for folder in (templates, code, static):
        folder.mkdir()
    (templates / "base.html").write_text("<title>One</title>")
    (code / "views.py").write_text("def home(request): ...")
    settings.BASE_DIR, settings.STATIC_ROOT = tmp_path, static
    releases = []
    try:
        for change in [
            lambda: None,
            lambda: (templates / "base.html").write_text("<title>Two</title>"),
            lambda: (code / "views.py").write_text("def home(request): return None"),
            lambda: (static / "staticfiles.json").write_text('{"paths": {"app.css": "app.1a2b.css"}}'),
        ]:
            change()
            release.cache_clear()
            releases.append(release())
    finally:
        release.cache_clear()

    assert len(set(releases)) == 4
