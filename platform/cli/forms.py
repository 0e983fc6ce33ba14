"""Sub-commands on report templates: compile, fill, extract (and calc).

Each command is one function; the pure work happens in
:mod:`baocao.form_designer` and :mod:`baocao.schemas`, this module only reads
and writes files and prints. Problems are printed in Vietnamese, one line per
diagnostic, and give a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_INVALID = 1


def _print_diagnostics(diagnostics: Any) -> None:
    for diagnostic in diagnostics:
        label = "Lỗi" if diagnostic.is_error else "Cảnh báo"
        print(f"{label} {diagnostic.code.name}: {diagnostic.message}", file=sys.stderr)


def _write_json(path: Path, document: Any) -> None:
    path.write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _read_json_object(path: str) -> dict[str, Any] | None:
    """The JSON object in ``path``, or None after printing why it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        print(
            f"Lỗi: tệp {path} không phải JSON hợp lệ "
            f"(dòng {err.lineno}, cột {err.colno}).",
            file=sys.stderr,
        )
        return None
    except UnicodeDecodeError:
        print(f"Lỗi: tệp {path} không phải văn bản UTF-8.", file=sys.stderr)
        return None
    if not isinstance(data, dict):
        print(
            f"Lỗi: tệp {path} phải chứa một đối tượng JSON "
            '{"Sheet!A1": giá trị}.',
            file=sys.stderr,
        )
        return None
    return data


def _load_form(path: str) -> Any:
    """Compile an .xlsx template, or load a compiled ``form.json``."""
    from baocao.form_designer import compile_workbook  # noqa: PLC0415 - lazy: keeps `baocao --help` fast
    from baocao.schemas.compiled import CompiledForm  # noqa: PLC0415 - lazy: keeps `baocao --help` fast

    if path.lower().endswith(".json"):
        data = _read_json_object(path)
        if data is None or not {"schema", "layout", "formulas"} <= data.keys():
            print(
                f"Lỗi: {path} không phải tệp form.json do 'baocao compile' tạo ra.",
                file=sys.stderr,
            )
            return None
        return CompiledForm.from_dict(data)
    return compile_workbook(Path(path).read_bytes())


def compile_command(args: argparse.Namespace) -> int:
    """``baocao compile T.xlsx -o DIR``: write schema, layout, formulas, form."""
    from baocao.form_designer import FormCompileError, compile_workbook  # noqa: PLC0415 - lazy: keeps `baocao --help` fast

    try:
        compiled = compile_workbook(Path(args.template).read_bytes())
    except FormCompileError as err:
        _print_diagnostics(err.diagnostics)
        errors = sum(1 for d in err.diagnostics if d.is_error)
        print(f"Không biên dịch được {args.template}: {errors} lỗi.", file=sys.stderr)
        return EXIT_INVALID
    _print_diagnostics(compiled.warnings)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    _write_json(out / "schema.json", compiled.schema)
    _write_json(out / "layout.json", compiled.layout)
    _write_json(out / "formulas.json", compiled.formulas)
    _write_json(out / "form.json", compiled.to_dict())
    inputs, cells = len(compiled.formulas["inputs"]), len(compiled.formulas["cells"])
    summary = f"{inputs} ô nhập liệu, {cells} ô công thức"
    print(f"Đã biên dịch {args.template}: {summary} → {out}")
    return 0


def _computed(compiled: Any, inputs: dict[str, Any]) -> dict[str, Any]:
    """Values of every formula cell, computed by the engine."""
    from baocao.schemas import Calculator  # noqa: PLC0415 - lazy: keeps `baocao --help` fast

    return dict(Calculator(compiled).calculate(inputs))


def fill_command(args: argparse.Namespace) -> int:
    """``baocao fill T.xlsx --data INPUTS.json -o OUT.xlsx``."""
    from baocao.form_designer.errors import FillError, FormCompileError  # noqa: PLC0415 - lazy: keeps `baocao --help` fast
    from baocao.form_designer.fill import fill_workbook  # noqa: PLC0415 - lazy: keeps `baocao --help` fast

    inputs = _read_json_object(args.data)
    if inputs is None:
        return EXIT_INVALID
    template = Path(args.template).read_bytes()
    try:
        compiled = _load_form(args.template)
        filled = fill_workbook(template, compiled, inputs, _computed(compiled, inputs))
    except FormCompileError as err:
        _print_diagnostics(err.diagnostics)
        return EXIT_INVALID
    except FillError as err:
        for problem in err.problems:
            print(f"Lỗi: {problem}", file=sys.stderr)
        return EXIT_INVALID
    Path(args.output).write_bytes(filled)
    print(f"Đã ghi {len(inputs)} giá trị vào {args.output}")
    return 0


