"""In-process periodic jobs for the embedded default (no separate worker needed).

``xiufu serve`` starts ``xiufu ticker`` as a separate process (not a thread in gunicorn's master,
whose forks would share its database connection); it runs each registered job at its interval and
logs, never raises. Jobs are idempotent system actions, so running one
twice (or in two servers at once against one database) does no harm.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger("xiufu.ticker")


@dataclass(frozen=True)
class Job:
    code: str
    every_seconds: float
    run: Callable[[], object]


def _check_clocks() -> object:
    from xiufu.cases.actions import do_check_clocks

    return do_check_clocks()


def _poll_bureau() -> object:
    from xiufu.cases.actions import do_poll_bureau

    return do_poll_bureau()


def _deliver_outbox() -> object:
    from xiufu.bureau.outbox import deliver_due

    return deliver_due()


def _poll_outbox_feedback() -> object:
    from xiufu.bureau.outbox import poll_feedback

    return poll_feedback()


def _publish_checkpoint() -> object:
    from xiufu.evidence.ledger import do_publish_checkpoint

    return do_publish_checkpoint()


JOBS: tuple[Job, ...] = (
    Job("check_clocks", 600, _check_clocks),
    Job("poll_bureau", 15, _poll_bureau),
    Job("deliver_outbox", 1, _deliver_outbox),
    Job("poll_outbox_feedback", 2, _poll_outbox_feedback),
    Job("publish_checkpoint", settings.EVIDENCE_CHECKPOINT_SECONDS, _publish_checkpoint),
)


def run_due_jobs(last_run: dict[str, float], now: float) -> None:
    for job in JOBS:
        if now - last_run.get(job.code, 0.0) < job.every_seconds:
            continue
        last_run[job.code] = now
        try:
            result = job.run()
            logger.info("job done", extra={"job": job.code, "result": repr(result)[:200]})
        except Exception:
            logger.exception("job failed", extra={"job": job.code})


def start_ticker(stop: threading.Event | None = None, *, tick: float = 1.0) -> threading.Thread:
    stop = stop or threading.Event()
    last_run: dict[str, float] = {}

    def loop() -> None:
        while not stop.is_set():
            run_due_jobs(last_run, time.monotonic())
            # a long-lived process: drop connections the database has closed or that are stale
            close_old_connections()
            stop.wait(tick)

    thread = threading.Thread(target=loop, name="xiufu-ticker", daemon=True)
    thread.start()
    return thread


def spawn_ticker_process() -> subprocess.Popen[bytes]:
    """Start ``xiufu ticker`` beside the web server, with the same environment."""
    return subprocess.Popen([sys.executable, "-m", "xiufu.cli", "ticker"])
