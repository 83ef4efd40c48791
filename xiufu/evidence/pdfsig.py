"""Validation of digital signatures in uploaded PDF evidence, with pyHanko.

An enterprise may upload signed PDFs (bank statements, court documents, settlement certificates)
as dispute evidence. :func:`check_pdf_signatures` reports, per signature, whether it is valid,
invalid (the signed bytes changed or the CMS signature does not verify), modified after signing
(later incremental updates that pyHanko's difference analysis does not accept as form filling or
signature maintenance) or untrusted (intact, but the signer does not chain to a configured trust
root), plus the report-wide worst of these.

The check never blocks an upload: malformed input becomes a report with status ``error``, input
that is too large or not a PDF one with status ``not_checked``; only ``KeyboardInterrupt`` and
similar escape. A signature that cannot be analysed gets status ``error`` on its own, without
affecting the others. It works offline: no CRL or OCSP is fetched (revocation checking is
soft-fail), and the operating system's trust store is never consulted, only ``trust_roots_pem``.

Bounds on hostile input: the caller-supplied size cap (read no further than ``max_bytes + 1``),
pyHanko's default stream-decoding limits for untrusted input, and caps on the number of signatures
and revisions analysed. The pyHanko reader is strict first; only if strict parsing fails (or the
file uses hybrid cross-reference sections, which strict signature validation refuses) is the file
re-read leniently, and the report and every signature then carry the reason ``"lenient parse"``.

Validation is at the current time (no point-in-time validation at a timestamp's time), so a
signature whose certificate has since expired is reported ``untrusted``.

This module is pure Python and does not import Django.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import logging
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, BinaryIO, TypeVar

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.crypt import AuthStatus, StandardSecurityHandler
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_REVISIONS",
    "MAX_REVISION_REVIEWS",
    "MAX_SIGNATURES",
    "PdfSignatureReport",
    "PdfSignatureStatus",
    "SignatureResult",
    "check_pdf_signatures",
    "load_trust_roots",
]

logger = logging.getLogger(__name__)

#: Default cap on the size of an analysed PDF (bytes).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: At most this many signature fields are analysed; the report says when some were left out.
MAX_SIGNATURES = 50
#: Files with more revisions (incremental updates) are not analysed (status ``error``).
MAX_REVISIONS = 500
#: pyHanko's difference analysis reviews, per signature, every later revision (roughly 5 ms per
#: revision for a small file). Once this many revision reviews have been spent on a document, the
#: later changes of its remaining signatures are not analysed (those signatures get ``error``).
MAX_REVISION_REVIEWS = 1000
#: ``%PDF-`` must start within the first this many bytes (as viewers tolerate leading junk).
_HEADER_WINDOW = 1024
#: Reasons are cut to this many characters (pyHanko messages can list hundreds of references).
_MAX_REASON_CHARS = 160
#: Version of the layout produced by :meth:`PdfSignatureReport.to_json`.
_JSON_VERSION = 1

#: Either key usage is accepted on a signer certificate (pyHanko's default demands
#: non-repudiation only, which many document-signing certificates lack; Acrobat accepts either).
_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)

_T = TypeVar("_T")


class PdfSignatureStatus(StrEnum):
    """Outcome of checking a PDF or one of its signatures. The values are stable database codes.

    A ``StrEnum`` (a ``str`` and ``Enum`` subclass, so ``str(status)`` is the code itself).
    """

    UNSIGNED = "unsigned"
    VALID = "valid"
    INVALID = "invalid"
    #: Modified after signing: later changes that are not permitted form filling/maintenance.
    MODIFIED = "modified"
    #: The signature is intact but the signer does not chain to a configured trust root.
    UNTRUSTED = "untrusted"
    #: Could not be analysed (malformed); never blocks the upload.
    ERROR = "error"
    #: Not analysed: too large, or not a PDF.
    NOT_CHECKED = "not_checked"


#: How bad a signature status is, for the report-wide worst. A signature that could not be
#: analysed ranks below definite findings of tampering but above a mere trust problem.
_SEVERITY: dict[PdfSignatureStatus, int] = {
    PdfSignatureStatus.VALID: 0,
    PdfSignatureStatus.UNTRUSTED: 1,
    PdfSignatureStatus.ERROR: 2,
    PdfSignatureStatus.MODIFIED: 3,
    PdfSignatureStatus.INVALID: 4,
}


@dataclass(frozen=True)
class SignatureResult:
    """The verdict on one signature (or document timestamp) of a PDF."""

    field_name: str
    #: Common name of the signer certificate's subject, or else its RFC 4514 string (without
    #: ``serialNumber`` attributes, which some CAs fill with personal ID numbers).
    signer: str
    #: ISO 8601 signing time claimed by the signer (or of the embedded timestamp), if any.
    signed_at: str | None
    status: PdfSignatureStatus
    #: Short English reasons, e.g. ``"digest mismatch"``, ``"not covered: 1 later revision"``.
    reasons: tuple[str, ...]
    covers_whole_file: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "field_name": self.field_name,
            "signer": self.signer,
            "signed_at": self.signed_at,
            "status": self.status.value,
            "reasons": list(self.reasons),
            "covers_whole_file": self.covers_whole_file,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignatureResult:
        signed_at = data.get("signed_at")
        return cls(
            field_name=str(data["field_name"]),
            signer=str(data["signer"]),
            signed_at=None if signed_at is None else str(signed_at),
            status=PdfSignatureStatus(data["status"]),
            reasons=tuple(str(r) for r in data.get("reasons", ())),
            covers_whole_file=bool(data["covers_whole_file"]),
        )


@dataclass(frozen=True)
class PdfSignatureReport:
    """The verdict on a whole PDF.

    ``status`` is the worst over all signatures (invalid > modified > error > untrusted > valid),
    ``unsigned`` if there is none, or ``error`` / ``not_checked`` for the document as a whole.
    ``reasons`` holds document-level reasons: why the document is ``error`` / ``not_checked``
    (e.g. ``"not a pdf"``, the parse error), ``"lenient parse"``, or that only the first
    :data:`MAX_SIGNATURES` signatures were analysed. It is usually empty.
    """

    status: PdfSignatureStatus
    signatures: tuple[SignatureResult, ...]
    reasons: tuple[str, ...] = ()

    @property
    def is_signed(self) -> bool:
        """Whether at least one signature field is filled in."""
        return bool(self.signatures)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (for a ``JSONField``); :meth:`from_json` reads it back."""
        return {
            "version": _JSON_VERSION,
            "status": self.status.value,
            "reasons": list(self.reasons),
            "signatures": [s.to_json() for s in self.signatures],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PdfSignatureReport:
        """Read a dict made by :meth:`to_json`; raises ``ValueError``/``KeyError`` if malformed."""
        version = data.get("version", _JSON_VERSION)
        if version != _JSON_VERSION:
            raise ValueError(f"unsupported signature report version: {version!r}")
        return cls(
            status=PdfSignatureStatus(data["status"]),
            signatures=tuple(SignatureResult.from_json(s) for s in data.get("signatures", ())),
            reasons=tuple(str(r) for r in data.get("reasons", ())),
        )


def load_trust_roots(trust_roots_pem: Iterable[str]) -> tuple[asn1_x509.Certificate, ...]:
    """Parse PEM trust roots; each string may hold one or several certificates.

    Raises ``ValueError`` on anything that is not a PEM certificate, so that configuration can be
    checked at start-up. (:func:`check_pdf_signatures` itself logs and skips bad entries.)
    """
    roots: list[asn1_x509.Certificate] = []
    for text in trust_roots_pem:
        raw = text.encode("ascii", errors="strict") if isinstance(text, str) else bytes(text)
        if not pem.detect(raw):
            raise ValueError("trust root is not PEM")
        found = False
        for object_type, _headers, der in pem.unarmor(raw, multiple=True):
            if object_type != "CERTIFICATE":
                raise ValueError(f"unexpected PEM block in trust roots: {object_type}")
            cert = asn1_x509.Certificate.load(der)
            cert.native  # noqa: B018 - parse eagerly so that a malformed DER fails here
            roots.append(cert)
            found = True
        if not found:
            raise ValueError("no certificate in trust root PEM")
    return tuple(roots)


def check_pdf_signatures(
    data: bytes | BinaryIO,
    *,
    trust_roots_pem: Sequence[str] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> PdfSignatureReport:
    """Check the signatures of a PDF given as bytes or as a binary file object.

    Reads at most ``max_bytes + 1`` bytes from a file object and restores its position if it is
    seekable. Never raises for bad input; see the module docstring for the outcomes.
    """
    try:
        buf = _read_bounded(data, max_bytes)
    except Exception as exc:
        logger.warning("could not read PDF for signature check")
        return _doc_report(PdfSignatureStatus.ERROR, f"read error: {_describe(exc)}")
    if buf is None:
        return _doc_report(PdfSignatureStatus.NOT_CHECKED, f"too large: over {max_bytes} bytes")
    if b"%PDF-" not in buf[:_HEADER_WINDOW]:
        return _doc_report(PdfSignatureStatus.NOT_CHECKED, "not a pdf")

    roots = _tolerant_trust_roots(trust_roots_pem)
    try:
        return _analyse(buf, roots)
    except Exception as exc:
        logger.info("PDF signature check failed")
        return _doc_report(PdfSignatureStatus.ERROR, _describe(exc))


# --------------------------------------------------------------------------------------------
# Input


def _read_bounded(data: bytes | BinaryIO, max_bytes: int) -> bytes | None:
    """The input as bytes, or ``None`` if it is longer than ``max_bytes``."""
    if isinstance(data, bytes | bytearray | memoryview):
        return None if len(data) > max_bytes else bytes(data)
    start: int | None = None
    try:
        if data.seekable():
            start = data.tell()
    except (AttributeError, OSError, ValueError):
        start = None
    try:
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = data.read(min(remaining, 1024 * 1024))
            if not chunk:
                break
            chunks.append(bytes(chunk))
            remaining -= len(chunk)
    finally:
        if start is not None:
            data.seek(start)
    return None if remaining <= 0 else b"".join(chunks)


def _tolerant_trust_roots(trust_roots_pem: Sequence[str]) -> tuple[asn1_x509.Certificate, ...]:
    """Like :func:`load_trust_roots`, but a bad entry is logged and skipped, never raised."""
    if isinstance(trust_roots_pem, str):  # a single PEM bundle passed by mistake
        trust_roots_pem = (trust_roots_pem,)
    roots: list[asn1_x509.Certificate] = []
    for index, text in enumerate(trust_roots_pem):
        try:
            roots.extend(load_trust_roots((text,)))
        except Exception:
            logger.warning("ignoring unreadable PDF signature trust root #%d", index)
    return tuple(roots)


# --------------------------------------------------------------------------------------------
# Analysis


@dataclass
class _Candidate:
    """A filled signature field, before validation."""

    field_name: str
    embedded: EmbeddedPdfSignature | None
    error: str | None = None
    signer: str = ""
    signed_at: str | None = None


def _analyse(buf: bytes, roots: tuple[asn1_x509.Certificate, ...]) -> PdfSignatureReport:
    reader, lenient = _open_reader(buf)
    doc_reasons: list[str] = []
    extra: list[str] = ["lenient parse"] if lenient else []

    if reader.encrypted:
        _decrypt_or_raise(reader)
    revisions = reader.xrefs.total_revisions
    if revisions > MAX_REVISIONS:
        return _doc_report(PdfSignatureStatus.ERROR, f"too many revisions: {revisions}")

    candidates: list[_Candidate] = []
    for count, (fq_name, sig_obj, sig_field) in enumerate(
        enumerate_sig_fields(reader, filled_status=True)
    ):
        if count >= MAX_SIGNATURES:
            doc_reasons.append(f"only the first {MAX_SIGNATURES} signatures were analysed")
            break
        candidates.append(_candidate(reader, str(fq_name), sig_obj, sig_field))

    if not candidates:
        return PdfSignatureReport(PdfSignatureStatus.UNSIGNED, (), tuple(extra + doc_reasons))

    results = _run_async(_validate_all(reader, candidates, roots, tuple(extra)))
    worst = max((r.status for r in results), key=_SEVERITY.__getitem__)
    return PdfSignatureReport(worst, tuple(results), tuple(extra + doc_reasons))


def _open_reader(buf: bytes) -> tuple[PdfFileReader, bool]:
    """A strict reader; a lenient one (and ``True``) if strict parsing fails or the file has
    hybrid cross-reference sections (which pyHanko refuses to validate in strict mode)."""
    try:
        reader = PdfFileReader(io.BytesIO(buf), strict=True)
        if not reader.xrefs.hybrid_xrefs_present:
            return reader, False
    except Exception:
        logger.debug("strict PDF parse failed; retrying leniently")
    return PdfFileReader(io.BytesIO(buf), strict=False), True


def _decrypt_or_raise(reader: PdfFileReader) -> None:
    """Open an encrypted PDF with the empty user password (signature dictionaries and field names
    are encrypted strings); anything else cannot be analysed."""
    if not isinstance(reader.security_handler, StandardSecurityHandler):
        raise misc.PdfReadError("encrypted: unsupported security handler")
    if reader.decrypt(b"").status == AuthStatus.FAILED:
        raise misc.PdfReadError("encrypted: password required")


def _candidate(reader: PdfFileReader, fq_name: str, sig_obj: Any, sig_field: Any) -> _Candidate:
    try:
        sig_dict = sig_obj.get_object()
        subfilter = sig_dict.get("/SubFilter")
        known = {sf.value for sf in SigSeedSubFilter}
        if subfilter not in known:
            return _Candidate(fq_name, None, f"unsupported subfilter: {_name(subfilter)}")
        embedded = EmbeddedPdfSignature(reader, sig_field, fq_name)
    except Exception as exc:
        logger.info("unreadable signature field %r", fq_name)
        return _Candidate(fq_name, None, f"malformed signature: {_describe(exc)}")
    candidate = _Candidate(fq_name, embedded)
    try:
        candidate.signer = _signer_name(embedded.signer_cert)
    except Exception:
        logger.info("unreadable signer certificate in %r", fq_name)
    try:
        claimed = embedded.self_reported_timestamp
        candidate.signed_at = claimed.isoformat() if claimed is not None else None
    except Exception:
        logger.info("unreadable signing time in %r", fq_name)
    return candidate


async def _validate_all(
    reader: PdfFileReader,
    candidates: list[_Candidate],
    roots: tuple[asn1_x509.Certificate, ...],
    extra: tuple[str, ...],
) -> list[SignatureResult]:
    """Validate in signing order (as pyHanko lists signatures), unreadable fields last."""
    unreadable_last = reader.xrefs.total_revisions
    ordered = sorted(
        candidates,
        key=lambda c: c.embedded.signed_revision if c.embedded is not None else unreadable_last,
    )
    results = []
    review_budget = MAX_REVISION_REVIEWS
    for candidate in ordered:
        status: PdfSignatureStatus
        reasons: tuple[str, ...]
        whole: bool
        if candidate.embedded is None:
            status, reasons, whole = (
                PdfSignatureStatus.ERROR,
                (candidate.error or "malformed",),
                False,
            )
        else:
            later = reader.xrefs.total_revisions - 1 - candidate.embedded.signed_revision
            skip_diff = later > review_budget
            if not skip_diff:
                review_budget -= later
            try:
                status, reasons, whole, signed_at = await _validate_one(
                    reader, candidate.embedded, roots, skip_diff=skip_diff
                )
                candidate.signed_at = signed_at or candidate.signed_at
            except Exception as exc:
                logger.info("signature %r not validated", candidate.field_name)
                status, reasons, whole = (
                    PdfSignatureStatus.ERROR,
                    (f"validation failed: {_describe(exc)}",),
                    False,
                )
        results.append(
            SignatureResult(
                field_name=candidate.field_name,
                signer=candidate.signer,
                signed_at=candidate.signed_at,
                status=status,
                reasons=tuple(_short(r) for r in (*reasons, *extra)),
                covers_whole_file=whole,
            )
        )
    return results


def _validation_context(roots: tuple[asn1_x509.Certificate, ...]) -> ValidationContext:
    # A list (never None) for trust_roots: None would fall back to the OS trust store.
    return ValidationContext(
        trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail"
    )


async def _validate_one(
    reader: PdfFileReader,
    embedded: EmbeddedPdfSignature,
    roots: tuple[asn1_x509.Certificate, ...],
    *,
    skip_diff: bool,
) -> tuple[PdfSignatureStatus, tuple[str, ...], bool, str | None]:
    """Validate one signature: (status, reasons, covers whole file, ISO signing time)."""
    status: Any  # pyHanko's PdfSignatureStatus or DocumentTimestampStatus
    signed_at: datetime | None
    if embedded.sig_object_type == "/DocTimeStamp":
        status = await async_validate_pdf_timestamp(
            embedded, validation_context=_validation_context(roots), skip_diff=skip_diff
        )
        signed_at = status.timestamp
        tst = None
    else:
        status = await async_validate_pdf_signature(
            embedded,
            signer_validation_context=_validation_context(roots),
            key_usage_settings=_KEY_USAGE,
            skip_diff=skip_diff,
        )
        tst = status.timestamp_validity
        signed_at = status.signer_reported_dt
        if signed_at is None and tst is not None:
            signed_at = tst.timestamp

    invalid: list[str] = []  # the signed bytes or the signature itself do not check out
    modified: list[str] = []  # later changes that are not permitted
    notes: list[str] = []  # later changes that are permitted
    unknown: list[str] = []  # could not be analysed
    untrusted: list[str] = []  # trust and policy problems

    if not status.intact:
        invalid.append("digest mismatch")
    if not status.valid:
        invalid.append("signature does not verify")
    if status.revoked:
        invalid.append("signer certificate revoked")
    elif status.intact and status.valid and not status.trusted:
        indic = status.trust_problem_indic
        untrusted.append(
            "signer not trusted" if indic is None else f"signer not trusted: {_words(indic)}"
        )
    # An embedded signature timestamp is an unsigned attribute: a bad one says nothing about the
    # document bytes, so it only costs trust.
    if tst is not None and not (tst.intact and tst.valid):
        untrusted.append("timestamp token invalid")
    elif tst is not None and not tst.trusted:
        untrusted.append("timestamp token not trusted")
    if getattr(status, "seed_value_constraint_error", None) is not None:
        untrusted.append("seed value constraints violated")

    coverage = status.coverage
    covers_whole_file = coverage == SignatureCoverageLevel.ENTIRE_FILE
    if coverage == SignatureCoverageLevel.UNCLEAR:
        modified.append("nonstandard byte range")
    elif coverage == SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START:
        modified.append("signed revision not fully covered")
    if not covers_whole_file:
        later = reader.xrefs.total_revisions - 1 - embedded.signed_revision
        if later > 0:
            notes.append(f"not covered: {later} later revision{'' if later == 1 else 's'}")
        diff = status.diff_result
        if coverage != SignatureCoverageLevel.ENTIRE_REVISION:
            pass  # already reported; pyHanko does not analyse the changes then
        elif isinstance(diff, DiffResult):
            level = diff.modification_level
            if status.docmdp_ok:
                if level != ModificationLevel.NONE:
                    notes.append(f"later changes: {_words(level)}")
            elif level == ModificationLevel.OTHER:
                modified.append("later changes not permitted")
            else:
                modified.append(f"later changes exceed certification policy: {_words(level)}")
        elif diff is None:
            unknown.append("later changes not analysed: too many revisions")
        else:  # SuspiciousModification
            modified.append("later changes not permitted")

    if invalid:
        verdict = PdfSignatureStatus.INVALID
    elif modified:
        verdict = PdfSignatureStatus.MODIFIED
    elif unknown:
        verdict = PdfSignatureStatus.ERROR
    elif untrusted:
        verdict = PdfSignatureStatus.UNTRUSTED
    else:
        verdict = PdfSignatureStatus.VALID
    return (
        verdict,
        (*invalid, *modified, *unknown, *notes, *untrusted),
        covers_whole_file,
        signed_at.isoformat() if signed_at is not None else None,
    )


def _run_async(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine to completion, also when called from inside a running event loop (an async
    view): then in a worker thread, since ``asyncio.run`` refuses to nest."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        in_loop = False
    else:
        in_loop = True
    if not in_loop:  # outside the except block, so that errors are not chained to this one
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


# --------------------------------------------------------------------------------------------
# Formatting


def _doc_report(status: PdfSignatureStatus, reason: str) -> PdfSignatureReport:
    return PdfSignatureReport(status=status, signatures=(), reasons=(_short(reason),))


def _signer_name(cert: asn1_x509.Certificate) -> str:
    """The subject's common name, else its RFC 4514 string without ``serialNumber``."""
    try:
        subject = x509.load_der_x509_certificate(cert.dump()).subject
    except ValueError:  # cryptography is stricter than asn1crypto
        native = cert.subject.native
        if native.get("common_name"):
            return _short(str(native["common_name"]))
        return _short(", ".join(f"{k}={v}" for k, v in native.items() if k != "serial_number"))
    common_names = subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if common_names:
        value = common_names[0].value
        return _short(value if isinstance(value, str) else value.decode("utf-8", "replace"))
    kept = [
        x509.RelativeDistinguishedName(a for a in rdn if a.oid != NameOID.SERIAL_NUMBER)
        for rdn in subject.rdns
        if any(a.oid != NameOID.SERIAL_NUMBER for a in rdn)
    ]
    return _short(x509.Name(kept).rfc4514_string())


def _words(member: Enum) -> str:
    """``AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND`` -> ``"no certificate chain found"``."""
    return member.name.lower().replace("_", " ")


def _name(value: object) -> str:
    return "none" if value is None else str(value).lstrip("/")


def _describe(exc: BaseException) -> str:
    """A short, single-line description of an exception."""
    text = str(exc).strip().splitlines()
    message = text[0] if text else ""
    return _short(f"{type(exc).__name__}: {message}" if message else type(exc).__name__)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_REASON_CHARS else text[: _MAX_REASON_CHARS - 1] + "…"
