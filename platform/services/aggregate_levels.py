"""Multi-level aggregation: a unit's aggregate becomes its report to the next level.

Đồng Tháp's communes report to departments, and departments report to the
province (communes → department → province). Each level is a regime of its
own: the lower one (communes → SKHCN) and an upper one whose reporting units
are departments (SKHCN, … → the province). The department's report in the
upper regime is *filled from its aggregate* of the lower regime:
:func:`fill_from_aggregate` copies the stored, fresh aggregate's inputs into the
department's draft through the ordinary save (same validation, history and
audit; the department's data entry does it, its leader then approves and
signs, and the province accepts it as any other report), and records in
``external_ref`` which aggregate it came from and how many values each cell
combines. The upper aggregate reads those counts, so averages and counts at
the province stay exact (the pure layer's ``AggregateResult.as_unit``).

Both regimes must use the same form version; anything else is refused with
AG019, since a department's totals only mean something in the form they were
summed in. If the department edits the data after filling it, the counts no
longer describe the data and are dropped (the report then counts as one
unit's values).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from baocao.platform.models.workflow import Submission, decode_keys
from baocao.platform.services import aggregate_cache, aggregation
from baocao.platform.services import workflow as wf
from baocao.platform.services import workflow_config as config
from baocao.schemas.errors import BaocaoError


class LevelMismatchError(BaocaoError):
    """The upper regime's form version differs from the lower aggregate's."""

    http_status = 422

    def __init__(self, upper: Any, lower: Any) -> None:
        super().__init__(
            f"Chế độ báo cáo cấp trên '{upper.name}' dùng biểu mẫu {upper.form_id} "
            f"phiên bản {upper.form_version}, còn số liệu tổng hợp của chế độ "
            f"'{lower.name}' lập trên biểu mẫu {lower.form_id} phiên bản "
            f"{lower.form_version}. Chỉ chuyển được số liệu tổng hợp sang báo cáo "
            "cùng một phiên bản biểu mẫu; hãy cho hai chế độ dùng chung phiên bản.",
            code="AG019",
        )


class LevelPeriodError(BaocaoError):
    """The upper submission belongs to another period than the aggregate."""

    http_status = 422

    def __init__(self, found: str, wanted: str) -> None:
        super().__init__(
            f"Báo cáo cấp trên thuộc kỳ {found}, không phải kỳ {wanted} của số liệu "
            "tổng hợp. Hãy chọn báo cáo cùng kỳ.",
            code="AG020",
        )


def fill_from_aggregate(
    submission_id: str,
    lower_regime_id: str,
    period: str,
    actor: Any,
    *,
    load_form: aggregation.FormLoader | None,
    now: datetime,
) -> Submission:
    """Fill a unit's upper-level draft with its fresh aggregate of the lower regime.

    :param submission_id: the unit's submission in the upper regime (a draft).
    :param lower_regime_id: the regime whose aggregate at that unit is copied.
    :param period: the period of both; the submission must be of this period.
    :param actor: must be allowed to enter data for the submission (checked by
        the ordinary save).
    :raises LevelMismatchError: AG019, different form versions.
    :raises LevelPeriodError: AG020, the submission is of another period.
    :raises aggregate_cache.StaleAggregateError: AG018, the aggregate is being
        recomputed (try again when the page shows it fresh).
    :raises baocao.platform.workflow.errors.WorkflowError: 403/409/422 of the save.
    """
    sub = wf.get_submission(submission_id)
    upper = config.get_regime(sub.regime_id)
    lower = config.get_regime(lower_regime_id)
    if (upper.form_id, upper.form_version) != (lower.form_id, lower.form_version):
        raise LevelMismatchError(upper, lower)
    if sub.period_key != period:
        raise LevelPeriodError(sub.period_key, period)
    found = aggregate_cache.ensure_fresh(lower_regime_id, sub.period_key, sub.unit, now)
    if not found.fresh:
        raise aggregate_cache.StaleAggregateError
    inputs = decode_keys(dict(found.cache.inputs))
    saved = wf.save_data(
        submission_id,
        inputs,
        sub.version,
        actor,
        now=now,
        form_loader=load_form,
    )
    Submission.objects(pk=saved.pk, version=saved.version).update_one(
        set__external_ref={
            "kind": "aggregate",
            "regime": lower_regime_id,
            "period": sub.period_key,
            "unit": sub.unit,
            "counts": dict(found.cache.counts),
            "included": [dict(i) for i in found.cache.included],
            "data_sha256": wf.data_hash(inputs),
        }
    )
    saved.reload()
    return saved
