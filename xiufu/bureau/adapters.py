"""Bureau adapters: how a correction submission leaves xiufu and how feedback comes back.

A registry of small classes with ``code``, ``label``, ``submit`` and ``poll``. For now there are the
in-process adapter, which stands in for the credit reporting system inside this process (it
acknowledges every submission and confirms it when polled), and the manual adapter, for
institutions that upload files by hand and enter the bureau's feedback themselves. The real
connector with its outbox and the sandbox bureau service come in a later issue; the interface
stays.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

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
    label: ClassVar[Any]  # a lazily translated string

    def submit(self, messages: list[dict[str, Any]]) -> Receipt:
        raise NotImplementedError

    def poll(self, reference: str) -> Feedback | None:
        raise NotImplementedError


class InProcessAdapter(BureauAdapter):
    """Acknowledges at once and confirms on the first poll: the loopback stand-in."""

    code = "inprocess"
    label = gettext_lazy("进程内模拟征信系统")

    def submit(self, messages: list[dict[str, Any]]) -> Receipt:
        return Receipt(reference=f"INPROC-{uuid.uuid4().hex[:12]}", acknowledged=True)

    def poll(self, reference: str) -> Feedback | None:
        return Feedback(accepted=True)


class ManualAdapter(BureauAdapter):
    """For institutions that upload correction files by hand: nothing is sent from here; the
    reporter records the bureau's receipt and its feedback in xiufu as they arrive."""

    code = "manual"
    label = gettext_lazy("人工报送（报送员上传文件并录入反馈）")

    def submit(self, messages: list[dict[str, Any]]) -> Receipt:
        return Receipt(reference=f"MANUAL-{uuid.uuid4().hex[:12]}", acknowledged=False)

    def poll(self, reference: str) -> Feedback | None:
        return None


ADAPTERS: dict[str, type[BureauAdapter]] = {
    adapter.code: adapter for adapter in (InProcessAdapter, ManualAdapter)
}


def adapter(code: str | None = None) -> BureauAdapter:
    from django.conf import settings
    from django.utils.translation import gettext as _

    from xiufu.core.errors import ErrorCode, InvalidInput

    chosen = code or settings.BUREAU_ADAPTER
    if chosen not in ADAPTERS:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("报送通道“%(adapter)s”不存在。") % {"adapter": chosen},
            details={"field": "adapter", "choices": sorted(ADAPTERS)},
        )
    return ADAPTERS[chosen]()


def message_for(*, record_kind: str, action: str, business_id: str, changes: list[dict]) -> dict:
    return {
        "record_type": RECORD_TYPES[(record_kind, action)],
        "business_id": business_id,
        "action": action,
        "changes": changes,
    }
