from enterprises.context_processors import is_provider_here
from referrals.access import may_refer, received_referrals


def referrals(request):
    """Whether the header offers "Your referrals", and how many referrals wait for the provider's answer."""
    user = getattr(request, "user", None)
    return {
        "may_refer": bool(user and may_refer(user)),
        "new_referral_count": (
            received_referrals(user).filter(status="sent").count() if is_provider_here(request) else 0
        ),
    }
