"""The rule-pack API: readable by every signed-in user, writable by compliance admins only.

Until config/api.py mounts the router, the tests mount it on a throw-away NinjaAPI with the real
authentication and error handlers; once it is mounted they go through /api/v1 like any client.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from ninja import NinjaAPI
from ninja.testing import TestClient

from xiufu.accounts.auth import api_auth
from xiufu.core.api import install_error_handlers
from xiufu.rules.api import router
from xiufu.rules.models import RulePackVersion
from xiufu.rules.tests.helpers import dump, shipped_data, shipped_text, variant

pytestmark = pytest.mark.django_db


def _router_is_mounted() -> bool:
    try:
        resolve("/api/v1/rule-packs/active")
    except Resolver404:
        return False
    return True


def _test_api() -> NinjaAPI:
    api = NinjaAPI(urls_namespace="rules-api-test", auth=api_auth)
    install_error_handlers(api)
    api.add_router("", router)
    return api


@dataclass
class Answer:
    status: int
    body: Any


class Caller:
    """One user's view of the API, whichever way it is mounted."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.mounted = _router_is_mounted()
        if self.mounted:
            self.client = Client()
            if user is not None:
                self.client.force_login(user)
        else:
            self.ninja = TestClient(_test_api())

    def get(self, path: str, params: dict[str, Any] | None = None) -> Answer:
        full = path + ("?" + urlencode(params, doseq=True) if params else "")
        if self.mounted:
            response = self.client.get("/api/v1" + full)
            return Answer(response.status_code, response.json())
        return self._ninja("GET", full)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Answer:
        if self.mounted:
            response = self.client.post(
                "/api/v1" + path, json.dumps(body or {}), content_type="application/json"
            )
            return Answer(response.status_code, response.json())
        return self._ninja("POST", path, body or {})

    def _ninja(self, method: str, path: str, body: dict[str, Any] | None = None) -> Answer:
        extra = {"user": self.user} if self.user is not None else {}
        response = self.ninja.request(method, path, json=body, **extra)
        return Answer(response.status_code, response.json())


@pytest.fixture
def as_user():
    return Caller


def test_signed_out_callers_get_401(as_user):
    answer = as_user(None).get("/rule-packs/active")
    assert answer.status == 401
    assert answer.body["code"] == "not_authenticated"


def test_an_enterprise_user_reads_the_categories_in_plain_language(as_user, applicant):
    # when the legal representative opens the portal on a fresh installation
    answer = as_user(applicant).get("/rule-packs/active")
    # then it sees the active pack's categories with their descriptions
    assert answer.status == 200
    body = answer.body
    assert (body["regime"], body["version"]) == ("credit_dispute", "2026.2")
    assert len(body["categories"]) == 10
    overdue = next(c for c in body["categories"] if c["code"] == "overdue_wrong")
    assert overdue["label"] == "逾期记录有误"
    assert overdue["rule_id"] == "CD-CAT-OVERDUE"
    assert "例如" in overdue["description"]
    assert overdue["record_kinds"] == ["loans"]
    assert [a["code"] for a in body["applicant_types"]] == ["legal_representative", "agent"]
    assert body["reply_deadline"]["length"] == 20


def test_the_checklist_before_upload(as_user, agent):
    answer = as_user(agent).get(
        "/rule-packs/checklist",
        {"categories": ["overdue_wrong", "settled_shown_open"], "applicant_type": "agent"},
    )
    assert answer.status == 200
    body = answer.body
    assert body["pack_version"] == "2026.2"
    codes = [item["code"] for item in body["items"]]
    assert codes == [
        "application_form",
        "legal_rep_id",
        "enterprise_certificate",
        "power_of_attorney",
        "agent_id",
        "repayment_voucher",
        "bank_fault_confirmation",
        "settlement_certificate",
    ]
    voucher = body["items"][5]
    assert voucher["mandatory"] is False
    assert [r["code"] for r in voucher["because"]] == ["overdue_wrong", "settled_shown_open"]
    assert voucher["citation"]["source"] == "INT"
    assert "CD-APP-AGENT" in body["rule_ids"]
    assert body["explanation"].startswith("依据《征信业管理条例》异议处理规则包")


