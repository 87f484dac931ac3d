"""The addresses of named URLs whose arguments are ids (or that take none), worked out once: a page of 20 results
needs about 70 of them, every page's header and footer a dozen, and Django's reverse() took longer than writing the
rest of a result."""

import functools

from django.urls import NoReverseMatch, get_script_prefix, reverse

_MARKER = 987_654_321  # stands in for an id while the address is worked out: digits, which an int converter takes


def reverse_ids(name: str, *ids: int) -> str:
    """The same as reverse(name, args=ids), for whole numbers."""
    try:
        address, markers = _address(name, len(ids), get_script_prefix())
    except NoReverseMatch:  # a pattern that does not take the markers (a limited number of digits): the slow way
        return reverse(name, args=ids)
    for marker, value in zip(markers, ids, strict=True):
        address = address.replace(marker, str(int(value)), 1)
    return address


@functools.lru_cache(maxsize=1024)
def _address(name: str, count: int, prefix: str) -> tuple[str, list[str]]:
    markers = [str(_MARKER + number) for number in range(count)]
    return reverse(name, args=markers), markers
