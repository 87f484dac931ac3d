"""The demo's starter set of words people use (demo/data/synonyms.yaml), through the real search."""

import pytest

from demo.seed import DEMO_COUNCIL_NAME, demo_data
from enterprises.models import Council, Synonym
from tests.demo.test_seed import make_town_postcodes, seed_demo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_postcodes")]


@pytest.fixture
def demo_postcodes():
    make_town_postcodes()

STARTERS = ["respite", "handyman", "cleaner", "day centre", "dementia cafe"]


def near_worcester(client, words: str) -> list[str]:
    worcester = next(town for town in demo_data().towns if town.slug == "worcester")
    outward, inward = worcester.postcode.split(" ")
    response = client.get("/search/", {"q": words, "postcode": f"{outward} {inward[0]}AA"})
    assert response.status_code == 200
    page = response.context["page"]
    return [service.name for service in page.object_list] if page else []


@pytest.mark.parametrize("words", STARTERS)
def test_each_starter_word_finds_services_near_worcester_through_its_synonyms(client, words):
    seed_demo()
    found = set(near_worcester(client, words))

    Synonym.objects.all().delete()

    assert found > set(near_worcester(client, words))


def test_seeding_again_adds_no_second_copy_and_keeps_what_staff_added():
    seed_demo()
    council = Council.objects.get(name=DEMO_COUNCIL_NAME)
    starters = council.synonyms.count()
    Synonym.objects.create(council=council, words="lunch", also_find="meals")

    seed_demo()

    assert council.synonyms.count() == starters + 1
    assert set(council.synonyms.values_list("words", flat=True)) >= set(STARTERS)


def test_make_run_on_a_demo_seeded_before_there_were_synonyms_adds_the_starter_set():
    import io

    from django.core.management import call_command

    seed_demo()
    Synonym.objects.all().delete()  # as a database seeded before the starter set existed

    call_command("seed_demo", "--if-empty", stdout=io.StringIO())

    assert {words for words, _ in Synonym.objects.values_list("words", "also_find")} >= set(STARTERS)
