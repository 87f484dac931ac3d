"""The listing lifecycle: one function per transition.

draft → submitted → (changes requested → submitted)* → published → suspended (→ published) or archived;
a submitted listing may also be rejected. A live listing's edits are a Revision, approved or rejected by staff.

Each function checks who may act and from which state, locks the row so that two people acting at once cannot
both succeed, records a ListingEvent, queues an email to the provider in the same transaction, and raises
TransitionError (with a message for the person) when the transition is not allowed.
"""

import secrets
from collections import Counter
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.notifications import queue_email
from enterprises.access import staff_council
from enterprises.checks import NOT_CHECKED, missing_checks, named_checks
from enterprises.models import Enterprise, EnterpriseCheck, ListingEvent, Revision, next_review_due

Status = Enterprise.Status
APPROVED_WITHOUT_CHECKS = "approved_without_checks"


class TransitionError(Exception):
    """A transition that is not allowed, with a message that says why."""


def _locked(enterprise: Enterprise) -> Enterprise:
    return Enterprise.objects.select_for_update().get(pk=enterprise.pk)


def _require_status(listing: Enterprise, allowed: set[str]) -> None:
    if listing.status not in allowed:
        raise TransitionError(
            f"{listing.name} has already been dealt with: it is now {Status(listing.status).label.lower()}"
        )


def _require_staff_of(user, listing: Enterprise) -> None:
    if staff_council(user) != listing.council:
        raise TransitionError("Only staff of the council that lists this enterprise can do that")


def _require_someone_else(user, listing: Enterprise) -> None:
    if listing.members.filter(pk=user.pk).exists():
        raise TransitionError(
            f"You cannot approve or review {listing.name}, because you belong to it. Ask a colleague to do it."
        )


def _require_member(user, listing: Enterprise) -> None:
    if not listing.members.filter(pk=user.pk).exists():
        raise TransitionError("Only the enterprise’s own people can do that")


def without_checks_message(missing: list[str], reason: str) -> str:
    """What the history keeps of an approval without some checks: which, and why."""
    labels = [NOT_CHECKED[kind] for kind in missing]
    return f"Not checked: {', '.join(labels)}\n{reason}"


def new_listing_slug(name: str) -> str:
    """A new listing's address, for good: its name and a random part. A name alone, or a name and a number, would
    show whoever lists an enterprise whether an unpublished listing of the same name exists."""
    return f"{slugify(name)[:180].strip('-') or 'enterprise'}-{secrets.token_hex(3)}"


def _move(listing: Enterprise, to: str, *, action: str, by, message: str = "", revision=None) -> Enterprise:
    from_status = listing.status
    listing.status = to
    listing.save()
    ListingEvent.objects.create(
        enterprise=listing, revision=revision, action=action, from_status=from_status, to_status=to, actor=by,
        message=message,
    )
    return listing


def tell_providers(listing: Enterprise, subject: str, body: str, *, kind: str = "listing") -> None:
    """Email each of the enterprise's people, queued in the current transaction (core/notifications.py). `kind`
    (`listing_<what>`) names it and its GOV.UK Notify template; the listing's council sees it if it cannot be sent."""
    link = f"{settings.SITE_URL}{reverse('provider:task_list', kwargs={'slug': listing.slug})}"
    text = f"{body}\n\nSee your listing: {link}\n\n{settings.SITE_NAME}"
    fields = {"listing": listing.name, "message": body, "link": link}
    for email in sorted(set(listing.members.exclude(email="").values_list("email", flat=True))):
        queue_email(email, subject, text, kind=kind, council_id=listing.council_id, fields=fields)


def _require_message(message: str, what: str) -> str:
    message = (message or "").strip()
    if not message:
        raise TransitionError(f"Enter {what}")
    return message


@transaction.atomic
def submit_listing(*, enterprise: Enterprise, by) -> Enterprise:
    listing = _locked(enterprise)
    _require_member(by, listing)
    _require_status(listing, {Status.DRAFT, Status.CHANGES_REQUESTED})
    listing.submitted_at = timezone.now()
    return _move(listing, Status.SUBMITTED, action="submitted", by=by)


@transaction.atomic
def request_changes(*, enterprise: Enterprise, by, message: str) -> Enterprise:
    message = _require_message(message, "what the provider needs to change")
    listing = _locked(enterprise)
    _require_staff_of(by, listing)
    _require_status(listing, {Status.SUBMITTED})
    _move(listing, Status.CHANGES_REQUESTED, action="changes_requested", by=by, message=message)
    tell_providers(listing, f"Changes needed to your listing: {listing.name}", message,
                   kind="listing_changes_requested")
    return listing


