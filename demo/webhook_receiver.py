"""A local webhook receiver standing in for a 企业微信 / 钉钉 group robot (loopback only).

In tests: ``Receiver().start()`` serves on 127.0.0.1 on a free port in a thread and records every
POST (path, headers, JSON body, idempotency key). It can be told to answer slowly, to fail a number
of times, or to answer like a robot refusing the message (``errcode`` non-zero).

For the demo: ``python -m demo.webhook_receiver --port 8765`` prints one line per message it gets;
set a department's webhook address to http://127.0.0.1:8765/robot in the admin.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (a timeout test, a killed worker) is expected here, not an error.
        pass


class Receiver:
    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.requests: list[dict] = []
        self.failures_left: dict[str, int] = {}  # path -> how many more requests to fail with 500
        self.answers: dict[str, dict] = {}  # path -> JSON answered instead of {"errcode": 0}
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.echo = False

    # ------------------------------------------------------------------ control

    def start(self, port: int = 0) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    body = None
                entry = {
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "json": body,
                    "key": self.headers.get("Idempotency-Key", ""),
                    "at": time.time(),
                }
                with receiver.lock:
                    receiver.requests.append(entry)
                    path = self.path.split("?", 1)[0]
                    failing = receiver.failures_left.get(path, 0)
                    if failing:
                        receiver.failures_left[path] = failing - 1
                    answer = receiver.answers.get(path, {"errcode": 0, "errmsg": "ok"})
                if receiver.echo:
                    print(summary(entry), flush=True)
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = 500 if failing else 200
                payload = json.dumps({"errcode": -1, "errmsg": "busy"} if failing else answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # quiet in tests
                pass

        self.server = QuietServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    def url(self, path: str = "/robot") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # ------------------------------------------------------------------ what was received

    def received(self, path: str | None = None) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if path is None or r["path"].split("?", 1)[0] == path]

    def key_counts(self) -> Counter:
        return Counter(r["key"] for r in self.received())


def summary(entry: dict) -> str:
    """One line per delivery for the demo's console: when, where, the subject and the link (the
    whole payload is what the tests read from ``Receiver.received``)."""
    body = entry["json"] if isinstance(entry["json"], dict) else {}
    text = body.get("subject") or ""
    if not text and isinstance(body.get("text"), dict):  # the robots' plain-text message
        text = body["text"].get("content", "")
    first_line = str(text).split("\n", 1)[0]
    link = body.get("url", "")
    when = time.strftime("%H:%M:%S", time.localtime(entry["at"]))
    return " ".join(part for part in (when, "webhook", entry["path"], first_line, link) if part)


def main() -> None:
    parser = argparse.ArgumentParser(description="A local webhook receiver that prints what it gets.")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    receiver = Receiver()
    receiver.echo = True
    receiver.start(args.port)
    print(f"Webhook receiver on {receiver.url()} (Ctrl-C stops it)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        receiver.stop()


if __name__ == "__main__":
    main()
