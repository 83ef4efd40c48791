"""The calendar API through ninja's TestClient on an API with the project's auth and error
handlers (the router is mounted in config/api.py as well)."""

from __future__ import annotations

import pytest
from django.urls import Resolver404, resolve
from ninja import NinjaAPI
from ninja.testing import TestClient

from xiufu.accounts.auth import api_auth
from xiufu.audit.models import AuditEvent
from xiufu.calendar.api import router
from xiufu.core.api import install_error_handlers

pytestmark = pytest.mark.django_db

_api = NinjaAPI(urls_namespace="calendar-tests", auth=api_auth)
install_error_handlers(_api)
_api.add_router("", router)
client = TestClient(_api)
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号，测试用）"


def test_staff_read_a_year_with_kinds_and_names(investigator):
    response = client.get("/calendar/2025", user=investigator)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["year"], body["confirmed"], body["basis"]) == (2025, True, "library")
    days = {day["date"]: day for day in body["days"]}
    assert len(days) == 365
    assert days["2025-09-28"] == {
        "date": "2025-09-28",
        "weekday": 7,
        "is_working_day": True,
        "kind": "makeup_workday",
        "name": "国庆节调休上班",
        "source": "library",
        "confirmed": True,
    }
    assert days["2025-10-01"]["kind"] == "holiday"


def test_an_unknown_year_is_shown_unconfirmed(clerk):
    body = client.get("/calendar/2027", user=clerk).json()
    assert (body["confirmed"], body["basis"]) == (False, "fallback")
    assert not any(day["confirmed"] for day in body["days"])


def test_year_out_of_range_is_422(clerk):
    response = client.get("/calendar/1999", user=clerk)
    assert response.status_code == 422
    assert response.json()["code"] == "year_out_of_range"


def test_enterprise_users_and_anonymous_callers_are_refused(applicant):
    assert client.get("/calendar/2025", user=applicant).status_code == 403
    assert client.get("/calendar/2025").status_code == 401


def test_deadline(clerk):
    response = client.get(
        "/calendar/deadline",
        query_params={"start": "2025-09-12", "length": "20", "unit": "calendar_days"},
        user=clerk,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due"] == "2025-10-09"
    assert body["moved_from"] == "2025-10-02"
    assert body["confirmed"] is True
    assert body["unconfirmed_years"] == []
    assert body["explanation"].startswith("自2025年9月12日起算（次日开始计算）")
    assert {"today", "days_left", "working_days_left"} <= set(body)


def test_deadline_in_an_unconfirmed_year(clerk):
    body = client.get(
        "/calendar/deadline", query_params={"start": "2027-03-01", "length": "20"}, user=clerk
    ).json()
    assert (body["due"], body["confirmed"], body["unconfirmed_years"]) == (
        "2027-03-22",
        False,
        [2027],
    )


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start": "2025-02-30", "length": "20"}, "invalid_input"),
        ({"start": "2025-09-12", "length": "twenty"}, "invalid_input"),
        ({"length": "20"}, "missing_field"),
        ({"start": "2025-09-12", "length": "20", "unit": "months"}, "invalid_period"),
        ({"start": "2025-09-12", "length": "-1"}, "invalid_period"),
        ({"start": "2025-09-12", "length": "0", "unit": "working_days"}, "invalid_period"),
    ],
)
def test_bad_deadline_parameters_are_422(clerk, params, code):
    response = client.get("/calendar/deadline", query_params=params, user=clerk)
    assert response.status_code == 422
    assert response.json()["code"] == code


def test_compliance_admin_sets_lists_and_removes_an_override(compliance):
    response = client.put(
        "/calendar/overrides/2027-02-01",
        json={"is_working_day": False, "name": "春节", "note": "按通知录入"},
        user=compliance,
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "春节"
    listed = client.get("/calendar/overrides", query_params={"year": "2027"}, user=compliance)
    assert [o["date"] for o in listed.json()] == ["2027-02-01"]
    day = next(
        d
        for d in client.get("/calendar/2027", user=compliance).json()["days"]
        if d["date"] == "2027-02-01"
    )
    assert (day["kind"], day["source"]) == ("holiday", "override")
    assert client.delete("/calendar/overrides/2027-02-01", user=compliance).status_code == 204
    missing = client.delete("/calendar/overrides/2027-02-01", user=compliance)
    assert missing.status_code == 404


def test_override_body_is_strict(compliance):
    response = client.put(
        "/calendar/overrides/2027-02-01",
        json={"is_working_day": False, "name": "春节", "colour": "red"},
        user=compliance,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_field"


def test_clerk_may_not_change_the_calendar(clerk):
    response = client.put(
        "/calendar/overrides/2027-02-01", json={"is_working_day": False, "name": "春节"}, user=clerk
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    assert response.json()["details"]["permission"] == "manage_calendar"
    refused = client.post("/calendar/years", json={"year": 2027, "source": NOTICE}, user=clerk)
    assert refused.status_code == 403
    assert not AuditEvent.objects.exists()


def test_confirm_a_year_then_duplicate_is_409(compliance):
    response = client.post(
        "/calendar/years", json={"year": 2027, "source": NOTICE}, user=compliance
    )
    assert response.status_code == 201, response.content
    assert response.json()["confirmed_by"] == "compliance"
    assert AuditEvent.objects.filter(type="xiufu.calendar.year_confirmed").count() == 1
    again = client.post("/calendar/years", json={"year": 2027, "source": NOTICE}, user=compliance)
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    body = client.get("/calendar/2027", user=compliance).json()
    assert (body["confirmed"], body["basis"], body["confirmation_source"]) == (
        True,
        "confirmed",
        NOTICE,
    )
    listed = client.get("/calendar/years", user=compliance).json()
    assert [y["year"] for y in listed] == [2027]


def test_confirm_without_source_is_422(compliance):
    response = client.post("/calendar/years", json={"year": 2027, "source": " "}, user=compliance)
    assert response.status_code == 422
    assert response.json()["code"] == "source_required"


def _mounted() -> bool:
    try:
        resolve("/api/v1/calendar/2025")
    except Resolver404:
        return False
    return True


@pytest.mark.skipif(not _mounted(), reason="calendar router not yet added to config/api.py")
def test_mounted_under_api_v1(login, clerk):
    response = login(clerk).get("/api/v1/calendar/deadline", {"start": "2025-09-12", "length": 20})
    assert response.status_code == 200
    assert response.json()["due"] == "2025-10-09"
