"""The layers (docs/architecture.md, ADR 11): each app imports only the apps below it, no modules import each other in a
circle, and the private pages reach enterprises and referrals only through the access.py scopes."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCT = {"core", "enterprises", "accounts", "referrals", "directory", "reports", "opendata"}
DEVELOPMENT_ONLY = {"demo", "benchmarks"}
MAY_IMPORT = {
    "core": set(),
    "enterprises": {"core"},
    "accounts": {"enterprises", "core"},
    "referrals": {"enterprises", "core"},
    "directory": {"enterprises", "core"},
    "reports": {"directory", "referrals", "enterprises", "core"},
    "opendata": {"directory", "referrals", "enterprises", "core"},
    "demo": PRODUCT,
    "benchmarks": PRODUCT | {"demo"},  # the generated scale data builds on the demo's
    "config": PRODUCT | DEVELOPMENT_ONLY,
}
# Pages for signed-in people, which must look up enterprises and referrals through their person's scope.
PRIVATE_VIEWS = ["enterprises/provider/views.py", "enterprises/council/views.py", "enterprises/council/enquiries.py",
                 "referrals/views",
                 "accounts/views.py", "accounts/views_two_factor.py", "reports/views.py",
                 "directory/problem_views.py"]
UNSCOPED = ["Enterprise.objects", "Referral.objects", "Organisation.objects", "Enquiry.objects"]


def modules() -> dict[str, Path]:
    found = {}
    for app in MAY_IMPORT:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).with_suffix("")
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            found[".".join(parts)] = path
    return found


def imported(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_each_app_imports_only_the_apps_below_it():
    wrong = []
    for module, path in modules().items():
        app = module.split(".")[0]
        for name in imported(path):
            other = name.split(".")[0]
            if other in MAY_IMPORT and other != app and other not in MAY_IMPORT[app]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name} ({app} may not use {other})")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_no_modules_import_each_other_in_a_circle():
    known = modules()
    graph = defaultdict(set)
    for module, path in known.items():
        graph[module] = {name for name in imported(path, top_level_only=True) if name in known and name != module}
    cycles, state = [], {}

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append(" → ".join([*trail[trail.index(target):], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


def test_the_product_never_needs_the_development_only_apps():
    assert not {"demo", "benchmarks"} & set(settings.INSTALLED_APPS) or not settings.PRODUCTION
    assert all(app in settings.INSTALLED_APPS for app in PRODUCT)


@pytest.mark.parametrize("place", PRIVATE_VIEWS)
def test_private_pages_reach_listings_and_referrals_only_through_the_persons_scope(place):
    paths = [ROOT / place] if place.endswith(".py") else sorted((ROOT / place).rglob("*.py"))
    assert paths and all(path.exists() for path in paths), place
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in paths
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if any(unscoped in line for unscoped in UNSCOPED)
    ]
    assert not found, "use the scopes in enterprises/access.py and referrals/access.py:\n" + "\n".join(found)
