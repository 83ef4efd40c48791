"""What ``xiufu check`` shows: the effective configuration, secrets masked, and system checks."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from xiufu.core.env import Env, mask_secret, mask_url_password
from xiufu.core.health import check_health


def effective_configuration() -> Iterator[tuple[str, str]]:
    env = Env()
    database = settings.DATABASES["default"]
    url = env.string("DATABASE_URL") or f"sqlite:///{database['NAME']}"
    yield "XIUFU_DATA_DIR", str(settings.DATA_DIR)
    yield "XIUFU_PRODUCTION", str(settings.PRODUCTION)
    yield "DATABASE_URL", mask_url_password(url)
    yield "database engine", str(database["ENGINE"]).rsplit(".", 1)[-1]
    yield "SECRET_KEY", mask_secret(settings.SECRET_KEY)
    yield "XIUFU_ALLOWED_HOSTS", ",".join(settings.ALLOWED_HOSTS)
    yield "XIUFU_STORAGE", settings.STORAGE_BACKEND
    if settings.STORAGE_BACKEND == "s3":
        options = settings.STORAGES["default"]["OPTIONS"]
        yield "XIUFU_S3_BUCKET", str(options["bucket_name"])
        yield "XIUFU_S3_ENDPOINT_URL", str(options["endpoint_url"] or "(AWS default)")
        yield "AWS_SECRET_ACCESS_KEY", mask_secret(env.string("AWS_SECRET_ACCESS_KEY"))
    else:
        yield "media root", str(settings.MEDIA_ROOT)
    yield "XIUFU_MAX_BODY_BYTES", str(settings.MAX_REQUEST_BODY_BYTES)
    yield "XIUFU_LOGIN_FAILURE_LIMIT", str(settings.AXES_FAILURE_LIMIT)
    yield "XIUFU_FURNISHER_CODE", settings.FURNISHER_CODE
    yield "XIUFU_LOG_FORMAT", settings.LOG_FORMAT
    yield (
        "XIUFU_LOG_SIGNING_KEY",
        (
            "(environment)"
            if settings.EVIDENCE_SIGNING_KEY
            else settings.EVIDENCE_SIGNING_KEY_FILE
            or f"{settings.EVIDENCE_KEY_DIR}/log-signing.key"
        ),
    )
    yield "XIUFU_TSA_URL", settings.EVIDENCE_TSA_URL or "(embedded local authority: local trust)"


def _check_storage() -> tuple[bool, str]:
    name = f"healthcheck/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"xiufu"))
        with default_storage.open(saved) as handle:
            ok = handle.read() == b"xiufu"
        default_storage.delete(saved)
    except Exception as exc:
        return False, f"{exc.__class__.__name__}: {exc}"
    return ok, "write, read and delete succeeded" if ok else "read back different content"


def run_system_checks() -> Iterator[tuple[str, bool, str]]:
    report = check_health(use_cache=False)
    yield (
        "database",
        report.database,
        "reachable" if report.database else "; ".join(report.problems),
    )
    if report.database:
        pending = report.pending_migrations
        detail = "all applied" if not pending else f"pending: {', '.join(pending[:10])}"
        yield "migrations", report.migrations_applied, detail
    yield "storage", *_check_storage()
    if report.database and report.migrations_applied:
        yield "evidence log", *_check_evidence()


def _check_evidence() -> tuple[bool, str]:
    """The append-only triggers are in place, the key loads, and the latest checkpoint verifies
    with it."""
    from django.db import connection

    from xiufu.evidence import keys, ledger
    from xiufu.evidence.dbguard import guards_installed

    if not guards_installed(connection):
        return False, "append-only triggers are missing"
    try:
        signer = keys.log_signer()
        latest = ledger.latest_checkpoint()
        if latest is not None:
            ledger.verify_stored_checkpoint(latest)
    except Exception as exc:
        return False, f"{exc.__class__.__name__}: {exc}"
    size, _tree = ledger.log_state()
    covered = latest.size if latest else 0
    return True, f"append-only; key {signer.vkey}; {size} entries, checkpoint covers {covered}"
