"""The embedded PostgreSQL (pgserver) used whenever DATABASE_URL is unset.

The server keeps its data in `.data/postgres` and is started by the first process that needs it;
pgserver stops it again when the last process using it exits.

pgserver counts those processes in `postgres/.handle_pids.json`, which it rewrites in place (truncate, then write)
as each process starts and exits. A process stopped in between, as a SIGTERM to `manage.py runserver` and its
reloader together can do, left the file empty, and from then on every command failed to start with a JSON
traceback. `HandleList` replaces pgserver's list: it writes a new file and renames it over the old one, so the file
is always whole, and it reads an unreadable file as no processes (with a warning) instead of failing.
"""

import json
import logging
import os
import tempfile
from pathlib import Path

DATABASE_NAME = "directory"
HANDLE_FILE = ".handle_pids.json"

logger = logging.getLogger("config.embedded_db")


def _handle_list_class():
    from pgserver.utils import DiskList

    class HandleList(DiskList):
        """pgserver's list of the processes using the server, written atomically and read forgivingly."""

        def get(self) -> list[int]:
            try:
                values = json.loads(self.path.read_text())
            except FileNotFoundError:
                return []
            except (OSError, ValueError):
                values = None
            if not isinstance(values, list) or not all(isinstance(pid, int) for pid in values):
                logger.warning("%s could not be read (a process was stopped while writing it); starting it afresh",
                               self.path)
                return []
            return values

        def put(self, values: list[int]) -> None:
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f"{self.path.name}.")
            try:
                os.fchmod(fd, 0o644)  # as pgserver's own file was; mkstemp makes it 0600
                with os.fdopen(fd, "w") as file:
                    file.write(json.dumps(values))
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

    return HandleList


def embedded_database(data_dir: Path) -> dict:
    import warnings

    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    import pgserver
    import pgserver.postgres_server

    # pgserver makes its list of processes from this name when it makes the server's handle, below.
    pgserver.postgres_server.DiskList = _handle_list_class()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir / "postgres", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(server.pgdata),
    }
