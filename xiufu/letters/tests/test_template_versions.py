"""A compliance admin's template versions: upload (refused when not a plain .docx or when it uses
fields the kind does not provide), preview with a real case, activate; issued letters keep the
version they were rendered from."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from xiufu.letters.actions import SHIPPED_DIR
from xiufu.letters.models import Letter, LetterTemplate

pytestmark = pytest.mark.django_db

URL = "/letters/templates/"


def shipped(kind: str) -> bytes:
    return (SHIPPED_DIR / f"{kind}.docx").read_bytes()


def with_paragraph(data: bytes, text: str) -> bytes:
    document = Document(io.BytesIO(data))
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(client, kind: str, data: bytes, name: str = "t.docx", note: str = ""):
    return client.post(
        URL + "upload/", {"kind": kind, "note": note, "file": _file(name, data)}, follow=True
    )


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_only_compliance_admins_manage_templates(login, clerk, compliance):
    assert login(clerk).get(URL).status_code == 403
    page = login(compliance).get(URL)
    assert page.status_code == 200
    assert "受理回执" in page.content.decode()
    assert LetterTemplate.objects.filter(active=True).count() == 7


def test_a_template_using_unknown_fields_is_refused_with_their_list(login, compliance):
    client = login(compliance)
    client.get(URL)
    data = with_paragraph(shipped("acceptance_receipt"), "{{ case.secret }} {{ bank.vault }}")
    page = upload(client, "acceptance_receipt", data).content.decode()
    assert "case.secret" in page
    assert "bank.vault" in page
    assert LetterTemplate.objects.filter(kind="acceptance_receipt").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a word file", "不是 Word 文档"),
        (b"PK\x03\x04 a broken zip", "不是 Word 文档"),
        (b"", "模板文件为空"),
    ],
)
def test_a_file_that_is_not_a_docx_is_refused(login, compliance, data, message):
    client = login(compliance)
    client.get(URL)
    page = upload(client, "reply_letter", data)
    assert page.status_code == 422
    assert message in page.content.decode()
    assert LetterTemplate.objects.filter(kind="reply_letter").count() == 1


def test_a_macro_enabled_document_is_refused(login, compliance):
    client = login(compliance)
    client.get(URL)
    source = io.BytesIO(shipped("reply_letter"))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/vbaProject.bin", b"\x00macro")
    page = upload(client, "reply_letter", out.getvalue(), name="t.docm").content.decode()
    assert "宏" in page
    assert LetterTemplate.objects.filter(kind="reply_letter").count() == 1


def test_upload_preview_and_activate_a_new_version(login, compliance, drive):
    d = drive()
    d.to_accepted()
    first = Letter.objects.get(case_id=d.case_id)
    client = login(compliance)
    data = with_paragraph(shipped("acceptance_receipt"), "本回执第二版：{{ case.number }}")
    upload(client, "acceptance_receipt", data, note="加一行")
    second = LetterTemplate.objects.get(kind="acceptance_receipt", version=2)
    assert not second.active
    preview = client.get(f"{URL}{second.pk}/preview/", {"case_number": d.case.number})
    assert preview.status_code == 200
    assert preview["Content-Type"] == "application/pdf"
    from xiufu.letters.render import pdf_text

    assert f"本回执第二版：{d.case.number}" in pdf_text(preview.content)
    assert Letter.objects.count() == 1  # a preview issues nothing

    client.post(f"{URL}{second.pk}/activate/")
    second.refresh_from_db()
    assert second.active
    assert not LetterTemplate.objects.get(kind="acceptance_receipt", version=1).active
    e = drive()
    e.to_accepted()
    assert Letter.objects.get(case_id=e.case_id).template == second
    first.refresh_from_db()
    assert first.template.version == 1


def test_preview_of_an_unknown_case_says_so(login, compliance):
    client = login(compliance)
    client.get(URL)
    template = LetterTemplate.objects.get(kind="reply_letter")
    response = client.get(f"{URL}{template.pk}/preview/", {"case_number": "YY0000000000"})
    assert response.status_code == 404
