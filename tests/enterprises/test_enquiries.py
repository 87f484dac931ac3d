"""Enquiries about starting a community micro-enterprise (issue 17, item 1), as the service functions see them: the
enquiry is kept once per form, staff of its council move it new → talking → started (linked to one of their
council's listings) or not going ahead (with a reason), two staff moving it at once cannot both succeed, the enquirer
is told of each move through the queue, and their details are erased a set time after it closed."""

import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core.models import OutgoingMessage
from enterprises import enquiries
from enterprises.access import council_enquiries
from enterprises.enquiries import TransitionError
from enterprises.models import Enquiry, EnquiryAccessLog, EnquiryEvent
from tests.concurrency import at_the_same_moment
from tests.factories import make_area, make_council, make_enterprise

Stage = Enquiry.Stage


def send_enquiry(area, **overrides) -> Enquiry:
    details = {
        "idea": "A knit-and-natter group in the village hall",
        "who_it_would_support": "Older people living alone",
        "name": "Dora Sampleton",
        "email": "dora@example.com",
        "phone": "",
        "submission_key": uuid.uuid4(),
        **overrides,
    }
    return enquiries.submit_enquiry(area=area, **details)[0]


@pytest.fixture
def malvern(people):
    return make_area("Malvern", 377000, 245000, council=people.lunch_club.council)


@pytest.fixture
def enquiry(malvern):
    return send_enquiry(malvern)


def reload(enquiry):
    return Enquiry.objects.get(pk=enquiry.pk)


class TestSending:
    def test_an_enquiry_goes_to_the_council_of_the_area_chosen(self, malvern, people):
        enquiry = send_enquiry(malvern)
        assert (enquiry.council, enquiry.area, enquiry.stage) == (people.lunch_club.council, malvern, Stage.NEW)
        assert enquiry.reference.startswith("ST-") and len(enquiry.reference) == 12
        assert list(EnquiryEvent.objects.values_list("to_stage", flat=True)) == [Stage.NEW]

    def test_the_same_form_sent_twice_makes_one_enquiry(self, malvern):
        key = uuid.uuid4()
        first, new = enquiries.submit_enquiry(area=malvern, idea="Gardening", who_it_would_support="Carers",
                                              name="Dora", email="dora@example.com", submission_key=key)
        second, again = enquiries.submit_enquiry(area=malvern, idea="Gardening", who_it_would_support="Carers",
                                                 name="Dora", email="dora@example.com", submission_key=key)
        assert (first, new, again) == (second, True, False)
        assert Enquiry.objects.count() == 1 and enquiries.sent_before(key) == first

    def test_an_enquiry_needs_a_way_to_contact_the_person(self, malvern):
        with pytest.raises(TransitionError, match="email address or a phone number"):
            send_enquiry(malvern, email="", phone=" ")
        assert not Enquiry.objects.exists()


class TestWhoSeesThem:
    def test_staff_see_only_their_own_councils_enquiries(self, enquiry, people):
        elsewhere = send_enquiry(make_area("Ledbury", 370000, 237000, council=make_council("Herefordshire Council")))
        assert list(council_enquiries(people.stella)) == [enquiry]
        assert list(council_enquiries(people.hugo)) == [elsewhere]

    @pytest.mark.parametrize("persona", ["ruth", "jean", "sam"])
    def test_referrers_and_providers_see_none(self, enquiry, people, persona):
        assert not council_enquiries(getattr(people, persona)).exists()

    def test_opening_the_details_is_logged_but_not_once_they_are_erased(self, enquiry, people):
        enquiries.record_access(enquiry, people.stella)
        assert list(EnquiryAccessLog.objects.values_list("enquiry", "user")) == [(enquiry.pk, people.stella.pk)]
        enquiry.personal_details_erased_at = timezone.now()
        enquiries.record_access(enquiry, people.stella)
        assert EnquiryAccessLog.objects.count() == 1


