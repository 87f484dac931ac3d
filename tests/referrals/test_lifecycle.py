"""The referral lifecycle: every transition from every status, by the right person and the wrong ones; sending (once,
even when the form arrives twice at the same moment); two people acting on the same referral at once; and the emails,
which go to the right people and never carry the person's details."""

import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone

from enterprises.models import Enterprise, Service
from referrals import lifecycle
from referrals.lifecycle import TransitionError
from referrals.models import Referral, ReferralEvent
from tests.factories import make_enterprise, make_user

Status = Referral.Status
ALL_STATUSES = list(Status.values)
ACTIONS = ["accept", "decline", "withdraw", "start_support", "end_support"]

# What each action does from each status: the status it moves the referral to, or None when it is refused.
ALLOWED = {
    Status.SENT: {"accept": Status.ACCEPTED, "decline": Status.DECLINED, "withdraw": Status.WITHDRAWN},
    Status.ACCEPTED: {"withdraw": Status.WITHDRAWN, "start_support": Status.STARTED, "end_support": Status.ENDED},
    Status.STARTED: {"end_support": Status.ENDED},
    Status.DECLINED: {},
    Status.WITHDRAWN: {},
    Status.ENDED: {},
}
# What the refusal says the person could not do.
DOING = {
    "accept": "accept it",
    "decline": "decline it",
    "withdraw": "withdraw it",
    "start_support": "record that support started",
    "end_support": "record that support ended",
}
STATUS_WORDS = {
    Status.SENT: "waiting for an answer",
    Status.ACCEPTED: "accepted",
    Status.DECLINED: "declined",
    Status.WITHDRAWN: "withdrawn",
    Status.STARTED: "support started",
    Status.ENDED: "support ended",
}
PROVIDER_ACTIONS = ["accept", "decline", "start_support", "end_support"]
# The person's details in the `referral` fixture (tests/factories.make_referral): none may appear in an email.
PERSONAL_DETAILS = ["Margaret", "Evans", "01905 000111", "WR1 2EY", "Getting out of the house", "weekly day club",
                    "walking frame"]


def act(action: str, referral: Referral, by) -> Referral:
    """Do `action` with everything it needs filled in properly."""
    if action == "decline":
        return lifecycle.decline(referral=referral, by=by, reason="full", detail="No places until the spring")
    if action == "end_support":
        return lifecycle.end_support(referral=referral, by=by, outcome="goals_met", detail="Comes on her own now")
    return getattr(lifecycle, action)(referral=referral, by=by)


def doer(action: str, people):
    """The person who may do `action`: Ruth withdraws, Jean does the rest."""
    return people.ruth if action == "withdraw" else people.jean


# How to reach each status from "sent", by the right people.
ROUTE = {
    Status.SENT: [],
    Status.ACCEPTED: ["accept"],
    Status.DECLINED: ["decline"],
    Status.WITHDRAWN: ["withdraw"],
    Status.STARTED: ["accept", "start_support"],
    Status.ENDED: ["accept", "start_support", "end_support"],
}


def referral_in(status: str, referral: Referral, people) -> Referral:
    for action in ROUTE[status]:
        referral = act(action, referral, doer(action, people))
    assert referral.status == status
    return referral


def reload(referral: Referral) -> Referral:
    return Referral.objects.get(pk=referral.pk)


def details(**overrides) -> dict:
    """What the referral form's pages collect."""
    return {
        "person_name": "Margaret Evans",
        "contact_method": "phone",
        "phone": "01905 000111",
        "postcode": "WR1 2EY",
        "what_matters": "Getting out of the house and seeing people",
        "support_wanted": "A weekly day club with lunch",
        "safety_notes": "Uses a walking frame",
        "consent_method": "in_person",
        "consent_given_on": timezone.localdate(),
        "urgency": "week",
        **overrides,
    }


