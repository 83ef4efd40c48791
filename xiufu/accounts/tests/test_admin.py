from __future__ import annotations

import pytest
from django.test import Client

from xiufu.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_compliance_admin_uses_the_admin(login, compliance):
    response = login(compliance).get("/admin/")
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["clerk", "investigator", "approver", "auditor", "applicant"])
def test_no_one_else_gets_into_the_admin(request, login, persona):
    response = login(request.getfixturevalue(persona)).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_login_form_refuses_other_roles(clerk):
    response = Client().post("/admin/login/", {"username": "clerk", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "仅供合规管理员使用" in response.content.decode()


def test_admin_is_read_only_and_hides_full_id_numbers(login, compliance, enterprise_a):
    client = login(compliance)
    person = enterprise_a.legal_representative
    page = client.get(f"/admin/enterprises/person/{person.pk}/change/")
    assert page.status_code == 200
    assert person.id_number not in page.content.decode()
    assert client.get("/admin/enterprises/enterprise/add/").status_code == 403