class TestMoving:
    def test_new_then_talking_then_started_as_a_listing_of_the_council(self, enquiry, people):
        enquiries.start_talking(enquiry=enquiry, by=people.stella)
        assert reload(enquiry).stage == Stage.TALKING and reload(enquiry).talking_at is not None
        enquiries.mark_started(enquiry=enquiry, by=people.stella, enterprise=people.lunch_club)
        moved = reload(enquiry)
        assert (moved.stage, moved.enterprise, moved.closed_at == moved.started_at) == (
            Stage.STARTED, people.lunch_club, True)
        assert list(moved.events.values_list("from_stage", "to_stage", "actor")) == [
            ("", Stage.NEW, None), (Stage.NEW, Stage.TALKING, people.stella.pk),
            (Stage.TALKING, Stage.STARTED, people.stella.pk),
        ]

    def test_a_new_enquiry_may_be_not_going_ahead_at_once_with_a_reason(self, enquiry, people):
        enquiries.mark_not_going_ahead(enquiry=enquiry, by=people.stella, reason="  Moved away  ")
        moved = reload(enquiry)
        assert (moved.stage, moved.reason, moved.closed_at is not None) == (Stage.NOT_GOING_AHEAD, "Moved away", True)

    def test_not_going_ahead_needs_a_reason(self, enquiry, people):
        with pytest.raises(TransitionError, match="Enter why it is not going ahead"):
            enquiries.mark_not_going_ahead(enquiry=enquiry, by=people.stella, reason="   ")
        assert reload(enquiry).stage == Stage.NEW

    def test_started_must_be_one_of_the_councils_own_listings(self, enquiry, people):
        theirs = make_enterprise("Ledbury Lunches", council=make_council("Herefordshire Council"))
        with pytest.raises(TransitionError, match="from your council’s listings"):
            enquiries.mark_started(enquiry=enquiry, by=people.stella, enterprise=theirs)
        assert reload(enquiry).stage == Stage.NEW

    @pytest.mark.parametrize("persona", ["hugo", "jean", "ruth"])
    def test_only_staff_of_its_council_move_it(self, enquiry, people, persona):
        with pytest.raises(TransitionError, match="Only the staff of this enquiry’s council"):
            enquiries.start_talking(enquiry=enquiry, by=getattr(people, persona))
        with pytest.raises(TransitionError):
            enquiries.mark_not_going_ahead(enquiry=enquiry, by=getattr(people, persona), reason="No")
        assert reload(enquiry).stage == Stage.NEW and not OutgoingMessage.objects.exists()

    def test_a_closed_enquiry_does_not_move_again(self, enquiry, people):
        enquiries.mark_not_going_ahead(enquiry=enquiry, by=people.stella, reason="Moved away")
        with pytest.raises(TransitionError, match=f"enquiry {enquiry.reference} is now not going ahead"):
            enquiries.start_talking(enquiry=enquiry, by=people.stella)
        with pytest.raises(TransitionError, match="is now not going ahead"):
            enquiries.mark_started(enquiry=enquiry, by=people.stella, enterprise=people.lunch_club)


class TestTellingTheEnquirer:
    def test_each_move_queues_one_email_with_the_reference_and_no_details(self, enquiry, people):
        enquiries.start_talking(enquiry=enquiry, by=people.stella)
        enquiries.mark_started(enquiry=enquiry, by=people.stella, enterprise=people.lunch_club)
        messages = list(OutgoingMessage.objects.order_by("pk"))
        assert [(message.to, message.kind, message.keep_recipient) for message in messages] == [
            ("dora@example.com", "enquiry_talking", False), ("dora@example.com", "enquiry_started", False),
        ]
        for message in messages:
            assert enquiry.reference in message.subject and enquiry.reference in message.body
            assert "Dora" not in message.body and "knit" not in message.body

    def test_the_reason_it_is_not_going_ahead_is_not_emailed(self, enquiry, people):
        enquiries.mark_not_going_ahead(enquiry=enquiry, by=people.stella, reason="Could not find insurance")
        message = OutgoingMessage.objects.get()
        assert message.subject == f"Your enquiry {enquiry.reference} is not going ahead"
        assert "insurance" not in message.body

    def test_someone_who_gave_only_a_phone_number_gets_a_text_message(self, malvern, people):
        enquiry = send_enquiry(malvern, email="", phone="07700 900982")
        enquiries.start_talking(enquiry=enquiry, by=people.stella)
        message = OutgoingMessage.objects.get()
        assert (message.channel, message.to, message.personalisation["reference"]) == (
            "text", "07700 900982", enquiry.reference)

    def test_a_refused_move_tells_nobody(self, enquiry, people):
        with pytest.raises(TransitionError):
            enquiries.start_talking(enquiry=enquiry, by=people.hugo)
        assert not OutgoingMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
