from django.conf import settings
from django.db import models
from django.utils import timezone

from enterprises.models import Council, Service


class ImportedService(models.Model):
    """Where an imported service came from: its id in the directory it was imported from (an Open Referral UK id),
    so that importing the same directory again updates it rather than listing it twice."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    source_id = models.CharField(max_length=200)
    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="import_source")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "source_id"], name="imported_service_source_unique"),
        ]


class DirectoryImport(models.Model):
    """One import from the staff page: the rows its dry run read, kept for staff to confirm. Confirming it locks the
    row and sets `confirmed_at`, so a confirmation sent twice imports once."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=300)
    rows = models.JSONField(default=list)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict)
