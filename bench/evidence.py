#!/usr/bin/env python3
"""Benchmark of the evidence ledger (xiufu/evidence): appends, inclusion proofs, checkpoints and
receipt verification, each printed as a ratio against a baseline measured in the same run and
against its target. Nothing is asserted: the machines are shared and noisy, so the figures are
read, not tested (see bench/README.md).

    python bench/evidence.py                          10^5 and 10^6 entries, SQLite and PostgreSQL
    python bench/evidence.py --quick                  10^4 and 10^5 entries (a smoke run)
    python bench/evidence.py --database sqlite        one database only
    python bench/evidence.py --entries 200000 --batch 500

Every database is measured in a fresh subprocess of this script (``--_worker``) with its own
temporary ``XIUFU_DATA_DIR`` (keys, salt, local timestamp authority), so that Django's settings
and the ledger's in-process caches start empty. SQLite gets a new database file there.
PostgreSQL gets a new database, created (and dropped afterwards) either on the server of
``DATABASE_URL`` if that is a ``postgres://`` URL, or on a private cluster started for the run
like ``scripts/test`` does (initdb and pg_ctl, as the postgres user when run as root, on a free
port, in a temporary directory), but with PostgreSQL's default, durable settings (fsync on).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import hashlib
import json
import math
import os
import platform
import resource
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

#: Appends per second (Trillian's MySQL backend: 400-500/s; Tessera: 1,500/s+ on a small VM).
TARGET_APPENDS_PER_SECOND = 1000.0
#: Inclusion proof generation, 95th percentile, at 10^6 entries.
TARGET_PROOF_P95_MS = 5.0
#: Verifying one receipt, beyond the time it takes to hash the file.
TARGET_VERIFY_MS = 10.0

PROOF_SAMPLES = 1000
VERIFY_RUNS = 50
VERIFY_WARMUP = 3
ENCODE_SAMPLE = 10_000
RECEIPT_FILE_SIZE = 1024 * 1024
SEED = 20261130
DEFAULT_ENTRIES = (100_000, 1_000_000)
QUICK_ENTRIES = (10_000, 100_000)

DATABASE_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


# --- small helpers ------------------------------------------------------------------------------


def _progress(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


def _percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.95 for p95)."""
    ordered = sorted(values)
    rank = math.ceil(round(fraction * len(ordered), 9))
    return ordered[max(1, min(len(ordered), rank)) - 1]


def _summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    return {
        "p50": _percentile(seconds, 0.50) * 1000,
        "p95": _percentile(seconds, 0.95) * 1000,
        "max": max(seconds) * 1000,
    }


def _rss_mib() -> float:
    """The current resident set size of this process, in MiB (Linux; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _chunks(total: int, batch: int, milestones: Sequence[int]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` ranges of at most ``batch`` entries covering ``[0, total)``, never
    straddling a milestone."""
    start = 0
    stops = sorted(set(milestones))
    while start < total:
        end = min(start + batch, total)
        for stop in stops:
            if start < stop < end:
                end = stop
                break
        yield start, end
        start = end


# --- the worker: one database, in its own process -----------------------------------------------


def _database_facts(vendor: str) -> dict[str, Any]:
    from django.db import connection

    facts: dict[str, Any] = {"vendor": vendor}
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            facts["version"] = cursor.fetchone()[0]
            cursor.execute("PRAGMA journal_mode")
            facts["journal_mode"] = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            level = cursor.fetchone()[0]
            facts["synchronous"] = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(level, level)
        else:
            for setting in ("server_version", "fsync", "synchronous_commit", "shared_buffers"):
                cursor.execute(f"SHOW {setting}")
                facts[setting] = cursor.fetchone()[0]
            facts["version"] = facts["server_version"]
    return facts


