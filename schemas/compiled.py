"""The CompiledForm: what a published form version stores (DESIGN.md §4).

The three documents are plain JSON-ready dicts so that they can be stored in
MongoDB, served by the API and validated by the meta-schemas in this package.
Their shapes are described in ``docs/compiled_form.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class CompiledForm:
    """A compiled .xlsx template."""

    schema: dict[str, Any]
    """JSON Schema 2020-12 of the data a unit submits, keyed by cell address."""
    layout: dict[str, Any]
    """What renderers need to draw the form like the sheet."""
    formulas: dict[str, Any]
    """Every computed cell's formula, dependencies and evaluation order."""
    source_sha256: str = ""
    """Hex sha256 of the uploaded .xlsx bytes."""
    compiler_version: str = ""
    """Version of baocao.form_designer that produced the documents."""
    warnings: tuple[Any, ...] = field(default=())
    """Non-fatal diagnostics (errors raise ``FormCompileError`` instead)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the three documents and the provenance fields."""
        return {
            "schema": self.schema,
            "layout": self.layout,
            "formulas": self.formulas,
            "source_sha256": self.source_sha256,
            "compiler_version": self.compiler_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CompiledForm:
        """Rebuild from :meth:`to_dict` output (e.g. a stored form version)."""
        return cls(
            schema=data["schema"],
            layout=data["layout"],
            formulas=data["formulas"],
            source_sha256=data.get("source_sha256", ""),
            compiler_version=data.get("compiler_version", ""),
        )
