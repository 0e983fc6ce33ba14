"""Designer pages (Đ.7.1, Đ.8): upload a template, check the preview, correct cells,
publish, compare versions. Thin: parse the form, call :mod:`.services.forms`, render.

The preview is the data-entry grid of :mod:`baocao.renderers` in read-only mode;
``forms-designer.js`` colours each cell by role from the ``cells`` JSON and fills
the side panel when a cell is clicked.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, g, redirect, request, send_from_directory, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext

from baocao.form_designer import FormCompileError
from baocao.platform.roles import Role
from baocao.platform.services import access
from baocao.platform.services import form_marks as marks
from baocao.platform.services import forms as service
from baocao.platform.services import forms_outline_only as outline_only
from baocao.platform.services.form_diff import ASPECTS, cell_facts
from baocao.platform.services.form_outline import SECTION_ASPECTS
from baocao.platform.services.form_overrides import KINDS, ROLES
from baocao.platform.views.labels import CELL_KIND_LABELS, CELL_ROLE_LABELS
from baocao.platform.views.script_strings import page_language
from baocao.renderers import (
    FONTS_DIR,
    STATIC_DIR,
    parse_vietnamese_number,
    render_entry_form,
)
from baocao.schemas import CompiledForm


def _now() -> datetime:
    return datetime.now(UTC)


def _require_designer() -> Any:
    user = g.user
    if not (access.is_sysadmin(user) or access.can(user, access.Action.FORM_DESIGN)):
        abort(403)
    return user


def diagnostics_by_cell(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Diagnostics keyed by the address of the cell they are shown at; one about a
    range (FD007 ``A1:H40``) is shown at the range's first cell."""
    found: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        if item.get("sheet") and item.get("cell"):
            first = str(item["cell"]).split(":", 1)[0]
            found.setdefault(f"{item['sheet']}!{first}", []).append(item)
    return found


def _number(text: str) -> int | float | str | None:
    """A limit typed the Vietnamese way (``1.000.000``, ``12,5``); bad text is kept
    so that the service refuses it with its own message."""
    if not text.strip():
        return None
    value = parse_vietnamese_number(text)
    if value is None:
        return text
    return int(value) if float(value).is_integer() else value


def cell_change(values: Any) -> dict[str, Any]:
    """The side panel's fields as a service change (Vietnamese number input accepted)."""
    change: dict[str, Any] = {"role": values.get("role", "input")}
    title = (values.get("title") or "").strip()
    if title:
        change["title"] = title
    if change["role"] in ("input", "narrative"):
        change["kind"] = values.get("kind") or "decimal"
        change["required"] = values.get("required") == "on"
        for key in ("minimum", "maximum"):
            change[key] = _number(values.get(key, ""))
        lines = (values.get("enum") or "").replace(";", "\n").splitlines()
        change["enum"] = [v.strip() for v in lines if v.strip()] or None
        change["help"] = (values.get("help") or "").strip()
        change["indicator"] = (values.get("indicator") or "").strip()
    return change


