"""core.status_filter: the counts, the choice and the rows of a list filtered by status, for any model."""

import pytest

from core.status_filter import filter_by_status
from enterprises.models import Enterprise
from tests.factories import make_enterprise

Status = Enterprise.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def scope():
    make_enterprise("One", status=Status.DRAFT)
    make_enterprise("Two", status=Status.PUBLISHED)
    make_enterprise("Three", status=Status.PUBLISHED)
    return Enterprise.objects.all()


def test_counts_each_choice_in_one_query_and_filters_by_the_one_asked_for(scope, django_assert_num_queries):
    with django_assert_num_queries(1):
        chosen = filter_by_status(scope, "published", Status.choices)
    assert chosen.status == "published" and chosen.label == "Published" and chosen.total == 3
    assert ("draft", "Draft", 1) in chosen.statuses and ("published", "Published", 2) in chosen.statuses
    assert sorted(chosen.rows.values_list("name", flat=True)) == ["Three", "Two"]


@pytest.mark.parametrize("asked", [None, "", "lost", "PUBLISHED"])
def test_nothing_or_nonsense_chooses_all_the_rows(scope, asked):
    chosen = filter_by_status(scope, asked, Status.choices)
    assert chosen.status == "" and chosen.label == "" and chosen.rows.count() == 3


def test_a_choice_that_is_not_a_value_of_the_field_brings_its_own_rows_and_one_count(scope, django_assert_num_queries):
    choices = [("", "All"), ("named_t", "Named T…"), *Status.choices]
    subsets = {"named_t": scope.filter(name__startswith="T")}
    with django_assert_num_queries(2):
        chosen = filter_by_status(scope, "named_t", choices, subsets=subsets)
    assert chosen.counts == {"": 3, "named_t": 2, "draft": 1, "published": 2}
    assert chosen.label == "Named T…" and chosen.rows.count() == 2
    assert filter_by_status(scope, "", choices, subsets=subsets).label == "All"
