"""Signed notes (https://c2sp.org/signed-note) with Ed25519, and transparency-log checkpoints
(https://c2sp.org/tlog-checkpoint).

A signed note is a UTF-8 text ending in a newline, a blank line, then one or more signature lines
``"— <key name> <base64(key ID || signature)>\\n"`` (em dash U+2014, space, name, space, standard
padded base64). The signature covers the text including its final newline, not the blank line.
The key ID of an Ed25519 key is the first four bytes of
``SHA-256(key name || 0x0A || 0x01 || 32-byte public key)``.

Keys are exchanged in the text encodings of the Go ``golang.org/x/mod/sumdb/note`` package:

* verifier key (public): ``<name>+<hex key ID>+<base64(0x01 || public key)>``;
* signer key (secret): ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || 32-byte seed)>``.

A checkpoint is the note text ``origin\\nsize\\nbase64(root hash)\\n[extension lines]``; sign it
with :func:`sign_note` (``checkpoint.format()``) and read it back with :func:`open_checkpoint`.

Base64 is decoded strictly: only the canonical padded encoding of a value is accepted, so that a
signature or root hash has exactly one textual form.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "ALG_ED25519",
    "MAX_SIGNATURES",
    "AmbiguousKeyError",
    "Checkpoint",
    "InvalidSignatureError",
    "KeyFormatError",
    "MalformedCheckpointError",
    "MalformedNoteError",
    "NoteError",
    "NoteSignature",
    "ParsedNote",
    "Signer",
    "UnknownKeyError",
    "Verifier",
    "is_valid_key_name",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_note",
    "sign_note",
]

#: Signature type identifier byte of Ed25519 (c2sp.org/signed-note, "Signature types").
ALG_ED25519 = 0x01
#: Notes with more signature lines are rejected (the spec requires accepting at least 16; Go's
#: note package, like this module, stops at 100).
MAX_SIGNATURES = 100

_KEY_ID_SIZE = 4
_ED25519_KEY_SIZE = 32
_ED25519_SIGNATURE_SIZE = 64
_SIGNATURE_PREFIX = "— "  # em dash U+2014, space
_PRIVATE_KEY_PREFIX = "PRIVATE+KEY+"
_HEX_KEY_ID = re.compile(r"[0-9a-f]{8}")
_TREE_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")
_MAX_TREE_SIZE = 2**64 - 1


# --- errors --------------------------------------------------------------------------------------


class NoteError(ValueError):
    """A note, key or checkpoint was refused."""


class MalformedNoteError(NoteError):
    """The bytes are not a syntactically valid signed note."""


class KeyFormatError(NoteError):
    """A verifier or signer key string is malformed, of an unknown algorithm or has a wrong ID."""


class UnknownKeyError(NoteError):
    """The note is well formed but no signature comes from a known key.

    ``signatures`` lists the signatures found (none of them verifiable with the keys given).
    """

    def __init__(self, signatures: Sequence[NoteSignature]) -> None:
        self.signatures = list(signatures)
        names = ", ".join(f"{s.name}+{s.key_id.hex()}" for s in self.signatures)
        super().__init__(f"note has no signature from a known key (signed by: {names})")


class InvalidSignatureError(NoteError):
    """A signature line names a known key (name and key ID) but does not verify with it."""

    def __init__(self, name: str, key_id: bytes) -> None:
        self.name = name
        self.key_id = key_id
        super().__init__(f"invalid signature for key {name}+{key_id.hex()}")


class AmbiguousKeyError(NoteError):
    """Two different verifier keys share the name and key ID of a signature."""


class MalformedCheckpointError(NoteError):
    """The note text is not a valid tlog-checkpoint body."""


# --- keys ----------------------------------------------------------------------------------------


def is_valid_key_name(name: object) -> bool:
    """Key names are non-empty and contain no Unicode space, no plus (U+002B) and, since they
    appear in notes, no ASCII control character (c2sp.org/signed-note, "Format")."""
    if not isinstance(name, str) or not name or "+" in name:
        return False
    return not any(ch.isspace() or ch < " " or _is_surrogate(ch) for ch in name)


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    if not is_valid_key_name(name):
        raise KeyFormatError(f"invalid key name {name!r}")
    if not isinstance(public_key, (bytes, bytearray)) or len(public_key) != _ED25519_KEY_SIZE:
        raise KeyFormatError("an Ed25519 public key is 32 bytes")
    return _key_id(name, bytes([ALG_ED25519]) + bytes(public_key))


def _key_id(name: str, encoded_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + encoded_key).digest()[:_KEY_ID_SIZE]


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str) -> bytes | None:
    """Strict standard base64 (RFC 4648 §4, padded, canonical); ``None`` if not."""
    if not text or not text.isascii():
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if _b64encode(data) == text else None


def _parse_key_id(text: str) -> bytes | None:
    return bytes.fromhex(text) if _HEX_KEY_ID.fullmatch(text) else None


@dataclass(frozen=True)
class Verifier:
    """An Ed25519 verifier key: a key name and a 32-byte public key."""

    name: str
    public_key: bytes
    key_id: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.public_key, (bytes, bytearray)):
            raise KeyFormatError("an Ed25519 public key is 32 bytes")
        object.__setattr__(self, "public_key", bytes(self.public_key))
        object.__setattr__(self, "key_id", key_id(self.name, self.public_key))
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key)
        except ValueError as exc:
            raise KeyFormatError("not an Ed25519 public key") from exc

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse ``<name>+<hex key ID>+<base64(0x01 || public key)>``; the key ID must match."""
        parts = vkey.split("+", 2) if isinstance(vkey, str) else []
        if len(parts) != 3:
            raise KeyFormatError("a verifier key is <name>+<key ID>+<key>")
        name, hex_id, encoded = parts
        claimed_id = _parse_key_id(hex_id)
        key = _b64decode(encoded)
        if not is_valid_key_name(name) or claimed_id is None or not key:
            raise KeyFormatError("malformed verifier key")
        if claimed_id != _key_id(name, key):
            raise KeyFormatError("verifier key ID does not match its name and key")
        if key[0] != ALG_ED25519:
            raise KeyFormatError(f"unknown verifier key algorithm {key[0]:#04x}")
        if len(key) != 1 + _ED25519_KEY_SIZE:
            raise KeyFormatError("an Ed25519 public key is 32 bytes")
        return cls(name, key[1:])

    @property
    def vkey(self) -> str:
        """The verifier key string ``<name>+<hex key ID>+<base64(0x01 || public key)>``."""
        encoded = _b64encode(bytes([ALG_ED25519]) + self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's Ed25519 signature of ``message`` (RFC 8032)."""
        if len(signature) != _ED25519_SIGNATURE_SIZE:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Signer:
    """An Ed25519 signer key: a key name and a private key (keep the ``skey`` secret)."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        if not is_valid_key_name(name):
            raise KeyFormatError(f"invalid key name {name!r}")
        self.name = name
        self._private_key = private_key
        public_key = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.verifier = Verifier(name, public_key)

    def __repr__(self) -> str:
        return f"Signer(name={self.name!r}, key_id={self.key_id.hex()!r})"

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A new random key."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Signer:
        """The key of a 32-byte RFC 8032 private key (seed)."""
        if not isinstance(seed, (bytes, bytearray)) or len(seed) != _ED25519_KEY_SIZE:
            raise KeyFormatError("an Ed25519 private key seed is 32 bytes")
        return cls(name, Ed25519PrivateKey.from_private_bytes(bytes(seed)))

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``; the key ID (of the
        derived public key) must match."""
        if not isinstance(skey, str) or not skey.startswith(_PRIVATE_KEY_PREFIX):
            raise KeyFormatError("a signer key starts with PRIVATE+KEY+")
        parts = skey[len(_PRIVATE_KEY_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise KeyFormatError("a signer key is PRIVATE+KEY+<name>+<key ID>+<key>")
        name, hex_id, encoded = parts
        claimed_id = _parse_key_id(hex_id)
        key = _b64decode(encoded)
        if not is_valid_key_name(name) or claimed_id is None or not key:
            raise KeyFormatError("malformed signer key")
        if key[0] != ALG_ED25519:
            raise KeyFormatError(f"unknown signer key algorithm {key[0]:#04x}")
        if len(key) != 1 + _ED25519_KEY_SIZE:
            raise KeyFormatError("an Ed25519 private key seed is 32 bytes")
        signer = cls.from_seed(name, key[1:])
        if signer.key_id != claimed_id:
            raise KeyFormatError("signer key ID does not match its name and key")
        return signer

    @property
    def key_id(self) -> bytes:
        return self.verifier.key_id

    @property
    def vkey(self) -> str:
        """The matching verifier key string, to publish."""
        return self.verifier.vkey

    @property
    def skey(self) -> str:
        """The secret signer key string ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01||seed)>``."""
        seed = self._private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        encoded = _b64encode(bytes([ALG_ED25519]) + seed)
        return f"{_PRIVATE_KEY_PREFIX}{self.name}+{self.key_id.hex()}+{encoded}"

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        return self._private_key.sign(message)


# --- notes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note: key name, 4-byte key ID and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    @property
    def line(self) -> str:
        """The signature line, without its newline."""
        encoded = _b64encode(self.key_id + self.signature)
        return f"{_SIGNATURE_PREFIX}{self.name} {encoded}"


@dataclass(frozen=True)
class ParsedNote:
    """A syntactically valid note whose signatures have not been checked."""

    text: str
    signatures: tuple[NoteSignature, ...]


def _check_characters(text: str, what: str) -> None:
    for ch in text:
        if (ch < " " and ch != "\n") or _is_surrogate(ch):
            raise MalformedNoteError(f"{what} contains a control character {ch!r}")


def parse_note(note: bytes | str) -> ParsedNote:
    """Split a signed note into its text and signature lines, checking only the syntax.

    Raises :class:`MalformedNoteError` unless the note is valid UTF-8 without control characters
    other than newline, and ends with a blank line followed by 1 to ``MAX_SIGNATURES`` well-formed
    signature lines. The text is everything up to and including the newline before the *last*
    blank line (the text itself may contain blank lines).
    """
    if isinstance(note, (bytes, bytearray)):
        try:
            message = bytes(note).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedNoteError("a note must be valid UTF-8") from exc
    elif isinstance(note, str):
        message = note
    else:
        raise MalformedNoteError("a note is bytes or text")
    _check_characters(message, "the note")
    split = message.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("a note needs a blank line before its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block.endswith("\n"):
        raise MalformedNoteError("a note ends with a signature line and a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"a note has at most {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(_SIGNATURE_PREFIX):
            raise MalformedNoteError("a signature line starts with an em dash and a space")
        name, space, encoded = line[len(_SIGNATURE_PREFIX) :].partition(" ")
        raw = _b64decode(encoded) if space else None
        if not is_valid_key_name(name) or raw is None or len(raw) <= _KEY_ID_SIZE:
            raise MalformedNoteError("a signature line is '— <key name> <base64 signature>'")
        signatures.append(NoteSignature(name, raw[:_KEY_ID_SIZE], raw[_KEY_ID_SIZE:]))
    return ParsedNote(text, tuple(signatures))


def _verifier_index(verifiers: Iterable[Verifier]) -> dict[tuple[str, bytes], list[Verifier]]:
    index: dict[tuple[str, bytes], list[Verifier]] = {}
    for verifier in verifiers:
        if not isinstance(verifier, Verifier):
            raise TypeError("verifiers must be Verifier instances")
        known = index.setdefault((verifier.name, verifier.key_id), [])
        if verifier not in known:
            known.append(verifier)
    return index


def open_note(note: bytes | str, verifiers: Iterable[Verifier]) -> tuple[str, list[NoteSignature]]:
    """Verify a signed note; return its text and the signatures that verified.

    Follows c2sp.org/signed-note, "Signatures": signatures from unknown keys (name and key ID not
    both matching a given verifier) are ignored; a signature from a known key must verify, or the
    whole note is refused with :class:`InvalidSignatureError`; if no signature from a known key
    verifies, :class:`UnknownKeyError` is raised. Every signature of a known key is checked, even a
    repeated one; the key is reported once.
    Raises :class:`MalformedNoteError` if the note is not syntactically valid.
    """
    parsed = parse_note(note)
    message = parsed.text.encode("utf-8")
    known = _verifier_index(verifiers)
    verified: list[NoteSignature] = []
    seen: set[tuple[str, bytes]] = set()
    for signature in parsed.signatures:
        key = (signature.name, signature.key_id)
        candidates = known.get(key)
        if not candidates:
            continue
        if len(candidates) > 1:
            raise AmbiguousKeyError(f"ambiguous key {signature.name}+{signature.key_id.hex()}")
        if not candidates[0].verify(message, signature.signature):
            raise InvalidSignatureError(signature.name, signature.key_id)
        if key not in seen:
            seen.add(key)
            verified.append(signature)
    if not verified:
        raise UnknownKeyError(parsed.signatures)
    return parsed.text, verified


def _check_text(text: str) -> None:
    if not text or not text.endswith("\n"):
        raise MalformedNoteError("a note text is non-empty and ends with a newline")
    _check_characters(text, "the note text")


def sign_note(
    text: str | bytes, signer: Signer, *more_signers: Signer, existing: Iterable[NoteSignature] = ()
) -> bytes:
    """Sign ``text`` with one or more keys and return the encoded note (UTF-8 bytes).

    ``existing`` signatures (from :func:`open_note` or :func:`parse_note` of the same text, e.g.
    to add a cosignature) are kept, except those replaced by a new signature of the same key.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedNoteError("a note text must be valid UTF-8") from exc
    _check_text(text)
    message = text.encode("utf-8")
    signers = (signer, *more_signers)
    new_keys = {(s.name, s.key_id) for s in signers}
    kept = [s for s in existing if (s.name, s.key_id) not in new_keys]
    for old in kept:
        if not is_valid_key_name(old.name) or len(old.key_id) != _KEY_ID_SIZE or not old.signature:
            raise MalformedNoteError("an existing signature is malformed")
    lines = [s.line for s in kept]
    for each in signers:
        lines.append(NoteSignature(each.name, each.key_id, each.sign(message)).line)
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"a note has at most {MAX_SIGNATURES} signatures")
    for line in lines:
        _check_characters(line, "a signature line")
    return (text + "\n" + "".join(line + "\n" for line in lines)).encode("utf-8")


# --- checkpoints ---------------------------------------------------------------------------------


def _check_line(value: str, what: str) -> None:
    if not isinstance(value, str) or not value:
        raise MalformedCheckpointError(f"the {what} must be a non-empty line")
    if any(ch < " " or ch == "\x7f" or _is_surrogate(ch) for ch in value):
        raise MalformedCheckpointError(f"the {what} contains a control character")
    if value[-1].isspace():
        raise MalformedCheckpointError(f"the {what} ends with white space")


@dataclass(frozen=True)
class Checkpoint:
    """The body of a transparency-log checkpoint (c2sp.org/tlog-checkpoint).

    ``origin`` identifies the log (non-empty; a schema-less URL such as ``example.com/log`` is
    recommended but not required), ``size`` is the number of leaves, ``root_hash`` the 32-byte
    RFC 9162 root of the tree of that size, and ``extensions`` optional opaque non-empty lines.
    The constructor validates strictly and raises :class:`MalformedCheckpointError`.
    """

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line(self.origin, "origin")
        if self.origin[0].isspace():
            raise MalformedCheckpointError("the origin starts with white space")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise MalformedCheckpointError("the tree size is an integer")
        if not 0 <= self.size <= _MAX_TREE_SIZE:
            raise MalformedCheckpointError("the tree size is an unsigned 64-bit integer")
        if not isinstance(self.root_hash, (bytes, bytearray)) or len(self.root_hash) != 32:
            raise MalformedCheckpointError("the root hash is 32 bytes")
        object.__setattr__(self, "root_hash", bytes(self.root_hash))
        if isinstance(self.extensions, str):
            raise MalformedCheckpointError("extensions are a sequence of lines")
        object.__setattr__(self, "extensions", tuple(self.extensions))
        for extension in self.extensions:
            _check_line(extension, "extension line")

    def format(self) -> str:
        """The note text: origin, size, base64 root hash and extension lines, each ending in a
        newline."""
        lines = [self.origin, str(self.size), _b64encode(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str | bytes) -> Checkpoint:
        """Parse a checkpoint note text (as returned by :func:`open_note`), strictly.

        The text is at least three non-empty lines, each ending in a newline: the origin, the tree
        size in decimal without leading zeros (``0`` for the empty tree), the canonical base64 of a
        32-byte root hash, then optional non-empty extension lines. No line may contain a control
        character or end with white space.
        """
        if isinstance(text, (bytes, bytearray)):
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise MalformedCheckpointError("a checkpoint must be valid UTF-8") from exc
        if not isinstance(text, str) or not text.endswith("\n"):
            raise MalformedCheckpointError("a checkpoint ends with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise MalformedCheckpointError("a checkpoint has an origin, a size and a root hash")
        origin, size_line, hash_line, *extensions = lines
        _check_line(size_line, "tree size")
        if not _TREE_SIZE.fullmatch(size_line):
            raise MalformedCheckpointError("the tree size is a decimal without leading zeros")
        size = int(size_line)
        if size > _MAX_TREE_SIZE:
            raise MalformedCheckpointError("the tree size is an unsigned 64-bit integer")
        root_hash = _b64decode(hash_line)
        if root_hash is None or len(root_hash) != 32:
            raise MalformedCheckpointError("the root hash is the base64 of 32 bytes")
        return cls(origin, size, root_hash, tuple(extensions))


def open_checkpoint(
    note: bytes | str, verifiers: Iterable[Verifier], *, origin: str | None = None
) -> tuple[Checkpoint, list[NoteSignature]]:
    """Verify a signed checkpoint note (see :func:`open_note`) and parse its text.

    If ``origin`` is given, the checkpoint must carry exactly that origin.
    """
    text, signatures = open_note(note, verifiers)
    checkpoint = Checkpoint.parse(text)
    if origin is not None and checkpoint.origin != origin:
        raise MalformedCheckpointError(
            f"checkpoint origin {checkpoint.origin!r} is not the expected {origin!r}"
        )
    return checkpoint, signatures
