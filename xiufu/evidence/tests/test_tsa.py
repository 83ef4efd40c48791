"""RFC 3161 timestamps: the embedded local TSA, the HTTP client path, and offline verification.

Tokens are checked by ``verify_timestamp`` (rfc3161-client plus our own checks) and, where it
matters, by ``openssl ts -verify``. HTTP tests run the WSGI app (or a misbehaving one) with wsgiref
on 127.0.0.1 in a thread. Pure tests: no database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import rfc3161_client
from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiufu.evidence.tsa import (
    CONTENT_TYPE_QUERY,
    CONTENT_TYPE_REPLY,
    LOCAL_POLICY_OID,
    MAX_REQUEST_BYTES,
    LocalTsa,
    Timestamp,
    TimestampError,
    TimestampInvalid,
    TimestampMalformed,
    TimestampUnavailable,
    TimestampUntrusted,
    request_timestamp,
    verify_timestamp,
    wsgi_app,
)

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

OPENSSL = "/usr/bin/openssl"
DATA = b"xiufu.example/evidence\n42\nq0Rq7Qe1c1Tn5dDbdHq3XW3lT0lPzTqM1ITvXkQfNvw=\n"

needs_openssl = pytest.mark.skipif(not os.path.exists(OPENSSL), reason="openssl CLI not found")


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tsa() -> LocalTsa:
    return LocalTsa.generate()


@pytest.fixture(scope="module")
def other_tsa() -> LocalTsa:
    return LocalTsa.generate("another local TSA")


@pytest.fixture(scope="module")
def stamp(tsa: LocalTsa) -> Timestamp:
    """A token from the local TSA; its request set certReq, so it embeds the TSA certificate."""
    return request_timestamp(DATA, local=tsa)


@pytest.fixture(scope="module")
def bare_response(tsa: LocalTsa) -> bytes:
    """A token whose request did not set certReq: it embeds no certificate at all."""
    return tsa.respond(make_request(DATA, cert_req=False))


def make_request(
    data: bytes,
    *,
    cert_req: bool = True,
    nonce: int | None = 12345,
    policy: str | None = None,
    algorithm: str = "sha256",
) -> bytes:
    fields: dict[str, Any] = {
        "version": "v1",
        "message_imprint": {
            "hash_algorithm": {"algorithm": algorithm},
            "hashed_message": hashlib.new(algorithm, data).digest(),
        },
        "cert_req": cert_req,
    }
    if nonce is not None:
        fields["nonce"] = nonce
    if policy is not None:
        fields["req_policy"] = policy
    return bytes(tsp.TimeStampReq(fields).dump())


class TimeStampResp(core.Sequence):
    """RFC 3161's TimeStampResp (asn1crypto's class cannot read a response without a token)."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


def status_of(response_der: bytes) -> tuple[str, set[str]]:
    status = TimeStampResp.load(response_der)["status"]
    return status["status"].native, set(status["fail_info"].native or ())


def tst_info(response_der: bytes) -> tsp.TSTInfo:
    token = TimeStampResp.load(response_der)["time_stamp_token"]
    return tsp.TSTInfo.load(token["content"]["encap_content_info"]["content"].contents)


def flipped(der: bytes, position: int, mask: int) -> bytes:
    mutated = bytearray(der)
    mutated[position] ^= mask
    return bytes(mutated)


def make_tsa(
    *,
    eku: bool = True,
    eku_critical: bool = True,
    root_validity: tuple[datetime, datetime] | None = None,
) -> LocalTsa:
    """A LocalTsa with hand-made certificates, to exercise what ``generate`` never produces."""
    now = datetime.now(UTC).replace(microsecond=0)
    tsa_validity = (now - timedelta(days=30), now + timedelta(days=30))
    root_not_before, root_not_after = root_validity or tsa_validity
    root_key = ec.generate_private_key(ec.SECP256R1())
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hand-made root")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(root_not_before)
        .not_valid_after(root_not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hand-made TSA")]))
        .issuer_name(root_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(tsa_validity[0])
        .not_valid_after(tsa_validity[1])
    )
    if eku:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=eku_critical
        )
    cert = builder.sign(root_key, hashes.SHA256())
    return LocalTsa(
        root_cert_pem=root.public_bytes(serialization.Encoding.PEM).decode(),
        tsa_cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        tsa_key_pem=tsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        policy_oid=LOCAL_POLICY_OID,
    )


