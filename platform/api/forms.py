"""Form endpoints of DESIGN.md §8: upload a template, publish, read a version.

Thin: parse the request, call :mod:`baocao.platform.services.forms`, answer.
Errors are ``BaocaoError`` leaves; the app's single handler turns them into JSON
(a bad template: 422 with every diagnostic, and nothing stored).
"""

from __future__ import annotations

from typing import Any

from apispec.exceptions import DuplicateComponentNameError
from flask import request
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect

from baocao.platform.api.workflow_common import caller, forbid, iso, json_payload, utc_now
from baocao.platform.roles import Role
from baocao.platform.services import access
from baocao.platform.services import form_marks as marks
from baocao.platform.services import forms as service
from baocao.platform.services import forms_outline_only as outline_only


#: One section of a narrative outline, as stored, returned by the version
#: endpoint and sent to ``PUT …/outline`` (checked by ``form_outline``).
OUTLINE_SECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title"],
    "additionalProperties": False,
    "properties": {
        "key": {
            "type": "string",
            "pattern": "^m[1-9][0-9]{0,5}$",
            "description": "Khoá mục (m1, m2, …) giữ khi sửa; bỏ trống: cấp mới",
        },
        "title": {"type": "string", "minLength": 1, "maxLength": 300},
        "level": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1,
                  "description": "Lớn hơn cấp của mục trước nhiều nhất 1"},
        "guidance": {"type": "string", "maxLength": 2000, "default": ""},
        "required": {"type": "boolean", "default": False},
        "word_limit": {"type": "integer", "nullable": True, "minimum": 1,
                       "maximum": 100000,
                       "description": "Giới hạn số từ; null: không giới hạn"},
    },
}


def require_designer(action: str) -> Any:
    """The caller, when it designs forms (thietke) or is the system admin."""
    user = caller()
    if not (access.is_sysadmin(user) or access.can(user, access.Action.FORM_DESIGN)):
        raise forbid(action, "thiết kế biểu mẫu")
    return user


def form_json(form: Any) -> dict[str, Any]:
    return {
        "id": str(form.pk),
        "name": form.name,
        "status": form.status,
        "owner_unit": form.owner_unit,
        "latest_version": form.latest_version,
        "source_sha256": form.source_sha256,
        "has_workbook": form.has_workbook,
        "created_by": form.created_by,
        "created_at": iso(form.created_at),
        "updated_at": iso(form.updated_at),
    }


