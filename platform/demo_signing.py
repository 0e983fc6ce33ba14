"""Real signatures in ``baocao demo`` (issue #6): a demo PKI, one certificate per
leader account, the PKCS#12 files on disk and the root as trust anchor.

At start the demo generates a fresh chain (``signing.build_demo_pki``), writes
``root.pem`` and ``<unit>.lanhdao.p12`` into a folder of the instance directory,
trusts that root, and registers each leader's certificate for their account, so
that a leader can sign a report in the browser with the file printed in the
banner. The passphrase is the demo password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask

from baocao.platform.roles import DEMO_UNITS, ROLE_NAMES, Role
from baocao.signing import Pkcs12Signer, build_demo_pki, certificate_sha256

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
    """The demo leader accounts that get a certificate."""
    return [f"{unit}.{Role.APPROVER.value}" for unit in DEMO_UNITS]


def write_demo_pki(instance_dir: Path, passphrase: str, now: datetime) -> DemoSigning:
    """Generate the demo chain and write it under ``instance_dir/ky-so-demo``."""
    folder = instance_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    names = leader_accounts()
    pki = build_demo_pki(
        now,
        passphrase.encode(),
        leaders=[
            (f"{ROLE_NAMES[Role.APPROVER]} {unit}", f"Đơn vị {unit} tỉnh Đồng Tháp")
            for unit in DEMO_UNITS
        ],
    )
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
    """Register each leader's certificate for their account (idempotent)."""
    from baocao.platform.services import signatures

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
        f"Ký số: tệp chứng thư của lãnh đạo ở {demo.folder} "
        f"({', '.join(p.name for p in demo.p12.values())}); mật khẩu tệp = mật khẩu "
        "trình diễn. Chứng thư gốc tin cậy: " + str(demo.root),
    ]
