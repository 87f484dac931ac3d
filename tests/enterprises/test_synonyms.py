"""Words people use: council staff keep their council's synonyms for the search (who may use the pages is in
tests/enterprises/test_council.py's matrix; what the search does with them, in tests/directory/test_synonyms.py)."""

import html as html_module

import pytest
from django.test import Client

from enterprises.models import Synonym
from tests.personas import fast_passwords

PAGES = "/council/words-people-use/"


def page(response) -> str:
    return html_module.unescape(response.content.decode())


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    fast_passwords(settings)


@pytest.fixture
def stella(people):
    return signed_in(people.stella)


@pytest.fixture
def day_centre(people):
    return Synonym.objects.create(council=people.stella.staff_membership.council, words="day centre",
                                  also_find="day club")


@pytest.mark.django_db
class TestTheList:
    def test_it_lists_the_councils_synonyms_with_links_to_change_and_delete_each(self, stella, day_centre):
        shown = page(stella.get(PAGES))

        assert "day centre" in shown and "day club" in shown
        assert f'href="{PAGES}{day_centre.pk}/"' in shown and f'href="{PAGES}{day_centre.pk}/delete/"' in shown
        assert f'href="{PAGES}add/"' in shown

    def test_it_says_when_there_are_none(self, stella):
        assert "No synonyms yet" in page(stella.get(PAGES))

    def test_staff_of_another_council_see_none_of_them_and_cannot_open_them(self, people, day_centre):
        hugo = signed_in(people.hugo)

        assert "No synonyms yet" in page(hugo.get(PAGES))
        assert hugo.get(f"{PAGES}{day_centre.pk}/").status_code == 404
        assert hugo.get(f"{PAGES}{day_centre.pk}/delete/").status_code == 404
        assert hugo.post(f"{PAGES}{day_centre.pk}/delete/").status_code == 404
        assert hugo.post(f"{PAGES}{day_centre.pk}/", {"words": "x", "also_find": "y"}).status_code == 404
        day_centre.refresh_from_db()
        assert (day_centre.words, day_centre.also_find) == ("day centre", "day club")

    @pytest.mark.parametrize("persona", ["jean", "ruth"])
    def test_providers_and_referrers_cannot_open_the_forms(self, people, day_centre, persona):
        client = signed_in(getattr(people, persona))

        for path in [PAGES, f"{PAGES}add/", f"{PAGES}{day_centre.pk}/", f"{PAGES}{day_centre.pk}/delete/"]:
            assert client.get(path).status_code == 403

    def test_the_council_pages_link_to_it(self, stella):
        assert f'href="{PAGES}"' in page(stella.get("/council/"))


@pytest.mark.django_db
class TestAddingAndChanging:
    def test_a_new_synonym_is_saved_for_the_staff_members_council_and_listed(self, people, stella):
        response = stella.post(f"{PAGES}add/", {"words": "  Cleaner ", "also_find": "home   help"})

        assert (response.status_code, response.url) == (302, PAGES)
        synonym = Synonym.objects.get()
        assert (synonym.council, synonym.words, synonym.also_find) == (
            people.stella.staff_membership.council, "Cleaner", "home help")
        listed = page(stella.get(PAGES))
        assert "A search for “Cleaner” now also finds “home help”" in listed

    def test_the_words_can_be_filled_in_by_a_link(self, stella):
        form = stella.get(f"{PAGES}add/", {"words": "respite"})

        assert form.context["form"]["words"].value() == "respite"
        assert "<h1 class=\"govuk-heading-xl\">Add a synonym</h1>" in page(form)
        assert 'value="respite"' in page(form)

    def test_a_synonym_can_be_changed(self, stella, day_centre):
        form = page(stella.get(f"{PAGES}{day_centre.pk}/"))
        assert "<h1 class=\"govuk-heading-xl\">Change a synonym</h1>" in form
        assert 'value="day centre"' in form and 'value="day club"' in form

        response = stella.post(f"{PAGES}{day_centre.pk}/", {"words": "day centre", "also_find": "lunch club"})

        assert response.status_code == 302
        day_centre.refresh_from_db()
        assert day_centre.also_find == "lunch club"
        assert Synonym.objects.count() == 1

    def test_saving_a_synonym_unchanged_is_not_a_duplicate_of_itself(self, stella, day_centre):
        response = stella.post(f"{PAGES}{day_centre.pk}/", {"words": "Day Centre", "also_find": "day club"})

        assert response.status_code == 302

    def test_the_same_words_may_find_several_things(self, stella, day_centre):
        stella.post(f"{PAGES}add/", {"words": "day centre", "also_find": "lunch club"})

        assert Synonym.objects.count() == 2

    def test_another_council_may_have_the_same_synonym(self, people, day_centre):
        response = signed_in(people.hugo).post(f"{PAGES}add/", {"words": "day centre", "also_find": "day club"})

        assert response.status_code == 302
        assert Synonym.objects.count() == 2


