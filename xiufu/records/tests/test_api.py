"""Credit records: scoped to the enterprise, every read logged with who, when, what and why."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiufu.audit.models import CreditDataAccess
from xiufu.factories import loan
from xiufu.records.models import LedgerLoan

pytestmark = pytest.mark.django_db


@pytest.fixture
def loan_a(enterprise_a):
    return loan(enterprise_a, overdue_days=35, overdue_amount=Decimal("12000.50"))


@pytest.fixture
def loan_b(enterprise_b):
    return loan(enterprise_b)


def test_enterprise_reads_its_own_records_as_a_logged_self_query(login, applicant, loan_a, loan_b):
    # given A's legal representative
    # when it reads A's credit records
    response = login(applicant).get(f"/api/v1/enterprises/{loan_a.enterprise_id}/credit-records")
    # then it sees its loan, amounts as exact decimals, and the read is logged
    assert response.status_code == 200
    loans = response.json()["loans"]
    assert [item["business_id"] for item in loans] == [loan_a.business_id]
    assert loans[0]["overdue_amount"] == "12000.50"
    assert loans[0]["currency"] == "CNY"
    log = CreditDataAccess.objects.get(content="reported_loans")
    assert (log.actor, log.purpose, log.enterprise_id) == (
        applicant,
        "self_query",
        loan_a.enterprise_id,
    )
    assert log.object_ids == [loan_a.pk]


def test_enterprise_cannot_read_another_enterprises_records(login, other_applicant, loan_a):
    client = login(other_applicant)
    for url in (
        f"/api/v1/enterprises/{loan_a.enterprise_id}/credit-records",
        f"/api/v1/loans/{loan_a.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    assert not CreditDataAccess.objects.exists()


def test_staff_must_state_a_purpose(login, investigator, loan_a):
    url = f"/api/v1/enterprises/{loan_a.enterprise_id}/credit-records"
    missing = login(investigator).get(url)
    assert missing.status_code == 422
    assert missing.json()["code"] == "purpose_required"
    invalid = login(investigator).get(url, {"purpose": "curiosity"})
    assert invalid.status_code == 422
    assert "dispute_investigation" in invalid.json()["details"]["choices"]
    assert not CreditDataAccess.objects.exists()


def test_staff_read_is_logged_with_purpose_and_note(login, investigator, loan_a):
    response = login(investigator).get(
        f"/api/v1/loans/{loan_a.pk}", {"purpose": "dispute_investigation", "note": "案件 X-1"}
    )
    assert response.status_code == 200
    log = CreditDataAccess.objects.get()
    assert (log.actor, log.content, log.purpose, log.purpose_note, log.channel) == (
        investigator,
        "reported_loans",
        "dispute_investigation",
        "案件 X-1",
        "api",
    )


def test_ledger_truth_is_separate_and_staff_only(login, investigator, applicant, reporter, loan_a):
    LedgerLoan.objects.filter(business_id=loan_a.business_id).update(overdue_days=0)
    url = f"/api/v1/enterprises/{loan_a.enterprise_id}/ledger"
    ledger = login(investigator).get(url, {"purpose": "dispute_investigation"})
    assert ledger.status_code == 200
    assert ledger.json()["loans"][0]["overdue_days"] == 0
    reported = login(investigator).get(f"/api/v1/loans/{loan_a.pk}", {"purpose": "audit"})
    assert reported.json()["overdue_days"] == 35
    assert login(applicant).get(url).status_code == 403
    assert login(reporter).get(url, {"purpose": "audit"}).status_code == 403


def test_staff_without_a_role_cannot_read_records(login, outsider, loan_a):
    response = login(outsider).get(
        f"/api/v1/enterprises/{loan_a.enterprise_id}/credit-records", {"purpose": "audit"}
    )
    assert response.status_code == 404  # it may not even see the enterprise
