"""The sandbox bureau over real HTTP: a server in a thread of this process (and, marked slow, as a
child process through the CLI and spawn_sandbox_bureau), each with its own store in tmp_path.
No database. Waiting is polling with a deadline, never a fixed sleep."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from xiufu.bureau.messages import new_message
from xiufu.bureau.sandbox.app import MAX_BODY_BYTES
from xiufu.bureau.sandbox.faults import Faults
from xiufu.bureau.sandbox.server import SandboxStartError, spawn_sandbox_bureau, start_in_thread

USCC_A = "91330106MA27A1B2CU"
USCC_B = "91320500MA1WY2Q3K8"
NAME_A = "杭州甲科技有限公司"
LOAN = {
    "contract_number": "HT-2024-001",
    "principal": "1000000.00",
    "balance": "350000.00",
    "open_date": "2024-01-15",
    "close_date": None,
    "five_tier_class": "substandard",
    "overdue_days": 35,
    "repayment_history": [{"month": "2026-01", "status": "1"}],
}


class Client:
    def __init__(self, url: str) -> None:
        self.url = url

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 5,
    ) -> tuple[int, Any]:
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - http on localhost
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, _decode(response)
        except urllib.error.HTTPError as error:
            return error.code, _decode(error)

    def get(self, path: str, **kwargs: Any) -> Any:
        status, body = self.request("GET", path, **kwargs)
        assert status == 200, (status, body)
        return body

    def post(self, message: dict[str, Any], **kwargs: Any) -> tuple[int, Any]:
        return self.request("POST", "/v1/messages", message, **kwargs)

    def faults(self, **faults: Any) -> None:
        status, body = self.request("PUT", "/v1/faults", faults)
        assert status == 200, body

    def settled(self, message_id: str, timeout: float = 5) -> dict[str, Any]:
        """The message's status once it is no longer "received"."""
        return wait_for(lambda: self._settled(message_id), timeout)

    def _settled(self, message_id: str) -> dict[str, Any] | None:
        status, body = self.request("GET", f"/v1/messages/{message_id}")
        return body if status == 200 and body["status"] != "received" else None

    def send(self, message: dict[str, Any]) -> dict[str, Any]:
        """Post a message and wait until it is applied; its final status."""
        status, body = self.post(message)
        assert status == 202, body
        return self.settled(message["message_id"])

    def feedback(self, **params: Any) -> list[dict[str, Any]]:
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.get(f"/v1/feedback?{query}")["feedback"]


def _decode(response: Any) -> Any:
    raw = response.read().decode("utf-8")
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return json.loads(raw)
    return raw


def wait_for(probe: Callable[[], Any], timeout: float = 5) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError(f"not reached within {timeout} s")


def msg(
    operation: str = "report",
    business_id: str = "L001",
    *,
    furnisher: str = "BANK01",
    kind: str = "loan",
    uscc: str = USCC_A,
    name: str = NAME_A,
    **payload: Any,
) -> dict[str, Any]:
    if operation == "report":
        payload.setdefault("record", LOAN)
    return new_message(
        furnisher=furnisher,
        operation=operation,
        record_kind=kind,
        business_id=business_id,
        uscc=uscc,
        enterprise_name=name,
        **payload,
    )


@pytest.fixture
def bureau(tmp_path):
    with start_in_thread(store_path=tmp_path / "bureau.sqlite3", delay=0) as running:
        yield running


@pytest.fixture
def client(bureau):
    return Client(bureau.url)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- receiving and applying ----------------------------------------------------------------------


def test_health(client):
    assert client.get("/health") == {"status": "ok"}


def test_a_message_is_received_then_applied_asynchronously(tmp_path):
    with start_in_thread(store_path=tmp_path / "b.sqlite3", delay=0.2) as bureau:
        client = Client(bureau.url)
        report = msg()

        # when
        status, body = client.post(report)

        # then it is stored and answered at once, applied after the delay
        assert status == 202
        assert body["message_id"] == report["message_id"]
        assert re.fullmatch(r"SBX-[0-9A-F]{12}", body["receipt"])
        assert (body["status"], body["duplicate"]) == ("received", False)
        assert client.get(f"/v1/messages/{report['message_id']}")["status"] == "received"
        assert client.request("GET", f"/v1/reports/{USCC_A}")[0] == 404
        final = client.settled(report["message_id"])
        assert (final["status"], final["error_code"], final["receipt"]) == (
            "accepted",
            None,
            body["receipt"],
        )
        assert final["applied_at"] >= final["received_at"]


