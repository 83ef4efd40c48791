"""Evidence receipts and checkpoint files: the downloadable proof artifacts of the evidence ledger.

Pure Python (no Django): a receipt must be checkable offline with nothing but this package.

Two artifacts exist, both UTF-8 JSON pretty-printed with two-space indentation:

``xiufu-evidence-receipt/1`` — proves that one material or letter (the *subject*) is an entry of
the log::

    {
      "format": "xiufu-evidence-receipt/1",
      "subject": {"kind": "material" | "letter", "sha256": "<hex>", "size": <int>,
                  "media_type": "<str>", "label": "<optional human label>"},
      "log": {"origin": "<checkpoint origin>", "public_key": "<C2SP verifier key>"},
      "leaf": {"index": <int>, "entry": "<canonical JSON entry text>"},
      "inclusion_proof": ["<base64 32-byte hash>", ...],
      "checkpoint": "<the full signed note text>",
      "timestamp": {"response": "<base64 DER TimeStampResp>", "tsa_chain": ["<PEM>", ...],
                    "trust": "local" | "external", "tsa_url": "<str>" | null}
    }

``xiufu-evidence-checkpoint/1`` — one signed checkpoint with its timestamp and consistency proofs
from earlier tree sizes, to show that the log only ever grew::

    {"format": "xiufu-evidence-checkpoint/1", "log": {...}, "checkpoint": "<signed note>",
     "timestamp": {...}, "consistency": [{"from_size": <int>, "proof": ["<base64>", ...]}]}

The parsers check the *shape* only (types, encodings, bounds) and raise :class:`ReceiptMalformed`;
whether the contents are true is decided by :mod:`xiufu.evidence.verify`. Parsing is strict:
unknown keys, duplicate keys, non-canonical base64, floats where integers belong, ``NaN`` and
inputs over 1 MiB are refused.

The log entry of a material or letter is a canonical JSON record (:func:`canonical_entry`), for
example::

    {"case_ref":"<hex>","kind":"material","media_type":"application/pdf",
     "received_at":"2026-11-30T07:39:38Z","sha256":"<hex>","size":1234,"v":1}

``case_ref`` is a keyed hash (HMAC) of the case number, never the number itself: an entry carries
no personal data, and :func:`canonical_entry` refuses any key not listed here so that none can be
added by mistake. :func:`canonical_entry` is the single definition of the leaf bytes; the log
appends ``merkle.leaf_hash(canonical_entry(record))``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from xiufu.evidence import merkle, note

__all__ = [
    "CHECKPOINT_FORMAT",
    "ENTRY_KEYS",
    "ENTRY_VERSION",
    "MAX_ARTIFACT_SIZE",
    "RECEIPT_FORMAT",
    "CheckpointFile",
    "ConsistencyProof",
    "EntryInvalid",
    "Leaf",
    "LogKey",
    "Receipt",
    "ReceiptMalformed",
    "Subject",
    "TimestampToken",
    "canonical_entry",
    "load_artifact",
    "parse_entry",
]

RECEIPT_FORMAT = "xiufu-evidence-receipt/1"
CHECKPOINT_FORMAT = "xiufu-evidence-checkpoint/1"
#: Receipts and checkpoint files larger than this are refused before parsing.
MAX_ARTIFACT_SIZE = 1024 * 1024
#: The ``v`` of entries built by :func:`canonical_entry`.
ENTRY_VERSION = 1
#: The keys of an entry, all required (and no others allowed).
ENTRY_KEYS = frozenset({"v", "kind", "sha256", "size", "media_type", "case_ref", "received_at"})
#: Subject kinds: an uploaded material or an issued letter.
KINDS = ("material", "letter")
TRUST_LEVELS = ("local", "external")

_MAX_CHAIN = 10
_MAX_CONSISTENCY = 1000
_MAX_LABEL = 2000
_MAX_MEDIA_TYPE = 255
_MAX_UINT64 = 2**64 - 1
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_CASE_REF = re.compile(r"[0-9a-f]{16,128}")
# RFC 6838 type/subtype names, optionally followed by parameters (printable ASCII).
_MEDIA_TYPE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
    r"(?:[ \t]*;[\x20-\x7e]*)?"
)
_RFC3339_UTC = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z")


# --- errors --------------------------------------------------------------------------------------


class ReceiptMalformed(ValueError):
    """A receipt or checkpoint file is not well formed; ``reason`` says why, in one line."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class EntryInvalid(ValueError):
    """A log entry record is not a valid version-1 entry; ``reason`` says why, in one line."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


# --- entries -------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_received_at(value: object) -> None:
    if not isinstance(value, str):
        raise EntryInvalid("received_at must be a string")
    match = _RFC3339_UTC.fullmatch(value)
    if match is None:
        raise EntryInvalid("received_at must be an RFC 3339 UTC time like 2026-11-30T07:39:38Z")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    try:
        datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise EntryInvalid(f"received_at {value!r} is not a real time") from None


def _check_entry(record: Mapping[str, Any]) -> None:
    keys = set(record)
    missing = ENTRY_KEYS - keys
    if missing:
        raise EntryInvalid(f"entry lacks {', '.join(sorted(missing))}")
    extra = keys - ENTRY_KEYS
    if extra:
        raise EntryInvalid(f"entry has unknown keys {', '.join(sorted(map(repr, extra)))}")
    if not _is_int(record["v"]) or record["v"] != ENTRY_VERSION:
        raise EntryInvalid(f"entry version must be {ENTRY_VERSION}")
    if record["kind"] not in KINDS:
        raise EntryInvalid("entry kind must be 'material' or 'letter'")
    sha256 = record["sha256"]
    if not isinstance(sha256, str) or not _SHA256_HEX.fullmatch(sha256):
        raise EntryInvalid("entry sha256 must be 64 lowercase hex digits")
    size = record["size"]
    if not _is_int(size) or not 0 <= size <= _MAX_UINT64:
        raise EntryInvalid("entry size must be a non-negative integer")
    media_type = record["media_type"]
    if not isinstance(media_type, str) or not _is_media_type(media_type):
        raise EntryInvalid("entry media_type must be a media type like application/pdf")
    case_ref = record["case_ref"]
    if not isinstance(case_ref, str) or not _CASE_REF.fullmatch(case_ref):
        raise EntryInvalid("entry case_ref must be 16 to 128 lowercase hex digits")
    _check_received_at(record["received_at"])


def _is_media_type(value: str) -> bool:
    return len(value) <= _MAX_MEDIA_TYPE and _MEDIA_TYPE.fullmatch(value) is not None


def canonical_entry(record: Mapping[str, Any]) -> bytes:
    """The leaf bytes of an entry: its canonical JSON, UTF-8.

    ``json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``. The record
    is validated first (see :func:`parse_entry`); raises :class:`EntryInvalid`.
    """
    if not isinstance(record, Mapping):
        raise EntryInvalid("an entry is a JSON object")
    _check_entry(record)
    return _dumps_canonical(dict(record))


def _dumps_canonical(record: dict[str, Any]) -> bytes:
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def parse_entry(text: str | bytes) -> dict[str, Any]:
    """Parse and validate an entry; raises :class:`EntryInvalid`.

    The entry must be a JSON object with exactly the keys ``v`` (1), ``kind`` (``material`` or
    ``letter``), ``sha256`` (64 lowercase hex digits), ``size`` (integer >= 0), ``media_type``,
    ``case_ref`` (16 to 128 lowercase hex digits) and ``received_at`` (RFC 3339 UTC with ``Z``,
    e.g. ``2026-11-30T07:39:38Z``), and no duplicate key. Whether the text is in canonical form is
    not checked here: compare it with :func:`canonical_entry` of the result.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise EntryInvalid("entry is not valid UTF-8") from None
    if not isinstance(text, str):
        raise EntryInvalid("an entry is JSON text")
    try:
        record = _strict_json(text)
    except ReceiptMalformed as exc:
        raise EntryInvalid(f"entry {exc.reason}") from None
    if not isinstance(record, dict):
        raise EntryInvalid("an entry is a JSON object")
    _check_entry(record)
    return record


