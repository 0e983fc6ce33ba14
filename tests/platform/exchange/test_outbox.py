"""Outbox: idempotency keys, back-off, retries and delivery to a loopback double.

Requirement ids: EX-1 idempotency, EX-2 back-off, EX-3 outcomes, EX-4 delivery
(issue #7 item 6, DESIGN.md §8).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from baocao.platform.exchange import qcvn125
from baocao.platform.exchange.delivery import (
    ERRORS,
    claim_next,
    deliver_due,
    enqueue,
    http_post,
)
from baocao.platform.exchange.outbox import (
    Outcome,
    RetryPolicy,
    Status,
    canonical_json,
    classify,
    decide,
    idempotency_key,
)
from baocao.platform.exchange.tasks import deliver_outbox
from baocao.platform.models.exchange import OutboxMessage

NOW = datetime(2026, 3, 16, 1, 0, tzinfo=UTC)
FAST = RetryPolicy(
    max_attempts=4, base_seconds=60, timeout_seconds=2.0, lease_seconds=120
)
"""A timeout generous enough for a loaded machine; the double's slow answer is
longer still (see ``test_timeout_retried``)."""
PROVINCE = {"code": "82", "official_id": "000.00.00.H82", "name": "UBND tỉnh Đồng Tháp"}
NATIONAL = {"code": "CP", "official_id": "000.00.00.G01", "name": "Văn phòng Chính phủ"}


def package(
    value: float = 12.5, period: str = "2026-M03"
) -> tuple[str, str, dict[str, Any]]:
    """A data package of an aggregate, wrapped in the envelope."""
    submission = {
        "regime": "r1",
        "period": period,
        "unit": "82",
        "form_id": "f1",
        "form_version": 1,
        "data": {"Biểu 01!D7": value},
        "computed": {},
        "units_included": ["28249", "28261"],
    }
    schema = {"properties": {"Biểu 01!D7": {"x-indicator": "GRDP01"}}}
    kind, key, payload = qcvn125.data_package(submission, schema)
    body = qcvn125.envelope(
        kind, key, payload, sender=PROVINCE, receiver=NATIONAL, now=NOW
    )
    return kind.value, key, body


def test_idempotency_key() -> None:
    """EX-1: sha256 of type + natural key + payload hash; key order is irrelevant."""
    key = idempotency_key("du_lieu_bao_cao", "r1/2026-M03/82", {"a": 1, "b": [1, 2]})
    assert len(key) == 64
    assert int(key, 16) >= 0
    assert key == idempotency_key(
        "du_lieu_bao_cao", "r1/2026-M03/82", {"b": [1, 2], "a": 1}
    )
    assert key != idempotency_key("trang_thai", "r1/2026-M03/82", {"a": 1, "b": [1, 2]})
    assert key != idempotency_key(
        "du_lieu_bao_cao", "r1/2026-M04/82", {"a": 1, "b": [1, 2]}
    )
    assert key != idempotency_key(
        "du_lieu_bao_cao", "r1/2026-M03/82", {"a": 2, "b": [1, 2]}
    )


@pytest.mark.parametrize(
    ("attempts", "jitter", "seconds"),
    [
        (1, 0.0, 15),
        (1, 1.0, 30),
        (2, 0.0, 30),
        (3, 0.5, 90),
        (4, 1.0, 240),
        (30, 1.0, 21600),
    ],
    ids=["first-low", "first-high", "second", "third-mid", "fourth", "capped"],
)
def test_backoff(attempts: int, jitter: float, seconds: float) -> None:
    """EX-2: the wait doubles per attempt, jitter keeps it in [half, all], capped."""
    assert RetryPolicy().delay(attempts, jitter) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (201, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (400, Outcome.REJECTED),
        (404, Outcome.REJECTED),
        (422, Outcome.REJECTED),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (None, Outcome.RETRY),
    ],
    ids=str,
)
def test_classify(code: int | None, outcome: Outcome) -> None:
    """EX-3: 2xx delivered, 4xx rejected (not 408/425/429), others retried."""
    assert classify(code) is outcome


def test_decide_gives_up_after_max_attempts() -> None:
    """EX-3: a retryable failure on the last allowed attempt is final."""
    assert decide(FAST, 3, Outcome.RETRY, NOW, 0.0).status is Status.PENDING
    assert decide(FAST, 4, Outcome.RETRY, NOW, 0.0).status is Status.FAILED
    assert decide(FAST, 1, Outcome.REJECTED, NOW, 0.0).status is Status.REJECTED


def naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def run(double: Any, now: datetime) -> dict[str, int]:
    """One delivery run with a fixed jitter draw of 0.5."""
    return deliver_due(double.url, now, policy=FAST, jitter=lambda: 0.5)


def test_enqueue_is_idempotent(mongo: Any) -> None:
    """EX-1: queuing the same package twice stores one message."""
    first, created = enqueue(*package(), NOW)
    again, created_again = enqueue(*package(), NOW + timedelta(hours=1))
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert OutboxMessage.objects.count() == 1
    corrected, created_corrected = enqueue(*package(value=13.0), NOW)
    assert created_corrected is True
    assert corrected.key != first.key


def test_delivered_once(mongo: Any, national: Any) -> None:
    """EX-4: accepted at once; the body and key are what was queued; never resent."""
    message, _ = enqueue(*package(), NOW)
    assert run(national, NOW) == {"delivered": 1}
    assert run(national, NOW + timedelta(days=1)) == {}
    assert len(national.requests) == 1
    sent = national.requests[0]
    assert sent["key"] == message.key
    assert sent["type"] == "du_lieu_bao_cao"
    assert sent["body"] == canonical_json(package()[2])
    stored = OutboxMessage.objects.get(id=message.id)
    assert (stored.status, stored.attempts, stored.last_status_code) == (
        "delivered",
        1,
        201,
    )
    assert stored.delivered_at == naive(NOW)


def test_server_errors_retried_with_backoff(mongo: Any, national: Any) -> None:
    """EX-4: 503, 503, then accepted: three attempts, each after its back-off."""
    national.script = ["fail", "fail"]
    message, _ = enqueue(*package(), NOW)
    assert run(national, NOW) == {"pending": 1}
    stored = OutboxMessage.objects.get(id=message.id)
    assert stored.next_attempt_at == naive(NOW + FAST.delay(1, 0.5))
    assert stored.last_error == ERRORS["server"].format(code=503)
    assert run(national, NOW + FAST.delay(1, 0.5) - timedelta(seconds=1)) == {}
    second = NOW + FAST.delay(1, 0.5)
    assert run(national, second) == {"pending": 1}
    stored.reload()
    assert stored.next_attempt_at == naive(second + FAST.delay(2, 0.5))
    assert run(national, second + FAST.delay(2, 0.5)) == {"delivered": 1}
    stored.reload()
    assert stored.attempts == 3
    assert [e["outcome"] for e in stored.log] == ["retry", "retry", "delivered"]
    assert [r["answer"] for r in national.requests] == ["fail", "fail", "accept"]
    assert {r["key"] for r in national.requests} == {message.key}


def test_rejected_not_retried(mongo: Any, national: Any) -> None:
    """EX-4: a 400 means the package is wrong: rejected, never sent again."""
    national.script = ["reject"]
    message, _ = enqueue(*package(), NOW)
    assert run(national, NOW) == {"rejected": 1}
    assert run(national, NOW + timedelta(days=30)) == {}
    stored = OutboxMessage.objects.get(id=message.id)
    assert stored.last_error == ERRORS["rejected"].format(code=400)
    assert len(national.requests) == 1


def test_timeout_retried(mongo: Any, national: Any) -> None:
    """EX-4: no answer within the timeout counts as a retryable failure."""
    national.script = ["timeout"]
    national.slow_seconds = FAST.timeout_seconds + 2
    message, _ = enqueue(*package(), NOW)
    assert run(national, NOW) == {"pending": 1}
    stored = OutboxMessage.objects.get(id=message.id)
    assert stored.last_error == ERRORS["timeout"]
    assert stored.log[0]["error"] == "timeout"
    assert run(national, NOW + timedelta(hours=1)) == {"delivered": 1}


def test_gives_up_after_max_attempts(mongo: Any, national: Any) -> None:
    """EX-4: failing every time, the message is failed after max_attempts."""
    national.script = ["fail"] * 10
    message, _ = enqueue(*package(), NOW)
    for hour in range(6):
        run(national, NOW + timedelta(hours=hour))
    stored = OutboxMessage.objects.get(id=message.id)
    assert (stored.status, stored.attempts) == ("failed", FAST.max_attempts)
    assert len(national.requests) == FAST.max_attempts


def test_dead_worker_lease_then_same_key(mongo: Any, national: Any) -> None:
    """EX-4: a worker that posted and died before recording: after the lease the
    message is sent again with the same key, and the endpoint stores it once."""
    message, _ = enqueue(*package(), NOW)
    claimed = claim_next(NOW, FAST)
    assert claimed is not None
    headers = {"Idempotency-Key": claimed.key, "X-Package-Type": claimed.package_type}
    assert http_post(national.url, claimed.body.encode(), headers, 5).status_code == 201
    assert run(national, NOW + timedelta(seconds=FAST.lease_seconds - 1)) == {}
    assert run(national, NOW + timedelta(seconds=FAST.lease_seconds)) == {
        "delivered": 1
    }
    assert [r["key"] for r in national.requests] == [message.key, message.key]
    assert len(national.stored) == 1
    stored = OutboxMessage.objects.get(id=message.id)
    assert (stored.attempts, stored.last_status_code) == (2, 200)


def test_celery_task_delivers(mongo: Any, national: Any) -> None:
    """EX-4: the Celery task delivers what is due (run eagerly here)."""
    enqueue(*package(), datetime.now(UTC) - timedelta(seconds=1))
    result = deliver_outbox.apply(kwargs={"endpoint": national.url})
    assert result.get() == {"delivered": 1}
    body = json.loads(national.requests[0]["body"])
    assert body["payload"]["tong_hop_tu"] == ["28249", "28261"]
