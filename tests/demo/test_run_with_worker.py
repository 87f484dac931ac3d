"""`make run` serves the site with the worker beside it (`manage.py run_with_worker`), and stopping it stops both:
Ctrl-C in the terminal, or SIGTERM from an IDE's stop button or a process manager."""

import os
import signal
import subprocess
import sys
import urllib.request

import psutil
import pytest
from django.conf import settings

from tests.mail_servers import free_port
from tests.queue_worker import database_url, wait_until


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_stopping_make_run_stops_the_server_and_the_worker(django_db_setup, tmp_path, stop_with):
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("w") as output:
        runner = subprocess.Popen(
            [sys.executable, "manage.py", "run_with_worker", f"127.0.0.1:{port}"], cwd=settings.BASE_DIR,
            env={**os.environ, "DATABASE_URL": database_url()}, stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            wait_until(lambda: answers(f"http://127.0.0.1:{port}/healthz"), what="the development server")
            wait_until(lambda: "Starting worker" in log.read_text(), what="the worker")
            children = psutil.Process(runner.pid).children(recursive=True)
            assert len(children) == 3  # the worker, and the server's reloader and server

            runner.send_signal(stop_with)

            assert runner.wait(timeout=20) == 0
            gone, alive = psutil.wait_procs(children, timeout=5)
            assert alive == [], log.read_text()
            assert not answers(f"http://127.0.0.1:{port}/healthz")
            assert "Stopped worker" in log.read_text()
        finally:
            if runner.poll() is None:
                runner.kill()
