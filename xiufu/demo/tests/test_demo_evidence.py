"""The demo's evidence: every material is fixed in the log, a receipt downloaded from the portal
verifies offline with nothing but the receipt and the file, and the investigator sees the signed,
the altered and the recycled files for what they are."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from xiufu.accounts.models import User
from xiufu.cases.models import Case, Material
from xiufu.demo.loader import load_demo
from xiufu.evidence.models import SignedCheckpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return load_demo()


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
