"""Sending a referral: the question pages, check your answers, sending once however often "Send" is pressed, the
confirmation, who may refer, and the "Refer someone" action on the public pages."""

import re
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import Enterprise
from referrals.models import Referral, ReferralEvent
from tests.factories import make_enterprise, make_postcode, make_service, make_user

FLOW = ["start", "consent", "no_consent", "person", "postcode", "needs", "safety", "urgency", "funding", "phone",
        "check"]

ANSWERS = {
    "consent": {"consent": "phone"},
    "person": {
        "person_name": "Margaret Evans",
        "date_of_birth_day": "27", "date_of_birth_month": "3", "date_of_birth_year": "1948",
        "contact_method": "phone", "phone": "01905 000111", "email": "margaret@example.org",
        "address": "4 Foregate Street\nWorcester",
    },
    "postcode": {"postcode": "wr12ey"},
    "needs": {"what_matters": "Seeing her friends from church again", "support_wanted": "A weekly day club with lunch"},
    "safety": {"safety_notes": "Uses a walking frame; a friendly dog called Biscuit"},
    "urgency": {"urgency": "week"},
    "funding": {"funding": "direct_payment"},
    "phone": {"referrer_phone": "01905 765432"},
}


def url(name, service, **query):
    path = reverse(f"referrals:{name}", kwargs={"pk": service.pk})
    return f"{path}?{'&'.join(f'{key}={value}' for key, value in query.items())}" if query else path


def html(response) -> str:
    return response.content.decode()


def value_of(page: str, name: str) -> str | None:
    """The value an input is filled with ("" when it is empty)."""
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    found = re.search(r'value="([^"]*)"', field)
    return found.group(1) if found else ""


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def signed_in(client, user):
    client.force_login(user)
    return client


def start(client, service, **data):
    response = client.post(url("start", service), data)
    assert response.status_code == 302, html(response)
    return response


def answer(client, service, upto="check"):
    """Start a referral and answer every question before `upto`."""
    start(client, service)
    for page, data in ANSWERS.items():
        if page == upto:
            return
        response = client.post(url(page, service), data)
        assert response.status_code == 302, html(response)


def draft(client, service) -> dict | None:
    return client.session.get("referral_drafts", {}).get(str(service.pk))


def send(client, service, key=None):
    key = key or draft(client, service)["submission_key"]
    return client.post(url("check", service), {"submission_key": key})


def sent_ok(response) -> Referral:
    assert response.status_code == 302, html(response)
    reference = response.url.split("/")[-3]
    assert response.url == reverse("referrals:confirmation", kwargs={"reference": reference})
    return Referral.objects.get(reference=reference)


# The whole flow ----------------------------------------------------------------------------------------------------


def test_ruth_refers_a_person_and_every_answer_is_saved(client, people, django_capture_on_commit_callbacks,
                                                        mailoutbox):
    signed_in(client, people.ruth)
    answer(client, people.day_club)

    with django_capture_on_commit_callbacks(execute=True):
        referral = sent_ok(send(client, people.day_club))

    assert Referral.objects.count() == 1
    assert referral.service == people.day_club and referral.enterprise == people.lunch_club
    assert (referral.referrer, referral.organisation, referral.referring_enterprise) == (people.ruth, people.team, None)
    assert referral.person_name == "Margaret Evans"
    assert referral.date_of_birth.isoformat() == "1948-03-27"
    assert referral.contact_method == "phone"
    assert (referral.phone, referral.email) == ("01905 000111", "margaret@example.org")
    assert referral.address == "4 Foregate Street\nWorcester"
    assert referral.postcode == "WR1 2EY"
    assert referral.what_matters == "Seeing her friends from church again"
    assert referral.support_wanted == "A weekly day club with lunch"
    assert referral.safety_notes == "Uses a walking frame; a friendly dog called Biscuit"
    assert (referral.consent_method, referral.urgency, referral.status) == ("phone", "week", "sent")
    assert (referral.funding, referral.referrer_phone) == ("direct_payment", "01905 765432")
    assert referral.consent_given_on is not None
    assert ReferralEvent.objects.filter(referral=referral, action="sent").count() == 1
    assert draft(client, people.day_club) is None


