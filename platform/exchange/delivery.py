"""Queue packages in the outbox and deliver them over HTTP (DESIGN.md §8).

``enqueue`` stores a package once per idempotency key. ``deliver_due`` claims the
due messages one at a time with an atomic update (so two workers never send the
same message at once), posts each with its ``Idempotency-Key`` header and a
timeout, and records the outcome with the pure rules of
:mod:`baocao.platform.exchange.outbox`. A worker that dies after claiming leaves
a ``sending`` message whose lease runs out; it is then claimed again and sent
with the same key, which the endpoint treats as a repeat.
"""

from __future__ import annotations

import logging
import random
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from baocao.platform.exchange.outbox import (
    Outcome,
    RetryPolicy,
    Status,
    canonical_json,
    classify,
    decide,
    package_message,
)
from baocao.platform.models.exchange import OutboxMessage
from baocao.platform.services import audit
from mongoengine import NotUniqueError

logger = logging.getLogger(__name__)

ERRORS = {
    "timeout": "Hết thời gian chờ phản hồi từ hệ thống báo cáo quốc gia.",
    "connection": "Không kết nối được tới hệ thống báo cáo quốc gia.",
    "server": "Hệ thống báo cáo quốc gia báo lỗi máy chủ (mã {code}); sẽ gửi lại.",
    "rejected": "Hệ thống báo cáo quốc gia từ chối gói tin (mã {code}); cần kiểm "
    "tra nội dung gói tin trước khi gửi lại.",
}


_CLAIM_LOCK = threading.Lock()
MAX_BODY = 2000
"""Characters of an answer kept on the message (a reason, not a document)."""


@dataclass(frozen=True, slots=True)
class Response:
    """What one POST returned: a status code, or why there was none."""

    status_code: int | None
    error: str = ""
    """``timeout`` or ``connection`` when there is no status code."""
    body: str = ""
    """The start of the endpoint's answer (its reason for a rejection)."""


Sender = Callable[[str, bytes, Mapping[str, str], float], Response]


