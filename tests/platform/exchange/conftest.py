"""Fixtures of the exchange tests: a document store and a national endpoint double.

The double is a real HTTP server on 127.0.0.1 (a thread of the test process)
that answers each POST as scripted: ``accept`` (201, or 200 for an
Idempotency-Key it already stored), ``reject`` (400), ``fail`` (503) or
``timeout`` (answers only after the client gave up).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

SLOW_SECONDS = 1.0
"""How long a ``timeout`` answer takes; tests use a shorter client timeout."""


@dataclass
class NationalDouble:
    """State of the endpoint double: the script and what it received."""

    url: str = ""
    script: list[str] = field(default_factory=list)
    """Answers for the next requests, in order; ``accept`` once it runs out."""
    requests: list[dict[str, Any]] = field(default_factory=list)
    stored: dict[str, Any] = field(default_factory=dict)
    """Accepted packages by Idempotency-Key (a repeat is not stored twice)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "accept"


def _handler(double: NationalDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            key = self.headers.get("Idempotency-Key", "")
            answer = double.next_answer()
            with double.lock:
                double.requests.append(
                    {
                        "key": key,
                        "type": self.headers.get("X-Package-Type"),
                        "body": body,
                        "answer": answer,
                    }
                )
            if answer == "timeout":
                time.sleep(SLOW_SECONDS)
                self._reply(200, {"late": True})
            elif answer == "reject":
                self._reply(400, {"error": "gói tin sai cấu trúc"})
            elif answer == "fail":
                self._reply(503, {"error": "bảo trì"})
            else:
                with double.lock:
                    repeat = key in double.stored
                    double.stored.setdefault(key, json.loads(body))
                self._reply(200 if repeat else 201, {"key": key, "repeat": repeat})

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and left, which is the point

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def national() -> Iterator[NationalDouble]:
    """The national endpoint double, listening on a free loopback port."""
    double = NationalDouble()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(double))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    double.url = f"http://127.0.0.1:{server.server_address[1]}/qcvn125/goi-tin"
    yield double
    server.shutdown()
    server.server_close()
    thread.join(5)