def test_the_provider_is_emailed_once_with_a_link_and_none_of_the_persons_details(
    client, people, django_capture_on_commit_callbacks, mailoutbox
):
    signed_in(client, people.ruth)
    answer(client, people.day_club)

    with django_capture_on_commit_callbacks(execute=True):
        referral = sent_ok(send(client, people.day_club))

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [people.jean.email]
    text = f"{email.subject}\n{email.body}"
    assert referral.reference in text and referral.get_provider_url() in email.body
    for private in ["Margaret", "Evans", "01905", "margaret@example.org", "WR1", "Foregate", "church", "day club with",
                    "walking frame", "1948"]:
        assert private not in text


def test_the_confirmation_gives_the_reference_and_what_happens_next(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club)
    referral = sent_ok(send(client, people.day_club))

    response = client.get(reverse("referrals:confirmation", kwargs={"reference": referral.reference}))

    page = html(response)
    assert response.status_code == 200
    assert "Referral sent" in page and f"<strong>{referral.reference}</strong>" in page
    assert "within 5 working days" in page and "Malvern Lunch Club" in page
    assert referral.get_absolute_url() in page and reverse("referrals:mine") in page and reverse("search") in page
    assert "Margaret" not in page


@pytest.mark.parametrize(("urgency", "promise"), [
    ("soon", "within 2 working days"), ("week", "within 5 working days"), ("routine", "within 5 working days"),
])
def test_the_confirmation_promises_an_answer_as_soon_as_the_urgency_needs(client, people, urgency, promise):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="urgency")
    for page, data in [("urgency", {"urgency": urgency}), ("funding", ANSWERS["funding"]), ("phone", ANSWERS["phone"])]:
        client.post(url(page, people.day_club), data)
    referral = sent_ok(send(client, people.day_club))

    page = text(client.get(reverse("referrals:confirmation", kwargs={"reference": referral.reference})))

    assert f"They should answer {promise}." in page


def test_the_postcode_searched_near_is_offered_not_typed_again(client, people):
    signed_in(client, people.ruth)
    client.get(reverse("search"), {"postcode": "wr1 2ey"})
    answer(client, people.day_club, upto="postcode")

    page = html(client.get(url("postcode", people.day_club)))

    assert value_of(page, "postcode") == "WR1 2EY"
    assert "We have filled in WR1 2EY, the postcode you searched near" in page
    assert client.post(url("postcode", people.day_club), {"postcode": "WR1 2EY"}).url == url("needs", people.day_club)
    assert draft(client, people.day_club)["postcode"] == "WR1 2EY"


def test_the_persons_own_postcode_is_kept_over_the_one_searched_near(client, people):
    make_postcode("B1 1AA", 406000, 286000)
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="needs")  # answered WR1 2EY
    client.get(reverse("search"), {"postcode": "B1 1AA"})

    page = html(client.get(url("postcode", people.day_club, change="1")))

    assert value_of(page, "postcode") == "WR1 2EY" and "you searched near" not in page


def test_without_a_search_the_postcode_is_asked_for_empty(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="postcode")

    page = html(client.get(url("postcode", people.day_club)))

    assert value_of(page, "postcode") == "" and "you searched near" not in page


def test_the_phone_number_given_last_time_is_offered(client, people):
    signed_in(client, people.ruth)
    assert value_of(html(_phone_page(client, people)), "referrer_phone") == ""
    answer(client, people.day_club, upto="check")
    sent_ok(send(client, people.day_club))

    page = html(_phone_page(client, people))

    assert value_of(page, "referrer_phone") == "01905 765432"
    assert "This is the number you gave last time" in page


def test_a_colleagues_phone_number_is_not_offered(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="check")
    sent_ok(send(client, people.day_club))

    assert value_of(html(_phone_page(signed_in(Client(), people.colin), people)), "referrer_phone") == ""


def _phone_page(client, people):
    answer(client, people.day_club, upto="phone")
    return client.get(url("phone", people.day_club))


