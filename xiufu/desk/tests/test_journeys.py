"""The whole flow in a real browser (Debian's Chromium through Playwright), enterprise and staff
each in their own pages, as people would click through it. Screenshots of the key pages are saved
into artefacts/screenshots/ (the best few are in docs/screenshots/)."""

from __future__ import annotations

import re

import pytest

from xiufu import factories as f
from xiufu.accounts.choices import Role
from xiufu.cases.models import Case
from xiufu.conftest import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n% xiufu browser test\n%%EOF\n"


def _pdf(name: str) -> dict:
    return {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": PDF + name.encode()}


def _accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def _press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_load_state("networkidle")


def _issue_reply(page) -> None:
    """The written reply: open its preview, read the letters, then issue exactly those."""
    page.get_by_role("link", name="出具书面答复", exact=True).first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="异议回复函").count() == 1
    _press(page, "确认出具")


def _file_dispute(page, loan) -> Case:
    page.goto(f"/portal/cases/new/?record=loans-{loan.pk}")
    page.get_by_label("逾期记录有误").first.check()
    page.get_by_label("申请事项与理由").last.fill(
        "该笔贷款已按期归还，逾期系银行扣款系统故障所致。"
    )
    _press(page, "保存，下一步：查看材料清单")
    page.wait_for_url(re.compile(r"/portal/cases/\d+/$"))
    return Case.objects.latest("pk")


def _upload(page, codes) -> None:
    for code in codes:
        page.locator(f"#file-{code}").set_input_files(_pdf(code))
        page.locator(f"#upload-{code}").click()
        page.get_by_text(f"{code}.pdf").first.wait_for()  # the swapped-in page lists the file


def _review(page, case, verdicts: dict[str, str]) -> None:
    page.goto(f"/desk/cases/{case.pk}/")
    if page.get_by_role("button", name="开始形式审核").count():
        _press(page, "开始形式审核")
    for group in page.locator("#review fieldset").all():
        legend = group.locator("legend").inner_text()
        choice = next((v for label, v in verdicts.items() if label in legend), "合格")
        group.get_by_label(choice, exact=True).check()
        if choice != "合格":
            group.locator("xpath=..").locator("textarea, input[type=text]").first.fill(
                "缺少加盖公章的申请表原件，请补交。"
            )
    _press(page, "保存审核结论")


def test_a_whole_dispute_from_filing_to_rating(
    browse, applicant, clerk, approver, reporter, overdue_loan
):
    investigator = f.staff(Role.INVESTIGATOR, username="browser-investigator")
    ent = _accept_dialogs(browse(applicant))
    # the enterprise files, sees the exact checklist first, and forgets the application form
    case = _file_dispute(ent, overdue_loan)
    assert ent.get_by_role("heading", name="必须提交的材料").is_visible()
    screenshot(ent, "portal-checklist")
    required = [
        c.removeprefix("file-")
        for c in ent.locator("input[type=file]").evaluate_all("els => els.map(e => e.id)")
    ]
    _upload(ent, [c for c in required if c != "application_form"])
    _press(ent, "提交申请")
    assert Case.objects.get(pk=case.pk).status == "submitted"
    # the clerk finds it missing and sends ONE supplement notice
    desk = _accept_dialogs(browse(clerk))
    _review(desk, case, {"申请表": "缺失"})
    _press(desk, "一次性告知补正")
    assert Case.objects.get(pk=case.pk).status == "awaiting_supplement"
    # the enterprise sees the notice and supplements only what it lists
    ent.goto(f"/portal/cases/{case.pk}/")
    assert ent.get_by_text("缺少加盖公章的申请表原件，请补交。").is_visible()
    screenshot(ent, "portal-supplement-notice")
    assert ent.locator("input[type=file]").count() == 1
    _upload(ent, ["application_form"])
    _press(ent, "提交补正")
    # accepted, with the dispute mark and the clock
    _review(desk, case, {})
    _press(desk, "受理（异议标注、起算时限）")
    assert Case.objects.get(pk=case.pk).items.get().dispute_marked
    # the investigator confirms the error, beside the ledger truth, and proposes the correction
    inv = _accept_dialogs(browse(investigator))
    inv.goto(f"/desk/cases/{case.pk}/")
    _press(inv, "开始核查")
    inv.get_by_label("核查结论").select_option("error_confirmed")
    inv.get_by_label("理由").first.fill("核心系统日志显示当日批扣失败，客户账户余额充足。")
    _press(inv, "记录核查结论")
    screenshot(inv, "desk-finding")
    _press(inv, "核查完成")
    _press(inv, "提出更正方案")
    # a different person approves; the reporter submits; the bureau confirms
    appr = _accept_dialogs(browse(approver))
    appr.goto(f"/desk/cases/{case.pk}/")
    screenshot(appr, "desk-approval")
    _press(appr, "审批通过")
    rep = _accept_dialogs(browse(reporter))
    rep.goto(f"/desk/cases/{case.pk}/")
    _press(rep, "报送更正")
    assert Case.objects.get(pk=case.pk).status == "awaiting_confirmation"
    rep.locator("#submission input[type=radio][value=accepted]").check()
    _press(rep, "保存反馈")
    assert Case.objects.get(pk=case.pk).status == "bureau_confirmed"
    # the written reply, closing, and the enterprise's rating
    inv.goto(f"/desk/cases/{case.pk}/")
    _issue_reply(inv)
    desk.goto(f"/desk/cases/{case.pk}/")
    _press(desk, "办结")
    ent.goto(f"/portal/cases/{case.pk}/")
    ent.get_by_label("5 分").check()
    _press(ent, "提交评价")
    screenshot(ent, "portal-closed")
    case.refresh_from_db()
    assert (case.status, case.outcome, case.rating.score) == ("closed", "corrected", 5)


