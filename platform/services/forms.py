"""The form store: upload → compile → designer overrides → publish (DESIGN.md §4, §8).

A form may also be a narrative outline only (:mod:`.forms_outline_only`): it
has no workbook, its documents have no sheet, and everything that needs a grid
or the .xlsx refuses it with FS017.

Nothing is stored for a template with errors: :func:`upload_form` compiles first
and lets :class:`~baocao.form_designer.FormCompileError` (422, every
diagnostic) through. A publish snapshots the draft into an immutable
:class:`~baocao.platform.models.FormVersion` numbered 1, 2, …; the app registers
:func:`load_compiled` as ``app.extensions["baocao_form_loader"]`` so that
workflow saves validate and recompute with the real version.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
from datetime import datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId

from baocao.form_designer import compile_workbook
from baocao.platform import db as documents
from baocao.platform.models.forms import Form, FormVersion
from baocao.platform.services.form_overrides import (
    FIELDS,
    OverrideProblem,
    apply_overrides,
    check_documents,
)
from baocao.schemas import CompiledForm
from baocao.schemas.errors import BaocaoError, Detail, DetailEnum

SOURCES = "form_sources"


class FormCode(DetailEnum):
    """Codes of the form store (FS = form store)."""

    FS001 = Detail("form not found", "Không tìm thấy biểu mẫu '{form_id}'.")
    FS002 = Detail(
        "version not found",
        "Biểu mẫu '{form_id}' chưa có phiên bản {n}; các phiên bản đã phát hành: {known}.",
    )
    FS003 = Detail("bad override", "{message}")
    FS004 = Detail(
        "overrides break the documents",
        "Thay đổi làm biểu mẫu không còn hợp lệ: {problems}. Hãy hoàn tác thay đổi vừa làm.",
    )
    FS005 = Detail("missing name", "Hãy đặt tên cho biểu mẫu (tối đa 300 ký tự).")
    FS006 = Detail("unknown field", "Không sửa được thuộc tính '{field}'; chỉ được: {allowed}.")
    FS007 = Detail(
        "bad repeat group name",
        "Tên nhóm dòng lặp '{value}' không hợp lệ: dùng chữ cái không dấu, số và dấu "
        "gạch dưới, bắt đầu bằng chữ cái, tối đa 40 ký tự (ví dụ du_an).",
    )
    FS008 = Detail(
        "bad repeat rows",
        "Vùng dòng '{value}' không hợp lệ trên sheet '{sheet}': hãy chọn từ dòng đầu "
        "tới dòng cuối của nhóm, trong phạm vi 1–{max_row}.",
    )
    FS009 = Detail("bad repeat row counts", "Nhóm dòng lặp {name}: {problem}.")
    FS010 = Detail(
        "overridden cells inside a new group",
        "Các ô {cells} trong vùng dòng {rows} đã được sửa riêng. Hãy bấm 'Trả về như "
        "tệp mẫu' cho các ô đó trước khi đánh dấu nhóm dòng lặp.",
    )
    FS011 = Detail("mark refused by the compiler", "Không đánh dấu được: {problems}")
    FS012 = Detail(
        "group named in the workbook",
        "Nhóm {name} được khai báo trong tệp Excel (tên vùng LAP_{name}); hãy xoá tên "
        "vùng đó trong Formulas > Name Manager rồi tải mẫu lên lại.",
    )
    FS013 = Detail(
        "unknown repeat mark", "Không có nhóm dòng lặp '{name}' do trang thiết kế đánh dấu."
    )
    FS014 = Detail(
        "narrative without title",
        "Đoạn văn ở ô {address} cần một tiêu đề (1–300 ký tự), ví dụ 'Đánh giá chung'.",
    )
    FS015 = Detail(
        "narrative inside a merge",
        "Ô {address} nằm trong vùng gộp {merge}; hãy chọn ô đầu vùng ({anchor}).",
    )
    FS016 = Detail("bad outline", "Mẫu đề cương chưa lưu: {problems}.")
    FS017 = Detail(
        "outline-only form has no workbook",
        "Biểu mẫu '{name}' chỉ có mẫu đề cương, không có tệp Excel nên không có bảng "
        "số liệu để {what}. Hãy thiết kế các mục ở phần 'Mẫu đề cương', hoặc tải lên "
        "tệp mẫu .xlsx thành một biểu mẫu khác.",
    )
    FS018 = Detail(
        "outline-only form without sections",
        "Biểu mẫu '{name}' chỉ có mẫu đề cương nhưng chưa có mục nào nên chưa phát "
        "hành được. Hãy thêm ít nhất một mục ở phần 'Mẫu đề cương' rồi lưu.",
    )
    FS019 = Detail(
        "bad outline-only form request",
        "Yêu cầu tạo biểu mẫu đề cương chưa đúng dạng: {problem}. Hãy gửi JSON "
        '{{"name": "Tên biểu mẫu", "outline": [{{"title": "Tình hình chung", '
        '"level": 1}}]}} (Content-Type: application/json).',
    )


class FormStoreError(BaocaoError):
    """Base of the form store's errors."""

    http_status = 422

    def __init__(self, code: FormCode, **fields: Any) -> None:
        super().__init__(code.format(**fields), code=code.name)
        self.fields = fields


