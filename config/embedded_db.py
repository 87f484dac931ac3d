"""The embedded PostgreSQL (pgserver) used whenever DATABASE_URL is unset.

The server keeps its data in `.data/postgres` and is started by the first process that needs it;
pgserver stops it again when the last process using it exits.
"""

from pathlib import Path

DATABASE_NAME = "directory"


def embedded_database(data_dir: Path) -> dict:
    import logging
    import warnings

    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    import pgserver

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
