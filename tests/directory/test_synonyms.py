"""Words people use: a synonym staff gave widens the public search and the open data's `search` alike, inside the
search's own statement (directory/search.py, `matching_words`)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enterprises.models import Synonym
from tests.factories import make_council, make_service
from tests.opendata.test_oruk_api import get as api_get
from tests.opendata.test_oruk_api import names as api_names


def found(client, **params) -> list[str]:
    response = client.get("/search/", params)
    assert response.status_code == 200
    page = response.context["page"]
    return sorted(service.name for service in page.object_list) if page else []


def synonym(words: str, also_find: str) -> Synonym:
    return Synonym.objects.create(council=make_council(), words=words, also_find=also_find)


@pytest.fixture
def near_worcester(home_postcode, postcode_miles_east):
    """Services a mile from the resident: a day club, a sitting service and a memory café."""
    venue = postcode_miles_east(1, "WR2 1AA")
    make_service("Thursday day club", venue=venue, summary="Lunch and company on Thursdays")
    make_service("Evening sitting", venue=venue, summary="Sitting and carer breaks at home")
    make_service("Memory café at St John's", venue=venue, summary="A friendly afternoon for people with memory loss")
    return venue


@pytest.mark.django_db
class TestThePublicSearch:
    def test_words_with_a_synonym_also_find_what_the_synonym_finds(self, client, near_worcester):
        assert found(client, q="day centre") == []
        synonym("day centre", "day club")

        assert found(client, q="day centre") == ["Thursday day club"]
        assert found(client, q="day centre", postcode="WR1 2EY") == ["Thursday day club"]

    def test_it_finds_what_the_words_themselves_find_too(self, client, near_worcester):
        make_service("Riverside day centre")
        synonym("day centre", "day club")

        assert found(client, q="day centre") == ["Riverside day centre", "Thursday day club"]

    def test_the_other_words_of_the_search_still_count(self, client, near_worcester):
        make_service("Evesham day club")
        synonym("day centre", "day club")

        assert found(client, q="day centre evesham") == ["Evesham day club"]
        assert found(client, q="evesham day centres") == ["Evesham day club"]

    def test_the_words_may_be_typed_in_quotes_or_in_another_form(self, client, near_worcester):
        synonym("day centre", "day club")

        assert found(client, q='"day centre"') == ["Thursday day club"]
        assert found(client, q="Day Centres") == ["Thursday day club"]

    def test_the_synonym_is_read_as_search_words_are(self, client, near_worcester):
        synonym("respite", "carers' breaks")
        synonym("dementia cafe", '"memory café"')

        assert found(client, q="respite") == ["Evening sitting"]
        assert found(client, q="dementia cafe") == ["Memory café at St John's"]

    def test_a_word_may_find_several_things(self, client, near_worcester):
        synonym("respite", "carer breaks")
        synonym("respite", "memory café")

        assert found(client, q="respite") == ["Evening sitting", "Memory café at St John's"]

    def test_a_synonym_works_one_way(self, client, near_worcester):
        make_service("Riverside day centre")
        synonym("day centre", "day club")

        assert found(client, q="day club") == ["Thursday day club"]

    def test_a_synonym_added_or_deleted_changes_the_search_at_once(self, client, near_worcester):
        assert found(client, q="respite") == []
        assert Client().get("/search/", {"q": "respite"}).wsgi_request.page_cache == "hit"
        respite = synonym("respite", "carer breaks")
        assert found(client, q="respite") == ["Evening sitting"]

        respite.delete()

        assert found(client, q="respite") == []

    @pytest.mark.parametrize("words, finds_the_day_club", [
        ("'", False), ("''day centre''", True), ("%L", False), ("%s day centre", True), ("\\", False),
        ("day centre'; --", True), ("(day | centre)", True), ("day:* centre", True), ("!!day centre", True),
        ("the day centre " + "and " * 45, True),
    ])
    def test_odd_words_never_cause_a_server_error(self, client, near_worcester, words, finds_the_day_club):
        synonym("day centre", "day club")
        synonym("O'Brien's", "'quoted' words")

        assert ("Thursday day club" in found(client, q=words)) == finds_the_day_club
        found(client, q=words, postcode="WR1 2EY")
        api_get(client, "/services", search=words[:200])

    def test_a_search_with_synonyms_runs_as_many_queries_as_one_without(self, client, near_worcester):
        def queries(words):
            client.get("/search/", {"q": "warm up", "postcode": "WR1 2EY"})  # the types of support, read once
            with CaptureQueriesContext(connection) as captured:
                response = client.get("/search/", {"q": words, "postcode": "WR1 2EY"})
            assert "1 service found" in response.content.decode()
            return [query["sql"] for query in captured.captured_queries if '"directory_cache"' not in query["sql"]
                    and not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]

        without = queries("day club")
        synonym("day centre", "day club")
        synonym("respite", "carer breaks")

        assert len(queries("day centre")) == len(without)


@pytest.mark.django_db
class TestTheOpenDataSearch:
    def test_the_apis_search_uses_the_same_synonyms(self, client, near_worcester):
        assert api_names(api_get(client, "/services", search="day centre")) == []
        synonym("day centre", "day club")

        assert api_names(api_get(client, "/services", search="day centre")) == ["Thursday day club"]
        assert api_names(api_get(client, "/services", search="day centre", postcode="WR1 2EY", proximity=5000)) == [
            "Thursday day club"]
