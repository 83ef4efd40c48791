"""The portal in Debian's Chromium: under the CSP, with the keyboard, at desk and phone width."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from xiufu.cases.models import Material
from xiufu.cases.tests.driver import pdf_bytes
from xiufu.conftest import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _watch(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security" in m.text else None,
    )
    return violations


def test_an_upload_happens_in_place_with_the_keyboard(browse, applicant, drive, tmp_path):
    # given a draft case and its page
    d = drive()
    page = browse(applicant)
    violations = _watch(page)
    url = reverse("portal:case", args=[d.case_id])
    page.goto(url)
    assert page.get_by_role("heading", name="材料清单").is_visible()
    # when a file is chosen and the upload button pressed from the keyboard
    path = tmp_path / "申请表.pdf"
    path.write_bytes(pdf_bytes("browser"))
    page.locator("#file-application_form").set_input_files(str(path))
    page.locator("#upload-application_form").focus()
    page.keyboard.press("Enter")
    # then the file appears under its requirement without leaving the page
    block = page.locator("#req-application_form")
    block.get_by_text("申请表.pdf", exact=True).wait_for()
    assert page.url.endswith(url)
    assert block.get_by_text("已上传“申请表.pdf”。").is_visible()
    assert page.evaluate("document.activeElement.id") == "upload-application_form"
    assert Material.objects.filter(case_id=d.case_id).count() == 1
    # and the submit form carries the case's new version
    assert page.locator("form[action$='/submit/'] input[name=version]").input_value() == str(d.v)
    screenshot(page, "portal-case-draft")
    assert violations == []


@pytest.mark.parametrize("width", [1280, 390])
def test_portal_pages_fit_the_screen(browse, applicant, drive, loan_a, width):
    d = drive()
    d.to_accepted()
    page = browse(applicant, width=width)
    violations = _watch(page)
    for name, path in [
        ("home", reverse("portal:home")),
        ("case-new", reverse("portal:case_new")),
        ("case", reverse("portal:case", args=[d.case_id])),
        ("help", reverse("portal:help")),
    ]:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways at {width}px"
        screenshot(page, f"portal-{name}-{width}")
    assert violations == []


def test_filing_a_dispute_with_the_keyboard(browse, applicant, loan_a):
    page = browse(applicant)
    page.goto(reverse("portal:case_new"))
    summary = page.locator("summary").first
    summary.focus()
    page.keyboard.press("Enter")  # opens the record
    page.get_by_label("对这条记录提出异议").first.check()
    page.get_by_label("逾期记录有误").first.check()
    page.get_by_label("这条记录哪里不对，正确的应当是什么").first.fill("已按时还款。")
    page.get_by_label("申请事项与理由").fill("逾期记录有误，请更正。")
    page.get_by_label("申请事项与理由").press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/portal/cases/\d+/$"))
    assert page.get_by_role("heading", name="材料清单").is_visible()
