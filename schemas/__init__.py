"""The CompiledForm contract: meta-schemas, data validation and the formula runtime.

Pure code: no I/O, no environment, no clock.
"""

from baocao.schemas._parser import parse_formula
from baocao.schemas.aggregate import (
    AggregateError,
    AggregateResult,
    UnitData,
    aggregate,
)
from baocao.schemas.calculator import Calculator
from baocao.schemas.codes import (
    DataCode,
    DataValidationError,
    FormulaCode,
    FormulaError,
)
from baocao.schemas.compiled import CompiledForm
from baocao.schemas.errors import BaocaoError, Detail, DetailEnum, DialectError
from baocao.schemas.formula_ast import (
    Binary,
    Bool,
    Call,
    ErrorLiteral,
    Missing,
    Name,
    Node,
    Number,
    Ref,
    Text,
    Unary,
    cell_address,
    column_index,
    column_letter,
    dependencies,
    function_names,
    references,
    walk,
)
from baocao.schemas.functions import SUPPORTED_FUNCTIONS
from baocao.schemas.validation import (
    DataValidator,
    FieldError,
    check_document,
    data_validator,
    meta_schema,
    raise_for_data,
    validate_data,
)

__all__ = [
    "SUPPORTED_FUNCTIONS",
    "AggregateError",
    "AggregateResult",
    "BaocaoError",
    "Binary",
    "Bool",
    "Calculator",
    "Call",
    "CompiledForm",
    "DataCode",
    "DataValidationError",
    "DataValidator",
    "Detail",
    "DetailEnum",
    "DialectError",
    "ErrorLiteral",
    "FieldError",
    "FormulaCode",
    "FormulaError",
    "Missing",
    "Name",
    "Node",
    "Number",
    "Ref",
    "Text",
    "Unary",
    "UnitData",
    "aggregate",
    "cell_address",
    "check_document",
    "column_index",
    "column_letter",
    "data_validator",
    "dependencies",
    "function_names",
    "meta_schema",
    "parse_formula",
    "raise_for_data",
    "references",
    "validate_data",
    "walk",
]
