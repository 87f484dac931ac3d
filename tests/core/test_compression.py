"""Pages travel gzipped to browsers that accept it (GZipMiddleware, config/settings.py), and whatever replaces a page
on the way out is still readable."""

import gzip

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.core.test_resilience import assert_friendly_503, session_write_fails
from tests.factories import make_postcode, make_service

GZIP = {"accept-encoding": "gzip, deflate, br"}


@pytest.fixture
def day_club(db):
    return make_service("Thursday Day Club", venue=make_postcode("WR1 2EY", 385000, 255000))


def test_a_results_page_arrives_gzipped_at_a_fraction_of_its_size(client, day_club):
    plain = client.get("/search/", {"postcode": "WR1 2EY"})
    packed = client.get("/search/", {"postcode": "WR1 2EY"}, headers=GZIP)

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert "Thursday Day Club" in page
    assert len(packed.content) < len(plain.content) / 4


def test_the_503_page_that_replaces_a_failed_page_is_readable_by_a_browser_that_accepts_gzip(day_club):
    """The page failed after the view (saving the session), was gzipped, and was then replaced by the 503 page:
    the replacement must not carry the failed page's Content-Encoding."""
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(session_write_fails):
        response = client.post(reverse("shortlist_add", args=[day_club.pk]), {"next": "/shortlist/"}, headers=GZIP)

    if response.get("Content-Encoding") == "gzip":
        response.content = gzip.decompress(response.content)
    assert "We could not save what you sent" in assert_friendly_503(response)
