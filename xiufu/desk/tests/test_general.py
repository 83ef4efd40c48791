"""Withdrawing, reopening, pausing, uploading at the counter: the rest of the page's actions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xiufu.cases.tests.driver import pdf_bytes

pytestmark = pytest.mark.django_db


def test_the_clerk_withdraws_with_a_reason(case_at, login, clerk):
    d = case_at("formal_review")
    client = login(clerk)
    response = client.post(f"/desk/cases/{d.case_id}/withdraw/", {"version": d.v, "reason": " "})
    assert "请更正表单中标出的问题。" in response.content.decode()
    client.post(f"/desk/cases/{d.case_id}/withdraw/", {"version": d.v, "reason": "企业撤回申请。"})
    assert d.case.status == "withdrawn"
    client.post(f"/desk/cases/{d.case_id}/close/", {"version": d.v})
    assert d.case.status == "closed"


def test_a_replied_case_is_reopened_on_new_evidence(case_at, login, investigator):
    # given a corrected case, answered and closed
    d = case_at("awaiting_confirmation")
    d.confirm(accepted=True)
    d.reply()
    d.close()
    # when new evidence arrives
    response = login(investigator).post(
        f"/desk/cases/{d.case_id}/reopen/", {"version": d.v, "reason": "企业提交了新的还款凭证。"}
    )
    # then
    assert response.status_code == 302
    assert d.case.status == "reopened"


def test_pausing_where_the_pack_does_not_allow_it_says_why(case_at, login, investigator):
    d = case_at("under_investigation")
    response = login(investigator).post(
        f"/desk/cases/{d.case_id}/pause_clock/", {"version": d.v, "reason": "等待法院文书"}
    )
    assert "规则包不允许在此状态暂停法定时限。" in response.content.decode()
    assert d.case.clock_paused_at is None


def test_the_clerk_uploads_a_material_at_the_counter(case_at, login, clerk):
    d = case_at("formal_review")
    before = d.case.materials.count()
    response = login(clerk).post(
        f"/desk/cases/{d.case_id}/upload_material/",
        {
            "version": d.v,
            "requirement": "supporting",
            "file": SimpleUploadedFile("凭证.pdf", pdf_bytes("counter"), "application/pdf"),
        },
    )
    assert response.status_code == 302
    assert response.url.endswith("#materials")
    assert d.case.materials.count() == before + 1
