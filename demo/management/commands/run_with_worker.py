"""manage.py run_with_worker: what `make run` serves, the development server and the worker that sends the emails
(core/notifications.py) side by side. Development only; docs/deployment.md says how production runs workers.

Ctrl-C or SIGTERM stops both, each as it would stop on its own (the worker finishes the message it is sending), and
when either stops by itself the other is stopped too. Each runs in its own process group, so that a signal reaches
all of it (the development server is two processes: its reloader and the server) and nothing else.
"""

import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_WITHIN = 15  # seconds a child has to stop before it is killed


class Command(BaseCommand):
    help = "Run the development server and the queue's worker together; Ctrl-C or SIGTERM stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        children = {
            "worker": subprocess.Popen([*manage, "procrastinate", "worker"], start_new_session=True),
            "server": subprocess.Popen([*manage, "runserver", addrport], start_new_session=True),
        }
        while not stop.is_set() and all(child.poll() is None for child in children.values()):
            stop.wait(0.5)
        for child in children.values():
            _signal(child, signal.SIGINT)  # what Ctrl-C would have sent them
        for name, child in children.items():
            try:
                child.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} did not stop within {STOP_WITHIN} s: killed.")
                _signal(child, signal.SIGKILL)
                child.wait()


def _signal(child: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:  # it has already gone
        pass
