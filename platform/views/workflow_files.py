"""The submission as files in the browser session: downloads and the Excel round trip.

The token API already serves ``/api/v1/submissions/{id}/export``; these pages
give the same files to the signed-in user of the entry page, and take a
filled copy back: upload → a preview of every change and every wrong cell →
"Áp dụng" (one save guarded by the version the preview was made from).
Thin: the comparison is :mod:`baocao.form_designer.roundtrip`, the work is in
:mod:`baocao.platform.services.submission_import`.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from baocao.platform.services import workflow as service
from baocao.platform.services.submission_export import export_submission
from baocao.platform.services.submission_import import apply_upload, preview_upload
from baocao.platform.views.workflow import (
    REPORT_ROLES,
    _forbid,
    _last_save,
    load_visible,
    may_enter_data,
)
from baocao.platform.workflow.errors import ConflictError
from baocao.renderers import format_value, parse_number_format
from flask import abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext


def shown(value: Any) -> str:
    """A cell value in Vietnamese writing (1.234.567,89), "—" when empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        decimals = len(f"{value:.6f}".rstrip("0").partition(".")[2])
        code = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_value(value, parse_number_format(code))
    return format_value(value)


class SubmissionFilesView(BaseView):
    """Download the submission (xlsx, pdf, csv); upload a filled .xlsx back."""

    route_base = "/bao-cao"
    class_permission_name = "WorkflowPages"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "download": "read",
        "upload": "write",
        "apply": "write",
    }
    baocao_roles = REPORT_ROLES

    @expose("/<submission_id>/tai-ve/<fmt>")
    @has_access
    def download(self, submission_id: str, fmt: str) -> Any:
        """The filled .xlsx (stamped with its form version), the PDF or the CSV."""
        sub, regime, _chain = load_visible(submission_id)
        exported = export_submission(
            sub,
            regime,
            fmt,
            load_compiled=current_app.extensions.get("baocao_form_loader"),
            load_source=current_app.extensions.get("baocao_form_source"),
            now=datetime.now(UTC),
        )
        return send_file(
            io.BytesIO(exported.data),
            mimetype=exported.mimetype,
            as_attachment=True,
            download_name=exported.filename,
        )

    def _editable(self, submission_id: str) -> Any:
        sub, regime, chain = load_visible(submission_id)
        if not may_enter_data(sub, regime, chain):
            raise _forbid("nhập liệu")
        return sub, regime

    @expose("/<submission_id>/nhap-excel", methods=["POST"])
    @has_access
    def upload(self, submission_id: str) -> Any:
        """A preview of what the uploaded copy changes; nothing is stored."""
        sub, regime = self._editable(submission_id)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(
                gettext("Choose a filled-in Excel file (.xlsx) to upload."), "warning"
            )
            return redirect(
                url_for("WorkflowView.submission", submission_id=submission_id)
            )
        preview = preview_upload(
            sub,
            regime,
            upload.read(),
            upload.filename,
            load=current_app.extensions.get("baocao_form_loader"),
        )
        status = 200 if not preview.comparison.problems else 422
        return self._page(sub, regime, preview=preview), status

    @expose("/<submission_id>/nhap-excel/ap-dung", methods=["POST"])
    @has_access
    def apply(self, submission_id: str) -> Any:
        """Apply the previewed changes, or say who saved since the preview (409)."""
        _sub, regime = self._editable(submission_id)
        updates = _json_object(request.form.get("changes", ""))
        version = request.form.get("version", "")
        if not updates or not version.isdigit():
            abort(400)
        filename = request.form.get("filename", "")
        try:
            apply_upload(
                submission_id,
                updates,
                int(version),
                g.user,
                now=datetime.now(UTC),
                load=current_app.extensions.get("baocao_form_loader"),
                filename=filename,
            )
        except ConflictError as err:
            fresh = service.get_submission(submission_id)
            labels = _json_object(request.form.get("labels", ""))
            page = self._page(
                fresh,
                regime,
                conflict=_last_save(fresh),
                error=err,
                updates=updates,
                labels=labels,
            )
            return page, 409
        flash(
            gettext(
                "%(n)d changes applied from the file %(name)s.",
                n=len(updates),
                name=filename,
            ),
            "success",
        )
        return redirect(url_for("WorkflowView.submission", submission_id=submission_id))

    def _page(self, sub: Any, regime: Any, **context: Any) -> str:
        return self.render_template(
            "baocao/workflow/excel_preview.html",
            sub=sub,
            regime=regime,
            shown=shown,
            labels_of=lambda result: {c.address: c.label for c in result.changes},
            **context,
        )


def _json_object(text: str) -> dict[str, Any]:
    """A posted JSON object, or ``{}`` when the field is missing or not one."""
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
