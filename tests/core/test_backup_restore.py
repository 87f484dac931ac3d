"""manage.py backup_check: a pg_dump of the test database restores into a scratch database with the same rows.

It runs the real pg_dump and pg_restore (pgserver's, or PATH's with DATABASE_URL) against this run's test database;
the rows must be committed for pg_dump to see them, hence transaction=True. A second or two.
"""

from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from core.management.commands.backup_check import Command, _connection_settings
from tests.factories import make_enterprise, make_postcode, make_service


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_the_same_rows_and_indexes(tmp_path):
    make_service("Thursday day club", enterprise=make_enterprise("Malvern Hills Lunch Club"))
    make_postcode("WR14 4AA", 377500, 245800)
    out = StringIO()

    call_command("backup_check", dump=str(tmp_path / "backup.dump"), stdout=out)

    report = out.getvalue()
    assert "OK:" in report, report
    assert "enterprises_service " in report and "enterprises_postcode " in report
    assert (tmp_path / "backup.dump").stat().st_size > 0
    database = connections["default"].settings_dict
    conninfo, password = _connection_settings(database)
    with psycopg.connect(conninfo, password=password or None) as check:
        scratch = f"{database['NAME']}_restore_check"
        assert check.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [scratch]).fetchone()[0] == 0


def test_a_difference_is_reported_and_fails():
    command = Command(stdout=StringIO())

    with pytest.raises(CommandError) as failure:
        command._compare(
            {"enterprises_service": 3, "enterprises_postcode": 10},
            {"enterprises_service": 2, "enterprises_postcode": 10},
            {"public.service_search_idx", "public.enterprises_service_pkey"},
            {"public.enterprises_service_pkey"},
        )

    assert "enterprises_service: 3 in the database, 2 restored" in str(failure.value)
    assert "index public.service_search_idx is missing" in str(failure.value)
    assert "differs" in command.stdout.getvalue()
