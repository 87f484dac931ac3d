"""Security headers on real responses, cookies, security.txt, and no inline script or style anywhere we make HTML.

The browser side — that no page breaks the Content-Security-Policy in chromium — is tests/browser/test_escaping.py.
"""

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import two_factor
from enterprises.models import StaffMembership
from reports import charts
from tests.factories import make_council, make_enterprise, make_service, make_user

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.fixture
def service(db):
    return make_service("Tuesday Lunch Club", enterprise=make_enterprise("Malvern Lunch Club"))


# Given a page of the site, when it is fetched, then it carries every header --------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/search/", "/sign-in/", "/services/999999/", "/open-data/"])
def test_every_page_carries_the_security_headers(client, path):
    response = client.get(path)

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "data:" not in header
    permissions = response.headers["Permissions-Policy"]
    for feature in ["camera", "microphone", "payment", "usb", "browsing-topics"]:
        assert f"{feature}=()" in permissions
    assert "geolocation=(self)" in permissions  # "Use my location", on our own pages, never in a frame
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_static_files_carry_them_too(client, settings):
    # Whitenoise serves from the static folders themselves, as in development, so no collectstatic is needed first.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True

    response = client.get("/static/favicon.svg")

    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_open_referral_api_keeps_its_cross_origin_header(client):
    response = client.get("/api/oruk/services")

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_session_and_csrf_cookies_are_http_only_and_same_site(client):
    make_user("jean@example.org", password="a long test password 1")

    form = client.get("/sign-in/")
    signed_in = client.post("/sign-in/", {"email": "jean@example.org", "password": "a long test password 1"})

    csrf = form.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax" and csrf["httponly"] is True
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    assert session["samesite"] == "Lax" and session["httponly"] is True


# Production ------------------------------------------------------------------------------------------------------


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "directory.example.org",
    "SECURITY_CONTACT": "mailto:security@example.org",
}

# Run in production settings: a real response through every middleware (security.txt needs no database), and the
# settings that decide the cookies.
PROBE = """
import json
from django.conf import settings
from django.test import Client
response = Client().get("/.well-known/security.txt", secure=True, HTTP_HOST="directory.example.org")
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "settings": {name: getattr(settings, name) for name in [
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "REQUIRE_TWO_FACTOR_FOR_STAFF",
        "TRUSTED_PROXY_COUNT"]},
}))
"""


def test_production_adds_hsts_secure_cookies_and_requires_two_factor_for_staff():
    env = {**os.environ, **PRODUCTION_ENV}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])

    assert probe["status"] == 200
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert probe["settings"] == {
        "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True, "CSRF_COOKIE_HTTPONLY": True, "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True, "REQUIRE_TWO_FACTOR_FOR_STAFF": True, "TRUSTED_PROXY_COUNT": 0,
    }


# security.txt ----------------------------------------------------------------------------------------------------


def test_security_txt_names_the_security_contact(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@worcestershire.example"
    settings.SITE_URL = "https://directory.example.org"

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@worcestershire.example"
    assert fields["Canonical"] == "https://directory.example.org/.well-known/security.txt"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    days = (expires - datetime.now(UTC)).days
    assert 150 < days < 365  # in the future, and less than a year ahead, as RFC 9116 asks


def test_without_a_contact_there_is_no_security_txt(client, settings):
    settings.SECURITY_CONTACT = ""

    assert client.get("/.well-known/security.txt").status_code == 404


# No inline script or style, in templates or in HTML made in Python ------------------------------------------------


INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event handler attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def inline_code_in(text: str) -> list[str]:
    return [what for pattern, what in INLINE if pattern.search(text)]


def test_no_template_carries_inline_script_or_style():
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        problems = inline_code_in(template.read_text())
        found += [f"{template.relative_to(ROOT)}: {problem}" for problem in problems]

    assert not found, "\n".join(found)


def test_the_only_script_is_the_site_s_own_module_file():
    base = (ROOT / "templates" / "base.html").read_text()

    assert re.findall(r"<script[^>]*>", base) == ["<script type=\"module\" src=\"{{ static('dist/app.js') }}\">"]


def test_the_report_charts_draw_without_style_attributes():
    bars = charts.horizontal_bars(chart_id="c", title="<b>Listings</b>", caption_id="cap",
                                  bars=[("Day clubs", 3), ("<script>alert(1)</script>", 1)])

    assert not inline_code_in(bars)
    assert "<script>" not in bars and "&lt;script&gt;alert(1)&lt;/script&gt;" in bars


def test_the_two_factor_qr_code_draws_without_style_attributes():
    svg = two_factor.qr_code_svg(two_factor.provisioning_uri(two_factor.new_secret(), "priya@example.org"))

    assert svg.startswith("<svg role=\"img\" aria-label=")
    assert not inline_code_in(svg)


@pytest.mark.django_db
def test_the_reports_page_has_no_inline_style(client):
    council = make_council()
    staff = make_user("priya@council.example")
    StaffMembership.objects.create(user=staff, council=council)
    make_service("Tuesday Lunch Club", enterprise=make_enterprise("Malvern Lunch Club", council=council))
    client.force_login(staff)

    response = client.get(reverse("reports:index"))

    assert response.status_code == 200
    assert not inline_code_in(response.content.decode())
