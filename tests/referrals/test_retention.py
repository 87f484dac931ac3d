"""Retention: a referral's personal details are erased once it has been closed for REFERRAL_RETENTION_MONTHS months;
the facts the reports need stay."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateformat import format as format_date

from core.dates import months_before
from referrals.access import record_access
from referrals.lifecycle import TransitionError, accept, decline, end_support, send_message, start_support, withdraw
from referrals.models import PERSONAL_FIELDS, AccessLog, Referral, ReferralEvent
from referrals.retention import erase_personal_details
from tests.factories import make_referral

Status = Referral.Status


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_referrals", *args, stdout=out)
    return out.getvalue()


def closed_ago(referral: Referral, *, days: int) -> Referral:
    """Move the referral's closing (and every date of its history) back by `days`."""
    shift = timedelta(days=days)
    referral.refresh_from_db()
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=referral.sent_at - shift,
        closed_at=referral.closed_at - shift,
        first_response_at=referral.first_response_at - shift if referral.first_response_at else None,
    )
    for event in referral.events.all():
        ReferralEvent.objects.filter(pk=event.pk).update(at=event.at - shift)
    referral.refresh_from_db()
    return referral


def new_referral(people, **fields) -> Referral:
    fields.setdefault("date_of_birth", date(1940, 6, 1))
    fields.setdefault("email", "margaret@example.com")
    fields.setdefault("address", "1 Sample Street, Worcester")
    return make_referral(service=people.day_club, referrer=people.ruth, **fields)


def declined_referral(people, *, days_ago: int) -> Referral:
    referral = new_referral(people)
    send_message(referral=referral, by=people.jean, text="Does Margaret still use the walking frame?")
    send_message(referral=referral, by=people.ruth, text="Yes, Margaret uses it indoors too.")
    decline(referral=referral, by=people.jean, reason="full", detail="Full until Margaret's birthday in May")
    record_access(referral, people.jean)
    record_access(referral, people.ruth)
    return closed_ago(referral, days=days_ago)


THIRTEEN_MONTHS, ELEVEN_MONTHS = 400, 335  # days


# ------------------------------------------------------------------------------------------------ calendar months


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2026, 3, 15), 12, date(2025, 3, 15)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),
        (date(2026, 1, 31), 13, date(2024, 12, 31)),
        (date(2026, 7, 31), 1, date(2026, 6, 30)),
        (date(2026, 6, 30), 0, date(2026, 6, 30)),
    ],
)
def test_months_before_subtracts_calendar_months(day, months, expected):
    assert months_before(day, months) == expected


# ---------------------------------------------------------------------------------------------------------- erasure


def test_a_referral_declined_13_months_ago_loses_the_persons_details(people):
    referral = declined_referral(people, days_ago=THIRTEEN_MONTHS)
    kept = {field: getattr(referral, field) for field in (
        "reference", "status", "decline_reason", "outcome", "service_id", "service_name", "enterprise_id",
        "referrer_id", "organisation_id", "sent_at", "first_response_at", "closed_at", "consent_method",
        "consent_given_on", "urgency", "contact_method", "funding",
    )}
    events_before = list(referral.events.values_list("pk", "action", "actor_id", "side", "from_status", "to_status",
                                                      "at"))

    output = purge()

    assert "Erased the personal details of 1 referral(s)" in output
    referral = Referral.objects.get(pk=referral.pk)
    assert {field: getattr(referral, field) for field in PERSONAL_FIELDS} == {
        "person_name": "", "phone": "", "email": "", "address": "", "postcode": "", "date_of_birth": None,
        "what_matters": "", "support_wanted": "", "safety_notes": "", "referrer_phone": "",
    }
    assert {field: getattr(referral, field) for field in kept} == kept
    assert referral.personal_details_erased_at is not None
    assert referral.personal_details_erased
    events = referral.events.all()
    assert list(events.exclude(action="erased").values_list(
        "pk", "action", "actor_id", "side", "from_status", "to_status", "at")) == events_before
    assert set(events.values_list("message", flat=True)) == {""}
    erased = events.get(action=ReferralEvent.Action.ERASED)
    assert (erased.actor, erased.side) == (None, "")
    assert AccessLog.objects.filter(referral=referral).count() == 2