def test_the_start_page_gives_the_councils_own_safeguarding_contacts(client, people, settings):
    settings.SAFEGUARDING_ADULTS_CONTACT = "the council’s website"
    council = people.lunch_club.council
    council.safeguarding_adults_contact = "Worcestershire Adult Front Door on 01905 768053"
    council.safeguarding_children_contact = "the Family Front Door on 01905 822666"
    council.save()
    signed_in(client, people.ruth)

    for page in ["start", "no_consent"]:
        shown = text(client.get(url(page, people.day_club)))
        assert "contact Worcestershire Adult Front Door on 01905 768053" in shown
        assert "contact the Family Front Door on 01905 822666" in shown
        assert "the council’s website" not in shown


def test_each_page_goes_on_to_the_next_with_a_back_link_to_the_one_before(client, people):
    signed_in(client, people.ruth)
    service = people.day_club
    response = client.post(url("start", service))
    assert response.url == url("consent", service)
    pages = list(ANSWERS)
    for page, following in zip(pages, [*pages[1:], "check"]):
        shown = client.get(url(page, service))
        previous = (["start", *pages])[pages.index(page)]
        assert shown.status_code == 200
        assert f'href="{url(previous, service)}" class="govuk-back-link"' in html(shown)
        assert client.post(url(page, service), ANSWERS[page]).url == url(following, service)
    check = client.get(url("check", service))
    assert f'href="{url("phone", service)}" class="govuk-back-link"' in html(check)


def test_the_start_page_warns_it_is_not_for_emergencies_and_says_where_to_go(client, people, settings):
    settings.SAFEGUARDING_ADULTS_CONTACT = "Worcestershire Adult Front Door on 01905 768053"
    settings.SAFEGUARDING_CHILDREN_CONTACT = "the Family Front Door on 01905 822666"
    signed_in(client, people.ruth)

    page = html(client.get(url("start", people.day_club)))

    assert "Refer someone to Thursday Day Club" in page and "Malvern Lunch Club" in page
    assert "govuk-warning-text" in page and "not for emergencies" in page and "call 999" in page
    assert "Worcestershire Adult Front Door on 01905 768053" in page and "the Family Front Door on 01905 822666" in page
    assert "Who are you referring for?" not in page  # Ruth has one team: it is chosen for her


def test_someone_in_two_teams_chooses_which_one_they_refer_for(client, people):
    people.other_team.members.add(people.ruth)
    signed_in(client, people.ruth)
    service = people.day_club

    page = html(client.get(url("start", service)))
    assert "Who are you referring for?" in page and people.other_team.name in page and people.team.name in page
    refused = client.post(url("start", service))
    assert refused.status_code == 200 and "Select who you are referring for" in html(refused)

    start(client, service, team=f"organisation:{people.other_team.pk}")
    for page, data in ANSWERS.items():
        client.post(url(page, service), data)
    assert "Referring for" in html(client.get(url("check", service)))
    referral = sent_ok(send(client, service))

    assert referral.organisation == people.other_team


def test_starting_again_gives_a_new_key_and_offers_to_continue(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="needs")
    first_key = draft(client, people.day_club)["submission_key"]

    page = html(client.get(url("start", people.day_club)))
    assert "You have already started a referral" in page and url("needs", people.day_club) in page

    start(client, people.day_club)
    assert draft(client, people.day_club)["submission_key"] != first_key
    assert "person_name" not in draft(client, people.day_club)


# Sending twice -------------------------------------------------------------------------------------------------------


def test_pressing_send_twice_makes_one_referral_and_both_show_its_confirmation(
    client, people, django_capture_on_commit_callbacks, mailoutbox
):
    signed_in(client, people.ruth)
    answer(client, people.day_club)
    key = draft(client, people.day_club)["submission_key"]

    with django_capture_on_commit_callbacks(execute=True):
        first = sent_ok(send(client, people.day_club, key))
        second = send(client, people.day_club, key)

    assert second.status_code == 302 and second.url == reverse("referrals:confirmation",
                                                               kwargs={"reference": first.reference})
    assert Referral.objects.count() == 1 and len(mailoutbox) == 1