# ------------------------------------------------------------------------------------------- every status × action


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_from_every_status(status, action, referral, people, mailoutbox,
                                        django_capture_on_commit_callbacks):
    referral = referral_in(status, referral, people)
    events_before = referral.events.count()
    to_status = ALLOWED[status].get(action)

    with django_capture_on_commit_callbacks(execute=True):
        if to_status is None:
            with pytest.raises(TransitionError) as refused:
                act(action, referral, doer(action, people))
        else:
            act(action, referral, doer(action, people))

    after = reload(referral)
    if to_status is None:
        assert str(refused.value) == (
            f"You cannot {DOING[action]}: referral {referral.reference} is now {STATUS_WORDS[status]}"
        )
        assert after.status == status
        assert after.events.count() == events_before
        assert mailoutbox == []
    else:
        assert after.status == to_status
        event = after.events.order_by("at", "pk").last()
        assert (event.action, event.from_status, event.to_status) == (to_status, status, to_status)
        assert event.actor == doer(action, people)
        assert event.side == ("referrer" if action == "withdraw" else "provider")
        assert len(mailoutbox) == 1


def test_the_table_covers_every_status_and_every_legal_move_once():
    assert set(ALLOWED) == set(ALL_STATUSES)
    moves = {(status, action) for status, actions in ALLOWED.items() for action in actions}
    assert len(moves) == 7
    assert all(set(actions) <= set(ACTIONS) for actions in ALLOWED.values())


# --------------------------------------------------------------------------------------- the right and wrong people


@pytest.mark.parametrize("action", PROVIDER_ACTIONS)
@pytest.mark.parametrize("who", ["ruth", "colin", "owen", "sam", "stella", "hugo"])
def test_only_the_receiving_provider_can_answer(action, who, referral, people):
    referral = referral_in(Status.STARTED if action == "end_support" else
                           Status.ACCEPTED if action == "start_support" else Status.SENT, referral, people)
    status = referral.status

    with pytest.raises(TransitionError, match="^Only the provider this referral was sent to can do that$"):
        act(action, referral, getattr(people, who))

    assert reload(referral).status == status


@pytest.mark.parametrize("who", ["jean", "sam", "owen", "stella", "hugo"])
def test_only_the_referrers_team_can_withdraw(who, referral, people):
    with pytest.raises(TransitionError, match="^Only the referrer and their team can do that$"):
        lifecycle.withdraw(referral=referral, by=getattr(people, who))

    assert reload(referral).status == Status.SENT


def test_the_referrers_colleague_can_withdraw(referral, people):
    lifecycle.withdraw(referral=referral, by=people.colin, message="Margaret has found a place nearer home")

    referral = reload(referral)
    assert referral.status == Status.WITHDRAWN
    event = referral.events.get(action="withdrawn")
    assert (event.actor, event.side) == (people.colin, "referrer")
    assert event.message == "Margaret has found a place nearer home"


def test_the_referrer_can_withdraw_an_accepted_referral_until_support_starts(referral, people):
    referral = referral_in(Status.ACCEPTED, referral, people)

    lifecycle.withdraw(referral=referral, by=people.ruth)

    assert reload(referral).status == Status.WITHDRAWN


def test_another_member_of_the_receiving_enterprise_can_answer(referral, people):
    colleague = make_user("pat@lunchclub.example", name="Pat Smith")
    people.lunch_club.members.add(colleague)

    lifecycle.accept(referral=referral, by=colleague)

    assert reload(referral).events.get(action="accepted").actor == colleague


def test_a_provider_who_referred_can_be_followed_by_their_enterprise(people):
    colleague = make_user("sal@sitters.example", name="Sal Green")
    people.sitters.members.add(colleague)
    referral = lifecycle.send_referral(service=people.day_club, by=people.sam, team=people.sitters,
                                       details=details(), submission_key=uuid.uuid4())

    lifecycle.send_message(referral=referral, by=colleague, text="Any news?")
    lifecycle.withdraw(referral=referral, by=colleague)

    assert reload(referral).status == Status.WITHDRAWN
    with pytest.raises(TransitionError, match="Only the referrer and their team"):
        lifecycle.withdraw(referral=referral, by=people.ruth)


# ------------------------------------------------------------------------------------------------ what is recorded


def test_accepting_records_the_event_and_the_dates(referral, people):
    lifecycle.accept(referral=referral, by=people.jean, message="  We can offer Thursdays  ")

    referral = reload(referral)
    assert referral.accepted_at is not None
    assert abs(referral.first_response_at - referral.accepted_at).total_seconds() < 1
    assert referral.closed_at is None
    event = referral.events.get(action="accepted")
    assert (event.actor, event.side, event.from_status, event.to_status, event.message) == (
        people.jean, "provider", "sent", "accepted", "We can offer Thursdays")
    assert [e.action for e in referral.events.all()] == ["sent", "accepted"]


