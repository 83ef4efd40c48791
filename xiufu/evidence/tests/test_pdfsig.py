"""Signed-PDF validation (xiufu.evidence.pdfsig) against PDFs built and signed with pyHanko at test
time, by a self-signed certificate made with ``cryptography``. Pure tests: no database, no network.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import re
from dataclasses import dataclass

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from xiufu.evidence import pdfsig
from xiufu.evidence.pdfsig import (
    PdfSignatureReport,
    PdfSignatureStatus,
    SignatureResult,
    check_pdf_signatures,
    load_trust_roots,
)
from xiufu.evidence.samples import (
    PAGE_TEXT,
    Identity,
    blank_pdf,
    make_identity,
    replace_page_content,
    sign,
)

Status = PdfSignatureStatus
TSA_TIME = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Tsa:
    timestamper: DummyTimeStamper
    cert_pem: str


def make_tsa() -> Tsa:
    """A self-signed time-stamping authority; pyHanko's dummy TSA client signs with RSA only."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    timestamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        fixed_dt=TSA_TIME,
    )
    return Tsa(timestamper, cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))


def add_text_annotation(pdf: bytes) -> bytes:
    """An incremental update that adds a sticky note (a comment) to the first page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    note = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Text"),
            pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in (0, 0, 20, 20)),
            pdf_name("/Contents"): generic.TextStringObject("checked"),
        }
    )
    page["/Annots"].append(writer.add_object(note))  # the signature widget made /Annots
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def bank() -> Identity:
    return make_identity("Hangzhou Example Bank Seal")


@pytest.fixture(scope="module")
def unsigned_pdf() -> bytes:
    return blank_pdf()


@pytest.fixture(scope="module")
def signed_pdf(bank: Identity, unsigned_pdf: bytes) -> bytes:
    return sign(unsigned_pdf, bank)


@pytest.fixture(scope="module")
def counterparty() -> Identity:
    return make_identity("Counterparty Ltd")


@pytest.fixture(scope="module")
def countersigned_pdf(signed_pdf: bytes, counterparty: Identity) -> bytes:
    """Three revisions: the document, the bank's signature, the counterparty's signature."""
    return sign(signed_pdf, counterparty, field_name="Signature2")


@pytest.fixture(scope="module")
def tsa() -> Tsa:
    return make_tsa()


def only(report: PdfSignatureReport) -> SignatureResult:
    assert len(report.signatures) == 1
    return report.signatures[0]


def test_unsigned_pdf_is_unsigned(unsigned_pdf, bank):
    report = check_pdf_signatures(unsigned_pdf, trust_roots_pem=[bank.cert_pem])

    assert report == PdfSignatureReport(Status.UNSIGNED, (), ())
    assert not report.is_signed


def test_signature_by_a_trusted_signer_is_valid(signed_pdf, bank):
    report = check_pdf_signatures(signed_pdf, trust_roots_pem=[bank.cert_pem])

    assert report.status is Status.VALID
    result = only(report)
    assert result.field_name == "Signature1"
    assert result.signer == "Hangzhou Example Bank Seal"
    assert result.status is Status.VALID
    assert result.reasons == ()
    assert result.covers_whole_file
    assert result.signed_at is not None
    signed_at = dt.datetime.fromisoformat(result.signed_at)
    assert abs(dt.datetime.now(dt.UTC) - signed_at) < dt.timedelta(minutes=10)


def test_signature_without_trust_roots_is_untrusted(signed_pdf):
    report = check_pdf_signatures(signed_pdf)

    assert report.status is Status.UNTRUSTED
    result = only(report)
    # pyHanko's AdES sub-indication for a self-signed certificate that is not a trust root.
    assert result.reasons == ("signer not trusted: chain constraints failure",)
    assert result.covers_whole_file


def test_an_unrelated_trust_root_does_not_help(signed_pdf):
    stranger = make_identity("Someone Else")

    report = check_pdf_signatures(signed_pdf, trust_roots_pem=[stranger.cert_pem])

    assert report.status is Status.UNTRUSTED


def test_a_byte_flipped_inside_the_signed_range_is_invalid(signed_pdf, bank):
    tampered = bytearray(signed_pdf)
    at = signed_pdf.index(b"1000.00")
    tampered[at] = ord("9")  # "9000.00": same length, the file still parses

    report = check_pdf_signatures(bytes(tampered), trust_roots_pem=[bank.cert_pem])

    assert report.status is Status.INVALID
    result = only(report)
    assert result.reasons == ("digest mismatch",)
    # The byte range still spans the whole file: coverage is about extent, not integrity.
    assert result.covers_whole_file


def test_changing_page_content_after_signing_is_modified(signed_pdf, bank):
    updated = replace_page_content(signed_pdf, b"BT /F1 12 Tf 72 720 Td (Balance 0.00) Tj ET")

    report = check_pdf_signatures(updated, trust_roots_pem=[bank.cert_pem])

    assert report.status is Status.MODIFIED
    result = only(report)
    assert not result.covers_whole_file
    assert result.reasons == ("later changes not permitted", "not covered: 1 later revision")


def test_modified_outranks_untrusted(signed_pdf):
    updated = replace_page_content(signed_pdf, b"BT ET")

    result = only(check_pdf_signatures(updated))

    assert result.status is Status.MODIFIED
    assert "signer not trusted: chain constraints failure" in result.reasons


def test_a_second_signature_is_a_benign_later_change(countersigned_pdf, bank, counterparty):
    report = check_pdf_signatures(
        countersigned_pdf, trust_roots_pem=[bank.cert_pem, counterparty.cert_pem]
    )

    # pyHanko classifies adding a signature field and filling it as FORM_FILLING, which an
    # approval signature (no DocMDP restriction) permits.
    assert report.status is Status.VALID
    first, second = report.signatures  # in signing order
    assert first.field_name == "Signature1"
    assert first.status is Status.VALID
    assert not first.covers_whole_file
    assert first.reasons == ("not covered: 1 later revision", "later changes: form filling")
    assert second.field_name == "Signature2"
    assert second.signer == "Counterparty Ltd"
    assert second.status is Status.VALID
    assert second.covers_whole_file


def test_a_comment_added_after_signing_counts_as_modified(signed_pdf, bank):
    commented = add_text_annotation(signed_pdf)

    report = check_pdf_signatures(commented, trust_roots_pem=[bank.cert_pem])

    # What pyHanko actually reports: its default difference policy whitelists only form filling,
    # signature fields and signature maintenance (DSS, metadata), not new annotations, so a mere
    # sticky note is "unexplained" (modification level OTHER) and the signature counts as modified.
    assert report.status is Status.MODIFIED
    assert only(report).reasons == ("later changes not permitted", "not covered: 1 later revision")


def test_an_unreadable_signature_is_an_error_of_that_signature_only(signed_pdf, bank):
    start = signed_pdf.index(b"/Contents <") + len(b"/Contents <")
    end = signed_pdf.index(b">", start)
    # Outside the byte range, so the file still parses; the CMS blob is now all zeros.
    broken = signed_pdf[:start] + b"0" * (end - start) + signed_pdf[end:]

    report = check_pdf_signatures(broken, trust_roots_pem=[bank.cert_pem])

    assert report.status is Status.ERROR
    result = only(report)
    assert result.status is Status.ERROR
    assert result.field_name == "Signature1"
    assert result.reasons[0].startswith("malformed signature: ")


@pytest.mark.parametrize(
    "garbage",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 8,
        b"%PDF-",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    ],
    ids=["binary-noise", "header-only", "no-xref"],
)
def test_garbage_after_a_pdf_header_is_an_error(garbage):
    report = check_pdf_signatures(garbage)

    assert report.status is Status.ERROR
    assert report.signatures == ()
    assert len(report.reasons) == 1
    assert 0 < len(report.reasons[0]) <= 160


def test_a_truncated_signed_pdf_is_an_error(signed_pdf):
    report = check_pdf_signatures(signed_pdf[: len(signed_pdf) // 2])

    assert report.status is Status.ERROR
    assert report.reasons


def test_input_over_max_bytes_is_not_checked(signed_pdf):
    report = check_pdf_signatures(signed_pdf, max_bytes=len(signed_pdf) - 1)

    assert report.status is Status.NOT_CHECKED
    assert report.reasons == (f"too large: over {len(signed_pdf) - 1} bytes",)
    assert check_pdf_signatures(signed_pdf, max_bytes=len(signed_pdf)).status is not (
        Status.NOT_CHECKED
    )


def test_a_file_object_is_read_only_up_to_the_cap_and_rewound(signed_pdf):
    stream = io.BytesIO(b"%PDF-1.7\n" + b"x" * 10_000)
    stream.seek(0)

    report = check_pdf_signatures(stream, max_bytes=1000)

    assert report.status is Status.NOT_CHECKED
    assert stream.tell() == 0


def test_a_file_object_is_checked_like_bytes(signed_pdf, bank):
    stream = io.BytesIO(signed_pdf)

    report = check_pdf_signatures(stream, trust_roots_pem=[bank.cert_pem])

    assert report.status is Status.VALID
    assert stream.tell() == 0


def test_not_a_pdf_is_not_checked():
    report = check_pdf_signatures(b"PK\x03\x04 a zip file")

    assert report == PdfSignatureReport(Status.NOT_CHECKED, (), ("not a pdf",))


def test_a_certificate_with_digital_signature_key_usage_only_is_accepted(unsigned_pdf):
    identity = make_identity("Key Usage Test", non_repudiation=False)

    report = check_pdf_signatures(sign(unsigned_pdf, identity), trust_roots_pem=[identity.cert_pem])

    assert report.status is Status.VALID


def test_signer_without_common_name_omits_the_serial_number(unsigned_pdf):
    identity = make_identity(None)

    result = only(check_pdf_signatures(sign(unsigned_pdf, identity)))

    assert result.signer == "O=Hangzhou Example Bank"


def test_unreadable_trust_roots_are_skipped_not_raised(signed_pdf, bank):
    report = check_pdf_signatures(signed_pdf, trust_roots_pem=["not a certificate", bank.cert_pem])

    assert report.status is Status.VALID
    with pytest.raises(ValueError, match="not PEM"):
        load_trust_roots(["not a certificate"])


def test_load_trust_roots_reads_a_bundle(bank):
    other = make_identity("Other Root")

    roots = load_trust_roots([bank.cert_pem + other.cert_pem])

    assert [r.subject.native["common_name"] for r in roots] == [
        "Hangzhou Example Bank Seal",
        "Other Root",
    ]


def test_works_inside_a_running_event_loop(signed_pdf, bank):
    async def from_async_view() -> PdfSignatureReport:
        return check_pdf_signatures(signed_pdf, trust_roots_pem=[bank.cert_pem])

    assert asyncio.run(from_async_view()).status is Status.VALID


def test_json_round_trip(signed_pdf, bank):
    updated = replace_page_content(signed_pdf, b"BT ET")
    reports = [
        check_pdf_signatures(signed_pdf, trust_roots_pem=[bank.cert_pem]),
        check_pdf_signatures(updated),
        check_pdf_signatures(b"%PDF-garbage"),
        check_pdf_signatures(b"", max_bytes=0),
    ]

    for report in reports:
        stored = json.loads(json.dumps(report.to_json()))
        assert PdfSignatureReport.from_json(stored) == report
    assert reports[1].to_json()["signatures"][0]["status"] == "modified"


def test_from_json_rejects_unknown_codes():
    with pytest.raises(ValueError, match="bogus"):
        PdfSignatureReport.from_json({"status": "bogus", "signatures": []})
    with pytest.raises(ValueError, match="version"):
        PdfSignatureReport.from_json({"version": 99, "status": "valid", "signatures": []})


def test_status_codes_are_stable():
    assert {s.value for s in Status} == {
        "unsigned",
        "valid",
        "invalid",
        "modified",
        "untrusted",
        "error",
        "not_checked",
    }
    assert Status("valid") is Status.VALID
    assert isinstance(Status.VALID, str)


def test_a_document_timestamp_is_reported_like_a_signature(signed_pdf, bank, tsa):
    stamped = PdfTimeStamper(tsa.timestamper).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(signed_pdf)), "sha256"
    )

    report = check_pdf_signatures(stamped.getvalue(), trust_roots_pem=[bank.cert_pem, tsa.cert_pem])

    assert report.status is Status.VALID
    signature, timestamp = report.signatures
    # pyHanko classifies a document timestamp as signature maintenance (LTA_UPDATES).
    assert signature.reasons == ("not covered: 1 later revision", "later changes: lta updates")
    assert timestamp.signer == "Test TSA"
    assert timestamp.signed_at == TSA_TIME.isoformat()
    assert timestamp.status is Status.VALID
    assert timestamp.covers_whole_file
    untrusted_tsa = check_pdf_signatures(stamped.getvalue(), trust_roots_pem=[bank.cert_pem])
    assert untrusted_tsa.status is Status.UNTRUSTED
    assert untrusted_tsa.signatures[1].status is Status.UNTRUSTED


def test_an_untrusted_signature_timestamp_makes_the_signature_untrusted(unsigned_pdf, bank, tsa):
    signed = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(unsigned_pdf)),
        signers.PdfSignatureMetadata(field_name="Signature1"),
        signer=bank.signer,
        timestamper=tsa.timestamper,
    ).getvalue()

    trusted = only(check_pdf_signatures(signed, trust_roots_pem=[bank.cert_pem, tsa.cert_pem]))
    untrusted = only(check_pdf_signatures(signed, trust_roots_pem=[bank.cert_pem]))

    assert trusted.status is Status.VALID
    assert untrusted.status is Status.UNTRUSTED
    assert untrusted.reasons == ("timestamp token not trusted",)


@pytest.mark.parametrize(
    ("user_password", "expected"),
    [("", Status.VALID), ("user-secret", Status.ERROR)],
    ids=["open", "password-protected"],
)
def test_encrypted_pdfs_are_opened_with_the_empty_password_only(bank, user_password, expected):
    writer = PdfFileWriter()
    contents = writer.add_object(generic.StreamObject(stream_data=PAGE_TEXT))
    writer.insert_page(PageObject(contents=contents, media_box=(0, 0, 595, 842)))
    writer.encrypt("owner-secret", user_password)
    out = io.BytesIO()
    writer.write(out)
    incremental = IncrementalPdfFileWriter(io.BytesIO(out.getvalue()))
    incremental.encrypt(user_password)
    signed = signers.sign_pdf(
        incremental,
        signers.PdfSignatureMetadata(field_name="Signature1"),
        signer=bank.signer,
    ).getvalue()

    report = check_pdf_signatures(signed, trust_roots_pem=[bank.cert_pem])

    assert report.status is expected
    if expected is Status.ERROR:
        assert report.reasons == ("PdfReadError: encrypted: password required",)


def test_a_file_only_readable_leniently_says_so(unsigned_pdf, bank):
    # Point startxref one byte past the cross-reference stream: strict parsing gives up, lenient
    # parsing finds it.
    match = re.search(rb"startxref\s+(\d+)", unsigned_pdf)
    assert match is not None
    off_by_one = str(int(match.group(1)) + 1).encode()
    broken = unsigned_pdf[: match.start(1)] + off_by_one + unsigned_pdf[match.end(1) :]

    assert check_pdf_signatures(broken) == PdfSignatureReport(
        Status.UNSIGNED, (), ("lenient parse",)
    )
    signed = sign_leniently(broken, bank)
    report = check_pdf_signatures(signed, trust_roots_pem=[bank.cert_pem])
    assert report.status is Status.VALID
    assert report.reasons == ("lenient parse",)
    assert only(report).reasons == ("lenient parse",)


def sign_leniently(pdf: bytes, identity: Identity) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = signers.sign_pdf(
        writer, signers.PdfSignatureMetadata(field_name="Signature1"), signer=identity.signer
    )
    return out.getvalue()


def test_an_unsupported_subfilter_is_an_error_of_that_signature(signed_pdf, bank):
    # Same length, so the file still parses (the signature dictionary is inside the byte range,
    # but an unsupported format is never verified).
    legacy = signed_pdf.replace(b"/adbe.pkcs7.detached", b"/adbe.x509.rsa_sha1 ", 1)
    assert legacy != signed_pdf

    report = check_pdf_signatures(legacy, trust_roots_pem=[bank.cert_pem])

    assert report.status is Status.ERROR
    assert only(report).reasons == ("unsupported subfilter: adbe.x509.rsa_sha1",)


def test_too_many_revisions_is_an_error(countersigned_pdf, monkeypatch):
    monkeypatch.setattr(pdfsig, "MAX_REVISIONS", 2)

    report = check_pdf_signatures(countersigned_pdf)

    assert report == PdfSignatureReport(Status.ERROR, (), ("too many revisions: 3",))


def test_signatures_beyond_the_cap_are_left_out(countersigned_pdf, monkeypatch):
    monkeypatch.setattr(pdfsig, "MAX_SIGNATURES", 1)

    report = check_pdf_signatures(countersigned_pdf)

    assert len(report.signatures) == 1
    assert report.reasons == ("only the first 1 signatures were analysed",)


def test_an_exhausted_review_budget_leaves_later_changes_unanalysed(
    countersigned_pdf, bank, counterparty, monkeypatch
):
    monkeypatch.setattr(pdfsig, "MAX_REVISION_REVIEWS", 0)

    report = check_pdf_signatures(
        countersigned_pdf, trust_roots_pem=[bank.cert_pem, counterparty.cert_pem]
    )

    assert report.status is Status.ERROR
    first, second = report.signatures
    assert first.status is Status.ERROR
    assert first.reasons == (
        "later changes not analysed: too many revisions",
        "not covered: 1 later revision",
    )
    assert second.status is Status.VALID  # covers the whole file: nothing to review
