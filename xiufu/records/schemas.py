from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class RepaymentMonth(Schema):
    month: str
    status: str


class LoanOut(Schema):
    id: int
    enterprise_id: int
    business_id: str
    contract_number: str
    loan_type: str
    currency: str
    principal: Decimal
    balance: Decimal
    open_date: dt.date
    maturity_date: dt.date
    close_date: dt.date | None
    status: str
    five_tier_class: str
    overdue_amount: Decimal
    overdue_principal: Decimal
    overdue_days: int
    repayment_history: list[RepaymentMonth]
    reporting_date: dt.date


class GuaranteeOut(Schema):
    id: int
    enterprise_id: int
    business_id: str
    contract_number: str
    guarantee_type: str
    borrower_name: str
    borrower_uscc: str
    guaranteed_loan_business_id: str
    currency: str
    guaranteed_amount: Decimal
    liability_balance: Decimal
    start_date: dt.date
    end_date: dt.date
    status: str
    five_tier_class: str
    overdue_amount: Decimal
    reporting_date: dt.date


class PublicRecordOut(Schema):
    id: int
    enterprise_id: int
    business_id: str
    kind: str
    authority: str
    document_number: str
    decided_on: dt.date
    currency: str
    amount: Decimal | None
    status: str
    publicity_until: dt.date | None
    description: str
    reporting_date: dt.date


class LedgerLoanOut(LoanOut):
    source_system: str


class LedgerGuaranteeOut(GuaranteeOut):
    source_system: str


class LedgerPublicRecordOut(PublicRecordOut):
    source_system: str


class CreditRecordsOut(Schema):
    """The reported records of an enterprise, all three kinds."""

    loans: list[LoanOut]
    guarantees: list[GuaranteeOut]
    public_records: list[PublicRecordOut]


class LedgerRecordsOut(Schema):
    loans: list[LedgerLoanOut]
    guarantees: list[LedgerGuaranteeOut]
    public_records: list[LedgerPublicRecordOut]
