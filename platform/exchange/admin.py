"""What the outbox page shows and does: list, look at a package, send again now.

The page is for the system admin (issue #7 item 6): every message with its
type, natural and idempotency keys, state (queued / sending / delivered /
retrying / rejected / failed), attempts, next attempt and the endpoint's last
answer; "Gửi lại ngay" makes a message due at once (a rejected package after the
national side fixed its rule, a failed one after an outage) and is audited.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from baocao.platform.exchange import sealing
from baocao.platform.exchange.outbox import (
    SHOWN_LABELS,
    Shown,
    Status,
    shown_state,
)
from baocao.platform.models.exchange import OutboxMessage
from baocao.platform.services import audit
from baocao.schemas.errors import BaocaoError, Detail, DetailEnum
from baocao.signing import DetachedReport, SigningError

"""Vietnamese names of the 13 package types (the standard's words)."""
_RETRYABLE = (Status.PENDING.value, Status.REJECTED.value, Status.FAILED.value)


class OutboxCode(DetailEnum):
    """Error codes of the outbox page."""

    EX010 = Detail(
        "no such message",
        "Không tìm thấy gói tin có khóa '{key}' trong hàng đợi gửi. Hãy tải lại "
        "trang hàng đợi.",
    )
    EX011 = Detail(
        "cannot retry now",
        "Gói tin '{key}' đang ở trạng thái '{state}' nên không gửi lại được. Chỉ gửi "
        "lại gói tin đang chờ, bị từ chối hoặc gửi thất bại.",
    )


class OutboxError(BaocaoError):
    """A request about an outbox message that cannot be served."""

    http_status: ClassVar[int] = 409

    def __init__(self, code: OutboxCode, **fields: Any) -> None:
        super().__init__(code.format(**fields), code=code.name)


class OutboxNotFoundError(OutboxError):
    """No message has this key."""

    http_status: ClassVar[int] = 404


@dataclass(frozen=True, slots=True)
class OutboxPage:
    """One page of messages, newest first, and how many are in each state."""

    messages: list[OutboxMessage]
    total: int
    page: int
    per_page: int
    counts: dict[str, int]


def _filter(shown: str) -> dict[str, Any]:
    if shown == Shown.QUEUED:
        return {"status": Status.PENDING.value, "attempts": 0}
    if shown == Shown.RETRYING:
        return {"status": Status.PENDING.value, "attempts__gt": 0}
    if shown in {s.value for s in Shown}:
        return {"status": shown}
    return {}


def list_messages(*, shown: str = "", page: int = 1, per_page: int = 50) -> OutboxPage:
    """Messages in one page state (all when ``shown`` is empty), newest first."""
    query = OutboxMessage.objects(**_filter(shown)).order_by("-created_at")
    total = query.count()
    rows = list(query.skip((page - 1) * per_page).limit(per_page))
    counts = {s.value: OutboxMessage.objects(**_filter(s)).count() for s in Shown}
    return OutboxPage(rows, total, page, per_page, counts)


def label_of(message: OutboxMessage) -> tuple[str, str]:
    """``(state, Vietnamese label)`` of a message for the page."""
    state = shown_state(message.status, message.attempts)
    return state.value, SHOWN_LABELS[state]


def get_message(key: str) -> OutboxMessage:
    """The message with this idempotency key.

    :raises OutboxNotFoundError: (404) EX010.
    """
    found = OutboxMessage.objects(key=key).first()
    if found is None:
        raise OutboxNotFoundError(OutboxCode.EX010, key=key[:64])
    return found


def retry_now(key: str, *, actor: str, now: datetime) -> OutboxMessage:
    """Make a waiting, rejected or failed message due now (same key, same body).

    :raises OutboxNotFoundError: EX010; :raises OutboxError: EX011 (409) when it
        is being sent or was delivered.
    """
    message = get_message(key)
    moment = now.replace(tzinfo=None) if now.tzinfo else now
    changed = OutboxMessage.objects(key=key, status__in=_RETRYABLE).update_one(
        set__status=Status.PENDING.value, set__next_attempt_at=moment
    )
    if not changed:
        raise OutboxError(OutboxCode.EX011, key=key[:12], state=label_of(message)[1])
    audit.record(
        actor,
        "exchange.retry",
        f"outbox:{key}",
        now=now,
        details={"type": message.package_type, "was": message.status},
    )
    message.reload()
    return message


def payload_of(
    message: OutboxMessage, roots: Sequence[bytes], now: datetime
) -> tuple[str, DetachedReport | None, str]:
    """Pretty JSON of the posted body, its signature check, and a check error."""
    envelope = json.loads(message.body)
    pretty = json.dumps(envelope, ensure_ascii=False, indent=2, sort_keys=True)
    try:
        return pretty, sealing.check_seal(envelope, roots, now), ""
    except SigningError as err:
        return pretty, None, err.message
