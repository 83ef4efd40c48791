"""The demo's evidence and letters: every material is fixed in the log, a receipt downloaded from
the portal verifies offline with nothing but the receipt and the file, the investigator sees the
signed, the altered and the recycled files for what they are, and the demo's cases carry their
real letters of every kind, with the content each must have. One demo load serves the module."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from xiufu.accounts.models import User
from xiufu.cases.models import Case, Material
from xiufu.evidence.models import SignedCheckpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(loaded_demo):
    return loaded_demo


def _case_with(original_name: str, claim_contains: str) -> Case:
    return Case.objects.get(materials__original_name=original_name, claim__contains=claim_contains)


def test_every_demo_material_is_in_a_published_checkpoint(demo):
    materials = Material.objects.all()
    assert materials.exists()
    assert not materials.filter(log_entry__isnull=True).exists()
    newest = max(m.log_entry_id or 0 for m in materials)
    assert SignedCheckpoint.objects.filter(size__gt=newest).exists()


@pytest.mark.slow
def test_a_demo_receipt_verifies_on_a_machine_with_only_the_receipt_and_the_file(
    demo, client, tmp_path
):
    applicant = User.objects.get(username="yunfan-legal")
    client.force_login(applicant)
    case = _case_with("结清证明.pdf", "提前结清")
    material = case.materials.get(original_name="结清证明.pdf")
    response = client.get(f"/portal/cases/{case.pk}/materials/{material.pk}/receipt/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(response.content)
    file = tmp_path / "结清证明.pdf"
    with material.file.open("rb") as stream:
        file.write_bytes(stream.read())
    key = client.get("/evidence/key").json()["vkey"]

    # Another machine: no data directory, no database, no settings, no network needed.
    elsewhere = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    command = [sys.executable, "-m", "xiufu.cli", "verify", str(receipt), str(file)]
    result = subprocess.run(
        [*command, "--trusted-key", key],
        capture_output=True,
        text=True,
        env=elsewhere,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID:")
    assert "local" in result.stdout  # the embedded timestamp authority is labelled as such
    assert not (tmp_path / "var").exists()

    tampered = tmp_path / "tampered.pdf"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    result = subprocess.run(
        [sys.executable, "-m", "xiufu.cli", "verify", str(receipt), str(tampered)],
        capture_output=True,
        text=True,
        env=elsewhere,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("TAMPERED:")


def test_the_investigator_sees_signed_altered_and_recycled_files(demo, client):
    client.force_login(User.objects.get(username="investigator"))
    signed = _case_with("结清证明.pdf", "提前结清")
    page = client.get(f"/desk/cases/{signed.pk}/").content.decode()
    assert "电子签名有效" in page

    altered = _case_with("结清证明.pdf", "贷款已结清")
    assert altered.materials.get(original_name="结清证明.pdf").signature_status == "modified"
    page = client.get(f"/desk/cases/{altered.pk}/").content.decode()
    assert "签名后被修改" in page

    outage = Material.objects.filter(original_name="银行系统故障说明.pdf")
    assert outage.count() == 2
    assert len({m.sha256 for m in outage}) == 1
    assert len({m.case.enterprise_id for m in outage}) == 2
    for material in outage:
        other = outage.exclude(pk=material.pk).get()
        page = client.get(f"/desk/cases/{material.case_id}/").content.decode()
        assert "疑似重复使用的证据" in page
        assert other.case.number in page


def test_the_demo_cases_carry_their_letters(demo, client):
    from xiufu.letters.models import Letter

    kinds = set(Letter.objects.values_list("kind", flat=True))
    assert {
        "acceptance_receipt",
        "supplement_notice",
        "rejection_notice",
        "reply_letter",
        "non_repair_notice",
        "correction_report",
    } <= kinds
    for case in Case.objects.filter(accepted_at__isnull=False):
        assert case.letters.filter(kind="acceptance_receipt").exists(), case.number
    # a reply that corrected nothing came with a non-repair notice, downloadable in the portal
    from xiufu.accounts.models import EnterpriseMembership

    letter = Letter.objects.filter(kind="non_repair_notice").select_related("case").first()
    assert letter is not None
    membership = EnterpriseMembership.objects.filter(enterprise=letter.case.enterprise).first()
    assert membership is not None
    client.force_login(membership.user)
    page = client.get(f"/portal/cases/{letter.case_id}/").content.decode()
    assert letter.number in page
    assert client.get(f"/letters/{letter.pk}.pdf").status_code == 200


def _texts(letter) -> list[str]:
    """The letter's text as its DOCX and as its PDF say it, whitespace and the PDF's page numbers
    ("—1—", which may fall inside a sentence at a page break) removed."""
    from xiufu.letters.tests.test_issuing import both

    return [re.sub(r"—\d+—", "", text) for text in both(letter)]


def test_every_kind_of_letter_is_rendered_for_the_demo_cases_with_its_key_content(demo):
    from xiufu.letters.models import Letter, LetterKind

    letters = {kind: Letter.objects.filter(kind=kind).order_by("pk") for kind in LetterKind.values}
    assert all(letters[kind].exists() for kind in LetterKind.values), "a kind has no demo letter"
    for letter in Letter.objects.all():
        assert letter.pdf_size > 0
        assert letter.docx_size > 0
        assert letter.pdf_entry_id
        assert letter.docx_entry_id
    # the acceptance receipt: the deadline written the Chinese way, and the article it rests on
    chinese = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
    for receipt in letters["acceptance_receipt"].select_related("case"):
        received_on, due_on = (receipt.context["case"][k] for k in ("received_on", "due_on"))
        assert chinese.match(received_on), received_on
        assert chinese.match(due_on), due_on
        for text in _texts(receipt):
            assert f"已于{received_on}收到齐备的申请材料" in text
            assert f"至迟于{due_on}" in text
            assert "第二十五条" in text
            assert "20日" in text
            assert receipt.number in text
    # the supplement notice lists what to provide
    for text in _texts(letters["supplement_notice"].first()):
        assert "补正" in text
        assert "一次性" in text
    # the rejection names its ground and the avenues
    for text in _texts(letters["rejection_notice"].first()):
        assert "不予受理" in text
        assert "人民法院" in text
    # the non-repair notice: reasons, the regulation cited, and every other avenue with deadlines
    for letter in letters["non_repair_notice"]:
        for text in _texts(letter):
            assert "第二十五条" in text
            assert "第二十六条" in text
            assert "向中国人民银行分支机构投诉" in text
            assert "30日" in text
            assert "向人民法院提起诉讼" in text
            assert "添加信息主体声明" in text
    # the reply letter of the corrected outage case: what changed, old → new
    corrected = letters["reply_letter"].filter(case__outcome="corrected").first()
    assert corrected is not None
    for text in _texts(corrected):
        assert "已更正" in text
        assert "B0000000000001-L-000001" in text
    # the correction report for the bureau, and the bank's non-malicious overdue explanation
    for text in _texts(letters["correction_report"].first()):
        assert "更正" in text
    explanation = letters["non_malicious_explanation"].first()
    for text in _texts(explanation):
        assert "INC-20260621-01" in text
        assert "B0000000000001-L-000001" in text
        assert "2026年6月21日" in text


def test_a_changed_byte_in_a_demo_letter_is_caught_by_verify(demo, client, tmp_path):
    from xiufu.cli import main as cli
    from xiufu.letters.models import Letter

    applicant = User.objects.get(username="chenguang-legal")
    client.force_login(applicant)
    enterprise_id = applicant.enterprise_id
    assert enterprise_id is not None
    letter = Letter.objects.get(kind="reply_letter", case__enterprise_id=enterprise_id)
    receipt = client.get(f"/letters/{letter.pk}/receipt-pdf.json")
    assert receipt.status_code == 200
    (tmp_path / "receipt.json").write_bytes(receipt.content)
    with letter.pdf.open("rb") as handle:
        data = bytearray(handle.read())
    (tmp_path / "letter.pdf").write_bytes(bytes(data))
    key = client.get("/evidence/key").json()["vkey"]
    args = ["verify", str(tmp_path / "receipt.json"), str(tmp_path / "letter.pdf")]
    assert cli([*args, "--trusted-key", key]) == 0
    data[len(data) // 3] ^= 0x01
    (tmp_path / "letter.pdf").write_bytes(bytes(data))
    assert cli([*args, "--trusted-key", key]) == 1