def test_no_trace_of_the_person_is_left_in_the_database(people):
    referral = declined_referral(people, days_ago=THIRTEEN_MONTHS)

    erase_personal_details()

    rows = list(Referral.objects.filter(pk=referral.pk).values()) + list(
        ReferralEvent.objects.filter(referral=referral).values()
    )
    text = repr(rows)
    for detail in ("Margaret", "Evans", "01905 000111", "WR1 2EY", "walking frame", "weekly day club",
                   "margaret@example.com", "Sample Street", "1940"):
        assert detail not in text


def test_withdrawn_and_ended_referrals_are_erased_too(people):
    withdrawn = new_referral(people)
    withdraw(referral=withdrawn, by=people.colin, message="Margaret moved away")
    ended = new_referral(people)
    accept(referral=ended, by=people.jean)
    start_support(referral=ended, by=people.jean)
    end_support(referral=ended, by=people.jean, outcome="goals_met", detail="Margaret made friends")
    for referral in (withdrawn, ended):
        closed_ago(referral, days=THIRTEEN_MONTHS)

    assert erase_personal_details() == 2

    for referral in (withdrawn, ended):
        referral.refresh_from_db()
        assert referral.person_name == "" and referral.personal_details_erased
    ended.refresh_from_db()
    assert (ended.status, ended.outcome) == (Status.ENDED, "goals_met")
    assert ended.accepted_at and ended.started_at and ended.closed_at


def test_a_referral_closed_11_months_ago_and_an_open_one_from_2_years_ago_are_kept(people):
    recent = declined_referral(people, days_ago=ELEVEN_MONTHS)
    open_old = new_referral(people)
    accept(referral=open_old, by=people.jean)
    Referral.objects.filter(pk=open_old.pk).update(sent_at=timezone.now() - timedelta(days=730))
    waiting_old = new_referral(people, sent_at=timezone.now() - timedelta(days=730))

    assert erase_personal_details() == 0

    for referral in (recent, open_old, waiting_old):
        referral.refresh_from_db()
        assert referral.person_name == "Margaret Evans"
        assert referral.personal_details_erased_at is None
        assert not referral.events.filter(action=ReferralEvent.Action.ERASED).exists()
    assert recent.events.exclude(message="").count() == 3


def test_the_retention_period_is_counted_in_calendar_months_to_the_day(people):
    today = date(2026, 3, 31)
    cutoff = timezone.make_aware(datetime.combine(date(2025, 3, 31), time.min))
    on_the_day, day_before = (declined_referral(people, days_ago=0) for _ in range(2))
    Referral.objects.filter(pk=on_the_day.pk).update(closed_at=cutoff)
    Referral.objects.filter(pk=day_before.pk).update(closed_at=cutoff - timedelta(seconds=1))

    assert erase_personal_details(today=today) == 1

    assert Referral.objects.get(pk=day_before.pk).personal_details_erased
    assert not Referral.objects.get(pk=on_the_day.pk).personal_details_erased


def test_it_follows_the_retention_setting(people, settings):
    settings.REFERRAL_RETENTION_MONTHS = 6
    referral = declined_referral(people, days_ago=200)

    assert erase_personal_details() == 1

    referral.refresh_from_db()
    assert referral.personal_details_erased


def test_the_counts_by_status_do_not_change(people):
    declined_referral(people, days_ago=THIRTEEN_MONTHS)
    declined_referral(people, days_ago=ELEVEN_MONTHS)
    accepted = new_referral(people)
    accept(referral=accepted, by=people.jean)
    new_referral(people)
    counts = dict(Referral.objects.values_list("status").annotate(n=Count("pk")))
    services = dict(Referral.objects.values_list("service_id").annotate(n=Count("pk")))

    purge()

    assert dict(Referral.objects.values_list("status").annotate(n=Count("pk"))) == counts
    assert dict(Referral.objects.values_list("service_id").annotate(n=Count("pk"))) == services
    assert counts == {Status.DECLINED: 2, Status.ACCEPTED: 1, Status.SENT: 1}