def extract_command(args: argparse.Namespace) -> int:
    """``baocao extract FILLED.xlsx --form T.xlsx``: print the inputs as JSON."""
    from baocao.form_designer.errors import FillError, FormCompileError  # noqa: PLC0415 - lazy: keeps `baocao --help` fast
    from baocao.form_designer.extract import extract_inputs  # noqa: PLC0415 - lazy: keeps `baocao --help` fast

    try:
        compiled = _load_form(args.form)
        if compiled is None:
            return EXIT_INVALID
        values = extract_inputs(compiled, Path(args.filled).read_bytes())
    except FormCompileError as err:
        _print_diagnostics(err.diagnostics)
        return EXIT_INVALID
    except FillError as err:
        for problem in err.problems:
            print(f"Lỗi: {problem}", file=sys.stderr)
        return EXIT_INVALID
    print(json.dumps(values, ensure_ascii=False, indent=1, sort_keys=True))
    return 0


def calc_command(args: argparse.Namespace) -> int:
    """``baocao calc T.xlsx|FORM.json --data INPUTS.json``: print every formula cell.

    Values are keyed ``Sheet!A1``; errors print as ``"#DIV/0!"``-style strings.
    A template is compiled with :func:`baocao.form_designer.compile_workbook`; a
    FORM.json is the ``CompiledForm.to_dict()`` document ``baocao compile`` writes.
    """
    import datetime as dt

    from baocao.form_designer.errors import FormCompileError
    from baocao.schemas import Calculator

    inputs = _read_json_object(args.data)
    if inputs is None:
        return EXIT_INVALID
    try:
        compiled = _load_form(args.form)
    except FormCompileError as err:
        _print_diagnostics(err.diagnostics)
        return EXIT_INVALID
    if compiled is None:
        return EXIT_INVALID
    values = Calculator(compiled, today=dt.date.today()).calculate(inputs)
    print(json.dumps(values, ensure_ascii=False, indent=1))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this module's sub-commands to the baocao parser."""
    compile_parser = subparsers.add_parser(
        "compile", help="biên dịch biểu mẫu .xlsx thành schema/layout/formulas"
    )
    compile_parser.add_argument("template", help="tệp biểu mẫu .xlsx")
    compile_parser.add_argument(
        "-o", "--output", required=True, help="thư mục ghi kết quả"
    )
    compile_parser.set_defaults(handler=compile_command)

    fill_parser = subparsers.add_parser(
        "fill", help="ghi số liệu (và giá trị công thức) vào bản sao của biểu mẫu"
    )
    fill_parser.add_argument("template", help="tệp biểu mẫu .xlsx")
    fill_parser.add_argument(
        "--data", required=True, help='tệp JSON {"Sheet!A1": giá trị}'
    )
    fill_parser.add_argument("-o", "--output", required=True, help="tệp .xlsx kết quả")
    fill_parser.set_defaults(handler=fill_command)

    extract_parser = subparsers.add_parser(
        "extract", help="đọc số liệu đã nhập từ tệp .xlsx đã điền"
    )
    extract_parser.add_argument("filled", help="tệp .xlsx đã điền số liệu")
    extract_parser.add_argument(
        "--form", required=True, help="biểu mẫu gốc (.xlsx) hoặc form.json đã biên dịch"
    )
    extract_parser.set_defaults(handler=extract_command)

    calc_parser = subparsers.add_parser(
        "calc", help="tính giá trị mọi ô công thức của biểu mẫu với số liệu đã cho"
    )
    calc_parser.add_argument("form", help="biểu mẫu .xlsx hoặc form.json đã biên dịch")
    calc_parser.add_argument("--data", required=True, help="tệp JSON {\"Sheet!A1\": giá trị}")
    calc_parser.set_defaults(handler=calc_command)
