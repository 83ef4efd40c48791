"""The sandbox bureau's store: one SQLite file (WAL mode) holding the messages received, the
records as the bureau holds them with their history, dispute marks and statements, and the
feedback events.

Every thread has its own connection; writes are serialised by a lock and run in ``BEGIN
IMMEDIATE`` transactions. A message is stored (committed, ``synchronous=FULL``) before the bureau
answers it, and applied later, in one transaction together with its feedback event, so a crash
leaves a message either untouched (still "received", applied after restart) or fully applied.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

__all__ = [
    "IdempotencyConflict",
    "Received",
    "RejectionCode",
    "Store",
    "UnknownEnterprise",
    "canonical_json",
]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    receipt TEXT NOT NULL UNIQUE,
    body_sha256 TEXT NOT NULL,
    body TEXT NOT NULL,
    furnisher TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'rejected')),
    error_code TEXT,
    error_message TEXT,
    received_at TEXT NOT NULL,
    due_at REAL NOT NULL,
    applied_at TEXT
);
CREATE INDEX IF NOT EXISTS messages_pending ON messages (due_at) WHERE status = 'received';
CREATE TABLE IF NOT EXISTS enterprises (
    uscc TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    record_kind TEXT NOT NULL,
    business_id TEXT NOT NULL,
    furnisher TEXT NOT NULL,
    uscc TEXT NOT NULL REFERENCES enterprises (uscc),
    enterprise_name TEXT NOT NULL,
    fields TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (record_kind, business_id)
);
CREATE INDEX IF NOT EXISTS records_uscc ON records (uscc);
CREATE TABLE IF NOT EXISTS dispute_marks (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records (id),
    text TEXT NOT NULL,
    case_reference TEXT,
    message_id TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dispute_marks_record ON dispute_marks (record_id);
CREATE TABLE IF NOT EXISTS statements (
    id INTEGER PRIMARY KEY,
    uscc TEXT NOT NULL REFERENCES enterprises (uscc),
    text TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS record_history (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records (id),
    message_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    before TEXT,
    after TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS record_history_record ON record_history (record_id);
CREATE TABLE IF NOT EXISTS feedback (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL,
    receipt TEXT NOT NULL,
    furnisher TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_furnisher ON feedback (furnisher, seq);
"""


class RejectionCode(StrEnum):
    """Why the bureau rejected a message at apply time (``error_code`` of its feedback)."""

    RECORD_NOT_FOUND = "E_RECORD_NOT_FOUND"
    NOT_OWN_RECORD = "E_NOT_OWN_RECORD"
    RECORD_EXISTS = "E_RECORD_EXISTS"
    FIELD_UNKNOWN = "E_FIELD_UNKNOWN"
    MARK_NOT_FOUND = "E_MARK_NOT_FOUND"
    FORMAT = "E_FORMAT"


class IdempotencyConflict(Exception):
    """A message_id the bureau already holds, with another body."""


class UnknownEnterprise(Exception):
    """The bureau holds nothing for this USCC."""


