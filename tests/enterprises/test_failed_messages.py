"""Council staff see the emails about their council's listings, referrals and invitations that could not be sent:
a count on their home page, linking to a list of who each was to, what about, when, and why (never its words).
Messages that belong to no council (a password reset) are for superusers."""

import re

import pytest
from django.test import Client

from core import notifications
from core.models import OutgoingMessage
from core.notifications import MessageFailed, queue_email
from enterprises import listings
from tests.mail_servers import free_port

LIST = "/council/messages-not-sent/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def failed(people, settings):
    """Three emails the mail server never took, tried until MESSAGE_RETRY_HOURS (none here) had passed: one about
    Stella's council's listing, one for Hugo's council, and a password reset, which belongs to no council."""
    listings.suspend_listing(enterprise=people.lunch_club, by=people.stella, reason="A complaint about safety")
    queue_email("someone@herefordshire.example", "You are invited", "Use this link", kind="invitation",
                council_id=people.hugo.staff_membership.council_id)
    queue_email("forgetful@example.org", "Reset your password", "Use this link", kind="password_reset")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    settings.MESSAGE_RETRY_HOURS = 0
    for message in OutgoingMessage.objects.all():
        with pytest.raises(MessageFailed):
            notifications.deliver(message.pk)


def test_staff_see_how_many_could_not_be_sent_on_their_home_page(people, failed):
    home = text(signed_in(people.stella).get("/council/"))

    assert f'<a class="govuk-link" href="{LIST}">Messages that could not be sent (1)</a>' in home


def test_the_list_says_to_whom_about_what_when_and_why_but_never_what_it_said(people, failed):
    page = text(signed_in(people.stella).get(LIST))

    assert "1 message, newest first" in page
    assert "jean@lunchclub.example" in page and "Listing suspended (email)" in page
    assert "Connection refused" in page and "after 1 try" in page
    assert "A complaint about safety" not in page and "Your listing is suspended" not in page
    assert "someone@herefordshire.example" not in page and "forgetful@example.org" not in page


def test_staff_of_another_council_see_only_theirs(people, failed):
    page = text(signed_in(people.hugo).get(LIST))

    assert "someone@herefordshire.example" in page and "Invitation (email)" in page
    assert "jean@lunchclub.example" not in page and "forgetful@example.org" not in page


def test_a_superuser_on_the_staff_also_sees_the_messages_of_no_council(people, failed):
    people.stella.is_superuser = True
    people.stella.save()

    page = text(signed_in(people.stella).get(LIST))

    assert "forgetful@example.org" in page and "Password reset (email)" in page
    assert "jean@lunchclub.example" in page and "someone@herefordshire.example" not in page


@pytest.mark.parametrize("who", ["jean", "ruth"])
def test_nobody_but_council_staff_may_see_it(people, failed, who):
    assert signed_in(getattr(people, who)).get(LIST).status_code == 403
    response = Client().get(LIST)
    assert response.status_code == 302 and response.url.startswith("/sign-in/")


def test_when_everything_was_sent_it_says_so(people):
    page = text(signed_in(people.stella).get(LIST))

    assert "Every message has been sent, or is still being tried." in page
    assert "Messages that could not be sent (0)" in text(signed_in(people.stella).get("/council/"))
