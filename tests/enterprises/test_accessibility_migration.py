"""Migration 0011: a service's accessibility answers become yes, no or not known. A ticked box (True) stays a yes;
an unticked one (False), which meant "no" and "nobody said" alike, becomes not known, in the services and in the
copies of them that revisions hold. Going back, not known becomes False again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from enterprises.models import Revision, Service
from tests.factories import make_enterprise

BEFORE = [("enterprises", "0010_council_safeguarding_contacts")]
AFTER = [("enterprises", "0011_accessibility_answers_and_withdrawn_changes")]


def migrated_to(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.fixture
def before(transactional_db):
    executor = migrated_to(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    migrated_to(executor.loader.graph.leaf_nodes())  # whatever happened, the next test has every table


def test_a_ticked_box_stays_yes_and_an_unticked_one_becomes_not_known(before):
    listing = make_enterprise("Droitwich Dance Club")  # the enterprise table is the same before and after
    OldService, OldRevision = before.get_model("enterprises", "Service"), before.get_model("enterprises", "Revision")
    service = OldService.objects.create(enterprise_id=listing.pk, name="Tea dance", step_free_access=True,
                                        hearing_loop=False, accessible_toilet=False)
    answers = {"step_free_access": False, "hearing_loop": True, "accessible_toilet": False, "name": "Tea dance"}
    revision = OldRevision.objects.create(enterprise_id=listing.pk, data={
        "enterprise": {}, "services": {str(service.pk): dict(answers), "new-1": {"name": "Disco"}}, "removed": [],
    })

    migrated_to(AFTER)

    service = Service.objects.get(pk=service.pk)
    assert (service.step_free_access, service.hearing_loop, service.accessible_toilet) == (True, None, None)
    proposed = Revision.objects.get(pk=revision.pk).data["services"]
    assert proposed[str(service.pk)] == {**answers, "step_free_access": None, "accessible_toilet": None}
    assert proposed["new-1"] == {"name": "Disco"}

    back = migrated_to(BEFORE).loader.project_state(BEFORE).apps

    service = back.get_model("enterprises", "Service").objects.get(pk=service.pk)
    assert (service.step_free_access, service.hearing_loop, service.accessible_toilet) == (True, False, False)
    assert back.get_model("enterprises", "Revision").objects.get(pk=revision.pk).data["services"][
        str(service.pk)] == answers