def _accepted_case(cast_users, loan):
    from xiufu.cases.tests.driver import Cast, Driver

    d = Driver.open(Cast(*cast_users), [("loans", loan, "overdue_wrong")])
    d.to_accepted()
    return d


def test_non_repair_path_ends_with_reasons_and_other_avenues(
    browse, applicant, clerk, investigator, approver, reporter, overdue_loan
):
    d = _accepted_case((applicant, clerk, investigator, approver, reporter), overdue_loan)
    inv = _accept_dialogs(browse(investigator))
    inv.goto(f"/desk/cases/{d.case_id}/")
    _press(inv, "开始核查")
    inv.get_by_label("核查结论").select_option("not_repairable")
    inv.get_by_label("理由").first.fill("该笔贷款确未按期归还，台账与报送一致，依法不予删除。")
    _press(inv, "记录核查结论")
    _press(inv, "核查完成")
    _press(inv, "拟定不予修复说明")
    _issue_reply(inv)
    ent = browse(applicant)
    ent.goto(f"/portal/cases/{d.case_id}/")
    body = ent.content()
    assert "该笔贷款确未按期归还，台账与报送一致，依法不予删除。" in body
    assert "向中国人民银行分支机构投诉" in body
    assert "30" in ent.locator("main").inner_text()
    screenshot(ent, "portal-non-repair")


def test_another_enterprise_opening_a_case_by_url_gets_not_found(
    browse, applicant, other_applicant, clerk, investigator, approver, reporter, overdue_loan
):
    d = _accepted_case((applicant, clerk, investigator, approver, reporter), overdue_loan)
    intruder = browse(other_applicant)
    response = intruder.goto(f"/portal/cases/{d.case_id}/")
    assert response is not None
    assert response.status == 404
    assert "未找到" in intruder.content()
    assert overdue_loan.business_id not in intruder.content()
    desk = intruder.goto(f"/desk/cases/{d.case_id}/")
    assert desk is not None
    assert desk.status == 403


def test_investigator_approving_their_own_proposal_is_refused_in_the_page(
    browse, applicant, clerk, approver, reporter, overdue_loan
):
    both = f.staff(Role.INVESTIGATOR, Role.APPROVER, username="both-hats")
    d = _accepted_case((applicant, clerk, both, approver, reporter), overdue_loan)
    d.investigate()
    d.find_all("error_confirmed")
    item = d.case.items.get()
    d.propose(
        [
            {
                "item_id": item.pk,
                "action": "correct",
                "changes": [{"field": "overdue_days", "new": 0}],
            }
        ]
    )
    page = _accept_dialogs(browse(both))
    page.goto(f"/desk/cases/{d.case_id}/")
    _press(page, "审批通过")
    assert page.get_by_text("审批人不能是本案的核查员或更正方案的提出人").first.is_visible()
    screenshot(page, "desk-maker-checker")
    assert Case.objects.get(pk=d.case_id).status == "correction_proposed"
