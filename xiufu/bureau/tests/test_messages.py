"""The message format xiufu-bureau-message/1: schema, validation, record types, and that the
protocol document shows exactly what the code does. No database, no Django."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from xiufu.bureau.messages import (
    OPERATIONS,
    RECORD_KINDS,
    RECORD_TYPES,
    SCHEMA_ID,
    InvalidMessage,
    load_schema,
    new_message,
    record_type_for,
    validate_message,
    wire_value,
)
from xiufu.bureau.sandbox.faults import Faults
from xiufu.bureau.sandbox.store import RejectionCode

DOCS = Path(__file__).resolve().parents[3] / "docs" / "bureau-protocol.md"
USCC_A = "91330106MA27A1B2CU"
USCC_B = "91320500MA1WY2Q3K8"

PAYLOADS: dict[str, dict[str, Any]] = {
    "report": {"record": {"principal": "1000000.00", "overdue_days": 0}},
    "identity_change": {"changes": [{"field": "uscc", "old": USCC_A, "new": USCC_B}]},
    "segment_correct": {"changes": [{"field": "overdue_days", "old": 35, "new": 0}]},
    "segment_delete": {"fields": ["close_date"]},
    "record_delete": {},
    "dispute_mark_add": {"mark": {"text": "该笔逾期记录存在异议，正在核查。"}},
    "dispute_mark_remove": {},
}


def message(operation: str = "report", **overrides):
    body = {
        "schema": SCHEMA_ID,
        "message_id": str(uuid.uuid4()),
        "furnisher": "BANK01",
        "created_at": "2026-03-02T09:30:00+08:00",
        "operation": operation,
        "record_kind": "loan",
        "record_type": RECORD_TYPES["loan", operation],
        "business_id": "L2024-0001",
        "enterprise": {"uscc": USCC_A, "name": "杭州甲科技有限公司"},
        **PAYLOADS[operation],
    }
    body.update(overrides)
    return body


def test_the_schema_is_valid_draft_2020_12():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"] == {"const": SCHEMA_ID}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_well_formed_message_of_every_operation_is_valid(operation):
    assert validate_message(message(operation)) == []


def test_every_error_is_listed_at_once():
    # given a message with six different problems
    bad = message(
        furnisher="bank 01",
        created_at="2026-03-02 09:30",
        record_type="412",
        enterprise={"uscc": "123", "name": ""},
        colour="red",
    )
    del bad["record"]

    # when / then
    assert validate_message(bad) == [
        "$.created_at: '2026-03-02 09:30' does not match "
        "'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\\\.[0-9]{1,9})?"
        "(Z|[+-][0-9]{2}:[0-9]{2})$'",
        "$.enterprise.name: '' should be non-empty",
        "$.enterprise.uscc: '123' does not match '^[0-9A-HJ-NPQRTUWXY]{18}$'",
        "$.furnisher: 'bank 01' does not match '^[A-Z0-9]{1,32}$'",
        "$.record: required for operation 'report'",
        "$.record_type: must be '410' for 'report' on 'loan', got '412'",
        "$: unknown key(s) 'colour'",
    ]


def test_unknown_keys_are_errors_at_every_level():
    bad = message("segment_correct", changes=[{"field": "a", "old": 1, "new": 2, "why": "x"}])
    bad["enterprise"]["alias"] = "甲"
    assert validate_message(bad) == [
        "$.changes[0]: unknown key(s) 'why'",
        "$.enterprise: unknown key(s) 'alias'",
    ]
    marked = message("dispute_mark_add", mark={"text": "异议", "colour": "red"})
    assert validate_message(marked) == ["$.mark: unknown key(s) 'colour'"]


@pytest.mark.parametrize(
    ("operation", "key"),
    [
        ("report", "record"),
        ("identity_change", "changes"),
        ("segment_correct", "changes"),
        ("segment_delete", "fields"),
        ("dispute_mark_add", "mark"),
    ],
)
def test_each_operation_requires_its_payload(operation, key):
    bad = message(operation)
    del bad[key]
    assert validate_message(bad) == [f"$.{key}: required for operation {operation!r}"]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_operation_refuses_the_payloads_of_the_others(operation):
    others = {
        key: value for op, p in PAYLOADS.items() if op != operation for key, value in p.items()
    }
    allowed = set(PAYLOADS[operation])
    bad = message(operation, **{k: v for k, v in others.items() if k not in allowed})
    expected = sorted(
        f"$.{key}: not allowed for operation {operation!r}" for key in set(others) - allowed
    )
    assert validate_message(bad) == expected


def test_payloads_must_not_be_empty():
    assert validate_message(message("segment_correct", changes=[])) == [
        "$.changes: [] should be non-empty"
    ]
    assert validate_message(message("segment_delete", fields=[])) == [
        "$.fields: [] should be non-empty"
    ]
    assert validate_message(message(record={})) == ["$.record: {} should be non-empty"]


def test_record_type_must_fit_kind_and_operation():
    assert validate_message(message("segment_correct", record_type="442")) == [
        "$.record_type: must be '412' for 'segment_correct' on 'loan', got '442'"
    ]
    undefined = message("segment_delete", record_kind="basic_info", record_type="413")
    assert validate_message(undefined) == [
        "$.record_type: operation 'segment_delete' is not defined for 'basic_info'"
    ]


def test_identity_change_names_only_uscc_or_name_and_a_valid_new_identity():
    bad = message(
        "identity_change",
        changes=[
            {"field": "uscc", "old": USCC_A, "new": "not-a-uscc"},
            {"field": "name", "old": "甲", "new": ""},
            {"field": "principal", "old": "1.00", "new": "2.00"},
        ],
    )
    assert validate_message(bad) == [
        "$.changes[0].new: 'not-a-uscc' does not match '^[0-9A-HJ-NPQRTUWXY]{18}$'",
        "$.changes[1].new: '' should be non-empty",
        "$.changes[2].field: 'principal' is not one of ['uscc', 'name']",
    ]


def test_a_field_is_changed_at_most_once_per_message():
    bad = message(
        "segment_correct",
        changes=[
            {"field": "overdue_days", "old": 35, "new": 0},
            {"field": "overdue_days", "old": 35, "new": 1},
        ],
    )
    assert validate_message(bad) == ["$.changes[1].field: 'overdue_days' is changed more than once"]


def test_values_are_scalars_or_lists_never_floats():
    good = message(
        record={
            "principal": "1000.00",
            "overdue_days": 3,
            "settled": False,
            "close_date": None,
            "repayment_history": [{"month": "2026-01", "status": "N"}, {"month": "2026-02"}],
        }
    )
    assert validate_message(good) == []
    bad = message(record={"principal": 1000.5, "nested": {"a": 1}})
    assert [error.split(":")[0] for error in validate_message(bad)] == [
        "$.record.nested",
        "$.record.principal",
    ]


def test_created_at_needs_an_offset_and_a_real_date():
    assert validate_message(message(created_at="2026-03-02T09:30:00Z")) == []
    assert validate_message(message(created_at="2026-02-30T09:30:00+08:00")) == [
        "$.created_at: '2026-02-30T09:30:00+08:00' is not a 'date-time'"
    ]
    assert len(validate_message(message(created_at="2026-03-02T09:30:00"))) == 1


def test_message_id_is_a_lower_case_uuid4():
    assert validate_message(message(message_id=str(uuid.uuid1()))) != []
    assert validate_message(message(message_id=str(uuid.uuid4()).upper())) != []


def test_not_an_object():
    assert validate_message(["report"]) == ["$: ['report'] is not of type 'object'"]


def test_record_types_follow_the_regulations_families():
    # REGULATIONS.md §3.5 (our mapping): 41x loan … 44x guarantee; last digit = operation
    assert record_type_for("loan", "report") == "410"
    assert record_type_for("credit_agreement", "identity_change") == "421"
    assert record_type_for("max_guarantee_contract", "segment_correct") == "432"
    assert record_type_for("guarantee", "segment_delete") == "443"
    assert record_type_for("guarantee", "record_delete") == "444"
    assert record_type_for("basic_info", "segment_correct") == "310"
    assert record_type_for("basic_info", "record_delete") == "314"
    assert record_type_for("public_record", "segment_correct") == "PR2"
    assert {record_type_for(kind, "dispute_mark_add") for kind in RECORD_KINDS} == {"DM1"}
    assert {record_type_for(kind, "dispute_mark_remove") for kind in RECORD_KINDS} == {"DM4"}
    with pytest.raises(ValueError, match="segment_delete"):
        record_type_for("public_record", "segment_delete")
    assert set(load_schema()["properties"]["record_type"]["enum"]) == set(RECORD_TYPES.values())


def test_new_message_builds_a_valid_message_with_wire_values():
    # when
    built = new_message(
        furnisher="BANK01",
        operation="segment_correct",
        record_kind="guarantee",
        business_id="G-7",
        uscc=USCC_A,
        enterprise_name="杭州甲科技有限公司",
        changes=[
            ("amount", Decimal("1000.50"), Decimal("0.00")),
            ("end_date", None, dt.date(2026, 1, 31)),
        ],
        case_reference="YY-2026-0001",
    )
    again = new_message(
        furnisher="BANK01",
        operation="record_delete",
        record_kind="loan",
        business_id="L1",
        uscc=USCC_A,
        enterprise_name="甲",
    )

    # then
    assert validate_message(built) == []
    assert built["record_type"] == "442"
    assert built["changes"] == [
        {"field": "amount", "old": "1000.50", "new": "0.00"},
        {"field": "end_date", "old": None, "new": "2026-01-31"},
    ]
    assert uuid.UUID(built["message_id"]).version == 4
    assert built["message_id"] != again["message_id"]
    assert dt.datetime.fromisoformat(built["created_at"]).tzinfo is not None


def test_new_message_refuses_an_invalid_message_with_every_error():
    with pytest.raises(InvalidMessage) as raised:
        new_message(
            furnisher="bank",
            operation="segment_delete",
            record_kind="public_record",
            business_id="",
            uscc=USCC_A,
            enterprise_name="甲",
        )
    assert raised.value.errors == [
        "$.business_id: '' should be non-empty",
        "$.fields: required for operation 'segment_delete'",
        "$.furnisher: 'bank' does not match '^[A-Z0-9]{1,32}$'",
        "$.record_type: '' is not one of "
        + repr(load_schema()["properties"]["record_type"]["enum"]),
        "$.record_type: operation 'segment_delete' is not defined for 'public_record'",
    ]


def test_wire_value():
    assert wire_value(Decimal("12.30")) == "12.30"
    assert wire_value(Decimal("1E+3")) == "1000"
    assert wire_value(dt.date(2026, 1, 2)) == "2026-01-02"
    assert wire_value([{"month": "2026-01", "amount": Decimal("1")}]) == [
        {"month": "2026-01", "amount": "1"}
    ]


# --- the protocol document says what the code does (Datasette's test_docs) ------------------------


def _docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def test_the_record_type_table_in_the_docs_matches_the_code():
    lines = _docs().splitlines()
    header = lines.index("| record_kind | " + " | ".join(OPERATIONS) + " |")
    rows = itertools.takewhile(lambda line: line.startswith("|"), lines[header + 2 :])
    table = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        kind = cells[0].split("`")[1]
        table[kind] = dict(zip(OPERATIONS, cells[1:], strict=True))
    assert set(table) == set(RECORD_KINDS)
    for kind in RECORD_KINDS:
        for operation in OPERATIONS:
            assert table[kind][operation] == RECORD_TYPES.get((kind, operation), "—"), (
                kind,
                operation,
            )


def test_every_message_example_in_the_docs_is_valid_and_every_operation_has_one():
    blocks = re.findall(r"```json\n(.*?)```", _docs(), flags=re.S)
    examples = [json.loads(block) for block in blocks]
    messages = [example for example in examples if example.get("schema") == SCHEMA_ID]
    for example in messages:
        assert validate_message(example) == [], example
    assert {example["operation"] for example in messages} == set(OPERATIONS)


def test_every_rejection_code_and_fault_is_documented():
    docs = _docs()
    for code in RejectionCode:
        assert f"`{code}`" in docs
    for name in Faults().to_dict():
        assert f"`{name}`" in docs
