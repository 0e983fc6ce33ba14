"""Reports received outside the system (Đ.11.2): record now, backfill data later.

When the system is down or a unit cannot use it, the report arrives by other
means. The receiving unit records the document number and date from the
document-management system (and the stored file); the submission is marked
``backfilled`` and its submission time becomes the document's date, so lateness
is judged on when the report really arrived. Data entry backfills the numbers
later through the usual save; the history keeps both events.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from baocao.platform.models.workflow import Submission
from baocao.platform.services import audit, report_progress
from baocao.platform.services.workflow import (
    _context,
    _guarded_update,
    _lost_race,
    _username,
    actor_for,
    data_hash,
)
from baocao.platform.services.workflow_config import utc_naive
from baocao.platform.workflow.chains import ActorUnit
from baocao.platform.workflow.errors import (
    ForbiddenActionError,
    WorkflowCode,
    WorkflowError,
)
from baocao.platform.workflow.periods import VIETNAM_TZ


def record_received_outside(
    submission_id: str,
    expected_version: int,
    actor: Any,
    *,
    now: datetime,
    document_number: str,
    document_date: date,
    file_id: str = "",
) -> Submission:
    """Record that the report arrived outside the system (Đ.11.2).

    :raises ForbiddenActionError: (403) not the receiving unit's aggregator.
    :raises ConflictError: (409) stale version or lost race.
    :raises WorkflowError: (422) no document number.
    """
    sub, regime, _chain = _context(submission_id, expected_version)
    if ("tonghop", ActorUnit.RECEIVING) not in actor_for(actor, sub, regime, now).holds:
        raise ForbiddenActionError(
            WorkflowCode.WF036, action="ghi nhận báo cáo gửi ngoài hệ thống"
        )
    number = (document_number or "").strip()
    if not number:
        raise WorkflowError(
            WorkflowCode.WF041,
            field="document_number",
            detail="phải ghi số văn bản trên hệ thống quản lý văn bản",
        )
    received = datetime.combine(document_date, time(12, 0), VIETNAM_TZ)
    moment = utc_naive(now)
    ref = {
        "document_number": number,
        "document_date": document_date.isoformat(),
        "file_id": file_id,
        "recorded_by": _username(actor),
        "recorded_at": moment,
    }
    event = {
        "actor": _username(actor),
        "action": "record_outside",
        "time": moment,
        "reason": f"Nhận ngoài hệ thống: văn bản số {number} ngày "
        f"{document_date.strftime('%d/%m/%Y')}",
        "data_sha256": data_hash(sub.get_data()),
        "version": expected_version + 1,
        "state": sub.state,
    }
    update: dict[str, Any] = {
        "set__backfilled": True,
        "set__external_ref": ref,
        "set__updated_at": moment,
        "inc__version": 1,
        "push__history": event,
    }
    if sub.submitted_at is None:
        update["set__submitted_at"] = utc_naive(received)
    query = {"id": sub.pk, "version": expected_version, "state": sub.state}
    if _guarded_update(query, **update) is None:
        raise _lost_race(sub, expected_version)
    audit.record(
        _username(actor),
        "submission.record_outside",
        f"submission:{sub.pk}",
        now=now,
        unit=sub.unit,
        details={"document_number": number, "document_date": document_date.isoformat()},
    )
    sub.reload()
    report_progress.record_submission(sub)  # submitted_at may have changed
    return sub
