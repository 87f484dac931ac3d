"""Production's static files (core/static_files.py): every file a page loads, the files that scripts load
included, has a name that changes with its content, so browsers may keep it for good."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

BUILT_JS = Path(__file__).resolve().parents[2] / "static" / "dist" / "app.js"


def test_the_scripts_our_scripts_import_are_asked_for_by_their_hashed_names(tmp_path, settings):
    if not BUILT_JS.exists():
        pytest.fail("static/dist/app.js is missing: run `make frontend` (or `npm ci && npm run build`)")
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "core.static_files.HashedStaticFilesStorage"}}

    call_command("collectstatic", "--no-input", verbosity=0)

    hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]

    def hashed_name(name):
        return hashed[f"dist/{name}"].removeprefix("dist/")

    loads = {}
    for name in ("app.js", "map.js"):
        text = (tmp_path / "dist" / hashed_name(name)).read_text()
        loads[name] = re.findall(r'(?:from\s*|import\(\s*|new URL\()"\./([^"]+)"', text)
    assert loads == {
        "app.js": [hashed_name("govuk-frontend.min.js"), hashed_name("map.js"), hashed_name("location.js")],
        "map.js": [hashed_name("leaflet.js"), hashed_name("leaflet.css")],
    }
    assert all(re.fullmatch(r"[a-z.-]+\.[0-9a-f]{12}\.(js|css)", file) for file in loads["app.js"] + loads["map.js"])
