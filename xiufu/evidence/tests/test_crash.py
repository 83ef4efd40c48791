"""A process killed between appending to the log and publishing a checkpoint loses nothing: the
next checkpoint, published by another process, covers every committed entry, and an append
killed before its commit leaves no gap."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow

SETUP = """
import os, signal, sys
from datetime import UTC, datetime
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.db import transaction
from xiufu.evidence import ledger

def record(n):
    return ledger.Record(kind="material", sha256=f"{n:064x}", size=n, media_type="application/pdf",
                         case_number="YY-CRASH", received_at=datetime(2026, 11, 30, tzinfo=UTC))
"""


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SETUP + textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_crash_between_append_and_checkpoint_loses_nothing(tmp_path, fresh_database_url):
    env = {**os.environ, "XIUFU_DATA_DIR": str(tmp_path), "DATABASE_URL": fresh_database_url}
    migrate = subprocess.run(
        [sys.executable, "-m", "xiufu.cli", "manage", "migrate", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr

    # committed, then killed before any checkpoint
    crashed = _python(
        """
        with transaction.atomic():
            ledger.append_many([record(1), record(2), record(3)])
        os.kill(os.getpid(), signal.SIGKILL)
        """,
        env,
    )
    assert crashed.returncode == -9
    # killed inside the transaction: this append never happened
    crashed = _python(
        """
        with transaction.atomic():
            ledger.append(record(4))
            os.kill(os.getpid(), signal.SIGKILL)
        """,
        env,
    )
    assert crashed.returncode == -9

    published = subprocess.run(
        [sys.executable, "-m", "xiufu.cli", "manage", "evidence_checkpoint"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert published.returncode == 0, published.stderr
    assert "published: log size 3, latest checkpoint covers 3" in published.stdout

    checked = _python(
        """
        from xiufu.evidence.models import LogEntry
        from xiufu.evidence.verify import verify_receipt
        for entry in LogEntry.objects.order_by("index"):
            size = entry.index + 1  # record(n) has size n
            receipt = ledger.build_receipt(entry, media_type="application/pdf", size=size)
            print(entry.index, verify_receipt(receipt.to_json()).outcome.name)
        with transaction.atomic():
            print("next", ledger.append(record(5)).index)
        """,
        env,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.split("\n")[:4] == ["0 VALID", "1 VALID", "2 VALID", "next 3"]
