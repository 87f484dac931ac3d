"""A referrer who asks to be told by text: the choice on the referral form (offered only where texts can be sent), the
mobile number it needs, and the texts the provider's answers send, with no personal details in them."""

import re

import pytest
from django.test import Client

from referrals import lifecycle
from referrals.models import Referral
from tests.referrals.test_sending import ANSWERS, answer, html, send, sent_ok, signed_in, text, url, value_of

MOBILE = "07700 900982"
TEMPLATE = "5d3f2c8e-8a4f-4d52-9c55-3c1f0e0b7a11"


@pytest.fixture
def notify(settings, fake_notify):
    settings.NOTIFY_TEMPLATES = {kind: TEMPLATE for kind in
                                ("referral_accepted_text", "referral_declined_text", "referral_ended_text")}
    return fake_notify


def referral_sent_by_ruth(client, people, *, phone=MOBILE, texts=True) -> Referral:
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="phone")
    data = {"referrer_phone": phone, **({"text_updates": "on"} if texts else {})}
    assert client.post(url("phone", people.day_club), data).status_code == 302
    return sent_ok(send(client, people.day_club))


def texts_sent(notify) -> list[dict]:
    return [request.body for request in notify.requests if request.path == "/v2/notifications/sms"]


def test_without_notify_the_form_does_not_offer_texts(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="phone")

    page = html(client.get(url("phone", people.day_club)))

    assert "Text me as well" not in page
    answer(client, people.day_club, upto="check")
    assert "Tell you by text" not in text(client.get(url("check", people.day_club)))


def test_ruth_asks_for_texts_and_the_check_page_says_so(client, people, notify):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="phone")
    assert "Text me as well when the provider accepts or declines it" in html(client.get(url("phone", people.day_club)))

    client.post(url("phone", people.day_club), {"referrer_phone": MOBILE, "text_updates": "on"})

    assert "Tell you by text as well Yes" in text(client.get(url("check", people.day_club)))
    assert sent_ok(send(client, people.day_club)).text_updates is True


def test_texts_need_a_mobile_number_and_what_was_typed_is_kept(client, people, notify):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="phone")

    response = client.post(url("phone", people.day_club), {"referrer_phone": "01905 765432", "text_updates": "on"})

    page = html(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'id="id_referrer_phone-error"' in page and "Enter a mobile phone number, like 07700 900 982" in page
    assert value_of(page, "referrer_phone") == "01905 765432"
    assert re.search(r'<input[^>]*name="text_updates"[^>]*checked', page)


def test_a_landline_is_fine_without_texts(client, people, notify):
    referral = referral_sent_by_ruth(client, people, phone=ANSWERS["phone"]["referrer_phone"], texts=False)

    assert referral.text_updates is False


def test_ruth_is_texted_when_the_provider_accepts_without_the_persons_details(
    client, people, notify, django_capture_on_commit_callbacks
):
    referral = referral_sent_by_ruth(client, people)

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.accept(referral=referral, by=people.jean)

    [sms] = texts_sent(notify)
    assert sms["phone_number"] == MOBILE
    message = sms["personalisation"]["message"]
    assert referral.reference in message and "Thursday Day Club accepted" in message
    assert "Margaret" not in str(sms) and "Evans" not in str(sms)


def test_declined_and_ended_are_texted_but_started_and_messages_are_not(
    client, people, notify, django_capture_on_commit_callbacks
):
    declined = referral_sent_by_ruth(client, people)
    ended = referral_sent_by_ruth(Client(), people)

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.decline(referral=declined, by=people.jean, reason="full", detail="No space until spring")
        lifecycle.accept(referral=ended, by=people.jean)
        lifecycle.start_support(referral=ended, by=people.jean)
        lifecycle.send_message(referral=ended, by=people.jean, text="See you on Thursday")
        lifecycle.end_support(referral=ended, by=people.jean, outcome="goals_met")

    messages = [sms["personalisation"]["message"] for sms in texts_sent(notify)]
    assert len(messages) == 3
    assert [m.split(".")[0] for m in messages] == [
        f"Thursday Day Club cannot take referral {declined.reference}",
        f"Thursday Day Club accepted referral {ended.reference}",
        f"Support has ended for referral {ended.reference}",
    ]


def test_a_referrer_who_did_not_ask_is_not_texted(client, people, notify, django_capture_on_commit_callbacks):
    referral = referral_sent_by_ruth(client, people, texts=False)

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.accept(referral=referral, by=people.jean)

    assert texts_sent(notify) == []
