"""Signing in and out (with two-factor sign-in for staff), password reset, listing an enterprise, inviting people and
accepting an invitation.

Mounted at the site root, with no namespace.
"""

from django.urls import path

from accounts import views as accounts
from accounts import views_two_factor as two_factor
from core import converters  # noqa: F401  (registers <text:…>, which refuses a NUL)

urlpatterns = [
    path("sign-in/", accounts.sign_in, name="sign_in"),
    path("sign-in/code/", two_factor.sign_in_code, name="sign_in_code"),
    # The Django admin's own sign-in page would skip two-factor sign-in: ours takes its place (before admin/).
    path("admin/login/", accounts.admin_sign_in, name="admin_sign_in"),
    path("account/two-factor/", two_factor.account, name="two_factor"),
    path("account/two-factor/set-up/", two_factor.set_up, name="two_factor_set_up"),
    path("account/two-factor/backup-codes/", two_factor.backup_codes, name="two_factor_backup_codes"),
    path("account/two-factor/turn-off/", two_factor.confirm_with_code, {"action": "turn_off"},
         name="two_factor_turn_off"),
    path("account/two-factor/new-backup-codes/", two_factor.confirm_with_code, {"action": "new_backup_codes"},
         name="two_factor_new_backup_codes"),
    path("sign-out/", accounts.sign_out, name="sign_out"),
    path("password-reset/", accounts.password_reset, name="password_reset"),
    path("password-reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path("reset/done/", accounts.password_reset_complete, name="password_reset_complete"),
    path("reset/<text:uidb64>/<text:token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("list-your-enterprise/", accounts.list_your_enterprise, name="list_your_enterprise"),
    path("list-your-enterprise/check-your-email/", accounts.list_your_enterprise_sent,
         name="list_your_enterprise_sent"),
    path("list-your-enterprise/confirm/<text:token>/", accounts.confirm_sign_up_page, name="confirm_sign_up"),
    path("invitations/new/", accounts.invite_someone, name="invite"),
    path("invitations/team/", accounts.invite_colleague, name="invite_colleague"),
    path("invitations/<text:token>/", accounts.accept_invitation_page, name="accept_invitation"),
]
