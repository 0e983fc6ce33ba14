"""The public entry point: .xlsx bytes → :class:`~baocao.schemas.CompiledForm`.

Stages (STYLE.md §2): :func:`read_workbook` → :func:`parse` → :func:`check` →
:func:`build_formulas` → ``emit_schema`` / ``emit_layout`` / ``emit_formulas``.
Diagnostics of every stage are collected; any error raises one
:class:`FormCompileError` carrying all of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from baocao.form_designer.checks import check, check_repeat_formulas
from baocao.form_designer.emit_formulas import emit_formulas
from baocao.form_designer.emit_layout import emit_layout
from baocao.form_designer.emit_schema import emit_schema
from baocao.form_designer.errors import Diagnostic, FormCompileError
from baocao.form_designer.graph import build_formulas
from baocao.form_designer.limits import Limits
from baocao.form_designer.model import Repeat
from baocao.form_designer.parse import parse
from baocao.form_designer.reader import read_workbook
from baocao.schemas.compiled import CompiledForm

#: Recorded in every CompiledForm; bump when the documents' content changes.
COMPILER_VERSION = "baocao.form_designer/1"


def _sort_key(diagnostic: Diagnostic) -> tuple[int, str, str]:
    return (0 if diagnostic.is_error else 1, diagnostic.code.name, diagnostic.sheet)


def compile_workbook(
    data: bytes, limits: Limits | None = None, *, repeats: Sequence[Repeat] = ()
) -> CompiledForm:
    """Compile an uploaded template into the three CompiledForm documents.

    :param data: the .xlsx bytes as uploaded (never a path: no I/O here).
    :param limits: size limits; the defaults suit real report templates.
    :param repeats: repeatable row groups marked by a designer in the page, added
        to the workbook's ``LAP_<name>`` groups and checked like them.
    :raises FormCompileError: with every diagnostic when the template has errors.
    """
    limits = limits or Limits()
    workbook = read_workbook(data, limits)
    model = parse(workbook, extra_repeats=tuple(repeats))
    graph = build_formulas(model, limits)
    diagnostics = [
        *workbook.warnings,
        *check(model),
        *graph.diagnostics,
        *check_repeat_formulas(model, graph),
    ]
    if any(d.is_error for d in diagnostics):
        raise FormCompileError(diagnostics)
    sha = hashlib.sha256(data).hexdigest()
    return CompiledForm(
        schema=emit_schema(model, sha),
        layout=emit_layout(model),
        formulas=emit_formulas(model, graph),
        source_sha256=sha,
        compiler_version=COMPILER_VERSION,
        warnings=tuple(diagnostics),
    )
