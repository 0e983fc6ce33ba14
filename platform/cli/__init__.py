"""The ``baocao`` command line.

Each module in this package owns a group of sub-commands and exposes
``register(subparsers)``; every handler takes the parsed ``argparse.Namespace``
and returns an exit code. Heavy imports (Flask, formulas, pyHanko) happen inside
the handlers so that ``baocao --help`` stays fast.

Bad input never shows a traceback: :class:`~baocao.schemas.BaocaoError` and
operating-system errors become one clear line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from baocao.schemas.errors import BaocaoError

#: Modules of this package that register sub-commands, in help order.
COMMAND_MODULES = ("server", "forms", "signing")

EXIT_USAGE = 2
EXIT_INPUT = 1


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every module's sub-commands registered."""
    parser = argparse.ArgumentParser(
        prog="baocao",
        description="Hệ thống thông tin báo cáo — baocao (biểu mẫu báo cáo từ Excel).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except BaocaoError as err:
        print(f"Lỗi: {err}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        print(f"Lỗi: không đọc/ghi được tệp{where}: {err.strerror}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