class FormsApi(BaseApi):
    """Form templates and their immutable versions (Đ.7.1, Đ.8)."""

    resource_name = "forms"
    class_permission_name = "Forms"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "upload": "post",
        "list_forms": "get",
        "publish": "post",
        "get_version": "get",
        "set_cell": "put",
        "set_outline": "put",
        "diff": "get",
    }
    openapi_spec_tag = "Biểu mẫu"
    #: Every role reads published versions (to fill and check reports); writing,
    #: listing and comparing are checked by :func:`require_designer`.
    baocao_roles = tuple(Role)

    def add_apispec_components(self, api_spec: Any) -> None:
        """FAB's components plus the outline section the form endpoints name."""
        super().add_apispec_components(api_spec)
        try:
            api_spec.components.schema("OutlineSection", OUTLINE_SECTION_SCHEMA)
        except DuplicateComponentNameError:
            pass

    @expose("", methods=["POST"])
    @protect()
    def upload(self) -> Any:
        """Upload and compile a template, or create an outline-only form.
        ---
        post:
          summary: Tải lên mẫu .xlsx (multipart file, name) và biên dịch, hoặc tạo
            biểu mẫu chỉ có đề cương (JSON name, outline)
          description: >-
            multipart/form-data: tệp .xlsx được biên dịch. application/json: biểu
            mẫu nháp chỉ có mẫu đề cương, không có tệp Excel; `outline` là danh
            sách mục như ở PUT /forms/{id}/outline (có thể bỏ trống rồi thêm sau).
          requestBody:
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    file: {type: string, format: binary}
                    name: {type: string}
              application/json:
                schema:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string, maxLength: 300}
                    outline:
                      type: array
                      items: {$ref: "#/components/schemas/OutlineSection"}
          responses:
            201: {description: "{id, status: draft, diagnostics}"}
            400: {description: Thiếu tệp mẫu (multipart)}
            403: {description: Không có quyền}
            422: {description: "Mẫu có lỗi, kèm mọi chẩn đoán; hoặc đề cương sai
              (FS005, FS016 kèm problems, FS019); không lưu gì"}
        """
        user = require_designer("tải lên biểu mẫu")
        if request.is_json:
            return self._create_outline_form(user)
        upload = request.files.get("file")
        if upload is None:
            return self.response_400(message="Thiếu tệp mẫu (trường 'file', định dạng .xlsx).")
        name = request.form.get("name") or (upload.filename or "").rsplit(".", 1)[0]
        form, warnings = service.upload_form(
            upload.read(),
            name=name,
            owner_unit=getattr(user, "unit_code", None) or "",
            actor=user.username,
            now=utc_now(),
        )
        return self.response(201, id=str(form.pk), status=form.status, diagnostics=warnings)

    def _create_outline_form(self, user: Any) -> Any:
        """The JSON branch of :meth:`upload`: the same service as the page's
        "Tạo đề cương không cần tệp Excel", with the sections at once."""
        name, outline = outline_only.outline_form_request(request.get_json(silent=True))
        form = outline_only.create_outline_form(
            name=name,
            outline=outline,
            owner_unit=getattr(user, "unit_code", None) or "",
            actor=user.username,
            now=utc_now(),
        )
        return self.response(201, id=str(form.pk), status=form.status, diagnostics=[])

    @expose("", methods=["GET"])
    @protect()
    def list_forms(self) -> Any:
        """List forms.
        ---
        get:
          summary: Danh sách biểu mẫu
          responses:
            200: {description: "{count, items}"}
        """
        require_designer("xem danh sách biểu mẫu")
        items = [form_json(f) for f in service.list_forms()]
        return self.response(200, count=len(items), items=items)

    @expose("/<form_id>/publish", methods=["POST"])
    @protect()
    def publish(self, form_id: str) -> Any:
        """Publish the draft as a new immutable version.
        ---
        post:
          summary: Phát hành phiên bản mới (không sửa được nữa)
          responses:
            200: {description: "{version}"}
            404: {description: Không có biểu mẫu}
        """
        user = require_designer("phát hành biểu mẫu")
        version = service.publish(form_id, actor=user.username, now=utc_now())
        return self.response(200, version=version.n)

    @expose("/<form_id>/versions/<int:n>", methods=["GET"])
    @protect()
    def get_version(self, form_id: str, n: int) -> Any:
        """One published version.
        ---
        get:
          summary: Tài liệu của một phiên bản (schema, layout, formulas)
          responses:
            200: {description: "{schema, layout, formulas, help, outline}"}
            404: {description: Không có phiên bản này}
        """
        version = service.get_version(form_id, n)
        docs = version.documents()
        return self.response(
            200,
            schema=docs["schema"],
            layout=docs["layout"],
            formulas=docs["formulas"],
            help=docs.get("help", {}),
            outline=version.outline(),
            version=version.n,
            source_sha256=version.source_sha256,
            compiler_version=version.compiler_version,
            published_at=iso(version.published_at),
            published_by=version.published_by,
        )

    @expose("/<form_id>/cells/<path:address>", methods=["PUT"])
    @protect()
    def set_cell(self, form_id: str, address: str) -> Any:
        """Change one cell of the draft.
        ---
        put:
          summary: Sửa vai trò, kiểu, bắt buộc, giới hạn, danh sách, hướng dẫn, mã chỉ tiêu của ô
          responses:
            200: {description: "{cell, role}"}
            422: {description: Thay đổi không hợp lệ}
        """
        require_designer("sửa biểu mẫu")
        docs = service.set_override(form_id, address, json_payload(), now=utc_now())
        prop = docs["schema"]["properties"].get(address)
        return self.response(200, cell=address, property=prop)

    @expose("/<form_id>/outline", methods=["PUT"])
    @protect()
    def set_outline(self, form_id: str) -> Any:
        """Replace the draft's narrative outline (published versions keep theirs).
        ---
        put:
          summary: Thay toàn bộ mẫu đề cương của bản nháp (các mục, thứ tự, cấp)
          description: >-
            Cùng kiểm tra như trang thiết kế. Mục có `key` (m1, m2, …) giữ danh
            tính khi đổi tên hoặc đổi chỗ; mục không có `key` được cấp khoá mới.
            `sections: []` xoá hết các mục. Phiên bản đã phát hành không đổi;
            lần phát hành sau lấy đề cương này.
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [sections]
                  properties:
                    title: {type: string, maxLength: 300}
                    sections:
                      type: array
                      maxItems: 200
                      items: {$ref: "#/components/schemas/OutlineSection"}
          responses:
            200: {description: "{id, outline: {title, sections} | null}"}
            403: {description: Không có quyền}
            404: {description: Không có biểu mẫu}
            422: {description: "FS016: mọi lỗi, kèm problems [{section, field,
              message}]; không lưu gì"}
        """
        require_designer("sửa mẫu đề cương")
        payload = request.get_json(silent=True)
        outline = marks.set_outline(form_id, payload, now=utc_now())
        return self.response(200, id=form_id, outline=outline)

    @expose("/<form_id>/diff", methods=["GET"])
    @protect()
    def diff(self, form_id: str) -> Any:
        """Differences between two versions.
        ---
        get:
          summary: Khác biệt từng ô giữa hai phiên bản (?from=1&to=2)
          responses:
            200: {description: "{changes}"}
        """
        require_designer("so sánh phiên bản")
        old = request.args.get("from", type=int) or 1
        new = request.args.get("to", type=int) or service.get_form(form_id).latest_version
        return self.response(200, changes=service.diff_versions(form_id, old, new))
