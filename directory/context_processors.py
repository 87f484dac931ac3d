from django.conf import settings


def site(request):
    from enterprises.access import is_provider, staff_council

    user = getattr(request, "user", None)
    return {
        "is_provider": bool(user and is_provider(user)),
        "is_council_staff": bool(user and staff_council(user)),
        "SITE_NAME": settings.SITE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "shortlist_count": len(request.session.get("shortlist", [])) if hasattr(request, "session") else 0,
    }
