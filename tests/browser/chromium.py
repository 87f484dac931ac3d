"""How the browser tests find and start Debian's chromium, and the screen sizes they use."""

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"
BUILT_CSS = REPO / "static" / "dist" / "app.css"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # Nothing but the live server resolves: a page that reaches for the internet fails instead of waiting.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 320, "height": 640}  # WCAG 1.4.10 reflow: 320 CSS px wide


def chromium_path() -> str:
    """Debian's chromium (never Playwright's own download). CI must have it; elsewhere the tests are skipped."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser tests: apt-get install chromium")
        pytest.skip("chromium is not installed: apt-get install chromium")
    return path
