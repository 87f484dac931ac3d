"""manage.py backup_check: prove a backup restores. pg_dump the database (custom format), pg_restore it into a fresh
scratch database on the same server, and compare every table's row count and the indexes between the two.

Works with the embedded PostgreSQL (pgserver's own pg_dump and pg_restore) and with any DATABASE_URL (pg_dump and
pg_restore from PATH, or --bin). The row counts of the database are taken in the very snapshot pg_dump copies
(`pg_export_snapshot`), so the check is exact even while the site is being used. See docs/deployment.md.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg import sql
from psycopg.conninfo import make_conninfo

# Connection OPTIONS that are libpq keywords, so pg_dump and pg_restore get them too (sslmode and friends).
LIBPQ_OPTIONS = {
    "sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "sslcrl", "connect_timeout", "options",
    "application_name", "target_session_attrs", "service", "passfile", "gssencmode", "channel_binding",
}

TABLES = """
    SELECT schemaname, tablename FROM pg_tables
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY schemaname, tablename
"""
INDEXES = """
    SELECT schemaname || '.' || indexname FROM pg_indexes
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
"""


def _size(number_of_bytes: int) -> str:
    size = float(number_of_bytes)
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} TB"


def _number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _connection_settings(database: dict, dbname: str | None = None) -> tuple[str, str]:
    """A libpq conninfo (without the password) and the password, from one of Django's DATABASES entries."""
    params = {
        "dbname": dbname or database["NAME"],
        "user": database.get("USER") or None,
        "host": database.get("HOST") or None,
        "port": str(database["PORT"]) if database.get("PORT") else None,
    }
    params.update({key: str(value) for key, value in database.get("OPTIONS", {}).items() if key in LIBPQ_OPTIONS})
    return make_conninfo(**{key: value for key, value in params.items() if value}), database.get("PASSWORD") or ""


def _counts(connection) -> dict[str, int]:
    counts = {}
    for schema, table in connection.execute(TABLES).fetchall():
        name = table if schema == "public" else f"{schema}.{table}"
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        counts[name] = connection.execute(query).fetchone()[0]
    return counts


def _indexes(connection) -> set[str]:
    return {row[0] for row in connection.execute(INDEXES).fetchall()}


