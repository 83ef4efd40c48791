"""The demo, as the people in it see it, in real Chromium: pages render with the demo's data and
no Content-Security-Policy violation; the screenshots are what docs/screenshots/ shows."""

from __future__ import annotations

import pytest

from xiufu.accounts.models import User
from xiufu.cases.models import Case
from xiufu.conftest import screenshot
from xiufu.demo.loader import load_demo

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _watch(page):
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    return violations


def test_demo_pages_for_staff_and_enterprise(browse):
    load_demo()
    clerk, investigator, approver = (
        User.objects.get(username=u) for u in ("clerk", "investigator", "approver")
    )
    page = browse(clerk)
    violations = _watch(page)
    page.goto("/desk/")
    assert "已超期" in page.content() or "超期" in page.content()
    screenshot(page, "demo-desk-queue", full_page=False)
    page.goto("/desk/dashboard/")
    screenshot(page, "demo-desk-dashboard", full_page=False)

    proposed = Case.objects.get(status="correction_proposed")
    page = browse(approver)
    violations += _watch(page)
    page.goto(f"/desk/cases/{proposed.pk}/#correction")
    page.locator("#correction").screenshot(path=str(screenshot(page, "demo-desk-approval")))

    found = Case.objects.get(status="findings_recorded")
    page = browse(investigator)
    violations += _watch(page)
    page.goto(f"/desk/cases/{found.pk}/#items")
    page.locator("#items").screenshot(path=str(screenshot(page, "demo-desk-finding")))

    page = browse(User.objects.get(username="chenguang-legal"))
    violations += _watch(page)
    page.goto("/portal/")
    screenshot(page, "demo-portal-home", full_page=False)
    closed = Case.objects.get(status="closed")
    page.goto(f"/portal/cases/{closed.pk}/")
    screenshot(page, "demo-portal-closed", full_page=False)
    page = browse(User.objects.get(username="chenguang-legal"), width=390, height=844)
    page.goto("/portal/")
    screenshot(page, "demo-portal-phone", full_page=False)
    assert violations == []
