"""Realistic traffic for `bench` and `loadtest`: searches from real postcodes drawn at random from the whole of Great
Britain (as real visitors come), words people type, filters they tick, and service pages across every published
service. Never a few URLs repeated: a page cache or the database's own caches would make those look cheap.

Postcodes are drawn uniformly from Code-Point Open, so places come up as often as they have postcodes: a city
centre more often than a moor, as with real visitors. The same seed draws the same traffic, so two runs (before and
after a change) ask for the same pages.
"""

import random
from urllib.parse import urlencode

from benchmarks.common import WORDS
from benchmarks.scale import sample_postcodes
from enterprises.models import Category, ClientGroup, Service

SEED = 2026

# What people tick, one combination a search, in turn; with the postcode, each makes a different page.
FILTERS = (
    lambda rng, types: {"category": rng.choice(types.categories)},
    lambda rng, types: {"client_group": rng.choice(types.client_groups)},
    lambda rng, types: {"category": rng.choice(types.categories), "taking": "on"},
    lambda rng, types: {"delivery": "home"},
    lambda rng, types: {"cost": "free", "distance": "10"},
    lambda rng, types: {"client_group": rng.choice(types.client_groups), "pay": "direct_payment"},
    lambda rng, types: {"category": rng.choice(types.categories), "distance": "3"},
)


class Types:
    def __init__(self):
        self.categories = list(Category.objects.values_list("slug", flat=True)) or ["none"]
        self.client_groups = list(ClientGroup.objects.values_list("slug", flat=True)) or ["none"]


def random_postcodes(count: int, seed: int = SEED) -> list[str]:
    """`count` real postcodes drawn at random from every postcode loaded, in random order (distinct while there are
    enough of them)."""
    rng = random.Random(seed)
    postcodes = [point.postcode for point in sample_postcodes(count, rng)]
    rng.shuffle(postcodes)
    return postcodes


def search_path(params: dict) -> str:
    return "/search/?" + urlencode(params)


def searches(kind: str, postcodes: list[str], seed: int = SEED) -> list[str]:
    """A results page for each postcode: "postcode" (the postcode alone), "words" (and something typed) or "filters"
    (and a filter or two ticked)."""
    rng = random.Random(f"{seed}-{kind}")
    types = Types() if kind == "filters" else None
    paths = []
    for number, postcode in enumerate(postcodes):
        params = {"postcode": postcode}
        if kind == "words":
            params["q"] = rng.choice(WORDS)
        elif kind == "filters":
            params.update(FILTERS[number % len(FILTERS)](rng, types))
        paths.append(search_path(params))
    return paths


def service_paths(seed: int = SEED) -> list[str]:
    """Every published service's page, in random order: the same order for the same seed (the ids are read in order
    first, as two scans of the table at once need not find them in the same order)."""
    ids = list(Service.objects.published().order_by("pk").values_list("pk", flat=True))
    random.Random(seed).shuffle(ids)
    return [f"/services/{pk}/" for pk in ids]
