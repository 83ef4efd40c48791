"""Accounts through the API: who am I, creating users, tokens, and the error bodies."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from xiufu.accounts.models import ApiToken, RoleGrant, User
from xiufu.audit.models import AuditEvent
from xiufu.factories import make_resident_id

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_unauthenticated_calls_get_401_with_code():
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert set(body) == {"code", "message", "details"}


def test_me_shows_roles_and_enterprise_binding(login, applicant, clerk):
    me = login(applicant).get("/api/v1/me").json()
    assert me["kind"] == "enterprise"
    assert me["membership"]["capacity"] == "legal_representative"
    assert me["roles"] == []
    assert me["permissions"] == []
    staff = login(clerk).get("/api/v1/me").json()
    assert staff["roles"] == ["intake_clerk"]
    assert "register_enterprise" in staff["permissions"]


def test_compliance_admin_creates_staff_with_several_roles(login, compliance):
    response = _post(
        login(compliance),
        "/api/v1/users/staff",
        {
            "username": "li.si",
            "password": "Another-Strong-Pass-7",
            "display_name": "李四",
            "roles": ["investigator", "reporter"],
        },
    )
    assert response.status_code == 201, response.content
    user = User.objects.get(username="li.si")
    assert set(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == {
        "investigator",
        "reporter",
    }
    assert AuditEvent.objects.filter(type="xiufu.user.staff_created").exists()


def test_weak_password_and_unknown_role_are_refused(login, compliance):
    weak = _post(
        login(compliance),
        "/api/v1/users/staff",
        {"username": "w", "password": "12345678", "roles": ["investigator"]},
    )
    assert weak.status_code == 422
    assert weak.json()["code"] == "weak_password"
    unknown = _post(
        login(compliance),
        "/api/v1/users/staff",
        {"username": "w", "password": "Another-Strong-Pass-7", "roles": ["superuser"]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["details"]["field"] == "roles"
    assert not User.objects.filter(username="w").exists()


def test_only_compliance_admins_manage_users(login, clerk):
    response = _post(
        login(clerk),
        "/api/v1/users/staff",
        {"username": "x", "password": "Another-Strong-Pass-7", "roles": ["auditor"]},
    )
    assert response.status_code == 403


def test_agent_needs_a_power_of_attorney(login, compliance, enterprise_a):
    body = {
        "username": "agent2",
        "password": "Another-Strong-Pass-7",
        "enterprise_id": enterprise_a.pk,
        "capacity": "agent",
        "person": {"name": "赵六", "id_number": make_resident_id(321)},
    }
    missing = _post(login(compliance), "/api/v1/users/enterprise", body)
    assert missing.status_code == 422
    assert missing.json()["code"] == "power_of_attorney_required"
    body["power_of_attorney"] = {"valid_from": "2026-01-01", "valid_until": "2027-12-31"}
    created = _post(login(compliance), "/api/v1/users/enterprise", body)
    assert created.status_code == 201, created.content
    user = User.objects.get(username="agent2")
    assert user.membership is not None
    assert user.membership.enterprise == enterprise_a
    assert user.membership.may_act()


def test_legal_representative_must_be_the_registered_one(login, compliance, enterprise_a):
    body = {
        "username": "fake-boss",
        "password": "Another-Strong-Pass-7",
        "enterprise_id": enterprise_a.pk,
        "capacity": "legal_representative",
        "person": {"name": "冒名", "id_number": make_resident_id(654)},
    }
    response = _post(login(compliance), "/api/v1/users/enterprise", body)
    assert response.status_code == 422
    assert response.json()["code"] == "not_legal_representative"
    assert not User.objects.filter(username="fake-boss").exists()


def test_token_auth_for_integrations(login, compliance, investigator):
    issued = _post(login(compliance), "/api/v1/tokens", {"user_id": investigator.pk, "name": "etl"})
    assert issued.status_code == 201
    key = issued.json()["key"]
    token = ApiToken.objects.get()
    assert token.key_hash != key
    assert key not in token.key_hash
    client = Client()
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200
    assert me.json()["username"] == "investigator"
    assert login(compliance).delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_session_posts_need_csrf(compliance):
    client = Client(enforce_csrf_checks=True)
    client.force_login(compliance)
    response = _post(client, "/api/v1/tokens", {"user_id": compliance.pk, "name": "x"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