class Command(BaseCommand):
    help = (
        "Back up the database with pg_dump (custom format), restore the backup into a fresh scratch database with "
        "pg_restore, and compare the row count of every table and the list of indexes. Prints OK, or the "
        "differences (and exits with status 1). The scratch database is dropped afterwards; the backup file is kept "
        "only if --dump names it. Needs the right to create databases on the server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dump", metavar="PATH", help="Write the backup here and keep it (default: a temporary "
                            "file, deleted after the check).")
        parser.add_argument("--bin", metavar="DIR", help="Where pg_dump and pg_restore are (default: pgserver's for "
                            "the embedded database; otherwise the first of PATH's and pgserver's that is as new as the "
                            "server).")
        parser.add_argument("--jobs", type=int, default=2, help="Parallel jobs for pg_restore (default 2).")
        parser.add_argument("--keep-restored", action="store_true", help="Keep the scratch database to look at.")

    def handle(self, *args, **options):
        database = connections["default"].settings_dict
        conninfo, password = _connection_settings(database)
        env = {**os.environ, "PGPASSWORD": password} if password else dict(os.environ)
        scratch = f"{database['NAME']}_restore_check"[:63]

        with psycopg.connect(conninfo, password=password or None, autocommit=True) as admin:
            pg_dump, pg_restore = self._binaries(options["bin"], server_major=admin.info.server_version // 10000)
            source_size = admin.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            self.stdout.write(
                f"Backup and restore check of database {database['NAME']!r} on "
                f"{database.get('HOST') or 'localhost'} (PostgreSQL {admin.info.parameter_status('server_version')})"
            )
            self.stdout.write(f"Tools: {pg_dump} and pg_restore ({self._version(pg_dump)})")
            self.stdout.write(f"Database size: {_size(source_size)}")
            self._drop(admin, scratch)

            keep_dump = bool(options["dump"])
            if keep_dump:
                dump = Path(options["dump"])
            else:
                handle, name = tempfile.mkstemp(prefix="directory-", suffix=".dump")
                os.close(handle)
                dump = Path(name)
            try:
                source_counts, source_indexes = self._dump(conninfo, password, pg_dump, dump, env)
                admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(scratch)))
                try:
                    restored_counts, restored_indexes, restored_size = self._restore(
                        database, pg_restore, dump, scratch, env, options["jobs"]
                    )
                finally:
                    if not options["keep_restored"]:
                        self._drop(admin, scratch)
            finally:
                if not keep_dump:
                    dump.unlink(missing_ok=True)

        self.stdout.write(f"Restored database size: {_size(restored_size)}")
        if options["keep_restored"]:
            self.stdout.write(f"Kept the restored database {scratch!r}")
        if keep_dump:
            self.stdout.write(f"Kept the backup: {dump}")
        self._compare(source_counts, restored_counts, source_indexes, restored_indexes)

    # The steps ------------------------------------------------------------------------------------------------------

    def _dump(self, conninfo, password, pg_dump, dump, env):
        """pg_dump in a snapshot exported by a transaction that counts the rows in that same snapshot."""
        with psycopg.connect(conninfo, password=password or None) as source:
            source.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = source.execute("SELECT pg_export_snapshot()").fetchone()[0]
            started = time.monotonic()
            self._run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}",
                       f"--dbname={conninfo}"], env)
            seconds = time.monotonic() - started
            self.stdout.write(f"Dump: {_size(dump.stat().st_size)} in {seconds:.1f} s (pg_dump --format=custom)")
            started = time.monotonic()
            counts, indexes = _counts(source), _indexes(source)
            seconds = time.monotonic() - started
            self.stdout.write(f"Counted the database's rows in the dump's snapshot in {seconds:.1f} s")
        return counts, indexes

    def _restore(self, database, pg_restore, dump, scratch, env, jobs):
        conninfo, password = _connection_settings(database, dbname=scratch)
        started = time.monotonic()
        self._run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={max(jobs, 1)}",
                   f"--dbname={conninfo}", str(dump)], env)
        self.stdout.write(f"Restore into {scratch!r}: {time.monotonic() - started:.1f} s (pg_restore --jobs={jobs})")
        with psycopg.connect(conninfo, password=password or None, autocommit=True) as restored:
            size = restored.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            return _counts(restored), _indexes(restored), size

    def _compare(self, source, restored, source_indexes, restored_indexes):
        width = max(len(name) for name in source | restored)
        self.stdout.write(f"{'table'.ljust(width)}  {'database':>12}  {'restored':>12}")
        differences = []
        for name in sorted(source.keys() | restored.keys()):
            before, after = source.get(name), restored.get(name)
            mark = "" if before == after else "  <- differs"
            if mark:
                differences.append(f"{name}: {before} in the database, {after} restored")
            if before or after or mark:
                self.stdout.write(f"{name.ljust(width)}  {_number(before):>12}  {_number(after):>12}{mark}")
        empty = sum(1 for name in source if source[name] == 0 and restored.get(name) == 0)
        if empty:
            self.stdout.write(f"({empty} empty tables not shown)")
        for index in sorted(source_indexes - restored_indexes):
            differences.append(f"index {index} is missing from the restored database")
        for index in sorted(restored_indexes - source_indexes):
            differences.append(f"index {index} is only in the restored database")
        if differences:
            raise CommandError("Differences:\n" + "\n".join(f"  {line}" for line in differences))
        self.stdout.write(self.style.SUCCESS(
            f"OK: {len(source)} tables, {sum(source.values()):,} rows and {len(source_indexes)} indexes match"
        ))

    # Helpers --------------------------------------------------------------------------------------------------------

    def _binaries(self, directory: str | None, *, server_major: int) -> tuple[str, str]:
        if directory:
            candidates = [Path(directory)]
        else:
            import pgserver  # a dependency of the project: its PostgreSQL 16 client tools are always there

            bundled = Path(pgserver.__file__).parent / "pginstall" / "bin"
            embedded = not os.environ.get("DATABASE_URL")
            on_path = [Path(found).parent for found in [shutil.which("pg_dump")] if found]
            candidates = [bundled] if embedded else [*on_path, bundled]
        for folder in candidates:
            pg_dump, pg_restore = folder / "pg_dump", folder / "pg_restore"
            if pg_dump.exists() and pg_restore.exists() and self._major(str(pg_dump)) >= server_major:
                return str(pg_dump), str(pg_restore)
        raise CommandError(
            f"No pg_dump and pg_restore of PostgreSQL {server_major} or later in "
            f"{', '.join(map(str, candidates))}: pass --bin with the server's version of the client tools "
            f"(Debian: apt-get install postgresql-client-{server_major})"
        )

    def _version(self, binary: str) -> str:
        return subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout.strip()

    def _major(self, binary: str) -> int:
        found = re.search(r"(\d+)(?:\.\d+)?", self._version(binary).split(")")[-1])
        return int(found.group(1)) if found else 0

    def _run(self, command: list[str], env: dict) -> None:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise CommandError(f"{Path(command[0]).name} failed ({result.returncode}):\n{result.stderr.strip()}")

    def _drop(self, admin, name: str) -> None:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
