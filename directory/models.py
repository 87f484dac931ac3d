from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from enterprises.models import Area, Service


class SearchRecord(models.Model):
    """One search from the public search page, kept so councils can see what people look for and what they cannot
    find. Nothing personal: the first half of the postcode only (its district, like "WR1"), the locality it falls
    in (and so its council), single words that look like a need (directory/search_log.py takes out anything like a
    name, phone number, email address, postcode or street), and no link to a session or an account. `visitor` is a
    keyed code of the internet address that changes every month: the reports count different visitors with it."""

    searched_on = models.DateField(default=timezone.localdate, db_index=True)
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    postcode_district = models.CharField(max_length=4, blank=True)
    words = models.CharField(max_length=100, blank=True)
    category_slugs = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    client_group_slugs = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    result_count = models.PositiveIntegerField()
    visitor = models.CharField(max_length=16, blank=True)

    class Meta:
        indexes = [models.Index(fields=["area", "searched_on"])]


class SharedShortlist(models.Model):
    """A shortlist someone shared: its services, in their order, under a short code that anyone can open
    (directory/shortlist.py). Made only when someone asks to share or email a list; the same list always gets the
    same code. Nothing about who made it is kept."""

    code = models.CharField(max_length=8, unique=True)
    service_ids = ArrayField(models.IntegerField(), unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.code


class ProblemReport(models.Model):
    """Someone told us a service's page is wrong ("Report a problem with this page"), with no account: what is wrong
    and their words. The provider is emailed and sees the open reports on their listing; the council's staff see
    them in their queue until one of them marks each dealt with (directory/problems.py)."""

    class Problem(models.TextChoices):
        CLOSED = "closed", "It has closed or stopped running"
        WRONG_PHONE = "wrong_phone", "The phone number is wrong"
        WRONG_PRICE = "wrong_price", "The price is wrong"
        OTHER = "other", "Something else"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="problem_reports")
    problem = models.CharField(max_length=20, choices=Problem.choices)
    details = models.TextField(blank=True)
    # The form's own random key: the same form sent twice (a double click, a resend) makes one report.
    submission = models.UUIDField(unique=True)
    reported_at = models.DateTimeField(default=timezone.now)
    dealt_with_at = models.DateTimeField(null=True, blank=True)
    dealt_with_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["reported_at", "pk"]
        indexes = [
            models.Index(fields=["service"], condition=models.Q(dealt_with_at__isnull=True), name="problem_open_idx")
        ]

    @property
    def is_open(self) -> bool:
        return self.dealt_with_at is None
