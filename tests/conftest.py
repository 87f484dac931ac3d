import pytest
from django.core.cache import cache
from django.template.backends import jinja2
from django.test.signals import template_rendered

pytest_plugins = ["tests.personas", "tests.places"]  # the shared cast (`people`, `referral`) and places


def _render_and_tell_the_test_client(self, context=None, request=None):
    """Django's test client records each template's context (`response.context`) only for its own engine: this tells
    it about the Jinja templates' too, context processors included."""
    context = {} if context is None else context
    html = _render_jinja(self, context, request)
    template_rendered.send(sender=self, template=self, context=context)
    return html


_render_jinja = jinja2.Template.render
jinja2.Template.render = _render_and_tell_the_test_client


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
