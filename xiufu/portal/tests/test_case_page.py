"""The case page: checklist, uploads, submission, the supplement notice, the timeline, the
outcome with the other avenues, withdrawal and the rating — each action through its form."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from xiufu.audit.models import CreditDataAccess
from xiufu.cases.models import Case, Material, SatisfactionRating
from xiufu.portal.tests.conftest import assert_page, pdf

pytestmark = pytest.mark.django_db


def page(case_id: int) -> str:
    return reverse("portal:case", args=[case_id])


def action(name: str, case_id: int) -> str:
    return reverse(f"portal:{name}", args=[case_id])


def between(html: str, start: str, end: str) -> str:
    """The part of the page from ``start`` to the first ``end`` after it."""
    match = re.search(re.escape(start) + ".*?" + re.escape(end), html, re.S)
    assert match, f"{start!r} not on the page"
    return match.group(0)


def test_the_checklist_is_shown_before_any_upload(login, applicant, drive):
    d = drive()
    response = login(applicant).get(page(d.case_id))
    assert response.status_code == 200
    html = assert_page(response)
    assert not Material.objects.exists()
    assert "材料清单" in html
    assert "必须提交" in html
    assert "建议提供" in html
    for label in ("《企业信用报告异议申请表》", "法定代表人有效身份证件", "企业身份证明文件"):
        assert label in html
    assert "还款凭证" in html  # the category's supporting evidence, recommended
    assert "授权委托证明书" not in html
    assert "经办人有效身份证件" not in html
    assert 'name="requirement" value="application_form"' in html
    assert 'hx-encoding="multipart/form-data"' in html
    assert 'data-progress="progress-' in html


def test_an_agent_also_needs_the_power_of_attorney_and_own_id(login, agent, drive):
    d = drive(by=agent)
    html = login(agent).get(page(d.case_id)).content.decode()
    assert "《企业法定代表人授权委托证明书》" in html
    assert "经办人有效身份证件" in html
    assert "经办人代理申请" in html


def test_the_case_page_read_is_logged(login, applicant, drive):
    d = drive()
    login(applicant).get(page(d.case_id))
    read = CreditDataAccess.objects.get(actor=applicant, content="case")
    assert (read.purpose, read.channel, read.object_ids) == ("self_query", "page", [d.case_id])


def test_an_upload_through_the_form_lists_the_file(login, applicant, drive):
    d = drive()
    client = login(applicant)
    # when a small PDF is posted without JavaScript
    response = client.post(
        action("case_upload", d.case_id),
        {"requirement": "application_form", "file": pdf("申请表.pdf")},
    )
    # then the page comes back with the file listed under its requirement
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.requirement == "application_form"
    html = client.get(page(d.case_id)).content.decode()
    assert "申请表.pdf" in html
    assert material.sha256[:16] in html
    assert "已上传“申请表.pdf”。" in html


def test_an_htmx_upload_returns_the_case_body_in_place(login, applicant, drive):
    d = drive()
    response = login(applicant).post(
        action("case_upload", d.case_id),
        {"requirement": "legal_rep_id", "file": pdf("身份证.pdf")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="case-body">')
    assert "<html" not in html
    block = between(html, '<div class="card" id="req-legal_rep_id">', "</form>")
    assert "身份证.pdf" in block
    assert "已上传“身份证.pdf”。" in block
    # the version the other forms carry is the new one
    assert f'name="version" value="{d.v}"' in html


def test_a_duplicate_upload_is_explained(login, applicant, drive):
    d = drive()
    client = login(applicant)
    body = pdf("first.pdf").read()
    from django.core.files.uploadedfile import SimpleUploadedFile

    for name in ("first.pdf", "again.pdf"):
        client.post(
            action("case_upload", d.case_id),
            {"requirement": "application_form", "file": SimpleUploadedFile(name, body)},
        )
    html = client.get(page(d.case_id)).content.decode()
    assert "该文件与本案已上传的“first.pdf”完全相同，无需重复上传。" in html
    assert Material.objects.count() == 1


def test_a_file_of_the_wrong_type_is_explained(login, applicant, drive):
    d = drive()
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(applicant)
    client.post(
        action("case_upload", d.case_id),
        {
            "requirement": "application_form",
            "file": SimpleUploadedFile("fake.pdf", b"MZ not a pdf"),
        },
    )
    html = client.get(page(d.case_id)).content.decode()
    assert "文件类型不受支持" in html
    assert not Material.objects.exists()


def test_an_upload_without_a_file_is_explained(login, applicant, drive):
    d = drive()
    client = login(applicant)
    client.post(action("case_upload", d.case_id), {"requirement": "application_form"})
    assert "请选择要上传的文件。" in client.get(page(d.case_id)).content.decode()


def test_submitting_moves_the_case_to_submitted(login, applicant, drive):
    d = drive()
    d.upload_all()
    client = login(applicant)
    html = client.get(page(d.case_id)).content.decode()
    assert "核对并提交" in html
    assert "必须提交的材料均已上传" in html
    response = client.post(action("case_submit", d.case_id), {"version": d.v})
    assert response.status_code == 302
    assert d.case.status == "submitted"
    html = client.get(page(d.case_id)).content.decode()
    assert "申请已提交" in html
    assert "提交申请" in html
    assert "核对并提交" not in html


def test_the_review_step_names_the_mandatory_materials_still_missing(login, applicant, drive):
    d = drive()
    html = login(applicant).get(page(d.case_id)).content.decode()
    assert "以下必须提交的材料尚未上传" in html


def test_a_stale_version_shows_case_changed_and_changes_nothing(login, applicant, drive):
    # given a page loaded at version v, then the case changed (another upload)
    d = drive()
    seen = d.v
    d.upload("application_form")
    client = login(applicant)
    # when the form with the old version is posted
    client.post(action("case_submit", d.case_id), {"version": seen})
    # then nothing happened and the user is told why
    assert d.case.status == "draft"
    html = client.get(page(d.case_id)).content.decode()
    assert "该案件已被他人更新，请刷新后重试。" in html


def test_a_tampered_version_is_refused(login, applicant, drive):
    d = drive()
    client = login(applicant)
    client.post(action("case_submit", d.case_id), {"version": "abc"})
    assert d.case.status == "draft"
    assert "页面已过期，请刷新后重试。" in client.get(page(d.case_id)).content.decode()


def test_the_supplement_notice_lists_the_defects_and_offers_uploads_only_for_them(
    login, applicant, supplement_case
):
    d = supplement_case
    client = login(applicant)
    response = client.get(page(d.case_id))
    html = assert_page(response)
    notice = re.search(
        r'<section class="card" aria-labelledby="notice-title">.*?</section>', html, re.S
    )
    assert notice, "no supplement notice"
    text = notice.group(0)
    assert "法定代表人有效身份证件" in text
    assert "不合规" in text
    assert "请提供清晰完整的材料" in text  # the clerk's reason
    assert "居民身份证须提供正反两面" in text  # what to provide
    assert re.findall(r'name="requirement" value="([^"]+)"', html) == ["legal_rep_id"]
    # when the enterprise uploads the new file and resubmits
    client.post(
        action("case_upload", d.case_id), {"requirement": "legal_rep_id", "file": pdf("id2.pdf")}
    )
    client.post(action("case_supplement", d.case_id), {"version": d.v})
    # then the case is back in formal review
    assert d.case.status == "formal_review"


def test_another_enterprise_gets_404_for_the_case_and_its_actions(login, other_applicant, drive):
    d = drive()
    client = login(other_applicant)
    assert client.get(page(d.case_id)).status_code == 404
    assert client.post(action("case_submit", d.case_id), {"version": d.v}).status_code == 404
    response = client.post(
        action("case_upload", d.case_id), {"requirement": "application_form", "file": pdf()}
    )
    assert response.status_code == 404
    assert d.case.status == "draft"
    assert not Material.objects.exists()


def test_the_timeline_shows_each_event_with_its_label(login, applicant, drive):
    d = drive()
    d.upload("application_form")
    html = login(applicant).get(page(d.case_id)).content.decode()
    timeline = between(html, '<ol class="timeline">', "</ol>")
    assert "创建申请" in timeline
    assert "上传材料" in timeline
    assert "本企业" in timeline


def test_withdrawal_needs_a_reason(login, applicant, drive):
    d = drive()
    client = login(applicant)
    client.post(action("case_withdraw", d.case_id), {"version": d.v, "reason": ""})
    assert d.case.status == "draft"
    assert "请写明撤回申请的原因。" in client.get(page(d.case_id)).content.decode()
    client.post(action("case_withdraw", d.case_id), {"version": d.v, "reason": "已与银行沟通解决"})
    case = d.case
    assert case.status == "withdrawn"
    html = client.get(page(d.case_id)).content.decode()
    assert "已与银行沟通解决" in html
    assert "撤回申请" in html
    assert 'action="' + action("case_withdraw", d.case_id) not in html


def test_the_header_shows_the_deadline_the_clock_and_an_unconfirmed_calendar(
    login, applicant, drive
):
    d = drive()
    case = d.to_accepted()
    Case.objects.filter(pk=case.pk).update(calendar_confirmed=False)
    html = login(applicant).get(page(d.case_id)).content.decode()
    due = case.due_on
    assert f"{due.year}年{due.month}月{due.day}日" in html
    assert "clock-on_track" in html
    assert "剩余 " in html
    assert "日历未确认" in html
    assert "异议标注" in html


def test_after_the_reply_the_outcome_reasons_and_other_avenues_are_shown(
    login, applicant, closed_case
):
    from xiufu.rules.selectors import active_pack

    html = login(applicant).get(page(closed_case.case_id)).content.decode()
    assert "办理结果" in html
    assert "未予更正" in html
    assert "不予修复" in html
    assert "经核对核心系统台账与还款流水" in html  # the investigator's reasons
    for avenue in active_pack()[1].other_avenues():
        assert avenue.label in html
        assert avenue.where in html
        assert avenue.deadline_text in html


def test_rating_after_closing_works_once(login, applicant, closed_case):
    d = closed_case
    client = login(applicant)
    html = assert_page(client.get(page(d.case_id)))
    assert 'name="score"' in html
    client.post(action("case_rate", d.case_id), {"score": "4", "comment": "答复清楚"})
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.comment) == (4, "答复清楚")
    html = client.get(page(d.case_id)).content.decode()
    assert "感谢您的评价" in html
    assert 'name="score"' not in html
    client.post(action("case_rate", d.case_id), {"score": "1"})
    assert "本案已评价，不能重复评价。" in client.get(page(d.case_id)).content.decode()
    assert SatisfactionRating.objects.get().score == 4


def test_a_rating_needs_a_score(login, applicant, closed_case):
    client = login(applicant)
    client.post(action("case_rate", closed_case.case_id), {"comment": "x"})
    assert "请选择1至5分。" in client.get(page(closed_case.case_id)).content.decode()
    assert not SatisfactionRating.objects.exists()


def test_each_material_offers_its_evidence_receipt(login, applicant, closed_case):
    client = login(applicant)
    html = client.get(page(closed_case.case_id)).content.decode()
    materials = closed_case.case.materials.all()
    assert materials
    for material in materials:
        link = f"/portal/cases/{closed_case.case_id}/materials/{material.pk}/receipt/"
        assert link in html
        response = client.get(link)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
