from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "shortlist_count": len(request.session.get("shortlist", [])) if hasattr(request, "session") else 0,
    }
