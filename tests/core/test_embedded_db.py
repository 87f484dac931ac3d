"""The embedded PostgreSQL survives being stopped: `manage.py runserver`, as `make run` starts it, stopped with
SIGTERM (an IDE's stop button, `kill`, a process manager) at random moments, starts again every time, and so it does
after the list of processes using the server was left empty or half written (config/embedded_db.py).

Each test uses its own data directory (EMBEDDED_DATABASE_DIR), never the shared `.data`, and stops its server.
"""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from config.embedded_db import HANDLE_FILE

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Runserver:
    """`manage.py runserver` with its reloader, in a process group of its own, on a scratch database."""

    def __init__(self, data_dir: Path, log: Path):
        self.port = free_port()
        env = {**os.environ, "EMBEDDED_DATABASE_DIR": str(data_dir), "DJANGO_ENV": "development",
               "PYTHONUNBUFFERED": "1"}
        env.pop("DATABASE_URL", None)
        self.log = log
        with log.open("a") as out:
            out.write(f"\n--- runserver on port {self.port}\n")
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def health(self, timeout: float = 90) -> dict:
        """/healthz's answer once the server answers (503 is fine: the scratch database has no migrations)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"runserver exited with {self.process.returncode}:\n{self.log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as error:
                return json.loads(error.read())
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        pytest.fail(f"runserver did not answer within {timeout} s:\n{self.log.read_text()[-4000:]}")

    def processes(self) -> list[psutil.Process]:
        try:
            parent = psutil.Process(self.process.pid)
            return [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def sigterm(self, *, whole_group: bool) -> None:
        """SIGTERM to the reloader and the server together (an IDE, a process manager) or to the reloader alone
        (`kill PID`), then wait for every process of it to end."""
        processes = self.processes()
        try:
            if whole_group:
                os.killpg(self.process.pid, signal.SIGTERM)
            else:
                self.process.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=60)
        gone, alive = psutil.wait_procs(processes, timeout=60)
        assert alive == [], f"still running after SIGTERM: {alive}"

    def kill(self) -> None:
        for process in self.processes():
            process.kill()
        self.process.wait(timeout=30)


def stop_postgres(pgdata: Path) -> None:
    """Stop a server left running on the scratch data (one whose last user was killed, not stopped)."""
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "postgres" and str(pgdata) in " ".join(process.info["cmdline"] or []):
            process.terminate()
    time.sleep(1)


@pytest.fixture
def scratch(tmp_path):
    data_dir = tmp_path / "data"
    yield data_dir
    stop_postgres(data_dir / "postgres")


def handle_pids(data_dir: Path) -> list:
    return json.loads((data_dir / "postgres" / HANDLE_FILE).read_text())


def test_runserver_stopped_with_sigterm_at_random_moments_starts_again_every_time(scratch, tmp_path):
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    log = tmp_path / "runserver.log"
    first = Runserver(scratch, log)
    assert first.health()["database"] == "ok"  # made the scratch database
    first.sigterm(whole_group=True)

    for number in range(ROUNDS):
        server = Runserver(scratch, log)
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0, 3))  # while it is starting: settings, the database, the reloader, the checks
        else:
            assert server.health()["database"] == "ok"
            time.sleep(rng.uniform(0, 0.5))
        server.sigterm(whole_group=rng.random() < 0.7)
        assert isinstance(handle_pids(scratch), list), f"round {number}, seed {seed}"

    last = Runserver(scratch, log)
    try:
        assert last.health()["database"] == "ok", f"seed {seed}"
    finally:
        last.sigterm(whole_group=True)


@pytest.mark.parametrize("left_behind", ["", "[12345, ", "{}", '["x"]', "\x00\x00"])
def test_a_handle_file_left_empty_or_half_written_does_not_stop_the_next_start(scratch, tmp_path, left_behind):
    log = tmp_path / "runserver.log"
    first = Runserver(scratch, log)
    assert first.health()["database"] == "ok"
    first.sigterm(whole_group=True)
    (scratch / "postgres" / HANDLE_FILE).write_text(left_behind)

    server = Runserver(scratch, log)
    try:
        assert server.health()["database"] == "ok"
        assert isinstance(handle_pids(scratch), list)
    finally:
        server.sigterm(whole_group=True)
    assert "could not be read" in log.read_text()
