"""Signing in and out, password reset, listing an enterprise, inviting people and accepting an invitation.

Mounted at the site root, with no namespace.
"""

from django.urls import path

from enterprises.views import accounts

urlpatterns = [
    path("sign-in/", accounts.sign_in, name="sign_in"),
    path("sign-out/", accounts.sign_out, name="sign_out"),
    path("password-reset/", accounts.password_reset, name="password_reset"),
    path("password-reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path("reset/done/", accounts.password_reset_complete, name="password_reset_complete"),
    path("reset/<uidb64>/<token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("list-your-enterprise/", accounts.list_your_enterprise, name="list_your_enterprise"),
    path("invitations/new/", accounts.invite_someone, name="invite"),
    path("invitations/<str:token>/", accounts.accept_invitation_page, name="accept_invitation"),
]
