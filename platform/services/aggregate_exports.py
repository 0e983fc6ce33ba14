"""Exports of an aggregate (Đ.6.5): .xlsx per unit, long-form CSV, PDF; as jobs.

:func:`export_aggregate` makes the file in memory: the .xlsx is the template
filled with the aggregate plus one sheet per included unit
(:func:`baocao.form_designer.fill_units.fill_aggregate_workbook`), the CSV is
long-form over one or several periods, the PDF is the aggregate in the form's
layout. Exports always recompute from the accepted submissions, so a file is
never built from a stale stored aggregate.

Large exports run as :class:`ExportJob`s: :func:`start_job` records the job and
queues :func:`run_export_task`, which reports progress on the job and stores
the file in GridFS only once it is complete, in the same update that marks the
job done; a failed job keeps its Vietnamese message and no file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from baocao.form_designer.fill_units import UnitSheet, fill_aggregate_workbook
from baocao.platform import db as documents
from baocao.platform.models import Unit
from baocao.platform.models.aggregate import ExportJob
from baocao.platform.services import aggregation
from baocao.platform.services import workflow_config as config
from baocao.platform.services.submission_export import ExportedFile
from baocao.platform.services.workflow_config import utc_naive
from baocao.platform.tasks import enqueue
from baocao.platform.workflow.periods import VIETNAM_TZ
from baocao.renderers import PdfHeader, SignatureBlock, render_pdf_document
from baocao.schemas.errors import BaocaoError, Detail, DetailEnum
from bson import ObjectId
from bson.errors import InvalidId
from celery import shared_task
from flask import current_app

FORMATS = ("xlsx", "csv", "pdf")
BUCKET = "aggregate_exports"
TASK_NAME = "baocao.aggregate.export"
MAX_PERIODS = 60
_PERIOD = re.compile(
    r"^\d{4}-(M(0[1-9]|1[0-2])|Q[1-4]|H[12]|9M|Y|W(0[1-9]|[1-4]\d|5[0-3]))$"
)
_MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv",
}
Progress = Callable[[int], None]
SourceLoader = Callable[[str, int | None], bytes]


class Code(DetailEnum):
    """Error codes of aggregate exports, with Vietnamese messages."""

    AG012 = Detail(
        "export job not found",
        "Không tìm thấy yêu cầu xuất tệp '{job}' của bạn. Hãy tạo lại yêu cầu xuất "
        "từ trang tổng hợp.",
    )
    AG013 = Detail(
        "bad periods",
        "Danh sách kỳ '{value}' không hợp lệ. Hãy ghi các kỳ cách nhau bởi dấu phẩy, "
        "ví dụ 2026-M01,2026-M02 (tối đa {limit} kỳ; .xlsx và .pdf chỉ một kỳ).",
    )
    AG014 = Detail(
        "export not ready",
        "Tệp xuất '{job}' chưa sẵn sàng (trạng thái: {state}). Hãy chờ thanh tiến độ "
        "đạt 100% rồi tải lại.",
    )
    AG015 = Detail(
        "template missing",
        "Không tải được tệp mẫu .xlsx của biểu mẫu '{form}' phiên bản {version}, nên "
        "không xuất được .xlsx. Hãy xuất CSV hoặc PDF, hoặc kiểm tra biểu mẫu.",
    )


class ExportJobError(BaocaoError):
    """An export job cannot be created, found or downloaded."""

    def __init__(self, code: Code, status: int, **fields: Any) -> None:
        super().__init__(code.format(**fields), code=code.name)
        self.http_status = status


def parse_periods(text: str, fmt: str) -> list[str]:
    """``2026-M01,2026-M02`` → the periods, checked; one only for xlsx and pdf.

    :raises ExportJobError: AG013 (422).
    """
    periods = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
    limit = MAX_PERIODS if fmt == "csv" else 1
    if not periods or len(periods) > limit or not all(map(_PERIOD.match, periods)):
        raise ExportJobError(Code.AG013, 422, value=text, limit=MAX_PERIODS)
    return list(dict.fromkeys(periods))


def export_aggregate(
    regime_id: str,
    periods: list[str],
    unit: str | None,
    fmt: str,
    *,
    load_form: aggregation.FormLoader | None,
    load_source: SourceLoader | None,
    now: datetime,
    progress: Progress | None = None,
) -> ExportedFile:
    """The aggregate of ``periods`` within ``unit``'s scope as a file.

    :raises aggregation.ExportFormatError: AG011, a format not in :data:`FORMATS`.
    :raises baocao.schemas.AggregateError: mixed form versions and the like.
    """
    if fmt not in FORMATS:
        raise aggregation.ExportFormatError(fmt)
    report = progress or (lambda _percent: None)
    found = []
    for number, period in enumerate(periods, start=1):
        found.append(
            aggregation.aggregate_period(
                regime_id, period, unit=unit, load_form=load_form, now=now
            )
        )
        report(10 + 60 * number // len(periods))
    first = found[0]
    regime = config.get_regime(regime_id)
    stem = f"tong-hop-{first.unit}-{'_'.join(periods)}"
    if fmt == "csv":
        body = _csv(found).encode("utf-8")
    elif fmt == "pdf":
        body = _pdf(first, regime.name, now)
    else:
        body = _xlsx(first, regime, load_source)
    report(95)
    return ExportedFile(body, _MIMETYPES[fmt], f"{stem}.{fmt}")


def _csv(found: list[aggregation.PeriodAggregate]) -> str:
    """Long-form rows of every period, under one header."""
    parts = [aggregation.export_csv(one) for one in found]
    rows = [part.removeprefix(aggregation.BOM).split("\r\n", 1)[1] for part in parts]
    return parts[0] + "".join(rows[1:])


def _unit_names(codes: list[str]) -> dict[str, str]:
    return {u.code: u.name for u in Unit.objects(code__in=codes).only("code", "name")}


def _pdf(found: aggregation.PeriodAggregate, regime_name: str, now: datetime) -> bytes:
    agency = _unit_names([found.unit]).get(found.unit, found.unit)
    header = PdfHeader(
        agency=agency.upper(),
        date=now.astimezone(VIETNAM_TZ).date(),
        title=f"TỔNG HỢP {regime_name.upper()} — KỲ {found.period}",
        subtitle=f"Tổng hợp {len(found.result.units)} đơn vị đã tiếp nhận; "
        f"{len(found.result.missing)} đơn vị chưa có số liệu",
    )
    result = found.result
    return render_pdf_document(
        found.compiled.layout,
        result.inputs,
        result.computed,
        header=header,
        signature_block=SignatureBlock(title="THỦ TRƯỞNG ĐƠN VỊ", name=""),
    ).data


def _xlsx(
    found: aggregation.PeriodAggregate, regime: Any, load_source: SourceLoader | None
) -> bytes:
    try:
        template = (
            load_source(regime.form_id, regime.form_version) if load_source else None
        )
    except LookupError:
        template = None
    if template is None:
        raise ExportJobError(
            Code.AG015, 409, form=regime.form_id, version=regime.form_version
        )
    result = found.result
    names = _unit_names(list(result.units))
    sheets = [
        UnitSheet(
            f"{source.unit} {names.get(source.unit, '')}".strip(),
            source.data,
            result.unit_computed(source.unit),
        )
        for source in result.sources
    ]
    return fill_aggregate_workbook(
        template, found.compiled, result.inputs, result.computed, sheets
    )


# --- jobs --------------------------------------------------------------------


def start_job(
    owner: str,
    regime_id: str,
    periods: list[str],
    *,
    unit: str,
    fmt: str,
    now: datetime,
) -> ExportJob:
    """Record an export job and queue it (the caller has checked permissions).

    :raises aggregation.ExportFormatError: AG011.
    """
    if fmt not in FORMATS:
        raise aggregation.ExportFormatError(fmt)
    job = ExportJob(
        owner=owner,
        regime_id=regime_id,
        periods=periods,
        unit=unit,
        fmt=fmt,
        created_at=utc_naive(now),
    ).save()
    if not enqueue(TASK_NAME, str(job.pk)):
        return _fail(job, "AG016", "Không đưa được yêu cầu xuất vào hàng đợi.")
    job.reload()  # an eager worker has already run it
    return job


def get_job(job_id: str, owner: str) -> ExportJob:
    """The caller's own job; another user's job is as good as absent (404).

    :raises ExportJobError: AG012.
    """
    try:
        pk = ObjectId(job_id)
    except (InvalidId, TypeError):
        raise ExportJobError(Code.AG012, 404, job=job_id) from None
    job = ExportJob.objects(pk=pk, owner=owner).first()
    if job is None:
        raise ExportJobError(Code.AG012, 404, job=job_id)
    return job


def job_file(job: ExportJob) -> ExportedFile:
    """The finished job's file.

    :raises ExportJobError: AG014 (409) while the job is not done.
    """
    if job.state != "done" or job.file_id is None:
        raise ExportJobError(Code.AG014, 409, job=str(job.pk), state=job.state)
    data = documents.get_gridfs(BUCKET).get(job.file_id).read()
    return ExportedFile(bytes(data), job.mimetype, job.filename)


def job_dict(job: ExportJob) -> dict[str, Any]:
    """JSON of a job for the page's progress bar and the API."""
    return {
        "id": str(job.pk),
        "state": job.state,
        "progress": job.progress,
        "format": job.fmt,
        "periods": list(job.periods),
        "unit": job.unit,
        "filename": job.filename,
        "size": job.size,
        "error": job.error,
        "error_code": job.error_code,
    }


