"""Offline verification of evidence receipts and checkpoint files (``xiufu verify``).

Pure Python (no Django, no network, no settings). :func:`verify_receipt` checks, in order:

1. **parse** — the receipt is a well-formed ``xiufu-evidence-receipt/1`` (else MALFORMED);
2. **file** — if the file is given, its size and SHA-256 (read in 1 MiB chunks) are the subject's
   (else TAMPERED);
3. **entry** — the log entry is a valid entry, byte for byte in canonical form (so that no two
   texts of one record exist, e.g. with duplicate keys), whose kind, SHA-256, size and media type
   are the subject's (else TAMPERED);
4. **leaf hash** — ``merkle.leaf_hash`` of the entry bytes;
5. **checkpoint** — the signed note verifies with the log key: a pinned key (``trusted_keys``;
   the receipt's key must be one of them, else UNTRUSTED) or, without pins, the receipt's own key.
   No signature by the key is UNTRUSTED, a signature by the key that does not verify is TAMPERED,
   a note that does not parse is MALFORMED, a validly signed checkpoint of another origin than
   the receipt's ``log.origin`` is TAMPERED;
6. **inclusion** — the inclusion proof leads from the leaf hash to the root of the *signed*
   checkpoint, with the *signed* tree size (never a size taken from the receipt or the proof)
   (else TAMPERED);
7. **timestamp** — the RFC 3161 timestamp covers the signed note bytes exactly as in the receipt
   and chains to a trusted root: the pinned ``trusted_tsa_roots_pem`` or, without pins, the
   chain's own self-signed root (malformed → MALFORMED, not matching → TAMPERED, untrusted →
   UNTRUSTED).

The first failing step decides the :class:`Outcome`; the :class:`Verdict` lists the steps done.

What an offline verification proves
-----------------------------------
Without pinned keys (``trusted_keys`` empty, no ``--trusted-key``), the checkpoint is verified
with the key the receipt itself names. That proves *integrity* — the file, the entry, the proof,
the checkpoint and the timestamp are consistent with each other and unaltered since they were
signed — but not *origin*: anyone can make up a key, re-sign a checkpoint with it and put that key
into the receipt, and such a receipt is self-consistent. The verdict therefore says
``"key_trust": "from receipt"``, its reason line says "(key from receipt, not pinned)", and both
print the key's name and ID (``facts["key"]``, ``<name>+<hex key ID>``), to be compared with the
key the platform publishes; pin the published key with ``--trusted-key`` to prove origin.
The same holds for the timestamp: without ``--tsa-root`` the chain's own self-signed root is
trusted (``facts["tsa_root_trust"] == "from receipt"``). A timestamp of ``"local"`` trust comes
from the platform's own timestamping authority and proves nothing against the platform operator;
the verdict always says so.

:func:`verify_consistency_files` checks that a newer checkpoint extends an older one (an older
receipt or checkpoint file): both signatures, then the consistency proof carried by the newer
checkpoint file for the older tree size. Timestamps are not checked there.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, BinaryIO, NoReturn

from cryptography import x509

from xiufu.evidence import merkle, note, tsa
from xiufu.evidence.receipt import (
    CHECKPOINT_FORMAT,
    RECEIPT_FORMAT,
    CheckpointFile,
    EntryInvalid,
    Receipt,
    ReceiptMalformed,
    canonical_entry,
    load_artifact,
    parse_entry,
)

__all__ = [
    "CHUNK_SIZE",
    "Check",
    "Outcome",
    "Verdict",
    "verify_consistency_files",
    "verify_receipt",
]

#: Files are hashed in chunks of this many bytes.
CHUNK_SIZE = 1024 * 1024


class Outcome(IntEnum):
    """The result of a verification; its value is the exit code of ``xiufu verify``."""

    VALID = 0
    TAMPERED = 1
    UNTRUSTED = 2
    MALFORMED = 3


@dataclass(frozen=True)
class Check:
    """One verification step: its name, whether it passed, and what was found."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Verdict:
    """The outcome, a one-line English reason, the steps done and the facts established."""

    outcome: Outcome
    reason: str
    checks: tuple[Check, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def line(self) -> str:
        """``"VALID: …"``, ``"TAMPERED: …"``, ``"UNTRUSTED: …"`` or ``"MALFORMED: …"`` (a reason
        ``"valid: …"`` is not repeated as ``"VALID: valid: …"``)."""
        reason = self.reason.removeprefix(f"{self.outcome.name.lower()}: ")
        return f"{self.outcome.name}: {reason}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.name,
            "exit_code": int(self.outcome),
            "reason": self.reason,
            "checks": [
                {"name": check.name, "ok": check.ok, "detail": check.detail}
                for check in self.checks
            ],
            "facts": dict(self.facts),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


# --- the run of one verification -----------------------------------------------------------------


class _Stop(Exception):
    def __init__(self, outcome: Outcome, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


class _Run:
    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.facts: dict[str, Any] = {}
        self.step = ""

    def begin(self, step: str) -> None:
        self.step = step

    def ok(self, detail: str) -> None:
        self.checks.append(Check(self.step, True, _clean(detail)))

    def fail(self, outcome: Outcome, reason: str) -> NoReturn:
        reason = _clean(reason)
        self.checks.append(Check(self.step, False, reason))
        raise _Stop(outcome, reason)

    def verdict(self, outcome: Outcome, reason: str) -> Verdict:
        return Verdict(outcome, _clean(reason), tuple(self.checks), dict(self.facts))


def _clean(text: str) -> str:
    """One line of printable text: names from certificates and receipts may hold newlines,
    terminal escape sequences or lone surrogates."""
    line = " ".join(text.split())
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in line)


def _short(hex_digest: str) -> str:
    return hex_digest[:16] + "…"


def _one_line(text: object) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= 300 else line[:299] + "…"


def _key_label(verifier: note.Verifier) -> str:
    return f"{verifier.name}+{verifier.key_id.hex()}"


def _trusted_verifiers(run: _Run, trusted_keys: Sequence[str]) -> list[note.Verifier]:
    if isinstance(trusted_keys, str):
        trusted_keys = [trusted_keys]
    verifiers = []
    for position, vkey in enumerate(trusted_keys, 1):
        try:
            verifiers.append(note.Verifier.from_vkey(vkey.strip()))
        except (note.KeyFormatError, AttributeError) as exc:
            run.fail(Outcome.MALFORMED, f"trusted key #{position} is not a verifier key: {exc}")
    return verifiers


def _check_tsa_roots(run: _Run, roots_pem: Sequence[str]) -> list[str]:
    if isinstance(roots_pem, str):
        roots_pem = [roots_pem]
    for position, pem in enumerate(roots_pem, 1):
        try:
            x509.load_pem_x509_certificate(pem.encode("ascii"))
        except (ValueError, TypeError, AttributeError, UnicodeEncodeError):
            run.fail(Outcome.MALFORMED, f"trusted TSA root #{position} is not a PEM certificate")
    return list(roots_pem)


def _log_verifier(
    run: _Run, vkey: str, trusted: Sequence[note.Verifier], what: str = "the receipt"
) -> note.Verifier:
    """The key to check the checkpoint with: the artifact's own key, which must be pinned if any
    key is."""
    verifier = note.Verifier.from_vkey(vkey)  # validated when the artifact was parsed
    run.facts["key"] = _key_label(verifier)
    run.facts["key_name"] = verifier.name
    run.facts["key_id"] = verifier.key_id.hex()
    run.facts["public_key"] = verifier.vkey
    if trusted:
        if verifier not in trusted:
            pinned = ", ".join(_key_label(key) for key in trusted)
            run.fail(
                Outcome.UNTRUSTED,
                f"log key {_key_label(verifier)} named by {what} is not a trusted key ({pinned})",
            )
        run.facts["key_trust"] = "pinned"
    else:
        run.facts["key_trust"] = "from receipt"
    return verifier


def _open_checkpoint(
    run: _Run, text: str, verifier: note.Verifier, origin: str, what: str = "checkpoint"
) -> note.Checkpoint:
    label = _key_label(verifier)
    try:
        checkpoint, _signatures = note.open_checkpoint(text, [verifier], origin=origin)
    except note.MalformedNoteError as exc:
        run.fail(Outcome.MALFORMED, f"{what} is not a signed note: {exc}")
    except note.UnknownKeyError as exc:
        found = ", ".join(f"{s.name}+{s.key_id.hex()}" for s in exc.signatures) or "nobody"
        run.fail(Outcome.UNTRUSTED, f"{what} is not signed by {label} (signed by {found})")
    except note.InvalidSignatureError:
        run.fail(Outcome.TAMPERED, f"{what} signature by {label} does not verify")
    except note.MalformedCheckpointError as exc:
        # The signature verified, so the text is as the log signed it.
        try:
            body = note.Checkpoint.parse(note.parse_note(text).text)
        except note.NoteError:
            run.fail(Outcome.MALFORMED, f"{what} body is not a checkpoint: {exc}")
        run.fail(
            Outcome.TAMPERED,
            f"{what} is of log {body.origin!r}, not of the log {origin!r} named with it",
        )
    except note.NoteError as exc:
        run.fail(Outcome.MALFORMED, f"{what} could not be opened: {exc}")
    return checkpoint


def _describe_checkpoint(checkpoint: note.Checkpoint, verifier: note.Verifier) -> str:
    return (
        f"tree size {checkpoint.size}, root {_short(checkpoint.root_hash.hex())}, "
        f"signed by {_key_label(verifier)}"
    )


def _inclusion_proof_length(index: int, size: int) -> int:
    """The number of hashes in PATH(index, D[size]) (RFC 9162 §2.1.3.1)."""
    length = 0
    while size > 1:
        split = 1 << ((size - 1).bit_length() - 1)
        if index < split:
            size = split
        else:
            index -= split
            size -= split
        length += 1
    return length


# --- receipts ------------------------------------------------------------------------------------


def _hash_file(run: _Run, file: BinaryIO | bytes | bytearray | memoryview) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    stream: Any = io.BytesIO(file) if isinstance(file, (bytes, bytearray, memoryview)) else file
    try:
        while True:
            chunk = stream.read(CHUNK_SIZE)
            if not chunk:
                break
            if not isinstance(chunk, (bytes, bytearray, memoryview)):
                run.fail(Outcome.MALFORMED, "the file must be opened in binary mode")
            digest.update(chunk)
            size += len(chunk)
    except OSError as exc:
        run.fail(Outcome.MALFORMED, f"cannot read the file: {exc.strerror or exc}")
    return digest.hexdigest(), size


def _check_file(run: _Run, receipt: Receipt, file: Any) -> None:
    run.begin("file")
    if file is None:
        run.ok("no file given: only the receipt was checked")
        return
    sha256, size = _hash_file(run, file)
    run.facts["file_sha256"] = sha256
    run.facts["file_size"] = size
    subject = receipt.subject
    if sha256 != subject.sha256:
        sizes = f"size {size} bytes, expected {subject.size}; " if size != subject.size else ""
        run.fail(
            Outcome.TAMPERED,
            f"file does not match: {sizes}sha256 {_short(sha256)} expected "
            f"{_short(subject.sha256)}",
        )
    if size != subject.size:  # the same SHA-256 and another size: not SHA-256 as we know it
        run.fail(Outcome.TAMPERED, f"file does not match: size {size}, expected {subject.size}")
    run.ok(f"sha256 {sha256}, {size} bytes")


def _check_entry(run: _Run, receipt: Receipt) -> None:
    run.begin("entry")
    try:
        record = parse_entry(receipt.leaf.entry)
        canonical = canonical_entry(record)
    except EntryInvalid as exc:
        run.fail(Outcome.TAMPERED, f"log entry is invalid: {exc.reason}")
    if canonical != receipt.leaf.entry_bytes:
        run.fail(Outcome.TAMPERED, "log entry is not in canonical form")
    subject = receipt.subject
    for key, expected in (
        ("kind", subject.kind),
        ("sha256", subject.sha256),
        ("size", subject.size),
        ("media_type", subject.media_type),
    ):
        if record[key] != expected:
            found, wanted = record[key], expected
            if key == "sha256":
                found, wanted = _short(str(found)), _short(str(wanted))
            run.fail(
                Outcome.TAMPERED,
                f"log entry does not match the subject: {key} {found} expected {wanted}",
            )
    run.facts["kind"] = record["kind"]
    run.facts["subject_sha256"] = record["sha256"]
    run.facts["received_at"] = record["received_at"]
    run.ok(f"{record['kind']} {_short(record['sha256'])} received {record['received_at']}")


def _check_timestamp(
    run: _Run,
    token_response: bytes,
    chain: Sequence[str],
    trust: str,
    tsa_url: str | None,
    data: bytes,
    trusted_roots: Sequence[str],
) -> tsa.TimestampVerdict:
    run.begin("timestamp")
    run.facts["timestamp_trust"] = trust
    run.facts["tsa_url"] = tsa_url
    run.facts["tsa_root_trust"] = "pinned" if trusted_roots else "from receipt"
    try:
        stamp = tsa.verify_timestamp(
            token_response, data, list(chain), trusted_roots_pem=list(trusted_roots) or None
        )
    except tsa.TimestampInvalid as exc:
        detail = _one_line(exc)
        if "imprint does not match" in detail:  # the timestamp is of other bytes
            run.fail(Outcome.TAMPERED, "timestamp imprint does not match the checkpoint")
        run.fail(Outcome.TAMPERED, f"timestamp does not verify: {detail}")
    except tsa.TimestampUntrusted as exc:
        run.fail(Outcome.UNTRUSTED, f"timestamp is not from a trusted authority: {_one_line(exc)}")
    except (tsa.TimestampError, ValueError, TypeError) as exc:
        run.fail(Outcome.MALFORMED, f"timestamp is malformed: {_one_line(exc)}")
    gen_time = stamp.gen_time.isoformat().replace("+00:00", "Z")
    run.facts["gen_time"] = gen_time
    run.facts["tsa_name"] = stamp.tsa_name
    run.facts["tsa_serial_number"] = str(stamp.serial_number)
    run.facts["tsa_policy"] = stamp.policy_oid
    run.ok(f"{gen_time} by {stamp.tsa_name} ({trust} trust)")
    return stamp


def verify_receipt(
    receipt_text: bytes | str,
    file: BinaryIO | bytes | None = None,
    *,
    trusted_keys: Sequence[str] = (),
    trusted_tsa_roots_pem: Sequence[str] = (),
) -> Verdict:
    """Verify an evidence receipt, and the file it is about if given (see the module docstring).

    ``trusted_keys`` are C2SP verifier key strings to pin the log key; ``trusted_tsa_roots_pem``
    PEM certificates to pin the timestamping authority's root. Never raises on bad input.
    """
    run = _Run()
    try:
        return _verify_receipt(run, receipt_text, file, trusted_keys, trusted_tsa_roots_pem)
    except _Stop as stop:
        return run.verdict(stop.outcome, stop.reason)


def _verify_receipt(
    run: _Run,
    receipt_text: bytes | str,
    file: Any,
    trusted_keys: Sequence[str],
    trusted_tsa_roots_pem: Sequence[str],
) -> Verdict:
    run.begin("parse")
    trusted = _trusted_verifiers(run, trusted_keys)
    trusted_roots = _check_tsa_roots(run, trusted_tsa_roots_pem)
    try:
        artifact = load_artifact(receipt_text)
    except ReceiptMalformed as exc:
        run.fail(Outcome.MALFORMED, f"not a valid receipt: {exc.reason}")
    if isinstance(artifact, CheckpointFile):
        run.fail(
            Outcome.MALFORMED,
            f"this is a checkpoint file ({CHECKPOINT_FORMAT}), not a receipt: "
            "check it with --consistency",
        )
    receipt = artifact
    run.facts["leaf_index"] = receipt.leaf.index
    run.facts["origin"] = receipt.log.origin
    run.ok(f"{RECEIPT_FORMAT}: {receipt.subject.kind} {_short(receipt.subject.sha256)}")

    _check_file(run, receipt, file)
    _check_entry(run, receipt)

    run.begin("leaf hash")
    leaf_hash = merkle.leaf_hash(receipt.leaf.entry_bytes)
    run.facts["leaf_hash"] = leaf_hash.hex()
    run.ok(leaf_hash.hex())

    run.begin("checkpoint")
    verifier = _log_verifier(run, receipt.log.public_key, trusted)
    checkpoint = _open_checkpoint(run, receipt.checkpoint, verifier, receipt.log.origin)
    run.facts["tree_size"] = checkpoint.size
    run.facts["root"] = checkpoint.root_hash.hex()
    run.ok(_describe_checkpoint(checkpoint, verifier))

    run.begin("inclusion")
    index, size = receipt.leaf.index, checkpoint.size
    if index >= size:
        run.fail(Outcome.TAMPERED, f"leaf index {index} is not in the signed tree of size {size}")
    proof = receipt.inclusion_proof
    if not merkle.verify_inclusion(index, size, leaf_hash, proof, checkpoint.root_hash):
        expected = _inclusion_proof_length(index, size)
        hint = (
            f" (the proof has {len(proof)} hashes; a proof of entry {index} in a tree of size "
            f"{size} has {expected})"
            if len(proof) != expected
            else ""
        )
        run.fail(
            Outcome.TAMPERED,
            f"inclusion proof does not lead to the signed root of tree size {size}{hint}",
        )
    run.ok(f"entry {index} of tree size {size}, {len(proof)} proof hashes")

    token = receipt.timestamp
    stamp = _check_timestamp(
        run,
        token.response,
        token.tsa_chain,
        token.trust,
        token.tsa_url,
        receipt.checkpoint_bytes,
        trusted_roots,
    )

    key_note = "" if trusted else " (key from receipt, not pinned)"
    file_note = "" if file is not None else " (file not checked)"
    return run.verdict(
        Outcome.VALID,
        f"valid: entry {index} of tree {size} signed by {_key_label(verifier)}{key_note} "
        f"timestamped {run.facts['gen_time']} by {stamp.tsa_name} ({token.trust} trust)"
        f"{file_note}",
    )


# --- consistency ---------------------------------------------------------------------------------


def verify_consistency_files(
    old_text: bytes | str, new_text: bytes | str, *, trusted_keys: Sequence[str] = ()
) -> Verdict:
    """Verify that the checkpoint of ``new_text`` (a checkpoint file) extends the one of
    ``old_text`` (a receipt or a checkpoint file) — the log only grew in between.

    Both checkpoints must be signed by the same log key (pinned by ``trusted_keys`` or, without
    pins, the older artifact's key) and carry the same origin. ``new_text`` must hold a
    consistency proof from the older tree size (download it with ``?from=<old size>``). Never
    raises on bad input.
    """
    run = _Run()
    try:
        return _verify_consistency(run, old_text, new_text, trusted_keys)
    except _Stop as stop:
        return run.verdict(stop.outcome, stop.reason)


def _verify_consistency(
    run: _Run, old_text: bytes | str, new_text: bytes | str, trusted_keys: Sequence[str]
) -> Verdict:
    run.begin("parse")
    trusted = _trusted_verifiers(run, trusted_keys)
    try:
        old = load_artifact(old_text)
    except ReceiptMalformed as exc:
        run.fail(Outcome.MALFORMED, f"the older artifact is not valid: {exc.reason}")
    try:
        new = load_artifact(new_text)
    except ReceiptMalformed as exc:
        run.fail(Outcome.MALFORMED, f"the newer artifact is not valid: {exc.reason}")
    if not isinstance(new, CheckpointFile):
        run.fail(
            Outcome.MALFORMED,
            f"the newer artifact must be a checkpoint file ({CHECKPOINT_FORMAT}), not a receipt",
        )
    run.facts["origin"] = old.log.origin
    run.ok(f"older: {old.format}, newer: {new.format}")

    run.begin("log key")
    verifier = _log_verifier(run, old.log.public_key, trusted, "the older artifact")
    new_verifier = note.Verifier.from_vkey(new.log.public_key)
    if new_verifier != verifier:
        run.fail(
            Outcome.UNTRUSTED,
            f"the two artifacts name different log keys: {_key_label(verifier)} and "
            f"{_key_label(new_verifier)}",
        )
    if new.log.origin != old.log.origin:
        run.fail(
            Outcome.UNTRUSTED,
            f"the two artifacts are of different logs: {old.log.origin!r} and {new.log.origin!r}",
        )
    run.ok(f"{_key_label(verifier)} ({run.facts['key_trust']})")

    run.begin("older checkpoint")
    old_checkpoint = _open_checkpoint(
        run, old.checkpoint, verifier, old.log.origin, "older checkpoint"
    )
    run.facts["old_size"] = old_checkpoint.size
    run.facts["old_root"] = old_checkpoint.root_hash.hex()
    run.ok(_describe_checkpoint(old_checkpoint, verifier))

    run.begin("newer checkpoint")
    new_checkpoint = _open_checkpoint(
        run, new.checkpoint, verifier, old.log.origin, "newer checkpoint"
    )
    run.facts["new_size"] = new_checkpoint.size
    run.facts["new_root"] = new_checkpoint.root_hash.hex()
    run.ok(_describe_checkpoint(new_checkpoint, verifier))

    run.begin("consistency")
    old_size, new_size = old_checkpoint.size, new_checkpoint.size
    old_root, new_root = old_checkpoint.root_hash, new_checkpoint.root_hash
    if old_size > new_size:
        run.fail(
            Outcome.TAMPERED,
            f"the newer checkpoint is smaller: tree size {new_size} after {old_size}",
        )
    if old_size == new_size:
        if old_root != new_root:
            run.fail(
                Outcome.TAMPERED,
                f"two different roots signed for tree size {old_size}: "
                f"{_short(old_root.hex())} and {_short(new_root.hex())}",
            )
        run.ok(f"the same tree of size {old_size}")
    else:
        entry = new.proof_from(old_size)
        if entry is None and old_size != 0:
            carried = ", ".join(str(p.from_size) for p in new.consistency) or "none"
            run.fail(
                Outcome.MALFORMED,
                f"the newer checkpoint file has no consistency proof from tree size {old_size} "
                f"(it has: {carried}); download it with ?from={old_size}",
            )
        proof = entry.proof if entry is not None else ()
        if not merkle.verify_consistency(old_size, new_size, old_root, new_root, proof):
            run.fail(
                Outcome.TAMPERED,
                f"consistency proof does not show tree size {old_size} as a prefix of tree "
                f"size {new_size}",
            )
        run.ok(f"tree size {old_size} is a prefix of tree size {new_size}")

    key_note = "" if trusted else " (key from the older artifact, not pinned)"
    return run.verdict(
        Outcome.VALID,
        f"valid: tree {old_size} (root {_short(old_root.hex())}) is a prefix of tree "
        f"{new_size} (root {_short(new_root.hex())}), both signed by "
        f"{_key_label(verifier)}{key_note}",
    )
