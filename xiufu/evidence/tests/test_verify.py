"""Offline verification of receipts and checkpoint files, and ``xiufu verify``.

Real receipts are built from an in-memory log: canonical entries, RFC 9162 proofs, a checkpoint
signed with a fresh Ed25519 key and timestamped by a freshly generated local TSA. Pure tests (no
database); the command-line tests start processes and are marked slow.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiufu.evidence import merkle
from xiufu.evidence.note import Checkpoint, NoteSignature, Signer, parse_note, sign_note
from xiufu.evidence.receipt import (
    CheckpointFile,
    ConsistencyProof,
    Leaf,
    LogKey,
    Receipt,
    Subject,
    TimestampToken,
    canonical_entry,
)
from xiufu.evidence.tsa import LocalTsa, request_timestamp
from xiufu.evidence.verify import (
    Outcome,
    Verdict,
    verify_consistency_files,
    verify_receipt,
)

ORIGIN = "xiufu.test/log"
SIGNER = Signer.generate(ORIGIN)
OTHER_SIGNER = Signer.generate(ORIGIN)  # the same name, another key: another key ID
TSA = LocalTsa.generate("xiufu test TSA")
OTHER_TSA = LocalTsa.generate("another TSA")
MAX_LEAVES = 160
REPO = Path(__file__).resolve().parents[3]

VALID, TAMPERED, UNTRUSTED, MALFORMED = (
    Outcome.VALID,
    Outcome.TAMPERED,
    Outcome.UNTRUSTED,
    Outcome.MALFORMED,
)


def content(n: int) -> bytes:
    return f"材料 {n} — %PDF-1.7 ".encode() * (n % 5 + 1)


def record(n: int) -> dict:
    data = content(n)
    return {
        "v": 1,
        "kind": "letter" if n % 3 == 2 else "material",
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "media_type": "application/pdf",
        "case_ref": hashlib.sha256(f"case {n // 4}".encode()).hexdigest(),
        "received_at": f"2026-11-30T07:{n % 60:02d}:38Z",
    }


ENTRIES = [canonical_entry(record(n)) for n in range(MAX_LEAVES)]
LEAF_HASHES = [merkle.leaf_hash(entry) for entry in ENTRIES]
TREE = merkle.MerkleTree.from_leaf_hashes(LEAF_HASHES)


def signed_checkpoint(
    size: int, *signers: Signer, origin: str = ORIGIN, root: bytes | None = None
) -> str:
    body = Checkpoint(origin, size, TREE.root(size) if root is None else root).format()
    return sign_note(body, *(signers or (SIGNER,))).decode("utf-8")


@functools.cache
def timestamp_of(note: str, tsa: LocalTsa = TSA) -> TimestampToken:
    stamp = request_timestamp(note.encode("utf-8"), local=tsa)
    assert stamp.trust == "local"
    return TimestampToken(stamp.response_der, tuple(stamp.chain_pem), "local", stamp.tsa_url)


def make_receipt(
    index: int,
    size: int,
    *,
    note: str | None = None,
    public_key: str | None = None,
    proof: tuple[bytes, ...] | None = None,
) -> Receipt:
    note = signed_checkpoint(size) if note is None else note
    data = content(index)
    return Receipt(
        subject=Subject(
            kind=record(index)["kind"],
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            media_type="application/pdf",
            label=f"材料 #{index} of case X",
        ),
        log=LogKey(ORIGIN, SIGNER.vkey if public_key is None else public_key),
        leaf=Leaf(index, ENTRIES[index].decode("utf-8")),
        inclusion_proof=tuple(TREE.inclusion_proof(index, size)) if proof is None else proof,
        checkpoint=note,
        timestamp=timestamp_of(note),
    )


def make_checkpoint_file(size: int, from_sizes: tuple[int, ...] = ()) -> CheckpointFile:
    note = signed_checkpoint(size)
    return CheckpointFile(
        log=LogKey(ORIGIN, SIGNER.vkey),
        checkpoint=note,
        timestamp=timestamp_of(note),
        consistency=tuple(
            ConsistencyProof(old, tuple(TREE.consistency_proof(old, size))) for old in from_sizes
        ),
    )


def verify(receipt: Receipt | str | bytes, file: object = None, **kwargs: object) -> Verdict:
    text = receipt.to_json() if isinstance(receipt, Receipt) else receipt
    verdict = verify_receipt(text, file, **kwargs)  # type: ignore[arg-type]
    assert "\n" not in verdict.reason
    assert verdict.checks
    assert all(check.ok for check in verdict.checks[:-1])
    assert verdict.checks[-1].ok is (verdict.outcome == VALID)
    return verdict


def flip(data: bytes, position: int, mask: int = 1) -> bytes:
    return data[:position] + bytes([data[position] ^ mask]) + data[position + 1 :]


def replace_char(text: str, position: int, new: str) -> str:
    return text[:position] + new + text[position + 1 :]


RECEIPT = make_receipt(5, 12)
BAD_SIGNATURE = f"checkpoint signature by {ORIGIN}+{SIGNER.key_id.hex()} does not verify"
FILE = content(5)


# --- valid receipts ------------------------------------------------------------------------------


def test_a_valid_receipt_with_its_file():
    verdict = verify(RECEIPT, FILE)
    assert verdict.outcome == VALID
    assert verdict.reason.startswith(
        f"valid: entry 5 of tree 12 signed by {ORIGIN}+{SIGNER.key_id.hex()} "
        "(key from receipt, not pinned) timestamped 20"
    )
    assert verdict.reason.endswith("by CN=xiufu test TSA,O=local trust (local trust)")
    assert verdict.line == "VALID: " + verdict.reason.removeprefix("valid: ")
    assert [check.name for check in verdict.checks] == [
        "parse",
        "file",
        "entry",
        "leaf hash",
        "checkpoint",
        "inclusion",
        "timestamp",
    ]
    facts = verdict.facts
    assert facts["leaf_index"] == 5
    assert facts["tree_size"] == 12
    assert facts["root"] == TREE.root(12).hex()
    assert facts["leaf_hash"] == LEAF_HASHES[5].hex()
    assert facts["key"] == f"{ORIGIN}+{SIGNER.key_id.hex()}"
    assert (facts["key_name"], facts["key_id"]) == (ORIGIN, SIGNER.key_id.hex())
    assert facts["key_trust"] == "from receipt"
    assert facts["file_sha256"] == hashlib.sha256(FILE).hexdigest()
    assert facts["file_size"] == len(FILE)
    assert facts["timestamp_trust"] == "local"
    assert facts["tsa_root_trust"] == "from receipt"
    assert facts["tsa_name"] == "CN=xiufu test TSA,O=local trust"
    assert facts["gen_time"].endswith("Z")
    json.loads(verdict.to_json())


def test_a_valid_receipt_without_its_file():
    verdict = verify(RECEIPT)
    assert verdict.outcome == VALID
    assert verdict.reason.endswith("(local trust) (file not checked)")
    assert verdict.checks[1].detail == "no file given: only the receipt was checked"
    assert "file_sha256" not in verdict.facts


def test_the_file_may_be_a_stream_and_is_read_in_chunks():
    class Chunks(io.BytesIO):
        sizes: list[int] = []

        def read(self, size: int | None = -1) -> bytes:
            self.sizes.append(size or -1)
            return super().read(size)

    big = b"x" * (3 * 1024 * 1024 + 5)
    receipt = dataclasses.replace(
        RECEIPT,
        subject=dataclasses.replace(
            RECEIPT.subject, sha256=hashlib.sha256(big).hexdigest(), size=len(big)
        ),
    )
    stream = Chunks(big)
    verdict = verify(receipt, stream)
    assert verdict.outcome == TAMPERED  # the file matches, the entry (of another file) does not
    assert verdict.checks[1].ok
    assert verdict.reason.startswith("log entry does not match the subject: sha256")
    assert set(stream.sizes) == {1024 * 1024}
    assert verify(RECEIPT, io.BytesIO(FILE)).outcome == VALID
    assert verify(RECEIPT.to_json().encode(), bytearray(FILE)).outcome == VALID


def test_pinned_keys_and_roots():
    verdict = verify(
        RECEIPT,
        FILE,
        trusted_keys=[OTHER_SIGNER.vkey, SIGNER.vkey],
        trusted_tsa_roots_pem=[TSA.root_cert_pem],
    )
    assert verdict.outcome == VALID
    assert verdict.facts["key_trust"] == "pinned"
    assert verdict.facts["tsa_root_trust"] == "pinned"
    assert "not pinned" not in verdict.reason


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_trees_and_indices_are_valid(data):
    size = data.draw(st.integers(1, MAX_LEAVES), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    verdict = verify(make_receipt(index, size), content(index))
    assert verdict.outcome == VALID, verdict.reason
    assert verdict.facts["tree_size"] == size


def test_an_external_timestamp_is_shown_as_such():
    receipt = dataclasses.replace(
        RECEIPT,
        timestamp=dataclasses.replace(RECEIPT.timestamp, trust="external", tsa_url="https://t/"),
    )
    verdict = verify(receipt)
    assert verdict.outcome == VALID
    assert "(external trust)" in verdict.reason
    assert verdict.facts["timestamp_trust"] == "external"
    assert verdict.facts["tsa_url"] == "https://t/"


# --- the file ------------------------------------------------------------------------------------


@settings(max_examples=60)
@given(st.data())
def test_flipping_any_byte_of_the_file_is_tampering(data):
    position = data.draw(st.integers(0, len(FILE) - 1))
    mask = data.draw(st.integers(1, 255))
    verdict = verify(RECEIPT, flip(FILE, position, mask))
    assert verdict.outcome == TAMPERED
    sha = hashlib.sha256(flip(FILE, position, mask)).hexdigest()
    assert verdict.reason == (
        f"file does not match: sha256 {sha[:16]}… expected {RECEIPT.subject.sha256[:16]}…"
    )


def test_a_shorter_or_longer_file_is_tampering():
    for other in (FILE[:-1], FILE + b"\n", b""):
        verdict = verify(RECEIPT, other)
        assert verdict.outcome == TAMPERED
        assert verdict.reason.startswith(
            f"file does not match: size {len(other)} bytes, expected {len(FILE)}; sha256 "
        )


def test_an_unreadable_file_is_malformed():
    class Broken(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise OSError(5, "Input/output error")

    verdict = verify(RECEIPT, Broken())
    assert verdict.outcome == MALFORMED
    assert verdict.reason == "cannot read the file: Input/output error"


# --- the entry -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "material" if record(5)["kind"] == "letter" else "letter"),
        ("sha256", "0" * 64),
        ("size", 1),
        ("media_type", "image/png"),
    ],
)
def test_an_entry_that_does_not_match_the_subject_is_tampering(field, value):
    receipt = dataclasses.replace(
        RECEIPT, subject=dataclasses.replace(RECEIPT.subject, **{field: value})
    )
    verdict = verify(receipt)
    assert verdict.outcome == TAMPERED
    assert verdict.reason.startswith(f"log entry does not match the subject: {field} ")


def test_an_entry_not_in_canonical_form_is_tampering():
    pretty = json.dumps(record(5), indent=1)
    receipt = dataclasses.replace(RECEIPT, leaf=Leaf(5, pretty))
    verdict = verify(receipt)
    assert verdict.outcome == TAMPERED
    assert verdict.reason == "log entry is not in canonical form"


def test_an_invalid_entry_is_tampering():
    receipt = dataclasses.replace(RECEIPT, leaf=Leaf(5, '{"v":1}'))
    verdict = verify(receipt)
    assert verdict.outcome == TAMPERED
    assert verdict.reason.startswith("log entry is invalid: entry lacks ")


def test_another_entry_of_the_log_is_caught_by_the_proof():
    receipt = make_receipt(4, 12)
    receipt = dataclasses.replace(
        receipt, leaf=Leaf(5, ENTRIES[5].decode()), subject=RECEIPT.subject
    )
    verdict = verify(receipt, FILE)
    assert verdict.outcome == TAMPERED
    assert verdict.reason.startswith("inclusion proof does not lead to the signed root")


# --- the inclusion proof -------------------------------------------------------------------------


@settings(max_examples=80)
@given(st.data())
def test_flipping_any_proof_hash_byte_is_tampering(data):
    proof = list(RECEIPT.inclusion_proof)
    which = data.draw(st.integers(0, len(proof) - 1))
    position = data.draw(st.integers(0, 31))
    mask = data.draw(st.integers(1, 255))
    proof[which] = flip(proof[which], position, mask)
    verdict = verify(dataclasses.replace(RECEIPT, inclusion_proof=tuple(proof)))
    assert verdict.outcome == TAMPERED
    assert verdict.reason == "inclusion proof does not lead to the signed root of tree size 12"


def test_a_shortened_or_extended_proof_is_tampering():
    for proof in (RECEIPT.inclusion_proof[:-1], (*RECEIPT.inclusion_proof, bytes(32)), ()):
        verdict = verify(dataclasses.replace(RECEIPT, inclusion_proof=proof))
        assert verdict.outcome == TAMPERED
        assert verdict.reason == (
            "inclusion proof does not lead to the signed root of tree size 12 "
            f"(the proof has {len(proof)} hashes; a proof of entry 5 in a tree of size 12 has 4)"
        )


@pytest.mark.parametrize("index", [12, 13, 2**64 - 1])
def test_an_index_outside_the_signed_tree_is_tampering(index):
    receipt = dataclasses.replace(RECEIPT, leaf=dataclasses.replace(RECEIPT.leaf, index=index))
    verdict = verify(receipt)
    assert verdict.outcome == TAMPERED
    assert verdict.reason == f"leaf index {index} is not in the signed tree of size 12"


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_a_proof_for_another_tree_size_is_tampering(data):
    size = data.draw(st.integers(3, MAX_LEAVES), label="checkpoint size")
    proof_size = data.draw(
        st.integers(2, MAX_LEAVES).filter(lambda n: n != size), label="proof size"
    )
    index = data.draw(st.integers(0, min(size, proof_size) - 1), label="index")
    proof = tuple(TREE.inclusion_proof(index, proof_size))
    verdict = verify(make_receipt(index, size, proof=proof))
    assert verdict.outcome == TAMPERED
    assert verdict.reason.startswith(
        f"inclusion proof does not lead to the signed root of tree size {size}"
    )


# --- the checkpoint ------------------------------------------------------------------------------


BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _line_span(note: str, line: int) -> tuple[int, int]:
    start = 0
    for _ in range(line):
        start = note.index("\n", start) + 1
    return start, note.index("\n", start)


@settings(max_examples=60)
@given(st.data())
def test_changing_the_size_or_root_line_is_tampering(data):
    line = data.draw(st.sampled_from([1, 2]), label="line")  # size, root hash
    start, end = _line_span(RECEIPT.checkpoint, line)
    position = data.draw(st.integers(start, end - 1), label="position")
    alphabet = "0123456789" if line == 1 else BASE64_ALPHABET
    new = data.draw(st.sampled_from(alphabet).filter(lambda c: c != RECEIPT.checkpoint[position]))
    note = replace_char(RECEIPT.checkpoint, position, new)
    verdict = verify(dataclasses.replace(RECEIPT, checkpoint=note))
    assert verdict.outcome == TAMPERED
    assert verdict.reason == BAD_SIGNATURE


def test_a_checkpoint_with_a_broken_size_line_is_never_valid():
    start, end = _line_span(RECEIPT.checkpoint, 1)
    for new in ("\x00", "", "-1", " 12", "012"):
        note = RECEIPT.checkpoint[:start] + new + RECEIPT.checkpoint[end:]
        verdict = verify(dataclasses.replace(RECEIPT, checkpoint=note))
        assert verdict.outcome in (TAMPERED, MALFORMED)
        if "\x00" in new:
            assert verdict.outcome == MALFORMED
            assert verdict.reason.startswith("checkpoint is not a signed note:")
        else:
            assert verdict.outcome == TAMPERED  # the signature is checked before the body


@settings(max_examples=200)
@given(st.data())
def test_changing_any_character_of_the_checkpoint_is_never_valid(data):
    note = RECEIPT.checkpoint
    position = data.draw(st.integers(0, len(note) - 1))
    new = data.draw(st.characters(exclude_categories=["Cs"]).filter(lambda c: c != note[position]))
    verdict = verify(dataclasses.replace(RECEIPT, checkpoint=replace_char(note, position, new)))
    assert verdict.outcome != VALID
    assert verdict.checks[-1].name == "checkpoint"


def _resign(note: str, signature: NoteSignature) -> str:
    parsed = parse_note(note)
    return parsed.text + "\n" + signature.line + "\n"


@settings(max_examples=60)
@given(st.data())
def test_flipping_a_signature_byte_is_tampering(data):
    (signature,) = parse_note(RECEIPT.checkpoint).signatures
    position = data.draw(st.integers(0, len(signature.signature) - 1))
    mask = data.draw(st.integers(1, 255))
    forged = dataclasses.replace(signature, signature=flip(signature.signature, position, mask))
    verdict = verify(dataclasses.replace(RECEIPT, checkpoint=_resign(RECEIPT.checkpoint, forged)))
    assert verdict.outcome == TAMPERED
    assert verdict.reason == BAD_SIGNATURE


def test_flipping_a_key_id_byte_is_an_unknown_key():
    (signature,) = parse_note(RECEIPT.checkpoint).signatures
    forged = dataclasses.replace(signature, key_id=flip(signature.key_id, 0))
    verdict = verify(dataclasses.replace(RECEIPT, checkpoint=_resign(RECEIPT.checkpoint, forged)))
    assert verdict.outcome == UNTRUSTED
    assert verdict.reason.startswith(f"checkpoint is not signed by {ORIGIN}+{SIGNER.key_id.hex()}")


def test_a_checkpoint_resigned_with_another_key():
    note = signed_checkpoint(12, OTHER_SIGNER)
    other_label = f"{ORIGIN}+{OTHER_SIGNER.key_id.hex()}"

    # The receipt still names the log's key: nobody it knows signed the checkpoint.
    receipt = make_receipt(5, 12, note=note)
    verdict = verify(receipt, FILE)
    assert verdict.outcome == UNTRUSTED
    assert verdict.reason == (
        f"checkpoint is not signed by {ORIGIN}+{SIGNER.key_id.hex()} (signed by {other_label})"
    )
    assert verify(receipt, FILE, trusted_keys=[SIGNER.vkey]).outcome == UNTRUSTED

    # The key swapped too: self-consistent. Without a pin that proves integrity, not origin; the
    # verdict names the key so that it can be compared with the published one.
    swapped = make_receipt(5, 12, note=note, public_key=OTHER_SIGNER.vkey)
    verdict = verify(swapped, FILE)
    assert verdict.outcome == VALID
    assert verdict.facts["key"] == other_label != f"{ORIGIN}+{SIGNER.key_id.hex()}"
    assert verdict.facts["key_trust"] == "from receipt"
    assert f"signed by {other_label} (key from receipt, not pinned)" in verdict.reason

    # Pinned, the swap is caught.
    verdict = verify(swapped, FILE, trusted_keys=[SIGNER.vkey])
    assert verdict.outcome == UNTRUSTED
    assert verdict.reason.startswith(f"log key {other_label} named by the receipt is not a trusted")


def test_a_cosigned_checkpoint_verifies_with_either_key():
    note = signed_checkpoint(12, OTHER_SIGNER, SIGNER)
    assert verify(make_receipt(5, 12, note=note), trusted_keys=[SIGNER.vkey]).outcome == VALID
    receipt = make_receipt(5, 12, note=note, public_key=OTHER_SIGNER.vkey)
    assert verify(receipt, trusted_keys=[OTHER_SIGNER.vkey]).outcome == VALID


def test_a_checkpoint_of_another_origin_is_tampering():
    receipt = dataclasses.replace(RECEIPT, log=LogKey("xiufu.other/log", SIGNER.vkey))
    verdict = verify(receipt)
    assert verdict.outcome == TAMPERED
    assert verdict.reason == (
        "checkpoint is of log 'xiufu.test/log', not of the log 'xiufu.other/log' named with it"
    )


def test_a_signed_note_that_is_not_a_checkpoint_is_malformed():
    note = sign_note("xiufu.test/log\nnot a size\n", SIGNER).decode()
    verdict = verify(dataclasses.replace(RECEIPT, checkpoint=note))
    assert verdict.outcome == MALFORMED
    assert verdict.reason.startswith("checkpoint body is not a checkpoint:")


def test_a_checkpoint_that_is_not_a_note_is_malformed():
    verdict = verify(dataclasses.replace(RECEIPT, checkpoint="just text\n"))
    assert verdict.outcome == MALFORMED
    assert verdict.reason.startswith("checkpoint is not a signed note:")


def test_a_malformed_trusted_key_is_malformed():
    verdict = verify(RECEIPT, trusted_keys=["not a key"])
    assert verdict.outcome == MALFORMED
    assert verdict.reason.startswith("trusted key #1 is not a verifier key")


# --- the timestamp -------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_flipping_a_timestamp_byte_is_never_valid(data):
    response = RECEIPT.timestamp.response
    position = data.draw(st.integers(0, len(response) - 1))
    mask = data.draw(st.integers(1, 255))
    _check_flipped_timestamp(flip(response, position, mask))


def _check_flipped_timestamp(response: bytes) -> None:
    token = dataclasses.replace(RECEIPT.timestamp, response=response)
    verdict = verify(dataclasses.replace(RECEIPT, timestamp=token))
    assert verdict.outcome != VALID
    assert verdict.checks[-1].name == "timestamp"
    if verdict.outcome == UNTRUSTED:
        # Only rfc3161-client (OpenSSL) may still refuse what our own checks passed: a flipped
        # [0] certificates tag turns into [1] crls, which tsa.py reports as untrusted.
        assert "rfc3161-client" in verdict.reason
    else:
        assert verdict.outcome in (TAMPERED, MALFORMED)


def test_flipping_each_timestamp_byte_is_never_valid():
    response = RECEIPT.timestamp.response
    for position in range(len(response)):
        _check_flipped_timestamp(flip(response, position, 0x01))


def test_a_timestamp_of_another_checkpoint_is_tampering():
    other = make_receipt(5, 13)
    receipt = dataclasses.replace(RECEIPT, timestamp=other.timestamp)
    verdict = verify(receipt)
    assert verdict.outcome == TAMPERED
    assert verdict.reason == "timestamp imprint does not match the checkpoint"


def test_a_timestamp_over_the_note_text_without_signatures_is_tampering():
    text = parse_note(RECEIPT.checkpoint).text
    stamp = request_timestamp(text.encode(), local=TSA)
    token = dataclasses.replace(RECEIPT.timestamp, response=stamp.response_der)
    verdict = verify(dataclasses.replace(RECEIPT, timestamp=token))
    assert verdict.outcome == TAMPERED
    assert verdict.reason == "timestamp imprint does not match the checkpoint"


def test_a_pinned_tsa_root_that_does_not_match_is_untrusted():
    verdict = verify(RECEIPT, FILE, trusted_tsa_roots_pem=[OTHER_TSA.root_cert_pem])
    assert verdict.outcome == UNTRUSTED
    assert verdict.reason.startswith("timestamp is not from a trusted authority:")
    assert verdict.facts["tsa_root_trust"] == "pinned"


def test_another_tsa_chain_is_tampering():
    token = dataclasses.replace(RECEIPT.timestamp, tsa_chain=tuple(OTHER_TSA.chain_pem()))
    verdict = verify(dataclasses.replace(RECEIPT, timestamp=token))
    assert verdict.outcome == TAMPERED


def test_a_timestamp_chain_that_does_not_parse_is_malformed():
    bad = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    token = dataclasses.replace(RECEIPT.timestamp, tsa_chain=(bad,))
    verdict = verify(dataclasses.replace(RECEIPT, timestamp=token))
    assert verdict.outcome == MALFORMED
    assert verdict.reason.startswith("timestamp is malformed:")


def test_names_from_certificates_cannot_break_the_reason_line():
    evil = LocalTsa.generate("evil\x1b[2J\nTSA")
    note = RECEIPT.checkpoint
    receipt = dataclasses.replace(RECEIPT, timestamp=timestamp_of(note, evil))
    verdict = verify(receipt)
    assert verdict.outcome == VALID
    assert "\x1b" not in verdict.reason
    assert "\\x1b[2J TSA" in verdict.reason
    assert all(check.detail.isprintable() for check in verdict.checks)


def test_a_malformed_pinned_tsa_root_is_malformed():
    verdict = verify(RECEIPT, trusted_tsa_roots_pem=["nope"])
    assert verdict.outcome == MALFORMED
    assert verdict.reason == "trusted TSA root #1 is not a PEM certificate"
    assert verdict.checks[-1].name == "parse"


# --- malformed receipts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        b"\x00\xff",
        "{}",
        "[1, 2]",
        RECEIPT.to_json()[:-10],
        RECEIPT.to_json()[: len(RECEIPT.to_json()) // 2],
        RECEIPT.to_json().replace('"xiufu-evidence-receipt/1"', '"xiufu-evidence-receipt/9"'),
    ],
)
def test_garbage_is_malformed(text):
    verdict = verify_receipt(text, FILE)
    assert verdict.outcome == MALFORMED
    assert verdict.reason.startswith("not a valid receipt: ")
    assert [check.name for check in verdict.checks] == ["parse"]


def test_a_checkpoint_file_is_not_a_receipt():
    verdict = verify_receipt(make_checkpoint_file(12).to_json())
    assert verdict.outcome == MALFORMED
    assert "check it with --consistency" in verdict.reason


# --- consistency ---------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_consistent_checkpoints_verify(data):
    new_size = data.draw(st.integers(1, MAX_LEAVES), label="new size")
    old_size = data.draw(st.integers(1, new_size), label="old size")
    new = make_checkpoint_file(new_size, (old_size,))
    if data.draw(st.booleans(), label="old is a receipt"):
        old_text = make_receipt(old_size - 1, old_size).to_json()
    else:
        old_text = make_checkpoint_file(old_size).to_json()
    verdict = verify_consistency_files(old_text, new.to_json())
    assert verdict.outcome == VALID, verdict.reason
    assert (verdict.facts["old_size"], verdict.facts["new_size"]) == (old_size, new_size)
    assert verdict.reason.startswith(f"valid: tree {old_size} (root ")


def test_equal_checkpoints_are_consistent_without_a_proof():
    verdict = verify_consistency_files(
        make_checkpoint_file(7).to_json(), make_checkpoint_file(7).to_json()
    )
    assert verdict.outcome == VALID


def test_an_empty_tree_is_a_prefix_of_every_tree():
    empty_note = signed_checkpoint(0, root=merkle.EMPTY_ROOT)
    empty = CheckpointFile(LogKey(ORIGIN, SIGNER.vkey), empty_note, timestamp_of(empty_note))
    verdict = verify_consistency_files(empty.to_json(), make_checkpoint_file(9).to_json())
    assert verdict.outcome == VALID


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_swapped_checkpoints_are_tampering(data):
    new_size = data.draw(st.integers(2, MAX_LEAVES))
    old_size = data.draw(st.integers(1, new_size - 1))
    older = make_checkpoint_file(old_size)
    newer = make_checkpoint_file(new_size, (old_size,))
    verdict = verify_consistency_files(newer.to_json(), older.to_json())
    assert verdict.outcome == TAMPERED
    assert verdict.reason == (
        f"the newer checkpoint is smaller: tree size {old_size} after {new_size}"
    )


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_flipped_consistency_proof_is_tampering(data):
    new_size = data.draw(st.integers(3, MAX_LEAVES))
    old_size = data.draw(st.integers(1, new_size - 1))
    newer = make_checkpoint_file(new_size, (old_size,))
    (entry,) = newer.consistency
    which = data.draw(st.integers(0, len(entry.proof) - 1))
    proof = list(entry.proof)
    proof[which] = flip(proof[which], data.draw(st.integers(0, 31)), data.draw(st.integers(1, 255)))
    newer = dataclasses.replace(newer, consistency=(ConsistencyProof(old_size, tuple(proof)),))
    verdict = verify_consistency_files(make_checkpoint_file(old_size).to_json(), newer.to_json())
    assert verdict.outcome == TAMPERED
    assert verdict.reason == (
        f"consistency proof does not show tree size {old_size} as a prefix of tree size {new_size}"
    )


def test_a_missing_consistency_proof_is_malformed():
    newer = make_checkpoint_file(20, (3, 9))
    verdict = verify_consistency_files(make_checkpoint_file(12).to_json(), newer.to_json())
    assert verdict.outcome == MALFORMED
    assert verdict.reason == (
        "the newer checkpoint file has no consistency proof from tree size 12 (it has: 3, 9); "
        "download it with ?from=12"
    )


def test_a_fork_is_tampering():
    forked_note = signed_checkpoint(12, root=hashlib.sha256(b"fork").digest())
    forked = CheckpointFile(LogKey(ORIGIN, SIGNER.vkey), forked_note, timestamp_of(forked_note))
    verdict = verify_consistency_files(make_checkpoint_file(12).to_json(), forked.to_json())
    assert verdict.outcome == TAMPERED
    assert verdict.reason.startswith("two different roots signed for tree size 12")
    # A proof from a tree of another history does not lead to the signed roots either.
    older_fork = dataclasses.replace(forked, consistency=())
    newer = make_checkpoint_file(20, (12,))
    verdict = verify_consistency_files(older_fork.to_json(), newer.to_json())
    assert verdict.outcome == TAMPERED


def test_a_flipped_newer_checkpoint_is_tampering():
    newer = make_checkpoint_file(20, (12,))
    start, _end = _line_span(newer.checkpoint, 1)
    note = replace_char(newer.checkpoint, start, "3")
    newer = dataclasses.replace(newer, checkpoint=note)
    verdict = verify_consistency_files(make_checkpoint_file(12).to_json(), newer.to_json())
    assert verdict.outcome == TAMPERED
    assert verdict.reason == (
        f"newer checkpoint signature by {ORIGIN}+{SIGNER.key_id.hex()} does not verify"
    )


def test_checkpoints_of_another_key_are_untrusted():
    newer = make_checkpoint_file(20, (12,))
    note = signed_checkpoint(20, OTHER_SIGNER)
    impostor = dataclasses.replace(newer, checkpoint=note, log=LogKey(ORIGIN, OTHER_SIGNER.vkey))
    verdict = verify_consistency_files(make_checkpoint_file(12).to_json(), impostor.to_json())
    assert verdict.outcome == UNTRUSTED
    assert verdict.reason.startswith("the two artifacts name different log keys")
    # Re-signed but naming the right key: no signature by that key.
    resigned = dataclasses.replace(newer, checkpoint=note)
    verdict = verify_consistency_files(make_checkpoint_file(12).to_json(), resigned.to_json())
    assert verdict.outcome == UNTRUSTED
    # Pinned to another key.
    verdict = verify_consistency_files(
        make_checkpoint_file(12).to_json(), newer.to_json(), trusted_keys=[OTHER_SIGNER.vkey]
    )
    assert verdict.outcome == UNTRUSTED
    verdict = verify_consistency_files(
        make_checkpoint_file(12).to_json(), newer.to_json(), trusted_keys=[SIGNER.vkey]
    )
    assert verdict.outcome == VALID
    assert verdict.facts["key_trust"] == "pinned"


def test_the_newer_artifact_must_be_a_checkpoint_file():
    verdict = verify_consistency_files(make_checkpoint_file(3).to_json(), RECEIPT.to_json())
    assert verdict.outcome == MALFORMED
    assert verdict.reason.startswith("the newer artifact must be a checkpoint file")
    verdict = verify_consistency_files("garbage", RECEIPT.to_json())
    assert verdict.outcome == MALFORMED
    assert verdict.reason.startswith("the older artifact is not valid: not JSON")


# --- xiufu verify --------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIUFU_")}
    env["DJANGO_SETTINGS_MODULE"] = "does.not.exist"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def xiufu_verify(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xiufu.cli", "verify", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=_env(),
        timeout=120,
        check=False,
    )


@pytest.fixture
def files(tmp_path):
    paths = {
        "receipt": tmp_path / "receipt.json",
        "file": tmp_path / "material.pdf",
        "other": tmp_path / "other.pdf",
        "old": tmp_path / "old.json",
        "new": tmp_path / "new.json",
        "new-without": tmp_path / "new-without.json",
        "key": tmp_path / "log.vkey",
        "other-key": tmp_path / "other.vkey",
        "root": tmp_path / "root.pem",
        "other-root": tmp_path / "other-root.pem",
        "garbage": tmp_path / "garbage.json",
    }
    paths["receipt"].write_text(RECEIPT.to_json(), encoding="utf-8")
    paths["file"].write_bytes(FILE)
    paths["other"].write_bytes(flip(FILE, 3))
    paths["old"].write_text(make_checkpoint_file(12).to_json(), encoding="utf-8")
    paths["new"].write_text(make_checkpoint_file(30, (12,)).to_json(), encoding="utf-8")
    paths["new-without"].write_text(make_checkpoint_file(30).to_json(), encoding="utf-8")
    paths["key"].write_text(f"# the published key\n{SIGNER.vkey}\n")
    paths["other-key"].write_text(OTHER_SIGNER.vkey + "\n")
    paths["root"].write_text(TSA.root_cert_pem)
    paths["other-root"].write_text(OTHER_TSA.root_cert_pem)
    paths["garbage"].write_text("{not json")
    paths["surrogate"] = tmp_path / "surrogate.json"
    paths["surrogate"].write_text('{"format": "xiufu-evidence-receipt/1", "\\ud800\\u001b": 1}')
    return paths


def _one_line(result: subprocess.CompletedProcess[str], prefix: str, code: int) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith(prefix + ": "), lines[0]
    return lines[0]


@pytest.mark.slow
def test_cli_valid(files):
    line = _one_line(xiufu_verify(files["receipt"], files["file"]), "VALID", 0)
    assert line.startswith("VALID: entry 5 of tree 12 signed by ")
    assert "(local trust)" in line
    _one_line(xiufu_verify(files["receipt"]), "VALID", 0)
    line = _one_line(
        xiufu_verify(
            files["receipt"],
            files["file"],
            "--trusted-key",
            files["key"],
            "--trusted-key",
            OTHER_SIGNER.vkey,
            "--tsa-root",
            files["root"],
        ),
        "VALID",
        0,
    )
    assert "not pinned" not in line


@pytest.mark.slow
def test_cli_json(files):
    result = xiufu_verify(files["receipt"], files["file"], "--json")
    assert result.returncode == 0
    verdict = json.loads(result.stdout)
    assert verdict["outcome"] == "VALID"
    assert verdict["exit_code"] == 0
    assert verdict["facts"]["tree_size"] == 12
    assert [check["name"] for check in verdict["checks"]][-1] == "timestamp"


@pytest.mark.slow
def test_cli_tampered_untrusted_malformed(files):
    line = _one_line(xiufu_verify(files["receipt"], files["other"]), "TAMPERED", 1)
    assert line.startswith("TAMPERED: file does not match: sha256 ")
    _one_line(
        xiufu_verify(files["receipt"], files["file"], "--trusted-key", files["other-key"]),
        "UNTRUSTED",
        2,
    )
    _one_line(xiufu_verify(files["receipt"], "--tsa-root", files["other-root"]), "UNTRUSTED", 2)
    _one_line(xiufu_verify(files["garbage"]), "MALFORMED", 3)
    _one_line(xiufu_verify(files["surrogate"]), "MALFORMED", 3)
    result = xiufu_verify(files["surrogate"], "--json")
    assert result.returncode == 3, result.stderr
    assert json.loads(result.stdout)["outcome"] == "MALFORMED"


@pytest.mark.slow
def test_cli_unreadable_inputs_are_malformed(files, tmp_path):
    missing = tmp_path / "missing.json"
    line = _one_line(xiufu_verify(missing), "MALFORMED", 3)
    assert line == f"MALFORMED: cannot read receipt {str(missing)!r}: No such file or directory"
    _one_line(xiufu_verify(files["receipt"], tmp_path / "missing.pdf"), "MALFORMED", 3)
    _one_line(xiufu_verify(files["receipt"], tmp_path), "MALFORMED", 3)  # a directory
    _one_line(xiufu_verify(files["receipt"], "--trusted-key", "nonsense"), "MALFORMED", 3)
    _one_line(xiufu_verify(files["receipt"], "--tsa-root", files["garbage"]), "MALFORMED", 3)
    _one_line(xiufu_verify(), "MALFORMED", 3)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [("--no-such-option",), ("a", "b", "c"), ("--consistency", "only-one"), ("--tsa-root",)],
)
def test_cli_usage_errors_exit_3_not_2(args):
    result = xiufu_verify(*args)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr


@pytest.mark.slow
def test_cli_consistency(files):
    line = _one_line(xiufu_verify("--consistency", files["old"], files["new"]), "VALID", 0)
    assert "tree 12" in line
    assert "tree 30" in line
    _one_line(xiufu_verify("--consistency", files["new"], files["old"]), "TAMPERED", 1)
    line = _one_line(
        xiufu_verify("--consistency", files["old"], files["new-without"]), "MALFORMED", 3
    )
    assert line.endswith("download it with ?from=12")
    _one_line(
        xiufu_verify(
            "--consistency", files["receipt"], files["new"], "--trusted-key", files["other-key"]
        ),
        "UNTRUSTED",
        2,
    )
    _one_line(
        xiufu_verify("--consistency", files["old"], files["new"], files["receipt"]),
        "MALFORMED",
        3,
    )


@pytest.mark.slow
def test_cli_verify_never_imports_django(files):
    program = (
        "import sys\n"
        "from xiufu.cli import main\n"
        f"code = main(['verify', {str(files['receipt'])!r}, {str(files['file'])!r}])\n"
        "assert code == 0, code\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
        "print('no django')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "no django"
