"""The demo accounts: one for each role, made only in development, printed by `make run`."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.text import slugify

from demo.accounts import DEMO_PASSWORD, DEMO_REFERRER_ORGANISATION, ensure_demo_accounts
from demo.seed import DEMO_COUNCIL_NAME, DemoDataError, demo_data
from tests.factories import make_council, make_enterprise

User = get_user_model()


def sign_in(client, email, password):
    return client.post("/sign-in/", {"email": email, "password": password})


@pytest.fixture
def demo_enterprises(db):
    council = make_council(DEMO_COUNCIL_NAME)
    for spec in demo_data().enterprises:
        make_enterprise(spec.name, slug=slugify(spec.name), status=spec.status, council=council)
    return council


@pytest.mark.django_db
class TestDemoAccounts:
    def test_there_is_one_for_every_role(self, demo_enterprises):
        users = ensure_demo_accounts()

        provider = users["provider"]
        statuses = sorted(provider.enterprises.values_list("status", flat=True))
        assert statuses == ["draft", "published", "published", "published"]
        assert users["referrer"].organisations.get().name == DEMO_REFERRER_ORGANISATION
        assert users["staff"].staff_membership.council == demo_enterprises
        assert users["superuser"].is_superuser and users["superuser"].is_staff
        for user in users.values():
            assert user.check_password(DEMO_PASSWORD) and user.password.startswith("argon2")
            assert sign_in(Client(), user.email, DEMO_PASSWORD).status_code == 302

    def test_it_can_run_again(self, demo_enterprises):
        ensure_demo_accounts()
        ensure_demo_accounts()

        assert User.objects.count() == 4
        assert User.objects.get(email="provider@example.org").enterprises.count() == 4

    def test_seed_demo_adds_them_to_a_demo_database_seeded_before_there_were_accounts(self, demo_enterprises):
        call_command("seed_demo", "--if-empty", stdout=StringIO())

        assert set(User.objects.values_list("email", flat=True)) == {
            "provider@example.org", "referrer@example.org", "staff@example.org", "admin@example.org"
        }

    def test_the_command_prints_them_with_the_password(self, demo_enterprises):
        ensure_demo_accounts()
        out = StringIO()

        call_command("demo_accounts", stdout=out)

        printed = out.getvalue()
        for email in ["provider@example.org", "referrer@example.org", "staff@example.org", "admin@example.org"]:
            assert email in printed
        assert printed.count(DEMO_PASSWORD) == 4
        assert "council staff of Worcestershire County Council" in printed

    def test_they_are_never_made_or_shown_in_production(self, demo_enterprises, settings):
        ensure_demo_accounts()
        settings.PRODUCTION = True
        out = StringIO()

        with pytest.raises(CommandError, match="development only"):
            call_command("demo_accounts", stdout=out)
        with pytest.raises(DemoDataError):
            ensure_demo_accounts()
        assert out.getvalue() == ""
