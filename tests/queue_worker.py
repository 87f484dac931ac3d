"""The worker's work, done in the test's own process (`deliver_queued`, which the `deliver_queued_messages` fixture
gives), or the real worker (`manage.py procrastinate worker`), run as its own process against the test database as
production runs it, for tests whose database is committed (`transactional_db`)."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from core import notifications
from core.models import OutgoingMessage


def deliver_queued(after: int = 0) -> int:
    """Send each queued message (those queued after the message `after`, if given) with the worker's own `deliver`:
    to `mail.outbox` in tests. Returns how many it sent."""
    waiting = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.QUEUED, pk__gt=after).order_by("pk")
    ids = list(waiting.values_list("pk", flat=True))
    for message_id in ids:
        notifications.deliver(message_id)
    return len(ids)


def database_url() -> str:
    """The test database, as DATABASE_URL: the embedded server's socket directory is the host."""
    database = connection.settings_dict
    host = quote(str(database["HOST"]), safe="")
    port = f":{database['PORT']}" if database.get("PORT") else ""
    password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
    return f"postgres://{quote(database['USER'])}{password}@{host}{port}/{database['NAME']}"


def forget_jobs() -> None:
    """The job tables are procrastinate's, not Django models', so flushing the database after a test leaves them."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
                       "procrastinate_workers CASCADE")


@contextmanager
def running_worker(log: Path, *, smtp_port: int, name: str = "worker", **environment):
    """A worker sending by SMTP to 127.0.0.1:smtp_port, giving up on a silent server after 1 s and trying again 1 s
    after a first failure; its output goes to `log`. Stopped with SIGTERM, as a process manager stops it."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "1",
        "MESSAGE_RETRY_FIRST_SECONDS": "1",
        **{key: str(value) for key, value in environment.items()},
    }
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker", "--name", name,
             "--fetch-job-polling-interval", "0.3"],
            cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            yield worker
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def wait_until(condition, *, timeout: float = 30, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"waited {timeout} s for {what}")