@transaction.atomic
def approve_listing(
    *, enterprise: Enterprise, by, checks: list[str] = (), review_due_on: date | None = None, message: str = "",
    missing_checks_reason: str = "",
) -> Enterprise:
    """Publish a listing. Without every check its types of support need (enterprises/checks.py), only with a reason,
    which its history keeps with the checks that were not made."""
    listing = _locked(enterprise)
    _require_staff_of(by, listing)
    _require_someone_else(by, listing)
    _require_status(listing, {Status.SUBMITTED})
    _require_known_checks(checks)
    missing = missing_checks(listing, checking=checks)
    reason = (missing_checks_reason or "").strip()
    if missing and not reason:
        raise TransitionError(f"{listing.name} needs {named_checks(missing)}: tick them if you have checked them, "
                              f"or give a reason to approve without them")
    record_checks(listing, kinds=checks, by=by)
    listing.published_at = timezone.now()
    listing.review_due_on = review_due_on or next_review_due()
    _move(listing, Status.PUBLISHED, action="approved", by=by, message=message)
    if missing:
        ListingEvent.objects.create(
            enterprise=listing, action=APPROVED_WITHOUT_CHECKS, from_status=Status.PUBLISHED,
            to_status=Status.PUBLISHED, actor=by, message=without_checks_message(missing, reason),
        )
    tell_providers(
        listing, f"Your listing is published: {listing.name}", message or "People can now find you in the directory.",
        kind="listing_published",
    )
    return listing


@transaction.atomic
def reject_listing(*, enterprise: Enterprise, by, reason: str) -> Enterprise:
    reason = _require_message(reason, "the reason for rejecting the listing")
    listing = _locked(enterprise)
    _require_staff_of(by, listing)
    _require_status(listing, {Status.SUBMITTED})
    _move(listing, Status.REJECTED, action="rejected", by=by, message=reason)
    tell_providers(listing, f"Your listing was not approved: {listing.name}", reason, kind="listing_rejected")
    return listing


@transaction.atomic
def suspend_listing(*, enterprise: Enterprise, by, reason: str) -> Enterprise:
    reason = _require_message(reason, "the reason for suspending the listing")
    listing = _locked(enterprise)
    _require_staff_of(by, listing)
    _require_status(listing, {Status.PUBLISHED})
    _move(listing, Status.SUSPENDED, action="suspended", by=by, message=reason)
    tell_providers(listing, f"Your listing is suspended: {listing.name}", reason, kind="listing_suspended")
    return listing


@transaction.atomic
def reinstate_listing(*, enterprise: Enterprise, by, message: str = "") -> Enterprise:
    listing = _locked(enterprise)
    _require_staff_of(by, listing)
    _require_status(listing, {Status.SUSPENDED})
    _move(listing, Status.PUBLISHED, action="reinstated", by=by, message=message)
    tell_providers(listing, f"Your listing is published again: {listing.name}", message or "People can find you again.",
                   kind="listing_reinstated")
    return listing


@transaction.atomic
def archive_listing(*, enterprise: Enterprise, by, reason: str) -> Enterprise:
    reason = _require_message(reason, "the reason for archiving the listing")
    listing = _locked(enterprise)
    _require_staff_of(by, listing)
    _require_status(listing, {Status.DRAFT, Status.CHANGES_REQUESTED, Status.PUBLISHED, Status.SUSPENDED,
                              Status.REJECTED})
    _move(listing, Status.ARCHIVED, action="archived", by=by, message=reason)
    tell_providers(listing, f"Your listing is archived: {listing.name}", reason, kind="listing_archived")
    return listing


@transaction.atomic
def mark_reviewed(*, enterprise: Enterprise, by, checks: list[str] = (), review_due_on: date | None = None):
    """The yearly review: staff confirm the listing again, which sets the next review date."""
    listing = _locked(enterprise)
    _require_staff_of(by, listing)
    _require_someone_else(by, listing)
    _require_status(listing, {Status.PUBLISHED, Status.SUSPENDED})
    record_checks(listing, kinds=checks, by=by)
    listing.review_due_on = review_due_on or next_review_due()
    listing.save()
    ListingEvent.objects.create(enterprise=listing, action="reviewed", from_status=listing.status,
                                to_status=listing.status, actor=by)
    return listing