def test_the_back_button_and_send_again_after_the_answers_are_gone_finds_the_same_referral(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club)
    key = draft(client, people.day_club)["submission_key"]
    first = sent_ok(send(client, people.day_club, key))
    assert draft(client, people.day_club) is None

    again = send(client, people.day_club, key)

    assert sent_ok(again) == first
    assert Referral.objects.count() == 1


def test_sending_an_old_page_again_keeps_a_newer_referral_in_progress(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club)
    old_key = draft(client, people.day_club)["submission_key"]
    first = sent_ok(send(client, people.day_club, old_key))
    answer(client, people.day_club, upto="postcode")

    assert sent_ok(send(client, people.day_club, old_key)) == first
    assert draft(client, people.day_club)["person_name"] == "Margaret Evans"


def test_sending_with_no_answers_and_no_referral_starts_again_with_a_message(client, people):
    signed_in(client, people.ruth)

    response = client.post(url("check", people.day_club), {"submission_key": str(uuid.uuid4())}, follow=True)

    assert response.redirect_chain[-1][0] == url("start", people.day_club, lost="1")
    assert "Your referral has not been sent" in html(response)
    assert Referral.objects.count() == 0


def test_a_stale_check_page_from_before_starting_again_is_shown_again_not_sent(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club)

    response = send(client, people.day_club, str(uuid.uuid4()))

    assert response.status_code == 302 and response.url == url("check", people.day_club)
    assert Referral.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_the_same_moment_make_one_referral(people, mailoutbox, deliver_queued_messages):
    ruth = signed_in(Client(), people.ruth)
    answer(ruth, people.day_club)
    key = draft(ruth, people.day_club)["submission_key"]
    twin = Client()
    twin.cookies = ruth.cookies  # the same browser, the button pressed twice
    together = threading.Barrier(2)
    responses = {}

    def press(name, client):
        def run():
            try:
                together.wait()
                responses[name] = send(client, people.day_club, key)
            finally:
                connection.close()

        return threading.Thread(target=run)

    threads = [press("first", ruth), press("second", twin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Referral.objects.count() == 1
    referral = Referral.objects.get()
    confirmation = reverse("referrals:confirmation", kwargs={"reference": referral.reference})
    assert [responses["first"].url, responses["second"].url] == [confirmation, confirmation]
    assert ReferralEvent.objects.filter(referral=referral).count() == 1
    assert deliver_queued_messages() == 1 and len(mailoutbox) == 1


def test_when_the_listing_stops_meanwhile_the_check_page_says_so_and_keeps_the_answers(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club)
    Enterprise.objects.filter(pk=people.lunch_club.pk).update(status=Enterprise.Status.SUSPENDED)

    response = send(client, people.day_club)

    assert response.status_code == 409
    page = html(response)
    assert "govuk-error-summary" in page and "Thursday Day Club is no longer listed" in page
    assert "Margaret Evans" in page and "Seeing her friends from church again" in page
    assert Referral.objects.count() == 0 and draft(client, people.day_club) is not None
    assert client.get(url("check", people.day_club)).status_code == 404  # only sending it is explained


# Consent -------------------------------------------------------------------------------------------------------------


def test_the_consent_question_names_the_provider_and_offers_no_not_yet_after_a_divider(client, people):
    signed_in(client, people.ruth)
    start(client, people.day_club)

    page = html(client.get(url("consent", people.day_club)))

    assert "Has the person agreed to you sharing their details with Malvern Lunch Club?" in page
    assert "Yes – in person" in page and "Yes – on the phone" in page
    assert page.index("govuk-radios__divider") < page.index("No, not yet")


def test_no_consent_stops_at_a_page_that_says_what_to_do_and_saves_nothing(client, people):
    signed_in(client, people.ruth)
    start(client, people.day_club)

    response = client.post(url("consent", people.day_club), {"consent": "no"}, follow=True)

    assert response.redirect_chain[-1][0] == url("no_consent", people.day_club)
    page = html(response)
    assert "You need the person’s agreement first" in page
    assert "Mental Capacity Act" in page and "call 999" in page
    assert people.day_club.get_absolute_url() in page
    assert Referral.objects.count() == 0
    assert client.get(url("person", people.day_club)).url == url("consent", people.day_club)


def test_the_consent_question_names_the_person_once_known(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club)

    page = html(client.get(url("consent", people.day_club, change="1")))

    assert "Has Margaret Evans agreed to you sharing their details with Malvern Lunch Club?" in page
    assert 'value="phone" checked' in page


# Bad answers ---------------------------------------------------------------------------------------------------------


PERSON = ANSWERS["person"]
BAD_ANSWERS = [
    ("consent", {}, "Select whether the person has agreed to you sharing their details", None),
    ("person", {**PERSON, "person_name": ""}, "Enter the person’s full name", "01905 000111"),
    ("person", {**PERSON, "contact_method": ""}, "Select how the person would like the provider to contact them",
     "Margaret Evans"),
    ("person", {**PERSON, "phone": ""}, "Enter a phone number for the person", "Margaret Evans"),
    ("person", {**PERSON, "phone": "call me"}, "Enter a phone number, like 01632 960 001", "call me"),
    ("person", {**PERSON, "contact_method": "email", "email": ""}, "Enter an email address for the person",
     "Margaret Evans"),
    ("person", {**PERSON, "email": "margaret-at-home"}, "Enter an email address in the right format",
     "margaret-at-home"),
    ("person", {**PERSON, "contact_method": "letter", "address": ""}, "Enter a postal address for the person",
     "Margaret Evans"),
    ("person", {**PERSON, "date_of_birth_year": "2090"}, "Their date of birth must be in the past", "2090"),
    ("person", {**PERSON, "date_of_birth_year": ""}, "Their date of birth must include a year", "Margaret Evans"),
    ("person", {**PERSON, "date_of_birth_day": "99999999999999999999"}, "Their date of birth must be a real date",
     "99999999999999999999"),
    ("person", {**PERSON, "date_of_birth_year": "1899"},
     "Their date of birth must be between 1 January 1900 and 31 December 2100", "1899"),
    ("postcode", {"postcode": ""}, "Enter the person’s postcode", None),
    ("postcode", {"postcode": "banana"}, "Enter a real postcode, like WR1 2EY", "banana"),
    ("needs", {"what_matters": "", "support_wanted": "Lunch on Thursdays"}, "Enter what matters to the person",
     "Lunch on Thursdays"),
    ("needs", {"what_matters": "Company", "support_wanted": ""}, "Enter what support the person wants", "Company"),
    ("needs", {"what_matters": "x" * 2001, "support_wanted": "Lunch"},
     "What matters to them must be 2,000 characters or fewer", "Lunch"),
    ("safety", {"safety_notes": "y" * 2001}, "What the provider must know must be 2,000 characters or fewer", "yyyy"),
    ("urgency", {}, "Select how soon the person needs support", None),
    ("urgency", {"urgency": "yesterday"}, "Select a valid choice", None),
    ("funding", {}, "Select how the support will be paid for", None),
    ("funding", {"funding": "lottery"}, "Select a valid choice", None),
    ("phone", {"referrer_phone": ""}, "Enter your phone number", None),
    ("phone", {"referrer_phone": "ring me"}, "Enter a phone number, like 01632 960 001", "ring me"),
    ("phone", {"referrer_phone": "0" * 41}, "Your phone number must be 40 characters or fewer", "0" * 41),
]


@pytest.mark.parametrize(("page", "data", "message", "kept"), BAD_ANSWERS)
def test_a_bad_answer_is_explained_beside_the_field_keeping_what_was_typed(client, people, page, data, message, kept):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto=page)

    response = client.post(url(page, people.day_club), data)

    assert response.status_code == 200
    shown = html(response)
    assert "govuk-error-summary" in shown and shown.count(message) == 2  # in the summary and beside the field
    assert "<title>Error: " in shown
    if kept:
        assert kept in shown
    assert Referral.objects.count() == 0


def test_a_long_answer_is_never_cut_short_by_the_browser(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="needs")

    page = html(client.get(url("needs", people.day_club)))

    for name in ("what_matters", "support_wanted"):
        box = re.search(rf'<textarea[^>]*name="{name}"[^>]*>', page).group(0)
        assert "maxlength" not in box  # too long is told beside the box, with all of it kept


def test_the_postcode_is_kept_normalised_and_need_not_be_one_we_know(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="postcode")

    client.post(url("postcode", people.day_club), {"postcode": " sw1a1aa "})

    assert draft(client, people.day_club)["postcode"] == "SW1A 1AA"


def test_only_the_detail_for_the_chosen_way_of_contact_is_needed(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto="person")

    response = client.post(url("person", people.day_club), {"person_name": "Margaret Evans",
                                                            "contact_method": "referrer"})

    assert response.status_code == 302
    saved = draft(client, people.day_club)
    assert (saved["contact_method"], saved["phone"], saved["date_of_birth"]) == ("referrer", "", "")


# Skipping ahead, and changing an answer ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["consent", "person", "postcode", "needs", "safety", "urgency", "funding", "phone",
                                  "check"])