def test_a_dry_run_changes_nothing(people):
    referral = declined_referral(people, days_ago=THIRTEEN_MONTHS)
    before = list(Referral.objects.values())
    events = list(ReferralEvent.objects.values())

    output = purge("--dry-run")

    assert "Would erase the personal details of 1 referral(s)" in output
    assert list(Referral.objects.values()) == before
    assert list(ReferralEvent.objects.values()) == events
    referral.refresh_from_db()
    assert not referral.personal_details_erased


def test_running_it_twice_erases_nothing_more(people):
    referral = declined_referral(people, days_ago=THIRTEEN_MONTHS)
    purge()
    referral.refresh_from_db()
    erased_at = referral.personal_details_erased_at

    output = purge()

    assert "Erased the personal details of 0 referral(s)" in output
    referral.refresh_from_db()
    assert referral.personal_details_erased_at == erased_at
    assert referral.events.filter(action=ReferralEvent.Action.ERASED).count() == 1


def test_it_runs_the_same_few_queries_however_many_referrals_are_erased(people):
    def count_queries(how_many: int) -> int:
        for _ in range(how_many):
            declined_referral(people, days_ago=THIRTEEN_MONTHS)
        with CaptureQueriesContext(connection) as queries:
            assert erase_personal_details() == how_many
        return len(queries)

    assert count_queries(2) == count_queries(12) <= 8


def test_nobody_can_send_a_message_about_an_erased_referral(people):
    referral = declined_referral(people, days_ago=THIRTEEN_MONTHS)
    erase_personal_details()

    for person in (people.jean, people.ruth):
        with pytest.raises(TransitionError, match="details erased"):
            send_message(referral=referral, by=person, text="Margaret rang again")
    assert not referral.events.filter(action="message").exclude(message="").exists()


def test_opening_an_erased_referral_is_not_logged_as_seeing_personal_details(people):
    referral = declined_referral(people, days_ago=THIRTEEN_MONTHS)
    erase_personal_details()
    referral.refresh_from_db()

    record_access(referral, people.jean)

    assert AccessLog.objects.filter(referral=referral).count() == 2


# ---------------------------------------------------------------------------------------------------------- display
# The shared macros the referral pages render an erased referral with, and the pages themselves.


def referral_macro(name: str):
    """A macro of templates/referrals/_macros.html, to call with its arguments."""
    return getattr(engines["jinja2"].env.get_template("referrals/_macros.html").module, name)


def test_the_persons_details_template_says_the_details_were_erased(people):
    referral = declined_referral(people, days_ago=THIRTEEN_MONTHS)
    erase_personal_details()
    referral = Referral.objects.select_related("enterprise", "referrer", "organisation").get(pk=referral.pk)

    html = referral_macro("person")(referral, 12)

    assert "This referral closed more than 12 months ago, so the person’s details were erased on" in html
    assert f"erased on {format_date(timezone.localtime(referral.personal_details_erased_at), 'j F Y')}" in html
    assert "Thursday Day Club, Malvern Lunch Club" in html
    assert "Ruth Jones, Adult Social Care – Wyre Forest team" in html
    assert "Margaret" not in html


def test_the_timeline_of_an_erased_referral_keeps_what_happened_without_the_words(people):
    referral = declined_referral(people, days_ago=THIRTEEN_MONTHS)
    erase_personal_details()
    referral.refresh_from_db()

    html = referral_macro("timeline")(referral, referral.events.select_related("actor"))

    for heading in ("Referral sent", "Message", "Declined", "Personal details erased"):
        assert heading in html
    assert "Reason: We have no space at the moment" in html
    assert "Margaret" not in html
    assert "app-timeline__message" not in html


@pytest.mark.parametrize("who, page", [("ruth", "get_absolute_url"), ("colin", "get_absolute_url"),
                                       ("jean", "get_provider_url")])
def test_the_referral_pages_still_show_an_erased_referral(who, page, people, client):
    referral = declined_referral(people, days_ago=THIRTEEN_MONTHS)
    erase_personal_details()
    referral.refresh_from_db()
    client.force_login(getattr(people, who))

    response = client.get(getattr(referral, page)())

    assert response.status_code == 200
    html = response.content.decode()
    assert referral.reference in html
    assert "the person’s details were erased on" in html
    assert "Personal details erased" in html
    assert "Margaret" not in html and "walking frame" not in html
    assert AccessLog.objects.filter(referral=referral).count() == 2  # opening it logs nothing: nothing personal left
