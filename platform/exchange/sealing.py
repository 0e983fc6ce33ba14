"""The agency's signature on exchange packages (``chu_ky``), and its check.

Which packages are signed: those that carry a unit's reported figures or the
status of its report — data, list data, outline submission, status and KPI data.
They are what the receiving system relies on as the agency's official word (the
counterpart of the signed PDF inside the province, Đ.4.2); catalogue packages
(regime, form, outline, periods, indicators, groups, disaggregations, KPI sets)
describe the reporting system itself and are sent unsigned. The official
schema's rules are not public here; this choice is documented in
docs/exchange.md and kept in :data:`SIGNED_TYPES`.

How: a detached CMS signature (:func:`baocao.signing.sign_detached`) of the
canonical JSON of the envelope *without* its ``chu_ky`` member, with the
agency's key (``BAOCAO_EXCHANGE_P12``). The receiver removes ``chu_ky``,
canonicalises the rest the same way and checks the signature.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from baocao.platform.exchange.outbox import canonical_json
from baocao.platform.exchange.qcvn125 import PackageType
from baocao.signing import DetachedReport, Signer, sign_detached, verify_detached

SIGNATURE = "chu_ky"
"""The envelope member holding the signature."""

SIGNED_TYPES = frozenset(
    {
        PackageType.DATA,
        PackageType.LIST_DATA,
        PackageType.OUTLINE_SUBMISSION,
        PackageType.STATUS,
        PackageType.KPI_DATA,
    }
)
"""Package types sent with the agency's signature."""


def must_sign(package_type: str) -> bool:
    """Whether packages of this type carry the agency's signature."""
    return package_type in {t.value for t in SIGNED_TYPES}


def signed_bytes(envelope: Mapping[str, Any]) -> bytes:
    """What the signature covers: canonical JSON of everything but ``chu_ky``."""
    return canonical_json({k: v for k, v in envelope.items() if k != SIGNATURE})


def seal(envelope: Mapping[str, Any], signer: Signer, now: datetime) -> dict[str, Any]:
    """The envelope with a ``chu_ky`` block: CMS detached, base64.

    :raises baocao.signing.SigningError: the certificate or key cannot sign.
    """
    signature = sign_detached(signed_bytes(envelope), signer, now)
    return {
        **envelope,
        SIGNATURE: {
            "dinh_dang": "CMS_DETACHED",
            "thuat_toan_bam": "SHA-256",
            "chung_thu_sha256": hashlib.sha256(signer.certificate).hexdigest(),
            "gia_tri": base64.b64encode(signature).decode("ascii"),
        },
    }


def check_seal(
    envelope: Mapping[str, Any], trust_roots: Sequence[bytes], now: datetime
) -> DetachedReport | None:
    """Verify the envelope's signature; ``None`` when it has none.

    :raises baocao.signing.SigningError: KS064 when ``gia_tri`` is not a CMS signature.
    """
    block = envelope.get(SIGNATURE)
    if not block:
        return None
    try:
        signature = base64.b64decode(block.get("gia_tri", ""), validate=True)
    except ValueError:
        signature = b""
    return verify_detached(signed_bytes(envelope), signature, trust_roots, now)
