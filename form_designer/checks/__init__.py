"""Stage 3: rules over the FormModel, one small function per rule.

Each rule takes the model and returns the diagnostics it finds; :func:`check`
runs them all, so a designer sees every problem of a template at once.
"""

from __future__ import annotations

from collections.abc import Callable

from baocao.form_designer.checks.repeats import (
    check_repeat_formulas,
    check_repeat_inputs,
    check_repeat_merges,
    check_repeat_overlaps,
)
from baocao.form_designer.checks.rules import (
    check_duplicate_indicators,
    check_has_inputs,
    check_repeat_names,
    check_validation_lists,
)
from baocao.form_designer.errors import Diagnostic
from baocao.form_designer.model import FormModel

Rule = Callable[[FormModel], list[Diagnostic]]

#: Every rule, in the order their diagnostics are listed.
RULES: tuple[Rule, ...] = (
    check_has_inputs,
    check_repeat_names,
    check_repeat_overlaps,
    check_repeat_inputs,
    check_repeat_merges,
    check_validation_lists,
    check_duplicate_indicators,
)


def check(model: FormModel) -> list[Diagnostic]:
    """Run every rule and return all their diagnostics."""
    return [diagnostic for rule in RULES for diagnostic in rule(model)]


__all__ = ["RULES", "check", "check_repeat_formulas"]
