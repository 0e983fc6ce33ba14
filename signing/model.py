"""The data the signing API takes and gives: requests, placements, the Signer protocol.

Everything here is a frozen dataclass or a :class:`typing.Protocol`, so the platform
can build a request from its own records and pass it through without pyHanko types.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

__all__ = [
    "Appearance",
    "Box",
    "LongTermMaterial",
    "SignRequest",
    "Signer",
]


class Appearance(enum.Enum):
    """What the signature looks like on the page (Nghị định 30/2020, Phụ lục I)."""

    SIGNATURE = "signature"
    """The leader's signature: title, blue signature image centred, name, then the
    signer/organisation/time lines."""
    SEAL = "seal"
    """The agency's signature: the red seal at real size over about the left third of
    the leader's signature image (``SignRequest.over_field``)."""
    TEXT_LINE = "text_line"
    """Attachments in separate files: no image, a text line (organisation, document
    number, ISO 8601 time) at the top right of the first page."""
    INVISIBLE = "invisible"
    """No widget on the page at all."""


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on a page, in PDF points (1/72 inch), origin at the bottom left."""

    x: float
    y: float
    width: float
    height: float
    page: int = -1
    """0-based page index; negative counts from the end (-1 is the last page)."""


@dataclass(frozen=True, slots=True)
class LongTermMaterial:
    """What PAdES B-LT needs: trust anchors and revocation data to embed (DSS).

    Given as bytes (PEM or DER) so that the platform decides where they come from
    (its configuration, a CRL it downloaded); nothing is fetched unless
    ``allow_fetching`` is set.
    """

    trust_roots: tuple[bytes, ...]
    """Root certificates the signer's chain must reach."""
    crls: tuple[bytes, ...] = ()
    """CRLs (DER or PEM) of every CA in the chain."""
    ocsp_responses: tuple[bytes, ...] = ()
    """DER OCSP responses, when the CA offers OCSP."""
    other_certs: tuple[bytes, ...] = ()
    """Intermediate certificates not carried by the signer (e.g. the TSA's)."""
    allow_fetching: bool = False
    """Let pyHanko download missing CRLs/OCSP responses (network I/O)."""


@dataclass(frozen=True, slots=True)
class SignRequest:
    """Everything about one signature except the key.

    ``now`` is the signing time written into the signature dictionary and shown on
    the stamp; with a timestamp authority the trusted time comes from the token.
    """

    now: datetime
    """Aware datetime of signing (the core reads no clock)."""
    appearance: Appearance = Appearance.INVISIBLE
    """How the signature is shown."""
    box: Box | None = None
    """Where a SIGNATURE goes; default: bottom right of the last page."""
    field_name: str = ""
    """Signature field name; default ``ChuKy<n>``."""
    title: str = ""
    """Title of the signer above the image, e.g. ``"KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"``."""
    signer_name: str = ""
    """Name under the image; default: the certificate's common name."""
    organisation: str = ""
    """Organisation shown in the stamp; default: the certificate's O attribute."""
    image: bytes | None = None
    """PNG with transparent background: blue signature or red seal."""
    seal_diameter_mm: float = 36.0
    """Real size of the seal (SEAL appearance)."""
    over_field: str = ""
    """SEAL: the leader's signature field to overlap; default: the last one."""
    document_reference: str = ""
    """TEXT_LINE: number and symbol of the document, e.g. ``"Số: 12/BC-UBND"``."""
    reason: str = ""
    """Reason written in the signature dictionary (/Reason)."""
    location: str = ""
    """Place of signing (/Location)."""
    timestamp_url: str = ""
    """RFC 3161 timestamp authority; set for PAdES B-T (network I/O)."""
    timestamp_timeout: float = 10.0
    """Seconds to wait for the timestamp authority."""
    long_term: LongTermMaterial | None = None
    """Set for PAdES B-LT: revocation data embedded in the DSS."""
    md_algorithm: str = "sha256"
    """Digest algorithm (SHA-256 or stronger)."""
    key_usage: frozenset[str] = field(
        default_factory=lambda: frozenset({"digital_signature", "non_repudiation"})
    )
    """Key usages of which the certificate must have at least one."""


@runtime_checkable
class Signer(Protocol):
    """Something that holds a private key and its certificate (PKCS#12, token, remote).

    Certificates are DER bytes; ``sign_raw`` receives the DER of the CMS signed
    attributes and returns the raw signature (PKCS#1 v1.5 for RSA, DER-encoded
    ECDSA) over their ``digest_algorithm`` digest.
    """

    @property
    def certificate(self) -> bytes:
        """The signer's certificate (DER)."""
        ...

    @property
    def chain(self) -> Sequence[bytes]:
        """Issuer certificates to embed (DER), nearest first."""
        ...

    async def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign ``data`` (hashing it with ``digest_algorithm``)."""
        ...
