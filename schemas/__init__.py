"""The CompiledForm contract: meta-schemas, data validation and the formula runtime.

Pure code: no I/O, no environment, no clock.
"""

from baocao.schemas.aggregate import (
    AggregateError,
    AggregateResult,
    UnitData,
    aggregate,
)
from baocao.schemas.compiled import CompiledForm
from baocao.schemas.errors import BaocaoError, Detail, DetailEnum, DialectError

__all__ = [
    "AggregateError",
    "AggregateResult",
    "BaocaoError",
    "CompiledForm",
    "Detail",
    "DetailEnum",
    "DialectError",
    "UnitData",
    "aggregate",
]
