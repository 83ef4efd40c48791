"""Materials and the evidence ledger: every upload is fixed in the log, its receipt verifies
with the file and only with it, only the enterprise and its case's staff get it, signed PDFs are
checked, and the same file in another enterprise's case is flagged."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xiufu import factories as f
from xiufu.cases import actions, selectors
from xiufu.cases.tests.driver import Cast, Driver, pdf_bytes
from xiufu.evidence import keys
from xiufu.evidence.receipt import Receipt, parse_entry
from xiufu.evidence.samples import make_identity, sign, text_page
from xiufu.evidence.verify import Outcome, verify_receipt

pytestmark = pytest.mark.django_db


def _upload(d: Driver, body: bytes, *, name: str = "证明.pdf", actor=None):
    return actions.do_upload_material(
        d.case_id,
        requirement="supporting",
        upload=SimpleUploadedFile(name, body, content_type="application/pdf"),
        actor=actor or d.cast.applicant,
    )


def test_an_upload_is_fixed_in_the_log_without_personal_data(drive):
    d = drive()
    body = pdf_bytes("statement")
    material = _upload(d, body, name="张三的银行流水.pdf")
    entry = parse_entry(material.log_entry.entry)
    assert entry["sha256"] == hashlib.sha256(body).hexdigest() == material.sha256
    assert entry["size"] == len(body)
    assert entry["media_type"] == "application/pdf"
    assert entry["case_ref"] == keys.case_ref(d.case.number)
    text = material.log_entry.entry
    assert d.case.number not in text
    assert "张三" not in text


def test_the_api_lists_a_materials_log_index(drive, login):
    d = drive()
    material = _upload(d, pdf_bytes())
    response = login(d.cast.applicant).get(f"/api/v1/cases/{d.case_id}")
    listed = next(m for m in response.json()["materials"] if m["id"] == material.pk)
    assert listed["log_index"] == material.log_entry_id


def test_the_receipt_verifies_with_the_file_and_not_with_another(drive, login):
    d = drive()
    body = pdf_bytes("receipt")
    material = _upload(d, body)
    response = login(d.cast.applicant).get(
        f"/api/v1/cases/{d.case_id}/materials/{material.pk}/receipt"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    receipt = Receipt.from_json(response.content)
    assert receipt.subject.sha256 == material.sha256
    assert receipt.leaf.index == material.log_entry_id
    assert verify_receipt(response.content, body).outcome == Outcome.VALID
    changed = verify_receipt(response.content, body.replace(b"receipt", b"receipT"))
    assert changed.outcome == Outcome.TAMPERED


def test_other_enterprises_and_staff_without_a_role_get_no_receipt(
    drive, login, other_applicant, outsider
):
    d = drive()
    material = _upload(d, pdf_bytes())
    url = f"/api/v1/cases/{d.case_id}/materials/{material.pk}/receipt"
    assert login(other_applicant).get(url).status_code == 404
    assert login(outsider).get(url).status_code == 404
    page = f"/portal/cases/{d.case_id}/materials/{material.pk}/receipt/"
    assert login(other_applicant).get(page).status_code == 404
    assert login(d.cast.investigator).get(url).status_code == 200
    desk = login(d.cast.investigator).get(f"/desk/materials/{material.pk}/receipt/")
    assert desk.status_code == 200
    assert verify_receipt(desk.content).outcome == Outcome.VALID


def test_a_receipt_of_another_cases_material_is_not_found_under_this_case(drive, login):
    d, e = drive(), drive()
    material = _upload(e, pdf_bytes())
    response = login(d.cast.applicant).get(
        f"/api/v1/cases/{d.case_id}/materials/{material.pk}/receipt"
    )
    assert response.status_code == 404


def test_a_signed_pdf_is_checked_and_shown_to_the_investigator(drive, login):
    d = drive()
    bank = make_identity("Hangzhou Example Bank e-seal")
    material = _upload(d, sign(text_page("Settlement certificate"), bank), name="结清证明.pdf")
    # no trust root configured: intact, but the signer is not trusted
    assert material.signature_status == "untrusted"
    assert material.signature_report["signatures"][0]["signer"]
    page = login(d.cast.investigator).get(f"/desk/cases/{d.case_id}/").content.decode()
    assert "签名完好，但签名人不在信任列表" in page


def test_a_broken_pdf_is_still_accepted(drive):
    d = drive()
    material = _upload(d, b"%PDF-1.7\nnot really a pdf\n")
    assert material.pk is not None
    assert material.signature_status == "error"
    assert material.log_entry_id is not None


def test_the_same_file_in_another_enterprises_case_is_flagged(
    drive, login, other_applicant, clerk, investigator, approver, reporter, enterprise_b
):
    d = drive()
    body = pdf_bytes("judgment")
    mine = _upload(d, body)
    assert selectors.recycled_materials(d.case) == {}

    theirs = Driver.open(
        Cast(other_applicant, clerk, investigator, approver, reporter),
        [("loans", f.loan(enterprise_b, status="overdue", overdue_days=40), "overdue_wrong")],
    )
    _upload(theirs, body)
    flagged = selectors.recycled_materials(d.case)
    assert list(flagged) == [mine.pk]
    assert flagged[mine.pk][0].case_number == theirs.case.number
    page = login(investigator).get(f"/desk/cases/{d.case_id}/").content.decode()
    assert "疑似重复使用的证据" in page
    assert theirs.case.number in page


def test_the_same_file_in_two_cases_of_one_enterprise_is_not_flagged(drive):
    d, e = drive(), drive()
    body = pdf_bytes("own")
    _upload(d, body)
    _upload(e, body)
    assert selectors.recycled_materials(d.case) == {}
