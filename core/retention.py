"""Erasing personal details a set number of calendar months after a case closed: the one rule that referrals
(`referrals/retention.py`) and enquiries about starting a micro-enterprise (`enterprises/enquiries.py`) both follow.

A model that keeps personal details names them (`fields`), stamps when it closed (`closed_at`) and when they were
erased (`personal_details_erased_at`). Erasing blanks those fields of every row due, stamps them, and hands their ids
to the caller's `also` (to blank what else may name the person) in one transaction: a few queries however many rows.
"""

from collections.abc import Callable
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.dates import months_before


def erase_before(months: int, today: date | None = None) -> datetime:
    """Cases closed before this moment (the start of the day `months` calendar months before today) are erased."""
    cutoff = months_before(today or timezone.localdate(), months)
    return timezone.make_aware(datetime.combine(cutoff, time.min))


def due_for_erasure(closed: QuerySet, months: int, today: date | None = None) -> QuerySet:
    """Of these closed cases, those closed more than `months` months before `today` and not yet erased."""
    return closed.filter(closed_at__lt=erase_before(months, today), personal_details_erased_at__isnull=True)


def _emptied(model, fields: list[str]) -> dict:
    return {name: None if model._meta.get_field(name).null else "" for name in fields}


def erase_personal_details(due: QuerySet, fields: list[str], *, dry_run: bool = False,
                           also: Callable[[list[int], datetime], None] | None = None) -> int:
    """Blank `fields` of the rows in `due` and stamp `personal_details_erased_at` (and `updated_at`); then `also(ids,
    now)`. Returns how many rows were erased (or, with `dry_run`, would be, with nothing changed)."""
    if dry_run:
        return due.count()
    with transaction.atomic():
        ids = list(due.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        now = timezone.now()
        model = due.model
        model.objects.filter(pk__in=ids).update(
            **_emptied(model, fields), personal_details_erased_at=now, updated_at=now
        )
        if also is not None:
            also(ids, now)
    return len(ids)