def test_the_first_response_is_the_providers_first_action_and_it_does_not_move(referral, people):
    lifecycle.send_message(referral=referral, by=people.ruth, text="Margaret is keen to start")
    assert reload(referral).first_response_at is None

    lifecycle.send_message(referral=referral, by=people.jean, text="Which days suit her?")
    first = reload(referral).first_response_at
    assert first is not None

    lifecycle.accept(referral=referral, by=people.jean)
    lifecycle.start_support(referral=referral, by=people.jean)
    assert reload(referral).first_response_at == first


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_the_providers_answer_is_the_first_response(action, referral, people):
    act(action, referral, people.jean)

    assert reload(referral).first_response_at is not None


def test_a_withdrawal_before_any_answer_leaves_no_first_response(referral, people):
    lifecycle.withdraw(referral=referral, by=people.ruth)

    referral = reload(referral)
    assert referral.first_response_at is None
    assert referral.closed_at is not None


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_closed_at_is_set_when_and_only_when_a_referral_closes(status, referral, people):
    referral = reload(referral_in(status, referral, people))

    assert (referral.closed_at is not None) == (status in Referral.CLOSED)
    assert (referral.started_at is not None) == (status in {Status.STARTED, Status.ENDED})
    assert (referral.accepted_at is not None) == (status in {Status.ACCEPTED, Status.STARTED, Status.ENDED})


def test_the_history_reads_in_order_with_who_did_what(referral, people):
    referral = referral_in(Status.ENDED, referral, people)

    rows = list(referral.events.values_list("action", "side", "actor__email", "from_status", "to_status"))
    assert rows == [
        ("sent", "referrer", "ruth@worcestershire.example", "", "sent"),
        ("accepted", "provider", "jean@lunchclub.example", "sent", "accepted"),
        ("started", "provider", "jean@lunchclub.example", "accepted", "started"),
        ("ended", "provider", "jean@lunchclub.example", "started", "ended"),
    ]


# ------------------------------------------------------------------------------------- declining and ending support


def test_declining_keeps_the_reason_and_the_text(referral, people):
    lifecycle.decline(referral=referral, by=people.jean, reason="outside_area", detail=" We only cover Malvern ")

    referral = reload(referral)
    assert (referral.status, referral.decline_reason) == (Status.DECLINED, "outside_area")
    assert referral.events.get(action="declined").message == "We only cover Malvern"


@pytest.mark.parametrize("reason", ["", "busy", None])
def test_declining_needs_a_reason_from_the_list(reason, referral, people):
    with pytest.raises(TransitionError, match="^Select why you cannot take this referral$"):
        lifecycle.decline(referral=referral, by=people.jean, reason=reason, detail="Sorry")

    assert reload(referral).status == Status.SENT


@pytest.mark.parametrize("detail", ["", "   ", None])
def test_declining_needs_some_words(detail, referral, people):
    with pytest.raises(TransitionError, match="^Enter more about why you cannot take this referral$"):
        lifecycle.decline(referral=referral, by=people.jean, reason="full", detail=detail)

    assert reload(referral).status == Status.SENT


@pytest.mark.parametrize("outcome", ["", "finished", None])
def test_ending_support_needs_an_outcome_from_the_list(outcome, referral, people):
    referral = referral_in(Status.STARTED, referral, people)

    with pytest.raises(TransitionError, match="^Select how the support ended$"):
        lifecycle.end_support(referral=referral, by=people.jean, outcome=outcome)

    assert reload(referral).status == Status.STARTED


def test_ending_support_for_another_reason_needs_words(referral, people):
    referral = referral_in(Status.STARTED, referral, people)

    with pytest.raises(TransitionError, match="^Enter how the support ended$"):
        lifecycle.end_support(referral=referral, by=people.jean, outcome="other", detail="  ")
    lifecycle.end_support(referral=referral, by=people.jean, outcome="other", detail="Moved into a care home")

    referral = reload(referral)
    assert (referral.status, referral.outcome) == (Status.ENDED, "other")
    assert referral.events.get(action="ended").message == "Moved into a care home"


def test_support_can_end_without_words_for_a_listed_outcome(referral, people):
    referral = referral_in(Status.ACCEPTED, referral, people)

    lifecycle.end_support(referral=referral, by=people.jean, outcome="could_not_contact")

    referral = reload(referral)
    assert (referral.status, referral.outcome, referral.started_at) == (Status.ENDED, "could_not_contact", None)