def _require_known_checks(kinds) -> None:
    for kind in kinds:
        if kind not in EnterpriseCheck.Kind.values:
            raise TransitionError(f"Unknown check: {kind}")


def record_checks(listing: Enterprise, *, kinds, by) -> None:
    _require_known_checks(kinds)
    for kind in kinds:
        EnterpriseCheck.objects.create(enterprise=listing, kind=kind, checked_by=by)


def _locked_pending_revision(revision: Revision, *, sent: bool | None = None) -> Revision:
    locked = Revision.objects.select_for_update().select_related("enterprise").get(pk=revision.pk)
    if locked.status != Revision.Status.PENDING:
        raise TransitionError(f"These changes have already been dealt with: they were {locked.status}")
    if sent is True and locked.submitted_at is None:
        raise TransitionError("These changes have not been sent for approval yet")
    return locked


@transaction.atomic
def submit_revision(*, revision: Revision, by) -> Revision:
    locked = _locked_pending_revision(revision)
    _require_member(by, locked.enterprise)
    if locked.submitted_at is not None:
        raise TransitionError("These changes are already waiting for approval")
    locked.submitted_at = timezone.now()
    locked.save()
    ListingEvent.objects.create(enterprise=locked.enterprise, revision=locked, action="revision_submitted",
                                from_status=locked.enterprise.status, to_status=locked.enterprise.status, actor=by)
    return locked


@transaction.atomic
def approve_revision(*, revision: Revision, by, message: str = "") -> Revision:
    from enterprises.revisions import apply_revision

    locked = _locked_pending_revision(revision, sent=True)
    listing = _locked(locked.enterprise)
    _require_staff_of(by, listing)
    _require_someone_else(by, listing)
    apply_revision(locked)
    locked.status, locked.decided_by, locked.decided_at = Revision.Status.APPROVED, by, timezone.now()
    locked.save()
    ListingEvent.objects.create(enterprise=listing, revision=locked, action="revision_approved",
                                from_status=listing.status, to_status=listing.status, actor=by, message=message)
    tell_providers(listing, f"Your changes are live: {listing.name}", message or "The council approved your changes.",
                   kind="listing_changes_approved")
    return locked


@transaction.atomic
def reject_revision(*, revision: Revision, by, reason: str) -> Revision:
    reason = _require_message(reason, "the reason for rejecting the changes")
    locked = _locked_pending_revision(revision, sent=True)
    listing = locked.enterprise
    _require_staff_of(by, listing)
    locked.status, locked.decided_by, locked.decided_at, locked.reason = (
        Revision.Status.REJECTED, by, timezone.now(), reason
    )
    locked.save()
    ListingEvent.objects.create(enterprise=listing, revision=locked, action="revision_rejected",
                                from_status=listing.status, to_status=listing.status, actor=by, message=reason)
    tell_providers(listing, f"Your changes were not approved: {listing.name}", reason, kind="listing_changes_rejected")
    return locked


@transaction.atomic
def import_listings(*, council, by, listings: list[dict], source: str) -> list[Enterprise]:
    """Listings brought in from another directory (opendata/importer.py), one for each dict of fields: they have no
    members yet, so they go straight to the council's queue, waiting for staff to check and approve them like any
    other. Written in bulk (an import may hold thousands), so they send no model signals; they have no services yet
    and are not public, so there is nothing for those signals to do."""
    if by is not None and staff_council(by) != council:
        raise TransitionError("Only staff of the council can import listings into it")
    now = timezone.now()
    made = [
        Enterprise(council=council, status=Status.SUBMITTED, submitted_at=now, slug=new_listing_slug(fields["name"]),
                   **fields)
        for fields in listings
    ]
    while True:  # a random part makes a clash all but impossible; if one comes, draw again
        counts = Counter(listing.slug for listing in made)
        taken = {slug for slug, count in counts.items() if count > 1}
        taken |= set(Enterprise.objects.filter(slug__in=list(counts)).values_list("slug", flat=True))
        if not taken:
            break
        for listing in made:
            if listing.slug in taken:
                listing.slug = new_listing_slug(listing.name)
    Enterprise.objects.bulk_create(made)
    ListingEvent.objects.bulk_create([
        ListingEvent(enterprise=listing, action="imported", from_status="", to_status=Status.SUBMITTED, actor=by,
                     message=f"Imported from {source}", at=now)
        for listing in made
    ])
    return made
