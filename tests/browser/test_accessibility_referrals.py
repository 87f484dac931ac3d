"""The referral pages pass axe-core's WCAG 2.2 A and AA rules at desktop and mobile widths, in each state they are
checked in (as they first open, and with an error where the page has one), with one h1 and a title of their own.

Each case: given a person (a referrer, a referrer with two teams, the provider the referrals go to, or a member of the
council's staff) on a page, at a screen width, in a state, when axe-core checks the page, then it finds no violations,
and the page has exactly one h1 and a title of its own. The page is opened afresh for each state and width, and
signed-in people get their session from Django's test client, as in test_accessibility_signed_in.py; but the data is
built once for the whole module (one commit), and deleted when its last page is checked: the pages only read it,
and the few states that change something (a referral withdrawn before it is accepted, a listing suspended before
"Send referral") make their own referral or put things back as they were.

The question pages of the referral form need the answers before them: a page is reached by going to it and, while the
site sends the referrer to an earlier question, answering that one, as a referrer would. The answers stay in the
browser's session, so the second width goes straight there.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from enterprises.models import Enterprise, Organisation, Service, StaffMembership
from enterprises.reminders import still_correct_token
from referrals import lifecycle
from referrals.models import Referral
from tests.browser.conftest import data_built_once
from tests.browser.test_accessibility import go
from tests.browser.test_accessibility_signed_in import (
    AccountPage,
    given_a_person_on,
    opened,
    press,
    problems_in_every_state,
    sent_with,
    then_it_shows_an_error,
)
from tests.factories import (
    make_category,
    make_client_group,
    make_council,
    make_enterprise,
    make_postcode,
    make_referral,
    make_service,
)

pytestmark = pytest.mark.browser

PERSON_POSTCODE = "WR14 3PQ"
TOO_LONG = "x" * 2001  # the referral form's long answers take 2,000 characters


# Given: a day club with referrals in every status, the people who send and answer them, and the council's staff -----


@dataclass(frozen=True)
class Referrals:
    referrer: object  # Ruth: one team
    two_teams: object  # Colin: a referrer in two organisations, so the start page asks which one he refers for
    provider: object  # Jean: runs the day club
    staff: object  # Priya: the council's staff
    day_club: Service
    sent: Referral  # waiting for Jean's answer
    late: Referral  # waiting for more than its 2 working days: "No response yet", reminded and passed to the council
    accepted: Referral  # with a message each way
    started: Referral
    ended: Referral
    declined: Referral
    withdrawn: Referral  # so that the lists show every status


def build_referrals() -> Referrals:
    council = make_council("Worcestershire County Council")
    venue = make_postcode("WR14 4AA", 377500, 245800)
    make_postcode(PERSON_POSTCODE, 378200, 246500)
    day_clubs, home_help = make_category("Day clubs"), make_category("Home help")
    older_people = make_client_group("Older people")

    def person(email, first, last):  # no password: they are signed in by the test client, never the sign-in page
        return get_user_model().objects.create_user(username=email, email=email, first_name=first, last_name=last)

    jean = person("jean@malvern-friendship.example", "Jean", "Morgan")
    enterprise = make_enterprise("Malvern Friendship Club", council=council, phone="01684 560123",
                                 email="hello@malvern-friendship.example")
    enterprise.members.add(jean)
    day_club = make_service(
        "Wednesday Day Club", enterprise=enterprise, venue=venue, categories=[day_clubs],
        client_groups=[older_people], summary="A day out with lunch, games and music, every Wednesday.",
        description="We meet at the Priory Church Hall from 10am to 3pm.",
    )
    make_service("Malvern Garden Helpers", enterprise=make_enterprise("Garden Helpers", council=council), venue=venue,
                 categories=[home_help], summary="Help in the garden for older people.")

    ruth = person("ruth.jones@worcestershire.example", "Ruth", "Jones")
    colin = person("colin.brown@worcestershire.example", "Colin", "Brown")
    team = Organisation.objects.create(council=council, name="Adult Social Care – Malvern team")
    team.members.add(ruth, colin)
    Organisation.objects.create(council=council, name="Malvern Village Agents").members.add(colin)
    priya = person("priya.shah@worcestershire.example", "Priya", "Shah")
    StaffMembership.objects.create(user=priya, council=council)

    def referral(name, **fields):
        return make_referral(service=day_club, referrer=ruth, person_name=name, **fields)

    sent = referral("Margaret Evans")
    late = referral("Arthur Price", sent_at=timezone.now() - timedelta(days=10), urgency="soon",
                    provider_reminded_at=timezone.now() - timedelta(days=6), escalated_at=timezone.now())
    accepted = lifecycle.accept(referral=referral("Edna Clarke", contact_method="referrer", phone=""), by=jean,
                                message="We will phone Ruth to arrange a visit.")
    lifecycle.send_message(referral=accepted, by=ruth, text="Edna is free on Mondays and Wednesdays.")
    lifecycle.send_message(referral=accepted, by=jean, text="Thank you. Does she need a lift from home?")
    started = lifecycle.start_support(
        referral=lifecycle.accept(referral=referral("George Hill", urgency="routine"), by=jean), by=jean,
        message="George came to his first day on Wednesday.",
    )
    ended = lifecycle.end_support(
        referral=lifecycle.start_support(referral=lifecycle.accept(referral=referral("Irene Wood"), by=jean), by=jean),
        by=jean, outcome="goals_met", detail="Irene now comes with her neighbour every week.",
    )
    declined = lifecycle.decline(referral=referral("Harold Moss"), by=jean, reason="full",
                                 detail="We are full until September. Try the Upton Lunch Club.")
    withdrawn = lifecycle.withdraw(referral=referral("Joan Baker"), by=ruth, message="Joan has moved to Hereford.")
    return Referrals(ruth, colin, jean, priya, day_club, sent, late, accepted, started, ended, declined, withdrawn)


world, transactional_db = data_built_once(build_referrals)


# Given: the pages, each opened in the states it is checked in -------------------------------------------------------

Open = Callable[[Page, Referrals], None]


# The referral form: each question page, reached by answering the ones before it

def refer(step: str) -> Callable[[Referrals], str]:
    """The path of a page of the referral form for the day club: "start", "consent", …, "check"."""
    return lambda world: reverse(f"referrals:{step}", kwargs={"pk": world.day_club.pk})


def answer(page: Page, step: str) -> None:
    """Answer a question page (for Ruth, who refers for one team) as a referrer would, and go on to the next."""
    if step == "start":
        button = "Start"
    else:
        button = "Continue"
        if step == "consent":
            page.get_by_label("Yes – in person", exact=True).check()
        elif step == "person":
            page.get_by_label("Full name", exact=True).fill("Margaret Evans")
            page.get_by_label("Phone", exact=True).check()
            page.get_by_label("Phone number", exact=True).fill("01684 000111")
        elif step == "postcode":
            page.get_by_label("What is their postcode?").fill(PERSON_POSTCODE)
        elif step == "needs":
            page.get_by_label("What matters to them?", exact=True).fill("Seeing people again, and singing.")
            page.get_by_label("What support do they want?", exact=True).fill("A day club once a week.")
        elif step == "safety":
            page.get_by_label("Is there anything the provider must know to work safely?").fill("Uses a walking frame.")
        elif step == "urgency":
            page.get_by_label("Within a week", exact=True).check()
        elif step == "funding":
            page.get_by_label("Not known yet", exact=True).check()
        elif step == "phone":
            page.get_by_label("What is your phone number?").fill("01905 765432")
        else:
            raise AssertionError(f"no answer for the page {page.url}")
    with page.expect_navigation():
        press(page, button)


def step_of(page: Page, world: Referrals) -> str:
    path = page.url.split("://", 1)[1].split("/", 1)[1].split("?")[0]
    start = refer("start")(world).lstrip("/")
    assert path.startswith(start), f"the referral form went to /{path}"
    return path[len(start):].strip("/") or "start"


def question(step: str, then: Callable[[Page], None] | None = None) -> Open:
    """The question page `step`, with the answers before it given; then, optionally, `then` done on it."""

    def open_it(page: Page, world: Referrals) -> None:
        go(page, refer(step)(world))
        for _ in range(10):
            current = step_of(page, world)
            if current == step:
                break
            answer(page, current)
        assert step_of(page, world) == step
        if then is not None:
            then(page)

    return open_it


def sent_empty(page: Page) -> None:
    """Continue without answering."""
    press(page, "Continue")
    then_it_shows_an_error(page)


def emptied_and_sent(label: str) -> Callable[[Page], None]:
    def send(page: Page) -> None:
        page.get_by_label(label).fill("")
        sent_empty(page)

    return send


def texts_asked_for_a_landline(page: Page) -> None:
    page.get_by_label("What is your phone number?").fill("01905 765432")
    page.get_by_label("Text me as well when the provider accepts or declines it, and when support ends").check()
    press(page, "Continue")
    expect(page.locator("#id_referrer_phone-error")).to_contain_text("Enter a mobile phone number")


def said_not_yet(page: Page) -> None:
    page.get_by_label("No, not yet", exact=True).check()
    press(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("You need the person’s agreement first")


def too_long_safety_notes(page: Page) -> None:
    page.get_by_label("Is there anything the provider must know to work safely?").fill(TOO_LONG)
    sent_empty(page)


def sent_after_the_service_stopped_being_listed(page: Page, world: Referrals) -> None:
    """Every answer given, but the council suspends the listing before "Send referral": 409, and nothing sent."""
    question("check")(page, world)
    referrals = Referral.objects.count()
    enterprises = Enterprise.objects.filter(pk=world.day_club.enterprise_id)
    enterprises.update(status=Enterprise.Status.SUSPENDED)
    try:
        with page.expect_response(lambda response: response.request.method == "POST") as sent:
            press(page, "Send referral")
        assert sent.value.status == 409, f"sending to a listing no longer published answered {sent.value.status}"
        then_it_shows_an_error(page)
        expect(page.locator(".govuk-error-summary")).to_contain_text("is no longer listed")
    finally:
        enterprises.update(status=Enterprise.Status.PUBLISHED)
    assert Referral.objects.count() == referrals, "a referral was sent to a listing that is no longer published"


# The provider's referral pages

def received(name: str, then: str = "") -> Callable[[Referrals], str]:
    """The provider's page of one of the referrals (`Referrals.sent`, …), or a page under it."""
    return lambda world: f"{getattr(world, name).get_provider_url()}{then}"


