"""The standard types of support (categories) and who services are for (client groups).

Staff may edit these later; this module holds the starting set and `ensure_taxonomies()`, which creates them or
brings them back in line, keyed by slug, so it is safe to run any number of times.

`oruk_term` is the code of each term in the taxonomy we will publish to Open Referral UK. Codes are stable: change a
name or a description freely, never a code.
"""

from dataclasses import dataclass

from django.db import transaction

from enterprises.models import Category, ClientGroup


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    description: str
    oruk_term: str


CATEGORIES: tuple[Term, ...] = (
    Term(
        "day-clubs",
        "Day clubs and day opportunities",
        "A day out with company, activities and a meal, at a local venue.",
        "cd-day-clubs",
    ),
    Term(
        "lunch-clubs",
        "Lunch clubs and meals",
        "A hot meal in good company, or meals brought to your door.",
        "cd-lunch-clubs",
    ),
    Term(
        "home-help",
        "Home help and cleaning",
        "Help around the home: cleaning, laundry, shopping and keeping on top of things.",
        "cd-home-help",
    ),
    Term(
        "home-care",
        "Home care (personal care)",
        "Help with washing, dressing, medicines and eating, from a carer registered with the CQC.",
        "cd-home-care",
    ),
    Term(
        "sitting-and-carer-breaks",
        "Sitting services and carer breaks",
        "Someone to stay with the person you care for, so you can have a break.",
        "cd-carer-breaks",
    ),
    Term(
        "befriending",
        "Befriending and companionship",
        "Regular visits or calls from a friendly person, for company and a chat.",
        "cd-befriending",
    ),
    Term(
        "peer-support",
        "Peer support groups",
        "Meet people in a similar situation to share experience and support each other.",
        "cd-peer-support",
    ),
    Term(
        "gardening-and-odd-jobs",
        "Gardening and odd jobs",
        "Help with the garden, small repairs and jobs around the house.",
        "cd-gardening-odd-jobs",
    ),
    Term(
        "arts-crafts-and-music",
        "Arts, crafts and music",
        "Painting, crafts, singing and music groups for all abilities.",
        "cd-arts-crafts-music",
    ),
    Term(
        "dance-and-exercise",
        "Dance and exercise",
        "Gentle exercise, seated exercise, dance and walking groups.",
        "cd-dance-exercise",
    ),
    Term(
        "social-groups",
        "Social groups",
        "Regular get-togethers for a cup of tea, a chat and friendship.",
        "cd-social-groups",
    ),
    Term(
        "trips-and-outings",
        "Trips and outings",
        "Days out and outings with company and help to get there.",
        "cd-trips-outings",
    ),
    Term(
        "transport-and-escorting",
        "Transport and escorting",
        "Lifts and a friendly escort to appointments, shops and activities.",
        "cd-transport-escorting",
    ),
    Term(
        "advice-and-advocacy",
        "Advice and advocacy",
        "Help to understand your options, fill in forms and make your voice heard.",
        "cd-advice-advocacy",
    ),
)

CLIENT_GROUPS: tuple[Term, ...] = (
    Term("older-people", "Older people", "People in later life.", "cd-older-people"),
    Term(
        "dementia",
        "People living with dementia",
        "People living with dementia or memory loss.",
        "cd-dementia",
    ),
    Term(
        "learning-disability",
        "People with a learning disability",
        "Adults and young people with a learning disability.",
        "cd-learning-disability",
    ),
    Term("autistic-people", "Autistic people", "Autistic adults and young people.", "cd-autistic-people"),
    Term(
        "physical-disability",
        "Physically disabled people",
        "People with a physical disability or long-term condition that affects getting about.",
        "cd-physical-disability",
    ),
    Term(
        "mental-health",
        "People with mental ill health",
        "People living with mental ill health, or recovering from it.",
        "cd-mental-health",
    ),
    Term("carers", "Carers", "People who look after a family member or friend, unpaid.", "cd-carers"),
    Term(
        "children-and-families",
        "Children, young people and families",
        "Children and young people, and the families who support them.",
        "cd-children-families",
    ),
)


@dataclass(frozen=True)
class TaxonomyResult:
    created: int
    updated: int
    unchanged: int


def _ensure(model, terms: tuple[Term, ...]) -> TaxonomyResult:
    created = updated = unchanged = 0
    by_slug = {item.slug: item for item in model.objects.filter(slug__in=[term.slug for term in terms])}
    by_name = {item.name: item for item in model.objects.filter(name__in=[term.name for term in terms])}
    for position, term in enumerate(terms, start=1):
        wanted = {
            "slug": term.slug,
            "name": term.name,
            "description": term.description,
            "oruk_term": term.oruk_term,
            "position": position,
        }
        # By slug; failing that by name, so a term created by hand with another slug is adopted, not duplicated.
        item = by_slug.get(term.slug) or by_name.get(term.name)
        if item is None:
            model.objects.create(**wanted)
            created += 1
        elif any(getattr(item, field) != value for field, value in wanted.items()):
            for field, value in wanted.items():
                setattr(item, field, value)
            item.save()  # saving (not a bulk update) lets a renamed category refresh its services' search text
            updated += 1
        else:
            unchanged += 1
    return TaxonomyResult(created, updated, unchanged)


@transaction.atomic
def ensure_taxonomies() -> dict[str, TaxonomyResult]:
    """Create the standard categories and client groups, or bring them back in line. Idempotent."""
    return {"categories": _ensure(Category, CATEGORIES), "client_groups": _ensure(ClientGroup, CLIENT_GROUPS)}
