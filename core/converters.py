"""The `text` path converter: a path segment that can name something we keep, for every free-text path argument.

Django's `str` takes any segment, NUL characters included, and PostgreSQL refuses a NUL in any text it is asked to
compare, so `/referrals/%00/` reached the database and failed there with a server error. A segment with a NUL cannot
name a referral, an invitation or anything else, so `text` does not match it and the visitor gets the "Page not
found" page from the resolver, before any view runs. Use it instead of `str` (a test checks that no URL uses `str`).
"""

from django.urls import register_converter


class TextConverter:
    regex = r"[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(TextConverter, "text")
