"""Sample signed PDFs, made with pyHanko: for the demo's materials and for the tests.

A self-signed P-256 certificate plays a bank's signing certificate; its PEM is what a trust store
would hold. Nothing here is used to sign anything real.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

T = TypeVar("T")
PAGE_TEXT = b"BT /F1 12 Tf 72 720 Td (Statement balance 1000.00) Tj ET"


@dataclass(frozen=True)
class Identity:
    signer: signers.SimpleSigner
    cert_pem: str


def make_identity(
    common_name: str | None,
    *,
    non_repudiation: bool = True,
    organisation: str = "Hangzhou Example Bank",
    days: int = 30,
) -> Identity:
    """A self-signed P-256 certificate usable as its own trust root, wrapped in a pyHanko signer."""
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)]
    if common_name is not None:
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    else:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, "110101199001011234"))
    name = x509.Name(attributes)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=non_repudiation,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    asn1_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    asn1_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_cert,
        signing_key=asn1_key,
        cert_registry=SimpleCertificateStore.from_certs([asn1_cert]),
    )
    return Identity(signer, cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))


def blank_pdf(text: bytes = PAGE_TEXT) -> bytes:
    """A one-page PDF showing ``text`` (a content stream) in Helvetica."""
    writer = PdfFileWriter()
    contents = writer.add_object(generic.StreamObject(stream_data=text))
    font = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Font"),
            pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name("/Helvetica"),
        }
    )
    resources = generic.DictionaryObject(
        {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})}
    )
    writer.insert_page(
        PageObject(contents=contents, media_box=(0, 0, 595, 842), resources=resources)
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_page(*lines: str) -> bytes:
    """A one-page PDF with a few lines of ASCII text."""
    escaped = [ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for ln in lines]
    body = " ".join(f"({line}) Tj 0 -18 Td" for line in escaped)
    return blank_pdf(f"BT /F1 12 Tf 72 760 Td {body} ET".encode("ascii"))


def sign(pdf: bytes, identity: Identity, field_name: str = "Signature1") -> bytes:
    """``pdf`` with a new signature field signed by ``identity``."""
    return _outside_event_loop(_sign, pdf, identity, field_name)


def _sign(pdf: bytes, identity: Identity, field_name: str) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = signers.sign_pdf(
        writer,
        signers.PdfSignatureMetadata(field_name=field_name),
        signer=identity.signer,
        new_field_spec=fields.SigFieldSpec(field_name, box=(10, 10, 110, 60)),
    )
    return out.getvalue()


def _outside_event_loop(function: Callable[..., T], *args: Any) -> T:
    """pyHanko's synchronous signing calls ``asyncio.run``, which fails where an event loop is
    already running in this thread: run it in a worker thread then."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def replace_page_content(pdf: bytes, text: bytes) -> bytes:
    """An incremental update that points the first page at new content."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page[pdf_name("/Contents")] = writer.add_object(generic.StreamObject(stream_data=text))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
