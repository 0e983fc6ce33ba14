"""Sub-commands ``baocao sign`` and ``baocao verify`` (DESIGN.md §9).

The PKCS#12 passphrase comes only from the environment variable
``BAOCAO_P12_PASSPHRASE``: an argument would end up in shell history and ``ps``.
``verify`` prints the JSON report and exits 0 only when the document is valid
(3 when it was read but is not valid; 1 for unreadable input).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from baocao.schemas.errors import BaocaoError

PASSPHRASE_ENV = "BAOCAO_P12_PASSPHRASE"  # noqa: S105 - a variable name, no secret
EXIT_NOT_VALID = 3
APPEARANCES = ("invisible", "signature", "seal", "text-line")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``sign`` and ``verify`` to the baocao parser."""
    sign = subparsers.add_parser(
        "sign",
        help="ký số tệp PDF (PAdES) bằng chứng thư số PKCS#12",
        description="Ký số PAdES. Mật khẩu tệp .p12 lấy từ biến môi trường "
        f"{PASSPHRASE_ENV}.",
    )
    sign.add_argument("input", type=Path, metavar="IN.pdf")
    sign.add_argument(
        "--p12",
        type=Path,
        required=True,
        metavar="CERT.p12",
        help="tệp chứng thư số PKCS#12 (.p12/.pfx)",
    )
    sign.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    sign.add_argument(
        "--appearance",
        choices=APPEARANCES,
        default="invisible",
        help="hình thức hiển thị chữ ký (mặc định: invisible)",
    )
    sign.add_argument(
        "--image", type=Path, help="ảnh PNG chữ ký (xanh) hoặc con dấu (đỏ)"
    )
    sign.add_argument("--title", default="", help="chức vụ người ký, ví dụ 'CHỦ TỊCH'")
    sign.add_argument("--reason", default="", help="lý do ký")
    sign.add_argument(
        "--document-reference",
        default="",
        help="số, ký hiệu văn bản (hình thức text-line)",
    )
    sign.add_argument(
        "--tsa", default="", metavar="URL", help="máy chủ cấp dấu thời gian (PAdES B-T)"
    )
    sign.set_defaults(handler=run_sign)

    verify = subparsers.add_parser(
        "verify",
        help="kiểm tra chữ ký số của tệp PDF, in kết quả JSON",
        description="Kiểm tra chữ ký số; mã thoát 0 chỉ khi tài liệu hợp lệ.",
    )
    verify.add_argument("input", type=Path, metavar="SIGNED.pdf")
    verify.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        metavar="ROOT.pem",
        help="chứng thư gốc tin cậy (lặp lại được)",
    )
    verify.add_argument(
        "--crl",
        type=Path,
        action="append",
        default=[],
        metavar="CA.crl",
        help="danh sách thu hồi (lặp lại được)",
    )
    verify.set_defaults(handler=run_verify)


def _quiet_libraries() -> None:
    """pyHanko logs expected validation failures with tracebacks; a user sees the
    JSON report and our message instead."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        library = logging.getLogger(name)
        library.addHandler(logging.NullHandler())
        library.propagate = False


def run_sign(args: argparse.Namespace) -> int:
    """Sign ``args.input`` with the PKCS#12 key and write ``args.output``."""
    _quiet_libraries()
    from baocao.signing import Appearance, Pkcs12Signer, SignRequest, sign_pdf  # noqa: PLC0415 - keeps `baocao --help` fast

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        raise BaocaoError(
            f"Chưa có mật khẩu tệp chứng thư số: hãy đặt biến môi trường "
            f"{PASSPHRASE_ENV} (không truyền mật khẩu qua tham số dòng lệnh)."
        )
    signer = Pkcs12Signer.load(args.p12.read_bytes(), passphrase)
    request = SignRequest(
        now=datetime.now(UTC),
        appearance=Appearance(args.appearance.replace("-", "_")),
        image=args.image.read_bytes() if args.image else None,
        title=args.title,
        reason=args.reason,
        document_reference=args.document_reference,
        timestamp_url=args.tsa,
    )
    signed = sign_pdf(args.input.read_bytes(), request, signer)
    args.output.write_bytes(signed)
    print(f"Đã ký: {args.output}", file=sys.stderr)
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Print the verification report of ``args.input`` as JSON."""
    _quiet_libraries()
    from baocao.signing import verify_pdf  # noqa: PLC0415 - keeps `baocao --help` fast

    report = verify_pdf(
        args.input.read_bytes(),
        trust_roots=[path.read_bytes() for path in args.trust],
        now=datetime.now(UTC),
        crls=[path.read_bytes() for path in args.crl],
    )
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    return 0 if report.valid else EXIT_NOT_VALID
