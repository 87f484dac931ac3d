"""Keep each service's full-text document in step with the names and categories it is built from, and say when what
the public pages show has changed (`catalogue_changed`: the public directory's page cache listens, directory/apps.py).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from enterprises.models import Area, Category, ClientGroup, Council, Enterprise, EnterpriseCheck, Service, Synonym


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


# Sent when anything the public pages show has changed. Bulk writers (`QuerySet.update`, `bulk_create`, COPY), which
# send no model signals, send it themselves.
catalogue_changed = Signal()

# What the public pages show: any change makes their cached content out of date (directory/page_cache.py).
_PUBLIC_MODELS = (Council, Area, Category, ClientGroup, Enterprise, EnterpriseCheck, Service, Synonym)
_PUBLIC_LINKS = (Service.categories.through, Service.client_groups.through, Service.coverage_areas.through)


def _public_data_changed(sender, raw=False, **kwargs):
    if not raw:
        catalogue_changed.send(sender=sender)


def _public_links_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        catalogue_changed.send(sender=sender)


for _model in _PUBLIC_MODELS:
    post_save.connect(_public_data_changed, sender=_model, dispatch_uid=f"public-pages-save-{_model.__name__}")
    post_delete.connect(_public_data_changed, sender=_model, dispatch_uid=f"public-pages-delete-{_model.__name__}")
for _link in _PUBLIC_LINKS:
    m2m_changed.connect(_public_links_changed, sender=_link, dispatch_uid=f"public-pages-links-{_link.__name__}")
