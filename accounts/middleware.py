"""Two-factor sign-in, enforced before every view (accounts/two_factor.py says what each session's state means)."""

from accounts import two_factor


class TwoFactorMiddleware:
    """After AuthenticationMiddleware: sends a signed-in person whose session still owes a two-factor step to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        return two_factor.enforce(request)
