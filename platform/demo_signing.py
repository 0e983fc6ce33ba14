"""Real signatures in ``baocao demo`` (issue #6): a demo PKI, one certificate per
leader account (and one seal per unit for its sender), the PKCS#12 files on disk
and the root as trust anchor.

At start the demo generates a fresh chain (``signing.build_demo_pki``), writes
``root.pem``, ``<unit>.lanhdao.p12`` and ``<unit>.gui.p12`` into a folder of the
instance directory, trusts that root, and registers each certificate for its
account, so that a leader can sign a report in the browser (and the sender seal
it) with the files printed in the banner. The passphrase is the demo password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from baocao.platform.roles import DEMO_UNITS, ROLE_NAMES, Role
from baocao.platform.services import signatures
from baocao.signing import Pkcs12Signer, build_demo_pki, certificate_sha256
from flask import Flask

#: The folder under the instance directory.
FOLDER = "ky-so-demo"


@dataclass(frozen=True, slots=True)
class DemoSigning:
    """What was written: the trust root and each leader account's PKCS#12."""

    folder: Path
    root: Path
    p12: dict[str, Path]
    """Username → its PKCS#12 file."""


def leader_accounts() -> list[str]:
    """The demo leader accounts that get a personal certificate."""
    return [f"{unit}.{Role.APPROVER.value}" for unit in DEMO_UNITS]


def seal_accounts() -> list[str]:
    """The demo sender accounts that hold their unit's seal certificate."""
    return [f"{unit}.{Role.SENDER.value}" for unit in DEMO_UNITS]


def _subjects() -> list[tuple[str, str]]:
    """``(name, organisation)`` of every certificate, leaders then seals."""
    leaders = [
        (f"{ROLE_NAMES[Role.APPROVER]} {unit}", f"Đơn vị {unit} tỉnh Đồng Tháp")
        for unit in DEMO_UNITS
    ]
    seals = [(f"Đơn vị {unit} tỉnh Đồng Tháp",) * 2 for unit in DEMO_UNITS]
    return leaders + seals


def write_demo_pki(instance_dir: Path, passphrase: str, now: datetime) -> DemoSigning:
    """Generate the demo chain and write it under ``instance_dir/ky-so-demo``."""
    folder = instance_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    names = leader_accounts() + seal_accounts()
    pki = build_demo_pki(now, passphrase.encode(), leaders=_subjects())
    root = folder / "root.pem"
    root.write_bytes(pki.root_pem)
    files = {}
    for username, data in zip(names, pki.leaders_p12, strict=True):
        path = folder / f"{username}.p12"
        path.write_bytes(data)
        path.chmod(0o600)
        files[username] = path
    return DemoSigning(folder=folder, root=root, p12=files)


def register_demo_certificates(
    app: Flask, demo: DemoSigning, passphrase: str, now: datetime
) -> None:
    """Register each certificate for its account (idempotent)."""
    with app.app_context():
        for username, path in demo.p12.items():
            certificate = Pkcs12Signer.load(path.read_bytes(), passphrase).certificate
            fingerprints = signatures.registered_fingerprints(username)
            if certificate_sha256(certificate) not in fingerprints:
                signatures.register_certificate(
                    username, certificate, actor="system", now=now
                )


def banner_lines(demo: DemoSigning) -> list[str]:
    """What the demo banner says about signing."""
    return [
        f"Ký số: tệp chứng thư số ở {demo.folder}",
        "  <mã đơn vị>.lanhdao.p12 (lãnh đạo ký), <mã đơn vị>.gui.p12 (con dấu của "
        "đơn vị); mật khẩu tệp = mật khẩu trình diễn",
        f"  chứng thư gốc tin cậy: {demo.root}",
    ]
