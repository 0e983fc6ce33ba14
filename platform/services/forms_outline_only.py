"""Forms that are a narrative outline only: made in the page, no .xlsx (issue #4).

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
from baocao.platform.services.forms import FormCode, FormStoreError
from bson import ObjectId

MAX_NAME = 300


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
    *, name: str, owner_unit: str, actor: str, now: datetime
) -> Form:
    """A new draft form that is a narrative outline only (no .xlsx): the lead
    agency designs its sections in the page, then publishes it like any form.

    :raises FormStoreError: (422) FS005 when the name is blank or too long.
    """
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise FormStoreError(FormCode.FS005)
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
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    form.save(force_insert=True)
    return form
