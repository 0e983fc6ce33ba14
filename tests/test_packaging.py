"""Packaging rules of DESIGN.md §3: namespace mapping, no platform/__init__.py."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from support import ROOT

TOP_FOLDERS = {
    "platform": "baocao.platform",
    "form_designer": "baocao.form_designer",
    "schemas": "baocao.schemas",
    "renderers": "baocao.renderers",
    "signing": "baocao.signing",
}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_source_folder_is_listed_in_packages() -> None:
    """A folder holding Python code that is not in ``packages`` would not be installed."""
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    missing = []
    for folder, package in TOP_FOLDERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = path.relative_to(ROOT / folder).parent.parts
            if "__pycache__" in parts:
                continue
            name = ".".join((package, *parts))
            if name not in listed:
                missing.append(name)
    assert sorted(set(missing)) == []


def test_package_dir_maps_the_top_folders() -> None:
    mapping = _pyproject()["tool"]["setuptools"]["package-dir"]
    assert mapping == {package: folder for folder, package in TOP_FOLDERS.items()}


def test_platform_folder_has_no_init() -> None:
    """platform/__init__.py would shadow the standard-library module."""
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_import_platform_from_repo_root_is_the_standard_library() -> None:
    code = "import platform, uuid; print(platform.python_version()); print(uuid.uuid4())"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == platform_version()


def platform_version() -> str:
    import platform

    return platform.python_version()


def test_pure_packages_do_not_import_web_or_db_frameworks() -> None:
    """STYLE.md §1: only baocao.platform may import flask, FAB, mongoengine, celery."""
    code = (
        "import sys, baocao.schemas, baocao.form_designer, baocao.renderers, baocao.signing\n"
        "bad = [m for m in ('flask', 'flask_appbuilder', 'mongoengine', 'celery') "
        "if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_console_script_prints_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "baocao.platform.cli", "--help"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "baocao" in result.stdout
