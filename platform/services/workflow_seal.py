"""The agency's seal: an optional second signature over the leader's (DESIGN.md §7).

Nghị định 30/2020 has the agency's (red) seal signature follow the leader's. In
the chain it belongs to the step that sends the report (văn thư): while that
step may ``send``, its actor can add the seal with the agency's PKCS#12. The
seal is an incremental update of the stored signed PDF, so the leader's
signature stays valid; this is checked (KY011) before the new PDF replaces the
current one. The submission's state does not change: a ``seal`` event is added
to the history and the audit log, and ``signature`` names the new PDF.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from baocao.platform.models.workflow import Submission
from baocao.platform.services import audit, signatures
from baocao.platform.services import workflow as service
from baocao.platform.services.signatures import SignatureCode, SignatureFlowError
from baocao.platform.services.workflow_config import get_chain, get_regime, utc_naive
from baocao.platform.services.workflow_signing import (
    SigningSetup,
    check_owner,
    describe_problems,
)
from baocao.platform.workflow.chains import Action
from baocao.platform.workflow.errors import ConflictError, WorkflowCode
from baocao.platform.workflow.transitions import available_actions, decide
from baocao.signing import (
    Appearance,
    Pkcs12Signer,
    SignRequest,
    certificate_sha256,
    sign_pdf,
    verify_pdf,
)

__all__ = ["add_seal", "may_seal"]


def may_seal(sub: Submission, actor: Any, now: datetime) -> bool:
    """Whether ``actor`` may add the seal now: signed, and their step may send."""
    if not sub.signature or sub.step is None:
        return False
    regime = get_regime(sub.regime_id)
    chain = get_chain(regime.chain_id).chain()
    holder = service.actor_for(actor, sub, regime, now)
    return Action.SEND in available_actions(chain, sub.position(), holder)


def add_seal(
    submission_id: str,
    expected_version: int,
    actor: Any,
    p12: bytes,
    passphrase: str,
    *,
    now: datetime,
    setup: SigningSetup,
    image: bytes | None = None,
) -> Submission:
    """Seal the current signed PDF with the agency's PKCS#12 (never stored).

    :raises ForbiddenActionError: (403) / TransitionError (409): not the sender now.
    :raises SignatureFlowError: (422) no file, foreign certificate, a broken
        first signature (KY011) or an invalid result (KY003); (404) not signed.
    """
    if not p12:
        raise SignatureFlowError(SignatureCode.KY007, what="tệp chứng thư số .p12")
    sub = service.get_submission(submission_id)
    if sub.version != expected_version:
        raise ConflictError(
            WorkflowCode.WF030, current=sub.version, expected=expected_version
        )
    regime = get_regime(sub.regime_id)
    chain = get_chain(regime.chain_id).chain()
    decide(chain, sub.position(), service.actor_for(actor, sub, regime, now), "send")
    current = signatures.current_document(sub)
    signer = Pkcs12Signer.load(p12, passphrase)
    fingerprint = certificate_sha256(signer.certificate)
    check_owner(actor, fingerprint, "")
    request = SignRequest(
        now=now,
        appearance=Appearance.SEAL,
        image=image,
        reason="Đóng dấu của cơ quan",
        timestamp_url=setup.tsa_url,
    )
    sealed = sign_pdf(bytes(current.pdf), request, signer)
    report = verify_pdf(sealed, setup.trust_roots, now)
    if not report.signatures[0].ok:
        raise SignatureFlowError(
            SignatureCode.KY011, problems=describe_problems(report)
        )
    if not report.valid:
        raise SignatureFlowError(
            SignatureCode.KY003, problems=describe_problems(report)
        )
    document = signatures.store_document(
        sub,
        sealed,
        kind="seal",
        source="p12",
        signer=_username(actor),
        certificate=fingerprint,
        data_sha256=current.data_sha256,
        report=report.to_dict(),
        now=now,
    )
    return _record(
        sub,
        sha256=document.sha256,
        previous=current.sha256,
        actor=actor,
        expected_version=expected_version,
        now=now,
    )


def _record(
    sub: Submission,
    *,
    sha256: str,
    previous: str,
    actor: Any,
    expected_version: int,
    now: datetime,
) -> Submission:
    """One guarded update: the new PDF becomes current, with a ``seal`` event."""
    event = {
        "actor": _username(actor),
        "action": "seal",
        "time": utc_naive(now),
        "reason": "",
        "data_sha256": service.data_hash(sub.get_data()),
        "version": expected_version + 1,
        "state": sub.state,
        "signature": sha256,
    }
    query = {"id": sub.pk, "version": expected_version, "state": sub.state}
    # The same version-guarded update (and embedded-store lock) as every transition.
    done = service._guarded_update(
        query,
        set__signature=sha256,
        set__updated_at=event["time"],
        inc__version=1,
        push__history=event,
    )
    if done is None:
        raise ConflictError(WorkflowCode.WF030, current="?", expected=expected_version)
    audit.record(
        event["actor"],
        "submission.seal",
        f"submission:{sub.pk}",
        now=now,
        unit=sub.unit,
        details={"signature": sha256, "previous": previous},
    )
    sub.reload()
    return sub


def _username(actor: Any) -> str:
    return str(getattr(actor, "username", actor))
