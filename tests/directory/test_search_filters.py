"""The search's filters as a resident on a phone uses them: age, days, accessibility, the order, and the tags of the
filters chosen, each of which takes just that one away."""

import re
from html import unescape

import pytest

from enterprises.models import Weekday
from tests.directory.test_search import found_names, search
from tests.factories import make_service


def tags(response) -> dict[str, str]:
    """The removable tags above the results: {what the tag says: where it leads}."""
    html = response.content.decode()
    found = re.findall(
        r'<a class="app-filter-tag" href="([^"]*)"><span class="govuk-visually-hidden">Remove this filter: </span>'
        r"([^<]*)<",
        html,
    )
    return {unescape(text): unescape(href) for href, text in found}


def follow(client, href):
    response = client.get(href)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
class TestAge:
    def test_choosing_age_80_hides_a_service_for_18_to_65(self, client):
        make_service("Working-age group", minimum_age=18, maximum_age=65)
        make_service("Over 60s club", minimum_age=60)
        make_service("Anyone welcome")

        assert set(found_names(search(client, age="80"))) == {"Over 60s club", "Anyone welcome"}
        assert set(found_names(search(client, age="40"))) == {"Working-age group", "Anyone welcome"}

    def test_the_ages_at_each_end_of_a_range_are_in_it(self, client):
        make_service("Working-age group", minimum_age=18, maximum_age=65)

        assert found_names(search(client, age="18")) == found_names(search(client, age="65")) == ["Working-age group"]
        assert found_names(search(client, age="66")) == []

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("eighty", "Enter the age as a whole number of years, like 80"),
            ("80.5", "Enter the age as a whole number of years, like 80"),
            ("-1", "Enter an age from 0 to 120"),
            ("200", "Enter an age from 0 to 120"),
            ("9" * 5000, "Enter the age as a whole number of years, like 80"),
            ("1e400", "Enter the age as a whole number of years, like 80"),
        ],
    )
    def test_an_age_it_cannot_use_is_told_beside_the_field_and_in_the_summary(self, client, typed, message):
        make_service("Anyone welcome")

        response = search(client, age=typed, q="club")
        html = response.content.decode()

        assert "There is a problem" in html and f'href="#id_age">{message}' in html
        assert '<p id="id_age-error" class="govuk-error-message">' in html and message in html
        assert f'value="{typed}"' in html  # what they typed, kept to correct
        assert "Anyone welcome" not in html
        assert "data-open" in html  # the filters open by themselves on a phone, to show the field

    def test_an_age_of_80_and_the_words_still_search_together(self, client):
        make_service("Lunch club for everyone")
        make_service("Lunch club for under 25s", maximum_age=25)

        assert found_names(search(client, q="lunch", age=" 80 ")) == ["Lunch club for everyone"]


@pytest.mark.django_db
class TestDaysAndAccessibility:
    def test_choosing_days_shows_the_services_that_run_on_any_of_them(self, client):
        make_service("Monday club", days=[Weekday.MON])
        make_service("Tuesday lunch", days=[Weekday.TUE, Weekday.FRI])
        make_service("Weekend walk", days=[Weekday.SAT])
        make_service("No days given")

        assert set(found_names(search(client, days=["mon", "fri"]))) == {"Monday club", "Tuesday lunch"}

    def test_step_free_access_shows_only_services_whose_provider_said_yes(self, client):
        make_service("Ground floor hall", step_free_access=True)
        make_service("Upstairs room", step_free_access=False)
        make_service("Not asked", step_free_access=None)

        assert found_names(search(client, access="step_free_access")) == ["Ground floor hall"]

    def test_choosing_step_free_access_and_a_hearing_loop_needs_both(self, client):
        make_service("Both", step_free_access=True, hearing_loop=True)
        make_service("Step-free only", step_free_access=True, hearing_loop=None)

        assert found_names(search(client, access=["step_free_access", "hearing_loop"])) == ["Both"]

    def test_a_day_that_is_not_one_is_told_not_a_server_error(self, client):
        html = search(client, days="someday").content.decode()

        assert "There is a problem" in html


