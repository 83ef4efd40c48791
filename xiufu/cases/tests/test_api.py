"""A whole case driven through the API alone, with scoping and error bodies."""

from __future__ import annotations

import json

import pytest

from xiufu.cases.tests.driver import pdf_upload

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client):
        self.client = client

    def post(self, path, body=None, status=200):
        response = self.client.post(
            f"/api/v1{path}", json.dumps(body or {}), content_type="application/json"
        )
        assert response.status_code == status, response.content.decode()
        return response.json()

    def get(self, path, status=200):
        response = self.client.get(f"/api/v1{path}")
        assert response.status_code == status, response.content.decode()
        return response.json()


@pytest.fixture
def apis(login, applicant, clerk, investigator, approver, reporter):
    return {
        name: Api(login(user))
        for name, user in {
            "ent": applicant,
            "clerk": clerk,
            "inv": investigator,
            "appr": approver,
            "rep": reporter,
        }.items()
    }


def _open(apis, loan, category="overdue_wrong"):
    return apis["ent"].post(
        "/cases",
        {
            "enterprise_id": loan.enterprise_id,
            "claim": "该笔贷款已按期归还，逾期记录系扣款系统故障所致。",
            "items": [{"record_kind": "loans", "record_id": loan.pk, "category": category}],
        },
        status=201,
    )


def _upload(client, case_id, requirement):
    response = client.post(
        f"/api/v1/cases/{case_id}/materials",
        {"requirement": requirement, "file": pdf_upload(f"{requirement}.pdf", requirement)},
    )
    assert response.status_code == 201, response.content.decode()
    return response.json()


def _accepted(apis, loan, category="overdue_wrong"):
    case = _open(apis, loan, category)
    cid = case["id"]
    checklist = apis["ent"].get(f"/cases/{cid}/checklist")
    required = [c["code"] for c in checklist if c["mandatory"]]
    for code in required:
        _upload(apis["ent"].client, cid, code)
    case = apis["ent"].get(f"/cases/{cid}")
    case = apis["ent"].post(f"/cases/{cid}/submit", {"version": case["version"]})
    case = apis["clerk"].post(f"/cases/{cid}/start-review", {"version": case["version"]})
    marks = [{"requirement": code, "verdict": "ok"} for code in required]
    case = apis["clerk"].post(f"/cases/{cid}/review", {"version": case["version"], "marks": marks})
    case = apis["clerk"].post(f"/cases/{cid}/accept", {"version": case["version"]})
    assert case["status"] == "accepted"
    assert case["clock"]["due_on"] is not None
    assert case["items"][0]["dispute_marked"] is True
    return case


def test_correction_path_by_api_alone(apis, overdue_loan):
    case = _accepted(apis, overdue_loan)
    cid, item = case["id"], case["items"][0]["id"]
    case = apis["inv"].post(f"/cases/{cid}/start-investigation", {"version": case["version"]})
    case = apis["inv"].post(
        f"/cases/{cid}/items/{item}/finding",
        {
            "version": case["version"],
            "finding": "error_confirmed",
            "reasons": "核心系统扣款日志显示当日系统故障，客户账户余额充足。",
            "evidence": ["扣款日志 2026-03-20"],
        },
    )
    assert case["items"][0]["ledger_value"]["overdue_days"] == 0
    case = apis["inv"].post(f"/cases/{cid}/complete-investigation", {"version": case["version"]})
    case = apis["inv"].post(
        f"/cases/{cid}/proposals",
        {
            "version": case["version"],
            "proposals": [
                {
                    "item_id": item,
                    "action": "correct",
                    "changes": [
                        {"field": "overdue_days", "new": 0},
                        {"field": "status", "new": "normal"},
                    ],
                }
            ],
        },
    )
    assert case["proposals"][0]["changes"][0] == {"field": "overdue_days", "old": 35, "new": 0}
    # the investigator may not approve; the approver may
    refused = apis["inv"].post(f"/cases/{cid}/approve", {"version": case["version"]}, status=403)
    assert refused["code"] == "role_required"
    case = apis["appr"].post(f"/cases/{cid}/approve", {"version": case["version"]})
    case = apis["rep"].post(f"/cases/{cid}/submit-correction", {"version": case["version"]})
    assert case["status"] == "awaiting_confirmation"
    case = apis["rep"].post(
        f"/cases/{cid}/bureau-feedback", {"version": case["version"], "accepted": True}
    )
    preview = apis["inv"].get(f"/cases/{cid}/reply-preview")
    assert [letter["kind"] for letter in preview["letters"]] == ["reply_letter"]
    case = apis["inv"].post(
        f"/cases/{cid}/reply", {"version": case["version"], "preview_digest": preview["digest"]}
    )
    assert case["outcome"] == "corrected"
    case = apis["clerk"].post(f"/cases/{cid}/close", {"version": case["version"]})
    rating = apis["ent"].post(f"/cases/{cid}/rating", {"score": 4, "comment": "清楚"}, status=201)
    assert rating["score"] == 4
    timeline = apis["ent"].get(f"/cases/{cid}/timeline")
    assert [e["event"] for e in timeline][:2] == ["create", "upload_material"]
    assert timeline[-1]["event"] == "rate"
    assert all(e["actor"] in {"本企业", "受理机构"} for e in timeline)  # staff names stay inside
    staff_view = apis["inv"].get(f"/cases/{cid}/timeline")
    assert {e["actor"] for e in staff_view} - {"本企业", "受理机构", "系统"}


