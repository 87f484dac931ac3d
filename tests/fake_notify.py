"""GOV.UK Notify's API as far as the site uses it, served on this machine: the tests never reach the internet.

`fake_notify` (a fixture) starts it and points the settings at it with an API key of Notify's form. Like the real
service it checks the JSON Web Token in every request (HS256, signed with the key's secret, issued by the service id),
answers 201 with the notification it made, 400 for a phone number that is not a UK mobile or a missing field, and
403 for a bad token. `fail_with(status, message)` makes it answer the next requests with an error; `hang()` makes it
say nothing until the test ends.
"""

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

UK_MOBILE = re.compile(r"(?:\+44|0044|0)7\d{9}")


@dataclass
class NotifyRequest:
    path: str
    body: dict


@dataclass
class FakeNotify:
    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    requests: list[NotifyRequest] = field(default_factory=list)
    failure: tuple[int, str] | None = None
    released: threading.Event = field(default_factory=threading.Event)
    hanging: bool = False

    @property
    def api_key(self) -> str:
        return f"community_directory_tests-{self.service_id}-{self.secret}"

    def fail_with(self, status: int, message: str) -> None:
        self.failure = (status, message)

    def hang(self) -> None:
        self.hanging = True

    def answer(self, path: str, authorization: str, body: dict) -> tuple[int, dict]:
        try:
            claims = jwt.decode(authorization.removeprefix("Bearer "), self.secret, algorithms=["HS256"],
                                options={"require": ["iss", "iat"]})
        except jwt.PyJWTError:
            return _error(403, "AuthError", "Invalid token: signature")
        if claims["iss"] != self.service_id:
            return _error(403, "AuthError", "Invalid token: service not found")
        if self.hanging:
            self.released.wait(timeout=30)
        self.requests.append(NotifyRequest(path, body))
        if self.failure:
            return _error(self.failure[0], "BadRequestError", self.failure[1])
        recipient = {"/v2/notifications/email": "email_address", "/v2/notifications/sms": "phone_number"}.get(path)
        if recipient is None:
            return _error(404, "NotFound", "Not Found")
        for needed in (recipient, "template_id"):
            if not body.get(needed):
                return _error(400, "ValidationError", f"{needed} is a required property")
        if recipient == "phone_number" and not UK_MOBILE.fullmatch(re.sub(r"[\s()-]", "", body[recipient])):
            return _error(400, "ValidationError", "phone_number Not a UK mobile number")
        notification = str(uuid.uuid4())
        return 201, {
            "id": notification,
            "reference": body.get("reference"),
            "content": {"body": "…", "subject": body.get("personalisation", {}).get("subject", "")},
            "uri": f"/v2/notifications/{notification}",
            "template": {"id": body["template_id"], "version": 1, "uri": f"/v2/template/{body['template_id']}"},
        }


def _error(status: int, error: str, message: str) -> tuple[int, dict]:
    return status, {"errors": [{"error": error, "message": message}], "status_code": status}


def _handler(fake: FakeNotify):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            status, answer = fake.answer(self.path, self.headers.get("Authorization", ""), body)
            content = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def fake_notify(settings):
    fake = FakeNotify()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFY_API_KEY = fake.api_key
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    fake.released.set()
    server.shutdown()
    server.server_close()
