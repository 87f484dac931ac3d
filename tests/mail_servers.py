"""Mail servers on this machine for the tests, in the three moods a real one has: refusing connections (nothing
listens on the port), accepting them and then saying nothing, and working (aiosmtpd, which records what it receives).
"""

import email
import socket
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HangingServer:
    """Accepts connections (the kernel completes them) and never sends the greeting an SMTP client waits for."""

    def __init__(self, port: int):
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", port))
        self.socket.listen(64)

    def close(self) -> None:
        self.socket.close()


@dataclass
class Received:
    to: list[str]
    subject: str
    body: str


@dataclass
class _Recorder:
    delay: float = 0.0
    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # a slow server: holds this connection (the sender waits for its answer)
        message = email.message_from_bytes(envelope.content)
        self.received.append(Received(list(envelope.rcpt_tos), message["Subject"], message.get_payload()))
        return "250 OK"


class WorkingServer:
    """A real SMTP server (aiosmtpd) on `port`; `received` is every message it has accepted, in order. It takes
    `delay` seconds over each, and refuses the addresses in `refuse` for good (550)."""

    def __init__(self, port: int, *, delay: float = 0.0, refuse: set[str] = frozenset()):
        self._recorder = _Recorder(delay=delay, refuse=set(refuse))
        self._controller = Controller(self._recorder, hostname="127.0.0.1", port=port)
        self._controller.start()

    @property
    def received(self) -> list[Received]:
        return list(self._recorder.received)

    def close(self) -> None:
        self._controller.stop()
