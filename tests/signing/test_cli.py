"""``baocao sign`` and ``baocao verify`` (DESIGN.md §9, issue #6 item 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from baocao.signing import Code

PASSPHRASE_ENV = "BAOCAO_P12_PASSPHRASE"  # noqa: S105 - a variable name


def baocao(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess (as a user would)."""
    full_env = {k: v for k, v in os.environ.items() if k != PASSPHRASE_ENV}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "baocao.platform.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env=full_env,
    )


@pytest.fixture
def unsigned(tmp_path: Path, report_pdf: bytes) -> Path:
    path = tmp_path / "baocao.pdf"
    path.write_bytes(report_pdf)
    return path


def test_sign_then_verify(unsigned: Path, tmp_path: Path, pki_dir: Path) -> None:
    signed = tmp_path / "da-ky.pdf"
    result = baocao(
        "sign",
        str(unsigned),
        "--p12",
        str(pki_dir / "leader.p12"),
        "-o",
        str(signed),
        "--appearance",
        "signature",
        "--title",
        "GIÁM ĐỐC",
        env={PASSPHRASE_ENV: "baocao-test"},
    )
    assert result.returncode == 0, result.stderr
    assert "baocao-test" not in result.stderr + result.stdout
    checked = baocao("verify", str(signed), "--trust", str(pki_dir / "root.pem"))
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert (report["valid"], report["intact"], report["trusted"]) == (True, True, True)
    (signer,) = report["signers"]
    assert signer["name"] == "Nguyễn Văn An"
    assert signer["organisation"] == "Ủy ban nhân dân tỉnh Đồng Tháp"
    assert signer["modified_after_signing"] is False
    assert signer["time"].endswith("+07:00")


def test_verify_untrusted_exits_non_zero(
    unsigned: Path, tmp_path: Path, pki_dir: Path
) -> None:
    signed = tmp_path / "da-ky.pdf"
    baocao(
        "sign",
        str(unsigned),
        "--p12",
        str(pki_dir / "leader.p12"),
        "-o",
        str(signed),
        env={PASSPHRASE_ENV: "baocao-test"},
    )
    result = baocao("verify", str(signed))
    assert result.returncode == 3
    assert json.loads(result.stdout)["trusted"] is False
    assert "Traceback" not in result.stderr


def test_tampered_copy_is_invalid(
    unsigned: Path, tmp_path: Path, pki_dir: Path
) -> None:
    """Done-when: a tampered copy shows a clear 'invalid' in Vietnamese."""
    signed = tmp_path / "da-ky.pdf"
    baocao(
        "sign",
        str(unsigned),
        "--p12",
        str(pki_dir / "leader.p12"),
        "-o",
        str(signed),
        env={PASSPHRASE_ENV: "baocao-test"},
    )
    data = signed.read_bytes()
    tampered = tmp_path / "sua.pdf"
    tampered.write_bytes(data.replace(b"Tong so: 1000", b"Tong so: 1001"))
    result = baocao("verify", str(tampered), "--trust", str(pki_dir / "root.pem"))
    assert result.returncode == 3
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["intact"] is False
    assert report["summary"].startswith("KHÔNG HỢP LỆ")


def test_missing_passphrase_is_explained(
    unsigned: Path, tmp_path: Path, pki_dir: Path
) -> None:
    result = baocao(
        "sign",
        str(unsigned),
        "--p12",
        str(pki_dir / "leader.p12"),
        "-o",
        str(tmp_path / "x.pdf"),
    )
    assert result.returncode == 1
    assert PASSPHRASE_ENV in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("verify", "{tmp}/none.pdf"), "không đọc/ghi được tệp"),
        (("verify", "{p12}"), Code.KS001.format(what="cần kiểm tra")),
        (
            ("sign", "{p12}", "--p12", "{p12}", "-o", "{tmp}/x.pdf"),
            Code.KS001.format(what="cần ký"),
        ),
        (
            ("verify", "{pdf}", "--trust", "{pdf}"),
            Code.KS063.format(what="chứng thư gốc"),
        ),
    ],
    ids=["missing-file", "verify-not-pdf", "sign-not-pdf", "bad-trust-root"],
)
def test_bad_input_gives_clear_message(
    args: tuple[str, ...], message: str, unsigned: Path, tmp_path: Path, pki_dir: Path
) -> None:
    values = {
        "tmp": str(tmp_path),
        "p12": str(pki_dir / "leader.p12"),
        "pdf": str(unsigned),
    }
    result = baocao(
        *(arg.format(**values) for arg in args), env={PASSPHRASE_ENV: "baocao-test"}
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
