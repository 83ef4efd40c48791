"""The written reply on the page: staff read the letters before issuing them, as the pack asks, and
a change after the preview makes them read it again."""

from __future__ import annotations

import re

import pytest

from xiufu.cases import actions
from xiufu.letters.actions import do_activate_letter_template, do_upload_letter_template
from xiufu.letters.models import Letter
from xiufu.letters.render import pdf_text
from xiufu.letters.tests.test_template_versions import shipped, with_paragraph

pytestmark = pytest.mark.django_db

DIGEST = re.compile(r'name="preview_digest" value="([0-9a-f]{64})"')


def digest_on(page: str) -> str:
    """The preview's digest, from the issuing form of the preview page."""
    found = DIGEST.search(page)
    assert found, "the preview page has no issuing form"
    return found.group(1)


def _non_repair_ready(case_at):
    d = case_at("under_investigation")
    d.find_all("not_repairable")
    actions.do_draft_non_repair_notice(d.case_id, expected_version=d.v, actor=d.cast.investigator)
    return d


def _reply_letters(d):
    return Letter.objects.filter(case_id=d.case_id, kind__in=["reply_letter", "non_repair_notice"])


def test_the_reply_button_opens_the_preview_of_every_letter_it_will_issue(case_at, login):
    d = _non_repair_ready(case_at)
    staff = login(d.cast.investigator)
    page = staff.get(f"/desk/cases/{d.case_id}/").content.decode()
    assert f'href="/desk/cases/{d.case_id}/reply/"' in page
    preview = staff.get(f"/desk/cases/{d.case_id}/reply/").content.decode()
    # both letters, the rule that asks for the preview, and the items' conclusions
    assert "异议回复函" in preview
    assert "不予修复说明" in preview
    assert "本机构异议处理内部管理要求" in preview
    assert "信息属实，不予修复" in preview
    for kind in ("reply_letter", "non_repair_notice"):
        pdf = staff.get(f"/desk/cases/{d.case_id}/reply/{kind}.pdf")
        assert pdf["Content-Type"] == "application/pdf"
        text = pdf_text(pdf.content)
        assert "预览" in text
        assert "向中国人民银行分支机构投诉" in text
    # previewing wrote nothing: no letter, the case where it was
    assert not _reply_letters(d).exists()
    assert d.case.status == "non_repair_notice"
    digest = digest_on(preview)
    staff.post(f"/desk/cases/{d.case_id}/issue_reply/", {"version": d.v, "preview_digest": digest})
    case = d.case
    assert case.status == "reply_issued"
    issued = _reply_letters(d).order_by("kind")
    assert [letter.kind for letter in issued] == ["non_repair_notice", "reply_letter"]
    assert all("CD-LET-PREVIEW" in letter.rule_ids for letter in issued)
    assert "CD-LET-PREVIEW" in case.events.get(event="issue_reply").rule_ids


def test_issuing_without_the_preview_is_refused_and_changes_nothing(case_at, login):
    d = _non_repair_ready(case_at)
    staff = login(d.cast.investigator)
    page = staff.post(
        f"/desk/cases/{d.case_id}/issue_reply/", {"version": d.v}, follow=True
    ).content.decode()
    assert "须先预览全文再出具" in page
    assert d.case.status == "non_repair_notice"
    assert not _reply_letters(d).exists()


def test_a_template_activated_after_the_preview_makes_it_stale(case_at, login, compliance):
    d = _non_repair_ready(case_at)
    staff = login(d.cast.investigator)
    digest = digest_on(staff.get(f"/desk/cases/{d.case_id}/reply/").content.decode())
    # a compliance admin activates another version of the reply letter's template meanwhile
    newer = do_upload_letter_template(
        kind="reply_letter",
        data=with_paragraph(shipped("reply_letter"), "如有疑问，请致电本机构。"),
        note="措辞调整",
        actor=compliance,
    )
    do_activate_letter_template(newer.pk, actor=compliance)
    page = staff.post(
        f"/desk/cases/{d.case_id}/issue_reply/",
        {"version": d.v, "preview_digest": digest},
        follow=True,
    ).content.decode()
    assert "请重新预览" in page
    assert d.case.status == "non_repair_notice"
    # a fresh preview issues
    digest = digest_on(staff.get(f"/desk/cases/{d.case_id}/reply/").content.decode())
    staff.post(f"/desk/cases/{d.case_id}/issue_reply/", {"version": d.v, "preview_digest": digest})
    assert d.case.status == "reply_issued"