def accepted_after_it_was_withdrawn(page: Page, world: Referrals) -> None:
    """Jean opens a new referral; before she presses "Accept referral", Ruth withdraws it: 409, with the reason."""
    referral = make_referral(service=world.day_club, referrer=world.referrer, person_name="Peter Hughes")
    go(page, referral.get_provider_url())
    lifecycle.withdraw(referral=referral, by=world.referrer, message="Peter has found a place nearer home.")
    with page.expect_response(lambda response: response.request.method == "POST") as answered:
        press(page, "Accept referral")
    assert answered.value.status == 409, f"accepting a withdrawn referral answered {answered.value.status}"
    then_it_shows_an_error(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(f"referral {referral.reference} is now withdrawn")


def ended_with_another_outcome_not_described(page: Page, world: Referrals) -> None:
    go(page, received("started", "support-ended/")(world))
    page.get_by_label("Another outcome", exact=True).check()
    press(page, "Record that support has ended")
    then_it_shows_an_error(page)


# The referrer's pages

def following(name: str, then: str = "") -> Callable[[Referrals], str]:
    """The referrer's page of one of the referrals, or a page under it."""
    return lambda world: f"{getattr(world, name).get_absolute_url()}{then}"


def still_correct_link(world: Referrals) -> str:
    """A review reminder's "my listing is still correct" link, for a listing of its own (confirming uses it up)."""
    listing = make_enterprise(council=world.day_club.enterprise.council, review_due_on=timezone.localdate())
    return f"/provider/still-correct/{still_correct_token(listing, listing.review_due_on)}/"


def still_correct_asked(page: Page, world: Referrals) -> None:
    go(page, still_correct_link(world))
    expect(page.get_by_role("heading", level=1)).to_have_text("Is your listing still correct?")


def still_correct_confirmed(page: Page, world: Referrals) -> None:
    go(page, still_correct_link(world))
    press(page, "Yes, my listing is still correct")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")


def search_results_with_refer_someone(page: Page, world: Referrals) -> None:
    go(page, f"/search/?postcode={PERSON_POSTCODE.replace(' ', '+')}&category=day-clubs")
    expect(page.locator(".app-result")).to_have_count(1)
    expect(page.get_by_role("link", name=f"Refer someone to {world.day_club.name}", exact=True)).to_be_visible()


def colleague_invited(page: Page, world) -> None:
    """Sent, with a long address: the banner that says so wraps it instead of pushing the page sideways."""
    go(page, "/invitations/team/")
    page.get_by_label("Your colleague’s email address").fill("a.very.long.address@worcestershire-social-care.example")
    press(page, "Send the invitation")
    expect(page.get_by_role("alert")).to_contain_text("Invitation sent to a.very.long.address@")


PAGES = [
    # Finding a service, as a referrer
    AccountPage("service, as a referrer", "referrer",
                opened(lambda w: w.day_club.get_absolute_url(), showing="Refer someone")),
    AccountPage("search results, as a referrer", "referrer", search_results_with_refer_someone),
    # Sending a referral
    AccountPage("refer: start", "referrer", opened(refer("start"), showing="What you need")),
    AccountPage("refer: start, with two teams to choose from", "two_teams",
                opened(refer("start"), showing="Who are you referring for?"),
                sent_with(refer("start"), {}, "Start")),
    AccountPage("refer: consent", "referrer", question("consent"), question("consent", sent_empty)),
    AccountPage("refer: no consent, the stop page", "referrer", question("consent", said_not_yet)),
    AccountPage("refer: the person", "referrer", question("person"), question("person", sent_empty)),
    AccountPage("refer: postcode", "referrer", question("postcode"),
                question("postcode", emptied_and_sent("What is their postcode?"))),
    AccountPage("refer: needs", "referrer", question("needs"), question("needs", sent_empty)),
    AccountPage("refer: safety", "referrer", question("safety"), question("safety", too_long_safety_notes)),
    AccountPage("refer: urgency", "referrer", question("urgency"), question("urgency", sent_empty)),
    AccountPage("refer: paying for it", "referrer", question("funding"), question("funding", sent_empty)),
    AccountPage("refer: your phone number", "referrer", question("phone"),
                question("phone", emptied_and_sent("What is your phone number?"))),
    AccountPage("refer: your phone number, texts asked for a landline", "referrer",
                question("phone", texts_asked_for_a_landline)),
    AccountPage("refer: check your answers", "referrer", question("check"),
                sent_after_the_service_stopped_being_listed),
    AccountPage("refer: confirmation", "referrer", opened(following("sent", "sent/"), showing="Referral sent")),
    # The provider's side
    AccountPage("provider home, with new referrals", "provider",
                opened(lambda w: "/provider/", showing="You have 2 new referrals")),
    AccountPage("referrals received", "provider", opened(lambda w: "/provider/referrals/", showing="No response yet")),
    AccountPage("received referral, waiting for an answer", "provider",
                opened(received("sent"), showing="Can you take this referral?"),
                sent_with(received("sent"), {}, "Send message")),
    AccountPage("received referral, accepted", "provider",
                opened(received("accepted"), showing="Has support started?")),
    AccountPage("received referral, support started", "provider",
                opened(received("started"), showing="When support ends")),
    AccountPage("received referral, support ended", "provider",
                opened(received("ended"), showing="Outcome: The person’s goals were met.")),
    AccountPage("received referral, declined", "provider",
                opened(received("declined"), showing="You declined it: we have no space at the moment.")),
    AccountPage("received referral, accepted after it was withdrawn", "provider", accepted_after_it_was_withdrawn),
    AccountPage("decline a referral", "provider", opened(received("sent", "decline/")),
                sent_with(received("sent", "decline/"), {}, "Decline referral")),
    AccountPage("support has ended", "provider", opened(received("started", "support-ended/")),
                ended_with_another_outcome_not_described),
    # Following referrals
    AccountPage("your referrals", "referrer", opened(lambda w: "/referrals/", showing="No response yet")),
    AccountPage("your referrals, one status", "referrer",
                opened(lambda w: "/referrals/?status=accepted", showing="1 referral: accepted")),
    AccountPage("your referral, waiting for an answer", "referrer",
                opened(following("sent"), showing="Withdraw this referral"),
                sent_with(following("sent"), {}, "Send message")),
    AccountPage("your referral, no response yet, passed to the council", "referrer",
                opened(following("late"), showing="No response yet")),
    AccountPage("withdraw a referral", "referrer",
                opened(following("sent", "withdraw/"), showing="Why are you withdrawing it? (optional)")),
    AccountPage("withdraw a referral that cannot be withdrawn", "referrer", opened(following("started", "withdraw/"))),
    AccountPage("invite a colleague to your team", "referrer",
                opened(lambda w: "/invitations/team/", showing="Invite a colleague to your team"),
                sent_with(lambda w: "/invitations/team/", {"Your colleague’s email address": "not an email"},
                          "Send the invitation")),
    AccountPage("invite a colleague: sent, to a long address", "referrer", colleague_invited),
    AccountPage("invite a colleague, with two teams to choose from", "two_teams",
                opened(lambda w: "/invitations/team/", showing="Which team are you inviting them to?"),
                sent_with(lambda w: "/invitations/team/", {}, "Send the invitation")),
    # The council's figures
    AccountPage("council referrals", "staff", opened(lambda w: "/council/referrals/", showing="Not answered")),
    AccountPage("council unanswered referrals", "staff",
                opened(lambda w: "/council/referrals/unanswered/", showing="Unanswered referrals")),
    # The review reminder's link, without signing in
    AccountPage("my listing is still correct: the question", "visitor", still_correct_asked),
    AccountPage("my listing is still correct: confirmed", "visitor", still_correct_confirmed),
]


# Then: no violations, one h1, a title, in every state at every width ----------------------------------------------


@pytest.fixture(autouse=True)
def texts_can_be_sent(settings):
    """The referral form offers texts, as where GOV.UK Notify is set up (nothing is sent: no worker runs here)."""
    settings.NOTIFY_API_KEY = "sweep-00000000-0000-0000-0000-000000000000-00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize("account_page", PAGES, ids=str)
def test_a_referral_page_has_no_wcag_violations_one_h1_and_a_title(
    new_context, new_signed_in_context, world, account_page
):
    page = given_a_person_on(account_page, world, new_context, new_signed_in_context)

    problems = problems_in_every_state(page, account_page, world)

    assert not problems, "\n\n".join(problems)
