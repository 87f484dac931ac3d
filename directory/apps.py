from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "The public directory"

    def ready(self):
        from directory import page_cache
        from enterprises.signals import catalogue_changed

        catalogue_changed.connect(
            lambda sender, **kwargs: page_cache.catalogue_changed(), dispatch_uid="directory.page_cache", weak=False
        )
