"""``xiufu bureau reconcile``: what the outbox believes the bureau applied, against what the bureau
shows.

The outbox's belief is replayed from its accepted messages, oldest first (a report sets the whole
record, a segment correction sets fields, a segment deletion empties them, a whole-record deletion
removes the record, marks are placed and removed per case). Each record is then read from the
bureau and every difference is listed, never only the first: a record the bureau does not hold, one
it still shows after a deletion (or no longer shows), a field whose value differs, a dispute mark
missing or left behind. Messages still on their way (pending, delivered without feedback) are
counted, not compared: the bureau may not have applied them yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from xiufu.bureau.adapters import BureauAdapter, adapter
from xiufu.bureau.models import OutboxMessage, OutboxStatus


@dataclass
class Belief:
    """One record as the outbox believes the bureau holds it."""

    record_kind: str
    business_id: str
    fields: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False
    marks: set[str] = field(default_factory=set)
    uscc: str = ""
    last_message: str = ""


@dataclass(frozen=True)
class Difference:
    record_kind: str
    business_id: str
    what: str
    expected: Any
    shown: Any
    message_id: str

    def line(self) -> str:
        return (
            f"{self.record_kind} {self.business_id}: {self.what} expected {self.expected!r}, "
            f"bureau shows {self.shown!r} (last message {self.message_id})"
        )


@dataclass
class Reconciliation:
    adapter: str
    records: int = 0
    in_flight: int = 0
    differences: list[Difference] = field(default_factory=list)


def beliefs(adapter_code: str) -> dict[tuple[str, str], Belief]:
    """Replay the accepted messages into the state the bureau should be in."""
    state: dict[tuple[str, str], Belief] = {}
    accepted = OutboxMessage.objects.filter(adapter=adapter_code, status=OutboxStatus.ACCEPTED)
    for message in accepted.order_by("id").iterator():
        payload = message.payload
        key = (payload["record_kind"], payload["business_id"])
        belief = state.setdefault(key, Belief(*key))
        belief.last_message = str(message.message_id)
        operation = payload["operation"]
        if operation == "report":
            belief.fields, belief.deleted = dict(payload["record"]), False
            belief.uscc = payload["enterprise"]["uscc"]
        elif operation == "identity_change":
            for change in payload["changes"]:
                if change["field"] == "uscc":
                    belief.uscc = change["new"]
        elif operation == "segment_correct":
            for change in payload["changes"]:
                belief.fields[change["field"]] = change["new"]
        elif operation == "segment_delete":
            for name in payload["fields"]:
                belief.fields[name] = None
        elif operation == "record_delete":
            belief.deleted = True
        elif operation == "dispute_mark_add":
            belief.marks.add(payload["mark"].get("case_reference") or "")
        elif operation == "dispute_mark_remove":
            reference = payload.get("case_reference")
            belief.marks = {m for m in belief.marks if reference and m != reference}
    return state


def _compare(belief: Belief, held: dict[str, Any] | None) -> list[Difference]:
    def diff(what: str, expected: Any, shown: Any) -> Difference:
        return Difference(
            belief.record_kind, belief.business_id, what, expected, shown, belief.last_message
        )

    if held is None:
        return [] if belief.deleted else [diff("record", "held", "unknown")]
    if bool(held.get("deleted")) != belief.deleted:
        expected = "deleted" if belief.deleted else "shown"
        return [diff("record", expected, "deleted" if held.get("deleted") else "shown")]
    if belief.deleted:
        return []
    shown_fields = held.get("fields", {})
    found = [
        diff(f"field {name}", value, shown_fields.get(name))
        for name, value in sorted(belief.fields.items())
        if shown_fields.get(name) != value
    ]
    shown_uscc = held.get("enterprise", {}).get("uscc", "")
    if belief.uscc and shown_uscc != belief.uscc:
        found.append(diff("enterprise", belief.uscc, shown_uscc))
    shown_marks = {m.get("case_reference") or "" for m in held.get("dispute_marks", [])}
    if shown_marks != belief.marks:
        found.append(diff("dispute marks", sorted(belief.marks), sorted(shown_marks)))
    return found


def reconcile(adapter_code: str | None = None) -> Reconciliation:
    code = adapter_code or settings.BUREAU_ADAPTER
    bureau: BureauAdapter = adapter(code)
    result = Reconciliation(adapter=code)
    result.in_flight = OutboxMessage.objects.filter(
        adapter=code, status__in=(OutboxStatus.PENDING, OutboxStatus.DELIVERED)
    ).count()
    for belief in beliefs(code).values():
        result.records += 1
        held = bureau.read_record(belief.record_kind, belief.business_id)
        result.differences += _compare(belief, held)
    return result
