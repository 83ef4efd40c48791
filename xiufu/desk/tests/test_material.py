"""A material streamed from storage for inline preview, to staff who may see its case."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xiufu.audit.models import CreditDataAccess
from xiufu.cases import actions

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_staff_get_the_file_inline_with_its_media_type_and_the_read_is_logged(
    case_at, login, clerk
):
    # given a case in review with its PDFs
    d = case_at("formal_review")
    material = d.case.materials.first()
    # when the clerk opens one
    response = login(clerk).get(f"/desk/materials/{material.pk}/")
    # then the stored file, inline, typed as stored, never sniffed
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    with material.file.open("rb") as stored:
        assert _body(response) == stored.read()
    # and it may be framed by our own case page, by nobody else
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # and the read is logged
    read = CreditDataAccess.objects.get(actor=clerk, content="material")
    assert (read.object_ids, read.channel, read.purpose) == ([material.pk], "page", "formal_review")
    assert read.enterprise_id == d.case.enterprise_id


def test_enterprise_users_and_outsiders_are_refused(case_at, login, applicant, outsider):
    d = case_at("formal_review")
    material = d.case.materials.first()
    for user in (applicant, outsider):
        assert login(user).get(f"/desk/materials/{material.pk}/").status_code == 403
    assert not CreditDataAccess.objects.filter(content="material").exists()


def test_an_unknown_material_is_404(login, clerk):
    assert login(clerk).get("/desk/materials/999999/").status_code == 404


def test_the_case_page_previews_pdfs_in_a_frame_and_images_inline(case_at, login, clerk):
    # given a PNG beside the PDFs
    d = case_at("draft")
    png = actions.do_upload_material(
        d.case_id,
        requirement="supporting",
        upload=SimpleUploadedFile("voucher.png", PNG, content_type="image/png"),
        actor=d.cast.applicant,
    )
    d.upload_all()
    d.submit()
    pdf = d.case.materials.filter(media_type="application/pdf").first()
    # when the clerk opens the case
    html = login(clerk).get(f"/desk/cases/{d.case_id}/").content.decode()
    # then
    assert f'<iframe class="preview" src="/desk/materials/{pdf.pk}/"' in html
    assert f'href="/desk/materials/{pdf.pk}/" target="_blank" rel="noopener"' in html
    assert f'<img class="preview-img" src="/desk/materials/{png.pk}/"' in html
    # opening the page itself reads no file
    assert not CreditDataAccess.objects.filter(content="material").exists()
    response = login(clerk).get(f"/desk/materials/{png.pk}/")
    assert response["Content-Type"] == "image/png"
    assert _body(response) == PNG
