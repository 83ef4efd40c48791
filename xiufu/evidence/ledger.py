"""The evidence log in the database: appending entries, the Merkle tree over them, publishing
signed and timestamped checkpoints, and building receipts.

Appends happen inside the caller's transaction (the upload or the letter that is being recorded):
if that transaction rolls back, the entry never existed, and since the head row is locked for the
rest of it, the next append takes the same index — indices stay contiguous with no gap. A
checkpoint is published later (the ticker, every few seconds, or on demand when a receipt is
asked for): whatever was committed before it, including entries appended just before a crash, is
covered by it. Nothing is ever kept only in memory.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from xiufu.audit.actions import record_event
from xiufu.evidence import events, keys, merkle
from xiufu.evidence.models import LogEntry, LogHead, SignedCheckpoint, TimestampTrust, TreeNode
from xiufu.evidence.note import Checkpoint, open_checkpoint, sign_note
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
from xiufu.evidence.tsa import TimestampError, request_timestamp

logger = logging.getLogger("xiufu.evidence")

MATERIAL = "material"
LETTER = "letter"


@dataclass(frozen=True)
class Record:
    """What a leaf says about one received file. ``case_number`` never enters the log: only its
    salted HMAC does."""

    kind: str
    sha256: str
    size: int
    media_type: str
    case_number: str
    received_at: datetime

    def entry(self) -> bytes:
        return canonical_entry(
            {
                "v": 1,
                "kind": self.kind,
                "sha256": self.sha256,
                "size": self.size,
                "media_type": self.media_type,
                "case_ref": keys.case_ref(self.case_number),
                "received_at": _rfc3339(self.received_at),
            }
        )


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _head_for_update() -> LogHead:
    head = LogHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                LogHead.objects.create(pk=1)
        except IntegrityError:
            pass  # another process created it first
        head = LogHead.objects.select_for_update().get(pk=1)
    return head


def append(record: Record) -> LogEntry:
    """Append one entry. Must run inside the caller's transaction."""
    return append_many([record])[0]


def append_many(records: Iterable[Record]) -> list[LogEntry]:
    """Append entries in one batch, at the next contiguous indices. Must run inside a transaction
    (the caller's); raises ``TransactionManagementError`` otherwise."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("appending to the log needs a transaction")
    head = _head_for_update()
    now = timezone.now()
    rows = []
    for offset, record in enumerate(records):
        entry = record.entry()
        rows.append(
            LogEntry(
                index=head.size + offset,
                leaf_hash=merkle.leaf_hash(entry),
                entry=entry.decode("utf-8"),
                kind=record.kind,
                sha256=record.sha256,
                appended_at=now,
            )
        )
    if not rows:
        return []
    LogEntry.objects.bulk_create(rows, batch_size=500)
    head.size += len(rows)
    head.save(update_fields=["size"])
    return rows


# --- the tree -----------------------------------------------------------------------------------

#: Complete subtrees of 2**CHUNK_BITS leaves are stored (TreeNode) and cached; below that level
#: a proof reads one range of at most 256 leaf hashes.
CHUNK_BITS = 8

_trees: dict[str, merkle.MerkleTree] = {}
_trees_lock = threading.Lock()


def _fetch(start: int, end: int) -> list[bytes]:
    # A raw query: this runs for every proof, and the ORM's overhead would double its cost.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT leaf_hash FROM evidence_logentry "
            "WHERE leaf_index >= %s AND leaf_index < %s ORDER BY leaf_index",
            [start, end],
        )
        return [bytes(row[0]) for row in cursor.fetchall()]


def _stored_nodes() -> dict[tuple[int, int], bytes]:
    rows = TreeNode.objects.filter(level=CHUNK_BITS).values_list("index", "hash")
    return {(CHUNK_BITS, index): bytes(value) for index, value in rows}


def log_state() -> tuple[int, merkle.MerkleTree]:
    """The committed size of the log and a tree over it. The tree caches the hashes of complete
    subtrees in this process (they never change), starting from the chunk hashes stored by the
    publisher; the cache belongs to the log's epoch, so a new database (a test's, say) never
    reuses another log's nodes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT size, epoch FROM evidence_loghead WHERE id = 1")
        head = cursor.fetchone()
    size, epoch = (int(head[0]), str(head[1])) if head is not None else (0, "")
    with _trees_lock:
        tree = _trees.get(epoch)
        if tree is None:
            _trees.clear()
            tree = _trees[epoch] = merkle.MerkleTree(
                _fetch, chunk_bits=CHUNK_BITS, cache=_stored_nodes()
            )
    return size, tree


def _store_complete_chunks(tree: merkle.MerkleTree, size: int) -> None:
    """Store the hashes of the chunks completed since the last call (the root just computed put
    them in the cache)."""
    stored = TreeNode.objects.filter(level=CHUNK_BITS).count()
    complete = size >> CHUNK_BITS
    rows = [
        TreeNode(level=CHUNK_BITS, index=i, hash=tree.cache[(CHUNK_BITS, i)])
        for i in range(stored, complete)
        if (CHUNK_BITS, i) in tree.cache
    ]
    TreeNode.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


# --- checkpoints --------------------------------------------------------------------------------


class CheckpointError(Exception):
    """A checkpoint could not be published (the log is inconsistent, or no timestamp)."""


def latest_checkpoint() -> SignedCheckpoint | None:
    return SignedCheckpoint.objects.order_by("-size").first()


