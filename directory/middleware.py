"""Request logging and the friendly answer when the database is away (resilience issue). Stubs for now."""


class RequestLogMiddleware:
    """One structured log line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A friendly 503 page instead of a traceback while the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