class FormNotFoundError(FormStoreError, LookupError):
    """Unknown form or version (also a ``LookupError`` for the workflow loader)."""

    http_status = 404


class NoWorkbookError(FormStoreError, LookupError):
    """An outline-only form asked for its grid or its .xlsx (FS017, 409).

    A ``LookupError`` too, so that loaders' callers that already fall back when
    a source is missing (the aggregate's .xlsx) say so instead of crashing.
    """

    http_status = 409


def require_workbook(form: Form | FormVersion, what: str) -> None:
    """:raises NoWorkbookError: (409) ``form`` is an outline only."""
    if not form.has_workbook:
        name = form.name if isinstance(form, Form) else get_form(form.form_id).name
        raise NoWorkbookError(FormCode.FS017, name=name, what=what)


class FormOverrideError(FormStoreError):
    """A designer's change that cannot be applied."""

    def __init__(self, code: FormCode, *, cell: str = "", **fields: Any) -> None:
        super().__init__(code, **fields)
        self.cell = cell

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "cell": self.cell}


class Status(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


def upload_form(
    data: bytes, *, name: str, owner_unit: str, actor: str, now: datetime
) -> tuple[Form, list[dict[str, Any]]]:
    """Compile and store a new draft form; returns it with its warnings.

    :raises FormCompileError: (422) with every diagnostic; nothing is stored.
    """
    name = (name or "").strip()
    if not name or len(name) > 300:
        raise FormStoreError(FormCode.FS005)
    compiled = compile_workbook(data)
    warnings = [w.to_dict() for w in compiled.warnings]
    file_id = documents.get_gridfs(SOURCES).put(data, filename=f"{name}.xlsx")
    base = {"schema": compiled.schema, "layout": compiled.layout, "formulas": compiled.formulas}
    form = Form(
        name=name,
        owner_unit=owner_unit or "",
        source_file_id=file_id,
        source_sha256=hashlib.sha256(data).hexdigest(),
        compiler_version=compiled.compiler_version,
        base_json=json.dumps(base, ensure_ascii=False),
        warnings=warnings,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    form.save()
    return form, warnings


def get_form(form_id: str) -> Form:
    """:raises FormNotFoundError: (404)."""
    try:
        form = Form.objects(pk=ObjectId(str(form_id))).first()
    except (InvalidId, TypeError):
        form = None
    if form is None:
        raise FormNotFoundError(FormCode.FS001, form_id=form_id)
    return form


def list_forms() -> list[Form]:
    return list(Form.objects.order_by("-updated_at"))


def draft_documents(form: Form) -> dict[str, Any]:
    """The draft: the compiler's documents with the designer's overrides applied."""
    try:
        return apply_overrides(form.base(), form.overrides())
    except OverrideProblem as problem:  # stored overrides were checked when set
        raise FormOverrideError(FormCode.FS003, cell=problem.address, message=problem.message)


def set_override(
    form_id: str, address: str, change: dict[str, Any], *, now: datetime
) -> dict[str, Any]:
    """Set (merge) the designer's change of one cell; returns the new draft documents.

    ``change`` keys: role, kind, required, minimum, maximum, enum, help,
    indicator. The result is checked like a compile; on any problem nothing is
    kept.
    """
    form = get_form(form_id)
    require_workbook(form, "sửa ô")
    unknown = sorted(set(change) - set(FIELDS))
    if unknown:
        raise FormOverrideError(
            FormCode.FS006, cell=address, field=unknown[0], allowed=", ".join(FIELDS)
        )
    overrides = form.overrides()
    overrides[address] = {**overrides.get(address, {}), **change}
    try:
        docs = apply_overrides(form.base(), overrides)
    except OverrideProblem as problem:
        raise FormOverrideError(
            FormCode.FS003, cell=problem.address, message=problem.message
        ) from None
    problems = check_documents(docs)
    if problems:
        raise FormOverrideError(FormCode.FS004, cell=address, problems="; ".join(problems[:3]))
    form.overrides_json = json.dumps(overrides, ensure_ascii=False)
    form.updated_at = now
    form.save()
    return docs


def clear_override(form_id: str, address: str, *, now: datetime) -> None:
    """Forget the designer's changes of one cell (back to the compiler's guess)."""
    form = get_form(form_id)
    overrides = form.overrides()
    if overrides.pop(address, None) is not None:
        form.overrides_json = json.dumps(overrides, ensure_ascii=False)
        form.updated_at = now
        form.save()


def publish(form_id: str, *, actor: str, now: datetime) -> FormVersion:
    """Snapshot the draft as the next immutable version.

    :raises FormStoreError: (422) FS018 an outline-only form with no section.
    """
    form = get_form(form_id)
    if not form.has_workbook and not form.outline():
        raise FormStoreError(FormCode.FS018, name=form.name)
    docs = draft_documents(form)
    version = FormVersion(
        form_id=str(form.pk),
        n=form.latest_version + 1,
        source_file_id=form.source_file_id,
        source_sha256=form.source_sha256,
        compiler_version=form.compiler_version,
        documents_json=json.dumps(docs, ensure_ascii=False),
        overrides_json=form.overrides_json,
        repeats_json=form.repeats_json,
        outline_json=form.outline_json,
        published_by=actor,
        published_at=now,
    )
    version.save()
    form.latest_version = version.n
    form.status = Status.PUBLISHED.value
    form.updated_at = now
    form.save()
    return version


def get_version(form_id: str, n: int | None = None) -> FormVersion:
    """Version ``n`` (None: the latest published). :raises FormNotFoundError: (404)."""
    form = get_form(form_id)
    number = form.latest_version if n is None else int(n)
    found = FormVersion.objects(form_id=str(form.pk), n=number).first()
    if found is None:
        known = ", ".join(str(v.n) for v in FormVersion.objects(form_id=str(form.pk))) or "chưa có"
        raise FormNotFoundError(FormCode.FS002, form_id=form_id, n=n, known=known)
    return found


def versions(form_id: str) -> list[FormVersion]:
    return list(FormVersion.objects(form_id=str(get_form(form_id).pk)).order_by("n"))


def source_bytes(file_id: Any) -> bytes:
    """The uploaded .xlsx of a form or version."""
    return bytes(documents.get_gridfs(SOURCES).get(file_id).read())


def load_source(form_id: str, version: int | None) -> bytes:
    """The .xlsx a published version was compiled from (for filled exports).

    :raises FormNotFoundError: (a ``LookupError``) for an unknown form or version.
    :raises NoWorkbookError: (a ``LookupError``) the form is an outline only.
    """
    found = get_version(form_id, version)
    require_workbook(found, "tải về dạng .xlsx")
    return source_bytes(found.source_file_id)


def load_compiled(form_id: str, version: int | None) -> CompiledForm:
    """The workflow's form loader: a published version as a ``CompiledForm``.

    A numbered version never changes and is never deleted, so it is read from
    the store once per process (every save of a report asks for it); None
    (the latest) is looked up each time.

    :raises FormNotFoundError: (a ``LookupError``) for an unknown form or version.
    """
    if version is not None:
        return _published(str(form_id), int(version))
    return _compiled_version(get_version(form_id, version))


@functools.lru_cache(maxsize=256)
def _published(form_id: str, version: int) -> CompiledForm:
    """Version ``version`` of a form; a missing one raises and is not kept."""
    return _compiled_version(get_version(form_id, version))


def _compiled_version(found: FormVersion) -> CompiledForm:
    return _compiled(str(found.pk), found.documents_json, found.source_sha256,
                     found.compiler_version)


@functools.lru_cache(maxsize=64)
def _compiled(pk: str, documents_json: str, sha: str, compiler: str) -> CompiledForm:
    """Versions never change, so their parsed documents are kept (keyed by the text)."""
    del pk
    docs = json.loads(documents_json)
    schema = _with_help(docs["schema"], docs.get("help") or {})
    return CompiledForm(schema, docs["layout"], docs["formulas"], sha, compiler)


def _with_help(schema: dict[str, Any], helps: dict[str, str]) -> dict[str, Any]:
    """The designer's help texts as each input's ``description`` (a JSON Schema
    annotation: validation ignores it, the entry grid shows it at the cell)."""
    properties = schema.get("properties", {})
    for address, text in helps.items():
        if isinstance(properties.get(address), dict) and text:
            properties[address] = {**properties[address], "description": text}
    return schema


def load_outline(form_id: str, version: int | None) -> dict[str, Any] | None:
    """The narrative outline of a published version (None when it has none).

    :raises FormNotFoundError: (a ``LookupError``) for an unknown form or version.
    """
    return get_version(form_id, version).outline()


def diff_outline_versions(form_id: str, old: int, new: int) -> list[dict[str, Any]]:
    """Section-by-section differences of the outlines of two versions."""
    from baocao.platform.services.form_outline import diff_outlines

    return diff_outlines(get_version(form_id, old).outline(), get_version(form_id, new).outline())


def diff_versions(form_id: str, old: int, new: int) -> list[dict[str, Any]]:
    """Cell-by-cell differences from version ``old`` to version ``new``."""
    from baocao.platform.services.form_diff import diff_documents

    return diff_documents(get_version(form_id, old).documents(), get_version(form_id, new).documents())
