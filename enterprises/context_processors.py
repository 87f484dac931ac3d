from django.conf import settings

from enterprises.access import is_provider, staff_council


def is_provider_here(request) -> bool:
    """Whether the person making this request is a provider, asked of the database once per request."""
    if not hasattr(request, "_is_provider"):
        user = getattr(request, "user", None)
        request._is_provider = bool(user and is_provider(user))
    return request._is_provider


def roles(request):
    """The site's name, and which parts of the header a signed-in person sees."""
    user = getattr(request, "user", None)
    return {
        "is_provider": is_provider_here(request),
        "is_council_staff": bool(user and staff_council(user)),
        "SITE_NAME": settings.SITE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
    }