def test_with_no_referral_started_every_page_goes_back_to_the_start(client, people, page):
    signed_in(client, people.ruth)

    assert client.get(url(page, people.day_club)).url == url("start", people.day_club)


@pytest.mark.parametrize(("answered_up_to", "visiting"), [
    ("consent", "needs"), ("person", "urgency"), ("postcode", "check"), ("urgency", "check"), ("funding", "phone"),
    ("phone", "check"),
])
def test_skipping_ahead_goes_to_the_first_question_not_yet_answered(client, people, answered_up_to, visiting):
    signed_in(client, people.ruth)
    answer(client, people.day_club, upto=answered_up_to)

    assert client.get(url(visiting, people.day_club)).url == url(answered_up_to, people.day_club)
    assert client.post(url(visiting, people.day_club), {}).url == url(answered_up_to, people.day_club)


def test_check_your_answers_shows_them_all_with_a_change_link_each(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club)

    page = html(client.get(url("check", people.day_club)))

    for shown in ["Yes – on the phone", "Margaret Evans", "27 March 1948", "01905 000111", "margaret@example.org",
                  "4 Foregate Street<br>Worcester", "WR1 2EY", "Seeing her friends from church again",
                  "A weekly day club with lunch", "a friendly dog called Biscuit", "Within a week",
                  "Direct payment or personal budget", "01905 765432"]:
        assert shown in page
    for question in ["consent", "person", "postcode", "needs", "safety", "urgency", "funding", "phone"]:
        assert f'href="{url(question, people.day_club, change="1")}"' in page
    assert '<span class="govuk-visually-hidden"> their postcode</span>' in page
    assert f'name="submission_key" value="{draft(client, people.day_club)["submission_key"]}"' in page
    assert "Send referral" in page