def test_every_operation_is_applied_and_shown_in_the_report(client):
    # given a loan reported by BANK01
    assert client.send(msg())["status"] == "accepted"

    # when the bank corrects, deletes a segment, marks, unmarks
    correct = msg(
        "segment_correct",
        changes=[
            {"field": "overdue_days", "old": 35, "new": 0},
            {"field": "five_tier_class", "old": "substandard", "new": "normal"},
        ],
    )
    assert client.send(correct)["status"] == "accepted"
    assert client.send(msg("segment_delete", fields=["balance"]))["status"] == "accepted"
    mark = {"text": "企业对该笔逾期记录提出异议，正在核查。"}
    assert (
        client.send(msg("dispute_mark_add", mark=mark, case_reference="YY-1"))["status"]
        == "accepted"
    )

    # then the report shows the record as corrected, with its dispute mark
    report = client.get(f"/v1/reports/{USCC_A}")
    assert report["enterprise"] == {"uscc": USCC_A, "name": NAME_A}
    [record] = report["records"]
    assert (record["record_kind"], record["furnisher"]) == ("loan", "BANK01")
    assert record["fields"] == {
        **LOAN,
        "overdue_days": 0,
        "five_tier_class": "normal",
        "balance": None,
    }
    assert [(m["text"], m["case_reference"]) for m in record["dispute_marks"]] == [
        (mark["text"], "YY-1")
    ]

    # when the mark is removed and the record moves to another identity
    assert client.send(msg("dispute_mark_remove", case_reference="YY-1"))["status"] == "accepted"
    identity = msg(
        "identity_change",
        changes=[
            {"field": "uscc", "old": USCC_A, "new": USCC_B},
            {"field": "name", "old": NAME_A, "new": "苏州乙贸易有限公司"},
        ],
    )
    assert client.send(identity)["status"] == "accepted"

    # then it is the other enterprise's record, without marks
    assert client.get(f"/v1/reports/{USCC_A}")["records"] == []
    moved = client.get(f"/v1/reports/{USCC_B}")
    assert moved["enterprise"]["name"] == "苏州乙贸易有限公司"
    assert [r["business_id"] for r in moved["records"]] == ["L001"]
    assert moved["records"][0]["dispute_marks"] == []

    # when the record is deleted, it leaves the report but the bureau keeps it and its history
    assert client.send(msg("record_delete", uscc=USCC_B))["status"] == "accepted"
    assert client.get(f"/v1/reports/{USCC_B}")["records"] == []
    held = client.get("/v1/records/loan/L001")
    assert held["deleted"] is True
    assert held["enterprise"] == {"uscc": USCC_B, "name": "苏州乙贸易有限公司"}
    assert [entry["operation"] for entry in held["history"]] == [
        "report",
        "segment_correct",
        "segment_delete",
        "dispute_mark_add",
        "dispute_mark_remove",
        "identity_change",
        "record_delete",
    ]
    assert held["history"][0]["before"] is None
    assert held["history"][1]["before"]["fields"]["overdue_days"] == 35
    assert held["history"][1]["after"]["fields"]["overdue_days"] == 0


@pytest.mark.parametrize(
    ("kind", "correct"),
    [
        ("credit_agreement", "segment_correct"),
        ("max_guarantee_contract", "segment_correct"),
        ("guarantee", "segment_correct"),
        ("basic_info", "segment_correct"),
        ("public_record", "segment_correct"),
    ],
)
def test_every_record_kind_can_be_reported_corrected_and_deleted(client, kind, correct):
    record = {"status": "active", "amount": "10.00"}
    assert client.send(msg(business_id="X1", kind=kind, record=record))["status"] == "accepted"
    change = msg(
        correct, "X1", kind=kind, changes=[{"field": "status", "old": "active", "new": "x"}]
    )
    assert client.send(change)["status"] == "accepted"
    [shown] = client.get(f"/v1/reports/{USCC_A}")["records"]
    assert (shown["record_kind"], shown["fields"]["status"]) == (kind, "x")
    assert client.send(msg("record_delete", "X1", kind=kind))["status"] == "accepted"
    assert client.get(f"/v1/reports/{USCC_A}")["records"] == []


