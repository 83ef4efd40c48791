"""Append-only enforced by the database itself: triggers that refuse UPDATE and DELETE on the
evidence log and its checkpoints, and an INSERT into the log at any index but the next one.

The triggers are the same in intent on SQLite and PostgreSQL; on PostgreSQL a statement-level
trigger also refuses TRUNCATE. They are installed by the app's migration and, because a
test database is emptied between transactional tests with ``flush`` (``DELETE`` on SQLite,
``TRUNCATE`` on PostgreSQL), lifted for exactly that command by the app's own ``flush``
(``xiufu/evidence/management/commands/flush.py``), which refuses to run in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The tables whose rows can never change or disappear.
APPEND_ONLY_TABLES = ("evidence_logentry", "evidence_signedcheckpoint")
HEAD_TABLE = "evidence_loghead"
#: The message every refusal carries (tests and operators look for it).
REFUSAL = "evidence log is append-only"

_SQLITE_INSTALL = [
    *(
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: {op} on {table} refused'); END"
        for table in APPEND_ONLY_TABLES
        for op in ("UPDATE", "DELETE")
    ),
    # Entries are numbered 0, 1, 2, … with no gap and no reuse.
    "CREATE TRIGGER IF NOT EXISTS evidence_logentry_contiguous BEFORE INSERT ON evidence_logentry "  # noqa: S608
    "WHEN NEW.leaf_index <> (SELECT COALESCE(MAX(leaf_index), -1) + 1 FROM evidence_logentry) "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: entries are appended at the next index'); END",
    # The head only moves forward and is never removed.
    f"CREATE TRIGGER IF NOT EXISTS {HEAD_TABLE}_forward BEFORE UPDATE ON {HEAD_TABLE} "
    "WHEN NEW.size < OLD.size OR NEW.epoch <> OLD.epoch "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: the log head only moves forward'); END",
    f"CREATE TRIGGER IF NOT EXISTS {HEAD_TABLE}_no_delete BEFORE DELETE ON {HEAD_TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE on {HEAD_TABLE} refused'); END",
]
_SQLITE_TRIGGERS = [
    *(f"{table}_no_{op}" for table in APPEND_ONLY_TABLES for op in ("update", "delete")),
    "evidence_logentry_contiguous",
    f"{HEAD_TABLE}_forward",
    f"{HEAD_TABLE}_no_delete",
]

# SQLSTATE 23000 (integrity_constraint_violation): Django raises IntegrityError, as on SQLite.
_PG_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION evidence_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION evidence_require_next_index() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.leaf_index <> (SELECT COALESCE(MAX(leaf_index), -1) + 1 FROM evidence_logentry) THEN
            RAISE EXCEPTION '{REFUSAL}: entries are appended at the next index'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,  # noqa: S608 (constants only)
    f"""
    CREATE OR REPLACE FUNCTION evidence_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.size < OLD.size OR NEW.epoch <> OLD.epoch THEN
            RAISE EXCEPTION '{REFUSAL}: the log head only moves forward'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    *(
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION evidence_refuse_change()"
        for table in APPEND_ONLY_TABLES
    ),
    *(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION evidence_refuse_change()"
        for table in (*APPEND_ONLY_TABLES, HEAD_TABLE)
    ),
    "CREATE TRIGGER evidence_logentry_contiguous BEFORE INSERT ON evidence_logentry "
    "FOR EACH ROW EXECUTE FUNCTION evidence_require_next_index()",
    f"CREATE TRIGGER {HEAD_TABLE}_forward BEFORE UPDATE ON {HEAD_TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION evidence_head_forward()",
    f"CREATE TRIGGER {HEAD_TABLE}_no_delete BEFORE DELETE ON {HEAD_TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION evidence_refuse_change()",
]
_PG_TRIGGERS = [
    *(
        (f"{table}_{what}", table)
        for table in APPEND_ONLY_TABLES
        for what in ("no_change", "no_truncate")
    ),
    (f"{HEAD_TABLE}_no_truncate", HEAD_TABLE),
    ("evidence_logentry_contiguous", "evidence_logentry"),
    (f"{HEAD_TABLE}_forward", HEAD_TABLE),
    (f"{HEAD_TABLE}_no_delete", HEAD_TABLE),
]


def install_guards(connection: Any) -> None:
    """Create the triggers (idempotent on SQLite; run once per database on PostgreSQL)."""
    with connection.cursor() as cursor:
        for statement in _install_statements(connection):
            cursor.execute(statement)


def remove_guards(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for name, table in _PG_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def guards_installed(connection: Any) -> bool:
    """Whether every trigger is in place (``xiufu check`` and the tests ask)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
            return set(_SQLITE_TRIGGERS) <= present
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
                "(SELECT oid FROM pg_class WHERE relname = ANY(%s))",
                [[*APPEND_ONLY_TABLES, HEAD_TABLE]],
            )
            present = {row[0] for row in cursor.fetchall()}
            return {name for name, _table in _PG_TRIGGERS} <= present
    return False


@contextmanager
def guards_lifted(connection: Any) -> Iterator[None]:
    """Remove the triggers for the duration of the block and put them back, whatever happens."""
    remove_guards(connection)
    try:
        yield
    finally:
        install_guards(connection)


def _install_statements(connection: Any) -> list[str]:
    if connection.vendor == "sqlite":
        return _SQLITE_INSTALL
    if connection.vendor == "postgresql":
        # CREATE TRIGGER has no IF NOT EXISTS before PostgreSQL 17: drop first.
        drops = [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _PG_TRIGGERS]
        return drops + _PG_INSTALL
    raise NotImplementedError(f"no append-only guards for the {connection.vendor} backend")
