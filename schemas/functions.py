"""The function registry: every Excel function the engine evaluates.

Each category module contributes a ``FUNCTIONS`` dict of
:class:`~baocao.schemas._spec.FunctionSpec`; adding a function means adding one
entry there (CTFd's ``CHALLENGE_CLASSES`` pattern), never an ``elif``.
"""

from __future__ import annotations

from baocao.schemas import (
    _fn_criteria,
    _fn_date,
    _fn_logic,
    _fn_lookup,
    _fn_math,
    _fn_text,
)
from baocao.schemas._spec import FunctionSpec

FUNCTIONS: dict[str, FunctionSpec] = {
    **_fn_math.FUNCTIONS,
    **_fn_criteria.FUNCTIONS,
    **_fn_logic.FUNCTIONS,
    **_fn_lookup.FUNCTIONS,
    **_fn_text.FUNCTIONS,
    **_fn_date.FUNCTIONS,
}

SUPPORTED_FUNCTIONS: frozenset[str] = frozenset(FUNCTIONS)
"""Upper-case names the Calculator evaluates; anything else is FX003."""