def test_a_report_by_the_same_furnisher_replaces_the_record(client):
    client.send(msg())
    mark = msg("dispute_mark_add", mark={"text": "异议"})
    client.send(mark)

    # when the monthly re-report arrives
    assert client.send(msg(record={**LOAN, "balance": "300000.00"}))["status"] == "accepted"

    # then the fields are replaced and the dispute mark stays
    [record] = client.get(f"/v1/reports/{USCC_A}")["records"]
    assert record["fields"]["balance"] == "300000.00"
    assert len(record["dispute_marks"]) == 1


# --- rejections at apply time --------------------------------------------------------------------


def _rejection(client: Client, message: dict[str, Any]) -> tuple[str, str]:
    final = client.send(message)
    assert final["status"] == "rejected"
    return final["error_code"], final["error_message"]


def test_record_not_found(client):
    code, text = _rejection(
        client, msg("segment_correct", changes=[{"field": "a", "old": 1, "new": 2}])
    )
    assert code == "E_RECORD_NOT_FOUND"
    assert "不存在" in text
    # a deleted record is not found either
    client.send(msg())
    client.send(msg("record_delete"))
    assert _rejection(client, msg("dispute_mark_add", mark={"text": "x"}))[0] == (
        "E_RECORD_NOT_FOUND"
    )


def test_not_own_record(client):
    client.send(msg())
    change = msg(
        "segment_correct",
        furnisher="BANK02",
        changes=[{"field": "overdue_days", "old": 35, "new": 0}],
    )
    assert _rejection(client, change) == (
        "E_NOT_OWN_RECORD",
        "待更正业务标识码不属于本数据提供机构",
    )
    assert _rejection(client, msg("record_delete", furnisher="BANK02"))[0] == "E_NOT_OWN_RECORD"
    assert client.get("/v1/records/loan/L001")["fields"]["overdue_days"] == 35


def test_record_exists(client):
    client.send(msg())
    assert _rejection(client, msg(furnisher="BANK02"))[0] == "E_RECORD_EXISTS"
    # once deleted, another furnisher may report a record under that business id
    client.send(msg("record_delete"))
    assert client.send(msg(furnisher="BANK02"))["status"] == "accepted"
    assert client.get("/v1/records/loan/L001")["furnisher"] == "BANK02"


def test_field_unknown_applies_nothing_of_the_message(client):
    client.send(msg())
    change = msg(
        "segment_correct",
        changes=[
            {"field": "overdue_days", "old": 35, "new": 0},
            {"field": "colour", "old": None, "new": "red"},
        ],
    )
    code, text = _rejection(client, change)
    assert (code, text) == ("E_FIELD_UNKNOWN", "记录中不存在字段：colour")
    assert _rejection(client, msg("segment_delete", fields=["colour"]))[0] == "E_FIELD_UNKNOWN"
    held = client.get("/v1/records/loan/L001")
    assert held["fields"] == LOAN
    assert [entry["operation"] for entry in held["history"]] == ["report"]


def test_mark_not_found(client):
    client.send(msg())
    assert _rejection(client, msg("dispute_mark_remove"))[0] == "E_MARK_NOT_FOUND"
    client.send(msg("dispute_mark_add", mark={"text": "异议", "case_reference": "YY-1"}))
    code, text = _rejection(client, msg("dispute_mark_remove", case_reference="YY-2"))
    assert (code, text) == ("E_MARK_NOT_FOUND", "该记录没有案件编号 YY-2 的异议标注")
    # without a case reference every mark goes
    assert client.send(msg("dispute_mark_remove"))["status"] == "accepted"


def test_injected_format_rejection_by_business_id(client):
    client.faults(reject_format_business_ids=["L-BAD"])
    assert _rejection(client, msg(business_id="L-BAD"))[0] == "E_FORMAT"
    assert client.send(msg(business_id="L-GOOD"))["status"] == "accepted"
    assert client.request("GET", "/v1/records/loan/L-BAD")[0] == 404


def test_injected_format_rejection_rate_is_deterministic(client):
    faults = Faults(reject_format_rate=0.5, seed=7)
    client.faults(**faults.to_dict())
    messages = [msg(business_id=f"L{n}") for n in range(12)]
    for message in messages:
        assert client.post(message)[0] == 202
    outcomes = [client.settled(m["message_id"])["error_code"] for m in messages]
    assert outcomes == ["E_FORMAT" if faults.rejects_format(m) else None for m in messages]
    assert 0 < outcomes.count("E_FORMAT") < 12