# ---------------------------------------------------------------------------------------------------------- messages


@pytest.mark.parametrize("who, side", [("ruth", "referrer"), ("colin", "referrer"), ("jean", "provider")])
def test_both_sides_can_send_messages(who, side, referral, people):
    lifecycle.send_message(referral=referral, by=getattr(people, who), text="  Is Tuesday any good?  ")

    event = reload(referral).events.get(action="message")
    assert (event.actor, event.side, event.message) == (getattr(people, who), side, "Is Tuesday any good?")
    assert (event.from_status, event.to_status) == ("", "")
    assert reload(referral).status == Status.SENT


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_messages_can_be_sent_in_any_status(status, referral, people):
    referral = referral_in(status, referral, people)

    lifecycle.send_message(referral=referral, by=people.ruth, text="Thank you")

    assert reload(referral).status == status


@pytest.mark.parametrize("who", ["sam", "owen", "stella", "hugo"])
def test_strangers_cannot_send_messages(who, referral, people):
    with pytest.raises(TransitionError, match="Only the referrer’s team and the provider can send messages"):
        lifecycle.send_message(referral=referral, by=getattr(people, who), text="Hello")

    assert not referral.events.filter(action="message").exists()


@pytest.mark.parametrize("text", ["", "  ", None])
def test_a_message_needs_words(text, referral, people):
    with pytest.raises(TransitionError, match="^Enter your message$"):
        lifecycle.send_message(referral=referral, by=people.ruth, text=text)


def test_no_messages_once_the_details_are_erased(referral, people):
    referral = referral_in(Status.DECLINED, referral, people)
    Referral.objects.filter(pk=referral.pk).update(personal_details_erased_at=timezone.now())

    erased = f"^Referral {referral.reference} has been closed and its details erased$"
    for person in (people.ruth, people.jean):
        with pytest.raises(TransitionError, match=erased):
            lifecycle.send_message(referral=referral, by=person, text="Hello again")

    assert not referral.events.filter(action="message").exists()


# ----------------------------------------------------------------------------------------------------------- sending


