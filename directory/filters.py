"""The public search: every filter a person can use, held in the URL so a search can be bookmarked and shared."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.forms import GovukFormMixin
from directory.page_cache import PerCatalogueVersion
from directory.search import Place, fair_order, find_place, matching_words, near
from enterprises.models import (
    Capacity,
    Category,
    ClientGroup,
    CostType,
    Delivery,
    Service,
    WayToPay,
    current_capacity,
)
from enterprises.postcodes import PostcodeError

COST_CHOICES = [("", "Any cost"), ("free", "Free only")]


def distance_choices():
    return [(str(miles), f"{miles} mile" + ("" if miles == 1 else "s")) for miles in settings.SEARCH_DISTANCES_MILES]


class SearchForm(GovukFormMixin, forms.Form):
    place: Place | None = None

    def clean_postcode(self):
        text = self.cleaned_data.get("postcode", "")
        if text.strip():
            try:
                self.place = find_place(text)
            except PostcodeError as error:
                raise forms.ValidationError(str(error)) from error
            return self.place.postcode
        return ""


@dataclass(frozen=True, slots=True)
class Term:
    """A type of support or a client group, as the search and the home page show it."""

    id: int
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class Taxonomies:
    categories: tuple[Term, ...]
    client_groups: tuple[Term, ...]

    @staticmethod
    def choices(terms: tuple[Term, ...]) -> list[tuple[str, str]]:
        return [(term.slug, term.name) for term in terms]

    @staticmethod
    def ids(terms: tuple[Term, ...], slugs) -> list[int]:
        return [term.id for term in terms if term.slug in slugs]


def _read_taxonomies() -> Taxonomies:
    def terms(model):
        return tuple(Term(*row) for row in model.objects.values_list("id", "slug", "name", "description"))

    return Taxonomies(categories=terms(Category), client_groups=terms(ClientGroup))


# Read once per process per catalogue version, not twice on every search: they change only when staff change them.
taxonomies = PerCatalogueVersion(_read_taxonomies)


class ServiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="What are you looking for?",
        method="filter_words",
        max_length=200,
        help_text="For example, lunch club, dementia or befriending",
    )
    postcode = django_filters.CharFilter(
        label="Postcode", method="filter_nothing", max_length=20, help_text="For example, WR1 2EY"
    )
    distance = django_filters.ChoiceFilter(
        label="Distance",
        method="filter_nothing",
        choices=distance_choices(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose a distance from the list"},
    )
    category = django_filters.MultipleChoiceFilter(
        label="Type of support", method="filter_categories", widget=forms.CheckboxSelectMultiple
    )
    client_group = django_filters.MultipleChoiceFilter(
        label="Who it is for", method="filter_client_groups", widget=forms.CheckboxSelectMultiple
    )
    delivery = django_filters.MultipleChoiceFilter(
        label="How it is delivered", choices=Delivery.choices, method="filter_delivery",
        widget=forms.CheckboxSelectMultiple,
    )
    cost = django_filters.ChoiceFilter(
        label="Cost", choices=COST_CHOICES[1:], empty_label=COST_CHOICES[0][1], method="filter_cost",
        widget=forms.RadioSelect,
    )
    pay = django_filters.MultipleChoiceFilter(
        label="Ways to pay", choices=WayToPay.choices, method="filter_ways_to_pay",
        widget=forms.CheckboxSelectMultiple,
    )
    taking = django_filters.BooleanFilter(
        label="Only show services taking new people", method="filter_taking", widget=forms.CheckboxInput
    )

    class Meta:
        model = Service
        fields = []
        form = SearchForm

    def __init__(self, data=None, *args, day=None, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.get("distance"):
            data["distance"] = str(settings.SEARCH_DEFAULT_DISTANCE_MILES)
        super().__init__(data, *args, **kwargs)
        self.day = day or timezone.localdate()
        self.taxonomies = taxonomies(self.request)
        self.filters["category"].extra["choices"] = Taxonomies.choices(self.taxonomies.categories)
        self.filters["client_group"].extra["choices"] = Taxonomies.choices(self.taxonomies.client_groups)

    @property
    def place(self) -> Place | None:
        return self.form.place

    def filter_nothing(self, queryset, name, value):
        return queryset  # postcode and distance act together, in filter_queryset

    def filter_words(self, queryset, name, value):
        return matching_words(queryset, value, near_a_place=self.place is not None) if value.strip() else queryset

    def filter_categories(self, queryset, name, value):
        ids = Taxonomies.ids(self.taxonomies.categories, value)
        links = Service.categories.through.objects.filter(service=OuterRef("pk"), category__in=ids)
        return queryset.filter(Exists(links))

    def filter_client_groups(self, queryset, name, value):
        ids = Taxonomies.ids(self.taxonomies.client_groups, value)
        links = Service.client_groups.through.objects.filter(service=OuterRef("pk"), clientgroup__in=ids)
        return queryset.filter(Exists(links))

    def filter_delivery(self, queryset, name, value):
        return queryset.filter(delivery__overlap=value)

    def filter_cost(self, queryset, name, value):
        return queryset.filter(cost_type=CostType.FREE) if value == "free" else queryset

    def filter_ways_to_pay(self, queryset, name, value):
        return queryset.filter(ways_to_pay__overlap=value)

    def filter_taking(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(current_capacity(self.day), capacity=Capacity.TAKING)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.place is not None:
            queryset = near(queryset, self.place, int(self.form.cleaned_data["distance"]))
        words = self.form.cleaned_data.get("q", "").strip()
        return fair_order(queryset, day=self.day, by_words=bool(words), by_distance=self.place is not None)