# --- synchronous answers -------------------------------------------------------------------------


def test_format_errors_are_listed_all_at_once_and_nothing_is_stored(client):
    bad = msg()
    bad.update(furnisher="bank", record_type="412", extra=1)

    status, body = client.post(bad)

    assert status == 400
    assert body["error"] == "format_error"
    assert body["errors"] == [
        "$.furnisher: 'bank' does not match '^[A-Z0-9]{1,32}$'",
        "$.record_type: must be '410' for 'report' on 'loan', got '412'",
        "$: unknown key(s) 'extra'",
    ]
    assert client.request("GET", f"/v1/messages/{bad['message_id']}")[0] == 404
    assert client.feedback() == []


def test_not_json(client):
    status, body = client.request("POST", "/v1/messages", data=b"{not json")
    assert (status, body["error"]) == (400, "bad_json")
    status, body = client.request("POST", "/v1/messages", data=b"\xff\xfe")
    assert (status, body["error"]) == (400, "bad_json")


def test_body_too_large(client):
    status, body = client.request("POST", "/v1/messages", data=b" " * (MAX_BODY_BYTES + 1))
    assert (status, body["error"]) == (413, "too_large")


def test_a_duplicate_is_answered_with_the_same_receipt_and_applied_once(client):
    report = msg()
    first_status, first = client.post(report)
    second_status, second = client.post(report)
    assert (first_status, second_status) == (202, 200)
    assert (second["receipt"], second["duplicate"]) == (first["receipt"], True)
    client.settled(report["message_id"])

    # even after it was applied
    status, third = client.post(report)
    assert (status, third["status"], third["duplicate"]) == (200, "accepted", True)
    assert len(client.get("/v1/records/loan/L001")["history"]) == 1
    assert [e["message_id"] for e in client.feedback()] == [report["message_id"]]


def test_the_same_message_id_with_another_body_is_a_conflict(client):
    report = msg()
    client.send(report)
    status, body = client.post({**report, "record": {**LOAN, "balance": "0.00"}})
    assert (status, body["error"]) == (409, "idempotency_conflict")
    assert client.get("/v1/records/loan/L001")["fields"]["balance"] == "350000.00"


def test_unknown_paths_and_methods(client):
    assert client.request("GET", "/v1/nothing") == (404, {"error": "not_found"})
    assert client.request("GET", "/v1/messages/0") == (404, {"error": "unknown_message"})
    assert client.request("GET", "/v1/records/loan/nope") == (404, {"error": "unknown_record"})
    status, body = client.request("DELETE", "/v1/messages")
    assert (status, body) == (405, {"error": "method_not_allowed"})


# --- feedback ------------------------------------------------------------------------------------


def test_feedback_pages_with_after_and_limit_per_furnisher(client):
    mine = [msg(business_id=f"L{n}") for n in range(5)]
    for message in mine:
        client.send(message)
    client.send(msg(business_id="OTHER", furnisher="BANK02"))

    first = client.get("/v1/feedback?furnisher=BANK01&limit=2")
    second = client.get(f"/v1/feedback?furnisher=BANK01&limit=2&after={first['next']}")
    third = client.get(f"/v1/feedback?furnisher=BANK01&limit=2&after={second['next']}")
    end = client.get(f"/v1/feedback?furnisher=BANK01&after={third['next']}")

    pages = [first["feedback"], second["feedback"], third["feedback"]]
    assert [len(page) for page in pages] == [2, 2, 1]
    events = [event for page in pages for event in page]
    assert [e["message_id"] for e in events] == [m["message_id"] for m in mine]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert (first["next"], third["next"]) == (events[1]["seq"], events[4]["seq"])
    assert end == {"feedback": [], "next": third["next"]}
    assert events[0].keys() == {
        "seq",
        "message_id",
        "receipt",
        "status",
        "error_code",
        "error_message",
        "at",
    }
    assert len(client.feedback()) == 6  # all furnishers
    for query in ("limit=0", "limit=1001", "after=-1", "after=x"):
        assert client.request("GET", f"/v1/feedback?{query}")[0] == 400


