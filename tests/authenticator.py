"""What a person's authenticator app would show, for tests: the RFC 6238 code for a base32 secret, at a time."""

import base64
import time

from django_otp.oath import hotp


def step(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // 30)


def code(secret: str, steps_from_now: int = 0, *, at: float | None = None) -> str:
    """The 6-digit code for the 30 seconds around `at` (now by default), or so many steps before or after."""
    return f"{hotp(base64.b32decode(secret.replace(' ', '')), step(at) + steps_from_now):06d}"


def wrong_code(secret: str) -> str:
    """A code the app does not show anywhere near now."""
    near = {code(secret, offset) for offset in (-2, -1, 0, 1, 2)}
    return next(candidate for candidate in ("000000", "111111", "222222") if candidate not in near)