def http_post(
    url: str, body: bytes, headers: Mapping[str, str], timeout: float
) -> Response:
    """POST with the standard library; every failure becomes a :class:`Response`."""
    if not url.startswith(("http://", "https://")):
        return Response(None, "connection")
    # The scheme is checked above, so file: and custom schemes never open.
    request = urllib.request.Request(  # noqa: S310
        url, data=body, headers=dict(headers), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            return Response(reply.status, body=_text(reply.read(MAX_BODY)))
    except urllib.error.HTTPError as err:
        return Response(err.code, body=_text(err.read(MAX_BODY)))
    except TimeoutError:
        return Response(None, "timeout")
    except urllib.error.URLError as err:
        kind = "timeout" if isinstance(err.reason, TimeoutError) else "connection"
        return Response(None, kind)
    except OSError:
        return Response(None, "connection")


def _text(data: bytes) -> str:
    """The endpoint's answer as text, cut to what the outbox page shows."""
    return data.decode("utf-8", errors="replace")[:MAX_BODY]


def _utc(now: datetime) -> datetime:
    """Naive UTC, as MongoDB returns datetimes."""
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now


def enqueue(
    package_type: str, natural_key: str, envelope: Mapping[str, Any], now: datetime
) -> tuple[OutboxMessage, bool]:
    """Store a package for delivery; ``(message, False)`` if it was already queued."""
    fields = package_message(package_type, natural_key, envelope)
    body = canonical_json(fields.pop("body")).decode("utf-8")
    message = OutboxMessage(
        **fields,
        body=body,
        signed=bool(envelope.get("chu_ky")),
        created_at=_utc(now),
        next_attempt_at=_utc(now),
    )
    try:
        message.save(force_insert=True)
    except NotUniqueError:
        return OutboxMessage.objects.get(key=fields["key"]), False
    return message, True


def claim_next(now: datetime, policy: RetryPolicy) -> OutboxMessage | None:
    """Atomically take one due message (or one whose lease ran out).

    ``modify`` is atomic on MongoDB; the embedded store (mongomock) does not make
    its find-then-update atomic across threads, so claims of this process are
    serialised as well (the demo delivers from a thread, the beat from another).
    """
    with _CLAIM_LOCK:
        return _claim(_utc(now), policy)


def _claim(now: datetime, policy: RetryPolicy) -> OutboxMessage | None:
    update = {
        "set__status": Status.SENDING.value,
        "set__claimed_at": now,
        "inc__attempts": 1,
    }
    due = OutboxMessage.objects(status=Status.PENDING.value, next_attempt_at__lte=now)
    message = due.order_by("next_attempt_at").modify(new=True, **update)
    if message is None:
        expired = now - timedelta(seconds=policy.lease_seconds)
        stale = OutboxMessage.objects(
            status=Status.SENDING.value, claimed_at__lte=expired
        )
        message = stale.order_by("claimed_at").modify(new=True, **update)
    return message


def record(
    message: OutboxMessage,
    response: Response,
    now: datetime,
    policy: RetryPolicy,
    jitter: float,
) -> Status:
    """Store the outcome of an attempt on the claimed message; returns its status."""
    now = _utc(now)
    outcome = classify(response.status_code)
    decision = decide(policy, message.attempts, outcome, now, jitter)
    if outcome is Outcome.DELIVERED:
        error = ""
    elif outcome is Outcome.REJECTED:
        error = ERRORS["rejected"].format(code=response.status_code)
    elif response.status_code is None:
        error = ERRORS[response.error or "connection"]
    else:
        error = ERRORS["server"].format(code=response.status_code)
    entry = {
        "at": now,
        "status_code": response.status_code,
        "outcome": outcome.value,
        "error": response.error,
        "response": response.body,
    }
    OutboxMessage.objects(
        id=message.id, status=Status.SENDING.value, attempts=message.attempts
    ).update_one(
        set__status=decision.status.value,
        set__next_attempt_at=decision.next_attempt_at,
        set__delivered_at=now if outcome is Outcome.DELIVERED else None,
        set__last_status_code=response.status_code,
        set__last_error=error,
        set__last_response=response.body,
        set__claimed_at=None,
        push__log=entry,
    )
    return decision.status


def _audit(
    message: OutboxMessage, response: Response, status: Status, now: datetime
) -> None:
    """One audit event per attempt: what was sent, and what came back."""
    audit.record(
        "system",
        f"exchange.{status.value}",
        f"outbox:{message.key}",
        now=now,
        details={
            "type": message.package_type,
            "natural_key": message.natural_key,
            "attempt": message.attempts,
            "status_code": response.status_code,
            "error": response.error,
        },
    )


def deliver_due(
    endpoint: str,
    now: datetime,
    *,
    policy: RetryPolicy | None = None,
    send: Sender = http_post,
    jitter: Callable[[], float] = random.random,
    limit: int = 100,
) -> dict[str, int]:
    """Send every message due at ``now`` (at most ``limit``); counts per status.

    :param endpoint: URL of the national endpoint (configuration).
    :param send: the HTTP client; tests pass the real one against a loopback double.
    :param jitter: source of back-off jitter draws in [0, 1].
    """
    policy = policy or RetryPolicy()
    counts: dict[str, int] = {}
    for _ in range(limit):
        message = claim_next(now, policy)
        if message is None:
            break
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.key,
            "X-Package-Type": message.package_type,
        }
        response = send(
            endpoint, message.body.encode("utf-8"), headers, policy.timeout_seconds
        )
        status = record(message, response, now, policy, jitter())
        counts[status.value] = counts.get(status.value, 0) + 1
        _audit(message, response, status, now)
        logger.info(
            "outbox %s attempt %s: %s (%s)",
            message.key[:12],
            message.attempts,
            status.value,
            response.status_code or response.error,
        )
    return counts