class TestTwoStaffAtOnce:
    def test_two_staff_moving_the_same_enquiry_at_once_one_wins_the_other_is_told(self, people):
        area = make_area("Malvern", 377000, 245000, council=people.lunch_club.council)
        enquiry = send_enquiry(area)
        results, errors = at_the_same_moment(
            lambda: enquiries.start_talking(enquiry=enquiry, by=people.stella)
        )
        assert len(results) == 1 and len(errors) == 1
        assert str(errors[0]) == f"You cannot start talking about it: enquiry {enquiry.reference} is now talking"
        assert EnquiryEvent.objects.filter(to_stage=Stage.TALKING).count() == 1
        assert OutgoingMessage.objects.count() == 1

    def test_the_second_waits_for_the_first_and_then_finds_it_moved(self, people):
        area = make_area("Malvern", 377000, 245000, council=people.lunch_club.council)
        enquiry = send_enquiry(area)
        first_holds_the_lock, results = threading.Event(), {}

        def close_slowly():
            with transaction.atomic():
                enquiries.mark_not_going_ahead(enquiry=enquiry, by=people.stella, reason="Moved away")
                first_holds_the_lock.set()
                time.sleep(0.3)

        def start_meanwhile():
            first_holds_the_lock.wait(timeout=10)
            try:
                enquiries.mark_started(enquiry=enquiry, by=people.stella, enterprise=people.lunch_club)
            except TransitionError as error:
                results["second"] = str(error)

        threads = [threading.Thread(target=close_slowly), threading.Thread(target=start_meanwhile)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert results["second"] == (
            f"You cannot record that it started: enquiry {enquiry.reference} is now not going ahead"
        )
        assert reload(enquiry).stage == Stage.NOT_GOING_AHEAD and reload(enquiry).enterprise is None


class TestErasure:
    def close(self, enquiry, people, *, days_ago: int):
        enquiries.mark_not_going_ahead(enquiry=enquiry, by=people.stella, reason="Dora moved to Leeds")
        Enquiry.objects.filter(pk=enquiry.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))

    def test_details_are_erased_a_set_time_after_it_closed_keeping_what_the_reports_need(
        self, enquiry, people, settings
    ):
        settings.ENQUIRY_RETENTION_MONTHS = 6
        self.close(enquiry, people, days_ago=200)
        assert enquiries.erase_personal_details(dry_run=True) == 1 and not reload(enquiry).personal_details_erased
        assert enquiries.erase_personal_details() == 1
        erased = reload(enquiry)
        assert [getattr(erased, name) for name in ["idea", "who_it_would_support", "name", "email", "phone",
                                                    "reason"]] == [""] * 6
        assert (erased.stage, erased.area, erased.council, erased.personal_details_erased) == (
            Stage.NOT_GOING_AHEAD, enquiry.area, enquiry.council, True)
        assert enquiries.erase_personal_details() == 0

    def test_open_and_recently_closed_enquiries_keep_their_details(self, enquiry, malvern, people, settings):
        settings.ENQUIRY_RETENTION_MONTHS = 12
        recent = send_enquiry(malvern)
        self.close(recent, people, days_ago=300)
        Enquiry.objects.filter(pk=enquiry.pk).update(received_at=timezone.now() - timedelta(days=900))
        assert enquiries.erase_personal_details() == 0
        assert reload(enquiry).name == reload(recent).name == "Dora Sampleton"

    def test_the_daily_command_erases_them(self, enquiry, people, capsys):
        self.close(enquiry, people, days_ago=800)
        call_command("purge_enquiries", "--dry-run")
        assert "Would erase the personal details of 1 enquiry" in capsys.readouterr().out
        call_command("purge_enquiries")
        assert "Erased the personal details of 1 enquiry" in capsys.readouterr().out
        assert reload(enquiry).personal_details_erased
