"""Referrals nobody has answered: working days, and the daily reminder to the provider (once, and safely)."""

import re
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.dates import working_days_before
from enterprises.models import StaffMembership
from referrals.lifecycle import accept, send_message, withdraw
from referrals.models import Referral, ReferralEvent, Urgency
from referrals.reminders import (
    DAYS_TO_FIRST_ANSWER,
    answer_within,
    days_to_first_answer,
    escalate_to_council,
    no_response_cutoff,
    send_provider_reminders,
    waiting_too_long,
)
from tests.concurrency import at_the_same_moment
from tests.factories import make_enterprise, make_referral, make_service, make_user

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 3, day) for day in range(9, 16))
TODAY = WED  # Wednesday 11 March 2026


def sent_on(day: date, people, **fields) -> Referral:
    at = timezone.make_aware(datetime.combine(day, time(12, 0)))
    return make_referral(service=people.day_club, referrer=people.ruth, sent_at=at, **fields)


def remind(today: date = TODAY) -> str:
    out = StringIO()
    call_command("send_referral_reminders", "--date", today.isoformat(), stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------- time to answer


def test_the_cutoff_is_the_setting_in_working_days(settings):
    settings.REFERRAL_NO_RESPONSE_WORKING_DAYS = 5
    assert no_response_cutoff(MON).by_urgency[Urgency.WEEK] == date(2026, 3, 2)

    settings.REFERRAL_NO_RESPONSE_WORKING_DAYS = 3
    assert no_response_cutoff(MON).by_urgency[Urgency.WEEK] == date(2026, 3, 4)


def test_an_urgent_referral_must_be_answered_within_two_working_days_and_the_others_within_the_setting(settings):
    settings.REFERRAL_NO_RESPONSE_WORKING_DAYS = 5
    assert (answer_within(Urgency.SOON), answer_within(Urgency.WEEK), answer_within(Urgency.ROUTINE)) == (2, 5, 5)
    assert no_response_cutoff(MON).by_urgency == {
        Urgency.SOON: date(2026, 3, 5), Urgency.WEEK: date(2026, 3, 2), Urgency.ROUTINE: date(2026, 3, 2)
    }

    settings.REFERRAL_NO_RESPONSE_WORKING_DAYS = 1  # a council that promises less than two days keeps its promise
    assert answer_within(Urgency.SOON) == 1


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


# ---------------------------------------------------------------------------------------------- urgency, bank holidays


def test_an_urgent_referral_is_reminded_about_after_two_working_days(people, mailoutbox,
                                                                     django_capture_on_commit_callbacks):
    urgent = sent_on(working_days_before(TODAY, 2), people, urgency=Urgency.SOON)
    usual = sent_on(working_days_before(TODAY, 2), people, urgency=Urgency.WEEK)

    assert waiting_too_long(urgent, cutoff=no_response_cutoff(TODAY))
    assert not waiting_too_long(usual, cutoff=no_response_cutoff(TODAY))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_provider_reminders(today=TODAY) == 1

    assert [email.subject for email in mailoutbox] == [f"Referral {urgent.reference} is waiting for your answer"]


def test_over_easter_the_reminder_waits_for_the_working_days(people, mailoutbox, django_capture_on_commit_callbacks,
                                                           settings):
    settings.BANK_HOLIDAYS = "england-and-wales"
    waiting = sent_on(date(2026, 4, 2), people)  # Maundy Thursday: Good Friday and Easter Monday do not count

    with django_capture_on_commit_callbacks(execute=True):
        assert "about 0 referral(s)" in remind(date(2026, 4, 9))  # 5 weekdays, 3 working days
        assert "about 0 referral(s)" in remind(date(2026, 4, 10))
        assert "about 1 referral(s)" in remind(date(2026, 4, 13))

    assert [email.subject for email in mailoutbox] == [f"Referral {waiting.reference} is waiting for your answer"]


def test_over_christmas_the_reminder_waits_for_the_working_days(people, mailoutbox,
                                                              django_capture_on_commit_callbacks, settings):
    settings.BANK_HOLIDAYS = "england-and-wales"
    waiting = sent_on(date(2026, 12, 22), people)  # Tuesday: then 23, 24, 29 and 30 December

    with django_capture_on_commit_callbacks(execute=True):
        assert "about 0 referral(s)" in remind(date(2026, 12, 30))
        assert "about 1 referral(s)" in remind(date(2026, 12, 31))

    assert f"Referral {waiting.reference} is waiting for your answer" in [email.subject for email in mailoutbox]


# ------------------------------------------------------------------------------------------- passing to the council


def reminded_on(day: date, people, **fields) -> Referral:
    """A referral the provider was reminded about on `day`, having been sent 5 working days before it."""
    referral = sent_on(working_days_before(day, 5), people, **fields)
    Referral.objects.filter(pk=referral.pk).update(
        provider_reminded_at=timezone.make_aware(datetime.combine(day, time(7, 0)))
    )
    referral.refresh_from_db()
    return referral


def staff_emails(mailoutbox) -> list:
    return [email for email in mailoutbox if "still waiting for an answer after a reminder" in email.subject]


def test_a_referral_still_unanswered_five_working_days_after_the_reminder_is_passed_to_the_council(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    ignored = reminded_on(working_days_before(TODAY, 5), people)

    with django_capture_on_commit_callbacks(execute=True):
        output = remind()

    assert "passed 1 referral(s) still unanswered after a reminder to council staff" in output
    ignored.refresh_from_db()
    assert ignored.escalated_at is not None and ignored.status == Referral.Status.SENT
    event = ignored.events.get(action=ReferralEvent.Action.ESCALATED)
    assert (event.actor, event.side, event.message, event.get_action_display()) == (
        None, "", "", "Passed to the council"
    )
    [email] = staff_emails(mailoutbox)
    assert email.to == ["stella@worcestershire.example"]  # not Hugo, of another council; not the provider
    assert email.subject == "1 referral still waiting for an answer after a reminder"
    assert ignored.reference in email.body and "Thursday Day Club (Malvern Lunch Club)" in email.body
    assert "10 working days waiting" in email.body
    assert "/council/referrals/unanswered/" in email.body


def test_a_referral_is_not_passed_on_before_its_time_after_the_reminder_has_run_out(people, mailoutbox,
                                                                                   django_capture_on_commit_callbacks):
    reminded_on(working_days_before(TODAY, 4), people)
    sent_on(working_days_before(TODAY, 30), people)  # never reminded (the command reminds it now, not passes it on)

    with django_capture_on_commit_callbacks(execute=True):
        output = remind()

    assert "passed 0 referral(s)" in output
    assert staff_emails(mailoutbox) == []
    assert not Referral.objects.filter(escalated_at__isnull=False).exists()


def test_an_urgent_referral_is_passed_on_two_working_days_after_the_reminder(people, mailoutbox,
                                                                             django_capture_on_commit_callbacks):
    urgent = reminded_on(working_days_before(TODAY, 2), people, urgency=Urgency.SOON)
    usual = reminded_on(working_days_before(TODAY, 2), people, urgency=Urgency.ROUTINE)

    with django_capture_on_commit_callbacks(execute=True):
        remind()

    urgent.refresh_from_db()
    usual.refresh_from_db()
    assert urgent.escalated_at is not None and usual.escalated_at is None


def test_a_referral_answered_or_withdrawn_after_the_reminder_is_not_passed_on(people, mailoutbox,
                                                                            django_capture_on_commit_callbacks):
    day = working_days_before(TODAY, 6)
    accepted, asked, withdrawn = (reminded_on(day, people) for _ in range(3))
    accept(referral=accepted, by=people.jean)
    send_message(referral=asked, by=people.jean, text="Is Tuesday too late?")
    withdraw(referral=withdrawn, by=people.ruth)

    with django_capture_on_commit_callbacks(execute=True):
        assert "passed 0 referral(s)" in remind()

    assert staff_emails(mailoutbox) == []


def test_each_member_of_staff_is_told_once_in_one_email_for_all_of_a_days_referrals(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = (reminded_on(working_days_before(TODAY, days), people) for days in (5, 7))
    colleague = make_user("pat@worcestershire.example")
    StaffMembership.objects.create(user=colleague, council=people.stella.staff_membership.council)

    with django_capture_on_commit_callbacks(execute=True):
        remind()
        again = remind()
        next_week = remind(TODAY + timedelta(days=7))

    assert "passed 0 referral(s)" in again and "passed 0 referral(s)" in next_week
    emails = staff_emails(mailoutbox)
    assert sorted(email.to for email in emails) == [["pat@worcestershire.example"], ["stella@worcestershire.example"]]
    for email in emails:
        assert email.subject == "2 referrals still waiting for an answer after a reminder"
        assert email.body.index(second.reference) < email.body.index(first.reference)  # the longest waiting first
    assert ReferralEvent.objects.filter(action=ReferralEvent.Action.ESCALATED).count() == 2


def test_each_council_is_told_only_of_its_own_referrals(people, mailoutbox, django_capture_on_commit_callbacks):
    ours = reminded_on(working_days_before(TODAY, 5), people)
    hay = make_enterprise("Hay Befrienders", council=people.hugo.staff_membership.council)
    hay.members.add(make_user("ann@hay.example"))
    theirs = make_referral(service=make_service("Befriending", enterprise=hay), referrer=people.ruth,
                           sent_at=timezone.make_aware(datetime.combine(working_days_before(TODAY, 10), time(12))),
                           provider_reminded_at=timezone.make_aware(
                               datetime.combine(working_days_before(TODAY, 5), time(7))))

    with django_capture_on_commit_callbacks(execute=True):
        assert "passed 2 referral(s)" in remind()

    by_recipient = {tuple(email.to): email.body for email in staff_emails(mailoutbox)}
    assert set(by_recipient) == {("stella@worcestershire.example",), ("hugo@herefordshire.example",)}
    assert ours.reference in by_recipient[("stella@worcestershire.example",)]
    assert theirs.reference not in by_recipient[("stella@worcestershire.example",)]
    assert theirs.reference in by_recipient[("hugo@herefordshire.example",)]


def test_the_staff_email_holds_no_personal_details(people, mailoutbox, django_capture_on_commit_callbacks):
    reminded_on(working_days_before(TODAY, 5), people, person_name="Margaret Evans", phone="01632 960555",
                postcode="WR1 2EY", what_matters="Seeing her grandchildren", support_wanted="A weekly day club",
                safety_notes="Allergic to penicillin", referrer_phone="01905 765432")

    with django_capture_on_commit_callbacks(execute=True):
        remind()

    [email] = staff_emails(mailoutbox)
    text = f"{email.subject}\n{email.body}"
    for detail in ("Margaret", "Evans", "01632 960555", "WR1 2EY", "grandchildren", "weekly day club", "penicillin",
                   "01905 765432"):
        assert detail not in text
    assert "does not include their details" in email.body


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_running_at_once_pass_each_referral_on_once(people, mailoutbox, deliver_queued_messages):
    waiting = [reminded_on(working_days_before(TODAY, days), people) for days in (5, 6, 7)]

    counts, errors = at_the_same_moment(lambda: escalate_to_council(today=TODAY))

    assert errors == []
    assert sum(counts) == 3
    deliver_queued_messages()
    told = [reference for email in staff_emails(mailoutbox) for reference in re.findall(r"^- (\S+) to ", email.body,
                                                                                          re.M)]
    assert sorted(told) == sorted(referral.reference for referral in waiting)  # each in one email, however split
    assert ReferralEvent.objects.filter(action=ReferralEvent.Action.ESCALATED).count() == 3
