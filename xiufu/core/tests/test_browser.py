"""The browser harness itself: Debian's Chromium renders our pages, in Chinese, under the CSP."""

from __future__ import annotations

import pytest

from xiufu.conftest import screenshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_login_page_in_real_chromium_without_csp_violations(browse):
    page = browse()
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    page.goto("/accounts/login/")
    assert page.get_by_label("用户名").is_visible()
    assert page.get_by_label("密码").is_visible()
    page.keyboard.press("Tab")  # keyboard: the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "跳到正文"
    screenshot(page, "login")
    assert violations == []


def test_sign_in_with_the_keyboard_lands_on_the_desk(browse, clerk):
    from xiufu.factories import TEST_PASSWORD

    page = browse()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_url("**/desk/")
    assert "工作队列" in page.content()
