"""RFC 3161 timestamps over signed checkpoints: an embedded local TSA, a client for external TSAs,
and offline verification.

Three parts, all pure Python with no Django imports (an offline verifier imports this module
without any settings):

* :class:`LocalTsa` is the embedded timestamp authority ("local trust"): a self-signed root CA
  certificate, a TSA certificate it issued (critical extended key usage id-kp-timeStamping, key
  usage digitalSignature) and the TSA's private key, generated on first run and kept in the data
  directory (``root.pem``, ``tsa.pem``, ``tsa-key.pem``). The root's private key is discarded right
  after it signs the TSA certificate: nothing else is ever issued under it, so there is no reason
  to keep it. :meth:`LocalTsa.respond` turns a ``TimeStampReq`` into a ``TimeStampResp``;
  :func:`wsgi_app` serves that over HTTP (RFC 3161 section 3.4).
* :func:`request_timestamp` asks the local TSA or any external TSA (HTTP POST of
  ``application/timestamp-query``, answer ``application/timestamp-reply``) for a token over the
  SHA-256 of some bytes, binds the answer to the request (message imprint, nonce, policy) and
  verifies it.
* :func:`verify_timestamp` verifies a stored response offline. Every token is checked twice: by our
  own strict checks, which decide the error class precisely, and by rfc3161-client (OpenSSL
  underneath), which must agree.

Key type: EC P-256 with ECDSA/SHA-256. Generating the key takes milliseconds rather than the second
or more an RSA-3072 key takes (first run, tests), tokens and certificates stay small, and OpenSSL
(``openssl ts -verify``) as well as rfc3161-client verify it. Its strength (~128 bits) matches the
SHA-256 message imprint.

Token layout produced by :meth:`LocalTsa.respond`:

* TSTInfo: version 1, policy :data:`LOCAL_POLICY_OID`, the request's message imprint copied
  verbatim, a random 128-bit serial number, genTime in UTC with microsecond precision (trailing
  zeros dropped, as DER requires), the request's nonce echoed, ``tsa`` set to the TSA certificate's
  subject. ``accuracy`` is left out on purpose: rfc3161-client cannot parse every legal value
  (millis above 255, seconds not 16 bytes long).
* SignedData version 3 with one SignerInfo (issuerAndSerialNumber), signed attributes
  content-type, message-digest and signing-certificate-v2 (ESSCertIDv2, SHA-256 with
  issuerSerial, RFC 5816), sorted in DER order.
* certificates: only the TSA certificate, and only when the request sets certReq (RFC 3161 section
  2.4.1 requires it then). The chain is never embedded: rfc3161-client rejects a SignedData whose
  certificate SET is not in DER order (``InvalidSetOrdering``), which is how OpenSSL writes it, and
  a single certificate has no order to get wrong. The chain travels beside the token instead
  (:attr:`Timestamp.chain_pem`).

Tokens from external TSAs: the embedded certificates are unsigned, so before parsing, the client
and the verifier put them in DER order (same bytes, same length; see
:func:`_canonical_certificate_order`), and the stored ``response_der`` is that normalised form.
Every embedded certificate must then be one of the chain's (or a trusted root): an altered or
foreign extra certificate is rejected as invalid, so no byte of a response goes unchecked. A status
of "grantedWithMods" is refused like any other non-granted status (rfc3161-client does the same).

Policy OID: :data:`LOCAL_POLICY_OID` lives under the ITU-T X.667 UUID arc ``2.25``, which anyone
may use without registration; the UUID was drawn once at random for xiufu's local TSA.

Errors: :class:`TimestampMalformed` (not a parsable response, parts missing),
:class:`TimestampInvalid` (status not granted, imprint/nonce/policy mismatch, the token was not
validly signed by the TSA certificate given), :class:`TimestampUntrusted` (the TSA certificate
lacks the critical timeStamping EKU, a certificate is not valid at genTime, the chain does not lead
to a trusted root), :class:`TimestampUnavailable` (the TSA could not be reached or answered with an
HTTP error). A verifier maps the first three to exit codes 3 / 1 / 2.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import itertools
import os
import pathlib
import secrets
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import rfc3161_client
from asn1crypto import algos, cms, core, parser, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "CONTENT_TYPE_QUERY",
    "CONTENT_TYPE_REPLY",
    "LOCAL_POLICY_OID",
    "MAX_REQUEST_BYTES",
    "LocalTsa",
    "Timestamp",
    "TimestampError",
    "TimestampInvalid",
    "TimestampMalformed",
    "TimestampUnavailable",
    "TimestampUntrusted",
    "TimestampVerdict",
    "request_timestamp",
    "verify_timestamp",
    "wsgi_app",
]

#: TSA policy of the embedded TSA (X.667 UUID arc, no registration needed).
LOCAL_POLICY_OID = "2.25.247817741869103661681500799180692535449"
#: Media types of RFC 3161 section 3.4.
CONTENT_TYPE_QUERY = "application/timestamp-query"
CONTENT_TYPE_REPLY = "application/timestamp-reply"
#: Largest request body the WSGI app accepts (a real request is under 200 bytes).
MAX_REQUEST_BYTES = 64 * 1024
#: Largest reply body the client reads from an external TSA.
MAX_RESPONSE_BYTES = 1024 * 1024

ROOT_FILE = "root.pem"
TSA_FILE = "tsa.pem"
KEY_FILE = "tsa-key.pem"
_LOCK_FILE = ".tsa.lock"

#: Validity of the generated certificates (about ten years) and the backdating of notBefore that
#: tolerates small clock differences between hosts.
_VALIDITY = timedelta(days=3653)
_BACKDATE = timedelta(hours=1)

#: Digest algorithms accepted in requests, message imprints and signer infos (asn1crypto names).
_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class TimestampError(Exception):
    """Base class of all timestamping errors."""


class TimestampMalformed(TimestampError):
    """Not DER, not a TimeStampResp, or parts are missing."""


class TimestampInvalid(TimestampError):
    """Status not granted, imprint/nonce/policy mismatch, or the signature does not verify."""


class TimestampUntrusted(TimestampError):
    """The TSA certificate or its chain cannot be trusted at genTime."""


class TimestampUnavailable(TimestampError):
    """The TSA could not be reached or did not answer with a reply."""


# --- the embedded TSA ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalTsa:
    """The embedded timestamp authority: a self-signed root CA certificate and a TSA certificate it
    issued (critical EKU id-kp-timeStamping, digitalSignature), with the TSA's private key."""

    root_cert_pem: str
    tsa_cert_pem: str
    tsa_key_pem: str  # PKCS#8 PEM, unencrypted
    policy_oid: str = LOCAL_POLICY_OID

    @classmethod
    def generate(cls, name: str = "xiufu local TSA") -> LocalTsa:
        """Generate a fresh root and TSA certificate (valid about ten years) and the TSA key."""
        now = datetime.now(UTC).replace(microsecond=0)
        not_before, not_after = now - _BACKDATE, now + _VALIDITY
        root_key = ec.generate_private_key(ec.SECP256R1())
        tsa_key = ec.generate_private_key(ec.SECP256R1())
        root_name = _local_name(f"{name} root")
        root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
        root = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(root_ski, critical=False)
            .sign(root_key, hashes.SHA256())
        )
        tsa = (
            x509.CertificateBuilder()
            .subject_name(_local_name(name))
            .issuer_name(root_name)
            .public_key(tsa_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(digital_signature=True), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(tsa_key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski),
                critical=False,
            )
            .sign(root_key, hashes.SHA256())
        )
        key_pem = tsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
        return cls(
            root_cert_pem=root.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            tsa_cert_pem=tsa.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            tsa_key_pem=key_pem,
        )

    @classmethod
    def load(cls, directory: pathlib.Path) -> LocalTsa:
        """Read ``root.pem``, ``tsa.pem`` and ``tsa-key.pem`` from ``directory``.

        Raises ``FileNotFoundError`` if a file is missing and :class:`TimestampError` if the files
        do not belong together."""
        directory = pathlib.Path(directory)
        tsa = cls(
            root_cert_pem=(directory / ROOT_FILE).read_text(encoding="ascii"),
            tsa_cert_pem=(directory / TSA_FILE).read_text(encoding="ascii"),
            tsa_key_pem=(directory / KEY_FILE).read_text(encoding="ascii"),
        )
        tsa._check_consistent()
        return tsa

    def save(self, directory: pathlib.Path) -> None:
        """Write the three PEM files into ``directory`` (created if needed); the key gets 0o600.

        Each file is written to a temporary file and renamed into place."""
        directory = pathlib.Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        _write_atomically(directory / KEY_FILE, self.tsa_key_pem, 0o600)
        _write_atomically(directory / TSA_FILE, self.tsa_cert_pem, 0o644)
        _write_atomically(directory / ROOT_FILE, self.root_cert_pem, 0o644)

    @classmethod
    def load_or_create(cls, directory: pathlib.Path) -> LocalTsa:
        """Load the TSA kept in ``directory``, or generate and save one on first run.

        Concurrent first runs (several worker processes) are serialised with a lock file, so they
        all end up with the same TSA. If only some of the three files exist, nothing is
        overwritten: :class:`TimestampError` is raised."""
        directory = pathlib.Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with _exclusive_lock(directory / _LOCK_FILE):
            present = [(directory / f).exists() for f in (ROOT_FILE, TSA_FILE, KEY_FILE)]
            if all(present):
                return cls.load(directory)
            if any(present):
                msg = (
                    f"{directory} holds only some of {ROOT_FILE}, {TSA_FILE}, {KEY_FILE}; "
                    "refusing to overwrite them with a new local TSA"
                )
                raise TimestampError(msg)
            tsa = cls.generate()
            tsa.save(directory)
            return tsa

    def chain_pem(self) -> list[str]:
        """The certificate chain to ship beside every token: TSA certificate, then the root."""
        return [self.tsa_cert_pem, self.root_cert_pem]

    def respond(self, request_der: bytes, *, now: datetime | None = None) -> bytes:
        """Answer an RFC 3161 ``TimeStampReq`` (DER) with a ``TimeStampResp`` (DER).

        A request that cannot be honoured gets a response with status "rejection" and a failure
        code, never an exception. ``now`` (aware) overrides the clock, for tests."""
        if now is not None and now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        gen_time = (now or datetime.now(UTC)).astimezone(UTC)
        try:
            request = _parse_request(request_der, self.policy_oid)
        except _Rejected as rejected:
            return _rejection(rejected.fail_info, str(rejected))
        cert = x509.load_pem_x509_certificate(self.tsa_cert_pem.encode("ascii"))
        if not cert.not_valid_before_utc <= gen_time <= cert.not_valid_after_utc:
            return _rejection("system_failure", "the TSA certificate is not valid at this time")
        return self._grant(request, cert, gen_time)

    # -- internals --

    def _grant(
        self, request: tsp.TimeStampReq, cert: x509.Certificate, gen_time: datetime
    ) -> bytes:
        cert_der = cert.public_bytes(serialization.Encoding.DER)
        asn1_cert = asn1_x509.Certificate.load(cert_der)
        tst_fields: dict[str, Any] = {
            "version": "v1",
            "policy": self.policy_oid,
            "message_imprint": tsp.MessageImprint.load(request["message_imprint"].dump()),
            "serial_number": secrets.randbits(128) or 1,
            "gen_time": gen_time,
            "tsa": asn1_x509.GeneralName(name="directory_name", value=asn1_cert.subject),
        }
        if request["nonce"].native is not None:
            tst_fields["nonce"] = request["nonce"].native
        tst_der = tsp.TSTInfo(tst_fields).dump()

        signed_attrs = cms.CMSAttributes(
            [
                cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
                cms.CMSAttribute(
                    {"type": "message_digest", "values": [hashlib.sha256(tst_der).digest()]}
                ),
                cms.CMSAttribute(
                    {
                        "type": "signing_certificate_v2",
                        "values": [_signing_certificate_v2(asn1_cert, cert_der)],
                    }
                ),
            ]
        )
        # The signature covers the DER SET OF the attributes; asn1crypto sorts a SET OF on dump.
        key = serialization.load_pem_private_key(self.tsa_key_pem.encode("ascii"), password=None)
        signature, signature_algorithm = _sign(key, signed_attrs.dump())
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    name="issuer_and_serial_number",
                    value=cms.IssuerAndSerialNumber(
                        {"issuer": asn1_cert.issuer, "serial_number": asn1_cert.serial_number}
                    ),
                ),
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "signed_attrs": signed_attrs,
                "signature_algorithm": algos.SignedDigestAlgorithm(
                    {"algorithm": signature_algorithm}
                ),
                "signature": signature,
            }
        )
        signed_data: dict[str, Any] = {
            "version": "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {
                "content_type": "tst_info",
                "content": cms.ParsableOctetString(tst_der),
            },
            "signer_infos": [signer_info],
        }
        if request["cert_req"].native:
            signed_data["certificates"] = [cms.CertificateChoices("certificate", asn1_cert)]
        token = cms.ContentInfo(
            {"content_type": "signed_data", "content": cms.SignedData(signed_data)}
        )
        response = _TimeStampResp(
            {"status": tsp.PKIStatusInfo({"status": "granted"}), "time_stamp_token": token}
        )
        return bytes(response.dump())

    def _check_consistent(self) -> None:
        try:
            root = x509.load_pem_x509_certificate(self.root_cert_pem.encode("ascii"))
            cert = x509.load_pem_x509_certificate(self.tsa_cert_pem.encode("ascii"))
            key = serialization.load_pem_private_key(
                self.tsa_key_pem.encode("ascii"), password=None
            )
        except ValueError as exc:
            raise TimestampError(f"unreadable local TSA files: {exc}") from exc
        if key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ) != cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ):
            raise TimestampError("the local TSA key does not match its certificate")
        try:
            cert.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise TimestampError("the local TSA certificate was not issued by its root") from exc