@pytest.mark.django_db
class TestSelectedFilters:
    def test_each_filter_chosen_is_a_tag_and_the_button_counts_them(self, client, day_clubs, home_help):
        response = search(client, postcode="", category=["day-clubs", "home-help"], age="80", taking="on")

        assert set(tags(response)) == {"Day clubs", "Home help", "Age 80", "Taking new people"}
        assert "Show filters (4)" in response.content.decode()

    def test_a_removable_tag_removes_just_that_filter(self, client, day_clubs, home_help):
        make_service("Club for all ages", categories=[day_clubs])
        make_service("Help for under 25s", categories=[home_help], maximum_age=25)
        make_service("Help for all ages", categories=[home_help])
        response = search(client, q="", category=["day-clubs", "home-help"], age="80")
        assert set(found_names(response)) == {"Club for all ages", "Help for all ages"}

        without_day_clubs = follow(client, tags(response)["Day clubs"])
        assert found_names(without_day_clubs) == ["Help for all ages"]
        assert set(tags(without_day_clubs)) == {"Home help", "Age 80"}

        without_age = follow(client, tags(response)["Age 80"])
        assert set(found_names(without_age)) == {"Club for all ages", "Help for under 25s", "Help for all ages"}
        assert set(tags(without_age)) == {"Day clubs", "Home help"}

    def test_clear_filters_keeps_the_words_and_the_place(self, client, home_postcode, day_clubs):
        response = search(client, q="lunch", postcode="WR1 2EY", distance="10", category="day-clubs", age="80")

        clear = re.search(r'<a class="govuk-link" href="([^"]*)">Clear filters</a>', response.content.decode())

        assert unescape(clear[1]) == "/search/?q=lunch&postcode=WR1+2EY&distance=10"
        assert tags(follow(client, unescape(clear[1]))) == {}

    def test_with_no_filters_chosen_there_are_no_tags_and_no_count(self, client):
        html = search(client, q="lunch").content.decode()

        assert "Selected filters" not in html and "Show filters</a>" in html

    def test_the_results_come_before_the_filters_in_the_page(self, client):
        make_service("Lunch club")

        html = search(client, q="lunch").content.decode()

        assert html.index('id="results"') < html.index('id="filters"')
        assert html.index('href="#filters"') < html.index('id="results"')


@pytest.mark.django_db
class TestSortOrder:
    def test_best_match_comes_first_unless_they_choose_nearest(self, client, home_postcode, postcode_miles_east):
        make_service("Lunch club", summary="Lunch, lunch and more lunch", venue=postcode_miles_east(4, "WR2 4AA"))
        make_service(
            "Friendship group", summary="Tea and a lunch now and then", venue=postcode_miles_east(1, "WR2 1AA")
        )

        assert found_names(search(client, q="lunch", postcode="WR1 2EY")) == ["Lunch club", "Friendship group"]
        nearest = search(client, q="lunch", postcode="WR1 2EY", sort="nearest")
        assert found_names(nearest) == ["Friendship group", "Lunch club"]
        assert 'value="nearest" checked' in nearest.content.decode()

    def test_without_words_it_says_the_nearest_come_first_and_offers_no_best_match(
        self, client, home_postcode, postcode_miles_east
    ):
        make_service("Far club", venue=postcode_miles_east(4, "WR2 4AA"))
        make_service("Near club", venue=postcode_miles_east(1, "WR2 1AA"))

        response = search(client, postcode="WR1 2EY", sort="best")
        html = response.content.decode()

        assert found_names(response) == ["Near club", "Far club"]
        assert "Nearest first. Search for words too to sort by best match." in html
        assert "Best match</label>" not in html

    def test_without_a_place_it_says_the_best_match_comes_first(self, client):
        make_service("Lunch club")

        html = search(client, q="lunch", sort="nearest").content.decode()

        assert "Best match first. Give a postcode or place to sort by nearest." in html


@pytest.mark.django_db
class TestNothingNear:
    def test_the_suggestion_to_drop_the_age_finds_something(self, client, home_postcode, postcode_miles_east):
        make_service("Youth club", maximum_age=25, days=[Weekday.MON], venue=postcode_miles_east(1, "WR2 1AA"))

        response = search(client, postcode="WR1 2EY", age="80", days="mon")

        assert response.context["filters_to_drop"] == [("age", "“Age of the person: 80”")]
        assert found_names(search(client, postcode="WR1 2EY", days="mon")) == ["Youth club"]
        # Without the days it is still nothing, so the days are not offered.
        assert found_names(search(client, postcode="WR1 2EY", age="80")) == []