# --- reports, statements, pages ------------------------------------------------------------------


def test_statements(client):
    assert client.request("POST", f"/v1/reports/{USCC_A}/statements", {"text": "声明"})[0] == 404
    client.send(msg())
    status, body = client.request(
        "POST", f"/v1/reports/{USCC_A}/statements", {"text": "本企业对该笔贷款逾期有异议。"}
    )
    assert (status, body["text"]) == (201, "本企业对该笔贷款逾期有异议。")
    assert [s["text"] for s in client.get(f"/v1/reports/{USCC_A}")["statements"]] == [
        "本企业对该笔贷款逾期有异议。"
    ]
    bad = client.request("POST", f"/v1/reports/{USCC_A}/statements", {"text": "", "x": 1})
    assert bad[0] == 400
    assert client.request("GET", f"/v1/reports/{USCC_B}") == (404, {"error": "unknown_enterprise"})


def test_the_html_report_escapes_everything(client):
    evil = "<script>alert(1)</script>"
    client.send(msg(name=f"甲{evil}", record={"note": evil, "amount": "1.00"}))
    client.send(msg("dispute_mark_add", mark={"text": evil, "case_reference": evil}))
    client.request("POST", f"/v1/reports/{USCC_A}/statements", {"text": evil})

    page = client.get(f"/reports/{USCC_A}")
    index = client.get("/")

    assert "<script>" not in page + index
    assert (
        page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 6
    )  # title, name, field, mark×2, statement
    for label in ("企业信用报告（沙箱）", "异议标注", "声明", "借贷账户", "L001"):
        assert label in page
    assert f'href="/reports/{USCC_A}"' in index
    assert client.request("GET", f"/reports/{USCC_B}")[0] == 404


# --- faults --------------------------------------------------------------------------------------


def test_timeout_then_the_client_retries_and_it_is_applied_once(client):
    client.faults(timeout_next=1, timeout_seconds=2)
    report = msg()

    with pytest.raises((TimeoutError, urllib.error.URLError)):
        client.post(report, timeout=0.3)
    status, body = client.post(report)  # the retry

    assert (status, body["duplicate"]) == (200, True)
    assert client.settled(report["message_id"])["status"] == "accepted"
    assert len(client.get("/v1/records/loan/L001")["history"]) == 1
    assert len(client.feedback()) == 1


def test_a_dropped_response_then_the_client_retries_and_it_is_applied_once(client):
    client.faults(drop_response_next=1)
    report = msg()

    with pytest.raises(http.client.RemoteDisconnected):
        client.post(report)
    status, body = client.post(report)

    assert (status, body["duplicate"]) == (200, True)
    assert client.settled(report["message_id"])["status"] == "accepted"
    assert len(client.feedback()) == 1


def test_duplicate_feedback(client):
    client.faults(duplicate_feedback=True)
    report = msg()
    client.send(report)
    first, second = client.feedback()
    assert first["seq"] != second["seq"]
    assert {**first, "seq": 0} == {**second, "seq": 0}


def test_reorder_feedback(client):
    client.faults(hold=True, reorder_feedback=True)
    messages = [msg(business_id=f"L{n}") for n in range(3)]
    for message in messages:
        assert client.post(message)[0] == 202

    client.faults(reorder_feedback=True)  # released: the three are due together

    wait_for(lambda: len(client.feedback()) == 3)
    assert [e["message_id"] for e in client.feedback()] == [
        m["message_id"] for m in reversed(messages)
    ]


def test_reject_http_next_rejects_without_storing(client):
    client.faults(reject_http_next=2)
    first, second, third = msg(business_id="A"), msg(business_id="B"), msg(business_id="C")
    assert client.post(first)[1]["error"] == "format_error"
    assert client.post(second)[0] == 400
    assert client.post(third)[0] == 202
    assert client.request("GET", f"/v1/messages/{first['message_id']}")[0] == 404
    assert client.get("/v1/faults")["reject_http_next"] == 0


def test_down_answers_503_except_for_the_faults(client):
    client.faults(down=True)
    assert client.request("GET", "/health") == (503, {"error": "unavailable"})
    assert client.post(msg())[0] == 503
    assert client.request("GET", "/")[0] == 503
    assert client.get("/v1/faults")["down"] is True
    client.faults(down=False)
    assert client.get("/health") == {"status": "ok"}