def test_a_change_link_goes_back_to_check_your_answers_after_saving(client, people):
    signed_in(client, people.ruth)
    answer(client, people.day_club)
    change = url("postcode", people.day_club, change="1")

    shown = client.get(change)
    response = client.post(change, {"postcode": "WR9 8DS"})

    assert f'href="{url("check", people.day_club)}" class="govuk-back-link"' in html(shown)
    assert response.url == url("check", people.day_club)
    assert "WR9 8DS" in html(client.get(url("check", people.day_club)))
    assert sent_ok(send(client, people.day_club)).postcode == "WR9 8DS"


def test_changing_the_team_keeps_the_answers(client, people):
    people.other_team.members.add(people.ruth)
    signed_in(client, people.ruth)
    start(client, people.day_club, team=f"organisation:{people.team.pk}")
    for page, data in ANSWERS.items():
        client.post(url(page, people.day_club), data)

    response = client.post(url("start", people.day_club, change="1"), {"team": f"organisation:{people.other_team.pk}"})

    assert response.url == url("check", people.day_club)
    assert sent_ok(send(client, people.day_club)).organisation == people.other_team


# Who may refer -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", FLOW)
def test_the_public_is_asked_to_sign_in(client, people, page):
    response = client.get(url(page, people.day_club))

    assert response.status_code == 302 and response.url.startswith("/sign-in/?next=")


@pytest.mark.parametrize("page", FLOW)
def test_council_staff_may_not_refer(client, people, page):
    signed_in(client, people.stella)

    assert client.get(url(page, people.day_club)).status_code == 403


