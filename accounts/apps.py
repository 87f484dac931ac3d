from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, sign-in and two-factor"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts import sessions, two_factor

        # Every login() (our sign-in page, an invitation, a confirmed sign-up, the test client's force_login) notes in
        # the session whether it still owes a two-factor step and starts the session's clock, so that no request has
        # to work either out later.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: two_factor.note_sign_in(request, user),
            dispatch_uid="accounts.two_factor.state_on_sign_in", weak=False,
        )
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: sessions.start_clock(request, user),
            dispatch_uid="accounts.sessions.start_clock", weak=False,
        )
