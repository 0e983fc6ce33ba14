"""Pages of the signing step: the "Ký số" panel's endpoints, the signed PDF,
the "Kiểm tra chữ ký" page and the accounts' certificates (issue #6).

Thin views: read the uploaded files, call
:mod:`baocao.platform.services.workflow_signing` or
:mod:`baocao.platform.services.signatures`, redirect or render. The PKCS#12 file
and its passphrase live only in this request's memory; they are never stored
and never logged. Refusals are ``BaocaoError``s shown by the single handler.
"""

from __future__ import annotations

import io
from typing import Any

from baocao.platform.services import accounts, signatures, workflow_seal
from baocao.platform.services import workflow as service
from baocao.platform.services import workflow_config as config
from baocao.platform.services import workflow_signing as signing
from baocao.platform.services.access import can_manage_account, role_keys
from baocao.platform.services.errors import Forbidden
from baocao.platform.views._common import (
    local_text,
    now,
    refusal_returns_to,
    user,
)
from baocao.platform.views.workflow import REPORT_ROLES
from baocao.platform.workflow.chains import Action
from flask import current_app, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext

__all__ = ["CertificatesView", "SigningView", "panel_context", "signing_setup"]

PDF = "application/pdf"


def signing_setup() -> signing.SigningSetup:
    """The signing setup of this app (trust roots, TSA, the export's renderer)."""
    return signing.setup_of(current_app)


def _upload(name: str) -> bytes:
    file = request.files.get(name)
    return file.read() if file is not None and file.filename else b""


def panel_context(sub: Any, actions: list[str], chain: Any) -> dict[str, Any]:
    """What the submission page's signature panel shows (a template global)."""
    step = chain.steps[sub.step] if sub.step is not None else None
    return {
        "can_sign": Action.SIGN.value in actions,
        "can_seal": Action.SEND.value in actions
        and workflow_seal.may_seal(sub, user(), now()),
        "required": bool(step and step.signature_required),
        "verification": signing.verification_of(sub, now=now(), setup=signing_setup()),
        "local_text": local_text,
    }


class SigningView(BaseView):
    """Sign a submission, download its PDFs, verify any PDF."""

    route_base = "/ky-so"
    default_view = "verify"
    class_permission_name = "Signatures"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "sign": "write",
        "seal": "write",
        "signed_pdf": "read",
        "pdf_to_sign": "read",
        "verify": "read",
    }
    baocao_roles = REPORT_ROLES

    def _visible(self, submission_id: str) -> Any:
        sub = service.get_submission(submission_id)
        regime = config.get_regime(sub.regime_id)
        if not service.can_view(user(), sub, regime, now()):
            raise Forbidden("xem báo cáo này")
        return sub

    @expose("/bao-cao/<submission_id>", methods=["POST"])
    @has_access
    @refusal_returns_to("WorkflowView.submission", "submission_id")
    def sign(self, submission_id: str) -> Any:
        """The leader's "Ký số": a .p12 with its passphrase, or a signed PDF."""
        self._visible(submission_id)
        version = int(request.form.get("version", "0"))
        p12 = _upload("p12")
        if p12:
            signing.sign_with_p12(
                submission_id,
                version,
                user(),
                p12,
                request.form.get("passphrase", ""),
                now=now(),
                setup=signing_setup(),
                image=_upload("image") or None,
            )
        else:
            signing.sign_with_pdf(
                submission_id,
                version,
                user(),
                _upload("pdf"),
                now=now(),
                setup=signing_setup(),
            )
        flash(
            gettext("Report signed; the signature was checked and is valid."), "success"
        )
        return redirect(url_for("WorkflowView.submission", submission_id=submission_id))

    @expose("/bao-cao/<submission_id>/dong-dau", methods=["POST"])
    @has_access
    @refusal_returns_to("WorkflowView.submission", "submission_id")
    def seal(self, submission_id: str) -> Any:
        """The sender adds the agency's seal (a second signature) before sending."""
        self._visible(submission_id)
        workflow_seal.add_seal(
            submission_id,
            int(request.form.get("version", "0")),
            user(),
            _upload("p12"),
            request.form.get("passphrase", ""),
            now=now(),
            setup=signing_setup(),
            image=_upload("image") or None,
        )
        flash(
            gettext("Digital seal applied; the leader's signature is still valid."),
            "success",
        )
        return redirect(url_for("WorkflowView.submission", submission_id=submission_id))

    @expose("/bao-cao/<submission_id>/ban-da-ky.pdf")
    @has_access
    def signed_pdf(self, submission_id: str) -> Any:
        """The stored signed PDF of the submission."""
        sub = self._visible(submission_id)
        document = signatures.current_document(sub)
        return send_file(
            io.BytesIO(bytes(document.pdf)),
            mimetype=PDF,
            as_attachment=True,
            download_name=f"bao-cao-{sub.unit}-{sub.period_key}-da-ky.pdf",
        )

    @expose("/bao-cao/<submission_id>/pdf-de-ky.pdf")
    @has_access
    def pdf_to_sign(self, submission_id: str) -> Any:
        """The PDF with the data attached, to sign outside with a USB token."""
        sub = self._visible(submission_id)
        pdf = signing.prepare_pdf(sub, now=now(), setup=signing_setup())
        return send_file(
            io.BytesIO(pdf),
            mimetype=PDF,
            as_attachment=True,
            download_name=f"bao-cao-{sub.unit}-{sub.period_key}-de-ky.pdf",
        )

    @expose("/kiem-tra", methods=["GET", "POST"])
    @has_access
    def verify(self) -> Any:
        """Upload any PDF and see the verification result in Vietnamese."""
        result, name = None, ""
        if request.method == "POST":
            pdf = _upload("pdf")
            if not pdf:
                raise signatures.SignatureFlowError(
                    signatures.SignatureCode.KY007, what="tệp PDF cần kiểm tra"
                )
            name = request.files["pdf"].filename or ""
            result = signing.verify_upload(pdf, now=now(), setup=signing_setup())
        return self.render_template(
            "baocao/workflow/verify.html", result=result, filename=name
        )


