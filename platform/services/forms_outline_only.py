"""Forms that are a narrative outline only, no .xlsx (issue #4): made in the
page or by ``POST /api/v1/forms`` with a JSON body.

A lead agency that asks only for a narrative report (báo cáo theo đề cương)
creates such a form in the designer, writes its sections in the outline
designer and publishes it: the version is frozen, numbered and diffable like
any other. Its documents have no sheet, so the workflow validates nothing,
the PDF prints the narrative alone, and whatever needs the grid or the
workbook refuses it with FS017 (:func:`.forms.require_workbook`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from baocao.form_designer import COMPILER_VERSION
from baocao.form_designer.emit_formulas import FORMULAS_VERSION
from baocao.form_designer.emit_layout import LAYOUT_VERSION
from baocao.form_designer.emit_schema import JSON_SCHEMA_DIALECT
from baocao.platform.models.forms import Form
from baocao.platform.services.form_marks import check_outline
from baocao.platform.services.forms import FormCode, FormStoreError
from bson import ObjectId

MAX_NAME = 300
#: The fields of ``POST /api/v1/forms`` as JSON (an outline-only form).
REQUEST_FIELDS = ("name", "outline")


def outline_documents(key: str) -> dict[str, Any]:
    """The compiled documents of a form without a workbook: no sheet, no cell,
    no formula (valid against the meta-schemas, so every loader accepts them).

    :param key: a hex text naming the form in the schema's ``$id``.
    """
    return {
        "schema": {
            "$schema": JSON_SCHEMA_DIALECT,
            "$id": f"urn:baocao:form:{key}",
            "type": "object",
            "additionalProperties": False,
            "properties": {},
            "required": [],
        },
        "layout": {"version": LAYOUT_VERSION, "sheets": []},
        "formulas": {
            "version": FORMULAS_VERSION,
            "cells": {},
            "order": [],
            "constants": {},
            "inputs": {},
        },
    }


def create_outline_form(
    *, name: Any, owner_unit: str, actor: str, now: datetime, outline: Any = None
) -> Form:
    """A new draft form that is a narrative outline only (no .xlsx). The page
    creates it by name and designs the sections next; the API may send the
    sections at once. Either way they are checked like every outline edit
    (:func:`.form_marks.check_outline`), before anything is stored.

    :param outline: None (no section yet), a list of sections, or
        ``{"title", "sections"}`` as ``GET …/versions/{n}`` returns it.
    :raises FormStoreError: (422) FS005 when the name is blank or too long;
        FS019 when ``outline`` is neither a list nor an object.
    :raises OutlineError: (422) FS016 listing every problem of the sections.
    """
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > MAX_NAME:
        raise FormStoreError(FormCode.FS005)
    stored = _checked_outline(outline)
    pk = ObjectId()
    form = Form(
        pk=pk,
        name=name,
        owner_unit=owner_unit or "",
        source_file_id=None,
        source_sha256="",
        compiler_version=COMPILER_VERSION,
        base_json=json.dumps(outline_documents(hashlib.sha256(pk.binary).hexdigest())),
        warnings=[],
        outline_json=json.dumps(stored, ensure_ascii=False) if stored else "",
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    form.save(force_insert=True)
    return form


def _checked_outline(outline: Any) -> dict[str, Any] | None:
    if outline is None:
        return None
    if isinstance(outline, list):
        outline = {"title": "", "sections": outline}
    if not isinstance(outline, dict):
        raise FormStoreError(
            FormCode.FS019, problem="'outline' phải là danh sách các mục [{...}, {...}]"
        )
    return check_outline(outline)


def outline_form_request(payload: Any) -> tuple[Any, Any]:
    """``(name, outline)`` from the JSON body of ``POST /api/v1/forms``.

    :raises FormStoreError: (422) FS019 when the body is not a JSON object or
        has a field other than ``name`` and ``outline``.
    """
    if not isinstance(payload, dict):
        raise FormStoreError(
            FormCode.FS019, problem="nội dung gửi lên không phải một đối tượng JSON"
        )
    unknown = sorted(set(payload) - set(REQUEST_FIELDS))
    if unknown:
        raise FormStoreError(
            FormCode.FS019,
            problem=f"không có trường '{unknown[0]}'; chỉ dùng: "
            f"{', '.join(REQUEST_FIELDS)}",
        )
    return payload.get("name"), payload.get("outline")