def _local_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "local trust"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(
    *, digital_signature: bool = False, key_cert_sign: bool = False, crl_sign: bool = False
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _signing_certificate_v2(
    asn1_cert: asn1_x509.Certificate, cert_der: bytes
) -> tsp.SigningCertificateV2:
    # hashAlgorithm is left at its DEFAULT (sha256), which DER requires to be omitted.
    return tsp.SigningCertificateV2(
        {
            "certs": [
                tsp.ESSCertIDv2(
                    {
                        "cert_hash": hashlib.sha256(cert_der).digest(),
                        "issuer_serial": {
                            "issuer": [
                                asn1_x509.GeneralName(name="directory_name", value=asn1_cert.issuer)
                            ],
                            "serial_number": asn1_cert.serial_number,
                        },
                    }
                )
            ]
        }
    )


def _sign(key: Any, message: bytes) -> tuple[bytes, str]:
    """Sign ``message`` with the TSA key; return the signature and its asn1crypto algorithm name."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(message, ec.ECDSA(hashes.SHA256())), "sha256_ecdsa"
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256()), "sha256_rsa"
    raise TimestampError(f"unsupported TSA key type {type(key).__name__}")


class _Rejected(Exception):
    def __init__(self, fail_info: str, text: str) -> None:
        super().__init__(text)
        self.fail_info = fail_info


def _parse_request(request_der: bytes, policy_oid: str) -> tsp.TimeStampReq:
    """Parse and vet a request; raise :class:`_Rejected` with the PKIFailureInfo to answer."""
    if len(request_der) > MAX_REQUEST_BYTES:
        raise _Rejected("bad_request", "request too large")
    try:
        request = tsp.TimeStampReq.load(request_der, strict=True)
        request.native  # parse every field now  # noqa: B018
        version = request["version"].native
        imprint = request["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        parameters = imprint["hash_algorithm"]["parameters"].native
        digest = imprint["hashed_message"].native
        req_policy = request["req_policy"].native
        has_extensions = request["extensions"].native is not None
    except Exception as exc:  # asn1crypto raises many types on hostile input
        raise _Rejected("bad_data_format", "the request is not a DER TimeStampReq") from exc
    if version != "v1":
        raise _Rejected("bad_request", "unsupported TimeStampReq version")
    if algorithm not in _DIGESTS or parameters is not None:
        raise _Rejected("bad_alg", "unsupported message imprint hash algorithm")
    if not isinstance(digest, bytes) or len(digest) != _DIGESTS[algorithm].digest_size:
        raise _Rejected("bad_data_format", "message imprint has the wrong length")
    if req_policy is not None and req_policy != policy_oid:
        raise _Rejected("unaccepted_policy", f"this TSA only issues under policy {policy_oid}")
    if has_extensions:
        raise _Rejected("unaccepted_extensions", "request extensions are not supported")
    return request


class _TimeStampResp(core.Sequence):
    """TimeStampResp as RFC 3161 defines it. asn1crypto's ``tsp.TimeStampResp`` wrongly makes the
    token mandatory, so it can neither write nor read a rejection."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


def _rejection(fail_info: str, text: str) -> bytes:
    status = tsp.PKIStatusInfo(
        {"status": "rejection", "status_string": [text], "fail_info": {fail_info}}
    )
    return bytes(_TimeStampResp({"status": status}).dump())


def _write_atomically(path: pathlib.Path, text: str, mode: int) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


@contextlib.contextmanager
def _exclusive_lock(path: pathlib.Path) -> Iterator[None]:
    import fcntl  # POSIX only; imported here so that offline verifiers elsewhere can import us

    with open(path, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --- the client ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timestamp:
    """A verified timestamp, as stored beside a signed checkpoint."""

    response_der: bytes  # the full TimeStampResp DER (what ``openssl ts -verify -in`` takes)
    chain_pem: list[str]  # TSA certificate first, then issuers up to the root
    trust: str  # "local" or "external"
    tsa_url: str | None
    gen_time: datetime  # aware, UTC


def request_timestamp(
    data: bytes,
    *,
    local: LocalTsa | None = None,
    url: str | None = None,
    chain_pem: list[str] | None = None,
    timeout: float = 10.0,
) -> Timestamp:
    """Exactly one of local/url. Builds a SHA-256 request with a random nonce and certReq, sends it,
    checks the reply is granted and bound to the request (imprint, nonce, and policy if the request
    named one), and verifies it. For a URL, chain_pem is the external TSA's chain as configured (PEM
    certs; if None, use certificates embedded in the token). Raises TimestampError subclasses; a
    network failure raises TimestampUnavailable(TimestampError).

    The request to the local TSA names its policy; a request to a URL names none (external TSAs
    pick their default). The chain must run up to a self-signed root, which is trusted as given:
    choosing it is the configuration's trust decision (with chain_pem=None, that is trust in the
    certificates the TSA sent). Any HTTP status other than 200, a refused connection or a timeout
    raises TimestampUnavailable; a 200 reply of the wrong media type, too large, or unparsable
    raises TimestampMalformed; a rejection or a reply not bound to the request, TimestampInvalid.
    The returned ``response_der`` has its embedded certificates in DER order."""
    if (local is None) == (url is None):
        raise ValueError("pass exactly one of local= or url=")
    policy_oid = local.policy_oid if local is not None else None
    nonce = secrets.randbits(63) | 1 << 62  # 63-bit positive: some TSAs mishandle larger nonces
    request_der = _build_request(hashlib.sha256(data).digest(), nonce, policy_oid)
    if local is not None:
        response_der = local.respond(request_der)
        chain = local.chain_pem()
        trust = "local"
    else:
        assert url is not None
        response_der = _canonical_certificate_order(_post(url, request_der, timeout))
        chain = list(chain_pem) if chain_pem is not None else _embedded_chain_pem(response_der)
        trust = "external"
    verdict = _verify(response_der, data, chain, None, nonce=nonce, policy_oid=policy_oid)
    return Timestamp(
        response_der=response_der,
        chain_pem=chain,
        trust=trust,
        tsa_url=url,
        gen_time=verdict.gen_time,
    )


def _build_request(digest: bytes, nonce: int, policy_oid: str | None) -> bytes:
    fields: dict[str, Any] = {
        "version": "v1",
        "message_imprint": {
            "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "hashed_message": digest,
        },
        "nonce": nonce,
        "cert_req": True,
    }
    if policy_oid is not None:
        fields["req_policy"] = policy_oid
    return bytes(tsp.TimeStampReq(fields).dump())


def _post(url: str, body: bytes, timeout: float) -> bytes:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    http_request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": CONTENT_TYPE_QUERY, "Accept": CONTENT_TYPE_REPLY},
    )
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as reply:  # noqa: S310
            status = reply.status
            content_type = reply.headers.get_content_type()
            payload = reply.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise TimestampUnavailable(f"TSA {url} answered HTTP {exc.code}") from exc
    except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
        raise TimestampUnavailable(f"TSA {url} unreachable: {exc}") from exc
    if status != 200:
        raise TimestampUnavailable(f"TSA {url} answered HTTP {status}")
    if content_type != CONTENT_TYPE_REPLY:
        raise TimestampMalformed(f"TSA {url} answered {content_type}, not {CONTENT_TYPE_REPLY}")
    if len(payload) > MAX_RESPONSE_BYTES:
        raise TimestampMalformed(f"TSA {url} answered more than {MAX_RESPONSE_BYTES} bytes")
    return bytes(payload)


def _canonical_certificate_order(response_der: bytes) -> bytes:
    """Put the token's embedded certificates in DER SET OF order.

    OpenSSL-based TSAs write the certificates SET in chain order, which is not DER; rfc3161-client
    then refuses the whole response (``InvalidSetOrdering``). The certificates are outside the
    signature, so sorting them changes nothing that is signed, nor the length of any field. Input
    that cannot be parsed is returned unchanged for the real parser to reject."""
    try:
        token = _TimeStampResp.load(response_der, strict=True)["time_stamp_token"]
        if isinstance(token, core.Void):
            return response_der
        certificates = token["content"]["certificates"]
        if isinstance(certificates, core.Void):
            return response_der
        contents = bytes(certificates.contents)
        items, rest = [], contents
        while rest:
            _, _, _, header, body, trailer = parser.parse(rest)
            size = len(header) + len(body) + len(trailer)
            items.append(rest[:size])
            rest = rest[size:]
    except Exception:  # the real parser reports it
        return response_der
    ordered = b"".join(sorted(items))
    if ordered == contents or response_der.count(contents) != 1:
        return response_der
    return response_der.replace(contents, ordered)


def _embedded_chain_pem(response_der: bytes) -> list[str]:
    """Build the chain from the certificates embedded in a token: signer first, then issuers."""
    try:
        return _chain_from_token(_parse_response(response_der))
    except TimestampError:
        raise
    except Exception as exc:  # asn1crypto parses lazily and raises many types on hostile input
        raise TimestampMalformed(f"malformed timestamp token: {exc}") from exc


def _chain_from_token(parsed: _Parsed) -> list[str]:
    signer = next((c for c in parsed.certificates if _is_signer(parsed, c)), None)
    if signer is None:
        raise TimestampUntrusted("no chain configured and the token embeds no TSA certificate")
    chain = [signer]
    while not _is_self_signed(chain[-1]) and len(chain) <= len(parsed.certificates):
        issuer = next((c for c in parsed.certificates if _issued_by(chain[-1], c)), None)
        if issuer is None:
            break
        chain.append(issuer)
    return [c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in chain]


# --- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimestampVerdict:
    """What a verified timestamp attests."""

    gen_time: datetime
    tsa_name: str  # the TSA certificate's subject, RFC 4514 string
    serial_number: int
    policy_oid: str


def verify_timestamp(
    response_der: bytes,
    data: bytes,
    chain_pem: list[str],
    *,
    trusted_roots_pem: list[str] | None = None,
) -> TimestampVerdict:
    """Offline verification with rfc3161-client: the response is granted, its imprint is
    SHA-256(data), its signature verifies with the TSA certificate chain_pem[0], the chain leads to
    a trusted root. If trusted_roots_pem is None the chain's own last certificate (must be
    self-signed) is the root ("trust from the receipt"); otherwise the chain must end in one of the
    given roots (or in a certificate one of them issued directly).

    Raises :class:`TimestampMalformed` (exit code 3) if the response or the chain cannot be parsed
    or parts are missing, :class:`TimestampInvalid` (exit code 1) if the status is not granted, the
    imprint does not match, or the token was not validly signed by chain_pem[0], and
    :class:`TimestampUntrusted` (exit code 2) if the chain does not lead to a trusted root, the EKU
    is missing, or a certificate is not valid at genTime. An unreadable entry in trusted_roots_pem
    is the caller's error: ``ValueError``."""
    return _verify(response_der, data, chain_pem, trusted_roots_pem)


@dataclass(frozen=True)
class _Parsed:
    status: str
    tst_info: tsp.TSTInfo
    tst_der: bytes
    signed_data: cms.SignedData
    signer_info: cms.SignerInfo
    signed_attrs_der: bytes  # the DER SET OF the signer's signed attributes, as received
    certificates: list[x509.Certificate]


def _parse_response(response_der: bytes) -> _Parsed:
    """Parse a TimeStampResp strictly. Raises Malformed, or Invalid if the status is not granted."""
    try:
        response = _TimeStampResp.load(response_der, strict=True)
        status_info = response["status"]
        status = status_info["status"].native
        status_text = status_info["status_string"].native
        fail_info = status_info["fail_info"].native
    except Exception as exc:  # asn1crypto raises many types on hostile input
        raise TimestampMalformed(f"not a DER TimeStampResp: {exc}") from exc
    if status != "granted":
        details = "; ".join(str(s) for s in status_text or [])
        fails = ", ".join(sorted(fail_info or []))
        raise TimestampInvalid(
            f"timestamp not granted: status {status}"
            + (f" ({fails})" if fails else "")
            + (f": {details}" if details else "")
        )
    # rfc3161-client's parser is strict DER throughout; it gets the first word on structure.
    try:
        rfc3161_client.decode_timestamp_response(response_der)
    except Exception as exc:
        raise TimestampMalformed(f"rfc3161-client cannot parse the response: {exc}") from exc
    try:
        return _parse_token(response)
    except (TimestampMalformed, TimestampInvalid):
        raise
    except Exception as exc:
        raise TimestampMalformed(f"malformed timestamp token: {exc}") from exc


def _parse_token(response: _TimeStampResp) -> _Parsed:
    token = response["time_stamp_token"]
    if isinstance(token, core.Void):
        raise TimestampMalformed("granted response without a timestamp token")
    if token["content_type"].native != "signed_data":
        raise TimestampMalformed("the timestamp token is not a SignedData")
    signed_data = token["content"]
    if signed_data["version"].native != "v3":
        raise TimestampMalformed("SignedData version must be 3")
    encap = signed_data["encap_content_info"]
    if encap["content_type"].native != "tst_info" or isinstance(encap["content"], core.Void):
        raise TimestampMalformed("the token does not encapsulate a TSTInfo")
    tst_der = encap["content"].contents
    tst_info = tsp.TSTInfo.load(tst_der, strict=True)
    tst_info.native  # parse every field now  # noqa: B018
    if tst_info["version"].native != "v1":
        raise TimestampMalformed("TSTInfo version must be 1")
    signer_infos = signed_data["signer_infos"]
    if len(signer_infos) != 1:
        raise TimestampMalformed(f"expected one SignerInfo, found {len(signer_infos)}")
    signer_info = signer_infos[0]
    sid_kind = signer_info["sid"].name
    expected_version = "v1" if sid_kind == "issuer_and_serial_number" else "v3"
    if signer_info["version"].native != expected_version:
        raise TimestampMalformed("SignerInfo version does not match its signer identifier")
    if isinstance(signer_info["signed_attrs"], core.Void):
        raise TimestampMalformed("the SignerInfo has no signed attributes")
    # Keep the attributes' bytes as received, before reading them: asn1crypto fills in DEFAULT
    # values while parsing and would then re-encode (and re-sort) on the next access.
    signed_attrs_der = _der_set_of(bytes(signer_info["signed_attrs"].contents))
    digest_oids = [alg["algorithm"].dotted for alg in signed_data["digest_algorithms"]]
    if signer_info["digest_algorithm"]["algorithm"].dotted not in digest_oids:
        raise TimestampMalformed("the signer's digest algorithm is not listed in SignedData")
    for alg in [*signed_data["digest_algorithms"], signer_info["digest_algorithm"]]:
        if alg["parameters"].native is not None:
            raise TimestampMalformed("digest algorithm parameters must be absent or NULL")
    certificates = []
    if not isinstance(signed_data["certificates"], core.Void):
        for choice in signed_data["certificates"]:
            if choice.name != "certificate":
                raise TimestampMalformed("the token embeds a non-X.509 certificate")
            certificates.append(x509.load_der_x509_certificate(choice.chosen.dump()))
    if not isinstance(signed_data["crls"], core.Void):
        for choice in signed_data["crls"]:
            if choice.name != "crl":
                raise TimestampMalformed("the token embeds an unknown revocation format")
            x509.load_der_x509_crl(choice.chosen.dump())
    return _Parsed(
        status="granted",
        tst_info=tst_info,
        tst_der=bytes(tst_der),
        signed_data=signed_data,
        signer_info=signer_info,
        signed_attrs_der=signed_attrs_der,
        certificates=certificates,
    )


def _verify(
    response_der: bytes,
    data: bytes,
    chain_pem: Sequence[str],
    trusted_roots_pem: Sequence[str] | None,
    *,
    nonce: int | None = None,
    policy_oid: str | None = None,
) -> TimestampVerdict:
    chain = _load_chain(chain_pem)
    roots = None if trusted_roots_pem is None else _load_roots(trusted_roots_pem)
    if not isinstance(response_der, bytes | bytearray | memoryview):
        raise TypeError("response_der must be bytes")
    response_der = _canonical_certificate_order(bytes(response_der))
    try:
        return _verify_parsed(response_der, data, chain, roots, nonce, policy_oid)
    except TimestampError:
        raise
    except Exception as exc:  # asn1crypto parses lazily and raises many types on hostile input
        raise TimestampMalformed(f"malformed timestamp token: {exc}") from exc


def _verify_parsed(
    response_der: bytes,
    data: bytes,
    chain: list[x509.Certificate],
    roots: list[x509.Certificate] | None,
    nonce: int | None,
    policy_oid: str | None,
) -> TimestampVerdict:
    parsed = _parse_response(response_der)
    tst_info = parsed.tst_info

    # 1. binding: what was timestamped, and (for a fresh reply) the request it answers
    imprint = tst_info["message_imprint"]
    if imprint["hash_algorithm"]["algorithm"].native != "sha256":
        raise TimestampInvalid("the message imprint is not SHA-256")
    if imprint["hashed_message"].native != hashlib.sha256(data).digest():
        raise TimestampInvalid("the message imprint does not match the data")
    if nonce is not None and tst_info["nonce"].native != nonce:
        raise TimestampInvalid("the reply's nonce does not match the request (replayed reply?)")
    if policy_oid is not None and tst_info["policy"].dotted != policy_oid:
        raise TimestampInvalid(f"the reply's policy is not the requested {policy_oid}")

    # 2. the signature, by the TSA certificate chain[0]
    tsa_cert = chain[0]
    _check_signature(parsed, tsa_cert)
    _check_embedded_certificates(parsed, [*chain, *(roots or [])])

    # 3. trust in chain[0] at genTime
    gen_time = tst_info["gen_time"].native
    if not isinstance(gen_time, datetime) or gen_time.tzinfo is None:
        raise TimestampMalformed("genTime is not a valid UTC time")
    gen_time = gen_time.astimezone(UTC)
    anchor, intermediates = _check_trust(chain, roots, gen_time)

    # 4. rfc3161-client (OpenSSL underneath) must agree
    _rfc3161_verify(response_der, data, tsa_cert, intermediates, anchor, nonce, policy_oid)

    return TimestampVerdict(
        gen_time=gen_time,
        tsa_name=tsa_cert.subject.rfc4514_string(),
        serial_number=int(tst_info["serial_number"].native),
        policy_oid=tst_info["policy"].dotted,
    )


def _load_chain(chain_pem: Sequence[str]) -> list[x509.Certificate]:
    if isinstance(chain_pem, str) or not chain_pem:
        raise TimestampMalformed("the certificate chain must be a non-empty list of PEM strings")
    try:
        return [x509.load_pem_x509_certificate(pem.encode("ascii")) for pem in chain_pem]
    except (ValueError, TypeError, AttributeError, UnicodeEncodeError) as exc:
        raise TimestampMalformed(f"unreadable certificate in the chain: {exc}") from exc


def _load_roots(roots_pem: Sequence[str]) -> list[x509.Certificate]:
    if isinstance(roots_pem, str):
        raise ValueError("trusted_roots_pem must be a list of PEM strings")
    return [x509.load_pem_x509_certificate(pem.encode("ascii")) for pem in roots_pem]


def _is_signer(parsed: _Parsed, cert: x509.Certificate) -> bool:
    sid = parsed.signer_info["sid"]
    if sid.name == "issuer_and_serial_number":
        issuer_der = sid.chosen["issuer"].dump()
        serial = sid.chosen["serial_number"].native
        return bool(issuer_der == cert.issuer.public_bytes() and serial == cert.serial_number)
    try:
        ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except x509.ExtensionNotFound:
        return False
    return bool(sid.chosen.native == ski)


def _check_embedded_certificates(parsed: _Parsed, known: list[x509.Certificate]) -> None:
    """Every certificate the token embeds must be one of the chain's (or a trusted root).

    The certificates are outside the signature; without this rule a damaged or substituted extra
    certificate would pass unnoticed. The chain ships beside the token, so a TSA that embeds
    certificates outside it is rejected rather than half-checked."""
    known_der = {cert.public_bytes(serialization.Encoding.DER) for cert in known}
    for embedded in parsed.certificates:
        if embedded.public_bytes(serialization.Encoding.DER) not in known_der:
            raise TimestampInvalid(
                f"the token embeds a certificate outside the chain: "
                f"{embedded.subject.rfc4514_string()} (altered or foreign)"
            )


def _check_signature(parsed: _Parsed, tsa_cert: x509.Certificate) -> None:
    """The token's SignerInfo names tsa_cert and its signature verifies with tsa_cert's key."""
    tsa_der = tsa_cert.public_bytes(serialization.Encoding.DER)
    if not _is_signer(parsed, tsa_cert):
        raise TimestampInvalid("the token was not signed by the TSA certificate of the chain")
    for embedded in parsed.certificates:
        if (
            _is_signer(parsed, embedded)
            and embedded.public_bytes(serialization.Encoding.DER) != tsa_der
        ):
            raise TimestampInvalid("the token embeds a different TSA certificate than the chain")
    if parsed.certificates and not any(_is_signer(parsed, c) for c in parsed.certificates):
        raise TimestampInvalid("the token's certificates do not include its signer")

    signer_info = parsed.signer_info
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    if digest_name not in _DIGESTS:
        raise TimestampInvalid(f"unsupported or weak digest algorithm {digest_name}")
    digest_cls = _DIGESTS[digest_name]

    attributes: dict[str, Any] = {}
    for attribute in signer_info["signed_attrs"]:
        kind = attribute["type"].native
        values = attribute["values"]
        if kind in attributes or len(values) != 1:
            raise TimestampMalformed(f"signed attribute {kind} must occur once with one value")
        attributes[kind] = values[0]
    if "content_type" not in attributes or "message_digest" not in attributes:
        raise TimestampMalformed("content-type or message-digest signed attribute missing")
    if attributes["content_type"].native != "tst_info":
        raise TimestampInvalid("the signed content type is not TSTInfo")
    if attributes["message_digest"].native != _digest(digest_cls, parsed.tst_der):
        raise TimestampInvalid("the signed message digest does not match the TSTInfo")
    _check_ess(attributes, tsa_cert, tsa_der)

    tsa_name = parsed.tst_info["tsa"]
    if (
        not isinstance(tsa_name, core.Void)
        and tsa_name.name == "directory_name"
        and _name_der(tsa_name) != tsa_cert.subject.public_bytes()
    ):
        raise TimestampInvalid("the TSTInfo names a different TSA than its certificate")

    # The signature covers the DER SET OF the attributes: the [0] IMPLICIT tag becomes SET (0x31).
    signed_bytes = parsed.signed_attrs_der
    signature = signer_info["signature"].native
    algorithm = signer_info["signature_algorithm"]
    try:
        _verify_signature(tsa_cert.public_key(), algorithm, digest_name, signature, signed_bytes)
    except InvalidSignature as exc:
        raise TimestampInvalid("the token's signature does not verify") from exc


def _check_ess(attributes: dict[str, Any], tsa_cert: x509.Certificate, tsa_der: bytes) -> None:
    """The ESS signing-certificate attribute (v2, or v1 from older TSAs) names tsa_cert."""
    if "signing_certificate_v2" in attributes:
        ess = attributes["signing_certificate_v2"]["certs"][0]
        hash_name = ess["hash_algorithm"]["algorithm"].native
        if hash_name not in _DIGESTS:
            raise TimestampInvalid(f"unsupported ESSCertIDv2 hash {hash_name}")
        cert_hash = _digest(_DIGESTS[hash_name], tsa_der)
    elif "signing_certificate" in attributes:
        ess = attributes["signing_certificate"]["certs"][0]
        cert_hash = hashlib.sha1(tsa_der, usedforsecurity=False).digest()
    else:
        raise TimestampMalformed("the token lacks the ESS signing-certificate attribute")
    if ess["cert_hash"].native != cert_hash:
        raise TimestampInvalid("the ESS signing-certificate attribute names another certificate")
    issuer_serial = ess["issuer_serial"]
    if not isinstance(issuer_serial, core.Void):
        names = [_name_der(name) for name in issuer_serial["issuer"]]
        if (
            issuer_serial["serial_number"].native != tsa_cert.serial_number
            or tsa_cert.issuer.public_bytes() not in names
        ):
            raise TimestampInvalid("the ESS issuerSerial names another certificate")


def _der_set_of(contents: bytes) -> bytes:
    """DER of a SET OF with the given (already encoded) contents."""
    if len(contents) < 0x80:
        return b"\x31" + bytes([len(contents)]) + contents
    size = len(contents).to_bytes((len(contents).bit_length() + 7) // 8, "big")
    return b"\x31" + bytes([0x80 | len(size)]) + size + contents


def _name_der(general_name: asn1_x509.GeneralName) -> bytes | None:
    """The DER of a directoryName GeneralName's Name, without the [4] EXPLICIT wrapper."""
    if general_name.name != "directory_name":
        return None
    return bytes(general_name.chosen.chosen.dump())  # Name is a CHOICE of one RDNSequence


def _digest(digest_cls: type[hashes.HashAlgorithm], message: bytes) -> bytes:
    hasher = hashes.Hash(digest_cls())
    hasher.update(message)
    return hasher.finalize()


#: CMS signature algorithms we verify: asn1crypto name -> (key family, hash it implies or None).
_SIGNATURE_ALGORITHMS: dict[str, tuple[str, str | None]] = {
    "ecdsa": ("ec", None),
    "sha256_ecdsa": ("ec", "sha256"),
    "sha384_ecdsa": ("ec", "sha384"),
    "sha512_ecdsa": ("ec", "sha512"),
    "rsassa_pkcs1v15": ("rsa", None),
    "sha256_rsa": ("rsa", "sha256"),
    "sha384_rsa": ("rsa", "sha384"),
    "sha512_rsa": ("rsa", "sha512"),
    "rsassa_pss": ("rsa-pss", None),
    "ed25519": ("eddsa", None),
    "ed448": ("eddsa", None),
}


def _verify_signature(
    public_key: Any,
    algorithm: algos.SignedDigestAlgorithm,
    digest_name: str,
    signature: bytes,
    message: bytes,
) -> None:
    """Verify a CMS signer signature; raise InvalidSignature on any mismatch."""
    name = algorithm["algorithm"].native
    parameters = algorithm["parameters"].native
    family, implied_hash = _SIGNATURE_ALGORITHMS.get(name, ("unknown", None))
    if implied_hash is not None and implied_hash != digest_name:
        raise InvalidSignature("signature algorithm and digest algorithm disagree")
    digest = _DIGESTS[digest_name]()
    if family == "ec" and isinstance(public_key, ec.EllipticCurvePublicKey) and not parameters:
        public_key.verify(signature, message, ec.ECDSA(digest))
    elif family == "rsa" and isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(signature, message, padding.PKCS1v15(), digest)
    elif family == "rsa-pss" and isinstance(public_key, rsa.RSAPublicKey):
        pss_hash = parameters["hash_algorithm"]["algorithm"]
        mgf_hash = parameters["mask_gen_algorithm"]["parameters"]["algorithm"]
        if pss_hash not in _DIGESTS or mgf_hash not in _DIGESTS:
            raise InvalidSignature("unsupported RSASSA-PSS hash")
        pss = padding.PSS(
            mgf=padding.MGF1(_DIGESTS[mgf_hash]()), salt_length=parameters["salt_length"]
        )
        public_key.verify(signature, message, pss, _DIGESTS[pss_hash]())
    elif family == "eddsa" and isinstance(
        public_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey
    ):
        public_key.verify(signature, message)
    else:
        raise InvalidSignature(f"signature algorithm {name} does not fit the TSA key")


def _check_trust(
    chain: list[x509.Certificate], roots: list[x509.Certificate] | None, at: datetime
) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """Check the chain at ``at``; return the trust anchor and the intermediates below it."""
    tsa_cert = chain[0]
    try:
        eku = tsa_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound as exc:
        raise TimestampUntrusted("the TSA certificate has no extended key usage") from exc
    except ValueError as exc:
        raise TimestampUntrusted(f"the TSA certificate has unreadable extensions: {exc}") from exc
    if not eku.critical or ExtendedKeyUsageOID.TIME_STAMPING not in eku.value:
        raise TimestampUntrusted("the TSA certificate lacks a critical id-kp-timeStamping EKU")
    key_usage = _extension(tsa_cert, x509.KeyUsage)
    if key_usage is not None and not (key_usage.digital_signature or key_usage.content_commitment):
        raise TimestampUntrusted("the TSA certificate's key usage excludes signatures")

    path = list(chain)
    if roots is None:
        if not _is_self_signed(path[-1]):
            raise TimestampUntrusted("the chain does not end in a self-signed root")
        anchor = path[-1]
    else:
        roots_der = {r.public_bytes(serialization.Encoding.DER) for r in roots}
        if path[-1].public_bytes(serialization.Encoding.DER) in roots_der:
            anchor = path[-1]
        else:
            issuer = next((r for r in roots if _issued_by(path[-1], r)), None)
            if issuer is None:
                raise TimestampUntrusted("the chain does not lead to a trusted root")
            anchor = issuer
            path.append(issuer)

    for cert in path:
        if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
            raise TimestampUntrusted(
                f"certificate {cert.subject.rfc4514_string()} is not valid at genTime {at}"
            )
    for depth, (child, issuer) in enumerate(itertools.pairwise(path)):
        if not _issued_by(child, issuer):
            raise TimestampUntrusted(
                f"{child.subject.rfc4514_string()} was not issued by "
                f"{issuer.subject.rfc4514_string()}"
            )
        constraints = _extension(issuer, x509.BasicConstraints)
        if constraints is None or not constraints.ca:
            raise TimestampUntrusted(f"{issuer.subject.rfc4514_string()} is not a CA")
        if constraints.path_length is not None and constraints.path_length < depth:
            raise TimestampUntrusted(f"path length exceeded at {issuer.subject.rfc4514_string()}")
        usage = _extension(issuer, x509.KeyUsage)
        if usage is not None and not usage.key_cert_sign:
            raise TimestampUntrusted(f"{issuer.subject.rfc4514_string()} may not sign certificates")
    intermediates = [c for c in path[1:] if c is not anchor]
    return anchor, intermediates


def _extension(cert: x509.Certificate, kind: type[Any]) -> Any:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None
    except ValueError as exc:
        raise TimestampUntrusted(f"unreadable certificate extensions: {exc}") from exc


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _is_self_signed(cert: x509.Certificate) -> bool:
    return _issued_by(cert, cert)


def _rfc3161_verify(
    response_der: bytes,
    data: bytes,
    tsa_cert: x509.Certificate,
    intermediates: list[x509.Certificate],
    anchor: x509.Certificate,
    nonce: int | None,
    policy_oid: str | None,
) -> None:
    """Verify with rfc3161-client, which must agree with our own checks. Its errors are mapped by
    their text: OpenSSL's "certificate verify error" and EKU complaints are about trust, parse
    failures mean malformed, everything else (signature, nonce, imprint) means invalid."""
    builder = rfc3161_client.VerifierBuilder(
        tsa_certificate=tsa_cert,
        intermediates=[c for c in intermediates if c != tsa_cert],
        roots=[anchor],
        nonce=nonce,
        policy_id=x509.ObjectIdentifier(policy_oid) if policy_oid else None,
    )
    try:
        response = rfc3161_client.decode_timestamp_response(response_der)
        builder.build().verify_message(response, data)
    except rfc3161_client.VerificationError as exc:
        message = str(exc)
        if "Unable to parse" in message:
            raise TimestampMalformed(f"rfc3161-client: {message}") from exc
        if "EKU" in message or "certificate verify error" in message:
            raise TimestampUntrusted(f"rfc3161-client: {message}") from exc
        raise TimestampInvalid(f"rfc3161-client: {message}") from exc
    except Exception as exc:  # ValueError from the Rust side
        raise TimestampInvalid(f"rfc3161-client: {exc}") from exc
    except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        raise TimestampMalformed(f"rfc3161-client failed on the response: {exc}") from exc


# --- HTTP ----------------------------------------------------------------------------------------


def wsgi_app(tsa: LocalTsa) -> WSGIApplication:
    """A WSGI app speaking RFC 3161 over HTTP: POST ``application/timestamp-query`` (at most
    :data:`MAX_REQUEST_BYTES`, Content-Length required) answered by ``application/timestamp-reply``.
    A request the TSA rejects still gets HTTP 200 with a "rejection" TimeStampResp."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _plain(start_response, "405 Method Not Allowed", [("Allow", "POST")])
        content_type = str(environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if content_type != CONTENT_TYPE_QUERY:
            return _plain(start_response, "415 Unsupported Media Type")
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return _plain(start_response, "411 Length Required")
        if length < 0:
            return _plain(start_response, "400 Bad Request")
        if length > MAX_REQUEST_BYTES:
            return _plain(start_response, "413 Content Too Large")
        body = environ["wsgi.input"].read(length)
        if len(body) != length:
            return _plain(start_response, "400 Bad Request")
        reply = tsa.respond(body)
        start_response(
            "200 OK",
            [
                ("Content-Type", CONTENT_TYPE_REPLY),
                ("Content-Length", str(len(reply))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [reply]

    return app


def _plain(
    start_response: StartResponse, status: str, headers: list[tuple[str, str]] | None = None
) -> list[bytes]:
    body = (status + "\n").encode("ascii")
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=us-ascii"),
            ("Content-Length", str(len(body))),
            *(headers or []),
        ],
    )
    return [body]