@pytest.mark.django_db
class TestBadInput:
    def assert_error(self, response, field, message, *, kept: dict):
        shown = page(response)
        assert response.status_code == 200
        assert "There is a problem" in shown and "<title>Error: " in shown
        assert f'<a href="#id_{field}">{message}' in shown
        assert f'id="id_{field}-error"' in shown
        assert shown.count(message) == 2  # in the summary and beside the field
        for value in kept.values():
            assert f'value="{value}"' in shown

    @pytest.mark.parametrize("fields, field, message", [
        ({"words": "", "also_find": "day club"}, "words", "Enter the words people search for"),
        ({"words": "day centre", "also_find": "   "}, "also_find",
         "Enter the words a search for them should also find"),
        ({"words": "x" * 201, "also_find": "day club"}, "words", "Keep it under 200 characters"),
        ({"words": "the", "also_find": "day club"}, "words",
         "The search ignores words as common as “the”. Enter other words"),
        ({"words": "day centre", "also_find": "day club -lunch"}, "also_find",
         "Take out the minus sign: the search would leave out what follows it"),
        ({"words": "day centres", "also_find": "Day Centre"}, "also_find",
         "Enter different words: the search already reads these as the words above"),
    ])
    def test_it_explains_what_to_put_right_beside_the_field_and_keeps_what_was_typed(self, stella, fields, field,
                                                                                     message):
        response = stella.post(f"{PAGES}add/", fields)

        kept = {name: value for name, value in fields.items() if value.strip() and len(value) <= 200}
        self.assert_error(response, field, message, kept=kept)
        assert not Synonym.objects.exists()

    def test_a_synonym_already_there_is_refused_whatever_its_capitals_and_spaces(self, stella, day_centre):
        response = stella.post(f"{PAGES}add/", {"words": "Day  Centre", "also_find": "DAY CLUB "})

        self.assert_error(response, "also_find", "A search for “Day Centre” already finds “DAY CLUB”",
                          kept={"words": "Day  Centre"})
        assert Synonym.objects.count() == 1

    @pytest.mark.parametrize("typed", [
        "day\x00centre", "'; DROP TABLE enterprises_synonym; --", "a & b | !c", "\"unclosed", "(((", ":*", "ℌ𝔢𝔩𝔭 ☕",
        "<script>alert(1)</script>", "café", "carers' breaks", "-", "\u200b",
    ])
    def test_odd_input_never_causes_a_server_error(self, stella, day_centre, typed):
        for fields in ({"words": typed, "also_find": "day club"}, {"words": "lunch", "also_find": typed}):
            assert stella.post(f"{PAGES}add/", fields).status_code in {200, 302}
            assert stella.post(f"{PAGES}{day_centre.pk}/", fields).status_code in {200, 302}
        assert stella.get(f"{PAGES}add/", {"words": typed}).status_code == 200
        assert stella.get(PAGES).status_code == 200
        assert stella.get("/search/", {"q": "day centre"}).status_code == 200

    def test_an_unknown_synonym_is_not_found(self, stella):
        assert stella.get(f"{PAGES}999999/").status_code == 404
        assert stella.post(f"{PAGES}999999/delete/").status_code == 404


@pytest.mark.django_db
class TestDeleting:
    def test_it_asks_first_then_deletes(self, stella, day_centre):
        asked = page(stella.get(f"{PAGES}{day_centre.pk}/delete/"))
        assert "A search for “day centre” will no longer also find “day club”" in asked
        assert Synonym.objects.exists()

        response = stella.post(f"{PAGES}{day_centre.pk}/delete/")

        assert (response.status_code, response.url) == (302, PAGES)
        assert not Synonym.objects.exists()
        assert "no longer also finds “day club”" in page(stella.get(PAGES))
