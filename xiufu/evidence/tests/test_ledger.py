"""The evidence log in the database: contiguous appends, append-only enforced by the database
itself, checkpoints that are signed, consistent and timestamped."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.db import IntegrityError, connection, connections, transaction

from xiufu.evidence import keys, ledger, merkle
from xiufu.evidence.dbguard import REFUSAL, guards_installed
from xiufu.evidence.models import LogEntry, LogHead, SignedCheckpoint
from xiufu.evidence.note import Checkpoint, open_checkpoint
from xiufu.evidence.receipt import parse_entry
from xiufu.evidence.tsa import LocalTsa, verify_timestamp, wsgi_app

WHEN = datetime(2026, 11, 30, 8, 0, 0, tzinfo=UTC)


def record(n: int, *, case_number: str = "YY-2026-000001") -> ledger.Record:
    return ledger.Record(
        kind=ledger.MATERIAL,
        sha256=f"{n:064x}",
        size=1000 + n,
        media_type="application/pdf",
        case_number=case_number,
        received_at=WHEN,
    )


def append(*records: ledger.Record) -> list[LogEntry]:
    with transaction.atomic():
        return ledger.append_many(records)


def test_entries_are_numbered_from_zero_without_gaps(db):
    first = append(record(1))
    more = append(record(2), record(3), record(4))
    assert [e.index for e in first + more] == [0, 1, 2, 3]
    assert LogHead.objects.get().size == 4


def test_an_entry_is_the_canonical_record_with_a_salted_case_reference(db):
    (entry,) = append(record(7, case_number="YY-2026-000042"))
    parsed = parse_entry(entry.entry)
    assert parsed == {
        "v": 1,
        "kind": "material",
        "sha256": f"{7:064x}",
        "size": 1007,
        "media_type": "application/pdf",
        "case_ref": keys.case_ref("YY-2026-000042"),
        "received_at": "2026-11-30T08:00:00Z",
    }
    assert "YY-2026-000042" not in entry.entry
    assert bytes(entry.leaf_hash) == merkle.leaf_hash(entry.entry.encode())


def test_a_rolled_back_append_leaves_no_gap(db):
    append(record(1))

    def failing_upload() -> None:
        with transaction.atomic():
            ledger.append(record(2))
            raise RuntimeError("the upload failed after the append")

    with pytest.raises(RuntimeError):
        failing_upload()
    (entry,) = append(record(3))
    assert entry.index == 1


@pytest.mark.django_db(transaction=True)
def test_appending_outside_a_transaction_is_a_programming_error():
    with pytest.raises(transaction.TransactionManagementError):
        ledger.append(record(1))
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE evidence_logentry SET kind = 'letter'",
        "UPDATE evidence_logentry SET leaf_hash = leaf_hash",
        "DELETE FROM evidence_logentry",
        "DELETE FROM evidence_signedcheckpoint",
        "UPDATE evidence_signedcheckpoint SET note = ''",
        "DELETE FROM evidence_loghead",
        "UPDATE evidence_loghead SET size = 0",
    ],
)
def test_the_database_refuses_to_change_or_remove_the_log(db, statement):
    append(record(1), record(2))
    ledger.do_publish_checkpoint()
    with (
        pytest.raises(IntegrityError, match=REFUSAL),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert LogEntry.objects.count() == 2
    assert SignedCheckpoint.objects.count() == 1


def test_the_orm_cannot_change_an_entry_either(db):
    (entry,) = append(record(1))
    entry.kind = "letter"
    with pytest.raises(IntegrityError, match=REFUSAL), transaction.atomic():
        entry.save()
    with pytest.raises(IntegrityError, match=REFUSAL), transaction.atomic():
        LogEntry.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql(db):
    append(record(1))
    with (
        pytest.raises(IntegrityError, match=REFUSAL),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE evidence_logentry CASCADE")


def test_an_entry_can_only_be_inserted_at_the_next_index(db):
    append(record(1))
    entry = record(2).entry()
    for index in (0, 2, 5):
        with pytest.raises(IntegrityError, match=REFUSAL), transaction.atomic():
            LogEntry.objects.create(
                index=index,
                leaf_hash=merkle.leaf_hash(entry),
                entry=entry.decode(),
                kind="material",
                sha256="0" * 64,
                appended_at=WHEN,
            )
    assert list(LogEntry.objects.values_list("index", flat=True)) == [0]


def test_the_guards_are_installed_by_the_migration(db):
    assert guards_installed(connection)


def test_no_checkpoint_for_an_empty_log_or_when_nothing_is_new(db):
    assert ledger.do_publish_checkpoint() is None
    append(record(1))
    assert ledger.do_publish_checkpoint() is not None
    assert ledger.do_publish_checkpoint() is None


def test_a_checkpoint_is_signed_timestamped_and_consistent_with_the_previous(db):
    append(*(record(n) for n in range(5)))
    first = ledger.do_publish_checkpoint()
    append(*(record(n) for n in range(5, 13)))
    second = ledger.do_publish_checkpoint()
    assert first is not None
    assert second is not None
    assert (first.size, second.size, second.previous_size) == (5, 13, 5)

    signer = keys.log_signer()
    parsed, _ = open_checkpoint(second.note, [signer.verifier], origin=keys.log_origin())
    leaves = [bytes(h) for h in LogEntry.objects.values_list("leaf_hash", flat=True)]
    assert parsed == Checkpoint(keys.log_origin(), 13, merkle.root(leaves))
    assert bytes(second.root_hash) == merkle.root(leaves)
    proof = [base64.b64decode(h) for h in second.consistency_proof]
    assert merkle.verify_consistency(5, 13, bytes(first.root_hash), merkle.root(leaves), proof)

    verdict = verify_timestamp(
        bytes(second.timestamp_response), second.note.encode(), list(second.tsa_chain)
    )
    assert verdict.gen_time == second.timestamped_at
    assert second.timestamp_trust == "local"


def test_a_checkpoint_records_an_audit_event(db):
    from xiufu.audit.models import AuditEvent

    append(record(1))
    checkpoint = ledger.do_publish_checkpoint()
    assert checkpoint is not None
    event = AuditEvent.objects.get(type="xiufu.evidence.checkpoint_published")
    assert event.payload["size"] == 1
    assert event.payload["timestamp_trust"] == "local"


def test_the_tree_cache_never_serves_another_logs_nodes(db):
    append(*(record(n) for n in range(300)))
    size, tree = ledger.log_state()
    root = tree.root(size)
    # a different log (another database) has another epoch: its tree starts empty
    ledger._trees.clear()
    assert ledger.log_state()[1].root(size) == root
    epoch = LogHead.objects.get().epoch
    assert ledger.log_state()[1] is ledger._trees[epoch]


def test_a_receipt_proves_inclusion_in_a_signed_checkpoint(db):
    from xiufu.evidence.verify import Outcome, verify_receipt

    entries = append(*(record(n) for n in range(20)))
    receipt = ledger.build_receipt(entries[11], media_type="application/pdf", size=1011)
    assert receipt is not None
    assert receipt.leaf.index == 11
    verdict = verify_receipt(receipt.to_json())
    assert verdict.outcome == Outcome.VALID, verdict.reason


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real row locks: PostgreSQL is production"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_get_contiguous_indices():
    workers, each = 6, 15
    barrier = threading.Barrier(workers)
    failures: list[BaseException] = []

    def upload(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(each):
                with transaction.atomic():
                    ledger.append(record(worker * 1000 + n))
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures
    indices = list(LogEntry.objects.order_by("index").values_list("index", flat=True))
    assert indices == list(range(workers * each))
    assert LogHead.objects.get().size == workers * each
    assert len(set(LogEntry.objects.values_list("sha256", flat=True))) == workers * each
    checkpoint = ledger.do_publish_checkpoint()
    assert checkpoint is not None
    assert checkpoint.size == workers * each


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def external_tsa(tmp_path, settings):
    """An RFC 3161 authority reached over HTTP, as a production TSA would be (a real local
    server speaking the protocol), configured by URL and chain file."""
    authority = LocalTsa.generate("Example external TSA")
    server = make_server("127.0.0.1", 0, wsgi_app(authority), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    chain = tmp_path / "tsa-chain.pem"
    chain.write_text("".join(authority.chain_pem()))
    settings.EVIDENCE_TSA_URL = f"http://127.0.0.1:{server.server_port}/tsa"
    settings.EVIDENCE_TSA_CHAIN_FILE = str(chain)
    keys.reset_caches()
    yield authority
    server.shutdown()
    keys.reset_caches()


def test_an_external_timestamp_authority_by_url(db, external_tsa):
    from xiufu.evidence.verify import Outcome, verify_receipt

    (entry,) = append(record(1))
    checkpoint = ledger.do_publish_checkpoint()
    assert checkpoint is not None
    assert checkpoint.timestamp_trust == "external"
    assert checkpoint.tsa_url.startswith("http://127.0.0.1:")
    receipt = ledger.build_receipt(entry, media_type="application/pdf", size=1001)
    assert receipt is not None
    verdict = verify_receipt(
        receipt.to_json(),
        trusted_keys=[keys.log_signer().vkey],
        trusted_tsa_roots_pem=[external_tsa.root_cert_pem],
    )
    assert verdict.outcome == Outcome.VALID, verdict.reason
    assert verdict.facts["timestamp_trust"] == "external"


def test_no_checkpoint_while_the_timestamp_authority_is_down(db, external_tsa, settings):
    from xiufu.evidence.tsa import TimestampUnavailable

    append(record(1))
    settings.EVIDENCE_TSA_URL = "http://127.0.0.1:9/unreachable"
    keys.reset_caches()
    with pytest.raises(TimestampUnavailable):
        ledger.do_publish_checkpoint()
    assert not SignedCheckpoint.objects.exists()
    assert LogEntry.objects.count() == 1  # the entry waits for the next checkpoint
    # a receipt asked for meanwhile is "not yet", not an error
    assert (
        ledger.build_receipt(LogEntry.objects.get(), media_type="application/pdf", size=1) is None
    )


def test_a_newer_checkpoint_proves_it_extends_an_older_receipt(db, client):
    from xiufu.evidence.verify import Outcome, verify_consistency_files

    entries = append(*(record(n) for n in range(7)))
    old = ledger.build_receipt(entries[3], media_type="application/pdf", size=1003)
    assert old is not None
    append(*(record(n) for n in range(7, 30)))
    ledger.do_publish_checkpoint()
    new = client.get("/evidence/checkpoint.json?from=7")
    assert new.status_code == 200
    verdict = verify_consistency_files(
        old.to_json(), new.content, trusted_keys=[keys.log_signer().vkey]
    )
    assert verdict.outcome == Outcome.VALID, verdict.reason


def test_a_new_process_rebuilds_the_tree_from_stored_chunks_not_every_leaf(db):
    from django.test.utils import CaptureQueriesContext

    from xiufu.evidence.models import TreeNode

    with transaction.atomic():
        ledger.append_many([record(n) for n in range(1000)])
    checkpoint = ledger.do_publish_checkpoint()
    assert checkpoint is not None
    assert TreeNode.objects.count() == 1000 // 256
    ledger._trees.clear()  # as in a freshly started worker
    with CaptureQueriesContext(connection) as queries:
        size, tree = ledger.log_state()
        assert tree.root(size) == bytes(checkpoint.root_hash)
    # the head, the stored chunk hashes, and the one partial chunk at the edge
    assert len(queries) == 3