class CertificatesView(BaseView):
    """Register the public certificate an account signs with."""

    route_base = "/chung-thu-so"
    default_view = "mine"
    class_permission_name = "Signatures"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "mine": "read",
        "of_account": "write",
        "withdraw": "write",
    }
    baocao_roles = REPORT_ROLES

    def _target(self, username: str | None) -> str:
        """Whose certificates: one's own, or an account the admin manages."""
        if username is None or username == user().username:
            return user().username
        account = accounts.get_account(self.appbuilder.sm, user(), username, now=now())
        if not can_manage_account(
            user(), account.unit_code, role_keys(account), now=now()
        ):
            raise Forbidden("đăng ký chứng thư số cho tài khoản này")
        return username

    def _page(self, username: str) -> Any:
        if request.method == "POST":
            signatures.register_certificate(
                username, _upload("certificate"), actor=user().username, now=now()
            )
            flash(gettext("Digital certificate registered."), "success")
            return redirect(request.path)
        return self.render_template(
            "baocao/workflow/certificates.html",
            username=username,
            certificates=signatures.certificates_of(username),
            local_text=local_text,
        )

    @expose("/", methods=["GET", "POST"])
    @has_access
    def mine(self) -> Any:
        return self._page(self._target(None))

    @expose("/<username>", methods=["GET", "POST"])
    @has_access
    def of_account(self, username: str) -> Any:
        return self._page(self._target(username))

    @expose("/<username>/<fingerprint>/thu-hoi", methods=["POST"])
    @has_access
    def withdraw(self, username: str, fingerprint: str) -> Any:
        target = self._target(username)
        signatures.withdraw_certificate(
            target, fingerprint, actor=user().username, now=now()
        )
        flash(gettext("This digital certificate is no longer used."), "success")
        return redirect(url_for("CertificatesView.of_account", username=target))


def register_signing_views(appbuilder: Any) -> None:
    """Add the signing pages, their menu entries and the panel's template global."""
    appbuilder.add_view(
        SigningView, "Kiểm tra chữ ký số", icon="fa-check-circle", category="Báo cáo"
    )
    appbuilder.add_view(
        CertificatesView, "Chứng thư số", icon="fa-certificate", category="Báo cáo"
    )
    current_app.jinja_env.globals["signature_panel"] = panel_context
