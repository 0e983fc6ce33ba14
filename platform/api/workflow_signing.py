"""The signing step over the API (DESIGN.md §8 keeps the action path).

``POST /api/v1/submissions/{id}/actions/sign`` (``If-Match``) takes, as
multipart, either ``file`` (a PDF signed outside, e.g. with a USB token, over
the PDF of ``GET …/pdf-to-sign``) or ``p12`` + ``passphrase`` (signed here,
never stored). A JSON body keeps the plain action for chains whose step does
not require a signature. ``POST …/seal`` adds the agency seal at the sending
step. ``GET …/signed.pdf`` returns the stored signed PDF and ``GET …/signature``
its verification now.
"""

from __future__ import annotations

import io
from typing import Any

from baocao.platform.api.workflow_common import (
    caller,
    expected_version,
    forbid,
    json_payload,
    submission_json,
    utc_now,
)
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import UNIT_ROLES
from baocao.platform.services import signatures
from baocao.platform.services import workflow as service
from baocao.platform.services import workflow_config as config
from baocao.platform.services import workflow_seal
from baocao.platform.services import workflow_signing as signing
from flask import current_app, request, send_file
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect


def _file(name: str) -> bytes:
    found = request.files.get(name)
    return found.read() if found is not None else b""


class SubmissionSigningApi(BaseApi):
    """Sign a submission; download and verify its signed PDF."""

    resource_name = "submissions"
    class_permission_name = "Submissions"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "sign": "post",
        "seal": "post",
        "signed_pdf": "get",
        "pdf_to_sign": "get",
        "signature": "get",
    }
    openapi_spec_tag = "Báo cáo"
    baocao_roles = UNIT_ROLES

    def _visible(self, submission_id: str) -> Submission:
        sub = service.get_submission(submission_id)
        regime = config.get_regime(sub.regime_id)
        if not service.can_view(caller(), sub, regime, utc_now()):
            raise forbid("xem báo cáo")
        return sub

    @expose("/<submission_id>/actions/sign", methods=["POST"])
    @protect()
    def sign(self, submission_id: str) -> Any:
        """Sign: a signed PDF (``file``) or a PKCS#12 (``p12``, ``passphrase``).
        ---
        post:
          summary: Ký số báo cáo (tệp PDF đã ký hoặc tệp .p12 kèm mật khẩu)
          responses:
            200: {description: Báo cáo sau khi ký}
            403: {description: Không có quyền ký ở bước này}
            409: {description: Phiên bản cũ hoặc không ở bước ký}
            422: {description: Chữ ký không hợp lệ, của người khác, số liệu khác}
        """
        payload = json_payload() or {
            k: int(v) if k == "version" and v.isdigit() else v
            for k, v in request.form.items()
        }
        expected = expected_version(payload)
        p12, pdf = _file("p12"), _file("file")
        setup = signing.setup_of(current_app)
        if p12:
            done = signing.sign_with_p12(
                submission_id,
                expected,
                caller(),
                p12,
                str(payload.get("passphrase") or ""),
                now=utc_now(),
                setup=setup,
            )
        elif pdf or request.files:
            done = signing.sign_with_pdf(
                submission_id, expected, caller(), pdf, now=utc_now(), setup=setup
            )
        else:
            signature = payload.get("signature")
            done = service.act(
                submission_id,
                "sign",
                expected,
                caller(),
                now=utc_now(),
                signature=signature if isinstance(signature, str) else None,
            )
        response = self.response(200, **submission_json(done))
        response.headers["ETag"] = f'"{done.version}"'
        return response

    @expose("/<submission_id>/seal", methods=["POST"])
    @protect()
    def seal(self, submission_id: str) -> Any:
        """The sending step adds the agency seal (``p12``, ``passphrase``).
        ---
        post:
          summary: Đóng dấu số của cơ quan lên tệp đã ký (trước khi gửi)
          responses:
            200: {description: Báo cáo sau khi đóng dấu}
            403: {description: Không phải bước gửi}
            422: {description: Chứng thư không đăng ký hoặc chữ ký đầu bị hỏng}
        """
        payload = {
            k: int(v) if k == "version" and v.isdigit() else v
            for k, v in request.form.items()
        }
        done = workflow_seal.add_seal(
            submission_id,
            expected_version(payload),
            caller(),
            _file("p12"),
            str(payload.get("passphrase") or ""),
            now=utc_now(),
            setup=signing.setup_of(current_app),
        )
        response = self.response(200, **submission_json(done))
        response.headers["ETag"] = f'"{done.version}"'
        return response

    @expose("/<submission_id>/signed.pdf", methods=["GET"])
    @protect()
    def signed_pdf(self, submission_id: str) -> Any:
        """The stored signed PDF.
        ---
        get:
          summary: Tệp PDF đã ký số của báo cáo
          responses:
            200: {description: Tệp PDF}
            404: {description: Báo cáo chưa được ký}
        """
        document = signatures.current_document(self._visible(submission_id))
        return send_file(
            io.BytesIO(bytes(document.pdf)),
            mimetype="application/pdf",
            as_attachment=True,
            download_name=f"{submission_id}-da-ky.pdf",
        )

    @expose("/<submission_id>/pdf-to-sign", methods=["GET"])
    @protect()
    def pdf_to_sign(self, submission_id: str) -> Any:
        """The PDF to sign outside, with the submission data attached.
        ---
        get:
          summary: Tệp PDF để ký ngoài hệ thống (đã gắn số liệu)
          responses:
            200: {description: Tệp PDF}
        """
        sub = self._visible(submission_id)
        pdf = signing.prepare_pdf(
            sub, now=utc_now(), setup=signing.setup_of(current_app)
        )
        return send_file(
            io.BytesIO(pdf),
            mimetype="application/pdf",
            as_attachment=True,
            download_name=f"{submission_id}-de-ky.pdf",
        )

    @expose("/<submission_id>/signature", methods=["GET"])
    @protect()
    def signature(self, submission_id: str) -> Any:
        """The stored signed PDF verified now.
        ---
        get:
          summary: Kết quả kiểm tra chữ ký số của báo cáo
          responses:
            200: {description: "{valid, intact, trusted, signers, data_intact}"}
            404: {description: Báo cáo chưa được ký}
        """
        sub = self._visible(submission_id)
        result = signing.verification_of(
            sub, now=utc_now(), setup=signing.setup_of(current_app)
        )
        if result is None:
            signatures.current_document(sub)  # raises the 404 (KY010)
        return self.response(200, **(result or {}))
