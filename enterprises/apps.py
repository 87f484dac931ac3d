from django.apps import AppConfig
from django.core import checks


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "Enterprises and services"

    def ready(self):
        from enterprises import signals  # noqa: F401

        checks.register(checks_needed_setting)


def checks_needed_setting(app_configs=None, **kwargs):
    """A mistake in the CHECKS_NEEDED setting, reported by `manage.py check` (and runserver, migrate) rather than at
    the first approval."""
    from django.core.exceptions import ImproperlyConfigured

    from enterprises.checks import checks_needed_table

    try:
        checks_needed_table()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="enterprises.E001")]
    return []
