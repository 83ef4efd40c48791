"""The ledger's secrets and authorities, resolved once per process from the settings.

* the log's signing key (Ed25519, a C2SP signed-note private key): ``XIUFU_LOG_SIGNING_KEY``, or
  the file ``XIUFU_LOG_SIGNING_KEY_FILE``; the embedded default generates one on first run in
  ``EVIDENCE_KEY_DIR`` (mode 0600), named after a fresh log origin ``xiufu.local/evidence-<8 hex>``;
* the salt of the case reference HMAC: ``XIUFU_EVIDENCE_SALT``, else a generated file;
* the timestamp authority: ``XIUFU_TSA_URL`` with the chain in ``XIUFU_TSA_CHAIN_FILE``, else the
  embedded local authority whose key and certificates live in ``EVIDENCE_KEY_DIR/tsa``.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from xiufu.core.env import ConfigError
from xiufu.evidence.note import NoteError, Signer
from xiufu.evidence.tsa import LocalTsa

_PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\s*", re.S)


def _private_file(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(content)


@functools.cache
def log_signer() -> Signer:
    if settings.EVIDENCE_SIGNING_KEY:
        source, text = "XIUFU_LOG_SIGNING_KEY", settings.EVIDENCE_SIGNING_KEY
    elif settings.EVIDENCE_SIGNING_KEY_FILE:
        source = "XIUFU_LOG_SIGNING_KEY_FILE"
        try:
            text = Path(settings.EVIDENCE_SIGNING_KEY_FILE).read_text().strip()
        except OSError as exc:
            raise ConfigError(source, f"cannot read the key file: {exc.strerror}") from None
    else:
        source = "XIUFU_LOG_SIGNING_KEY_FILE"
        path = Path(settings.EVIDENCE_KEY_DIR) / "log-signing.key"
        if not path.exists():
            signer = Signer.generate(f"xiufu.local/evidence-{secrets.token_hex(4)}")
            _private_file(path, signer.skey + "\n")
        text = path.read_text().strip()
    try:
        return Signer.from_skey(text)
    except NoteError as exc:
        raise ConfigError(source, f"not a signed-note private key ({exc})") from None


def log_origin() -> str:
    """The origin line of every checkpoint: the signing key's name."""
    return log_signer().name


@functools.cache
def _salt() -> bytes:
    if settings.EVIDENCE_SALT:
        return settings.EVIDENCE_SALT.encode()
    path = Path(settings.EVIDENCE_KEY_DIR) / "case-ref.salt"
    if not path.exists():
        _private_file(path, secrets.token_hex(32) + "\n")
    return path.read_text().strip().encode()


def case_ref(case_number: str) -> str:
    """The log's reference to a case: HMAC-SHA256 of the case number under a secret salt, so the
    same case is recognisable to us and to nobody reading the log."""
    return hmac.new(_salt(), case_number.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class TimestampAuthority:
    """Where checkpoints get their RFC 3161 timestamps: the local authority or a URL."""

    local: LocalTsa | None
    url: str | None
    chain_pem: list[str] | None

    @property
    def trust(self) -> str:
        return "local" if self.local is not None else "external"


@functools.cache
def timestamp_authority() -> TimestampAuthority:
    if settings.EVIDENCE_TSA_URL:
        try:
            bundle = Path(settings.EVIDENCE_TSA_CHAIN_FILE).read_text()
        except OSError as exc:
            raise ConfigError("XIUFU_TSA_CHAIN_FILE", f"cannot read: {exc.strerror}") from None
        chain = [m.group(0).strip() + "\n" for m in _PEM_CERT.finditer(bundle)]
        if not chain:
            raise ConfigError("XIUFU_TSA_CHAIN_FILE", "holds no PEM certificate")
        return TimestampAuthority(local=None, url=settings.EVIDENCE_TSA_URL, chain_pem=chain)
    local = LocalTsa.load_or_create(Path(settings.EVIDENCE_KEY_DIR) / "tsa")
    return TimestampAuthority(local=local, url=None, chain_pem=None)


def pdf_trust_dir() -> Path:
    """A folder of PEM certificates trusted as signers of PDF materials (besides the bundle in
    ``XIUFU_PDF_TRUST_ROOTS_FILE``): the demo puts its sample bank's certificate here."""
    return Path(settings.EVIDENCE_KEY_DIR) / "pdf-trust"


def pdf_trust_roots() -> list[str]:
    bundles = []
    if settings.PDF_TRUST_ROOTS_FILE:
        try:
            bundles.append(Path(settings.PDF_TRUST_ROOTS_FILE).read_text())
        except OSError as exc:
            raise ConfigError(
                "XIUFU_PDF_TRUST_ROOTS_FILE", f"cannot read: {exc.strerror}"
            ) from None
    if pdf_trust_dir().is_dir():
        bundles += [path.read_text() for path in sorted(pdf_trust_dir().glob("*.pem"))]
    return [m.group(0).strip() + "\n" for bundle in bundles for m in _PEM_CERT.finditer(bundle)]


def reset_caches() -> None:
    """For tests that change the settings."""
    log_signer.cache_clear()
    _salt.cache_clear()
    timestamp_authority.cache_clear()
