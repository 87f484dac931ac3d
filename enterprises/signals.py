"""Keep each service's full-text document in step with the names and categories it is built from."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from enterprises.models import Category, Enterprise, Service


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