def embed_chain_in_openssl_order(response_der: bytes, tsa: LocalTsa) -> bytes:
    """Embed the whole chain the way OpenSSL writes it: TSA certificate first, then the root,
    which is not DER SET OF order. The certificates are unsigned, so the token stays valid."""
    ders = [
        x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
        for pem in tsa.chain_pem()
    ]
    response = TimeStampResp.load(response_der)
    response["time_stamp_token"]["content"]["certificates"] = [
        cms.CertificateChoices("certificate", asn1_x509.Certificate.load(der)) for der in ders
    ]
    sorted_der = bytes(response.dump())
    low, high = sorted(ders)
    assert sorted_der.count(low + high) == 1
    chain_order = ders[0] + ders[1]
    assert chain_order != low + high  # the TSA certificate is longer, so it sorts after the root
    return sorted_der.replace(low + high, chain_order)


def openssl_style_tsa(tsa: LocalTsa) -> WSGIApplication:
    """An external TSA that embeds its chain in OpenSSL's order."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        reply = embed_chain_in_openssl_order(tsa.respond(body), tsa)
        start_response(
            "200 OK", [("Content-Type", CONTENT_TYPE_REPLY), ("Content-Length", str(len(reply)))]
        )
        return [reply]

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(app: WSGIApplication) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port) in a thread; yield its URL."""
    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fixed_reply(
    body: bytes, *, status: str = "200 OK", content_type: str = CONTENT_TYPE_REPLY
) -> WSGIApplication:
    """A misbehaving TSA: answers every request with the same bytes."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        environ["wsgi.input"].read(length)
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    return app


def http_status(url: str, *, method: str = "POST", body: bytes = b"", content_type: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (a test server on 127.0.0.1)
        url, data=body if method == "POST" else None, method=method
    )
    request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:  # noqa: S310
            return int(reply.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return int(exc.code)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- issuing and verifying -----------------------------------------------------------------------


def test_a_local_timestamp_verifies(tsa: LocalTsa, stamp: Timestamp) -> None:
    verdict = verify_timestamp(stamp.response_der, DATA, stamp.chain_pem)

    assert stamp.trust == "local"
    assert stamp.tsa_url is None
    assert stamp.chain_pem == tsa.chain_pem() == [tsa.tsa_cert_pem, tsa.root_cert_pem]
    assert stamp.gen_time.tzinfo is not None
    assert stamp.gen_time.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamp.gen_time) < timedelta(minutes=1)
    assert verdict.gen_time == stamp.gen_time
    assert verdict.policy_oid == LOCAL_POLICY_OID == tsa.policy_oid
    assert verdict.tsa_name == "CN=xiufu local TSA,O=local trust"
    assert verdict.serial_number > 0


def test_a_pinned_root_is_accepted(tsa: LocalTsa, stamp: Timestamp) -> None:
    verify_timestamp(
        stamp.response_der, DATA, stamp.chain_pem, trusted_roots_pem=[tsa.root_cert_pem]
    )
    # A chain that stops below the pinned root is completed by it.
    verify_timestamp(
        stamp.response_der, DATA, [tsa.tsa_cert_pem], trusted_roots_pem=[tsa.root_cert_pem]
    )


def test_a_token_without_embedded_certificates_verifies(
    tsa: LocalTsa, bare_response: bytes
) -> None:
    verdict = verify_timestamp(bare_response, DATA, tsa.chain_pem())

    assert verdict.policy_oid == LOCAL_POLICY_OID


def test_the_token_embeds_at_most_the_tsa_certificate(
    tsa: LocalTsa, stamp: Timestamp, bare_response: bytes
) -> None:
    """The chain is never embedded (rfc3161-client's InvalidSetOrdering trap); certReq gets the
    TSA certificate alone, as RFC 3161 requires."""
    tsa_der = x509.load_pem_x509_certificate(tsa.tsa_cert_pem.encode()).public_bytes(
        serialization.Encoding.DER
    )
    embedded = rfc3161_client.decode_timestamp_response(stamp.response_der).signed_data
    assert set(embedded.certificates) == {tsa_der}
    bare = rfc3161_client.decode_timestamp_response(bare_response).signed_data
    assert set(bare.certificates) == set()


@needs_openssl
@pytest.mark.parametrize("cert_req", [True, False], ids=["tsa-cert-embedded", "no-certs"])
def test_openssl_ts_verify_accepts_the_token(tsa: LocalTsa, tmp_path: Path, cert_req: bool) -> None:
    response = tsa.respond(make_request(DATA, cert_req=cert_req))
    verify_timestamp(response, DATA, tsa.chain_pem())
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "wrong").write_bytes(DATA + b"x")
    (tmp_path / "resp.tsr").write_bytes(response)
    (tmp_path / "root.pem").write_text(tsa.root_cert_pem)
    (tmp_path / "tsa.pem").write_text(tsa.tsa_cert_pem)

    def openssl_verify(data_file: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *(OPENSSL, "ts", "-verify", "-data", data_file, "-in", "resp.tsr"),
                *("-CAfile", "root.pem", "-untrusted", "tsa.pem"),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    good = openssl_verify("data")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Verification: OK" in good.stdout
    bad = openssl_verify("wrong")
    assert bad.returncode != 0


def test_respond_echoes_the_nonce_and_uses_fresh_serials(tsa: LocalTsa) -> None:
    when = datetime.now(UTC).replace(microsecond=250000)
    first = tst_info(tsa.respond(make_request(DATA, nonce=987654321), now=when))
    second = tst_info(tsa.respond(make_request(DATA, nonce=987654321), now=when))

    assert first["nonce"].native == 987654321
    assert first["serial_number"].native != second["serial_number"].native
    assert first["gen_time"].native == when
    assert first["gen_time"].contents.endswith(b".25Z")  # UTC, fraction without trailing zeros
    assert first["policy"].dotted == LOCAL_POLICY_OID


def test_the_module_imports_without_django() -> None:
    code = (
        "import sys, xiufu.evidence.tsa; "
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0, result.stderr


# --- the url= path -------------------------------------------------------------------------------


def test_the_url_path_against_the_wsgi_app(tsa: LocalTsa) -> None:
    with serving(wsgi_app(tsa)) as url:
        stamp = request_timestamp(DATA, url=url, chain_pem=tsa.chain_pem())

    assert stamp.trust == "external"
    assert stamp.tsa_url == url
    assert stamp.chain_pem == tsa.chain_pem()
    verdict = verify_timestamp(stamp.response_der, DATA, stamp.chain_pem)
    assert verdict.gen_time == stamp.gen_time


def test_without_a_configured_chain_the_embedded_certificate_is_not_enough(
    tsa: LocalTsa,
) -> None:
    """The token carries only the TSA certificate, which does not lead to a self-signed root."""
    with serving(wsgi_app(tsa)) as url, pytest.raises(TimestampUntrusted):
        request_timestamp(DATA, url=url)


def test_a_chain_embedded_in_openssl_order_is_accepted(tsa: LocalTsa) -> None:
    """rfc3161-client refuses a certificate SET in chain order (InvalidSetOrdering); the client
    puts the unsigned certificates in DER order and then uses the embedded chain."""
    openssl_ordered = embed_chain_in_openssl_order(tsa.respond(make_request(DATA)), tsa)
    with pytest.raises(ValueError, match="InvalidSetOrdering"):
        rfc3161_client.decode_timestamp_response(openssl_ordered)
    verify_timestamp(openssl_ordered, DATA, tsa.chain_pem())

    with serving(openssl_style_tsa(tsa)) as url:
        stamp = request_timestamp(DATA, url=url)

    assert stamp.chain_pem == tsa.chain_pem()
    rfc3161_client.decode_timestamp_response(stamp.response_der)
    verify_timestamp(stamp.response_der, DATA, stamp.chain_pem)


def test_a_replayed_reply_fails_the_nonce_check(tsa: LocalTsa) -> None:
    old_reply = tsa.respond(make_request(DATA, nonce=1))
    with serving(fixed_reply(old_reply)) as url, pytest.raises(TimestampInvalid, match="nonce"):
        request_timestamp(DATA, url=url, chain_pem=tsa.chain_pem())


def test_a_reply_for_other_data_fails_the_imprint_check(tsa: LocalTsa) -> None:
    with (
        serving(fixed_reply(tsa.respond(make_request(b"other data")))) as url,
        pytest.raises(TimestampInvalid, match="imprint"),
    ):
        request_timestamp(DATA, url=url, chain_pem=tsa.chain_pem())


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (fixed_reply(b"garbage"), TimestampMalformed),
        (fixed_reply(b"<html>hello</html>", content_type="text/html"), TimestampMalformed),
        (fixed_reply(b"oops", status="500 Internal Server Error"), TimestampUnavailable),
        (fixed_reply(b"", status="404 Not Found"), TimestampUnavailable),
    ],
    ids=["garbage", "wrong-media-type", "http-500", "http-404"],
)
def test_a_broken_server_raises_the_right_error(
    tsa: LocalTsa, reply: WSGIApplication, error: type[TimestampError]
) -> None:
    with serving(reply) as url, pytest.raises(error):
        request_timestamp(DATA, url=url, chain_pem=tsa.chain_pem())


def test_a_rejection_from_the_server_is_invalid(tsa: LocalTsa) -> None:
    rejection = tsa.respond(b"not a request")
    with serving(fixed_reply(rejection)) as url, pytest.raises(TimestampInvalid, match="rejection"):
        request_timestamp(DATA, url=url, chain_pem=tsa.chain_pem())


def test_an_unreachable_tsa_is_unavailable(tsa: LocalTsa) -> None:
    url = f"http://127.0.0.1:{free_port()}/tsa"
    with pytest.raises(TimestampUnavailable):
        request_timestamp(DATA, url=url, chain_pem=tsa.chain_pem(), timeout=2)


def test_request_timestamp_wants_exactly_one_source(tsa: LocalTsa) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        request_timestamp(DATA)
    with pytest.raises(ValueError, match="exactly one"):
        request_timestamp(DATA, local=tsa, url="http://127.0.0.1:1/")
    with pytest.raises(ValueError, match="http"):
        request_timestamp(DATA, url="file:///etc/passwd")


def test_the_wsgi_app_speaks_only_rfc3161_over_post(tsa: LocalTsa) -> None:
    request = make_request(DATA)
    with serving(wsgi_app(tsa)) as url:
        assert http_status(url, body=request, content_type=CONTENT_TYPE_QUERY) == 200
        assert http_status(url, method="GET", content_type=CONTENT_TYPE_QUERY) == 405
        assert http_status(url, body=request, content_type="application/octet-stream") == 415
        too_big = b"\x00" * (MAX_REQUEST_BYTES + 1)
        assert http_status(url, body=too_big, content_type=CONTENT_TYPE_QUERY) == 413


def test_the_wsgi_app_answers_with_a_timestamp_reply(tsa: LocalTsa) -> None:
    request = urllib.request.Request("http://placeholder/", data=make_request(DATA), method="POST")
    request.add_header("Content-Type", CONTENT_TYPE_QUERY)
    with serving(wsgi_app(tsa)) as url:
        request.full_url = url
        with urllib.request.urlopen(request, timeout=5) as reply:  # noqa: S310
            assert reply.headers.get_content_type() == CONTENT_TYPE_REPLY
            body = reply.read()
    verify_timestamp(body, DATA, tsa.chain_pem())


# --- tampering and the error classes --------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
@pytest.mark.parametrize("which", ["tsa-cert-embedded", "no-certs", "chain-in-openssl-order"])
def test_every_single_bit_flip_is_rejected(
    tsa: LocalTsa, stamp: Timestamp, bare_response: bytes, which: str
) -> None:
    response = {
        "tsa-cert-embedded": stamp.response_der,
        "no-certs": bare_response,
        "chain-in-openssl-order": embed_chain_in_openssl_order(stamp.response_der, tsa),
    }[which]
    verify_timestamp(response, DATA, tsa.chain_pem())
    for position in range(len(response)):
        with pytest.raises((TimestampMalformed, TimestampInvalid)):
            verify_timestamp(flipped(response, position, 0x01), DATA, tsa.chain_pem())


@pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_flipped_byte_is_rejected(tsa: LocalTsa, stamp: Timestamp, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(stamp.response_der) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="mask")
    with pytest.raises((TimestampMalformed, TimestampInvalid)):
        verify_timestamp(flipped(stamp.response_der, position, mask), DATA, tsa.chain_pem())


def test_wrong_data_is_invalid(tsa: LocalTsa, stamp: Timestamp) -> None:
    with pytest.raises(TimestampInvalid, match="imprint"):
        verify_timestamp(stamp.response_der, DATA + b"tampered", stamp.chain_pem)


def test_a_chain_from_another_tsa_is_invalid(
    stamp: Timestamp, bare_response: bytes, other_tsa: LocalTsa
) -> None:
    """The other TSA's certificate did not sign the token (whether or not the token embeds the
    real one): the signature does not verify with chain_pem[0]."""
    for response in (stamp.response_der, bare_response):
        with pytest.raises(TimestampInvalid):
            verify_timestamp(response, DATA, other_tsa.chain_pem())
        with pytest.raises(TimestampInvalid):
            verify_timestamp(
                response,
                DATA,
                other_tsa.chain_pem(),
                trusted_roots_pem=[other_tsa.root_cert_pem],
            )


def test_a_foreign_root_in_the_chain_is_untrusted(
    tsa: LocalTsa, stamp: Timestamp, other_tsa: LocalTsa
) -> None:
    with pytest.raises(TimestampUntrusted):
        verify_timestamp(stamp.response_der, DATA, [tsa.tsa_cert_pem, other_tsa.root_cert_pem])


def test_a_root_pinned_to_another_tsa_is_untrusted(stamp: Timestamp, other_tsa: LocalTsa) -> None:
    with pytest.raises(TimestampUntrusted, match="trusted root"):
        verify_timestamp(
            stamp.response_der, DATA, stamp.chain_pem, trusted_roots_pem=[other_tsa.root_cert_pem]
        )


def test_a_chain_without_a_self_signed_root_is_untrusted(tsa: LocalTsa, stamp: Timestamp) -> None:
    with pytest.raises(TimestampUntrusted, match="self-signed"):
        verify_timestamp(stamp.response_der, DATA, [tsa.tsa_cert_pem])


@pytest.mark.parametrize(
    ("eku", "eku_critical"), [(False, True), (True, False)], ids=["no-eku", "eku-not-critical"]
)
def test_a_tsa_certificate_without_critical_timestamping_eku_is_untrusted(
    eku: bool, eku_critical: bool
) -> None:
    rogue = make_tsa(eku=eku, eku_critical=eku_critical)
    response = rogue.respond(make_request(DATA))
    with pytest.raises(TimestampUntrusted, match=r"EKU|extended key usage"):
        verify_timestamp(response, DATA, rogue.chain_pem())


def test_a_certificate_not_valid_at_gen_time_is_untrusted() -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    short_lived = make_tsa(root_validity=(now - timedelta(days=30), now - timedelta(days=1)))
    response = short_lived.respond(make_request(DATA), now=now)
    assert status_of(response)[0] == "granted"  # the TSA certificate itself is still valid
    with pytest.raises(TimestampUntrusted, match="not valid at genTime"):
        verify_timestamp(response, DATA, short_lived.chain_pem())


def test_a_tsa_outside_its_certificate_validity_refuses(tsa: LocalTsa) -> None:
    response = tsa.respond(make_request(DATA), now=datetime(2000, 1, 1, tzinfo=UTC))
    assert status_of(response) == ("rejection", {"system_failure"})


@pytest.mark.parametrize(
    "response",
    [b"", b"\x30\x00", b"garbage", b"\x30\x03\x02\x01\x00"],
    ids=["empty", "empty-sequence", "garbage", "truncated"],
)
def test_unparsable_responses_are_malformed(tsa: LocalTsa, response: bytes) -> None:
    with pytest.raises(TimestampMalformed):
        verify_timestamp(response, DATA, tsa.chain_pem())


def test_trailing_bytes_are_malformed(tsa: LocalTsa, stamp: Timestamp) -> None:
    with pytest.raises(TimestampMalformed):
        verify_timestamp(stamp.response_der + b"\x00", DATA, tsa.chain_pem())


@pytest.mark.parametrize("chain", [[], ["not a certificate"]], ids=["empty", "garbage"])
def test_an_unreadable_chain_is_malformed(stamp: Timestamp, chain: list[str]) -> None:
    with pytest.raises(TimestampMalformed):
        verify_timestamp(stamp.response_der, DATA, chain)


# --- rejections ----------------------------------------------------------------------------------


def test_a_garbage_request_gets_a_rejection(tsa: LocalTsa) -> None:
    response = tsa.respond(b"\x30\x03garbage")

    assert status_of(response) == ("rejection", {"bad_data_format"})
    assert rfc3161_client.decode_timestamp_response(response).status == 2
    with pytest.raises(TimestampInvalid, match="not granted"):
        verify_timestamp(response, DATA, tsa.chain_pem())


@pytest.mark.parametrize(
    ("request_der", "fail_info"),
    [
        (make_request(DATA, algorithm="sha1"), "bad_alg"),
        (make_request(DATA, policy="1.3.6.1.4.1.4146.2.3"), "unaccepted_policy"),
        (make_request(DATA)[:-1], "bad_data_format"),
        (b"\x00" * (MAX_REQUEST_BYTES + 1), "bad_request"),
    ],
    ids=["sha1", "foreign-policy", "truncated", "oversized"],
)
def test_requests_the_tsa_cannot_honour_are_rejected(
    tsa: LocalTsa, request_der: bytes, fail_info: str
) -> None:
    assert status_of(tsa.respond(request_der)) == ("rejection", {fail_info})


def test_a_request_naming_our_policy_is_granted(tsa: LocalTsa) -> None:
    response = tsa.respond(make_request(DATA, policy=LOCAL_POLICY_OID))
    assert status_of(response)[0] == "granted"


# --- persistence ---------------------------------------------------------------------------------


def test_load_or_create_persists_and_reloads(tmp_path: Path) -> None:
    directory = tmp_path / "data" / "tsa"
    created = LocalTsa.load_or_create(directory)

    assert {p.name for p in directory.glob("*.pem")} == {"root.pem", "tsa.pem", "tsa-key.pem"}
    assert stat.S_IMODE((directory / "tsa-key.pem").stat().st_mode) == 0o600
    reloaded = LocalTsa.load_or_create(directory)
    assert reloaded == created
    assert LocalTsa.load(directory) == created
    stamp = request_timestamp(DATA, local=reloaded)
    verify_timestamp(stamp.response_der, DATA, created.chain_pem())


def test_save_restricts_the_key_file_even_if_it_existed(tsa: LocalTsa, tmp_path: Path) -> None:
    (tmp_path / "tsa-key.pem").write_text("old")
    (tmp_path / "tsa-key.pem").chmod(0o644)
    tsa.save(tmp_path)

    assert stat.S_IMODE((tmp_path / "tsa-key.pem").stat().st_mode) == 0o600
    assert LocalTsa.load(tmp_path) == tsa


def test_load_or_create_refuses_a_partial_directory(tsa: LocalTsa, tmp_path: Path) -> None:
    tsa.save(tmp_path)
    (tmp_path / "tsa-key.pem").unlink()

    with pytest.raises(TimestampError, match="refusing"):
        LocalTsa.load_or_create(tmp_path)
    assert not (tmp_path / "tsa-key.pem").exists()


def test_load_detects_a_key_from_another_tsa(
    tsa: LocalTsa, other_tsa: LocalTsa, tmp_path: Path
) -> None:
    dataclasses.replace(tsa, tsa_key_pem=other_tsa.tsa_key_pem).save(tmp_path)

    with pytest.raises(TimestampError, match="key does not match"):
        LocalTsa.load(tmp_path)


def test_a_copied_directory_is_the_same_tsa(tsa: LocalTsa, tmp_path: Path) -> None:
    tsa.save(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")

    assert LocalTsa.load_or_create(tmp_path / "b") == tsa