def _database_size(vendor: str) -> int:
    from django.db import connection

    if vendor == "sqlite":
        path = Path(str(connection.settings_dict["NAME"]))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def _make_records(
    count: int, special_index: int, special_sha256: str, special_size: int
) -> list[Any]:
    """``count`` plausible records (about five files per case, one in ten a letter); the one at
    ``special_index`` describes the real file of the receipt test."""
    import random

    from xiufu.evidence.ledger import LETTER, MATERIAL, Record

    rng = random.Random(SEED)  # noqa: S311 (test data, not secrets)
    media_types = ("application/pdf", "image/jpeg", "image/png", "application/pdf", "image/tiff")
    cases = [f"XF{2026_0000_0000 + n}" for n in range(max(1, count // 5))]
    start = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    records = []
    for i in range(count):
        letter = rng.random() < 0.1
        records.append(
            Record(
                kind=LETTER if letter else MATERIAL,
                sha256=hashlib.sha256(b"xiufu bench %d" % i).hexdigest(),
                size=rng.randrange(1_000, 20_000_000),
                media_type="application/pdf" if letter else rng.choice(media_types),
                case_number=cases[rng.randrange(len(cases))],
                received_at=start + timedelta(seconds=i // 10),
            )
        )
    special = records[special_index]
    records[special_index] = Record(
        kind=MATERIAL,
        sha256=special_sha256,
        size=special_size,
        media_type="application/pdf",
        case_number=special.case_number,
        received_at=special.received_at,
    )
    return records


def _time_calls(function: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def run_worker(vendor: str, milestones: list[int], batch: int, result_path: Path) -> None:
    import random

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from xiufu.evidence import keys, ledger, merkle
    from xiufu.evidence.models import LogEntry, LogHead
    from xiufu.evidence.verify import Outcome, verify_receipt

    label = DATABASE_LABELS[vendor]
    if connection.vendor != {"sqlite": "sqlite", "postgres": "postgresql"}[vendor]:
        raise SystemExit(f"worker {vendor}: Django is configured for {connection.vendor}")
    total = milestones[-1]
    rng = random.Random(SEED + 1)  # noqa: S311 (sampling, not secrets)
    result: dict[str, Any] = {"database": vendor, "entries": total, "batch": batch}

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    result["migrate_s"] = time.perf_counter() - started
    result["db"] = _database_facts(vendor)
    keys.log_signer()  # generate the key and salt now, not during the first append
    keys.case_ref("warm-up")
    _progress(f"{label}: migrated in {result['migrate_s']:.1f} s; building {total:,} records")

    # The file the receipt test verifies, and the record that describes it.
    data_dir = Path(os.environ["XIUFU_DATA_DIR"])
    receipt_file = data_dir / "receipt-subject.bin"
    receipt_file.write_bytes(os.urandom(RECEIPT_FILE_SIZE))
    file_sha256 = hashlib.sha256(receipt_file.read_bytes()).hexdigest()
    first_checkpoint = milestones[0] if len(milestones) > 1 else 0
    special_index = rng.randrange(first_checkpoint, total)

    # Records, built up front (not timed).
    rss_before = _rss_mib()
    records = _make_records(total, special_index, file_sha256, RECEIPT_FILE_SIZE)
    result["records_rss_mib"] = _rss_mib() - rss_before

    # Part of every append, measured apart on a sample: encoding a Record as its canonical
    # entry (HMAC of the case number, validation, canonical JSON).
    sample = records[: min(total, ENCODE_SAMPLE)]
    t0 = time.perf_counter()
    for record in sample:
        record.entry()
    result["encode_per_s"] = len(sample) / (time.perf_counter() - t0)

    # Appends, in batches, each in its own transaction as an upload would be. The baseline, timed
    # apart: the bare SHA-256 leaf hashing (merkle.leaf_hash) of the very entries just appended.
    _progress(f"{label}: appending {total:,} entries in batches of {batch:,}")
    batch_times: list[float] = []
    leaf_hashes: list[bytes] = []
    append_s = hash_s = 0.0
    append_at: dict[int, float] = {}
    hash_at: dict[int, float] = {}
    next_report = total // 10
    for start, end in _chunks(total, batch, milestones):
        part = records[start:end]
        t0 = time.perf_counter()
        with transaction.atomic():
            rows = ledger.append_many(part)
        elapsed = time.perf_counter() - t0
        append_s += elapsed
        batch_times.append(elapsed)

        entries = [row.entry.encode("utf-8") for row in rows]
        t0 = time.perf_counter()
        hashes = [merkle.leaf_hash(entry) for entry in entries]
        hash_s += time.perf_counter() - t0
        if hashes != [bytes(row.leaf_hash) for row in rows] or rows[0].index != start:
            raise SystemExit(f"{label}: the batch at {start} was not appended as expected")
        leaf_hashes.extend(hashes)

        if end in milestones:
            append_at[end], hash_at[end] = append_s, hash_s
            if end == first_checkpoint:
                # The ticker would have published checkpoints meanwhile: one here (not timed) so
                # that the final one carries a consistency proof, as it would in service.
                ledger.do_publish_checkpoint()
        if end >= next_report:
            _progress(f"{label}: {end:,} appended, {end / append_s:,.0f}/s so far")
            next_report += max(1, total // 10)
    head = LogHead.objects.get(pk=1)
    if head.size != total:
        raise SystemExit(f"{label}: the log head says {head.size} entries, expected {total}")

    result["milestones"] = [
        {
            "entries": m,
            "appends_per_s": m / append_at[m],
            "hash_per_s": m / hash_at[m],
            "segment_appends_per_s": (m - prev) / (append_at[m] - append_at.get(prev, 0.0)),
        }
        for prev, m in zip([0, *milestones[:-1]], milestones, strict=True)
    ]
    result["batch_ms"] = _summary_ms(batch_times)

    # Inclusion proofs at the final size: cold root first, then random leaves, each with
    # log_state() as a request would do (the head query included).
    _progress(f"{label}: cold root and {PROOF_SAMPLES:,} inclusion proofs at {total:,}")
    ledger._trees.clear()  # this process's node cache: start cold, like a restarted server
    t0 = time.perf_counter()
    size, tree = ledger.log_state()
    db_root = tree.root(size)
    result["cold_root_s"] = time.perf_counter() - t0
    memory_tree = merkle.MerkleTree.from_leaf_hashes(leaf_hashes)
    t0 = time.perf_counter()
    memory_root = memory_tree.root(total)
    result["memory_cold_root_s"] = time.perf_counter() - t0
    if db_root != memory_root:
        raise SystemExit(f"{label}: the database tree's root differs from the in-memory one")

    indices = [rng.randrange(total) for _ in range(PROOF_SAMPLES)]
    proof_times, proofs = [], []
    for index in indices:
        t0 = time.perf_counter()
        size, tree = ledger.log_state()
        proofs.append(tree.inclusion_proof(index, size))
        proof_times.append(time.perf_counter() - t0)
    memory_times = []
    for index in indices:
        t0 = time.perf_counter()
        memory_tree.inclusion_proof(index, total)
        memory_times.append(time.perf_counter() - t0)
    for index, proof in list(zip(indices, proofs, strict=True))[:: PROOF_SAMPLES // 20]:
        if not merkle.verify_inclusion(index, total, leaf_hashes[index], proof, db_root):
            raise SystemExit(f"{label}: the inclusion proof of entry {index} does not verify")
    result["proof_ms"] = _summary_ms(proof_times)
    result["memory_proof_ms"] = _summary_ms(memory_times)

    # Publishing a checkpoint at the final size (warm tree, consistency proof from the first
    # milestone, Ed25519 signature, local RFC 3161 timestamp, audit event).
    t0 = time.perf_counter()
    checkpoint = ledger.do_publish_checkpoint()
    result["checkpoint_ms"] = (time.perf_counter() - t0) * 1000
    if checkpoint is None or checkpoint.size != total:
        raise SystemExit(f"{label}: no checkpoint was published at size {total}")
    result["checkpoint_previous"] = checkpoint.previous_size

    # A receipt for the entry describing the real 1 MiB file, then its offline verification.
    _progress(f"{label}: receipt of entry {special_index:,}; verifying it {VERIFY_RUNS} times")
    entry = LogEntry.objects.get(index=special_index)
    t0 = time.perf_counter()
    receipt = ledger.build_receipt(entry, media_type="application/pdf", size=RECEIPT_FILE_SIZE)
    result["build_receipt_ms"] = (time.perf_counter() - t0) * 1000
    if receipt is None:
        raise SystemExit(f"{label}: no receipt could be built")
    receipt_json = receipt.to_json()

    def verify_with_file() -> None:
        with receipt_file.open("rb") as handle:
            verdict = verify_receipt(receipt_json, handle)
        if verdict.outcome != Outcome.VALID:
            raise SystemExit(f"{label}: the receipt does not verify: {verdict.line}")

    def verify_without_file() -> None:
        verdict = verify_receipt(receipt_json)
        if verdict.outcome != Outcome.VALID:
            raise SystemExit(f"{label}: the receipt does not verify: {verdict.line}")

    def hash_file() -> None:  # what verify_receipt does with the file: 1 MiB reads, SHA-256
        digest = hashlib.sha256()
        with receipt_file.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
        if digest.hexdigest() != file_sha256:
            raise SystemExit(f"{label}: the receipt file changed")

    result["verify_first_ms"] = _time_calls(verify_with_file, 1)[0] * 1000
    _time_calls(verify_with_file, VERIFY_WARMUP)
    _time_calls(hash_file, VERIFY_WARMUP)
    result["verify_ms"] = _summary_ms(_time_calls(verify_with_file, VERIFY_RUNS))
    result["hash_file_ms"] = _summary_ms(_time_calls(hash_file, VERIFY_RUNS))
    result["verify_receipt_only_ms"] = _summary_ms(_time_calls(verify_without_file, VERIFY_RUNS))
    result["receipt_proof_length"] = len(receipt.inclusion_proof)

    result["db_size_bytes"] = _database_size(vendor)
    result["peak_rss_mib"] = _peak_rss_mib()
    result_path.write_text(json.dumps(result, indent=2))
    _progress(f"{label}: done (peak RSS {result['peak_rss_mib']:,.0f} MiB)")


# --- the parent: environments, workers, the report ----------------------------------------------


class Skip(Exception):
    """A database cannot be measured here; the message says why."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _find_pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = glob.glob("/usr/lib/postgresql/*/bin/initdb")

    def version(path: str) -> tuple[int, ...]:
        part = Path(path).parent.parent.name
        return tuple(int(p) for p in part.split(".") if p.isdigit())

    return Path(max(candidates, key=version)).parent if candidates else None


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def _private_cluster(workdir: Path) -> Iterator[str]:
    """A PostgreSQL cluster of our own in ``workdir`` on a free port; yields its server URL."""
    pg_bin = _find_pg_bin()
    if pg_bin is None:
        raise Skip("no initdb found (PATH, /usr/lib/postgresql/*/bin): install PostgreSQL")
    workdir.mkdir(parents=True)
    data, sockets = workdir / "pgdata", workdir / "pgsocket"
    sockets.mkdir()
    workdir.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    initdb = [str(pg_bin / "initdb"), "-D", str(data), "-U", "xiufu", "-A", "trust", "-E", "UTF8"]
    subprocess.run(  # noqa: S603 (fixed arguments)
        _as_postgres([*initdb, "--locale=C.UTF-8"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    pg_ctl = [str(pg_bin / "pg_ctl"), "-D", str(data), "-w"]
    subprocess.run(  # noqa: S603 (fixed arguments)
        _as_postgres([*pg_ctl, "-l", str(workdir / "pg.log"), "-o", options, "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        _progress(f"PostgreSQL: private cluster ({pg_bin}) on 127.0.0.1:{port}")
        yield f"postgres://xiufu@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(  # noqa: S603 (fixed arguments)
            _as_postgres([*pg_ctl, "-m", "fast", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.contextmanager
def _own_database(server_url: str) -> Iterator[str]:
    """A new database of our own on the server of ``server_url`` (dropped afterwards); yields
    its URL."""
    import psycopg

    name = f"xiufu_bench_{secrets.token_hex(4)}"

    def admin() -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(server_url, autocommit=True)
        except psycopg.OperationalError:  # the URL's database may not exist yet
            return psycopg.connect(_with_database(server_url, "postgres"), autocommit=True)

    try:
        with admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        raise Skip(f"cannot create a database on {_masked(server_url)}: {exc}") from None
    try:
        yield _with_database(server_url, name)
    finally:
        with admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":****@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


@contextlib.contextmanager
def _database_url(vendor: str, workdir: Path) -> Iterator[str]:
    if vendor == "sqlite":
        yield f"sqlite:///{workdir / 'data' / 'bench.sqlite3'}"
        return
    given = os.environ.get("DATABASE_URL", "")
    if given.split("://", 1)[0] in {"postgres", "postgresql", "pgsql"}:
        _progress(f"PostgreSQL: a new database on DATABASE_URL's server {_masked(given)}")
        with _own_database(given) as url:
            yield url
        return
    with _private_cluster(workdir / "pg") as server, _own_database(server) as url:
        yield url


def _run_database(
    vendor: str, milestones: list[int], batch: int, workdir: Path
) -> dict[str, Any] | str:
    """Measure one database in a subprocess; its results, or why it was skipped."""
    label = DATABASE_LABELS[vendor]
    workdir.mkdir(parents=True)
    data_dir = workdir / "data"
    data_dir.mkdir()
    result_path = workdir / "result.json"
    print(f"== {label}", file=sys.stderr, flush=True)
    try:
        with _database_url(vendor, workdir) as url:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "XIUFU_DATA_DIR": str(data_dir),
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "XIUFU_LOG_LEVEL": "WARNING",
                "XIUFU_DEBUG": "false",
                "XIUFU_PRODUCTION": "false",
            }
            for inherited in ("XIUFU_EVIDENCE_KEY_DIR", "XIUFU_LOG_SIGNING_KEY", "XIUFU_TSA_URL"):
                env.pop(inherited, None)
            for inherited in ("XIUFU_LOG_SIGNING_KEY_FILE", "XIUFU_EVIDENCE_SALT", "SECRET_KEY"):
                env.pop(inherited, None)
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--_worker",
                vendor,
                "--entries",
                ",".join(str(m) for m in milestones),
                "--batch",
                str(batch),
                "--_result",
                str(result_path),
            ]
            completed = subprocess.run(command, env=env, cwd=ROOT, check=False)  # noqa: S603
    except Skip as skip:
        print(f"  {label} skipped: {skip}", file=sys.stderr, flush=True)
        return f"skipped: {skip}"
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"failed: {exc}"
    if completed.returncode != 0 or not result_path.exists():
        return f"failed: the worker exited with status {completed.returncode} (output above)"
    result: dict[str, Any] = json.loads(result_path.read_text())
    return result


def _int(n: float) -> str:
    return f"{n:,.0f}"


def _ratio(value: float, baseline: float) -> str:
    if baseline <= 0:
        return "—"
    ratio = value / baseline
    return f"{ratio:.3g}×" if ratio >= 0.001 else f"{ratio:.2e}×"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.ljust(widths[i]) if i in (0, 2) else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            ).rstrip()
        )
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _row(
    measure: str,
    measured: str,
    baseline: tuple[str, str, str] = ("", "", ""),
    target: tuple[str, str, str] = ("", "", ""),
) -> tuple[str, ...]:
    """One line of the table: the measure, its value, (baseline name, baseline value, ratio) and
    (target, ratio to the target, verdict)."""
    return (measure, measured, *baseline, *target)


def _report(result: dict[str, Any]) -> str:
    db = result["db"]
    label = DATABASE_LABELS[result["database"]]
    if result["database"] == "sqlite":
        setup = f"journal_mode={db['journal_mode']}, synchronous={db['synchronous']}"
    else:
        setup = (
            f"fsync={db['fsync']}, synchronous_commit={db['synchronous_commit']}, "
            f"shared_buffers={db['shared_buffers']}"
        )
    total = result["entries"]
    header = ("measure", "measured", "baseline (same run)", "", "÷ baseline", "target", "÷ target")
    rows: list[tuple[str, ...]] = [(*header, "verdict")]

    def appends(measure: str, rate: float, hash_rate: float) -> None:
        baseline = ("leaf_hash, same leaves", f"{_int(hash_rate)}/s", _ratio(rate, hash_rate))
        target = TARGET_APPENDS_PER_SECOND
        verdict = (f"≥ {_int(target)}/s", _ratio(rate, target), _verdict(rate >= target))
        rows.append(_row(measure, f"{_int(rate)}/s", baseline, verdict))

    first, *later = result["milestones"]
    for m in result["milestones"]:
        appends(f"appends/s, 0 → {m['entries']:,}", m["appends_per_s"], m["hash_per_s"])
    for m in later:
        measure = f"  of which the last {m['entries'] - first['entries']:,}"
        appends(measure, m["segment_appends_per_s"], m["hash_per_s"])
    hash_rate = result["milestones"][-1]["hash_per_s"]
    encode_rate = result["encode_per_s"]
    rows.append(
        _row(
            "  Record.entry() alone (part of an append)",
            f"{_int(encode_rate)}/s",
            ("leaf_hash, same leaves", f"{_int(hash_rate)}/s", _ratio(encode_rate, hash_rate)),
        )
    )
    batch = result["batch_ms"]
    rows.append(
        _row(
            f"batch of {result['batch']:,}, p50 / p95 / max",
            f"{batch['p50']:.0f} / {batch['p95']:.0f} / {batch['max']:.0f} ms",
        )
    )
    cold, memory_cold = result["cold_root_s"], result["memory_cold_root_s"]
    rows.append(
        _row(
            f"cold root at {total:,}",
            f"{cold * 1000:,.0f} ms",
            ("in-memory tree", f"{memory_cold * 1000:,.0f} ms", _ratio(cold, memory_cold)),
        )
    )
    proof, memory = result["proof_ms"], result["memory_proof_ms"]
    for key in ("p50", "p95", "max"):
        baseline = ("in-memory tree", f"{memory[key]:.2f} ms", _ratio(proof[key], memory[key]))
        target = ("", "", "")
        if key == "p95":
            ok = proof[key] <= TARGET_PROOF_P95_MS
            ratio = _ratio(proof[key], TARGET_PROOF_P95_MS)
            target = (f"≤ {TARGET_PROOF_P95_MS:g} ms", ratio, _verdict(ok))
        measure = f"inclusion proof {key} at {total:,}"
        rows.append(_row(measure, f"{proof[key]:.2f} ms", baseline, target))
    previous = result["checkpoint_previous"]
    since = f" (from {previous:,})" if previous else ""
    measure = f"publish checkpoint at {total:,}{since}"
    rows.append(_row(measure, f"{result['checkpoint_ms']:.1f} ms"))
    measure = f"build receipt ({result['receipt_proof_length']} proof hashes)"
    rows.append(_row(measure, f"{result['build_receipt_ms']:.1f} ms"))
    verify, hashing = result["verify_ms"], result["hash_file_ms"]
    size = f"{RECEIPT_FILE_SIZE // (1024 * 1024)} MiB"
    for key in ("p50", "p95"):
        ratio = _ratio(verify[key], hashing[key])
        sha = (f"SHA-256 of the {size}", f"{hashing[key]:.2f} ms", ratio)
        rows.append(_row(f"verify receipt + {size} file, {key}", f"{verify[key]:.2f} ms", sha))
    limit = f"≤ {TARGET_VERIFY_MS:g} ms"
    beyond = verify["p50"] - hashing["p50"]
    verdict = (limit, _ratio(beyond, TARGET_VERIFY_MS), _verdict(beyond <= TARGET_VERIFY_MS))
    rows.append(_row("  verify minus hashing, p50", f"{beyond:.2f} ms", target=verdict))
    only = result["verify_receipt_only_ms"]
    ok = only["p95"] <= TARGET_VERIFY_MS
    verdict = (limit, _ratio(only["p95"], TARGET_VERIFY_MS), _verdict(ok))
    measured = f"{only['p50']:.2f} / {only['p95']:.2f} ms"
    rows.append(_row("  verify receipt alone (no file), p50 / p95", measured, target=verdict))
    measured = f"{result['verify_first_ms']:.2f} ms"
    rows.append(_row("  first verification in the process", measured))
    title = (
        f"{label} {db['version']} ({setup}): {total:,} entries, batches of "
        f"{result['batch']:,}; migrate {result['migrate_s']:.1f} s; database "
        f"{result['db_size_bytes'] / 2**20:,.0f} MiB; peak RSS {result['peak_rss_mib']:,.0f} MiB "
        f"(of which ≈{result['records_rss_mib']:,.0f} MiB the records built up front)"
    )
    return title + "\n\n" + _table(rows)


def _machine(results: dict[str, dict[str, Any] | str]) -> str:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    pg = next(
        (
            r["db"]["version"]
            for r in results.values()
            if isinstance(r, dict) and "server_version" in r["db"]
        ),
        "not measured",
    )
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        total_kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kib / 2**20:.1f} GiB RAM"
    load = ""
    with contextlib.suppress(OSError, AttributeError):
        load = "; load average now " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {usable} CPUs (nproc){memory}{', ' + cpu if cpu else ''}; "
        f"{platform.system()} {platform.release()}{load}\n"
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg}"
    )


def _parse_entries(text: str) -> list[int]:
    try:
        values = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of integers: {text!r}") from None
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError("entry counts must be positive")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--entries",
        type=_parse_entries,
        default=None,
        help="comma-separated milestones; the log grows to the largest (default 100000,1000000)",
    )
    parser.add_argument("--batch", type=int, default=1000, help="entries per transaction")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="10^4 and 10^5 entries")
    parser.add_argument("--_worker", choices=tuple(DATABASE_LABELS), help=argparse.SUPPRESS)
    parser.add_argument("--_result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.batch < 1:
        parser.error("--batch must be at least 1")
    milestones: list[int] = args.entries or list(QUICK_ENTRIES if args.quick else DEFAULT_ENTRIES)

    if args._worker:
        if args._result is None:
            parser.error("--_worker needs --_result")
        run_worker(args._worker, milestones, args.batch, args._result)
        return 0

    vendors = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    started, run_at = time.perf_counter(), datetime.now(UTC)
    print(
        f"evidence ledger benchmark, {run_at:%Y-%m-%d %H:%M} UTC: "
        f"{', '.join(f'{m:,}' for m in milestones)} entries, batches of {args.batch:,}",
        file=sys.stderr,
        flush=True,
    )
    results: dict[str, dict[str, Any] | str] = {}
    workroot = Path(tempfile.mkdtemp(prefix="xiufu-bench."))
    workroot.chmod(0o755)  # a private PostgreSQL cluster runs as another user inside
    try:
        for vendor in vendors:
            results[vendor] = _run_database(vendor, milestones, args.batch, workroot / vendor)
    finally:
        shutil.rmtree(workroot, ignore_errors=True)

    print()
    print(f"evidence ledger benchmark, run {run_at:%Y-%m-%d %H:%M} UTC (bench/evidence.py)")
    print(_machine(results))
    print(f"total wall time {time.perf_counter() - started:,.0f} s")
    failed = False
    for vendor, result in results.items():
        print()
        if isinstance(result, str):
            print(f"{DATABASE_LABELS[vendor]}: not measured, {result}")
            failed = failed or result.startswith("failed")
        else:
            print(_report(result))
    print()
    print(
        "Targets: appends ≥ 1,000/s (Trillian MySQL 400-500/s, Tessera ≥ 1,500/s); proof p95 "
        "≤ 5 ms at 10^6; verification ≤ 10 ms beyond hashing the file. Printed, never asserted."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
