from __future__ import annotations

from decimal import Decimal

import pytest

from xiufu import factories as f
from xiufu.cases.tests.driver import Driver


@pytest.fixture
def overdue_loan(enterprise_a):
    """A loan reported 35 days overdue that the ledger says was paid on time."""
    record = f.loan(
        enterprise_a,
        status="overdue",
        overdue_days=35,
        overdue_amount=Decimal("52000.00"),
        overdue_principal=Decimal("50000.00"),
        five_tier_class="special_mention",
    )
    from xiufu.records.models import LedgerLoan

    LedgerLoan.objects.filter(business_id=record.business_id).update(
        status="normal",
        overdue_days=0,
        overdue_amount=Decimal("0.00"),
        overdue_principal=Decimal("0.00"),
        five_tier_class="normal",
    )
    return record


@pytest.fixture
def second_loan(enterprise_a):
    return f.loan(enterprise_a, status="overdue", overdue_days=95, five_tier_class="substandard")


@pytest.fixture
def drive(cast, overdue_loan):
    """``drive()`` → a Driver for a fresh portal case disputing the overdue loan."""

    def _drive(records=None, **extra):
        return Driver.open(cast, records or [("loans", overdue_loan, "overdue_wrong")], **extra)

    return _drive
