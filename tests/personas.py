"""The cast the tests share (`people`), and a day club that takes referrals; registered for every test by
tests/conftest.py.

- Ruth, a social worker in the Wyre Forest team, and her colleague Colin in the same team;
- Owen, a village agent in another organisation (he must not see the team's referrals);
- Jean, who runs Malvern Lunch Club, the provider the referral goes to;
- Sam, who runs Severn Sitters, another provider (he must not see Jean's referrals);
- Stella, council staff of the same council, and Hugo, staff of another council;
- a member of the public, signed in to nothing.
"""

from dataclasses import dataclass

import pytest

from enterprises.models import Organisation, StaffMembership
from tests.factories import make_council, make_enterprise, make_postcode, make_referral, make_service, make_user


def fast_passwords(settings) -> None:
    """Argon2 is slow by design: tests that make many people and never time a password use this."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class People:
    ruth: object  # referrer
    colin: object  # referrer, same team as Ruth
    owen: object  # referrer, another organisation
    jean: object  # provider the referrals go to
    sam: object  # provider of another enterprise
    stella: object  # council staff, same council
    hugo: object  # council staff, another council
    team: Organisation
    other_team: Organisation
    lunch_club: object  # Jean's enterprise
    day_club: object  # its published service
    sitters: object  # Sam's enterprise
    sitting_service: object  # its published service


@pytest.fixture
def people(db) -> People:
    council, elsewhere = make_council(), make_council("Herefordshire Council")
    worcester = make_postcode("WR1 2EY", 385000, 255000)
    ruth = make_user("ruth@worcestershire.example", name="Ruth Jones")
    colin = make_user("colin@worcestershire.example", name="Colin Brown")
    owen = make_user("owen@villageagents.example", name="Owen Price")
    team = Organisation.objects.create(council=council, name="Adult Social Care – Wyre Forest team")
    team.members.add(ruth, colin)
    other_team = Organisation.objects.create(council=council, name="Village Agents")
    other_team.members.add(owen)
    jean = make_user("jean@lunchclub.example", name="Jean Smith")
    lunch_club = make_enterprise("Malvern Lunch Club", council=council)
    lunch_club.members.add(jean)
    day_club = make_service("Thursday Day Club", enterprise=lunch_club, venue=worcester)
    sam = make_user("sam@sitters.example", name="Sam Green")
    sitters = make_enterprise("Severn Sitters", council=council)
    sitters.members.add(sam)
    sitting_service = make_service("Evening Sitting", enterprise=sitters, venue=worcester)
    stella = make_user("stella@worcestershire.example", name="Stella Officer")
    StaffMembership.objects.create(user=stella, council=council)
    hugo = make_user("hugo@herefordshire.example", name="Hugo Officer")
    StaffMembership.objects.create(user=hugo, council=elsewhere)
    return People(ruth, colin, owen, jean, sam, stella, hugo, team, other_team, lunch_club, day_club, sitters,
                  sitting_service)


@pytest.fixture
def referral(people):
    """Ruth's referral of Margaret Evans to the Thursday Day Club, waiting for Jean's answer."""
    return make_referral(service=people.day_club, referrer=people.ruth)
