"""The enterprises API: scoping, validation errors with precise codes, masking, logged reveals."""

from __future__ import annotations

import json

import pytest

from xiufu.audit.models import AuditEvent, CreditDataAccess
from xiufu.enterprises.models import Enterprise, Person
from xiufu.factories import make_resident_id, make_uscc

pytestmark = pytest.mark.django_db


def _payload(**overrides):
    body = {
        "uscc": make_uscc(900001),
        "name": "杭州新登记实业有限公司",
        "industry": "C",
        "region_code": "330106",
        "region_name": "浙江省杭州市西湖区",
        "legal_representative": {"name": "王五", "id_number": make_resident_id(7)},
    }
    body.update(overrides)
    return body


def _post(client, body):
    return client.post("/api/v1/enterprises", json.dumps(body), content_type="application/json")


def test_enterprise_user_sees_only_its_own_enterprise(login, applicant, enterprise_a, enterprise_b):
    # given the legal representative of A
    client = login(applicant)
    # when it lists enterprises
    response = client.get("/api/v1/enterprises")
    # then only A is there
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [enterprise_a.pk]


def test_another_enterprise_is_not_found_not_forbidden(login, applicant, enterprise_b):
    response = login(applicant).get(f"/api/v1/enterprises/{enterprise_b.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    # a missing id answers exactly the same way: nothing tells B exists
    missing = login(applicant).get("/api/v1/enterprises/999999")
    assert missing.json() == response.json()


def test_staff_search_by_uscc_and_name(login, clerk, enterprise_a, enterprise_b):
    client = login(clerk)
    by_code = client.get("/api/v1/enterprises", {"q": enterprise_b.uscc.lower()}).json()
    by_name = client.get("/api/v1/enterprises", {"q": "甲科技"}).json()
    assert [e["id"] for e in by_code["items"]] == [enterprise_b.pk]
    assert [e["id"] for e in by_name["items"]] == [enterprise_a.pk]


def test_staff_without_a_role_sees_nothing(login, outsider, enterprise_a):
    response = login(outsider).get("/api/v1/enterprises")
    assert response.json()["count"] == 0


def test_list_is_paginated(login, clerk, db):
    from xiufu.factories import EnterpriseFactory

    EnterpriseFactory.create_batch(7)
    first = login(clerk).get("/api/v1/enterprises", {"page": 1, "page_size": 5}).json()
    second = login(clerk).get("/api/v1/enterprises", {"page": 2, "page_size": 5}).json()
    assert first["count"] == 7
    assert len(first["items"]) == 5
    assert len(second["items"]) == 2


def test_id_numbers_are_masked_in_responses(login, clerk, enterprise_a):
    body = login(clerk).get(f"/api/v1/enterprises/{enterprise_a.pk}").content.decode()
    full = enterprise_a.legal_representative.id_number
    assert full not in body
    assert (
        json.loads(body)["legal_representative"]["masked_id_number"]
        == full[:3] + "*" * 13 + full[-2:]
    )


def test_clerk_registers_an_enterprise_with_an_audit_event(login, clerk):
    response = _post(login(clerk), _payload())
    assert response.status_code == 201, response.content
    enterprise = Enterprise.objects.get(uscc=response.json()["uscc"])
    assert AuditEvent.objects.filter(
        type="xiufu.enterprise.registered", target_id=str(enterprise.pk), actor=clerk
    ).exists()


@pytest.mark.parametrize(
    ("uscc", "reason"),
    [
        ("91330106MA2", "length"),
        ("91330106MA2CDEFGIO", "charset"),
        (
            make_uscc(900001)[:17] + ("0" if make_uscc(900001)[17] != "0" else "1"),
            "check_character",
        ),
    ],
)
def test_invalid_uscc_is_422_naming_field_and_reason(login, clerk, uscc, reason):
    response = _post(login(clerk), _payload(uscc=uscc))
    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "invalid_uscc"
    assert "统一社会信用代码" in body["message"]
    assert body["details"]["errors"][0]["field"] == "uscc"
    assert body["details"]["errors"][0]["reason"] == reason
    assert not Enterprise.objects.exists()


def test_invalid_id_number_is_422_and_nothing_is_written(login, clerk):
    bad = make_resident_id(7)[:17] + ("0" if make_resident_id(7)[17] != "0" else "1")
    response = _post(
        login(clerk), _payload(legal_representative={"name": "王五", "id_number": bad})
    )
    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "invalid_id_number"
    assert body["details"]["field"] == "legal_representative.id_number"
    assert body["details"]["reason"] == "check_character"
    assert not Enterprise.objects.exists()
    assert not Person.objects.exists()


def test_unknown_field_is_rejected(login, clerk):
    response = _post(login(clerk), _payload(colour="red"))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_field"
    assert response.json()["details"]["errors"][0]["field"] == "colour"


def test_missing_field_is_named(login, clerk):
    body = _payload()
    del body["name"]
    response = _post(login(clerk), body)
    assert response.status_code == 422
    assert response.json()["code"] == "missing_field"
    assert response.json()["details"]["errors"][0]["field"] == "name"


def test_malformed_json_is_400(login, clerk):
    response = login(clerk).post(
        "/api/v1/enterprises", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_duplicate_uscc_is_409(login, clerk, enterprise_a):
    response = _post(login(clerk), _payload(uscc=enterprise_a.uscc))
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"


def test_wrong_role_gets_403_with_code(login, reporter, applicant):
    for user in (reporter, applicant):
        response = _post(login(user), _payload())
        assert response.status_code == 403
        assert response.json()["code"] == "role_required"
        assert "intake_clerk" in response.json()["details"]["roles"]
    assert not Enterprise.objects.filter(uscc=_payload()["uscc"]).exists()


def test_investigator_reveals_an_id_number_and_the_read_is_logged(
    login, investigator, enterprise_a
):
    person = enterprise_a.legal_representative
    url = f"/api/v1/people/{person.pk}/identifier"
    without_purpose = login(investigator).get(url)
    assert without_purpose.status_code == 422
    assert without_purpose.json()["code"] == "purpose_required"
    response = login(investigator).get(url, {"purpose": "dispute_investigation"})
    assert response.status_code == 200
    assert response.json()["id_number"] == person.id_number
    access = CreditDataAccess.objects.get()
    assert (access.actor, access.content, access.purpose) == (
        investigator,
        "person_identifier",
        "dispute_investigation",
    )


@pytest.mark.parametrize("persona", ["reporter", "approver", "auditor", "applicant"])
def test_roles_that_do_not_need_full_ids_cannot_reveal(request, login, persona, enterprise_a):
    user = request.getfixturevalue(persona)
    person = enterprise_a.legal_representative
    response = login(user).get(
        f"/api/v1/people/{person.pk}/identifier", {"purpose": "dispute_investigation"}
    )
    assert response.status_code == 403
    assert not CreditDataAccess.objects.exists()
