"""Fixtures for the portal pages: records of two enterprises, and cases driven through the real
actions (the case tests' driver)."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser

import pytest

from xiufu import factories as f
from xiufu.cases import actions
from xiufu.cases.tests.driver import Cast, Driver, pdf_bytes


@pytest.fixture
def loan_a(enterprise_a):
    """A loan of enterprise A reported 35 days overdue."""
    return f.loan(
        enterprise_a,
        status="overdue",
        overdue_days=35,
        overdue_amount=Decimal("52000.00"),
        overdue_principal=Decimal("50000.00"),
        five_tier_class="special_mention",
        principal=Decimal("1234567.89"),
    )


@pytest.fixture
def clean_loan_a(enterprise_a):
    return f.loan(enterprise_a)


@pytest.fixture
def loan_b(enterprise_b):
    return f.loan(enterprise_b, principal=Decimal("7654321.00"))


@pytest.fixture
def drive(cast, loan_a):
    """``drive(cast=…)`` → a Driver for a fresh portal case disputing ``loan_a``."""

    def _drive(records=None, *, by=None):
        who = (
            cast
            if by is None
            else Cast(by, cast.clerk, cast.investigator, cast.approver, cast.reporter)
        )
        return Driver.open(who, records or [("loans", loan_a, "overdue_wrong")])

    return _drive


@pytest.fixture
def supplement_case(drive):
    """A case awaiting its one-time supplement: the legal representative's ID was defective."""
    d = drive()
    d.upload_all()
    d.to_review()
    d.review({"legal_rep_id": "defective"})
    actions.do_request_supplement(d.case_id, expected_version=d.v, actor=d.cast.clerk)
    return d


@pytest.fixture
def closed_case(drive):
    """A case answered "not repairable" (reasons and other avenues), then closed."""
    d = drive()
    d.to_accepted()
    d.investigate()
    d.find_all("not_repairable")
    actions.do_draft_non_repair_notice(d.case_id, expected_version=d.v, actor=d.cast.investigator)
    d.reply()
    d.close()
    return d


def pdf(name: str = "material.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")


class _Fields(HTMLParser):
    """Collects the form controls a person fills in, and the ids that labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = dict(attrs)
        if tag == "label" and data.get("for"):
            self.label_for.add(str(data["for"]))
        if tag in ("select", "textarea") or (
            tag == "input" and data.get("type") not in ("hidden", "submit", "button")
        ):
            self.controls.append(data)


def assert_labelled(html: str) -> int:
    """Every field on the page has an id and a ``<label for=…>`` naming it; returns the count."""
    parser = _Fields()
    parser.feed(html)
    for control in parser.controls:
        assert control.get("id"), f"a field without id: {control}"
        assert control["id"] in parser.label_for, f"no <label for={control['id']}>"
    ids = [c["id"] for c in parser.controls]
    assert len(ids) == len(set(ids)), "duplicate field ids"
    return len(ids)


def assert_page(response) -> str:
    """The page came back under the Content-Security-Policy with labelled fields."""
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.content.decode()
    assert "<script>" not in html
    assert " style=" not in html
    assert "hx-on" not in html
    assert_labelled(html)
    return html
