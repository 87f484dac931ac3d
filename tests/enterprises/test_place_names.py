"""Council staff add the villages and local names of their areas, and residents search from them as from a town."""

import pytest
from django.test import Client

from enterprises.models import AreaName
from tests.directory.test_search import found_names, search
from tests.factories import make_area, make_council, make_place, make_postcode, make_service

URL = "/council/place-names/"


@pytest.fixture
def malvern(people):
    """Malvern, an area of Stella's council, with a lunch club in Callow End, 10 miles away."""
    area = make_area("Malvern", 377500, 245800, council=people.stella.staff_membership.council)
    make_postcode("WR2 4TE", 392000, 240000)  # Callow End
    make_service("Callow End Lunch Club", venue=make_postcode("WR2 4TF", 392100, 240100))
    return area


def stella(people) -> Client:
    client = Client()
    client.force_login(people.stella)
    return client


def add(client, **data):
    return client.post(URL, {"name": "Callow End", "postcode": "WR2 4TE", **data})


def test_stella_adds_a_village_and_residents_find_services_from_it(client, people, malvern):
    assert "Enter a full UK postcode, like WR1 2EY, or a town or village" in search(
        client, postcode="Callow End").content.decode()

    staff = stella(people)
    response = add(staff, area=malvern.pk)

    assert response.status_code == 302
    page = staff.get(URL).content.decode()
    assert "People can now search for Callow End" in page and "Malvern" in page
    results = search(client, postcode="callow end")
    assert found_names(results) == ["Callow End Lunch Club"]
    assert "1 service found within 5 miles of Callow End" in results.content.decode()


def test_without_a_postcode_the_search_starts_from_the_areas_centre(client, people, malvern):
    make_service("Malvern Day Club", venue=make_postcode("WR14 1AA", 377600, 245900))

    add(stella(people), area=malvern.pk, name="Great Malvern Priory", postcode="")

    assert found_names(search(client, postcode="Great Malvern Priory")) == ["Malvern Day Club"]


def test_the_areas_own_name_is_searchable_without_adding_it(client, people, malvern):
    make_service("Malvern Day Club", venue=make_postcode("WR14 1AA", 377600, 245900))

    assert found_names(search(client, postcode="Malvern")) == ["Malvern Day Club"]


def test_a_council_name_for_a_town_people_can_already_search_is_the_same_place(client, people, malvern):
    make_place("Malvern", 377800, 246000, population=29626)

    response = search(client, postcode="Malvern")

    assert "more than one place called Malvern" not in response.content.decode()


def test_a_misspelt_village_is_suggested(client, people, malvern):
    add(stella(people), area=malvern.pk)

    assert "Did you mean" in search(client, postcode="Calow End").content.decode()
    assert "Callow End</a>?" in search(client, postcode="Calow End").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter the place name"),
        ({"name": "WR2 4TE"}, "Enter a place name in letters, like Callow End"),
        ({"name": "x" * 101}, "The place name must be 100 characters or fewer"),
        ({"area": ""}, "Choose the area it is in"),
        ({"area": "99999999999999999999"}, "Choose one of your council’s areas"),
        ({"postcode": "nowhere"}, "Enter a real postcode, like WR1 2EY"),
        ({"name": "Malvern"}, "Malvern is already the name of one of your areas"),
        ({"name": "Callow\x00 End"}, "Null characters are not allowed"),
    ],
)
def test_a_name_that_cannot_be_added_says_why_beside_the_field_and_keeps_what_was_typed(people, malvern, data,
                                                                                        message):
    response = add(stella(people), **{"area": malvern.pk, **data})

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert AreaName.objects.count() == 0


def test_a_known_town_is_not_added_again(people, malvern):
    make_place("Callow End", 391900, 239900, population=1200)

    page = add(stella(people), area=malvern.pk).content.decode()

    assert "People can already search for Callow End" in page
    assert 'value="Callow End"' in page


def test_adding_the_same_name_twice_keeps_one(people, malvern):
    add(stella(people), area=malvern.pk)
    second = add(stella(people), area=malvern.pk, name="callow  end")

    assert second.status_code == 302
    assert AreaName.objects.count() == 1


def test_another_councils_area_cannot_be_chosen(people, malvern):
    hereford = make_area("Hereford", 351000, 240000, council=make_council("Herefordshire Council"))

    page = add(stella(people), area=hereford.pk).content.decode()

    assert "Choose one of your council’s areas" in page and AreaName.objects.count() == 0


def test_stella_removes_a_name_and_it_is_no_longer_found(client, people, malvern):
    add(stella(people), area=malvern.pk)
    added = AreaName.objects.get()

    stella(people).post(f"{URL}{added.pk}/remove/")

    assert not AreaName.objects.exists()
    assert found_names(search(client, postcode="Callow End")) == []


def test_staff_of_another_council_neither_see_nor_remove_the_name(people, malvern):
    add(stella(people), area=malvern.pk)
    added = AreaName.objects.get()
    hugo = Client()
    hugo.force_login(people.hugo)

    assert "No place names added yet" in hugo.get(URL).content.decode()
    hugo.post(f"{URL}{added.pk}/remove/")

    assert AreaName.objects.filter(pk=added.pk).exists()


@pytest.mark.parametrize("who", ["ruth", "jean"])
def test_only_council_staff_may_use_the_page(people, malvern, who):
    client = Client()
    client.force_login(getattr(people, who))

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "Callow End", "area": malvern.pk}).status_code == 403
    assert AreaName.objects.count() == 0


def test_a_visitor_is_asked_to_sign_in(client, people, malvern):
    response = client.get(URL)

    assert response.status_code == 302 and "/sign-in/" in response.url
