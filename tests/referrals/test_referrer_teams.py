"""Who may join a referrer team, and so see its referrals' personal details (docs/adr/0009).

The security review's attack: Stella (council staff) invites her own email into Ruth's team, accepts while signed in,
and opens the team's referrals. Council staff may start a team and invite its first member; joining a team that has
members needs someone in it; one account never holds the staff role and a referrer role at once.
"""

import re

import pytest
from django.test import Client

from accounts import services as accounts
from enterprises.models import Invitation, Organisation, StaffMembership

PASSWORD = "correct horse battery"


def html(response) -> str:
    return response.content.decode()


def invite_as_staff(client, **fields):
    return client.post("/invitations/new/", {"role": "referrer", **fields})


def link_in(mail) -> str:
    return re.search(r"https?://[^\s/]+(/invitations/[^\s/]+/)", mail.body).group(1)


def create_account(path):
    client = Client()
    client.post(path, {"name": "Nia New", "password": PASSWORD, "password_confirm": PASSWORD})
    return client


class TestStaffCannotGiveThemselvesReferrals:
    def test_staff_cannot_invite_their_own_email_into_a_team(self, client, people, referral):
        client.force_login(people.stella)

        page = html(invite_as_staff(client, email=people.stella.email,
                                    organisation="adult social care – WYRE forest team"))

        assert "Council staff cannot also be referrers" in page
        assert not Invitation.objects.exists()

    def test_staff_cannot_add_anyone_to_a_team_that_has_members(self, client, people, referral):
        client.force_login(people.stella)

        page = html(invite_as_staff(client, email="outsider@example.org", organisation=people.team.name.upper()))

        assert f"{people.team.name} already has members. Ask one of them to invite their colleague" in page
        assert 'value="outsider@example.org"' in page  # what was typed is kept
        assert not Invitation.objects.exists()

    def test_an_invitation_into_the_team_cannot_be_accepted_by_staff(self, client, people, referral):
        """Even an invitation a team member sent to the staff member's address does not make staff a referrer."""
        invitation = accounts.invite_to_team(organisation=people.team, by=people.ruth, email=people.stella.email)
        client.force_login(people.stella)

        page = html(client.post(f"/invitations/{invitation.token}/"))

        assert "Council staff cannot also be referrers" in page
        assert not people.stella.organisations.exists()
        response = client.get(f"/referrals/{referral.reference}/")
        assert response.status_code == 403 and referral.person_name not in html(response)
        assert referral.person_name not in html(client.get("/council/referrals/"))

    def test_an_account_that_holds_both_roles_still_cannot_open_team_referrals(self, client, people, referral):
        people.team.members.add(people.stella)  # as an account might, from before the rule
        client.force_login(people.stella)

        response = client.get(f"/referrals/{referral.reference}/")
        assert response.status_code == 403 and referral.person_name not in html(response)
        assert client.get("/referrals/").status_code == 403

    def test_a_referrer_cannot_become_council_staff(self, client, people):
        invitation = accounts.invite(council=people.team.council, by=people.stella, email=people.ruth.email,
                                     role="staff")
        client.force_login(people.ruth)

        page = html(client.post(f"/invitations/{invitation.token}/"))

        assert "a referrer cannot also be council staff" in page
        assert not StaffMembership.objects.filter(user=people.ruth).exists()


class TestStaffStartATeam:
    def test_staff_invite_the_first_member_of_a_new_team_who_then_refers(self, client, people, mailoutbox,
                                                                         django_capture_on_commit_callbacks):
        client.force_login(people.stella)

        with django_capture_on_commit_callbacks(execute=True):
            response = invite_as_staff(client, email="nia@carersfirst.example", organisation="Carers First")
        member = create_account(link_in(mailoutbox[0]))

        assert response.status_code == 302
        team = Organisation.objects.get(name="Carers First")
        assert list(team.members.values_list("email", flat=True)) == ["nia@carersfirst.example"]
        assert member.get("/referrals/").status_code == 200

    def test_a_second_staff_invitation_to_a_team_that_has_since_gained_a_member_is_refused(self, people,
                                                                                           mailoutbox):
        first = accounts.invite(council=people.team.council, by=people.stella, email="nia@carersfirst.example",
                                role="referrer", organisation_name="Carers First")
        second = accounts.invite(council=people.team.council, by=people.stella, email="ola@example.org",
                                 role="referrer", organisation_name="Carers First")
        create_account(f"/invitations/{first.token}/")

        page = html(Client().post(f"/invitations/{second.token}/",
                                  {"name": "Ola", "password": PASSWORD, "password_confirm": PASSWORD}))

        assert "Carers First has members now, and this invitation came from someone outside it" in page
        assert list(Organisation.objects.get(name="Carers First").members.values_list("email", flat=True)) == [
            "nia@carersfirst.example"
        ]

    def test_inviting_staff_of_another_council_does_not_name_it(self, client, people):
        client.force_login(people.stella)

        response = client.post("/invitations/new/", {"email": people.hugo.email, "role": "staff"})

        assert response.status_code == 302
        assert "Herefordshire" not in html(client.get(response.url))


class TestATeamInvitesItsColleagues:
    def test_a_referrer_invites_a_colleague_who_then_sees_the_team_referrals(
        self, client, people, referral, mailoutbox, django_capture_on_commit_callbacks
    ):
        client.force_login(people.ruth)
        assert "Invite a colleague to your team" in html(client.get("/referrals/"))

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/invitations/team/", {"email": "Dee@Worcestershire.example",
                                                          "team": people.team.pk})
        colleague = create_account(link_in(mailoutbox[0]))

        assert response.status_code == 302
        assert people.team.name in mailoutbox[0].body
        assert people.team.members.filter(email="dee@worcestershire.example").exists()
        assert referral.person_name in html(colleague.get(f"/referrals/{referral.reference}/"))

    def test_a_referrer_cannot_invite_into_another_team(self, client, people):
        client.force_login(people.ruth)

        page = html(client.post("/invitations/team/", {"email": "x@example.org", "team": people.other_team.pk}))

        assert "Choose one of your teams" in page
        assert not Invitation.objects.exists()

    def test_someone_already_in_the_team_is_not_invited_again(self, client, people):
        client.force_login(people.ruth)

        page = html(client.post("/invitations/team/", {"email": people.colin.email, "team": people.team.pk}))

        assert f"{people.colin.email} is already in {people.team.name}" in page

    @pytest.mark.parametrize("who", ["stella", "jean", "public"])
    def test_only_referrers_may_invite_colleagues(self, client, people, who):
        if who != "public":
            client.force_login(getattr(people, who))

        response = client.get("/invitations/team/")

        assert response.status_code == (302 if who == "public" else 403)
        assert client.post("/invitations/team/", {"email": "x@example.org", "team": people.team.pk}).status_code in {
            302 if who == "public" else 403
        }
        assert not Invitation.objects.exists()

    def test_an_invitation_from_someone_who_has_left_the_team_is_refused(self, people):
        invitation = accounts.invite_to_team(organisation=people.team, by=people.colin, email="dee@example.org")
        people.team.members.remove(people.colin)

        page = html(Client().post(f"/invitations/{invitation.token}/",
                                  {"name": "Dee", "password": PASSWORD, "password_confirm": PASSWORD}))

        assert "Ask someone in the team to invite you" in page
        assert not people.team.members.filter(email="dee@example.org").exists()
