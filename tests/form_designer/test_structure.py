"""Structural rules of STYLE.md §2 for the compiler package."""

from __future__ import annotations

import ast

from support import ROOT

PACKAGE = ROOT / "form_designer"


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_reader_imports_openpyxl() -> None:
    """Stage 1 is the only place that knows openpyxl (STYLE.md §2)."""
    users = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "openpyxl" in _imports(p)
    )
    assert users == ["reader.py"]


def test_modules_stay_small() -> None:
    """STYLE.md §1: aim for ≤ 400 lines per module."""
    sizes = {
        p.name: len(p.read_text("utf-8").splitlines()) for p in PACKAGE.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 400} == {}
