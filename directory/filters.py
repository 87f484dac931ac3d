"""The public search: every filter a person can use, held in the URL so a search can be bookmarked and shared."""

import copy
import functools
from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.forms import GovukFormMixin
from core.urls import reverse_ids
from directory.page_cache import PerCatalogueVersion
from directory.search import (
    Place,
    PlaceError,
    fair_order,
    find_anything,
    find_place_or_postcode,
    matching_words,
    near,
)
from enterprises.models import (
    ACCESSIBILITY_QUESTIONS,
    Capacity,
    Category,
    ClientGroup,
    CostType,
    Delivery,
    Service,
    WayToPay,
    Weekday,
    current_capacity,
)
from enterprises.postcodes import PostcodeError

COST_CHOICES = [("", "Any cost"), ("free", "Free only")]
MAX_AGE = 120
BEST_MATCH, NEAREST = "best", "nearest"
SORT_CHOICES = [(BEST_MATCH, "Best match"), (NEAREST, "Nearest first")]
# The filters proper, in the order the panel shows them: the words, the place and the sort are the search itself.
FILTERS = ("category", "client_group", "age", "days", "access", "delivery", "cost", "pay", "taking")
SEARCH = ("q", "postcode", "distance", "sort")


class AgeFilter(django_filters.Filter):
    field_class = forms.IntegerField


def distance_choices():
    return [(str(miles), f"{miles} mile" + ("" if miles == 1 else "s")) for miles in settings.SEARCH_DISTANCES_MILES]


