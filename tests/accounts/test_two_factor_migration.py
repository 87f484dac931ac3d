"""Migration 0006 moves two-factor sign-in onto django-otp: someone who set it up before signs in afterwards with
their app as it was (a code used before stays used) and with a backup code they wrote down, while one they used
before stays used. Going back (a rollback) keeps the app working; backup codes cannot go back."""

import base64

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tests import authenticator
from tests.factories import make_user

PASSWORD = "a long test password 1"
BEFORE = [("enterprises", "0005_security")]
AFTER = [("enterprises", "0007_remove_our_two_factor_models")]


def migrated_to(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def old_hash(code: str) -> str:
    """How the hand-written two-factor kept a backup code (the hyphen taken out, lower case)."""
    return salted_hmac("accounts.two_factor.backup_code", code.replace("-", ""), algorithm="sha256").hexdigest()


@pytest.fixture
def before_the_move(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_TWO_FACTOR_FOR_STAFF = False
    executor = migrated_to(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    migrated_to(executor.loader.graph.leaf_nodes())  # whatever happened, the next test has every table


def test_someone_with_two_factor_before_signs_in_with_their_app_and_backup_codes_after(before_the_move):
    old = before_the_move
    staff = make_user("priya@council.example", password=PASSWORD)
    council = old.get_model("enterprises", "Council").objects.create(name="Worcestershire", slug="worcestershire")
    old.get_model("enterprises", "StaffMembership").objects.create(user_id=staff.pk, council=council)
    secret = base64.b32encode(b"a secret of twenty b").decode()
    used_step = authenticator.step() - 1  # the code of the step before now was used to sign in
    old.get_model("enterprises", "TwoFactorDevice").objects.create(
        user_id=staff.pk, secret=secret, last_used_step=used_step
    )
    BackupCode = old.get_model("enterprises", "BackupCode")
    BackupCode.objects.create(user_id=staff.pk, code_hash=old_hash("abcde-fghjk"))
    BackupCode.objects.create(user_id=staff.pk, code_hash=old_hash("mnpqr-stuvw"), used_at=timezone.now())

    migrated_to(MigrationExecutor(connection).loader.graph.leaf_nodes())  # through the move, to the site as it is

    with_the_app, with_a_backup_code = Client(), Client()
    for client in (with_the_app, with_a_backup_code):
        assert client.post("/sign-in/", {"email": staff.email, "password": PASSWORD}).url == "/sign-in/code/"
    used_before = with_the_app.post("/sign-in/code/", {"code": authenticator.code(secret, at=used_step * 30)})
    assert "The code is not right" in used_before.content.decode()
    assert with_the_app.post("/sign-in/code/", {"code": authenticator.code(secret)}).url == "/council/"
    assert with_the_app.get("/council/").status_code == 200
    used_backup_code = with_a_backup_code.post("/sign-in/code/", {"code": "mnpqr-stuvw"})
    assert "The code is not right" in used_backup_code.content.decode()
    assert with_a_backup_code.post("/sign-in/code/", {"code": "ABCDE FGHJK"}).url == "/council/"
    page = with_a_backup_code.get("/account/two-factor/").content.decode()
    assert "On" in page and "You have 0 backup codes left" in page


def test_going_back_keeps_the_authenticator_app(before_the_move):
    old = before_the_move
    staff = make_user("priya@council.example", password=PASSWORD)
    secret = base64.b32encode(b"a secret of twenty b").decode()
    old.get_model("enterprises", "TwoFactorDevice").objects.create(user_id=staff.pk, secret=secret, last_used_step=7)

    migrated_to(AFTER)
    back = migrated_to(BEFORE).loader.project_state(BEFORE).apps

    device = back.get_model("enterprises", "TwoFactorDevice").objects.get(user_id=staff.pk)
    assert (device.secret, device.last_used_step) == (secret, 7)
