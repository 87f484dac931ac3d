"""Production's static files (core/static_files.py): every file a page loads, the scripts that scripts import
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
    imported = {}
    for name in ("dist/app.js", "dist/map.js"):
        text = (tmp_path / hashed[name]).read_text()
        imported[name] = re.findall(r'(?:from\s*|import\(\s*)"\./([^"]+)"', text)
    assert imported == {
        "dist/app.js": [hashed["dist/govuk-frontend.min.js"].removeprefix("dist/"),
                        hashed["dist/map.js"].removeprefix("dist/"),
                        hashed["dist/location.js"].removeprefix("dist/")],
        "dist/map.js": [hashed["dist/leaflet.js"].removeprefix("dist/")],
    }
    assert all(re.fullmatch(r"dist/[a-z.-]+\.[0-9a-f]{12}\.js", hashed[name]) for name in imported)