def test_down_for_seconds_ends_by_itself(client):
    client.faults(down_for_seconds=0.3)
    assert client.request("GET", "/health")[0] == 503
    wait_for(lambda: client.request("GET", "/health")[0] == 200, timeout=3)


def test_bad_fault_configuration_is_refused(client):
    status, body = client.request("PUT", "/v1/faults", {"down": "yes", "timeout_nxt": 1})
    assert status == 400
    assert body == {
        "error": "bad_faults",
        "errors": ["unknown key 'timeout_nxt'", "down: must be true or false"],
    }


def test_the_admin_token_guards_the_faults(tmp_path):
    with start_in_thread(store_path=tmp_path / "b.sqlite3", admin_token="s3cret") as bureau:
        client = Client(bureau.url)
        assert client.request("GET", "/v1/faults")[0] == 403
        assert client.request("PUT", "/v1/faults", {"down": True})[0] == 403
        assert client.request("GET", "/v1/faults", headers={"X-Sandbox-Admin": "wrong"})[0] == 403
        admin = {"X-Sandbox-Admin": "s3cret"}
        assert client.request("PUT", "/v1/faults", {"down": True}, headers=admin)[0] == 200
        assert client.request("GET", "/health")[0] == 503
        assert client.request("GET", "/v1/faults", headers=admin)[1]["down"] is True


# --- durability ----------------------------------------------------------------------------------


def test_a_restart_keeps_everything_and_applies_what_was_pending(tmp_path):
    store = tmp_path / "bureau.sqlite3"
    applied, pending = msg(business_id="L1"), msg(business_id="L2")
    with start_in_thread(store_path=store) as bureau:
        client = Client(bureau.url)
        client.send(applied)
        client.faults(hold=True)
        assert client.post(pending)[0] == 202

    # when the bureau starts again on the same store (faults are not kept)
    with start_in_thread(store_path=store) as bureau:
        client = Client(bureau.url)

        # then the pending message is applied, once, and nothing was lost
        assert client.settled(pending["message_id"])["status"] == "accepted"
        records = client.get(f"/v1/reports/{USCC_A}")["records"]
        assert [r["business_id"] for r in records] == ["L1", "L2"]
        assert [e["message_id"] for e in client.feedback()] == [
            applied["message_id"],
            pending["message_id"],
        ]
        assert client.post(applied)[1]["duplicate"] is True


# --- as a separate process -----------------------------------------------------------------------


@pytest.mark.slow
def test_the_cli_serves_without_django_and_stops_on_sigterm(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "XIUFU_DATA_DIR": str(tmp_path / "data"),
        "XIUFU_SANDBOX_BUREAU_PORT": str(port),
        "XIUFU_SANDBOX_BUREAU_DELAY": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "xiufu.cli", "sandbox-bureau", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        client = Client(f"http://127.0.0.1:{port}")
        wait_for(lambda: _up(client), timeout=15)
        assert client.send(msg())["status"] == "accepted"
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=10)[0]
    assert process.returncode == 0, output
    assert "沙箱征信系统已启动" in output
    assert (tmp_path / "data" / "sandbox-bureau" / "bureau.sqlite3").exists()
    no_django = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, xiufu.cli, xiufu.bureau.sandbox.server; xiufu.cli.build_parser();"
            "sys.exit('django' in sys.modules)",
        ],
        check=False,
    )
    assert no_django.returncode == 0


def _up(client: Client) -> bool:
    try:
        return client.request("GET", "/health", timeout=1)[0] == 200
    except OSError:
        return False


@pytest.mark.slow
def test_spawn_sandbox_bureau(tmp_path):
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"duplicate_feedback": True}), encoding="utf-8")
    port = _free_port()
    process = spawn_sandbox_bureau(
        port, tmp_path / "b.sqlite3", 0, faults_file=faults, admin_token="tok"
    )
    try:
        client = Client(f"http://127.0.0.1:{port}")
        assert client.request("GET", "/v1/faults")[0] == 403
        client.send(msg())
        assert len(client.feedback()) == 2  # the fault file was read

        # a second bureau on the same port fails at once
        with pytest.raises(SandboxStartError, match="cannot listen"):
            spawn_sandbox_bureau(port, tmp_path / "other.sqlite3", 0)
    finally:
        process.terminate()
        process.wait(10)
    assert process.returncode == 0
