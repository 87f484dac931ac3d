"""A tiny HTTP server on 127.0.0.1 that answers with JSON we give it: an Open Referral UK API in the tests, never
the internet."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serving(answers: dict):
    """`answers` maps a path with its query ("/services?page=1&per_page=100") to what it answers: JSON-able data,
    bytes as they are, or ("redirect", location)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            path = self.path.removeprefix("/api")
            answer = answers.get(path, answers.get(path.split("?")[0]))
            if answer is None:
                self.send_response(404)
                self.end_headers()
                return
            if isinstance(answer, tuple):
                self.send_response(302)
                self.send_header("Location", answer[1])
                self.end_headers()
                return
            body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()