def test_the_checklist_without_categories_lists_the_base_materials(as_user, applicant):
    answer = as_user(applicant).get(
        "/rule-packs/checklist", {"applicant_type": "legal_representative"}
    )
    assert answer.status == 200
    assert [i["code"] for i in answer.body["items"]] == [
        "application_form",
        "legal_rep_id",
        "enterprise_certificate",
    ]


def test_an_unknown_category_is_a_422_with_the_choices(as_user, clerk):
    answer = as_user(clerk).get(
        "/rule-packs/checklist", {"categories": ["whitewash"], "applicant_type": "agent"}
    )
    assert answer.status == 422
    assert answer.body["code"] == "unknown_category"
    assert "overdue_wrong" in answer.body["details"]["choices"]


def test_compliance_admin_loads_and_activates_a_version(as_user, compliance):
    admin = as_user(compliance)
    admin.get("/rule-packs/active")  # the shipped pack is installed
    # when a new version is loaded
    loaded = admin.post("/rule-packs", {"text": variant(version="2026.3")})
    assert loaded.status == 201
    assert (loaded.body["version"], loaded.body["is_active"]) == ("2026.3", False)
    # and activated
    activated = admin.post(f"/rule-packs/{loaded.body['id']}/activate")
    assert activated.status == 200
    assert activated.body["is_active"] is True
    # then the list shows one active version, and the portal sees the new one
    listed = admin.get("/rule-packs", {"regime": "credit_dispute"}).body
    assert {(v["version"], v["is_active"]) for v in listed} == {
        ("2026.2", False),
        ("2026.3", True),
    }
    assert admin.get("/rule-packs/active").body["version"] == "2026.3"


def test_load_and_activate_in_one_call(as_user, compliance):
    answer = as_user(compliance).post("/rule-packs", {"text": shipped_text(), "activate": True})
    assert answer.status == 201
    assert answer.body["is_active"] is True


@pytest.mark.parametrize("persona", ["clerk", "applicant"])
def test_others_cannot_load_or_activate(request, as_user, compliance, persona):
    row = RulePackVersion.objects.get(
        pk=as_user(compliance).post("/rule-packs", {"text": shipped_text()}).body["id"]
    )
    caller = as_user(request.getfixturevalue(persona))
    refused = caller.post("/rule-packs", {"text": variant(version="2026.3")})
    assert refused.status == 403
    assert refused.body["code"] == "role_required"
    assert caller.post(f"/rule-packs/{row.pk}/activate").status == 403


def test_invalid_pack_is_422_with_every_problem(as_user, compliance):
    data = shipped_data()
    data["deadlines"]["rules"][0]["unit"] = "moons"
    del data["categories"][0]["citation"]
    answer = as_user(compliance).post("/rule-packs", {"text": dump(data)})
    assert answer.status == 422
    assert answer.body["code"] == "invalid_rule_pack"
    assert answer.body["details"]["problems"] == [
        "categories[0].citation: missing",
        "deadlines.rules[0].unit: 'moons' is not one of calendar_days, working_days",
    ]


def test_duplicate_version_is_409_and_identical_reload_is_idempotent(as_user, compliance):
    admin = as_user(compliance)
    first = admin.post("/rule-packs", {"text": shipped_text()})
    again = admin.post("/rule-packs", {"text": shipped_text()})
    assert again.status == 201
    assert again.body["id"] == first.body["id"]
    clash = admin.post("/rule-packs", {"text": variant(title="另一个标题")})
    assert clash.status == 409
    assert clash.body["code"] == "duplicate"


def test_unknown_body_fields_are_refused(as_user, compliance):
    answer = as_user(compliance).post("/rule-packs", {"text": shipped_text(), "force": True})
    assert answer.status == 422
    assert answer.body["code"] == "unknown_field"


def test_activating_a_missing_version_is_404(as_user, compliance):
    answer = as_user(compliance).post("/rule-packs/987654/activate")
    assert answer.status == 404
    assert answer.body["code"] == "not_found"
