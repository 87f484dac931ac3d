"""Keep each service's full-text document in step with the names and categories it is built from, and the public
pages' cached content in step with what they show."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from directory.page_cache import catalogue_changed
from enterprises import sessions
from enterprises.models import Area, Category, ClientGroup, Council, Enterprise, EnterpriseCheck, Service


@receiver(post_save, sender=Service)
def service_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        Service.objects.filter(pk=instance.pk).refresh_search_vectors()


@receiver(m2m_changed, sender=Service.categories.through)
def service_categories_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, Service):
        Service.objects.filter(pk=instance.pk).refresh_search_vectors()


@receiver(post_save, sender=Enterprise)
def enterprise_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.services.all().refresh_search_vectors()


@receiver(post_save, sender=Category)
def category_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.services.all().refresh_search_vectors()


# What the public pages show: any change makes their cached content out of date (directory/page_cache.py).
_PUBLIC_MODELS = (Council, Area, Category, ClientGroup, Enterprise, EnterpriseCheck, Service)
_PUBLIC_LINKS = (Service.categories.through, Service.client_groups.through, Service.coverage_areas.through)


def _public_data_changed(sender, raw=False, **kwargs):
    if not raw:
        catalogue_changed()


def _public_links_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        catalogue_changed()


for _model in _PUBLIC_MODELS:
    post_save.connect(_public_data_changed, sender=_model, dispatch_uid=f"public-pages-save-{_model.__name__}")
    post_delete.connect(_public_data_changed, sender=_model, dispatch_uid=f"public-pages-delete-{_model.__name__}")
for _link in _PUBLIC_LINKS:
    m2m_changed.connect(_public_links_changed, sender=_link, dispatch_uid=f"public-pages-links-{_link.__name__}")


@receiver(user_logged_in, dispatch_uid="enterprises.sessions.start_clock")
def session_clock_starts(sender, request, user, **kwargs):
    sessions.start_clock(request, user)
