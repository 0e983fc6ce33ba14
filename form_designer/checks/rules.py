"""The model rules (pyxform's ``validators/pyxform`` style: one rule per function)."""

from __future__ import annotations

from baocao.form_designer.errors import Code, Diagnostic
from baocao.form_designer.model import FormModel


def check_has_inputs(model: FormModel) -> list[Diagnostic]:
    """A form must have at least one cell a unit can fill (FD020)."""
    return [] if model.fields else [Diagnostic.make(Code.FD020)]


def check_repeat_names(model: FormModel) -> list[Diagnostic]:
    """``LAP_<name>`` must point to one block of rows on one sheet (FD018)."""
    return [
        Diagnostic.make(
            Code.FD018,
            sheet=defined.destinations[0][0] if defined.destinations else "",
            value=f"{defined.name} = {defined.text}",
        )
        for defined in model.bad_repeats
    ]


def check_validation_lists(model: FormModel) -> list[Diagnostic]:
    """A list whose choices cannot be read leaves a free-text input (FD021)."""
    return [
        Diagnostic.make(
            Code.FD021,
            sheet=f.source.sheet,
            cell=f.source.cell,
            value=f.options_from or "",
        )
        for f in model.fields
        if f.options_from is not None
    ]


def check_duplicate_indicators(model: FormModel) -> list[Diagnostic]:
    """One indicator code binds one cell (FD019)."""
    seen: dict[str, str] = {}
    out = []
    for field in model.fields:
        code = field.indicator
        if code is None:
            continue
        if code in seen:
            out.append(
                Diagnostic.make(
                    Code.FD019,
                    sheet=field.source.sheet,
                    cell=field.source.cell,
                    value=code,
                    other=seen[code],
                )
            )
        else:
            seen[code] = field.source.address
    return out
