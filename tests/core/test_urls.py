"""Addresses worked out once per URL name (core.urls.reverse_ids) are the ones Django's reverse() gives: for each
named URL that takes ids or nothing, for several ids at once, and when the site is served under a path of its own."""

import pytest
from django.urls import get_resolver, get_script_prefix, reverse, set_script_prefix
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

from core.urls import reverse_ids


def names_taking_only_ids():
    """Every named URL of the site whose arguments are all ids (<int:…>), or that takes none, with how many."""
    found = {}

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif pattern.name and isinstance(pattern.pattern, RoutePattern):
                converters = pattern.pattern.converters.values()
                if all(isinstance(converter, IntConverter) for converter in converters):
                    found[namespace + pattern.name] = len(converters)

    walk(get_resolver(), "")
    return found


def test_every_address_that_takes_ids_is_the_one_reverse_gives():
    names = names_taking_only_ids()
    assert {"service", "shortlist_add", "referrals:start", "home", "search", "accessibility"} <= names.keys()
    for name, count in names.items():
        ids = [7 + 1000 * number for number in range(count)]
        assert reverse_ids(name, *ids) == reverse(name, args=ids), name


@pytest.fixture
def under_a_path():
    before = get_script_prefix()
    set_script_prefix("/care-directory/")
    yield
    set_script_prefix(before)


def test_under_a_path_of_its_own_the_addresses_start_with_it(under_a_path):
    assert reverse_ids("service", 12) == reverse("service", args=[12]) == "/care-directory/services/12/"
    assert reverse_ids("search") == reverse("search") == "/care-directory/search/"


def test_a_different_id_gives_a_different_address_each_time():
    assert [reverse_ids("service", pk) for pk in (1, 987654321, 22)] == [
        "/services/1/", "/services/987654321/", "/services/22/",
    ]
