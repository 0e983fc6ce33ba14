"""Errors of the signing package: one base, narrow leaves, Vietnamese messages.

Codes (``KS001``…) are stable and shown to users. A message says what is wrong and
how to fix it; the text of pyHanko's or cryptography's exceptions never reaches a
user (they are chained with ``from`` for the logs).
"""

from __future__ import annotations

from typing import Any, ClassVar

from baocao.schemas.errors import BaocaoError, Detail, DetailEnum

__all__ = [
    "CertificatePolicyError",
    "Code",
    "KeyAccessError",
    "PdfInputError",
    "RemoteSigningError",
    "SigningError",
    "TimestampError",
]


class Code(DetailEnum):
    """Error codes of :mod:`baocao.signing` with their Vietnamese messages."""

    KS001 = Detail(
        "not a PDF",
        "Tệp {what} không phải là PDF hợp lệ hoặc bị hỏng. Hãy chọn đúng tệp PDF.",
    )
    KS002 = Detail(
        "encrypted PDF",
        "Tệp {what} được đặt mật khẩu; hãy gỡ mật khẩu trước khi ký hoặc kiểm tra.",
    )
    KS010 = Detail(
        "PKCS#12 unreadable",
        "Không mở được tệp chứng thư số PKCS#12 (.p12/.pfx): sai mật khẩu hoặc tệp "
        "hỏng. Hãy kiểm tra mật khẩu (biến môi trường BAOCAO_P12_PASSPHRASE) và tệp.",
    )
    KS011 = Detail(
        "PKCS#11 token unavailable",
        "Không truy cập được thiết bị ký số (USB token/HSM) '{token}': {reason}. "
        "Hãy cắm thiết bị, kiểm tra mã PIN và tên khóa.",
    )
    KS020 = Detail(
        "weak RSA key",
        "Khóa RSA của chứng thư số '{subject}' chỉ dài {bits} bit; quy định yêu cầu "
        "tối thiểu 2048 bit. Hãy dùng chứng thư số khác.",
    )
    KS021 = Detail(
        "weak ECDSA key",
        "Khóa ECDSA của chứng thư số '{subject}' chỉ dài {bits} bit; quy định yêu "
        "cầu tối thiểu 256 bit. Hãy dùng chứng thư số khác.",
    )
    KS022 = Detail(
        "unsupported key type",
        "Loại khóa '{kind}' của chứng thư số '{subject}' không được hỗ trợ; hãy dùng "
        "RSA (≥ 2048 bit) hoặc ECDSA (≥ 256 bit).",
    )
    KS023 = Detail(
        "weak digest",
        "Thuật toán băm '{algorithm}' không được phép (SHA-1 và yếu hơn đã bị loại "
        "bỏ); hãy dùng SHA-256, SHA-384 hoặc SHA-512.",
    )
    KS024 = Detail(
        "certificate not yet valid",
        "Chứng thư số '{subject}' chỉ có hiệu lực từ {start}; chưa thể dùng để ký.",
    )
    KS025 = Detail(
        "certificate expired",
        "Chứng thư số '{subject}' đã hết hạn từ {end}. Hãy gia hạn hoặc dùng "
        "chứng thư số khác.",
    )
    KS026 = Detail(
        "key usage forbids signing",
        "Chứng thư số '{subject}' không cho phép ký số (thiếu mục đích "
        "digitalSignature/nonRepudiation). Hãy dùng chứng thư số dành cho ký.",
    )
    KS027 = Detail(
        "certificate rejected by validation",
        "Chứng thư số '{subject}' không được xác thực theo dữ liệu của tổ chức cấp "
        "(bị thu hồi, không có chuỗi tin cậy hoặc thiếu dữ liệu thu hồi). Hãy kiểm "
        "tra chứng thư số hoặc cấu hình chứng thư gốc tin cậy.",
    )
    KS030 = Detail(
        "timestamp authority failed",
        "Không lấy được dấu thời gian từ máy chủ {url}. Hãy kiểm tra kết nối "
        "hoặc cấu hình máy chủ cấp dấu thời gian (TSA).",
    )
    KS040 = Detail(
        "remote signing failed",
        "Dịch vụ ký số từ xa {service} không trả về chữ ký: {reason}. Hãy thử lại "
        "hoặc xác nhận yêu cầu ký trên ứng dụng của nhà cung cấp.",
    )
    KS041 = Detail(
        "remote signature does not match",
        "Chữ ký trả về từ dịch vụ ký số từ xa không khớp với chứng thư số đã chọn "
        "hoặc với tài liệu đang ký. Hãy tạo lại yêu cầu ký.",
    )
    KS050 = Detail(
        "signing failed",
        "Không ký được tài liệu: {reason}.",
    )
    KS061 = Detail(
        "box outside page",
        "Vị trí chữ ký (trang {page}) không có trong tài liệu {pages} trang.",
    )
    KS062 = Detail(
        "no signature to cover",
        "Không tìm thấy chữ ký '{field}' của người có thẩm quyền để đóng dấu lên; "
        "lãnh đạo phải ký trước khi ký số của cơ quan.",
    )
    KS063 = Detail(
        "certificate unreadable",
        "Tệp {what} không phải là chứng thư số X.509 (PEM hoặc DER).",
    )
    KS064 = Detail(
        "not a detached signature",
        "Chữ ký số kèm gói tin không phải là chữ ký CMS/PKCS#7 hợp lệ. Hãy ký lại "
        "gói tin bằng chứng thư số của cơ quan.",
    )
    KS070 = Detail(
        "data attached after signing",
        "Tài liệu đã có chữ ký số; không thể đính kèm dữ liệu sau khi ký. Hãy đính "
        "kèm dữ liệu trước khi ký.",
    )
    KS060 = Detail(
        "bad image",
        "Ảnh {what} không đọc được; hãy dùng ảnh PNG nền trong suốt.",
    )


class SigningError(BaocaoError):
    """Base of every error raised by :mod:`baocao.signing`."""

    http_status: ClassVar[int] = 422

    def __init__(self, code: Code, **fields: Any) -> None:
        super().__init__(code.format(**fields), code=code.name)
        self.detail = code
        self.fields = fields


class PdfInputError(SigningError):
    """The PDF to sign or verify cannot be read."""


class KeyAccessError(SigningError):
    """The key store (PKCS#12 file, token) cannot be opened."""


class CertificatePolicyError(SigningError):
    """The certificate or algorithm breaks the signing policy (Thông tư 15/2025)."""


class TimestampError(SigningError):
    """The timestamp authority did not answer correctly."""

    http_status: ClassVar[int] = 502


class RemoteSigningError(SigningError):
    """The remote signing service failed or returned a wrong signature."""

    http_status: ClassVar[int] = 502