def _groups(docs: dict[str, Any], marked: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every repeat group of the draft, saying whether the page marked it."""
    by_name = {m["name"]: m for m in marked}
    props = docs["schema"]["properties"]
    return [
        {"name": r["name"], "sheet": s["name"], "first_row": r["first_row"],
         "last_row": r["last_row"], "marked": r["name"] in by_name,
         "min_rows": props.get(r["name"], {}).get("minItems", 0),
         "max_rows": props.get(r["name"], {}).get("maxItems")}
        for s in docs["layout"]["sheets"] for r in s["repeats"]
    ]


class FormsView(BaseView):
    """Biểu mẫu: tải lên, xem trước, sửa ô, phát hành, so sánh phiên bản."""

    route_base = "/bieu-mau"
    default_view = "index"
    class_permission_name = "FormDesigner"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "index": "read", "upload": "write", "form": "read", "set_cell": "write",
        "publish": "write", "diff": "read", "static": "read",
        "mark_repeat": "write", "unmark_repeat": "write", "outline": "write",
        "create_outline": "write",
    }
    baocao_roles = (Role.DESIGNER,)

    @expose("/")
    @has_access
    def index(self) -> Any:
        _require_designer()
        return self.render_template(
            "baocao/forms/index.html", forms=service.list_forms(), diagnostics=None
        )

    @expose("/tai-len", methods=["POST"])
    @has_access
    def upload(self) -> Any:
        user = _require_designer()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(gettext("Choose an .xlsx template file to upload."), "danger")
            return redirect(url_for("FormsView.index"))
        name = request.form.get("name") or upload.filename.rsplit(".", 1)[0]
        try:
            form, _warnings = service.upload_form(
                upload.read(), name=name, owner_unit=user.unit_code or "",
                actor=user.username, now=_now(),
            )
        except FormCompileError as err:
            diagnostics = [d.to_dict() for d in err.diagnostics]
            flash(
                gettext(
                    "The template '%(name)s' has errors; nothing was saved. Fix the"
                    " Excel file and upload it again.",
                    name=name,
                ),
                "danger",
            )
            return self.render_template(
                "baocao/forms/index.html", forms=service.list_forms(),
                diagnostics=diagnostics, rejected=name,
            ), 422
        flash(
            gettext(
                "Template '%(name)s' compiled. Check every cell, then release it.",
                name=form.name,
            ),
            "success",
        )
        return redirect(url_for("FormsView.form", form_id=str(form.pk)))

    @expose("/de-cuong-moi", methods=["POST"])
    @has_access
    def create_outline(self) -> Any:
        """A form that is an outline only (no .xlsx); its sections come next."""
        user = _require_designer()
        try:
            form = outline_only.create_outline_form(
                name=request.form.get("name", ""), owner_unit=user.unit_code or "",
                actor=user.username, now=_now(),
            )
        except service.FormStoreError as err:
            flash(err.message, "danger")
            return redirect(url_for("FormsView.index"))
        flash(
            gettext(
                "Outline form '%(name)s' created. Add its sections, then release it.",
                name=form.name,
            ),
            "success",
        )
        return redirect(url_for("FormsView.form", form_id=str(form.pk)) + "#outline")

    @expose("/<form_id>")
    @has_access
    def form(self, form_id: str) -> Any:
        _require_designer()
        form = service.get_form(form_id)
        docs = service.draft_documents(form)
        compiled = CompiledForm(docs["schema"], docs["layout"], docs["formulas"])
        preview = (
            render_entry_form(
                compiled, {}, {}, readonly=True, form_id="bc-preview",
                lang=page_language(),
            )
            if form.has_workbook else ""
        )
        return self.render_template(
            "baocao/forms/form.html",
            form=form,
            preview=preview,
            cells=cell_facts(docs),
            overrides=form.overrides(),
            diagnostics=form.warnings,
            by_cell=diagnostics_by_cell(list(form.warnings)),
            versions=service.versions(form_id),
            selected=request.args.get("cell", ""),
            roles=[(r, CELL_ROLE_LABELS[r]) for r in ROLES],
            kinds=[(k, CELL_KIND_LABELS[k]) for k in KINDS],
            groups=_groups(docs, form.repeat_marks()),
            sheets=[s["name"] for s in docs["layout"]["sheets"]],
            outline=form.outline() or {"title": "", "sections": []},
        )

    @expose("/<form_id>/o", methods=["POST"])
    @has_access
    def set_cell(self, form_id: str) -> Any:
        _require_designer()
        address = request.form.get("address", "")
        if request.form.get("reset"):
            service.clear_override(form_id, address, now=_now())
            flash(
                gettext(
                    "Cell %(address)s is back as in the template file.", address=address
                ),
                "info",
            )
        else:
            change = cell_change(request.form)
            try:
                if change["role"] == "narrative":
                    marks.mark_narrative(form_id, address, change.get("title", ""),
                                         now=_now(), required=change["required"])
                else:
                    service.set_override(form_id, address, change, now=_now())
                flash(
                    gettext("Cell %(address)s updated.", address=address), "success"
                )
            except service.FormStoreError as err:
                flash(err.message, "danger")
        return redirect(url_for("FormsView.form", form_id=form_id, cell=address))

    @expose("/<form_id>/nhom-lap", methods=["POST"])
    @has_access
    def mark_repeat(self, form_id: str) -> Any:
        """Mark (or change) a repeatable row group from the selected rows."""
        _require_designer()
        spec = {k: request.form.get(k, "") for k in
                ("name", "sheet", "first_row", "last_row", "min_rows", "max_rows")}
        try:
            marks.mark_repeat(form_id, spec, now=_now())
            flash(
                gettext(
                    "Repeated row group %(name)s marked (rows %(first)s–%(last)s).",
                    name=spec["name"],
                    first=spec["first_row"],
                    last=spec["last_row"],
                ),
                "success",
            )
        except service.FormStoreError as err:
            flash(err.message, "danger")
        return redirect(url_for("FormsView.form", form_id=form_id) + "#repeats")

    @expose("/<form_id>/nhom-lap/bo", methods=["POST"])
    @has_access
    def unmark_repeat(self, form_id: str) -> Any:
        _require_designer()
        name = request.form.get("name", "")
        try:
            marks.unmark_repeat(form_id, name, now=_now())
            flash(gettext("Repeated row group %(name)s removed.", name=name), "info")
        except service.FormStoreError as err:
            flash(err.message, "danger")
        return redirect(url_for("FormsView.form", form_id=form_id) + "#repeats")

    @expose("/<form_id>/de-cuong", methods=["POST"])
    @has_access
    def outline(self, form_id: str) -> Any:
        """Save the outline designed in the page (posted as JSON text)."""
        _require_designer()
        try:
            raw = json.loads(request.form.get("outline") or "{}")
        except ValueError:
            raw = None
        try:
            saved = marks.set_outline(form_id, raw, now=_now())
            count = len(saved["sections"]) if saved else 0
            flash(
                gettext("Outline template saved (%(n)s sections).", n=count), "success"
            )
        except service.FormStoreError as err:
            flash(err.message, "danger")
        return redirect(url_for("FormsView.form", form_id=form_id) + "#outline")

    @expose("/<form_id>/phat-hanh", methods=["POST"])
    @has_access
    def publish(self, form_id: str) -> Any:
        user = _require_designer()
        try:
            version = service.publish(form_id, actor=user.username, now=_now())
        except service.FormStoreError as err:
            flash(err.message, "danger")
            return redirect(url_for("FormsView.form", form_id=form_id) + "#outline")
        flash(
            gettext(
                "Version %(n)s released; it can no longer be changed.", n=version.n
            ),
            "success",
        )
        return redirect(url_for("FormsView.form", form_id=form_id))

    @expose("/<form_id>/so-sanh")
    @has_access
    def diff(self, form_id: str) -> Any:
        _require_designer()
        form = service.get_form(form_id)
        old = request.args.get("from", type=int) or max(form.latest_version - 1, 1)
        new = request.args.get("to", type=int) or form.latest_version
        return self.render_template(
            "baocao/forms/diff.html", form=form, old=old, new=new,
            changes=service.diff_versions(form_id, old, new),
            outline_changes=service.diff_outline_versions(form_id, old, new),
            section_aspects=SECTION_ASPECTS,
            versions=service.versions(form_id), aspects=ASPECTS,
        )

    @expose("/tai-nguyen/<folder>/<path:name>")
    @has_access
    def static(self, folder: str, name: str) -> Any:
        """The renderers' grid script, stylesheet and fonts (side by side)."""
        roots = {"static": STATIC_DIR, "fonts": FONTS_DIR}
        if folder not in roots:
            abort(404)
        return send_from_directory(roots[folder], name, max_age=3600)
