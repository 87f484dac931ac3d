"""Who may do what. Every query for private data starts from the user's own scope, so a missing filter cannot leak.

Roles: a provider is a member of one or more enterprises; a referrer is a member of an organisation; council staff
belong to one council; a superuser uses the Django admin. A person may be a provider as well as a referrer or council
staff, but never council staff and a referrer at once (docs/adr/0009-who-joins-a-referrer-team.md).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from core.notifications import failed_messages
from enterprises.models import Council, Enquiry, Enterprise, Organisation, Synonym


def staff_council(user) -> Council | None:
    if not user.is_authenticated:
        return None
    membership = getattr(user, "staff_membership", None)
    return membership.council if membership is not None else None


def is_provider(user) -> bool:
    return user.is_authenticated and user.enterprises.exists()


def referrer_organisations(user):
    """The referrer teams this person refers for. None for council staff: invitations keep the two roles apart, and
    this keeps an account that somehow holds both from reaching a team's referrals."""
    if staff_council(user) is not None or not user.is_authenticated:
        return Organisation.objects.none()
    return user.organisations.all()


def is_referrer(user) -> bool:
    return referrer_organisations(user).exists()


def provider_enterprises(user):
    """The enterprises this person may manage: theirs, and no one else's."""
    if not user.is_authenticated:
        return Enterprise.objects.none()
    return user.enterprises.all()


def council_enterprises(user):
    """The listings this member of staff may review: their council's, and no other council's."""
    council = staff_council(user)
    if council is None:
        return Enterprise.objects.none()
    return council.enterprises.all()


def council_synonyms(user):
    """The synonyms this member of staff may see and change: their council's, and no other council's."""
    council = staff_council(user)
    if council is None:
        return Synonym.objects.none()
    return council.synonyms.all()


def council_enquiries(user):
    """The enquiries about starting a micro-enterprise this member of staff works: their council's, and no other
    council's. They hold the enquirer's details: a page that shows them logs it (enterprises/enquiries.py)."""
    council = staff_council(user)
    if council is None:
        return Enquiry.objects.none()
    return Enquiry.objects.filter(council=council)


def council_failed_messages(user):
    """The messages that could not be sent that this person may see: their council's, as council staff, and, for a
    superuser, those that belong to no council (a password reset, say). Never their words."""
    council = staff_council(user)
    seen = Q(council_id=council.pk) if council is not None else Q(pk__in=[])
    if user.is_superuser:
        seen |= Q(council_id__isnull=True)
    return failed_messages().filter(seen)


def staff_required(view):
    """Only council staff; the view gets `request.council`. Anyone else signed in is refused with 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        council = staff_council(request.user)
        if council is None:
            raise PermissionDenied("Only council staff can use this page")
        request.council = council
        return view(request, *args, **kwargs)

    return wrapper


def provider_required(view):
    """Only people who belong to at least one enterprise. Objects are then looked up in provider_enterprises."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_provider(request.user):
            raise PermissionDenied("Only providers can use this page")
        return view(request, *args, **kwargs)

    return wrapper