def run_job(
    job_id: str,
    *,
    load_form: aggregation.FormLoader | None,
    load_source: SourceLoader | None,
    now: datetime,
) -> ExportJob:
    """Make the job's file; store it and mark the job done, or mark it failed."""
    job = ExportJob.objects.get(pk=ObjectId(job_id))
    if job.state in ("done", "failed"):
        return job  # idempotent: a redelivered task does nothing
    ExportJob.objects(pk=job.pk).update_one(set__state="running", set__progress=5)

    def progress(percent: int) -> None:
        ExportJob.objects(pk=job.pk).update_one(set__progress=percent)

    try:
        made = export_aggregate(
            job.regime_id,
            list(job.periods),
            job.unit,
            job.fmt,
            load_form=load_form,
            load_source=load_source,
            now=now,
            progress=progress,
        )
    except BaocaoError as err:
        return _fail(job, err.code or "AG017", err.message)
    bucket = documents.get_gridfs(BUCKET)
    file_id = bucket.put(made.data, filename=made.filename)
    ExportJob.objects(pk=job.pk).update_one(
        set__state="done",
        set__progress=100,
        set__file_id=file_id,
        set__filename=made.filename,
        set__mimetype=made.mimetype,
        set__size=len(made.data),
        set__finished_at=utc_naive(now),
    )
    job.reload()
    return job


def _fail(job: ExportJob, code: str, message: str) -> ExportJob:
    ExportJob.objects(pk=job.pk).update_one(
        set__state="failed", set__error_code=code, set__error=message
    )
    job.reload()
    return job


@shared_task(name=TASK_NAME, ignore_result=False)
def run_export_task(job_id: str) -> dict[str, Any]:
    """Celery entry point: run one export job (idempotent)."""
    job = run_job(
        job_id,
        load_form=current_app.extensions.get("baocao_form_loader"),
        load_source=current_app.extensions.get("baocao_form_source"),
        now=datetime.now(UTC),
    )
    return {"state": job.state, "error_code": job.error_code}
