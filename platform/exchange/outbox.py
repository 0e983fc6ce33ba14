"""The outbox's rules: idempotency keys, retry policy, what a response means.

Pure functions and dataclasses (no database, no HTTP, no clock: ``now`` and the
``jitter`` draw are passed in) so that every retry decision is tested on its
own. :mod:`baocao.platform.exchange.delivery` applies them to stored messages.

- A package's idempotency key is the sha256 of its type, its natural key and the
  sha256 of its canonical JSON payload: the same package queued twice is one
  message, and the national endpoint can drop a redelivery it already has.
- Delivery outcomes: 2xx delivered; 4xx rejected for good (the package is wrong;
  retrying cannot help) except 408/425/429, which like 5xx, timeouts and refused
  connections are retried with exponential back-off and jitter until the
  attempts run out.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

RETRYABLE_4XX = frozenset({408, 425, 429})
"""Client errors that mean "later", not "never"."""


class Status(enum.StrEnum):
    """States of an outbox message."""

    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker (lease until claimed_at + lease)
    DELIVERED = "delivered"  # 2xx from the endpoint
    REJECTED = "rejected"  # 4xx: the endpoint refused the package itself
    FAILED = "failed"  # retryable failures until attempts ran out


class Shown(enum.StrEnum):
    """What the outbox page calls a message: ``pending`` split by attempts."""

    QUEUED = "queued"  # pending, never tried
    SENDING = "sending"
    DELIVERED = "delivered"
    RETRYING = "retrying"  # pending after a failed attempt
    REJECTED = "rejected"
    FAILED = "failed"


SHOWN_LABELS = {
    Shown.QUEUED: "Chờ gửi",
    Shown.SENDING: "Đang gửi",
    Shown.DELIVERED: "Đã gửi",
    Shown.RETRYING: "Chờ gửi lại",
    Shown.REJECTED: "Bị từ chối",
    Shown.FAILED: "Gửi thất bại",
}
"""Vietnamese names of the page's states."""


def shown_state(status: str, attempts: int) -> Shown:
    """The page's state of a message from its stored status and attempts."""
    if status == Status.PENDING:
        return Shown.RETRYING if attempts else Shown.QUEUED
    return Shown(status)


class Outcome(enum.StrEnum):
    """What one delivery attempt ended with."""

    DELIVERED = "delivered"
    REJECTED = "rejected"
    RETRY = "retry"


def canonical_json(payload: Any) -> bytes:
    """Stable bytes of a JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")


def payload_sha256(payload: Any) -> str:
    """Hex sha256 of the canonical JSON of a payload."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def idempotency_key(package_type: str, natural_key: str, payload: Any) -> str:
    """sha256 of package type + natural key + payload hash (hex, 64 chars).

    A changed payload for the same natural key is a new message (a correction);
    the same payload is the same message however often it is queued.
    """
    text = "\n".join((package_type, natural_key, payload_sha256(payload)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def classify(status_code: int | None) -> Outcome:
    """Outcome of an attempt from its HTTP status (``None``: timeout, no connection)."""
    if status_code is None:
        return Outcome.RETRY
    if 200 <= status_code < 300:  # noqa: PLR2004 - the HTTP success class
        return Outcome.DELIVERED
    if 400 <= status_code < 500 and status_code not in RETRYABLE_4XX:  # noqa: PLR2004
        return Outcome.REJECTED
    return Outcome.RETRY


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential back-off with "equal jitter", capped, with an attempt limit."""

    max_attempts: int = 8
    """Attempts in all, the first included; then the message is ``failed``."""
    base_seconds: float = 30.0
    """Delay before the second attempt, before jitter."""
    factor: float = 2.0
    """Growth of the delay per attempt."""
    cap_seconds: float = 6 * 3600.0
    """No wait is longer than this."""
    timeout_seconds: float = 10.0
    """HTTP timeout of one attempt (connect and read)."""
    lease_seconds: float = 300.0
    """A ``sending`` claim older than this is taken back (the worker died)."""

    def delay(self, attempts: int, jitter: float) -> timedelta:
        """Wait after the ``attempts``-th failed attempt.

        :param attempts: attempts made so far (≥ 1).
        :param jitter: a draw in [0, 1]; the wait is between half and all of the
            exponential delay, so that many failed messages do not retry in step.
        """
        raw = self.base_seconds * self.factor ** max(attempts - 1, 0)
        capped = min(raw, self.cap_seconds)
        jitter = min(max(jitter, 0.0), 1.0)
        return timedelta(seconds=capped / 2 + capped / 2 * jitter)


@dataclass(frozen=True, slots=True)
class Decision:
    """What to store after an attempt."""

    status: Status
    next_attempt_at: datetime | None


def decide(
    policy: RetryPolicy, attempts: int, outcome: Outcome, now: datetime, jitter: float
) -> Decision:
    """The message's next state after its ``attempts``-th attempt ended so."""
    if outcome is Outcome.DELIVERED:
        return Decision(Status.DELIVERED, None)
    if outcome is Outcome.REJECTED:
        return Decision(Status.REJECTED, None)
    if attempts >= policy.max_attempts:
        return Decision(Status.FAILED, None)
    return Decision(Status.PENDING, now + policy.delay(attempts, jitter))


def package_message(
    package_type: str, natural_key: str, envelope: Mapping[str, Any]
) -> dict[str, Any]:
    """The fields of a new outbox message for an envelope (see ``qcvn125``).

    The idempotency key hashes the envelope's ``payload`` only, so that the same
    data built at another time (another ``created_at``) is still one message.
    """
    payload = envelope.get("payload", envelope)
    return {
        "key": idempotency_key(package_type, natural_key, payload),
        "package_type": package_type,
        "natural_key": natural_key,
        "payload_sha256": payload_sha256(payload),
        "body": dict(envelope),
    }
