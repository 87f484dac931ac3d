import pytest
from django.core.cache import cache

pytest_plugins = ["tests.personas", "tests.places"]  # the shared cast (`people`, `referral`) and places


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_shared_cache(request):
    """Tests that commit (the browser tests among them) would leave the public pages' cached content behind, in a
    table that flushing the database does not empty; the other tests' writes are rolled back with them."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        cache.clear()
