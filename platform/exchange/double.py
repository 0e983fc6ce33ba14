"""A stand-in for the national reporting system's endpoint, on loopback only.

**Not the national system.** ``baocao demo`` starts it (clearly labelled) so that
the outbox has somewhere to deliver, and the tests use it to script every answer
the real endpoint may give. It is a tiny WSGI app served by werkzeug in a daemon
thread on 127.0.0.1 and a free port:

- ``accept``: 201 and the package is stored by its ``Idempotency-Key``; a key it
  already holds gets 200 and is not stored twice (so redelivery is harmless);
- ``reject``: 400 with ``{"ma_loi", "ly_do"}`` (the package itself is refused);
- ``fail``: 503 (maintenance), retried by the outbox;
- ``timeout``: answers only after ``slow_seconds`` (the client has given up).

Without a script every package is checked the way the real endpoint would at
least check it: a JSON envelope of our QCVN 125 mapping with a type, a key and a
payload, signed (``chu_ky``) when its type must be signed; anything else is
rejected with the reason.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

logger = logging.getLogger(__name__)

PATH = "/qcvn125/goi-tin"
LABEL = "GIẢ LẬP hệ thống báo cáo quốc gia (chỉ để trình diễn/kiểm thử)"
"""Shown wherever the double's address is printed, so nobody mistakes it."""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass
class NationalDouble:
    """State of the endpoint double: the script and what it received."""

    url: str = ""
    script: list[str] = field(default_factory=list)
    """Answers for the next requests, in order; then each package is checked."""
    requests: list[dict[str, Any]] = field(default_factory=list)
    stored: dict[str, Any] = field(default_factory=dict)
    """Accepted packages by Idempotency-Key (a repeat is not stored twice)."""
    signed_types: frozenset[str] = frozenset()
    """Package types refused without a ``chu_ky`` block (empty: none required)."""
    slow_seconds: float = 1.0
    """How long a ``timeout`` answer takes; clients use a shorter timeout."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self) -> str:
        """The scripted answer for the next request, or ``check``."""
        with self.lock:
            return self.script.pop(0) if self.script else "check"

    def __call__(
        self, environ: dict[str, Any], start: StartResponse
    ) -> Iterable[bytes]:
        """The WSGI app: one POST per package at :data:`PATH`."""
        if environ.get("REQUEST_METHOD") != "POST":
            return _reply(start, 405, {"ly_do": "Chỉ nhận POST gói tin."})
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size)
        key = environ.get("HTTP_IDEMPOTENCY_KEY", "")
        answer = self.next_answer()
        reason = (
            "gói tin bị từ chối theo kịch bản kiểm thử" if answer == "reject" else ""
        )
        if answer == "check":
            reason = self.problem(body)
            answer = "reject" if reason else "accept"
        with self.lock:
            self.requests.append(
                {
                    "key": key,
                    "type": environ.get("HTTP_X_PACKAGE_TYPE"),
                    "body": body,
                    "answer": answer,
                }
            )
        if answer == "timeout":
            time.sleep(self.slow_seconds)
            return _reply(start, 200, {"late": True})
        if answer == "fail":
            return _reply(start, 503, {"ly_do": "Hệ thống đang bảo trì."})
        if answer == "reject":
            return _reply(
                start, 400, {"ma_loi": "GOI_TIN_KHONG_HOP_LE", "ly_do": reason}
            )
        with self.lock:
            repeat = key in self.stored
            self.stored.setdefault(key, json.loads(body))
        return _reply(start, 200 if repeat else 201, {"key": key, "repeat": repeat})

    def problem(self, body: bytes) -> str:
        """Why the endpoint would refuse this body ("" when it is acceptable)."""
        try:
            package = json.loads(body)
        except ValueError:
            return "nội dung không phải JSON"
        if not isinstance(package, dict):
            return "gói tin phải là một đối tượng JSON"
        missing = [k for k in ("qcvn", "type", "key", "payload") if k not in package]
        if missing:
            return "thiếu trường " + ", ".join(missing)
        if package["type"] in self.signed_types and not package.get("chu_ky"):
            return f"gói tin loại {package['type']} phải có chữ ký số (chu_ky)"
        return ""


def _reply(start: StartResponse, status: int, payload: dict[str, Any]) -> list[bytes]:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    reasons = {200: "OK", 201: "Created", 400: "Bad Request", 405: "Method Not Allowed"}
    reasons[503] = "Service Unavailable"
    start(
        f"{status} {reasons[status]}",
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(data))),
        ],
    )
    return [data]


class _QuietHandler(WSGIRequestHandler):
    """No access log line per package (the outbox logs each attempt)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


@dataclass
class RunningDouble:
    """A double being served; :meth:`stop` shuts it down."""

    double: NationalDouble
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        """Where packages are posted."""
        return self.double.url

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def serve(double: NationalDouble | None = None) -> RunningDouble:
    """Serve ``double`` (a new one if None) on 127.0.0.1 and a free port."""
    double = double or NationalDouble()
    server = make_server(
        "127.0.0.1", 0, double, threaded=True, request_handler=_QuietHandler
    )
    server.daemon_threads = True
    double.url = f"http://127.0.0.1:{server.server_port}{PATH}"
    thread = threading.Thread(
        target=server.serve_forever, name="baocao-national-double", daemon=True
    )
    thread.start()
    logger.info("%s: %s", LABEL, double.url)
    return RunningDouble(double, server, thread)
