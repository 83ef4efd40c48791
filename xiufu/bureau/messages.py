"""The message format ``xiufu-bureau-message/1``: what a data provider sends to the credit bureau.

Pure Python without Django: the sandbox bureau (a separate process) and xiufu's own connector both
import it. One message is one operation on one record, identified at the bureau by
``(record_kind, business_id)``. The JSON Schema (``schema/message-1.json``) enforces the shape,
including the keys each operation requires or forbids; :func:`validate_message` adds what a schema
cannot say well: the record type must match the record kind and operation, a field may be changed
only once per message, and an identity change must name a valid new identity.

The record types follow the second-generation reporting interface (REGULATIONS.md §3.5). The
mapping is ours, taken from reporting tools, not from the official interface specification; public
records (PR*) and dispute marks (DM*) are xiufu extensions with no official counterpart.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

__all__ = [
    "OPERATIONS",
    "RECORD_KINDS",
    "RECORD_TYPES",
    "SCHEMA_ID",
    "InvalidMessage",
    "load_schema",
    "new_message",
    "record_type_for",
    "validate_message",
    "wire_value",
]

SCHEMA_ID = "xiufu-bureau-message/1"

OPERATIONS = (
    "report",
    "identity_change",
    "segment_correct",
    "segment_delete",
    "record_delete",
    "dispute_mark_add",
    "dispute_mark_remove",
)
RECORD_KINDS = (
    "loan",
    "credit_agreement",
    "max_guarantee_contract",
    "guarantee",
    "basic_info",
    "public_record",
)

# REGULATIONS.md §3.5: families 41x loan (企业借贷账户), 42x credit agreement (授信协议),
# 43x maximum guarantee contract (最高额保证合同), 44x guarantee (企业担保账户); the last digit is
# 0 report, 1 identity change (标识变更), 2 segment correction (按段更正), 3 segment deletion
# (按段删除), 4 whole-record deletion (整笔删除). Basic information (310) is corrected by
# re-reporting it; 314 deletes it. Our mapping, not official.
_LAST_DIGIT = {
    "report": "0",
    "identity_change": "1",
    "segment_correct": "2",
    "segment_delete": "3",
    "record_delete": "4",
}
_FAMILIES = {
    "loan": "41",
    "credit_agreement": "42",
    "max_guarantee_contract": "43",
    "guarantee": "44",
}

#: xiufu's record kinds (xiufu.records' kinds, plus identity items) → the protocol's.
PROTOCOL_KINDS = {
    "loans": "loan",
    "guarantees": "guarantee",
    "public_records": "public_record",
    "identity": "basic_info",
}
#: A correction proposal's action (xiufu.cases.choices.ProposalAction) → the operation.
OPERATION_FOR_ACTION = {
    "correct": "segment_correct",
    "delete": "record_delete",
    "reassign": "identity_change",
}

#: (record_kind, operation) -> record type. A pair that is missing is not a valid message.
RECORD_TYPES: dict[tuple[str, str], str] = {
    **{
        (kind, operation): family + digit
        for kind, family in _FAMILIES.items()
        for operation, digit in _LAST_DIGIT.items()
    },
    ("basic_info", "report"): "310",
    ("basic_info", "segment_correct"): "310",
    ("basic_info", "record_delete"): "314",
    # xiufu extensions: public records are not furnished by banks in reality.
    ("public_record", "report"): "PR0",
    ("public_record", "segment_correct"): "PR2",
    ("public_record", "record_delete"): "PR4",
    # xiufu extensions: dispute marks (异议标注), on a record of any kind.
    **{(kind, "dispute_mark_add"): "DM1" for kind in RECORD_KINDS},
    **{(kind, "dispute_mark_remove"): "DM4" for kind in RECORD_KINDS},
}


class InvalidMessage(ValueError):
    """A message does not conform to ``xiufu-bureau-message/1``; ``errors`` lists every problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)


def record_type_for(record_kind: str, operation: str) -> str:
    """The record type of ``operation`` on a record of ``record_kind``; ValueError if none."""
    try:
        return RECORD_TYPES[record_kind, operation]
    except KeyError:
        raise ValueError(f"no record type for operation {operation!r} on {record_kind!r}") from None