def test_a_referrer_sends_a_referral_for_their_team(people, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = lifecycle.send_referral(service=people.day_club, by=people.ruth, team=people.team,
                                           details=details(), submission_key=uuid.uuid4())

    referral = reload(referral)
    assert (referral.status, referral.organisation, referral.referring_enterprise) == (Status.SENT, people.team, None)
    assert (referral.service, referral.service_name, referral.enterprise) == (
        people.day_club, "Thursday Day Club", people.lunch_club)
    assert (referral.person_name, referral.phone, referral.urgency) == ("Margaret Evans", "01905 000111", "week")
    event = referral.events.get()
    assert (event.action, event.actor, event.side, event.to_status) == ("sent", people.ruth, "referrer", "sent")
    assert [(email.to, email.subject) for email in mailoutbox] == [
        (["jean@lunchclub.example"], f"New referral {referral.reference} for Thursday Day Club")]


def test_the_referrer_cannot_send_for_another_organisation(people):
    with pytest.raises(TransitionError, match="^You can only send referrals for your own organisation$"):
        lifecycle.send_referral(service=people.day_club, by=people.ruth, team=people.other_team,
                                details=details(), submission_key=uuid.uuid4())

    assert not Referral.objects.exists()


def test_a_provider_refers_for_their_published_enterprise(people):
    referral = lifecycle.send_referral(service=people.day_club, by=people.sam, team=people.sitters,
                                       details=details(), submission_key=uuid.uuid4())

    referral = reload(referral)
    assert (referral.organisation, referral.referring_enterprise, referral.sent_by_team) == (
        None, people.sitters, "Severn Sitters")


def test_a_provider_cannot_send_for_a_draft_enterprise(people):
    draft = make_enterprise("Brand New Helpers", status=Enterprise.Status.DRAFT)
    draft.members.add(people.sam)

    with pytest.raises(TransitionError, match="^You can only send referrals for your own organisation$"):
        lifecycle.send_referral(service=people.day_club, by=people.sam, team=draft,
                                details=details(), submission_key=uuid.uuid4())

    assert not Referral.objects.exists()


def test_a_provider_cannot_send_for_another_enterprise(people):
    with pytest.raises(TransitionError, match="^You can only send referrals for your own organisation$"):
        lifecycle.send_referral(service=people.day_club, by=people.sam, team=people.lunch_club,
                                details=details(), submission_key=uuid.uuid4())


@pytest.mark.parametrize("status", [Enterprise.Status.SUSPENDED, Enterprise.Status.ARCHIVED, Enterprise.Status.DRAFT])
def test_a_service_that_is_not_listed_cannot_take_referrals(status, people):
    Enterprise.objects.filter(pk=people.lunch_club.pk).update(status=status)

    with pytest.raises(TransitionError, match="^Thursday Day Club is no longer listed, so it cannot take referrals$"):
        lifecycle.send_referral(service=people.day_club, by=people.ruth, team=people.team,
                                details=details(), submission_key=uuid.uuid4())

    assert not Referral.objects.exists()


def test_sending_the_same_form_twice_makes_one_referral(people, mailoutbox, django_capture_on_commit_callbacks):
    key = uuid.uuid4()

    with django_capture_on_commit_callbacks(execute=True):
        first = lifecycle.send_referral(service=people.day_club, by=people.ruth, team=people.team,
                                        details=details(), submission_key=key)
        second = lifecycle.send_referral(service=people.day_club, by=people.ruth, team=people.team,
                                         details=details(), submission_key=key)

    assert first.pk == second.pk
    assert Referral.objects.count() == 1
    assert ReferralEvent.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_new_form_makes_a_new_referral(people):
    for _ in range(2):
        lifecycle.send_referral(service=people.day_club, by=people.ruth, team=people.team,
                                details=details(), submission_key=uuid.uuid4())

    assert Referral.objects.count() == 2
    assert len(set(Referral.objects.values_list("reference", flat=True))) == 2


# ------------------------------------------------------------------------------------------------------------ emails


def emails_after(action: str, referral, people, mailoutbox, capture, by=None):
    mailoutbox.clear()
    with capture(execute=True):
        if action == "message_from_referrer":
            lifecycle.send_message(referral=referral, by=by or people.ruth, text="Margaret Evans asked again")
        elif action == "message_from_provider":
            lifecycle.send_message(referral=referral, by=by or people.jean, text="Please ask Margaret to ring")
        else:
            act(action, referral, by or doer(action, people))
    return list(mailoutbox)


# (status to start from, action, who is emailed, subject)
EMAILS = [
    (Status.SENT, "accept", ["ruth@worcestershire.example"], "Thursday Day Club accepted referral {ref}"),
    (Status.SENT, "decline", ["ruth@worcestershire.example"], "Thursday Day Club cannot take referral {ref}"),
    (Status.SENT, "withdraw", ["jean@lunchclub.example", "pat@lunchclub.example"], "Referral {ref} has been withdrawn"),
    (Status.ACCEPTED, "start_support", ["ruth@worcestershire.example"], "Support has started for referral {ref}"),
    (Status.STARTED, "end_support", ["ruth@worcestershire.example"], "Support has ended for referral {ref}"),
    (Status.SENT, "message_from_referrer", ["jean@lunchclub.example", "pat@lunchclub.example"],
     "New message about referral {ref}"),
    (Status.SENT, "message_from_provider", ["ruth@worcestershire.example"], "New message about referral {ref}"),
]


@pytest.mark.parametrize("status, action, recipients, subject", EMAILS)
def test_each_change_emails_the_other_side_without_the_persons_details(
    status, action, recipients, subject, referral, people, mailoutbox, django_capture_on_commit_callbacks
):
    people.lunch_club.members.add(make_user("pat@lunchclub.example", name="Pat Smith"))
    referral = referral_in(status, referral, people)

    emails = emails_after(action, referral, people, mailoutbox, django_capture_on_commit_callbacks)

    assert [email.to for email in emails] == [[recipient] for recipient in recipients]  # nobody sees the others
    link = referral.get_absolute_url() if "ruth@worcestershire.example" in recipients else referral.get_provider_url()
    for email in emails:
        assert email.subject == subject.format(ref=referral.reference)
        assert link in email.body
        text = f"{email.subject}\n{email.body}"
        for detail in PERSONAL_DETAILS:
            assert detail not in text
        assert "Colin" not in text and "colin@" not in " ".join(email.to)


def test_the_new_referral_email_holds_no_personal_details(people, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = lifecycle.send_referral(
            service=people.day_club, by=people.ruth, team=people.team, submission_key=uuid.uuid4(),
            details=details(person_name="Ivy Pennyworth", phone="07700 900123", postcode="WR2 6AB",
                            email="ivy@example.com", address="2 Sample Lane", what_matters="Her budgie",
                            support_wanted="Company on Sundays", safety_notes="Has a pacemaker"),
        )

    email = mailoutbox[0]
    text = f"{email.subject}\n{email.body}"
    for detail in ("Ivy", "Pennyworth", "07700 900123", "WR2 6AB", "ivy@example.com", "Sample Lane", "budgie",
                   "Sundays", "pacemaker"):
        assert detail not in text
    assert referral.get_provider_url() in email.body


def test_a_colleagues_withdrawal_and_messages_reach_the_provider(referral, people, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    emails = emails_after("message_from_referrer", referral, people, mailoutbox, django_capture_on_commit_callbacks,
                          by=people.colin)
    assert [email.to for email in emails] == [["jean@lunchclub.example"]]

    emails = emails_after("withdraw", referral, people, mailoutbox, django_capture_on_commit_callbacks,
                          by=people.colin)
    assert [email.to for email in emails] == [["jean@lunchclub.example"]]


def test_nothing_is_emailed_when_an_action_is_refused(referral, people, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for action in PROVIDER_ACTIONS:
            with pytest.raises(TransitionError):
                act(action, referral, people.sam)
        with pytest.raises(TransitionError):
            lifecycle.send_message(referral=referral, by=people.owen, text="Hello")

    assert mailoutbox == []


# ---------------------------------------------------------------------------------------- two at once (real threads)


def _in_thread(work, results, key):
    def target():
        try:
            results[key] = work()
        except TransitionError as error:
            results[key] = error
        finally:
            connection.close()

    return threading.Thread(target=target)


def _run(*threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.django_db(transaction=True)
class TestTwoAtOnce:
    def test_the_same_form_sent_twice_at_the_same_moment_makes_one_referral(self, people, mailoutbox,
                                                                             deliver_queued_messages):
        key = uuid.uuid4()
        start = threading.Barrier(2)
        results = {}

        def send():
            start.wait()
            return lifecycle.send_referral(service=people.day_club, by=people.ruth, team=people.team,
                                           details=details(), submission_key=key)

        _run(_in_thread(send, results, "first"), _in_thread(send, results, "second"))

        assert isinstance(results["first"], Referral) and isinstance(results["second"], Referral)
        assert results["first"].pk == results["second"].pk
        assert Referral.objects.count() == 1
        assert ReferralEvent.objects.count() == 1
        assert deliver_queued_messages() == 1 and len(mailoutbox) == 1

    def test_the_second_copy_of_a_form_waits_for_the_first_and_finds_its_referral(self, people):
        key = uuid.uuid4()
        first_saved = threading.Event()
        results = {}

        def send_slowly():
            with transaction.atomic():
                referral = lifecycle.send_referral(service=people.day_club, by=people.ruth, team=people.team,
                                                   details=details(), submission_key=key)
                first_saved.set()
                time.sleep(0.5)
            return referral

        def send_meanwhile():
            first_saved.wait(timeout=10)
            return lifecycle.send_referral(service=people.day_club, by=people.ruth, team=people.team,
                                           details=details(), submission_key=key)

        _run(_in_thread(send_slowly, results, "first"), _in_thread(send_meanwhile, results, "second"))

        assert results["first"].pk == results["second"].pk
        assert Referral.objects.count() == 1

    def test_jean_declining_while_ruth_withdraws_exactly_one_succeeds(self, referral, people, mailoutbox,
                                                                      deliver_queued_messages):
        start = threading.Barrier(2)
        results = {}

        def decline():
            start.wait()
            return lifecycle.decline(referral=referral, by=people.jean, reason="full", detail="No places")

        def withdraw():
            start.wait()
            return lifecycle.withdraw(referral=referral, by=people.ruth)

        _run(_in_thread(decline, results, "decline"), _in_thread(withdraw, results, "withdraw"))

        winners = [key for key, result in results.items() if isinstance(result, Referral)]
        losers = [result for result in results.values() if isinstance(result, TransitionError)]
        assert len(winners) == 1 and len(losers) == 1
        final = {"decline": Status.DECLINED, "withdraw": Status.WITHDRAWN}[winners[0]]
        loser_did = {"decline": "withdraw it", "withdraw": "decline it"}[winners[0]]
        assert str(losers[0]) == f"You cannot {loser_did}: referral {referral.reference} is now {STATUS_WORDS[final]}"
        assert reload(referral).status == final
        assert referral.events.exclude(action="sent").count() == 1
        assert deliver_queued_messages() == 1 and len(mailoutbox) == 1

    def test_jean_starting_support_while_ruth_withdraws_exactly_one_succeeds(self, referral, people):
        lifecycle.accept(referral=referral, by=people.jean)
        start = threading.Barrier(2)
        results = {}

        def start_support():
            start.wait()
            return lifecycle.start_support(referral=referral, by=people.jean)

        def withdraw():
            start.wait()
            return lifecycle.withdraw(referral=referral, by=people.ruth)

        _run(_in_thread(start_support, results, "start"), _in_thread(withdraw, results, "withdraw"))

        assert sorted(isinstance(result, TransitionError) for result in results.values()) == [False, True]
        loser = next(result for result in results.values() if isinstance(result, TransitionError))
        assert str(loser).startswith("You cannot ")
        assert f"referral {referral.reference} is now" in str(loser)
        assert reload(referral).status in {Status.STARTED, Status.WITHDRAWN}
        assert referral.events.filter(action__in=["started", "withdrawn"]).count() == 1

    def test_jean_accepting_while_ruth_withdraws_the_withdrawal_always_stands(self, referral, people):
        # An accepted referral may still be withdrawn, so if Jean's acceptance lands first both succeed; if Ruth's
        # withdrawal lands first, Jean is told. Either way the referral ends withdrawn and nothing is lost.
        start = threading.Barrier(2)
        results = {}

        def accept():
            start.wait()
            return lifecycle.accept(referral=referral, by=people.jean)

        def withdraw():
            start.wait()
            return lifecycle.withdraw(referral=referral, by=people.ruth)

        _run(_in_thread(accept, results, "accept"), _in_thread(withdraw, results, "withdraw"))

        assert isinstance(results["withdraw"], Referral)
        assert reload(referral).status == Status.WITHDRAWN
        if isinstance(results["accept"], TransitionError):
            assert str(results["accept"]) == f"You cannot accept it: referral {referral.reference} is now withdrawn"
            assert list(referral.events.values_list("action", flat=True)) == ["sent", "withdrawn"]
        else:
            assert list(referral.events.values_list("action", flat=True)) == ["sent", "accepted", "withdrawn"]

    def test_the_second_waits_for_the_first_to_commit_and_is_then_told_clearly(self, referral, people):
        first_holds_the_lock = threading.Event()
        results, timings = {}, {}

        def withdraw_slowly():
            with transaction.atomic():
                withdrawn = lifecycle.withdraw(referral=referral, by=people.ruth)
                first_holds_the_lock.set()
                time.sleep(0.5)
                timings["first_committed"] = time.monotonic()
            return withdrawn

        def accept_meanwhile():
            first_holds_the_lock.wait(timeout=10)
            try:
                return lifecycle.accept(referral=referral, by=people.jean)
            finally:
                timings["second_finished"] = time.monotonic()

        _run(_in_thread(withdraw_slowly, results, "first"), _in_thread(accept_meanwhile, results, "second"))

        assert isinstance(results["first"], Referral)
        assert str(results["second"]) == f"You cannot accept it: referral {referral.reference} is now withdrawn"
        assert timings["second_finished"] >= timings["first_committed"]
        assert reload(referral).status == Status.WITHDRAWN

    def test_two_members_of_the_provider_answering_at_once(self, referral, people):
        colleague = make_user("pat@lunchclub.example", name="Pat Smith")
        people.lunch_club.members.add(colleague)
        start = threading.Barrier(2)
        results = {}

        def accept():
            start.wait()
            return lifecycle.accept(referral=referral, by=people.jean)

        def decline():
            start.wait()
            return lifecycle.decline(referral=referral, by=colleague, reason="full", detail="No places")

        _run(_in_thread(accept, results, "accept"), _in_thread(decline, results, "decline"))

        assert sorted(isinstance(result, TransitionError) for result in results.values()) == [False, True]
        assert referral.events.filter(action__in=["accepted", "declined"]).count() == 1


def test_the_fixtures_services_are_listed_so_they_take_referrals(people):
    assert set(Service.objects.published()) >= {people.day_club, people.sitting_service}