class SearchForm(GovukFormMixin, forms.Form):
    place: Place | None = None
    place_choices: list[str] = []  # the places of the name typed, when there are several
    place_suggestion: str | None = None  # a known place close to a name typed that is none

    def clean_postcode(self):
        text = self.cleaned_data.get("postcode", "")
        if text.strip():
            try:
                self.place = find_place_or_postcode(text)
            except PostcodeError as error:
                if isinstance(error, PlaceError):
                    self.place_choices, self.place_suggestion = error.choices, error.suggestion
                raise forms.ValidationError(str(error)) from error
            return self.place.name
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

    @functools.cached_property
    def search_form(self) -> type["SearchForm"]:
        """The search's form class with these types of support and client groups among its choices: made once per
        catalogue version with them, not on every search (making a form class from a dozen filters took longer than
        cleaning what was typed into it)."""
        return _search_form_class(self)


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
        label="Postcode or place", method="filter_nothing", max_length=100,
        help_text="A postcode, part of one, or a town or village. For example, WR1 2EY, WR11 or Evesham"
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
    age = AgeFilter(
        label="Age of the person",
        help_text="In years. Services with no age limits are always shown",
        method="filter_age",
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "invalid": "Enter the age as a whole number of years, like 80",
            "min_value": f"Enter an age from 0 to {MAX_AGE}",
            "max_value": f"Enter an age from 0 to {MAX_AGE}",
        },
        widget=forms.TextInput(attrs={
            "class": "govuk-input--width-3", "inputmode": "numeric", "spellcheck": False, "autocomplete": "off",
        }),
    )
    days = django_filters.MultipleChoiceFilter(
        label="Days it runs", help_text="Services that run on any of the days you choose", choices=Weekday.choices,
        method="filter_days", widget=forms.CheckboxSelectMultiple,
    )
    access = django_filters.MultipleChoiceFilter(
        label="Accessibility", help_text="Only services whose provider told us they have each one you choose",
        choices=ACCESSIBILITY_QUESTIONS, method="filter_accessibility", widget=forms.CheckboxSelectMultiple,
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES, empty_label=None, method="filter_nothing", widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose best match or nearest first"},
    )

    class Meta:
        model = Service
        fields = []
        form = SearchForm

    def __init__(self, data=None, *args, day=None, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.get("distance"):
            data["distance"] = str(settings.SEARCH_DEFAULT_DISTANCE_MILES)
        if data is not None and not data.get("sort"):
            data["sort"] = BEST_MATCH
        super().__init__(data, *args, **kwargs)
        self.day = day or timezone.localdate()
        self.taxonomies = taxonomies(self.request)

    def get_form_class(self):
        return self.taxonomies.search_form

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

    def filter_age(self, queryset, name, value):
        return queryset if value is None else queryset.for_age(value)

    def filter_days(self, queryset, name, value):
        return queryset.running_on(value) if value else queryset

    def filter_accessibility(self, queryset, name, value):
        return queryset.with_accessibility(value) if value else queryset

    @property
    def sorted_by(self) -> str | None:
        """The order the results are in: best match needs words, nearest needs a place; the person chooses only
        when the search has both (best match unless they choose). None when it has neither."""
        words = bool(self.form.cleaned_data.get("q", "").strip())
        if words and self.place is not None:
            return self.form.cleaned_data.get("sort") or BEST_MATCH
        return BEST_MATCH if words else NEAREST if self.place is not None else None

    def filter_queryset(self, queryset):
        words = self.form.cleaned_data.get("q", "").strip()
        return fair_order(
            self._matching(queryset), day=self.day, by_words=bool(words), by_distance=self.place is not None,
            nearest_first=self.sorted_by == NEAREST,
        )

    def _matching(self, queryset, *, leave_out: str = "", miles: int | None = None):
        """The services that pass every filter but `leave_out`, within `miles` (else the distance chosen)."""
        for name, value in self.form.cleaned_data.items():
            if name != leave_out:
                queryset = self.filters[name].filter(queryset, value)
        if self.place is not None:
            queryset = near(queryset, self.place, miles or int(self.form.cleaned_data["distance"]))
        return queryset

    def nearest(self, miles: int):
        """When nothing is within the distance: every filter's matches within `miles`, the nearest first."""
        return fair_order(self._matching(self.queryset, miles=miles), day=self.day, by_words=False, by_distance=True)

    def filters_to_drop(self) -> list[tuple[str, str]]:
        """(name, what it is) of each filter or the words in use without which the search finds something, asked
        of the database in one statement however many are in use."""
        in_use = list(self._in_use())
        found = find_anything([self._matching(self.queryset, leave_out=name) for name, _ in in_use])
        return [(name, self._described(name, value)) for (name, value), finds in zip(in_use, found) if finds]

    def _in_use(self):
        """(name, value) of the words and each filter given."""
        data = self.form.cleaned_data
        for name in ("q", *FILTERS):
            value = data.get(name)
            if value is None or value is False or value in ("", []) or (isinstance(value, str) and not value.strip()):
                continue
            yield name, value

    def selected_filters(self) -> list[tuple[str, str]]:
        """(what it is, the address of this search without it) of each filter chosen, one for each box ticked:
        the tags above the results that take one filter away."""
        query = self.request.GET if self.request is not None else self.data
        tags = []
        for name, value in self._in_use():
            if name == "q":
                continue
            if isinstance(value, list):
                labels = dict(self.form.fields[name].choices)
                for chosen in dict.fromkeys(value):
                    params = query.copy()
                    params.setlist(name, [other for other in params.getlist(name) if other != chosen])
                    tags.append((labels[chosen], _search_url(params)))
            else:
                params = query.copy()
                params.pop(name, None)
                tags.append((self._tag_text(name, value), _search_url(params)))
        return tags

    def clear_filters_url(self) -> str:
        """This search, its words, place, distance and order, without any filter."""
        query = self.request.GET if self.request is not None else self.data
        params = query.copy()
        for name in list(params):
            if name not in SEARCH:
                params.pop(name)
        return _search_url(params)

    def _tag_text(self, name, value) -> str:
        if name == "age":
            return f"Age {value}"
        if name == "taking":
            return "Taking new people"
        return dict(self.form.fields[name].choices)[value]

    def _described(self, name, value) -> str:
        if name == "q":
            return f"the words “{value.strip()}”"
        field = self.form.fields[name]
        if name == "taking":
            return f"“{field.label}”"
        if name == "age":
            return f"“{field.label}: {value}”"
        chosen = value if isinstance(value, list) else [value]
        names = [label for key, label in field.choices if key in chosen]
        return f"“{field.label}: {', '.join(names)}”"


def _search_form_class(current: Taxonomies) -> type[SearchForm]:
    filters = copy.deepcopy(ServiceFilter.base_filters)
    filters["category"].extra["choices"] = Taxonomies.choices(current.categories)
    filters["client_group"].extra["choices"] = Taxonomies.choices(current.client_groups)
    return type("ServiceFilterForm", (SearchForm,), {name: filter_.field for name, filter_ in filters.items()})


def _search_url(params) -> str:
    params.pop("page", None)
    query = params.urlencode()
    return reverse_ids("search") + (f"?{query}" if query else "")


def search_box_form() -> SearchForm:
    """The search's words and place boxes alone, unbound, as the home page shows them: the same fields as the
    search's, without making the whole search (its dozen filters and their choices) to show two boxes."""
    return _SearchBoxForm()


_SearchBoxForm = type(
    "SearchBoxForm",
    (SearchForm,),
    {name: copy.deepcopy(ServiceFilter.base_filters[name]).field for name in ("q", "postcode")},
)