# --- strict JSON ---------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ReceiptMalformed(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ReceiptMalformed(f"{name} is not allowed in JSON")


def _strict_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ReceiptMalformed(
            f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise ReceiptMalformed("not JSON: nested too deeply") from None


def _load_document(text: str | bytes) -> dict[str, Any]:
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        if len(raw) > MAX_ARTIFACT_SIZE:
            raise ReceiptMalformed(f"larger than {MAX_ARTIFACT_SIZE} bytes")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ReceiptMalformed("not UTF-8 text") from None
    elif isinstance(text, str):
        if len(text) > MAX_ARTIFACT_SIZE or len(text.encode("utf-8", "replace")) > (
            MAX_ARTIFACT_SIZE
        ):
            raise ReceiptMalformed(f"larger than {MAX_ARTIFACT_SIZE} bytes")
    else:
        raise ReceiptMalformed("expected JSON text")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ReceiptMalformed("empty")
    document = _strict_json(text)
    if not isinstance(document, dict):
        raise ReceiptMalformed("not a JSON object")
    return document


# --- field readers -------------------------------------------------------------------------------


class _Fields:
    """Typed access to one JSON object, with the path of the object for error messages."""

    def __init__(
        self, value: object, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> None:
        if not isinstance(value, dict):
            raise ReceiptMalformed(f"{where} must be an object")
        missing = [key for key in required if key not in value]
        if missing:
            raise ReceiptMalformed(f"{where} lacks {', '.join(missing)}")
        unknown = sorted(set(value) - set(required) - set(optional))
        if unknown:
            raise ReceiptMalformed(f"{where} has unknown keys {', '.join(map(repr, unknown))}")
        self.value = value
        self.where = where

    def path(self, key: str) -> str:
        return key if self.where == "the artifact" else f"{self.where}.{key}"

    def string(self, key: str, *, max_length: int = MAX_ARTIFACT_SIZE, empty: bool = False) -> str:
        value = self.value[key]
        if not isinstance(value, str):
            raise ReceiptMalformed(f"{self.path(key)} must be a string")
        if not value and not empty:
            raise ReceiptMalformed(f"{self.path(key)} must not be empty")
        if len(value) > max_length:
            raise ReceiptMalformed(f"{self.path(key)} is longer than {max_length} characters")
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            raise ReceiptMalformed(f"{self.path(key)} contains a lone surrogate")
        return value

    def optional_string(self, key: str, *, max_length: int = MAX_ARTIFACT_SIZE) -> str | None:
        if self.value.get(key) is None:
            return None
        return self.string(key, max_length=max_length, empty=True)

    def integer(self, key: str) -> int:
        value = self.value[key]
        if not _is_int(value):
            raise ReceiptMalformed(f"{self.path(key)} must be an integer")
        if value < 0:
            raise ReceiptMalformed(f"{self.path(key)} must not be negative")
        if value > _MAX_UINT64:
            raise ReceiptMalformed(f"{self.path(key)} is larger than 2**64 - 1")
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.value[key]
        if value not in choices:
            allowed = " or ".join(repr(choice) for choice in choices)
            raise ReceiptMalformed(f"{self.path(key)} must be {allowed}")
        return str(value)

    def hashes(self, key: str) -> tuple[bytes, ...]:
        return _hash_list(self.value[key], self.path(key))

    def items(self, key: str, limit: int) -> list[Any]:
        value = self.value[key]
        if not isinstance(value, list):
            raise ReceiptMalformed(f"{self.path(key)} must be a list")
        if len(value) > limit:
            raise ReceiptMalformed(f"{self.path(key)} has more than {limit} items")
        return value


def _b64decode(text: str) -> bytes | None:
    """Strict standard base64 (RFC 4648 §4, padded, canonical); ``None`` if not."""
    if not text.isascii():
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if _b64encode(data) == text else None


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _hash_list(value: object, where: str) -> tuple[bytes, ...]:
    if not isinstance(value, list):
        raise ReceiptMalformed(f"{where} must be a list")
    if len(value) > merkle.MAX_PROOF_LENGTH:
        raise ReceiptMalformed(f"{where} has more than {merkle.MAX_PROOF_LENGTH} hashes")
    hashes = []
    for position, item in enumerate(value):
        decoded = _b64decode(item) if isinstance(item, str) else None
        if decoded is None or len(decoded) != merkle.HASH_SIZE:
            raise ReceiptMalformed(f"{where}[{position}] is not the base64 of a 32-byte hash")
        hashes.append(decoded)
    return tuple(hashes)


# --- the parts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What the receipt is about: a material or letter, by its SHA-256, size and media type."""

    kind: Literal["material", "letter"]
    sha256: str
    size: int
    media_type: str
    label: str | None = None

    @classmethod
    def _read(cls, value: object) -> Subject:
        fields = _Fields(value, "subject", ("kind", "sha256", "size", "media_type"), ("label",))
        kind = fields.choice("kind", KINDS)
        sha256 = fields.string("sha256")
        if not _SHA256_HEX.fullmatch(sha256):
            raise ReceiptMalformed("subject.sha256 must be 64 lowercase hex digits")
        media_type = fields.string("media_type", max_length=_MAX_MEDIA_TYPE)
        if not _is_media_type(media_type):
            raise ReceiptMalformed("subject.media_type must be a media type like application/pdf")
        return cls(
            kind="material" if kind == "material" else "letter",
            sha256=sha256,
            size=fields.integer("size"),
            media_type=media_type,
            label=fields.optional_string("label", max_length=_MAX_LABEL),
        )

    def _dump(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "kind": self.kind,
            "sha256": self.sha256,
            "size": self.size,
            "media_type": self.media_type,
        }
        if self.label is not None:
            value["label"] = self.label
        return value


@dataclass(frozen=True)
class LogKey:
    """The log: its checkpoint origin and the C2SP verifier key of its checkpoint signer."""

    origin: str
    public_key: str

    @property
    def verifier(self) -> note.Verifier:
        """The parsed verifier key (the string was validated when the artifact was read)."""
        return note.Verifier.from_vkey(self.public_key)

    @classmethod
    def _read(cls, value: object) -> LogKey:
        fields = _Fields(value, "log", ("origin", "public_key"))
        origin = fields.string("origin", max_length=1000)
        if any(ch < " " or ch == "\x7f" for ch in origin) or origin != origin.strip():
            raise ReceiptMalformed("log.origin must be one line without surrounding spaces")
        public_key = fields.string("public_key", max_length=1000)
        try:
            note.Verifier.from_vkey(public_key)
        except note.KeyFormatError as exc:
            raise ReceiptMalformed(f"log.public_key is not a verifier key: {exc}") from None
        return cls(origin=origin, public_key=public_key)

    def _dump(self) -> dict[str, Any]:
        return {"origin": self.origin, "public_key": self.public_key}


@dataclass(frozen=True)
class Leaf:
    """The log entry: its index and its exact text (the leaf hash is over its UTF-8 bytes)."""

    index: int
    entry: str

    @property
    def entry_bytes(self) -> bytes:
        return self.entry.encode("utf-8")

    @classmethod
    def _read(cls, value: object) -> Leaf:
        fields = _Fields(value, "leaf", ("index", "entry"))
        return cls(index=fields.integer("index"), entry=fields.string("entry", max_length=10_000))

    def _dump(self) -> dict[str, Any]:
        return {"index": self.index, "entry": self.entry}


@dataclass(frozen=True)
class TimestampToken:
    """An RFC 3161 timestamp over the signed checkpoint note, with the TSA's certificates.

    ``trust`` is ``"local"`` for the platform's own timestamping authority (it proves nothing
    against the platform operator) and ``"external"`` for an independent TSA.
    """

    response: bytes
    tsa_chain: tuple[str, ...]
    trust: Literal["local", "external"]
    tsa_url: str | None = None

    @classmethod
    def _read(cls, value: object) -> TimestampToken:
        fields = _Fields(value, "timestamp", ("response", "tsa_chain", "trust"), ("tsa_url",))
        response = _b64decode(fields.string("response"))
        if not response:
            raise ReceiptMalformed("timestamp.response is not base64")
        chain = fields.items("tsa_chain", _MAX_CHAIN)
        if not chain:
            raise ReceiptMalformed("timestamp.tsa_chain must hold at least one certificate")
        for position, pem in enumerate(chain):
            if not isinstance(pem, str) or "-----BEGIN CERTIFICATE-----" not in pem:
                raise ReceiptMalformed(f"timestamp.tsa_chain[{position}] is not a PEM certificate")
        trust = fields.choice("trust", TRUST_LEVELS)
        return cls(
            response=response,
            tsa_chain=tuple(chain),
            trust="local" if trust == "local" else "external",
            tsa_url=fields.optional_string("tsa_url", max_length=2000),
        )

    def _dump(self) -> dict[str, Any]:
        return {
            "response": _b64encode(self.response),
            "tsa_chain": list(self.tsa_chain),
            "trust": self.trust,
            "tsa_url": self.tsa_url,
        }


@dataclass(frozen=True)
class ConsistencyProof:
    """A consistency proof from the tree of ``from_size`` leaves to the checkpoint's tree."""

    from_size: int
    proof: tuple[bytes, ...]

    @classmethod
    def _read(cls, value: object, where: str) -> ConsistencyProof:
        fields = _Fields(value, where, ("from_size", "proof"))
        return cls(from_size=fields.integer("from_size"), proof=fields.hashes("proof"))

    def _dump(self) -> dict[str, Any]:
        return {"from_size": self.from_size, "proof": [_b64encode(h) for h in self.proof]}


def _checkpoint_text(fields: _Fields) -> str:
    return fields.string("checkpoint", max_length=100_000)


def _dump_document(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _check_format(document: dict[str, Any], expected: str) -> None:
    value = document.get("format")
    if value != expected:
        shown = repr(value) if isinstance(value, str) and len(value) < 80 else "missing or invalid"
        raise ReceiptMalformed(f"format is {shown}, expected {expected!r}")


# --- the artifacts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """An evidence receipt (``xiufu-evidence-receipt/1``)."""

    subject: Subject
    log: LogKey
    leaf: Leaf
    inclusion_proof: tuple[bytes, ...]
    checkpoint: str
    timestamp: TimestampToken

    format: ClassVar[str] = RECEIPT_FORMAT

    @property
    def checkpoint_bytes(self) -> bytes:
        """The signed note exactly as timestamped (UTF-8)."""
        return self.checkpoint.encode("utf-8")

    def to_json(self) -> str:
        """The receipt file: JSON, two-space indentation, non-ASCII kept, final newline."""
        return _dump_document(
            {
                "format": RECEIPT_FORMAT,
                "subject": self.subject._dump(),
                "log": self.log._dump(),
                "leaf": self.leaf._dump(),
                "inclusion_proof": [_b64encode(h) for h in self.inclusion_proof],
                "checkpoint": self.checkpoint,
                "timestamp": self.timestamp._dump(),
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Receipt:
        """Parse a receipt file; raises :class:`ReceiptMalformed` if it is not well formed."""
        return cls._from_document(_load_document(text))

    @classmethod
    def _from_document(cls, document: dict[str, Any]) -> Receipt:
        _check_format(document, RECEIPT_FORMAT)
        fields = _Fields(
            document,
            "the artifact",
            ("format", "subject", "log", "leaf", "inclusion_proof", "checkpoint", "timestamp"),
        )
        return cls(
            subject=Subject._read(document["subject"]),
            log=LogKey._read(document["log"]),
            leaf=Leaf._read(document["leaf"]),
            inclusion_proof=fields.hashes("inclusion_proof"),
            checkpoint=_checkpoint_text(fields),
            timestamp=TimestampToken._read(document["timestamp"]),
        )


@dataclass(frozen=True)
class CheckpointFile:
    """A checkpoint file (``xiufu-evidence-checkpoint/1``)."""

    log: LogKey
    checkpoint: str
    timestamp: TimestampToken
    consistency: tuple[ConsistencyProof, ...] = ()

    format: ClassVar[str] = CHECKPOINT_FORMAT

    @property
    def checkpoint_bytes(self) -> bytes:
        """The signed note exactly as timestamped (UTF-8)."""
        return self.checkpoint.encode("utf-8")

    def proof_from(self, size: int) -> ConsistencyProof | None:
        """The consistency proof from the tree of ``size`` leaves, if the file carries one."""
        for proof in self.consistency:
            if proof.from_size == size:
                return proof
        return None

    def to_json(self) -> str:
        """The checkpoint file: JSON, two-space indentation, non-ASCII kept, final newline."""
        return _dump_document(
            {
                "format": CHECKPOINT_FORMAT,
                "log": self.log._dump(),
                "checkpoint": self.checkpoint,
                "timestamp": self.timestamp._dump(),
                "consistency": [proof._dump() for proof in self.consistency],
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> CheckpointFile:
        """Parse a checkpoint file; raises :class:`ReceiptMalformed` if it is not well formed."""
        return cls._from_document(_load_document(text))

    @classmethod
    def _from_document(cls, document: dict[str, Any]) -> CheckpointFile:
        _check_format(document, CHECKPOINT_FORMAT)
        fields = _Fields(
            document, "the artifact", ("format", "log", "checkpoint", "timestamp", "consistency")
        )
        proofs = tuple(
            ConsistencyProof._read(item, f"consistency[{position}]")
            for position, item in enumerate(fields.items("consistency", _MAX_CONSISTENCY))
        )
        sizes = [proof.from_size for proof in proofs]
        if len(set(sizes)) != len(sizes):
            raise ReceiptMalformed("consistency lists the same from_size twice")
        return cls(
            log=LogKey._read(document["log"]),
            checkpoint=_checkpoint_text(fields),
            timestamp=TimestampToken._read(document["timestamp"]),
            consistency=proofs,
        )


def load_artifact(text: str | bytes) -> Receipt | CheckpointFile:
    """Parse a receipt or a checkpoint file, whichever its ``format`` says."""
    document = _load_document(text)
    kind = document.get("format")
    if kind == RECEIPT_FORMAT:
        return Receipt._from_document(document)
    if kind == CHECKPOINT_FORMAT:
        return CheckpointFile._from_document(document)
    shown = repr(kind) if isinstance(kind, str) and len(kind) < 80 else "missing or invalid"
    raise ReceiptMalformed(
        f"format is {shown}, expected {RECEIPT_FORMAT!r} or {CHECKPOINT_FORMAT!r}"
    )