def do_publish_checkpoint() -> SignedCheckpoint | None:
    """System action (the ticker runs it every few seconds): if the log grew since the last
    checkpoint, sign a checkpoint of its current size, after proving it consistent with the
    previous one, and timestamp it. Returns the new checkpoint, or ``None`` if there was nothing
    new. Safe to run in several processes at once: a size is published once."""
    size, tree = log_state()
    previous = latest_checkpoint()
    if size == 0 or (previous is not None and previous.size >= size):
        return None
    root = tree.root(size)
    proof: list[bytes] = []
    if previous is not None:
        proof = tree.consistency_proof(previous.size, size)
        if not merkle.verify_consistency(
            previous.size, size, bytes(previous.root_hash), root, proof
        ):
            raise CheckpointError(
                f"the log of size {size} is not consistent with checkpoint {previous.size}: "
                "refusing to sign"
            )
    signer = keys.log_signer()
    note = sign_note(Checkpoint(keys.log_origin(), size, root).format(), signer).decode("utf-8")
    authority = keys.timestamp_authority()
    stamp = request_timestamp(
        note.encode("utf-8"),
        local=authority.local,
        url=authority.url,
        chain_pem=authority.chain_pem,
    )
    try:
        with transaction.atomic():
            checkpoint = SignedCheckpoint.objects.create(
                size=size,
                root_hash=root,
                note=note,
                public_key=signer.vkey,
                previous_size=previous.size if previous else None,
                consistency_proof=[_b64(h) for h in proof],
                timestamp_response=stamp.response_der,
                tsa_chain=list(stamp.chain_pem),
                timestamp_trust=TimestampTrust(stamp.trust),
                tsa_url=stamp.tsa_url or "",
                timestamped_at=stamp.gen_time,
            )
            _store_complete_chunks(tree, size)
            record_event(
                events.CHECKPOINT_PUBLISHED,
                actor=None,
                target=checkpoint,
                payload={
                    "size": size,
                    "previous_size": checkpoint.previous_size,
                    "root": root.hex(),
                    "timestamp_trust": stamp.trust,
                },
            )
    except IntegrityError:
        return None  # another process published this size first
    logger.info("checkpoint published", extra={"size": size, "root": root.hex()})
    return checkpoint


def covering_checkpoint(index: int, *, publish: bool = True) -> SignedCheckpoint | None:
    """The oldest checkpoint that covers entry ``index``; publishes one first if none does yet
    and ``publish`` is set."""
    found = SignedCheckpoint.objects.filter(size__gt=index).order_by("size").first()
    if found is None and publish:
        try:
            do_publish_checkpoint()
        except (TimestampError, CheckpointError):
            # The timestamp authority is down, say: the receipt waits for the ticker's next try.
            logger.warning("checkpoint on demand failed", exc_info=True)
            return None
        found = SignedCheckpoint.objects.filter(size__gt=index).order_by("size").first()
    return found


# --- receipts and checkpoint files --------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _timestamp_token(checkpoint: SignedCheckpoint) -> TimestampToken:
    return TimestampToken(
        response=bytes(checkpoint.timestamp_response),
        tsa_chain=tuple(checkpoint.tsa_chain),
        trust="local" if checkpoint.timestamp_trust == TimestampTrust.LOCAL else "external",
        tsa_url=checkpoint.tsa_url or None,
    )


def _log_key(checkpoint: SignedCheckpoint) -> LogKey:
    return LogKey(
        origin=Checkpoint.parse(_note_text(checkpoint.note)).origin,
        public_key=checkpoint.public_key,
    )


def _note_text(note: str) -> str:
    return note.split("\n\n", 1)[0] + "\n"


def build_receipt(
    entry: LogEntry, *, media_type: str, size: int, label: str | None = None
) -> Receipt | None:
    """The receipt of one entry against the oldest checkpoint covering it (published now if
    there is none yet); ``None`` only if no checkpoint could be published. The inclusion proof is
    computed for the checkpoint's own size."""
    checkpoint = covering_checkpoint(entry.index)
    if checkpoint is None:
        return None
    _size, tree = log_state()
    proof = tree.inclusion_proof(entry.index, checkpoint.size)
    return Receipt(
        subject=Subject(
            kind="letter" if entry.kind == LETTER else "material",
            sha256=entry.sha256,
            size=size,
            media_type=media_type,
            label=label,
        ),
        log=_log_key(checkpoint),
        leaf=Leaf(index=entry.index, entry=entry.entry),
        inclusion_proof=tuple(proof),
        checkpoint=checkpoint.note,
        timestamp=_timestamp_token(checkpoint),
    )


def checkpoint_file(
    checkpoint: SignedCheckpoint, *, from_sizes: Iterable[int] = ()
) -> CheckpointFile:
    """A checkpoint with its timestamp and consistency proofs from the given earlier sizes."""
    _size, tree = log_state()
    proofs = []
    for old in sorted(set(from_sizes)):
        if 0 < old <= checkpoint.size:
            proofs.append(
                ConsistencyProof(
                    from_size=old, proof=tuple(tree.consistency_proof(old, checkpoint.size))
                )
            )
    return CheckpointFile(
        log=_log_key(checkpoint),
        checkpoint=checkpoint.note,
        timestamp=_timestamp_token(checkpoint),
        consistency=tuple(proofs),
    )


def verify_stored_checkpoint(checkpoint: SignedCheckpoint) -> Mapping[str, Any]:
    """Re-check a stored checkpoint's signature against the current key (``xiufu check``)."""
    signer = keys.log_signer()
    parsed, _signatures = open_checkpoint(checkpoint.note, [signer.verifier])
    return {"size": parsed.size, "root": parsed.root_hash.hex()}
