"""Bureau adapters: how a correction submission leaves xiufu and how feedback comes back.

A registry of small classes. Two kinds:

* **Outbox adapters** (``outbox = True``) receive one xiufu-bureau-message/1 at a time from the
  outbox worker (``deliver``), report the bureau's feedback from a cursor (``feedback``) and can
  read a record back as the bureau holds it (``read_record``): the sandbox adapter, which speaks
  HTTP to ``xiufu sandbox-bureau`` (or any service with the same protocol,
  docs/bureau-protocol.md), and the file-drop adapter, which writes each message into a batch
  directory for institutions that upload files by hand (feedback is then entered by the reporter).
* **Direct adapters** answer at once inside the case action (``submit``/``poll``): the in-process
  loopback, which acknowledges and confirms everything (tests, and a machine with no sandbox), and
  the manual adapter.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy

from xiufu.bureau.messages import OPERATION_FOR_ACTION, PROTOCOL_KINDS, record_type_for


@dataclass(frozen=True)
class Receipt:
    reference: str
    acknowledged: bool


@dataclass(frozen=True)
class Feedback:
    accepted: bool
    reason: str = ""


@dataclass(frozen=True)
class Delivery:
    """What became of one delivery attempt: delivered (with the bureau's receipt), worth retrying
    (the bureau is down, slow or unreachable), or refused for good (the message is malformed)."""

    delivered: bool
    receipt: str = ""
    retry: bool = False
    error: str = ""


@dataclass(frozen=True)
class FeedbackEvent:
    seq: int
    message_id: str
    accepted: bool
    error_code: str = ""
    error_message: str = ""


class BureauAdapter:
    code: ClassVar[str]
    label: ClassVar[Any]  # a lazily translated string
    outbox: ClassVar[bool] = False

    def deliver(self, message: dict[str, Any]) -> Delivery:
        raise NotImplementedError

    def feedback(self, after: int) -> tuple[list[FeedbackEvent], int]:
        """Feedback events after the cursor ``after``, and the new cursor."""
        raise NotImplementedError

    def read_record(self, record_kind: str, business_id: str) -> dict[str, Any] | None:
        """The record as the bureau holds it (``None``: unknown or unreadable)."""
        raise NotImplementedError

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


class SandboxAdapter(BureauAdapter):
    """HTTP to the sandbox bureau (``xiufu sandbox-bureau``) or any service speaking its protocol.

    A connection error, a timeout, a 5xx or a dropped connection is worth retrying: the message
    carries its idempotency key, so a retry of a message the bureau already stored is answered
    as a duplicate and applied once. A 4xx other than 409 means the message itself is wrong."""

    code = "sandbox"
    label = gettext_lazy("沙箱征信系统（HTTP）")
    outbox = True

    def __init__(self) -> None:
        import requests
        from django.conf import settings

        self.url = settings.BUREAU_SANDBOX_URL.rstrip("/")
        self.timeout = settings.BUREAU_TIMEOUT_SECONDS
        self.furnisher = settings.FURNISHER_CODE
        # One session per adapter (a worker's pass), kept-alive connections where the bureau
        # allows them; the sandbox is reached directly, never through a proxy from the
        # environment (which requests would otherwise look up again for every message).
        self.session = requests.Session()
        self.session.trust_env = False

    def _request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        response = self.session.request(
            method, f"{self.url}{path}", json=body, timeout=self.timeout, allow_redirects=False
        )
        try:
            data = response.json()
        except ValueError:
            data = {}
        return response.status_code, data

    def deliver(self, message: dict[str, Any]) -> Delivery:
        import requests

        try:
            status, body = self._request("POST", "/v1/messages", message)
        except requests.RequestException as exc:
            return Delivery(False, retry=True, error=f"{type(exc).__name__}: {exc}"[:500])
        if status in (200, 202):
            return Delivery(True, receipt=str(body.get("receipt", "")))
        error = f"HTTP {status} {body.get('error', '')}: {body.get('errors') or ''}"[:500]
        return Delivery(False, retry=status >= 500 or status in (408, 429), error=error)

    def feedback(self, after: int) -> tuple[list[FeedbackEvent], int]:
        status, body = self._request(
            "GET", f"/v1/feedback?furnisher={self.furnisher}&after={after}&limit=500"
        )
        if status != 200:
            raise ConnectionError(f"feedback: HTTP {status}")
        events = [
            FeedbackEvent(
                seq=int(e["seq"]),
                message_id=str(e["message_id"]),
                accepted=e["status"] == "accepted",
                error_code=e.get("error_code") or "",
                error_message=e.get("error_message") or "",
            )
            for e in body.get("feedback", [])
        ]
        return events, int(body.get("next", after))

    def read_record(self, record_kind: str, business_id: str) -> dict[str, Any] | None:
        from urllib.parse import quote

        status, body = self._request("GET", f"/v1/records/{record_kind}/{quote(business_id)}")
        return body if status == 200 else None


class FileDropAdapter(BureauAdapter):
    """For institutions that upload batch files by hand: each message is written, as delivered,
    into ``XIUFU_BUREAU_DROP_DIR`` as one JSON file named by its idempotency key (rewriting the
    same file on a retry). The bureau's feedback is entered by the reporter on the case page."""

    code = "filedrop"
    label = gettext_lazy("文件报送（生成报文文件，人工上传）")
    outbox = True

    def deliver(self, message: dict[str, Any]) -> Delivery:
        import json
        import os

        from django.conf import settings

        directory = settings.BUREAU_DROP_DIR
        try:
            directory.mkdir(parents=True, exist_ok=True)
            target = directory / f"{message['message_id']}.json"
            partial = target.with_suffix(".part")
            partial.write_text(json.dumps(message, ensure_ascii=False, indent=2), "utf-8")
            os.replace(partial, target)
        except OSError as exc:
            return Delivery(False, retry=True, error=str(exc)[:500])
        return Delivery(True, receipt=f"FILE-{message['message_id']}")

    def feedback(self, after: int) -> tuple[list[FeedbackEvent], int]:
        return [], after

    def read_record(self, record_kind: str, business_id: str) -> dict[str, Any] | None:
        return None


ADAPTERS: dict[str, type[BureauAdapter]] = {
    adapter.code: adapter
    for adapter in (InProcessAdapter, ManualAdapter, SandboxAdapter, FileDropAdapter)
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


def goes_through_outbox(code: str | None = None) -> bool:
    """Whether the adapter (the configured one by default) takes its messages from the outbox;
    answered from the class, without opening the adapter's connections."""
    from django.conf import settings

    chosen = ADAPTERS.get(code or settings.BUREAU_ADAPTER)
    return bool(chosen is not None and chosen.outbox)


def message_for(*, record_kind: str, action: str, business_id: str, changes: list[dict]) -> dict:
    """The summary a direct adapter records for one proposal (the outbox sends full messages)."""
    return {
        "record_type": record_type_for(PROTOCOL_KINDS[record_kind], OPERATION_FOR_ACTION[action]),
        "business_id": business_id,
        "action": action,
        "changes": changes,
    }
