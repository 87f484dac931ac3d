"""A list filtered by status: how many rows each choice shows, and which choice `?status=` asks for.

Every list page that offers "All (12) · Draft (3) · Published (9)" does the same three things: count the rows of each
status in one grouped query, take the status asked for only if it is one the page offers (anything else, or nothing,
shows all the rows, never an error), and filter the rows by it. Nothing here knows a model: the page names the field
and its choices. A choice that is not a value of the field (the referrals' "No response yet") comes with its own
queryset in `subsets`, counted with one query of its own.

    chosen = filter_by_status(scope, request.GET.get("status", ""), Enterprise.Status.choices)
    chosen.rows, chosen.status, chosen.label, chosen.statuses (value, label, count), chosen.total
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

ALL = ""


@dataclass(frozen=True)
class StatusFilter:
    rows: QuerySet                   # the rows the chosen status shows (all of them when none is chosen)
    status: str                      # the chosen status; "" for all
    label: str                       # its label; "" when none is chosen and the choices have no "" of their own
    statuses: list[tuple[str, str, int]]  # (value, label, how many rows it shows) for each choice, in order
    total: int                       # how many rows there are in all
    counts: dict[str, int] = field(repr=False)  # value → how many rows it shows ("" is all of them)


def filter_by_status(scope: QuerySet, asked: str | None, choices: Iterable[tuple[str, str]], *,
                     field_name: str = "status", subsets: Mapping[str, QuerySet] | None = None) -> StatusFilter:
    """`scope` counted by `field_name` (one query, plus one for each of `subsets`) and filtered by `asked` when it is
    one of `choices`; otherwise `status` is "" and `rows` is the whole scope. `subsets` maps choices that are not a
    value of the field to the rows they show."""
    choices = list(choices)
    subsets = subsets or {}
    counts = {value: n for value, n in scope.order_by().values_list(field_name).annotate(n=Count("pk"))}
    total = sum(counts.values())
    counts[ALL] = total
    for value, subset in subsets.items():
        counts[value] = subset.count()
    labels = {str(value): str(label) for value, label in choices}
    status = asked if asked in labels else ALL
    if status in subsets:
        rows = subsets[status]
    else:
        rows = scope.filter(**{field_name: status}) if status else scope
    return StatusFilter(
        rows=rows,
        status=status,
        label=labels.get(status, ""),
        statuses=[(value, label, counts.get(value, 0)) for value, label in choices],
        total=total,
        counts=counts,
    )
