"""Demo referrals: a handful from the demo referrer's team, in every status, so the referral pages have something to
show on `make run`.

They go from the demo referrer (referrer@example.org, in DEMO_REFERRER_ORGANISATION) to the published services of the
demo provider's enterprises (provider@example.org, who answers them) and to a couple of other published services.
The people are fictional, with names nobody could mistake for real ones, Ofcom's drama phone numbers
(01632 960xxx, 07700 900xxx) and example.com email addresses. Dates are counted back from today in working days, so
one referral has always waited 7 working days without an answer ("No response yet").

Idempotent: if the demo referrer already has referrals, nothing is added. Development only, like the demo accounts.
This lives in `referrals` (not `demo/seed.py`) because enterprises must not depend on referrals; `make
demo` runs `seed_demo_referrals` after `seed_demo`.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo.seed import DEMO_ACCOUNTS, DEMO_REFERRER_ORGANISATION, demo_accounts_allowed
from enterprises.models import Organisation, Service
from referrals.models import ConsentMethod, ContactMethod, DeclineReason, Outcome, Referral, ReferralEvent, Urgency
from referrals.reminders import working_days_before

Action = ReferralEvent.Action
REFERRER, PROVIDER, SYSTEM = "referrer", "provider", ""
DEMO_KEYS = uuid.UUID("9c1d5a52-62a4-4c36-9d4e-2026d3e0f001")  # namespace for the demo referrals' submission keys

# The status a referral is in after each action (messages and reminders leave it where it was).
STATUS_AFTER = {
    Action.ACCEPTED: Referral.Status.ACCEPTED,
    Action.DECLINED: Referral.Status.DECLINED,
    Action.WITHDRAWN: Referral.Status.WITHDRAWN,
    Action.STARTED: Referral.Status.STARTED,
    Action.ENDED: Referral.Status.ENDED,
}


class DemoReferralError(Exception):
    pass


@dataclass(frozen=True)
class Step:
    """Something that happened, `working_days_ago` working days before today at `hour`:`minute`."""

    working_days_ago: int
    hour: int
    minute: int
    action: str
    side: str
    message: str = ""


@dataclass(frozen=True)
class DemoReferral:
    key: str
    to_demo_provider: bool  # to one of the demo provider's services (they answer it), or to another enterprise's
    wants: tuple[str, ...]  # category slugs of the service it should go to, best first
    person: dict
    consent_method: str
    urgency: str
    sent: Step
    steps: tuple[Step, ...] = ()
    decline_reason: str = ""
    outcome: str = ""
    who: str = "older-people"  # the client group of the service it should go to, when there is one


def _sent(working_days_ago: int, hour: int, minute: int) -> Step:
    return Step(working_days_ago, hour, minute, Action.SENT, REFERRER)


DEMO_REFERRALS: tuple[DemoReferral, ...] = (
    DemoReferral(
        key="waiting-seven-days",
        to_demo_provider=True,
        wants=("lunch-clubs", "social-groups", "day-clubs"),
        person={
            "person_name": "Arthur Sampleton",
            "contact_method": ContactMethod.PHONE,
            "phone": "01632 960101",
            "postcode": "DY10 1QX",
            "date_of_birth": date(1941, 5, 12),
            "what_matters": "Arthur was a bus driver for forty years and misses having people to talk to since his "
            "wife died last spring. He would like to get out of the house at least once a week.",
            "support_wanted": "A weekly lunch with other people, and help finding his way there the first time.",
            "safety_notes": "Arthur is hard of hearing: please speak clearly and face him. He does not use a mobile.",
        },
        consent_method=ConsentMethod.IN_PERSON,
        urgency=Urgency.WEEK,
        sent=_sent(7, 10, 20),
        steps=(Step(2, 7, 0, Action.REMINDED, SYSTEM),),
    ),
    DemoReferral(
        key="new-yesterday",
        to_demo_provider=True,
        wants=("social-groups", "befriending", "lunch-clubs"),
        person={
            "person_name": "Winifred Demoby",
            "contact_method": ContactMethod.REFERRER,
            "postcode": "DY11 6BN",
            "date_of_birth": date(1938, 11, 3),
            "what_matters": "Winifred loves gardening programmes and a game of cards. Her daughter works full time "
            "and worries that Winifred is alone all day.",
            "support_wanted": "Company during the day, one or two days a week, with lunch.",
            "safety_notes": "Early memory loss: she may not remember arrangements, so please contact me rather than "
            "Winifred directly.",
        },
        consent_method=ConsentMethod.REPRESENTATIVE,
        urgency=Urgency.ROUTINE,
        sent=_sent(1, 14, 5),
    ),
    DemoReferral(
        key="question-asked",
        to_demo_provider=True,
        wants=("transport-and-escorting", "befriending", "social-groups"),
        person={
            "person_name": "Mabel Makebelieve",
            "contact_method": ContactMethod.EMAIL,
            "email": "mabel.makebelieve@example.com",
            "phone": "07700 900103",
            "postcode": "DY12 2AE",
            "what_matters": "Mabel sang in a church choir for years and would like to be part of something again.",
            "support_wanted": "Lifts to a weekly group and a friendly face to go with her the first few times.",
            "safety_notes": "Uses a wheelchair outdoors, which folds into a car boot.",
        },
        consent_method=ConsentMethod.PHONE,
        urgency=Urgency.WEEK,
        sent=_sent(3, 11, 45),
        steps=(
            Step(2, 9, 30, Action.MESSAGE, PROVIDER,
                 "Thank you for this. Can Mabel transfer from her wheelchair to a car seat by herself, or will she "
                 "need a hand?"),
            Step(2, 15, 10, Action.MESSAGE, REFERRER,
                 "She can transfer by herself if someone steadies the chair. She has asked for a morning pick-up if "
                 "possible."),
        ),
    ),
    DemoReferral(
        key="accepted",
        to_demo_provider=True,
        wants=("lunch-clubs", "day-clubs", "social-groups"),
        person={
            "person_name": "Reginald Pretendwell",
            "contact_method": ContactMethod.PHONE,
            "phone": "01632 960104",
            "postcode": "DY13 8XH",
            "date_of_birth": date(1946, 2, 27),
            "what_matters": "Reg wants to stay in his own home and keep his independence. He enjoys talking about "
            "football and the war years his father told him about.",
            "support_wanted": "A hot meal in company once a week while he recovers his confidence after a fall.",
            "safety_notes": "Diabetic (diet controlled). Walks with a stick and needs a chair with arms.",
        },
        consent_method=ConsentMethod.IN_PERSON,
        urgency=Urgency.WEEK,
        sent=_sent(8, 9, 15),
        steps=(
            Step(6, 13, 40, Action.ACCEPTED, PROVIDER,
                 "We would be glad to welcome Reg. We will ring him this week to arrange his first visit, and we can "
                 "keep him a chair with arms near the door."),
        ),
    ),
    DemoReferral(
        key="support-started",
        to_demo_provider=True,
        wants=("social-groups", "befriending", "transport-and-escorting"),
        person={
            "person_name": "Doris Storybook",
            "contact_method": ContactMethod.LETTER,
            "address": "Flat 3, Sample Court\nImaginary Lane\nKidderminster",
            "postcode": "DY10 3PL",
            "date_of_birth": date(1935, 8, 19),
            "what_matters": "Doris likes a routine and her cup of tea at eleven. She used to run a haberdashery and "
            "still knits for her great-grandchildren.",
            "support_wanted": "A regular visit or group where she can chat and knit with others.",
            "safety_notes": "Lives alone. Prefers letters to phone calls; she does not answer numbers she does not "
            "know.",
        },
        consent_method=ConsentMethod.WRITING,
        urgency=Urgency.ROUTINE,
        sent=_sent(20, 10, 0),
        steps=(
            Step(18, 11, 25, Action.MESSAGE, PROVIDER,
                 "Would Doris like one of our volunteers to visit her at home first, before she tries a group?"),
            Step(18, 16, 0, Action.MESSAGE, REFERRER, "Yes please: she would rather meet someone at home first."),
            Step(17, 10, 5, Action.ACCEPTED, PROVIDER, "We have written to Doris to arrange a first visit."),
            Step(12, 15, 30, Action.STARTED, PROVIDER,
                 "Our volunteer visited Doris today. They got on well and will visit every Wednesday morning."),
        ),
    ),
    DemoReferral(
        key="support-ended",
        to_demo_provider=True,
        wants=("befriending", "social-groups", "lunch-clubs"),
        person={
            "person_name": "Harold Notreal",
            "contact_method": ContactMethod.PHONE,
            "phone": "07700 900106",
            "postcode": "DY11 7TE",
            "what_matters": "Harold wanted to get back to the pub quiz he used to go to with his brother.",
            "support_wanted": "Someone to go out with him for a few weeks until he felt confident going alone.",
            "safety_notes": "None known.",
        },
        consent_method=ConsentMethod.IN_PERSON,
        urgency=Urgency.ROUTINE,
        sent=_sent(70, 9, 50),
        steps=(
            Step(68, 14, 0, Action.ACCEPTED, PROVIDER),
            Step(63, 12, 0, Action.STARTED, PROVIDER, "First trip out together went well."),
            Step(10, 17, 20, Action.ENDED, PROVIDER,
                 "Harold now goes to the quiz on his own every Tuesday and has joined a team. He knows he can call "
                 "us again at any time."),
        ),
        outcome=Outcome.GOALS_MET,
    ),
    DemoReferral(
        key="declined",
        to_demo_provider=True,
        wants=("day-clubs", "arts-crafts-and-music"),
        person={
            "person_name": "Kieran Example",
            "contact_method": ContactMethod.EMAIL,
            "email": "kieran.example@example.com",
            "postcode": "DY10 2JR",
            "date_of_birth": date(2001, 4, 8),
            "what_matters": "Kieran has a learning disability and loves music and cooking. He wants to meet people "
            "his own age and learn to make a meal on his own.",
            "support_wanted": "Two days a week of activities and skills, starting in the autumn.",
            "safety_notes": "Needs support crossing roads. Has epilepsy, well controlled; his support plan says what "
            "to do in a seizure.",
        },
        consent_method=ConsentMethod.IN_PERSON,
        urgency=Urgency.ROUTINE,
        sent=_sent(12, 10, 30),
        steps=(
            Step(10, 9, 5, Action.DECLINED, PROVIDER,
                 "Our groups are full until next spring. We have suggested two other day opportunities nearer "
                 "Kidderminster, and we are happy to take a new referral when a place comes up."),
        ),
        decline_reason=DeclineReason.FULL,
        who="learning-disability",
    ),
    DemoReferral(
        key="withdrawn",
        to_demo_provider=False,
        wants=("sitting-and-carer-breaks", "befriending"),
        person={
            "person_name": "Gladys Invented",
            "contact_method": ContactMethod.PHONE,
            "phone": "01632 960108",
            "postcode": "DY12 1BA",
            "what_matters": "Gladys cares for her husband, who has dementia, and has not had an afternoon to herself "
            "for months.",
            "support_wanted": "A sitter for her husband for three hours one afternoon a week.",
            "safety_notes": "Her husband can become distressed in the late afternoon; Gladys will explain what helps.",
        },
        consent_method=ConsentMethod.PHONE,
        urgency=Urgency.SOON,
        sent=_sent(9, 16, 10),
        steps=(
            Step(6, 11, 0, Action.WITHDRAWN, REFERRER,
                 "Gladys's son has moved back home and can now sit with his father, so she no longer needs this."),
        ),
        who="carers",
    ),
    DemoReferral(
        key="waiting-elsewhere",
        to_demo_provider=False,
        wants=("home-help", "befriending"),
        person={
            "person_name": "Stanley Madeup",
            "contact_method": ContactMethod.PHONE,
            "phone": "07700 900109",
            "postcode": "DY13 0AZ",
            "date_of_birth": date(1944, 1, 30),
            "what_matters": "Stanley wants his home to feel like his again: he is proud of it and embarrassed that "
            "he can no longer keep on top of it.",
            "support_wanted": "Help with cleaning and shopping, two hours a week.",
            "safety_notes": "Has a friendly dog, who is kept in the garden during visits.",
        },
        consent_method=ConsentMethod.IN_PERSON,
        urgency=Urgency.WEEK,
        sent=_sent(2, 12, 35),
    ),
)


def _moment(today: date, step: Step) -> datetime:
    day = working_days_before(today, step.working_days_ago)
    return timezone.make_aware(datetime.combine(day, time(step.hour, step.minute)))


def _choose(services: list[Service], spec: DemoReferral, used: set[int]) -> Service | None:
    """A service for the person's client group offering the best wanted category, preferring one not referred to yet;
    failing that, any service for the group, or any service at all."""
    for_group = [service for service in services if spec.who in {group.slug for group in service.client_groups.all()}]
    for candidates in ([service for service in for_group if service.pk not in used], for_group):
        for slug in spec.wants:
            for service in candidates:
                if slug in {category.slug for category in service.categories.all()}:
                    return service
    return min(for_group or services, key=lambda service: service.pk in used, default=None)


def _demo_people():
    User = get_user_model()
    emails = {account.role: account.email for account in DEMO_ACCOUNTS}
    referrer = User.objects.filter(email=emails["referrer"]).first()
    provider = User.objects.filter(email=emails["provider"]).first()
    organisation = Organisation.objects.filter(name=DEMO_REFERRER_ORGANISATION, members=referrer).first()
    return referrer, provider, organisation


def build_referral(spec: DemoReferral, *, service: Service, referrer, organisation, provider, today: date):
    """The referral and its events, with the timestamps its steps imply (not saved). `provider` is who answers for
    the service's enterprise (None for an enterprise without a demo account: its events then name nobody)."""
    sent_at = _moment(today, spec.sent)
    referral = Referral(
        submission_key=uuid.uuid5(DEMO_KEYS, spec.key),
        service=service,
        service_name=service.name,
        enterprise=service.enterprise,
        referrer=referrer,
        organisation=organisation,
        consent_method=spec.consent_method,
        consent_given_on=timezone.localdate(sent_at),
        urgency=spec.urgency,
        decline_reason=spec.decline_reason,
        outcome=spec.outcome,
        sent_at=sent_at,
        **spec.person,
    )
    events = [
        ReferralEvent(action=Action.SENT, actor=referrer, side=REFERRER, to_status=Referral.Status.SENT, at=sent_at)
    ]
    status = Referral.Status.SENT
    for step in spec.steps:
        at = _moment(today, step)
        actor = {REFERRER: referrer, PROVIDER: provider}.get(step.side)
        event = ReferralEvent(action=step.action, actor=actor, side=step.side, message=step.message, at=at)
        if step.side == PROVIDER and referral.first_response_at is None:
            referral.first_response_at = at
        if step.action == Action.REMINDED:
            referral.provider_reminded_at = at
        if step.action in STATUS_AFTER:
            event.from_status, event.to_status = status, STATUS_AFTER[step.action]
            status = STATUS_AFTER[step.action]
            if step.action == Action.ACCEPTED:
                referral.accepted_at = at
            elif step.action == Action.STARTED:
                referral.started_at = at
            if status in Referral.CLOSED:
                referral.closed_at = at
        events.append(event)
    referral.status = status
    return referral, events