@pytest.mark.parametrize("page", FLOW)
def test_a_provider_whose_only_listing_is_a_draft_may_not_refer(client, people, page):
    newcomer = make_user("new@provider.example", name="Nia New")
    make_enterprise("Not Yet Listed", status=Enterprise.Status.DRAFT).members.add(newcomer)
    signed_in(client, newcomer)

    assert client.get(url(page, people.day_club)).status_code == 403
    assert client.post(url("start", people.day_club)).status_code == 403


@pytest.mark.parametrize("page", FLOW)
def test_a_service_the_public_cannot_see_is_not_found(client, people, page):
    hidden = make_service("Hidden club", enterprise=make_enterprise("Drafty", status=Enterprise.Status.DRAFT))
    signed_in(client, people.ruth)

    assert client.get(url(page, hidden)).status_code == 404
    if page != "no_consent":  # a page to read, not a form
        assert client.post(url(page, hidden)).status_code == 404


@pytest.mark.parametrize("page", ["start", "no_consent"])
def test_ruth_may_open_the_pages_that_need_no_answers(client, people, page):
    signed_in(client, people.ruth)

    assert client.get(url(page, people.day_club)).status_code == 200


def test_a_provider_of_a_published_listing_refers_for_their_enterprise(client, people):
    signed_in(client, people.jean)
    answer(client, people.sitting_service)

    referral = sent_ok(send(client, people.sitting_service))

    assert (referral.referring_enterprise, referral.organisation) == (people.lunch_club, None)
    assert referral.enterprise == people.sitters
    assert client.get(reverse("referrals:confirmation", kwargs={"reference": referral.reference})).status_code == 200


class TestConfirmationPermissions:
    def page(self, referral):
        return reverse("referrals:confirmation", kwargs={"reference": referral.reference})

    def test_a_colleague_in_the_same_team_may_see_it(self, client, people, referral):
        assert signed_in(client, people.colin).get(self.page(referral)).status_code == 200

    @pytest.mark.parametrize("who", ["owen", "jean", "sam", "stella", "hugo"])
    def test_anyone_else_is_told_it_is_not_found(self, client, people, referral, who):
        assert signed_in(client, getattr(people, who)).get(self.page(referral)).status_code == 404

    def test_the_public_is_asked_to_sign_in(self, client, referral):
        response = client.get(self.page(referral))

        assert response.status_code == 302 and response.url.startswith("/sign-in/?next=")


# "Refer someone" on the public pages ---------------------------------------------------------------------------------


def test_ruth_sees_refer_someone_on_the_service_page_and_each_result(client, people):
    signed_in(client, people.ruth)
    start_url = url("start", people.day_club)

    service_page = html(client.get(people.day_club.get_absolute_url()))
    results = html(client.get(reverse("search"), {"q": ""}))

    assert f'href="{start_url}"' in service_page and "Refer someone" in service_page
    hidden_name = '<span class="govuk-visually-hidden"> to Thursday Day Club</span>'
    assert f'href="{start_url}">Refer someone{hidden_name}' in results
    assert 'Refer someone<span class="govuk-visually-hidden"> to Evening Sitting</span>' in results


@pytest.mark.parametrize("who", [None, "stella"])
def test_the_public_and_staff_do_not_see_refer_someone(client, people, who):
    if who:
        signed_in(client, getattr(people, who))

    service_page = html(client.get(people.day_club.get_absolute_url()))
    results = html(client.get(reverse("search"), {"q": ""}))

    assert "Refer someone" not in service_page and "Refer someone" not in results


def test_a_referrers_results_page_runs_the_same_queries_for_5_or_20_results(client, people, settings):
    settings.RESULTS_PER_PAGE = 50
    signed_in(client, people.ruth)
    enterprise = make_enterprise("Many Clubs")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("search"), {"q": ""})
        assert response.status_code == 200
        return len(queries), html(response).count(">Refer someone<")

    for number in range(3):  # with the day club and the sitting service, 5 results
        make_service(f"Club {number}", enterprise=enterprise)
    few, few_links = count()
    for number in range(3, 18):
        make_service(f"Club {number}", enterprise=enterprise)
    many, many_links = count()

    assert (few_links, many_links) == (5, 20)
    assert few == many

