"""manage.py demo_accounts: print the demo accounts and their password (development only)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_allowed


def describe(user) -> str:
    roles = []
    if user.is_superuser:
        roles.append("superuser (Django admin at /admin/)")
    membership = getattr(user, "staff_membership", None)
    if membership is not None:
        roles.append(f"council staff of {membership.council}")
    listings = list(user.enterprises.order_by("name").values_list("status", flat=True))
    if listings:
        published = sum(status == "published" for status in listings)
        roles.append(f"provider of {len(listings)} listing{'s' if len(listings) != 1 else ''} ({published} published)")
    for organisation in user.organisations.all():
        roles.append(f"referrer in {organisation.name}")
    return "; ".join(roles) or "no role yet"


class Command(BaseCommand):
    help = (
        "Print the demo accounts that `seed_demo` creates, one for every role, with their shared password. "
        "Development only: it refuses, and prints no account, when DJANGO_ENV=production."
    )

    def handle(self, *args, **options):
        if not demo_accounts_allowed():
            raise CommandError(
                "demo_accounts is for development only: DJANGO_ENV is production, so no accounts are shown"
            )
        users = {
            user.email: user
            for user in get_user_model()
            .objects.filter(email__in=[account.email for account in DEMO_ACCOUNTS])
            .select_related("staff_membership__council")
            .prefetch_related("organisations")
        }
        if not users:
            self.stdout.write("No demo accounts yet: run `manage.py seed_demo` to create them.")
            return
        rows = []
        for account in DEMO_ACCOUNTS:
            user = users.get(account.email)
            if user is None:
                continue
            password = DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else "(changed since seeding)"
            rows.append((account.email, password, describe(user)))
        widths = [max(len(row[column]) for row in rows + [("Email address", "Password", "Role")]) for column in (0, 1)]
        self.stdout.write(f"Demo accounts (development only): sign in at {settings.SITE_URL}/sign-in/")
        for email, password, role in [("Email address", "Password", "Role")] + rows:
            self.stdout.write(f"  {email.ljust(widths[0])}  {password.ljust(widths[1])}  {role}")
