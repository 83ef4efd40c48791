"""Who may open the desk, and what every desk page promises: CSP, no inline code, labels."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from xiufu.cases import actions
from xiufu.desk.tests.html import unlabelled_fields

pytestmark = pytest.mark.django_db

PAGES = ("/desk/", "/desk/dashboard/", "/desk/search/?q=x")


@pytest.mark.parametrize("url", PAGES)
def test_enterprise_users_and_staff_without_roles_get_403(url, login, applicant, outsider):
    for user in (applicant, outsider):
        response = login(user).get(url)
        assert response.status_code == 403
        assert "工作台仅供有角色的机构员工使用" in response.content.decode()


def test_the_case_page_is_refused_to_an_enterprise_user_even_of_that_enterprise(
    login, applicant, outsider, drive
):
    # given a case of the applicant's own enterprise
    d = drive()
    for user in (applicant, outsider):
        # when they open it on the desk / then refused
        assert login(user).get(f"/desk/cases/{d.case_id}/").status_code == 403
        response = login(user).post(f"/desk/cases/{d.case_id}/submit/", {"version": d.v})
        assert response.status_code == 403
    assert d.case.status == "draft"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_an_unknown_case_or_operation_is_404(login, clerk, drive):
    d = drive()
    assert login(clerk).get("/desk/cases/999999/").status_code == 404
    response = login(clerk).post(f"/desk/cases/{d.case_id}/no_such_thing/", {"version": 1})
    assert response.status_code == 404


def test_actions_are_post_only(login, clerk, drive):
    d = drive()
    assert login(clerk).get(f"/desk/cases/{d.case_id}/submit/").status_code == 405


def _pages(client, case_id):
    for url in (*PAGES, f"/desk/cases/{case_id}/", "/desk/search/?q=杭州"):
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response


def test_desk_pages_keep_the_content_security_policy_and_carry_no_inline_code(
    login, clerk, investigator, drive
):
    d = drive()
    d.to_accepted()
    d.investigate()
    for user in (clerk, investigator):
        for url, response in _pages(login(user), d.case_id):
            policy = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy
            assert "frame-ancestors 'none'" in policy
            html = response.content.decode()
            assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
            assert " style=" not in html, url
            assert "hx-on" not in html, url
            assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers


@pytest.mark.parametrize(
    "stage", ["submitted", "formal_review", "under_investigation", "findings_recorded"]
)
def test_every_field_on_the_case_page_is_labelled(
    stage, login, clerk, investigator, compliance, drive
):
    # given a case at this stage, with a coordination task once it is investigated
    d = drive()
    d.upload_all()
    d.submit()
    if stage != "submitted":
        actions.do_start_review(d.case_id, expected_version=d.v, actor=clerk)
    if stage in ("under_investigation", "findings_recorded"):
        d.review()
        d.accept()
        d.investigate()
        actions.do_create_coordination_task(
            d.case_id,
            department="it",
            question="请核对 2026-06 还款流水。",
            due_on=timezone.localdate() + dt.timedelta(days=5),
            expected_version=d.v,
            actor=investigator,
        )
    if stage == "findings_recorded":
        d.find_all("error_confirmed")
    for user in (clerk, investigator, compliance):
        # when each opens the page / then every field has its label
        html = login(user).get(f"/desk/cases/{d.case_id}/").content.decode()
        assert unlabelled_fields(html) == [], (stage, user.username)
