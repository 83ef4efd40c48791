"""Bureau adapters: how a correction submission leaves xiufu and how feedback comes back.

A registry of small classes with ``code``, ``label``, ``submit`` and ``poll``. For now there is the
in-process adapter, which stands in for the credit reporting system inside this process: it
acknowledges every submission and confirms it when polled. The real connector with its outbox and
the sandbox bureau service replace it in a later issue; the interface stays.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

# Record types of the second-generation reporting interface (REGULATIONS.md §3.5; our mapping).
RECORD_TYPES = {
    ("loans", "correct"): "412",
    ("loans", "delete"): "414",
    ("guarantees", "correct"): "442",
    ("guarantees", "delete"): "444",
    ("identity", "correct"): "310",
    ("identity", "delete"): "314",
    ("public_records", "correct"): "public_record_correction",
    ("public_records", "delete"): "public_record_deletion",
}


@dataclass(frozen=True)
class Receipt:
    reference: str
    acknowledged: bool


@dataclass(frozen=True)
class Feedback:
    accepted: bool
    reason: str = ""


class BureauAdapter:
    code: ClassVar[str]
    label: ClassVar[str]

    def submit(self, messages: list[dict[str, Any]]) -> Receipt:
        raise NotImplementedError

    def poll(self, reference: str) -> Feedback | None:
        raise NotImplementedError


class InProcessAdapter(BureauAdapter):
    """Acknowledges at once and confirms on the first poll: the loopback stand-in."""

    code = "inprocess"
    label = "进程内模拟征信系统"

    def submit(self, messages: list[dict[str, Any]]) -> Receipt:
        return Receipt(reference=f"INPROC-{uuid.uuid4().hex[:12]}", acknowledged=True)

    def poll(self, reference: str) -> Feedback | None:
        return Feedback(accepted=True)


ADAPTERS: dict[str, type[BureauAdapter]] = {InProcessAdapter.code: InProcessAdapter}


def adapter(code: str | None = None) -> BureauAdapter:
    from django.conf import settings

    return ADAPTERS[code or settings.BUREAU_ADAPTER]()


def message_for(*, record_kind: str, action: str, business_id: str, changes: list[dict]) -> dict:
    return {
        "record_type": RECORD_TYPES[(record_kind, action)],
        "business_id": business_id,
        "action": action,
        "changes": changes,
    }
