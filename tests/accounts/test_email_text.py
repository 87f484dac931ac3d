"""The emails' text (templates/accounts/*.txt) reads as it was typed: a plain-text email shows "Tom & Jerry's" as
such, where a page's HTML escapes it. Each email is rendered with what accounts/services.py and the password reset
give it, whatever then sends it."""

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.services import confirmation_path, start_provider_sign_up
from enterprises.models import Invitation, Organisation
from tests.factories import make_council, make_enterprise, make_user

NAME = "Tom & Jerry's <Lunch> \"Club\""
SITE_NAME = "Find & Connect"
ESCAPED = ["&amp;", "&#39;", "&#x27;", "&lt;", "&gt;", "&quot;", "&#34;"]


def escaped_in(text: str) -> list[str]:
    return [entity for entity in ESCAPED if entity in text]


@pytest.mark.django_db
def test_the_email_to_confirm_a_sign_up_names_the_enterprise_as_typed():
    enterprise = make_enterprise(NAME)

    body = render_to_string("accounts/sign_up_confirm_email.txt", {
        "SITE_NAME": SITE_NAME, "enterprise": enterprise, "link": "https://example.org/confirm/?a=1&b=2", "days": 3,
    })

    assert body.startswith(f"Thank you for listing {NAME} on {SITE_NAME}.\n\n")
    assert "https://example.org/confirm/?a=1&b=2" in body and not escaped_in(body)


@pytest.mark.django_db
def test_an_invitation_names_the_inviter_and_the_team_as_typed():
    council = make_council("Worcestershire County Council")
    team = Organisation.objects.create(council=council, name="Adult Social Care & Health – O'Neill's team")
    now = timezone.now()
    invitation = Invitation.objects.create(
        email="nia@example.org", role=Invitation.Role.REFERRER, council=council, organisation=team, token="t",
        invited_by=make_user("sam@example.org", name="Sam O'Brien"), created_at=now, expires_at=now,
    )

    body = render_to_string("accounts/invitation_email.txt", {
        "SITE_NAME": SITE_NAME, "invitation": invitation, "inviter": "Sam O'Brien & co", "link": "https://x.test/i/",
    })

    assert body.startswith(
        "Sam O'Brien & co has invited you to refer people to services as part of Adult Social Care & Health – "
        f"O'Neill's team on {SITE_NAME}."
    )
    assert not escaped_in(body)


def test_the_password_reset_subject_and_email_read_as_typed():
    context = {"SITE_NAME": SITE_NAME, "protocol": "https", "domain": "tom&jerry.test", "uid": "MQ", "token": "a-b"}

    subject = render_to_string("accounts/password_reset_subject.txt", context)
    body = render_to_string("accounts/password_reset_email.txt", context)

    assert subject.strip() == f"Reset your password for {SITE_NAME}"
    assert "https://tom&jerry.test/reset/MQ/a-b/" in body and not escaped_in(subject + body)


def test_the_email_to_someone_who_already_has_an_account_keeps_its_quotes():
    body = render_to_string("accounts/sign_up_account_exists_email.txt", {
        "SITE_NAME": SITE_NAME, "sign_in": "https://x.test/sign-in/", "reset": "https://x.test/password-reset/",
    })

    assert f"tried to list an enterprise on {SITE_NAME} with this email address" in body
    assert 'choose "List your enterprise"' in body and not escaped_in(body)


@pytest.mark.django_db
def test_a_page_still_escapes_what_an_email_shows_as_typed(client):
    """The confirmation page names the same enterprise as its email: in HTML, escaped."""
    council = make_council("Worcestershire County Council")
    start_provider_sign_up(name="Tom", email="tom@example.org", password="correct horse battery",
                           enterprise_name=NAME, council=council, summary="Lunch.")

    page = client.get(confirmation_path(get_user_model().objects.get())).content.decode()

    assert "Tom &amp; Jerry&#39;s &lt;Lunch&gt; &#34;Club&#34;" in page and NAME not in page
