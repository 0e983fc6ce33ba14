"""PKCS#11 signing with SoftHSM2 (issue #6 item 3: USB token / HSM backend)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from baocao.signing import (
    Code,
    KeyAccessError,
    SignRequest,
    open_pkcs11_signer,
    sign_pdf,
    verify_pdf,
)
from baocao.signing._asn1 import to_der
from support import require

LIBRARIES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
TOKEN, PIN, SO_PIN, KEY = "baocao-test", "123456", "654321", "lanhdao"


@pytest.fixture(scope="module")
def softhsm(tmp_path_factory: pytest.TempPathFactory, pki_dir: Path) -> Iterator[str]:
    """A fresh SoftHSM2 token holding the leader's key; yields the module path."""
    library = next((path for path in LIBRARIES if Path(path).exists()), None)
    require(
        shutil.which("softhsm2-util") is not None and library is not None,
        "SoftHSM2 (softhsm2-util and libsofthsm2.so)",
    )
    assert library is not None
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    config = base / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {base / 'tokens'}\n"
        "objectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)
    util = ["softhsm2-util"]
    subprocess.run(
        [
            *util,
            "--init-token",
            "--free",
            "--label",
            TOKEN,
            "--pin",
            PIN,
            "--so-pin",
            SO_PIN,
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *util,
            "--import",
            str(pki_dir / "leader.key.pem"),
            "--token",
            TOKEN,
            "--label",
            KEY,
            "--id",
            "01",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    yield library
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


def test_sign_with_token(
    softhsm: str, report_pdf: bytes, roots: list[bytes], now: datetime, pki_dir: Path
) -> None:
    certificate = to_der((pki_dir / "leader.pem").read_bytes())
    chain = [to_der((pki_dir / "intermediate.pem").read_bytes())]
    with open_pkcs11_signer(
        softhsm, TOKEN, PIN, KEY, certificate=certificate, chain=chain
    ) as signer:
        assert signer.certificate == certificate
        signed = sign_pdf(report_pdf, SignRequest(now=now), signer)
    report = verify_pdf(signed, roots, now)
    assert report.valid
    assert report.signatures[0].signer_name == "Nguyễn Văn An"


def test_wrong_pin_is_a_clear_error(softhsm: str, pki_dir: Path) -> None:
    certificate = to_der((pki_dir / "leader.pem").read_bytes())
    with (
        pytest.raises(KeyAccessError) as caught,
        open_pkcs11_signer(softhsm, TOKEN, "000000", KEY, certificate=certificate),
    ):
        pass
    assert caught.value.message == Code.KS011.format(
        token=TOKEN, reason="không mở được phiên làm việc"
    )


def test_unknown_key_is_a_clear_error(softhsm: str) -> None:
    with (
        pytest.raises(KeyAccessError) as caught,
        open_pkcs11_signer(softhsm, TOKEN, PIN, "khong-co"),
    ):
        pass
    assert caught.value.message == Code.KS011.format(
        token=TOKEN, reason="không tìm thấy khóa 'khong-co'"
    )
