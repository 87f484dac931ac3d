"""Security on every request: the headers Django does not set itself, and /.well-known/security.txt. (Two-factor
sign-in is enforced before any view by accounts.middleware.TwoFactorMiddleware.)

- `Content-Security-Policy` from settings.CONTENT_SECURITY_POLICY. Every script and style comes from a file of this
  site (static/dist/), so the policy allows 'self' and nothing inline: no 'unsafe-inline', no 'unsafe-eval', no
  data: images (the two-factor QR code is inline SVG markup, which img-src does not govern). The one outside source:
  the map tiles' host (settings.MAP_TILE_URL) in img-src, only when map tiles are set. Forms post only to this
  site, no page may be framed (frame-ancestors 'none', as X-Frame-Options DENY says to older browsers), no <base>
  may redirect relative links, and no plugins run.
- `Permissions-Policy`: every powerful browser feature in settings.PERMISSIONS_POLICY is off for this site and
  anything it might embed; those in settings.PERMISSIONS_FOR_THIS_SITE (geolocation, which the search box's "Use my
  location" asks for, and only when the person presses it) are for this site's own pages only, never a frame.
- Django's SecurityMiddleware sets the rest (nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS in
  production) and XFrameOptionsMiddleware sets X-Frame-Options; the Open Referral UK API sets its own
  `Access-Control-Allow-Origin: *`, which this leaves alone.

"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


def tile_source(tile_url: str) -> str | None:
    """The CSP source of a map tile address: "https://{s}.tile.example.org/{z}/{x}/{y}.png" is
    "https://*.tile.example.org" (Leaflet's {s} is any subdomain); nothing for an address that is not http(s)."""
    parts = urlsplit(tile_url.replace("{s}", "*"))
    if parts.scheme not in {"http", "https"} or not parts.netloc or "{" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy() -> str:
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    tiles = tile_source(settings.MAP_TILE_URL) if settings.MAP_TILE_URL else None
    if tiles:
        policy["img-src"] = [*policy.get("img-src", []), tiles]
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


def permissions_policy() -> str:
    return ", ".join([
        *(f"{feature}=(self)" for feature in settings.PERMISSIONS_FOR_THIS_SITE),
        *(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY),
    ])


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions = permissions_policy()

    def __call__(self, request):
        response = self.get_response(request)
        # Built for each response (a few microseconds), so a changed MAP_TILE_URL is never served the old policy.
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


@require_safe
@cache_control(max_age=60 * 60 * 24, public=True)
def security_txt(request):
    """RFC 9116: who to tell about a security problem. It always expires half a year ahead (the RFC asks for less
    than a year), so it is never stale while the setting stands."""
    if not settings.SECURITY_CONTACT:
        raise Http404("No security contact is set")
    expires = (timezone.now() + timedelta(days=182)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL.rstrip('/')}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
