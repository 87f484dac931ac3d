"""Demo accounts, one for every role, with one shared password: development only (`manage.py demo_accounts` prints
them, `manage.py seed_demo` makes them)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from demo.seed import DemoDataError, demo_data, ensure_demo_council
from enterprises.models import Enterprise, Organisation, StaffMembership

DEMO_PASSWORD = "community-demo-2026"
DEMO_REFERRER_ORGANISATION = "Worcestershire Adult Social Care – Wyre Forest team"
DEMO_PROVIDER_PUBLISHED_LISTINGS = 3


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("provider@example.org", "Demo Provider", "provider"),
    DemoAccount("referrer@example.org", "Demo Referrer", "referrer"),
    DemoAccount("staff@example.org", "Demo Staff", "staff"),
    DemoAccount("admin@example.org", "Demo Admin", "superuser"),
)


def has_demo_enterprises() -> bool:
    return Enterprise.objects.filter(slug__in=[slugify(spec.name) for spec in demo_data().enterprises]).exists()


def demo_accounts_allowed() -> bool:
    return not getattr(settings, "PRODUCTION", False)


def ensure_demo_accounts() -> dict[str, object]:
    """Create or refresh the demo accounts (idempotent); refused in production. Returns the users by role.

    The provider belongs to the first three published demo enterprises and the first draft one (in the order
    demo/data/enterprises.yaml lists them), the referrer to DEMO_REFERRER_ORGANISATION, the staff member to the demo
    council; the admin is a superuser. Each has DEMO_PASSWORD (set again if it was changed).
    """
    if not demo_accounts_allowed():
        raise DemoDataError("Demo accounts are for development only, and DJANGO_ENV is production")
    User = get_user_model()
    council, _ = ensure_demo_council()
    users = {}
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=account.email, defaults={"email": account.email, "first_name": account.name}
            )
            user.email, user.first_name, user.is_active = account.email, account.name, True
            user.is_staff = user.is_superuser = account.role == "superuser"
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.save()
            users[account.role] = user

        specs = demo_data().enterprises
        published = [spec for spec in specs if spec.status == Enterprise.Status.PUBLISHED]
        drafts = [spec for spec in specs if spec.status == Enterprise.Status.DRAFT]
        wanted = [slugify(spec.name) for spec in published[:DEMO_PROVIDER_PUBLISHED_LISTINGS] + drafts[:1]]
        users["provider"].enterprises.add(*Enterprise.objects.filter(council=council, slug__in=wanted))

        organisation, _ = Organisation.objects.get_or_create(council=council, name=DEMO_REFERRER_ORGANISATION)
        organisation.members.add(users["referrer"])
        StaffMembership.objects.update_or_create(user=users["staff"], defaults={"council": council})
    return users
