from django.conf import settings


def site(request):
    from enterprises.access import is_provider, staff_council
    from referrals.access import may_refer, received_referrals

    user = getattr(request, "user", None)
    provider = bool(user and is_provider(user))
    return {
        "is_provider": provider,
        "is_council_staff": bool(user and staff_council(user)),
        "may_refer": bool(user and may_refer(user)),
        "new_referral_count": received_referrals(user).filter(status="sent").count() if provider else 0,
        "SITE_NAME": settings.SITE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "shortlist_count": len(request.session.get("shortlist", [])) if hasattr(request, "session") else 0,
    }