class _Rejected(Exception):
    def __init__(self, code: RejectionCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Received:
    """The answer to a message posted: its receipt, and whether it had been received before."""

    message_id: str
    receipt: str
    status: str
    duplicate: bool


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value: sorted keys, no spaces, UTF-8 kept (for hashing)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class Store:
    """The bureau's durable state. Safe to share between threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        conn = self._conn()
        conn.execute("PRAGMA journal_mode=WAL")
        with self._write_lock:  # executescript commits by itself: the script is one transaction
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{_SCHEMA}\nPRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;"
            )

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=FULL")  # a 202 means "on disk"
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close this thread's connection (the others close when their threads end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One consistent snapshot for several queries."""
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    # --- receiving -------------------------------------------------------------------------------

    def receive(self, message: Mapping[str, Any], *, delay: float, now: float) -> Received:
        """Store a (valid) message to be applied ``delay`` seconds after ``now`` (epoch seconds).
        The same message again is a duplicate; the same message_id with another body raises
        :class:`IdempotencyConflict`."""
        body = canonical_json(message)
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
        message_id = str(message["message_id"])
        with self._write() as conn:
            row = conn.execute(
                "SELECT receipt, body_sha256, status FROM messages WHERE message_id = ?",
                (message_id,),
            ).fetchone()
            if row is not None:
                if row["body_sha256"] != digest:
                    raise IdempotencyConflict(message_id)
                return Received(message_id, row["receipt"], row["status"], duplicate=True)
            receipt = "SBX-" + secrets.token_hex(6).upper()
            conn.execute(
                "INSERT INTO messages (message_id, receipt, body_sha256, body, furnisher, status,"
                " received_at, due_at) VALUES (?, ?, ?, ?, ?, 'received', ?, ?)",
                (message_id, receipt, digest, body, message["furnisher"], _now(), now + delay),
            )
        return Received(message_id, receipt, "received", duplicate=False)

    def message_status(self, message_id: str) -> dict[str, Any] | None:
        row = (
            self._conn()
            .execute(
                "SELECT message_id, receipt, status, error_code, error_message, received_at,"
                " applied_at FROM messages WHERE message_id = ?",
                (message_id,),
            )
            .fetchone()
        )
        return None if row is None else dict(row)

    # --- applying --------------------------------------------------------------------------------

    def due_messages(self, now: float) -> list[int]:
        """Sequence numbers of the messages waiting to be applied at ``now``, in receipt order."""
        rows = self._conn().execute(
            "SELECT seq FROM messages WHERE status = 'received' AND due_at <= ? ORDER BY seq",
            (now,),
        )
        return [row["seq"] for row in rows]

    def next_due(self) -> float | None:
        """When the next waiting message becomes due (epoch seconds), None if none waits."""
        row = (
            self._conn()
            .execute("SELECT min(due_at) FROM messages WHERE status = 'received'")
            .fetchone()
        )
        return row[0]

    def apply(
        self,
        seq: int,
        *,
        rejects_format: Callable[[Mapping[str, Any]], bool] = lambda message: False,
        duplicate_feedback: bool = False,
    ) -> str | None:
        """Apply the message ``seq`` and write its feedback, all in one transaction. Returns the
        new status, or None if the message was not waiting (already applied)."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT message_id, receipt, body, furnisher FROM messages"
                " WHERE seq = ? AND status = 'received'",
                (seq,),
            ).fetchone()
            if row is None:
                return None
            message = json.loads(row["body"])
            now = _now()
            conn.execute("SAVEPOINT operation")
            try:
                if rejects_format(message):
                    raise _Rejected(RejectionCode.FORMAT, "报文格式校验未通过（沙箱注入）")
                _OPERATIONS[message["operation"]](conn, message, now)
                status, code, text = "accepted", None, None
            except _Rejected as rejection:
                conn.execute("ROLLBACK TO operation")
                status, code, text = "rejected", str(rejection.code), rejection.message
            conn.execute("RELEASE operation")
            conn.execute(
                "UPDATE messages SET status = ?, error_code = ?, error_message = ?, applied_at = ?"
                " WHERE seq = ?",
                (status, code, text, now, seq),
            )
            for _ in range(2 if duplicate_feedback else 1):
                conn.execute(
                    "INSERT INTO feedback (message_id, receipt, furnisher, status, error_code,"
                    " error_message, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (row["message_id"], row["receipt"], row["furnisher"], status, code, text, now),
                )
        return status

    # --- reading ---------------------------------------------------------------------------------

    def feedback(self, *, furnisher: str | None, after: int, limit: int) -> list[dict[str, Any]]:
        """Feedback events after sequence number ``after``, oldest first."""
        rows = self._conn().execute(
            "SELECT seq, message_id, receipt, status, error_code, error_message, at FROM feedback"
            " WHERE seq > :after AND (:furnisher IS NULL OR furnisher = :furnisher)"
            " ORDER BY seq LIMIT :limit",
            {"after": after, "furnisher": furnisher, "limit": limit},
        )
        return [dict(row) for row in rows]

    def enterprises(self) -> list[dict[str, Any]]:
        rows = self._conn().execute(
            "SELECT e.uscc, e.name, count(r.id) AS records FROM enterprises e"
            " LEFT JOIN records r ON r.uscc = e.uscc AND r.deleted = 0"
            " GROUP BY e.uscc ORDER BY e.name, e.uscc"
        )
        return [dict(row) for row in rows]

    def report(self, uscc: str) -> dict[str, Any]:
        """The enterprise's report as the bureau holds it; deleted records are left out."""
        with self._read() as conn:
            enterprise = conn.execute(
                "SELECT uscc, name FROM enterprises WHERE uscc = ?", (uscc,)
            ).fetchone()
            if enterprise is None:
                raise UnknownEnterprise(uscc)
            rows = conn.execute(
                "SELECT * FROM records WHERE uscc = ? AND deleted = 0"
                " ORDER BY record_kind, business_id",
                (uscc,),
            ).fetchall()
            records = [
                {
                    "record_kind": row["record_kind"],
                    "business_id": row["business_id"],
                    "furnisher": row["furnisher"],
                    "fields": json.loads(row["fields"]),
                    "dispute_marks": _marks(conn, row["id"]),
                    "updated_at": row["updated_at"],
                }
                for row in rows
            ]
            statements = conn.execute(
                "SELECT text, added_at FROM statements WHERE uscc = ? ORDER BY id", (uscc,)
            )
            return {
                "enterprise": dict(enterprise),
                "generated_at": _now(),
                "records": records,
                "statements": [dict(row) for row in statements],
            }

    def record(self, record_kind: str, business_id: str) -> dict[str, Any] | None:
        """One record as held, deleted or not, with its history (what was applied, oldest
        first)."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT * FROM records WHERE record_kind = ? AND business_id = ?",
                (record_kind, business_id),
            ).fetchone()
            if row is None:
                return None
            history = conn.execute(
                "SELECT message_id, operation, before, after, at FROM record_history"
                " WHERE record_id = ? ORDER BY id",
                (row["id"],),
            )
            return {
                **_snapshot(conn, row),
                "record_kind": record_kind,
                "business_id": business_id,
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
                "history": [
                    {
                        **dict(entry),
                        "before": json.loads(entry["before"]) if entry["before"] else None,
                        "after": json.loads(entry["after"]),
                    }
                    for entry in history
                ],
            }

    def add_statement(self, uscc: str, text: str) -> dict[str, Any]:
        """The enterprise adds a statement (声明) to its report."""
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM enterprises WHERE uscc = ?", (uscc,)).fetchone() is None:
                raise UnknownEnterprise(uscc)
            added_at = _now()
            conn.execute(
                "INSERT INTO statements (uscc, text, added_at) VALUES (?, ?, ?)",
                (uscc, text, added_at),
            )
        return {"uscc": uscc, "text": text, "added_at": added_at}


# --- the operations ------------------------------------------------------------------------------
# Each checks first and writes after, raising _Rejected before any write where it can; apply()
# rolls back to its savepoint on a rejection in any case.


def _marks(conn: sqlite3.Connection, record_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT text, case_reference, added_at FROM dispute_marks WHERE record_id = ? ORDER BY id",
        (record_id,),
    )
    return [dict(row) for row in rows]


def _snapshot(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    return {
        "furnisher": row["furnisher"],
        "enterprise": {"uscc": row["uscc"], "name": row["enterprise_name"]},
        "fields": json.loads(row["fields"]),
        "deleted": bool(row["deleted"]),
        "dispute_marks": [
            {"text": mark["text"], "case_reference": mark["case_reference"]}
            for mark in _marks(conn, row["id"])
        ],
    }


def _find(conn: sqlite3.Connection, message: Mapping[str, Any]) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM records WHERE record_kind = ? AND business_id = ?",
        (message["record_kind"], message["business_id"]),
    ).fetchone()
    return row


def _live_own_record(conn: sqlite3.Connection, message: Mapping[str, Any]) -> sqlite3.Row:
    row = _find(conn, message)
    if row is None or row["deleted"]:
        raise _Rejected(
            RejectionCode.RECORD_NOT_FOUND,
            f"业务标识码 {message['business_id']} 对应的记录不存在或已删除",
        )
    # REGULATIONS.md §3.5: the record to correct must belong to the provider sending the message.
    if row["furnisher"] != message["furnisher"]:
        raise _Rejected(RejectionCode.NOT_OWN_RECORD, "待更正业务标识码不属于本数据提供机构")
    return row


def _upsert_enterprise(conn: sqlite3.Connection, uscc: str, name: str, now: str) -> None:
    conn.execute(
        "INSERT INTO enterprises (uscc, name, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
        (uscc, name, now),
    )


def _save(
    conn: sqlite3.Connection,
    message: Mapping[str, Any],
    record_id: int,
    before: dict[str, Any] | None,
    now: str,
    **changes: Any,
) -> None:
    """Write ``changes`` to the record and a history entry with its state before and after."""
    if changes:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(
            f"UPDATE records SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608 - column names are ours
            (*changes.values(), now, record_id),
        )
    else:
        conn.execute("UPDATE records SET updated_at = ? WHERE id = ?", (now, record_id))
    row = conn.execute("SELECT * FROM records WHERE id = ?", (record_id,)).fetchone()
    conn.execute(
        "INSERT INTO record_history (record_id, message_id, operation, before, after, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            record_id,
            message["message_id"],
            message["operation"],
            None if before is None else canonical_json(before),
            canonical_json(_snapshot(conn, row)),
            now,
        ),
    )


def _report(conn: sqlite3.Connection, message: Mapping[str, Any], now: str) -> None:
    """Create the record, or replace it: a provider re-reports its own records every month."""
    row = _find(conn, message)
    if row is not None and not row["deleted"] and row["furnisher"] != message["furnisher"]:
        raise _Rejected(RejectionCode.RECORD_EXISTS, "该业务标识码的记录已由其他数据提供机构报送")
    enterprise = message["enterprise"]
    _upsert_enterprise(conn, enterprise["uscc"], enterprise["name"], now)
    values = {
        "furnisher": message["furnisher"],
        "uscc": enterprise["uscc"],
        "enterprise_name": enterprise["name"],
        "fields": canonical_json(message["record"]),
        "deleted": 0,
    }
    if row is None:
        cursor = conn.execute(
            "INSERT INTO records (record_kind, business_id, furnisher, uscc, enterprise_name,"
            " fields, deleted, created_at, updated_at)"
            " VALUES (:kind, :business_id, :furnisher, :uscc, :enterprise_name, :fields, 0,"
            " :now, :now)",
            {
                **values,
                "kind": message["record_kind"],
                "business_id": message["business_id"],
                "now": now,
            },
        )
        _save(conn, message, int(cursor.lastrowid or 0), None, now)
        return
    before = _snapshot(conn, row)
    if row["deleted"]:  # a new record under an old business id: the old marks are not its marks
        conn.execute("DELETE FROM dispute_marks WHERE record_id = ?", (row["id"],))
    _save(conn, message, row["id"], before, now, **values)


def _identity_change(conn: sqlite3.Connection, message: Mapping[str, Any], now: str) -> None:
    """Move the record to another enterprise identity (标识变更)."""
    row = _live_own_record(conn, message)
    new = {change["field"]: change["new"] for change in message["changes"]}
    uscc = new.get("uscc", row["uscc"])
    name = new.get("name", row["enterprise_name"])
    _upsert_enterprise(conn, uscc, name, now)
    before = _snapshot(conn, row)
    _save(conn, message, row["id"], before, now, uscc=uscc, enterprise_name=name)


def _set_fields(
    conn: sqlite3.Connection, message: Mapping[str, Any], now: str, values: dict[str, Any]
) -> None:
    row = _live_own_record(conn, message)
    fields = json.loads(row["fields"])
    unknown = [name for name in values if name not in fields]
    if unknown:
        raise _Rejected(RejectionCode.FIELD_UNKNOWN, f"记录中不存在字段：{'、'.join(unknown)}")
    before = _snapshot(conn, row)
    _save(conn, message, row["id"], before, now, fields=canonical_json({**fields, **values}))


def _segment_correct(conn: sqlite3.Connection, message: Mapping[str, Any], now: str) -> None:
    values = {change["field"]: change["new"] for change in message["changes"]}
    _set_fields(conn, message, now, values)


def _segment_delete(conn: sqlite3.Connection, message: Mapping[str, Any], now: str) -> None:
    _set_fields(conn, message, now, dict.fromkeys(message["fields"]))


def _record_delete(conn: sqlite3.Connection, message: Mapping[str, Any], now: str) -> None:
    row = _live_own_record(conn, message)
    _save(conn, message, row["id"], _snapshot(conn, row), now, deleted=1)


def _dispute_mark_add(conn: sqlite3.Connection, message: Mapping[str, Any], now: str) -> None:
    row = _live_own_record(conn, message)
    before = _snapshot(conn, row)
    mark = message["mark"]
    conn.execute(
        "INSERT INTO dispute_marks (record_id, text, case_reference, message_id, added_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            row["id"],
            mark["text"],
            mark.get("case_reference", message.get("case_reference")),
            message["message_id"],
            now,
        ),
    )
    _save(conn, message, row["id"], before, now)


def _dispute_mark_remove(conn: sqlite3.Connection, message: Mapping[str, Any], now: str) -> None:
    """Remove the marks of the message's case_reference, or every mark when it names none."""
    row = _live_own_record(conn, message)
    before = _snapshot(conn, row)
    case_reference = message.get("case_reference")
    if case_reference is None:
        cursor = conn.execute("DELETE FROM dispute_marks WHERE record_id = ?", (row["id"],))
    else:
        cursor = conn.execute(
            "DELETE FROM dispute_marks WHERE record_id = ? AND case_reference = ?",
            (row["id"], case_reference),
        )
    if cursor.rowcount == 0:
        where = f"案件编号 {case_reference} 的" if case_reference else ""
        raise _Rejected(RejectionCode.MARK_NOT_FOUND, f"该记录没有{where}异议标注")
    _save(conn, message, row["id"], before, now)


_OPERATIONS: dict[str, Callable[[sqlite3.Connection, Mapping[str, Any], str], None]] = {
    "report": _report,
    "identity_change": _identity_change,
    "segment_correct": _segment_correct,
    "segment_delete": _segment_delete,
    "record_delete": _record_delete,
    "dispute_mark_add": _dispute_mark_add,
    "dispute_mark_remove": _dispute_mark_remove,
}
