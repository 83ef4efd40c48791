"""``xiufu manage evidence_checkpoint``: publish a checkpoint now if the log grew, and show the
log's state (the ticker does the same every few seconds)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xiufu.evidence.ledger import do_publish_checkpoint, latest_checkpoint, log_state


class Command(BaseCommand):
    help = "Publish a signed, timestamped checkpoint of the evidence log if it grew."

    def handle(self, *args: Any, **options: Any) -> None:
        published = do_publish_checkpoint()
        size, _tree = log_state()
        latest = latest_checkpoint()
        covered = latest.size if latest else 0
        state = "published" if published else "unchanged"
        self.stdout.write(f"{state}: log size {size}, latest checkpoint covers {covered}")
