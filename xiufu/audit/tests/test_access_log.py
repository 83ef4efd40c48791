from __future__ import annotations

import re
from pathlib import Path

import pytest

from xiufu.audit.events import EVENT_TYPES
from xiufu.factories import loan

pytestmark = pytest.mark.django_db


def test_auditor_sees_who_read_what_and_why(login, auditor, investigator, enterprise_a):
    record = loan(enterprise_a)
    login(investigator).get(f"/api/v1/loans/{record.pk}", {"purpose": "dispute_investigation"})
    entries = login(auditor).get("/api/v1/access-log").json()["items"]
    assert len(entries) == 1
    assert entries[0]["actor_username"] == "investigator"
    assert entries[0]["purpose"] == "dispute_investigation"
    assert entries[0]["object_ids"] == [record.pk]


@pytest.mark.parametrize("persona", ["investigator", "clerk", "applicant"])
def test_others_cannot_read_the_access_log(request, login, persona):
    response = login(request.getfixturevalue(persona)).get("/api/v1/access-log")
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"


def test_every_audit_event_type_is_documented():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "audit-events.md").read_text()
    documented = set(re.findall(r"`(xiufu\.[a-z_.]+)`", doc))
    assert set(EVENT_TYPES) == documented
