"""Registered signing certificates and stored signed PDFs (DESIGN.md §5, §7).

A signed report is a record of the State (Thông tư 15/2025, Đ.19 of Nghị định
09/2019): its bytes are kept in the document store next to the submission and
are never changed or deleted, so :class:`SignedDocument` is append-only like the
audit log. The bytes live in the document itself (a report PDF is far below the
16 MB document limit), which works the same on MongoDB and mongomock.
"""

from __future__ import annotations


from baocao.platform.models.audit import AppendOnly, AppendOnlyQuerySet
from mongoengine import (
    BinaryField,
    DateTimeField,
    DictField,
    Document,
    StringField,
)


class UserCertificate(Document):
    """A public certificate an account signs with (PEM; never a private key).

    A signature in the approval chain counts only when its certificate's
    SHA-256 is registered here for the acting account and not withdrawn.
    """

    username = StringField(required=True)
    sha256 = StringField(required=True)
    """Hex SHA-256 of the certificate's DER (``signing.certificate_sha256``)."""
    pem = StringField(required=True)
    subject = StringField(default="")
    """Common name shown in lists."""
    organisation = StringField(default="")
    not_after = DateTimeField(null=True)
    """End of validity (UTC, naive)."""
    registered_by = StringField(required=True)
    registered_at = DateTimeField(required=True)
    withdrawn_at = DateTimeField(null=True)
    """Set when the account stops using it; the record stays for old signatures."""

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "user_certificates",
        "indexes": [{"fields": ["username", "sha256"], "unique": True}],
    }


class SignedDocument(AppendOnly, Document):
    """One signed PDF of a submission, as accepted into the chain; never changed."""

    submission_id = StringField(required=True)
    sha256 = StringField(required=True)
    """Hex SHA-256 of :attr:`pdf`, recorded in the submission and its history."""
    data_sha256 = StringField(required=True)
    """SHA-256 of the data attached to the PDF (``baocao-data.json``)."""
    pdf = BinaryField(required=True)
    kind = StringField(required=True, choices=["leader", "seal"])
    """The leader's signature, or the agency seal added over it."""
    source = StringField(required=True, choices=["p12", "upload"])
    """Signed here with an uploaded PKCS#12, or signed outside and uploaded."""
    signer = StringField(required=True)
    """Username of the account that signed."""
    certificate_sha256 = StringField(required=True)
    report = DictField()
    """The verification result when it was accepted (``VerificationReport.to_dict``)."""
    created_at = DateTimeField(required=True)

    meta = {  # noqa: RUF012 - MongoEngine reads a plain dict
        "collection": "signed_documents",
        "indexes": ["submission_id", "sha256"],
        "ordering": ["created_at"],
        "queryset_class": AppendOnlyQuerySet,
    }
