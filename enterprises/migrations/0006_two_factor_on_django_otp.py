"""Two-factor sign-in moves onto django-otp (enterprises/two_factor.py): copy each person's authenticator app and
unused backup codes into its tables. 0007 then drops ours.

- Each TwoFactorDevice becomes a confirmed TOTPDevice, "Authenticator app": the base32 `secret` as the hex `key`,
  `last_used_step` as `last_t` (so a code already used stays used), 30-second steps, 6 digits, one step either side,
  and `confirmed_at` as `created_at`. People's apps go on working unchanged.
- Each person's unused BackupCodes become the StaticTokens of one StaticDevice, "Backup codes". A StaticToken holds
  16 characters, so each keeps the first 96 bits of the same keyed hash, in URL-safe base64, which is what
  `two_factor.backup_token` makes of a typed code: the codes people wrote down go on working.

Backwards, the authenticator apps are copied back; the backup codes cannot be (only part of each hash is kept), so
people would get new ones from their two-factor page.
"""

import base64

from django.db import migrations
from django.utils import timezone

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def hex_key(secret: str) -> str:
    secret = secret.replace(" ", "").upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()


def static_token(code_hash: str) -> str:
    """Our full HMAC-SHA256 (64 hex digits) as two_factor.backup_token keeps it: 96 bits, URL-safe base64."""
    return base64.urlsafe_b64encode(bytes.fromhex(code_hash)[:12]).decode("ascii")


def to_django_otp(apps, schema_editor):
    TwoFactorDevice = apps.get_model("enterprises", "TwoFactorDevice")
    BackupCode = apps.get_model("enterprises", "BackupCode")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")

    for old in TwoFactorDevice.objects.all():
        device = TOTPDevice.objects.create(
            user_id=old.user_id, name=APP_DEVICE_NAME, confirmed=True, key=hex_key(old.secret), step=30, t0=0,
            digits=6, tolerance=1, drift=0, last_t=old.last_used_step,
        )
        TOTPDevice.objects.filter(pk=device.pk).update(created_at=old.confirmed_at)  # created_at is auto_now_add

    unused = BackupCode.objects.filter(used_at__isnull=True)
    for user_id in unused.values_list("user_id", flat=True).distinct():
        device = StaticDevice.objects.create(user_id=user_id, name=BACKUP_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=static_token(code_hash))
            for code_hash in unused.filter(user_id=user_id).values_list("code_hash", flat=True)
        )


def to_our_own(apps, schema_editor):
    TwoFactorDevice = apps.get_model("enterprises", "TwoFactorDevice")
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")

    for device in TOTPDevice.objects.filter(confirmed=True).order_by("pk"):
        TwoFactorDevice.objects.update_or_create(
            user_id=device.user_id,
            defaults={
                "secret": base64.b32encode(bytes.fromhex(device.key)).decode("ascii"),
                "last_used_step": max(device.last_t, 0),
                "confirmed_at": device.created_at or timezone.now(),
            },
        )
    TOTPDevice.objects.all().delete()
    StaticDevice.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("enterprises", "0005_security"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(to_django_otp, to_our_own),
    ]
