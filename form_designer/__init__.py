""".xlsx template → CompiledForm compiler. Pure code: bytes in, dataclasses out.

Stages (STYLE.md §2): ``read_workbook`` → ``parse`` → ``check`` →
``build_formulas`` → ``emit_schema`` / ``emit_layout`` / ``emit_formulas``.
"""

from baocao.form_designer.compiler import COMPILER_VERSION, compile_workbook
from baocao.form_designer.errors import (
    Code,
    Diagnostic,
    FillError,
    FormCompileError,
    FormDesignError,
    Severity,
)
from baocao.form_designer.limits import Limits
from baocao.form_designer.model import Repeat

__all__ = [
    "COMPILER_VERSION",
    "Code",
    "Diagnostic",
    "FillError",
    "FormCompileError",
    "FormDesignError",
    "Limits",
    "Repeat",
    "Severity",
    "compile_workbook",
]
