from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "Enterprises and services"

    def ready(self):
        from enterprises import signals  # noqa: F401