@transaction.atomic
def seed_demo_referrals(*, today: date | None = None) -> int:
    """Add the demo referrals, unless the demo referrer already has some. Returns how many were added."""
    if not demo_accounts_allowed():
        raise DemoReferralError("Demo referrals are for development only, and DJANGO_ENV is production")
    referrer, provider, organisation = _demo_people()
    if referrer is None or provider is None or organisation is None:
        raise DemoReferralError("There are no demo accounts yet: run `manage.py seed_demo` first")
    if Referral.objects.filter(referrer=referrer).exists():
        return 0
    today = today or timezone.localdate()
    published = Service.objects.published().select_related("enterprise").prefetch_related("categories", "client_groups")
    own = list(published.filter(enterprise__members=provider).order_by("enterprise__name", "pk"))
    others = list(
        published.filter(enterprise__council=organisation.council).exclude(enterprise__members=provider).order_by("pk")
    )
    if not own and not others:
        raise DemoReferralError("There are no published services to refer to: run `manage.py seed_demo` first")
    used: set[int] = set()
    referrals, events = [], []
    for spec in DEMO_REFERRALS:
        service = _choose(own if spec.to_demo_provider and own else others or own, spec, used)
        used.add(service.pk)
        answerer = provider if service in own else None
        referral, its_events = build_referral(
            spec, service=service, referrer=referrer, organisation=organisation, provider=answerer, today=today
        )
        referrals.append(referral)
        events.append(its_events)
    Referral.objects.bulk_create(referrals)
    for referral, its_events in zip(referrals, events):
        for event in its_events:
            event.referral = referral
    ReferralEvent.objects.bulk_create([event for its_events in events for event in its_events])
    return len(referrals)
