"""Referrals nobody has answered: working days, and the daily reminder to the provider (once, and safely)."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from referrals.lifecycle import accept, send_message, withdraw
from referrals.models import Referral, ReferralEvent
from referrals.reminders import (
    DAYS_TO_FIRST_ANSWER,
    days_to_first_answer,
    no_response_cutoff,
    send_provider_reminders,
    waiting_too_long,
    working_days_before,
    working_days_since,
)
from tests.concurrency import at_the_same_moment
from tests.factories import make_referral

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 3, day) for day in range(9, 16))
TODAY = WED  # Wednesday 11 March 2026


def sent_on(day: date, people, **fields) -> Referral:
    at = timezone.make_aware(datetime.combine(day, time(12, 0)))
    return make_referral(service=people.day_club, referrer=people.ruth, sent_at=at, **fields)


def remind(today: date = TODAY) -> str:
    out = StringIO()
    call_command("send_referral_reminders", "--date", today.isoformat(), stdout=out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------------ working days


@pytest.mark.parametrize(
    "day, working_days, expected",
    [
        (WED, 0, WED),
        (WED, 1, TUE),
        (WED, 5, date(2026, 3, 4)),  # the Wednesday before
        (MON, 1, date(2026, 3, 6)),  # Friday, over the weekend
        (MON, 5, date(2026, 3, 2)),
        (SAT, 1, FRI),
        (SUN, 1, FRI),
        (SUN, 5, MON),
        (FRI, 10, date(2026, 2, 27)),  # two weeks back, over two weekends
    ],
)
def test_working_days_before_skips_weekends(day, working_days, expected):
    assert working_days_before(day, working_days) == expected


@pytest.mark.parametrize(
    "day, today, expected",
    [
        (WED, WED, 0),
        (TUE, WED, 1),
        (FRI, MON + timedelta(days=7), 1),  # Friday, over the weekend
        (FRI, SAT, 1),
        (MON, SAT, 5),
        (SAT, MON + timedelta(days=7), 0),  # sent at the weekend: nothing until Monday is over
        (date(2026, 3, 4), WED, 5),
    ],
)
def test_working_days_since_counts_the_working_days_a_referral_has_waited(day, today, expected):
    assert working_days_since(day, today) == expected


FORTNIGHT = [MON + timedelta(days=n) for n in range(14)]


@pytest.mark.parametrize("today", FORTNIGHT, ids=lambda day: f"{day:%a %d}")
def test_a_referral_is_past_the_cutoff_exactly_when_it_has_waited_that_many_working_days(today):
    for working_days in range(1, 11):
        cutoff = working_days_before(today, working_days)
        for sent in (today - timedelta(days=n) for n in range(21)):
            assert (sent <= cutoff) == (working_days_since(sent, today) >= working_days), (sent, working_days)


def test_the_cutoff_is_the_setting_in_working_days(settings):
    settings.REFERRAL_NO_RESPONSE_WORKING_DAYS = 5
    assert no_response_cutoff(MON) == date(2026, 3, 2)

    settings.REFERRAL_NO_RESPONSE_WORKING_DAYS = 3
    assert no_response_cutoff(MON) == date(2026, 3, 4)


def test_a_referral_is_waiting_too_long_after_five_working_days_without_an_answer(people):
    cutoff = no_response_cutoff(TODAY)
    five = sent_on(working_days_before(TODAY, 5), people)
    four = sent_on(working_days_before(TODAY, 4), people)
    answered = sent_on(working_days_before(TODAY, 9), people, first_response_at=timezone.now())

    assert waiting_too_long(five, cutoff=cutoff)
    assert not waiting_too_long(four, cutoff=cutoff)
    assert not waiting_too_long(answered, cutoff=cutoff)


# ---------------------------------------------------------------------------------------------------------- command


def test_it_reminds_the_provider_of_a_referral_sent_five_working_days_ago(people, mailoutbox,
                                                                        django_capture_on_commit_callbacks):
    waiting = sent_on(working_days_before(TODAY, 5), people)

    with django_capture_on_commit_callbacks(execute=True):
        output = remind()

    assert "Reminded providers about 1 referral(s)" in output
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["jean@lunchclub.example"]
    assert mailoutbox[0].subject == f"Referral {waiting.reference} is waiting for your answer"
    assert f"/provider/referrals/{waiting.reference}/" in mailoutbox[0].body
    waiting.refresh_from_db()
    assert waiting.provider_reminded_at is not None
    assert waiting.status == Referral.Status.SENT
    event = waiting.events.get(action=ReferralEvent.Action.REMINDED)
    assert (event.actor, event.side, event.message) == (None, "", "")


def test_it_does_not_remind_about_a_referral_sent_four_working_days_ago(people, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    recent = sent_on(working_days_before(TODAY, 4), people)

    with django_capture_on_commit_callbacks(execute=True):
        output = remind()

    assert "about 0 referral(s)" in output
    assert mailoutbox == []
    recent.refresh_from_db()
    assert recent.provider_reminded_at is None
    assert not recent.events.filter(action=ReferralEvent.Action.REMINDED).exists()


def test_it_counts_working_days_over_the_weekend(people, mailoutbox, django_capture_on_commit_callbacks):
    # Run on Monday: sent the Monday before is 5 working days ago; sent on Tuesday is only 4.
    sent_on(date(2026, 3, 2), people)
    sent_on(date(2026, 3, 3), people)

    with django_capture_on_commit_callbacks(execute=True):
        output = remind(MON)

    assert "about 1 referral(s)" in output
    assert len(mailoutbox) == 1


def test_it_does_not_remind_about_answered_referrals(people, mailoutbox, django_capture_on_commit_callbacks):
    long_ago = working_days_before(TODAY, 8)
    accepted, questioned, withdrawn = (sent_on(long_ago, people) for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        accept(referral=accepted, by=people.jean)
        send_message(referral=questioned, by=people.jean, text="Does she need a lift?")
        withdraw(referral=withdrawn, by=people.ruth)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        output = remind()

    assert "about 0 referral(s)" in output
    assert mailoutbox == []
    assert not ReferralEvent.objects.filter(action=ReferralEvent.Action.REMINDED).exists()


def test_a_message_from_the_referrer_does_not_count_as_an_answer(people, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    waiting = sent_on(working_days_before(TODAY, 6), people)
    with django_capture_on_commit_callbacks(execute=True):
        send_message(referral=waiting, by=people.ruth, text="Any news?")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        remind()

    assert [email.subject for email in mailoutbox] == [f"Referral {waiting.reference} is waiting for your answer"]


def test_it_reminds_only_once(people, mailoutbox, django_capture_on_commit_callbacks):
    waiting = sent_on(working_days_before(TODAY, 5), people)
    with django_capture_on_commit_callbacks(execute=True):
        remind()

    with django_capture_on_commit_callbacks(execute=True):
        again = remind()
        next_week = remind(date(2026, 3, 18))

    assert "about 0 referral(s)" in again and "about 0 referral(s)" in next_week
    assert len(mailoutbox) == 1
    assert waiting.events.filter(action=ReferralEvent.Action.REMINDED).count() == 1


def test_each_waiting_referral_gets_its_own_reminder(people, mailoutbox, django_capture_on_commit_callbacks):
    first, second = (sent_on(working_days_before(TODAY, days), people) for days in (5, 12))

    with django_capture_on_commit_callbacks(execute=True):
        assert send_provider_reminders(today=TODAY) == 2

    assert sorted(email.subject for email in mailoutbox) == sorted(
        f"Referral {referral.reference} is waiting for your answer" for referral in (first, second)
    )


def test_the_reminder_holds_no_personal_details(people, mailoutbox, django_capture_on_commit_callbacks):
    sent_on(working_days_before(TODAY, 5), people, person_name="Margaret Evans", phone="01632 960555",
            postcode="WR1 2EY", what_matters="Seeing her grandchildren", support_wanted="A weekly day club",
            safety_notes="Allergic to penicillin")

    with django_capture_on_commit_callbacks(execute=True):
        remind()

    email = mailoutbox[0]
    text = f"{email.subject}\n{email.body}"
    for detail in ("Margaret", "Evans", "01632 960555", "WR1 2EY", "grandchildren", "weekly day club", "penicillin"):
        assert detail not in text
    assert "does not include their details" in email.body


def test_it_rejects_a_date_it_cannot_read():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--date must be a date"):
        call_command("send_referral_reminders", "--date", "next tuesday", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_running_at_once_remind_once(people, mailoutbox, deliver_queued_messages):
    for days in (5, 6, 7):
        sent_on(working_days_before(TODAY, days), people)
    counts, errors = at_the_same_moment(lambda: send_provider_reminders(today=TODAY))

    assert errors == []
    assert sum(counts) == 3
    assert deliver_queued_messages() == 3 and len(mailoutbox) == 3
    assert ReferralEvent.objects.filter(action=ReferralEvent.Action.REMINDED).count() == 3


@pytest.mark.parametrize("command", ["send_referral_reminders", "send_listing_reminders"])
def test_a_date_that_is_not_a_date_is_refused_with_a_clear_message(db, command):
    with pytest.raises(CommandError, match="--date must be a date like 2026-03-03, not '31/12/2026'"):
        call_command(command, date="31/12/2026")


# ----------------------------------------------------------------------------------------------- days to first answer


@pytest.mark.parametrize("hours", [None, 0.5, 23.9, 24, 36, 24 * 6 + 1])
def test_days_to_first_answer_is_the_whole_part_of_what_the_reports_count(people, hours):
    sent = timezone.make_aware(datetime(2026, 3, 9, 16, 30))
    answered = None if hours is None else sent + timedelta(hours=hours)
    referral = make_referral(service=people.day_club, referrer=people.ruth, sent_at=sent, first_response_at=answered)

    in_sql = Referral.objects.annotate(days=DAYS_TO_FIRST_ANSWER).get(pk=referral.pk).days

    if hours is None:
        assert days_to_first_answer(referral) is None and in_sql is None
    else:
        assert in_sql == pytest.approx(hours / 24) and days_to_first_answer(referral) == int(hours // 24)