@cache
def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one message. Cached: do not mutate it."""
    text = resources.files("xiufu.bureau.schema").joinpath("message-1.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


_format_checker = jsonschema.FormatChecker(formats=())


@_format_checker.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    # The schema's pattern checks the RFC 3339 shape (and reports a mismatch); this catches a
    # well-shaped impossible date such as 2026-02-30.
    if not isinstance(value, str) or not _date_time_shape().fullmatch(value):
        return True
    return dt.datetime.fromisoformat(value).tzinfo is not None


@cache
def _date_time_shape() -> re.Pattern[str]:
    return re.compile(load_schema()["properties"]["created_at"]["pattern"])


@cache
def _validator() -> Any:
    return jsonschema.Draft202012Validator(load_schema(), format_checker=_format_checker)


def validate_message(obj: object) -> list[str]:
    """Every problem of ``obj`` as a message, each ``"path: reason"`` (path ``$`` is the message,
    ``$.changes[0].field`` a part of it), sorted; an empty list if ``obj`` is valid."""
    errors = {_describe(error, obj) for error in _validator().iter_errors(obj)}
    if isinstance(obj, dict):
        errors.update(_semantic_errors(obj))
    return sorted(errors)


_PAYLOAD_KEYS = ("record", "changes", "fields", "mark")


def _path(parts: Iterable[str | int]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def _describe(error: jsonschema.ValidationError, obj: object) -> str:
    path = _path(error.absolute_path)
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else "?"
        if "then" in error.schema_path and isinstance(obj, dict):
            return f"{_path([missing])}: required for operation {obj.get('operation')!r}"
        return f"{_path([*error.absolute_path, missing])}: required property is missing"
    if error.validator is None and isinstance(obj, dict):
        # A `false` subschema: a key the operation does not take. jsonschema leaves the key out
        # of the error's path, so find it by the value it rejected.
        key = next((k for k in _PAYLOAD_KEYS if k in obj and obj[k] is error.instance), None)
        return f"{_path([key] if key else [])}: not allowed for operation {obj.get('operation')!r}"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        unknown = sorted(key for key in error.instance if key not in allowed)
        return f"{path}: unknown key(s) {', '.join(map(repr, unknown))}"
    return f"{path}: {error.message}"


def _semantic_errors(message: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    kind, operation = message.get("record_kind"), message.get("operation")
    if kind in RECORD_KINDS and operation in OPERATIONS:
        expected = RECORD_TYPES.get((kind, operation))
        if expected is None:
            errors.append(f"$.record_type: operation {operation!r} is not defined for {kind!r}")
        elif message.get("record_type") != expected:
            errors.append(
                f"$.record_type: must be {expected!r} for {operation!r} on {kind!r}, "
                f"got {message.get('record_type')!r}"
            )
    changes = message.get("changes")
    if isinstance(changes, list):
        errors.extend(_change_errors(changes, identity=operation == "identity_change"))
    return errors


def _change_errors(changes: list[Any], *, identity: bool) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    schema_defs = load_schema()["$defs"]
    for index, change in enumerate(changes):
        if not isinstance(change, dict) or not isinstance(change.get("field"), str):
            continue
        field = change["field"]
        if field in seen:
            errors.append(f"$.changes[{index}].field: {field!r} is changed more than once")
        seen.add(field)
        if identity and field in ("uscc", "name") and "new" in change:
            checker = jsonschema.Draft202012Validator(schema_defs[field])
            problems = checker.iter_errors(change["new"])
            errors.extend(f"$.changes[{index}].new: {problem.message}" for problem in problems)
    return errors


def wire_value(value: Any) -> Any:
    """``value`` as it travels in a message: Decimal as a plain decimal string ("1234.00"), date
    as "YYYY-MM-DD", datetime as ISO 8601; lists and dicts converted item by item."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [wire_value(item) for item in value]
    if isinstance(value, dict):
        return {key: wire_value(item) for key, item in value.items()}
    return value


def new_message(
    *,
    furnisher: str,
    operation: str,
    record_kind: str,
    business_id: str,
    uscc: str,
    enterprise_name: str,
    record: Mapping[str, Any] | None = None,
    changes: Sequence[Mapping[str, Any] | tuple[str, Any, Any]] | None = None,
    fields: Sequence[str] | None = None,
    mark: Mapping[str, Any] | None = None,
    case_reference: str | None = None,
    created_at: dt.datetime | None = None,
    message_id: str | None = None,
) -> dict[str, Any]:
    """A valid message with a fresh uuid4 ``message_id`` (unless given) and the right record
    type. Values in ``record`` and ``changes`` go through :func:`wire_value`; a change may be a
    ``(field, old, new)`` tuple. Raises :class:`InvalidMessage` listing every problem."""
    created = created_at or dt.datetime.now(dt.UTC)
    if created.tzinfo is None:
        raise InvalidMessage(["$.created_at: must be timezone-aware"])
    message: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "message_id": message_id or str(uuid.uuid4()),
        "furnisher": furnisher,
        "created_at": created.isoformat(timespec="seconds"),
        "operation": operation,
        "record_kind": record_kind,
        "record_type": RECORD_TYPES.get((record_kind, operation), ""),
        "business_id": business_id,
        "enterprise": {"uscc": uscc, "name": enterprise_name},
    }
    optional = {
        "case_reference": case_reference,
        "record": None if record is None else wire_value(dict(record)),
        "changes": None if changes is None else [_change(change) for change in changes],
        "fields": None if fields is None else list(fields),
        "mark": None if mark is None else dict(mark),
    }
    message.update({key: value for key, value in optional.items() if value is not None})
    errors = validate_message(message)
    if errors:
        raise InvalidMessage(errors)
    return message


def _change(change: Mapping[str, Any] | tuple[str, Any, Any]) -> dict[str, Any]:
    if isinstance(change, tuple):
        field, old, new = change
        return {"field": field, "old": wire_value(old), "new": wire_value(new)}
    return {key: wire_value(value) for key, value in change.items()}