def test_non_repair_path_by_api_alone(apis, overdue_loan):
    case = _accepted(apis, overdue_loan)
    cid, item = case["id"], case["items"][0]["id"]
    case = apis["inv"].post(f"/cases/{cid}/start-investigation", {"version": case["version"]})
    case = apis["inv"].post(
        f"/cases/{cid}/items/{item}/finding",
        {"version": case["version"], "finding": "no_error", "reasons": "还款流水显示确实逾期。"},
    )
    case = apis["inv"].post(f"/cases/{cid}/complete-investigation", {"version": case["version"]})
    case = apis["inv"].post(f"/cases/{cid}/non-repair-notice", {"version": case["version"]})
    # the pack asks for a preview of the reply's letters before they are issued
    unseen = apis["inv"].post(f"/cases/{cid}/reply", {"version": case["version"]}, status=422)
    assert unseen["code"] == "letter_preview_required"
    preview = apis["inv"].get(f"/cases/{cid}/reply-preview")
    assert preview["rule_ids"] == ["CD-LET-PREVIEW"]
    assert [letter["kind"] for letter in preview["letters"]] == [
        "reply_letter",
        "non_repair_notice",
    ]
    assert preview["letters"][1]["context"]["items"][0]["reasons"] == "还款流水显示确实逾期。"
    stale = apis["inv"].post(
        f"/cases/{cid}/reply", {"version": case["version"], "preview_digest": "0" * 64}, status=409
    )
    assert stale["code"] == "letter_preview_stale"
    assert apis["inv"].get(f"/cases/{cid}")["status"] == "non_repair_notice"  # nothing changed
    case = apis["inv"].post(
        f"/cases/{cid}/reply", {"version": case["version"], "preview_digest": preview["digest"]}
    )
    seen = apis["ent"].get(f"/cases/{cid}")
    assert seen["outcome"] == "not_corrected"
    assert seen["non_repair"]["items"][0]["reasons"] == "还款流水显示确实逾期。"
    assert len(seen["non_repair"]["avenues"]) >= 3
    assert seen["items"][0]["ledger_value"] == {}  # internal ledger stays inside


def test_wrong_state_is_409_naming_state_and_allowed_events(apis, overdue_loan):
    case = _open(apis, overdue_loan)
    body = apis["clerk"].post(
        f"/cases/{case['id']}/accept", {"version": case["version"]}, status=409
    )
    assert body["code"] == "invalid_transition"
    assert body["details"]["status"] == "draft"
    assert "submit" in body["details"]["allowed_events"]


def test_stale_version_is_409_case_changed(apis, overdue_loan):
    case = _open(apis, overdue_loan)
    body = apis["ent"].post(
        f"/cases/{case['id']}/submit", {"version": case["version"] + 5}, status=409
    )
    assert body["code"] == "case_changed"


def test_another_enterprise_gets_not_found(apis, overdue_loan, login, other_applicant):
    case = _open(apis, overdue_loan)
    other = Api(login(other_applicant))
    assert other.get(f"/cases/{case['id']}", status=404)["code"] == "not_found"
    assert (
        other.post(f"/cases/{case['id']}/submit", {"version": 1}, status=404)["code"] == "not_found"
    )
    assert other.get("/cases")["count"] == 0


def test_enterprise_cannot_dispute_another_enterprises_record(login, other_applicant, overdue_loan):
    body = Api(login(other_applicant)).post(
        "/cases",
        {
            "enterprise_id": other_applicant.enterprise_id,
            "claim": "x",
            "items": [
                {"record_kind": "loans", "record_id": overdue_loan.pk, "category": "overdue_wrong"}
            ],
        },
        status=422,
    )
    assert body["code"] == "record_not_found"


def test_upload_sniffs_content_and_refuses_duplicates(apis, overdue_loan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = _open(apis, overdue_loan)
    url = f"/api/v1/cases/{case['id']}/materials"
    fake = SimpleUploadedFile("id.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = apis["ent"].client.post(url, {"requirement": "legal_rep_id", "file": fake})
    assert response.status_code == 422
    assert response.json()["code"] == "file_type_not_allowed"
    data = b"%PDF-1.4 same bytes twice %%EOF"
    first = SimpleUploadedFile("a.pdf", data)
    second = SimpleUploadedFile("b.pdf", data)
    assert (
        apis["ent"].client.post(url, {"requirement": "legal_rep_id", "file": first}).status_code
        == 201
    )
    again = apis["ent"].client.post(url, {"requirement": "application_form", "file": second})
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_material"
    assert "a.pdf" in again.json()["message"]


def test_case_reads_are_logged_as_credit_data_access(apis, overdue_loan, investigator):
    from xiufu.audit.models import CreditDataAccess

    case = _open(apis, overdue_loan)
    apis["inv"].get(f"/cases/{case['id']}")
    log = CreditDataAccess.objects.filter(actor=investigator, content="case").get()
    assert log.purpose == "dispute_investigation"
    assert log.purpose_note == case["number"]
