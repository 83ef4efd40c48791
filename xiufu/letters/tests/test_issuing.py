"""Letters issued by the workflow: the right letter at each transition, in DOCX and PDF with the
key content, numbered, fixed in the evidence log, resolvable by its code, seen only by its
enterprise and the case's staff; a letter lacking data is not issued and nothing is half-done."""

from __future__ import annotations

import io

import pytest
from docx import Document

from xiufu.cases import actions
from xiufu.cases.models import Case
from xiufu.core.errors import InvalidInput, PermissionDenied
from xiufu.evidence.models import LogEntry
from xiufu.evidence.verify import Outcome, verify_receipt
from xiufu.letters.models import Letter, LetterSequence, Notification
from xiufu.letters.render import chinese_date, pdf_text

pytestmark = pytest.mark.django_db


def docx_text(letter: Letter) -> str:
    with letter.docx.open("rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "".join("".join(parts).split())


def letter_pdf(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as handle:
        return handle.read()


def squeeze(text: str) -> str:
    return "".join(text.split())


def both(letter: Letter) -> list[str]:
    return [docx_text(letter), pdf_text(letter_pdf(letter))]


def test_acceptance_issues_the_receipt_with_the_deadline_in_chinese(drive):
    d = drive()
    d.to_accepted()
    case = d.case
    (letter,) = Letter.objects.filter(case=case)
    assert letter.kind == "acceptance_receipt"
    assert letter.number.startswith("示范银征异受〔")
    for text in both(letter):
        assert case.number in text
        assert case.enterprise.name in text
        assert f"{case.due_on.year}年{case.due_on.month}月{case.due_on.day}日" in text
        assert squeeze(chinese_date(letter.issued_at.date())) in text
        assert letter.verification_code[:4] in text
        assert "第二十五条" in text


def test_the_supplement_notice_lists_every_defect_and_what_to_provide(drive):
    d = drive()
    d.upload_all()
    d.to_review()
    codes = d.checklist_codes()
    d.review({codes[0]: "missing", codes[1]: "defective"})
    actions.do_request_supplement(d.case_id, expected_version=d.v, actor=d.cast.clerk)
    letter = Letter.objects.get(case_id=d.case_id, kind="supplement_notice")
    notice = d.case.supplement_notices.get()
    for text in both(letter):
        for defect in notice.defects:
            assert squeeze(defect["label"]) in text
            assert squeeze(defect["what_to_provide"])[:20] in text


def test_rejection_at_intake_gives_the_ground_and_the_avenues(drive):
    d = drive()
    d.upload_all()
    d.to_review()
    actions.do_reject_case(
        d.case_id,
        ground="not_furnished_by_us",
        reason="该记录由税务机关报送，请向税务机关提出。",
        expected_version=d.v,
        actor=d.cast.clerk,
    )
    letter = Letter.objects.get(case_id=d.case_id, kind="rejection_notice")
    for text in both(letter):
        assert "该记录由税务机关报送" in text
        assert "人民法院" in text


def test_the_reply_and_the_non_repair_notice_carry_reasons_citations_and_avenues(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("not_repairable")
    actions.do_draft_non_repair_notice(d.case_id, expected_version=d.v, actor=d.cast.investigator)
    d.reply()
    notice = Letter.objects.get(case_id=d.case_id, kind="non_repair_notice")
    reply = Letter.objects.get(case_id=d.case_id, kind="reply_letter")
    for text in both(notice):
        assert "第二十六条" in text  # the complaint avenue's citation, from the pack
        assert "30日" in text  # its deadline
        assert "人民法院" in text
    for text in both(reply):
        assert "不予修复" in text


def test_a_correction_report_and_a_reply_show_old_and_new(drive):
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("error_confirmed")
    item = d.case.items.get()
    change = {"field": "overdue_days", "new": 0}
    d.propose([{"item_id": item.pk, "action": "correct", "changes": [change]}])
    d.approve()
    d.submit_correction()
    report = Letter.objects.get(case_id=d.case_id, kind="correction_report")
    for text in both(report):
        assert item.business_id in text
        assert "35" in text  # the old value
        assert str(d.cast.approver) in text  # the checker
    d.confirm()
    d.reply()
    reply = Letter.objects.get(case_id=d.case_id, kind="reply_letter")
    for text in both(reply):
        assert "已更正" in text


def test_letters_are_numbered_per_kind_and_year_and_fixed_in_the_log(drive):
    first, second = drive(), drive()
    first.to_accepted()
    second.to_accepted()
    letters = list(Letter.objects.filter(kind="acceptance_receipt").order_by("sequence"))
    assert [x.sequence for x in letters] == [1, 2]
    assert LetterSequence.objects.get(kind="acceptance_receipt").last == 2
    for letter in letters:
        assert letter.pdf_entry.kind == "letter"
        assert letter.pdf_entry.sha256 == letter.pdf_sha256
        assert letter.docx_entry.sha256 == letter.docx_sha256


def test_a_changed_byte_in_an_issued_letter_is_caught(drive, login):
    d = drive()
    d.to_accepted()
    letter = Letter.objects.get(case_id=d.case_id)
    client = login(d.cast.applicant)
    receipt = client.get(f"/letters/{letter.pk}/receipt-pdf.json")
    assert receipt.status_code == 200
    pdf = client.get(f"/letters/{letter.pk}.pdf")
    assert pdf.status_code == 200
    body = b"".join(pdf.streaming_content)
    assert verify_receipt(receipt.content, body).outcome == Outcome.VALID
    changed = bytearray(body)
    changed[len(changed) // 2] ^= 0x20
    assert verify_receipt(receipt.content, bytes(changed)).outcome == Outcome.TAMPERED


def test_the_verification_code_resolves_on_the_public_page(drive, client):
    d = drive()
    d.to_accepted()
    letter = Letter.objects.get(case_id=d.case_id)
    code = "-".join(letter.verification_code[i : i + 4] for i in range(0, 12, 4))
    page = client.post("/verify/", {"action": "code", "code": code.lower()})
    html = page.content.decode()
    assert letter.number in html
    assert letter.pdf_sha256 in html
    assert d.case.enterprise.name not in html  # only what the letter's heading shows


def test_only_the_enterprise_and_staff_see_a_letter(drive, login, other_applicant, outsider):
    d = drive()
    d.to_accepted()
    letter = Letter.objects.get(case_id=d.case_id)
    assert login(other_applicant).get(f"/letters/{letter.pk}.pdf").status_code == 404
    assert login(outsider).get(f"/letters/{letter.pk}.pdf").status_code == 404
    assert login(d.cast.clerk).get(f"/letters/{letter.pk}.docx").status_code == 200


def test_the_enterprise_is_notified_and_reading_the_letter_clears_it(drive, login):
    d = drive()
    d.to_accepted()
    letter = Letter.objects.get(case_id=d.case_id)
    client = login(d.cast.applicant)
    home = client.get("/portal/").content.decode()
    assert letter.number in home
    page = client.get(f"/portal/cases/{d.case_id}/").content.decode()
    assert f"/letters/{letter.pk}.pdf" in page
    b"".join(client.get(f"/letters/{letter.pk}.pdf").streaming_content)
    assert not Notification.objects.filter(letter=letter, read_at__isnull=True).exists()
    assert letter.number not in client.get("/portal/").content.decode()


def test_a_letter_lacking_data_is_not_issued_and_nothing_is_half_done(drive, settings):
    d = drive()
    d.upload_all()
    d.to_review()
    d.review()
    version, status = d.v, d.case.status
    entries = LogEntry.objects.count()
    settings.LETTER_ADDRESS = ""
    with pytest.raises(InvalidInput) as caught:
        actions.do_accept_case(d.case_id, expected_version=version, actor=d.cast.clerk)
    assert caught.value.code == "letter_fields_missing"
    assert "institution.address" in caught.value.details["missing"]
    case = Case.objects.get(pk=d.case_id)
    assert (case.version, case.status) == (version, status)
    assert not Letter.objects.exists()
    assert LogEntry.objects.count() == entries
    assert not LetterSequence.objects.filter(last__gt=0).exists()


def test_the_investigator_issues_a_non_malicious_overdue_explanation(drive, clerk):
    from xiufu.letters.actions import do_issue_non_malicious_explanation

    d = drive()
    d.to_accepted()
    d.investigate()
    overdue = {
        "subject": "流动资金贷款（业务标识码 B0000000000001-L-000002）",
        "due_on": "2026年6月30日",
        "paid_on": "2026年7月2日",
        "amount": "52,000.00元",
        "shown_as": "逾期1-30天",
    }
    cause = {
        "kind": "我行系统故障",
        "description": "2026年6月30日我行核心系统故障，自动扣款未能执行，并非借款人原因。",
        "reference_title": "核心系统故障事件记录",
    }
    with pytest.raises(PermissionDenied):  # the clerk may not see the ledger
        do_issue_non_malicious_explanation(d.case_id, overdues=[overdue], cause=cause, actor=clerk)
    with pytest.raises(InvalidInput) as caught:  # the cause is required
        do_issue_non_malicious_explanation(
            d.case_id, overdues=[overdue], cause={}, actor=d.cast.investigator
        )
    assert caught.value.code == "letter_fields_missing"
    letter = do_issue_non_malicious_explanation(
        d.case_id, overdues=[overdue], cause=cause, actor=d.cast.investigator
    )
    for text in both(letter):
        assert "核心系统故障" in text
        assert "B0000000000001-L-000002" in text


def test_an_issued_letter_cannot_be_changed(drive):
    d = drive()
    d.to_accepted()
    letter = Letter.objects.get(case_id=d.case_id)
    letter.number = "示范银征异受〔2026〕999号"
    with pytest.raises(ValueError, match="cannot be changed"):
        letter.save()
    assert Letter.objects.get(pk=letter.pk).number != "示范银征异受〔2026〕999号"


def test_a_case_on_a_pack_without_the_preview_rule_issues_its_reply_directly(drive, compliance):
    # the 2026.1 pack has no letters.preview_before_issue: cases started on it keep that
    from xiufu.rules.actions import do_activate_rule_pack, do_load_rule_pack
    from xiufu.rules.engine import PACKS_DIR

    text = (PACKS_DIR / "credit_dispute" / "2026.1.yaml").read_text(encoding="utf-8")
    do_activate_rule_pack(do_load_rule_pack(text=text, actor=compliance).pk, actor=compliance)
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("no_error")
    actions.do_draft_non_repair_notice(d.case_id, expected_version=d.v, actor=d.cast.investigator)
    assert not actions.preview_reply(d.case_id, actor=d.cast.investigator).required
    case = actions.do_issue_reply(d.case_id, expected_version=d.v, actor=d.cast.investigator)
    assert (case.rule_pack.version, case.status) == ("2026.1", "reply_issued")
    kinds = set(Letter.objects.filter(case=case).values_list("kind", flat=True))
    assert {"reply_letter", "non_repair_notice"} <= kinds
