"""A small certificate authority for demos and tests (pure: keys and bytes in memory).

Real deployments use certificates from a licensed CA (VGCA, VNPT-CA, Viettel-CA…);
the demo and the test suite need a complete chain that behaves the same way: a root,
an intermediate, leaf certificates for a leader and an agency seal, a timestamping
certificate and a CRL. Nothing here reads the clock: validity periods come from the
caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "DemoPki",
    "Identity",
    "KeySpec",
    "build_demo_pki",
    "issue_crl",
    "issue_identity",
    "make_key",
    "make_name",
]

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True, slots=True)
class KeySpec:
    """Which key to generate: ``("rsa", 2048)`` or ``("ec", 256)``."""

    algorithm: str = "rsa"
    """``rsa`` or ``ec``."""
    size: int = 2048
    """RSA modulus bits or elliptic-curve size (224, 256, 384)."""


_CURVES: dict[int, Callable[[], ec.EllipticCurve]] = {
    224: ec.SECP224R1,
    256: ec.SECP256R1,
    384: ec.SECP384R1,
    521: ec.SECP521R1,
}


@dataclass(frozen=True, slots=True)
class Identity:
    """A certificate with its private key."""

    certificate: x509.Certificate
    """The issued certificate."""
    key: PrivateKey
    """Its private key."""

    @property
    def certificate_pem(self) -> bytes:
        """The certificate as PEM."""
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (tests and demos only)."""
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def to_pkcs12(self, passphrase: bytes, chain: Sequence[Identity] = ()) -> bytes:
        """Pack key, certificate and CA chain into a passphrase-protected PKCS#12."""
        return pkcs12.serialize_key_and_certificates(
            name=None,
            key=self.key,
            cert=self.certificate,
            cas=[ca.certificate for ca in chain] or None,
            encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
        )


def make_key(spec: KeySpec) -> PrivateKey:
    """Generate a private key following ``spec``."""
    if spec.algorithm == "ec":
        return ec.generate_private_key(_CURVES[spec.size]())
    return rsa.generate_private_key(public_exponent=65537, key_size=spec.size)


def make_name(common_name: str, organisation: str = "", unit: str = "") -> x509.Name:
    """A Vietnamese distinguished name (C=VN, province Đồng Tháp)."""
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Đồng Tháp"),
    ]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def issue_identity(
    subject: x509.Name,
    *,
    not_before: datetime,
    not_after: datetime,
    issuer: Identity | None = None,
    key: KeySpec = KeySpec(),
    ca: bool = False,
    key_usage: frozenset[str] = frozenset({"digital_signature", "content_commitment"}),
    time_stamping: bool = False,
    crl_url: str = "",
    serial: int | None = None,
) -> Identity:
    """Issue a certificate; self-signed when ``issuer`` is None.

    :param key_usage: names of :class:`cryptography.x509.KeyUsage` flags to set
        (``content_commitment`` is nonRepudiation).
    :param time_stamping: add the critical timeStamping extended key usage (TSA).
    :param crl_url: a CRL distribution point to advertise.
    """
    private_key = make_key(key)
    signer_key = issuer.key if issuer else private_key
    issuer_name = issuer.certificate.subject if issuer else subject
    flags = {name: name in key_usage for name in _KEY_USAGE_FLAGS}
    if ca:
        flags.update(key_cert_sign=True, crl_sign=True)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(private_key.public_key())
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**flags), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(private_key.public_key()),
            critical=False,
        )
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    if crl_url:
        point = x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)],
            relative_name=None,
            reasons=None,
            crl_issuer=None,
        )
        builder = builder.add_extension(
            x509.CRLDistributionPoints([point]), critical=False
        )
    certificate = builder.sign(signer_key, hashes.SHA256())
    return Identity(certificate=certificate, key=private_key)


_KEY_USAGE_FLAGS = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def issue_crl(
    issuer: Identity,
    revoked: Sequence[tuple[x509.Certificate, datetime]],
    *,
    this_update: datetime,
    next_update: datetime,
) -> bytes:
    """A DER CRL signed by ``issuer`` listing ``(certificate, revocation time)``."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    for certificate, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(when)
            .build()
        )
    crl = builder.sign(issuer.key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True, slots=True)
class DemoPki:
    """A complete demo chain: what ``baocao demo`` needs to sign for real."""

    root_pem: bytes
    """Trust anchor to configure in the verifier."""
    intermediate_pem: bytes
    """Issuing CA (also inside the PKCS#12 files)."""
    leader_p12: bytes
    """The leader's PKCS#12 (RSA 2048, digitalSignature + nonRepudiation)."""
    seal_p12: bytes
    """The agency's PKCS#12 for the seal signature."""
    crl_der: bytes
    """Empty CRL of the issuing CA, for B-LT."""
    leaders_p12: tuple[bytes, ...] = ()
    """One PKCS#12 per ``leaders`` entry, issued by the same CA (one per account)."""


def build_demo_pki(
    now: datetime,
    passphrase: bytes,
    *,
    leader_name: str = "Nguyễn Văn An",
    organisation: str = "Ủy ban nhân dân tỉnh Đồng Tháp",
    agency: str = "Sở Khoa học và Công nghệ tỉnh Đồng Tháp",
    leaders: Sequence[tuple[str, str]] = (),
) -> DemoPki:
    """Generate a fresh demo chain valid from ``now`` - 1 day for five years.

    :param leaders: further ``(name, organisation)`` leaders to issue, e.g. one
        per demo leader account, so that each signs with its own certificate.

    Keys are random (about a third of a second for four RSA keys); the caller
    stores the result if it must survive a restart. For demos only: the root is
    not a licensed CA.
    """
    start = now - timedelta(days=1)
    end = start + timedelta(days=5 * 365)
    root = issue_identity(
        make_name("Baocao Demo Root CA", "Baocao demo"),
        not_before=start,
        not_after=end + timedelta(days=365),
        ca=True,
    )
    issuing = issue_identity(
        make_name("Baocao Demo Issuing CA", "Baocao demo"),
        issuer=root,
        not_before=start,
        not_after=end + timedelta(days=180),
        ca=True,
    )
    leader = issue_identity(
        make_name(leader_name, organisation),
        issuer=issuing,
        not_before=start,
        not_after=end,
    )
    seal = issue_identity(
        make_name(agency, agency), issuer=issuing, not_before=start, not_after=end
    )
    chain = (issuing, root)
    return DemoPki(
        root_pem=root.certificate_pem,
        intermediate_pem=issuing.certificate_pem,
        leader_p12=leader.to_pkcs12(passphrase, chain),
        seal_p12=seal.to_pkcs12(passphrase, chain),
        crl_der=issue_crl(issuing, [], this_update=start, next_update=end),
        leaders_p12=tuple(
            issue_identity(
                make_name(name, org), issuer=issuing, not_before=start, not_after=end
            ).to_pkcs12(passphrase, chain)
            for name, org in leaders
        ),
    )
