"""Builders for consistent demo records: enterprises, loans, guarantees and public records.

Each builder returns the ledger truth as a field dict (``enterprise`` holds the USCC); a loan's
status, five-tier class and repayment history are derived from one set of facts so that they
always agree with each other.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from decimal import Decimal
from typing import Any

from xiufu.demo.data import Region
from xiufu.demo.identities import make_mobile, make_person, make_uscc
from xiufu.demo.world import HISTORY_MONTHS, REPORTING_DATE, EnterpriseSeed, PersonSeed, World
from xiufu.records.choices import (
    AccountStatus,
    FiveTierClass,
    GuaranteeStatus,
    GuaranteeType,
    LoanType,
    PublicRecordKind,
)

ZERO = Decimal("0.00")
_CENT = Decimal("0.01")
# Loans repaid in instalments; the others repay principal at maturity.
AMORTISING = frozenset({LoanType.FIXED_ASSET, LoanType.FINANCE_LEASE, LoanType.OTHER})
_LOAN_CODES = {
    LoanType.WORKING_CAPITAL: "LD",
    LoanType.FIXED_ASSET: "GD",
    LoanType.TRADE_FINANCE: "MR",
    LoanType.BILL_DISCOUNT: "TX",
    LoanType.FINANCE_LEASE: "ZL",
    LoanType.OTHER: "QT",
}
_GUARANTEE_CODES = {
    GuaranteeType.GENERAL: "BZ",
    GuaranteeType.JOINT_LIABILITY: "BZ",
    GuaranteeType.MAXIMUM_AMOUNT: "ZGE",
    GuaranteeType.MORTGAGE: "DY",
    GuaranteeType.PLEDGE: "ZY",
}


def money(value: int | str | Decimal) -> Decimal:
    """A CNY (or USD) amount with exactly two decimal places."""
    return Decimal(value).quantize(_CENT)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def month_key(day: dt.date) -> str:
    """The ``YYYY-MM`` key of the repayment history."""
    return f"{day:%Y-%m}"


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    first, last = start.replace(day=1), end.replace(day=1)
    result = []
    while first <= last:
        result.append(first)
        first = add_months(first, 1)
    return result


WINDOW_START = add_months(REPORTING_DATE.replace(day=1), 1 - HISTORY_MONTHS)


def five_tier_for(overdue_days: int) -> str:
    """Risk class implied by days overdue (商业银行金融资产风险分类办法, 2023: over 90 days is at
    least 次级)."""
    if overdue_days == 0:
        return FiveTierClass.NORMAL
    if overdue_days <= 90:
        return FiveTierClass.SPECIAL_MENTION
    if overdue_days <= 270:
        return FiveTierClass.SUBSTANDARD
    if overdue_days <= 360:
        return FiveTierClass.DOUBTFUL
    return FiveTierClass.LOSS


def overdue_trail(overdue_days: int) -> list[str]:
    """Repayment-status digits of the months an overdue covers, oldest first: 95 days → 1 2 3 4."""
    return [str(digit) for digit in range(1, min(7, math.ceil(overdue_days / 30)) + 1)]


def repayment_history(
    open_date: dt.date,
    *,
    close_date: dt.date | None = None,
    pays_monthly: bool = True,
    overdue_days: int = 0,
    overrides: dict[str, str] | None = None,
) -> list[dict[str, str]]:
    """The last 24 months (or since opening), oldest first, ending at the close or report month.

    The opening month has no instalment due (*); a discounted bill (``pays_monthly`` false) pays
    nothing until it is settled; a settled account ends with C.
    """
    end = close_date or REPORTING_DATE
    months = _months(max(open_date, WINDOW_START), end)
    statuses = {
        month_key(m): "*" if m == open_date.replace(day=1) or not pays_monthly else "N"
        for m in months
    }
    if close_date is not None:
        statuses[month_key(close_date)] = "C"
    trail = overdue_trail(overdue_days) if overdue_days else []
    for month, digit in zip(reversed(months), reversed(trail), strict=False):
        statuses[month_key(month)] = digit
    statuses.update(overrides or {})
    return [{"month": month, "status": status} for month, status in statuses.items()]


def scheduled_balance(
    loan_type: str, principal: Decimal, open_date: dt.date, maturity: dt.date
) -> Decimal:
    """Outstanding principal at the report date under equal monthly principal instalments."""
    if loan_type not in AMORTISING:
        return principal
    total = len(_months(open_date, maturity)) - 1
    paid = len(_months(open_date, REPORTING_DATE)) - 1
    return money(principal * (total - paid) / total)


def _new_person(world: World, rng: random.Random, region: Region) -> PersonSeed:
    used_ids = world.used_ids()
    name, id_number = make_person(rng, region_code=region.code)
    while id_number in used_ids:
        name, id_number = make_person(rng, region_code=region.code)
    return PersonSeed(name, id_number, make_mobile(rng))


def new_enterprise(
    world: World,
    rng: random.Random,
    *,
    key: str,
    name: str,
    region: Region,
    industry: str,
    capital: int,
    established_year: int,
    category: str = "1",
) -> EnterpriseSeed:
    """Register an enterprise with a valid USCC and a legal representative with a valid ID."""
    representative = _new_person(world, rng, region)
    used_usccs = {e.uscc for e in world.enterprises}
    uscc = make_uscc(
        rng, region_code=region.code, category=category, modern=established_year >= 2016
    )
    while uscc in used_usccs:
        uscc = make_uscc(rng, region_code=region.code, category=category, modern=True)
    floor = f"{rng.randint(2, 28)}层" if rng.random() < 0.5 else ""
    enterprise = EnterpriseSeed(
        key=key,
        uscc=uscc,
        name=name,
        industry=industry,
        region=region,
        address=f"{region.full_name}{rng.choice(region.roads)}{rng.randint(1, 999)}号{floor}",
        established_on=dt.date(established_year, rng.randint(1, 12), rng.randint(1, 28)),
        registered_capital=money(capital),
        legal_representative=representative,
    )
    world.enterprises.append(enterprise)
    return enterprise


def new_agent(world: World, rng: random.Random, *, username: str, region: Region) -> PersonSeed:
    """A person (not the legal representative) who files for an enterprise as its agent."""
    agent = _new_person(world, rng, region)
    world.agents[username] = agent
    return agent


def make_loan(
    world: World,
    uscc: str,
    *,
    loan_type: str,
    principal: Decimal,
    open_date: dt.date,
    term_months: int,
    currency: str = "CNY",
    close_date: dt.date | None = None,
    balance: Decimal | None = None,
    overdue_days: int = 0,
    overdue_principal: Decimal = ZERO,
    overdue_amount: Decimal = ZERO,
    history_overrides: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A loan's ledger fields; status, class and history follow from the facts given."""
    maturity = add_months(open_date, term_months)
    business_id = world.next_business_id("loans")
    type_code = _LOAN_CODES[LoanType(loan_type)]
    if close_date is not None:
        status, balance = AccountStatus.SETTLED, ZERO
    else:
        status = AccountStatus.OVERDUE if overdue_days else AccountStatus.NORMAL
        if balance is None:
            balance = scheduled_balance(loan_type, principal, open_date, maturity)
    return {
        "enterprise": uscc,
        "business_id": business_id,
        "contract_number": f"XF{type_code}{open_date.year}{business_id[-6:]}",
        "loan_type": loan_type,
        "currency": currency,
        "principal": principal,
        "balance": balance,
        "open_date": open_date,
        "maturity_date": maturity,
        "close_date": close_date,
        "status": status,
        "five_tier_class": five_tier_for(overdue_days),
        "overdue_amount": overdue_amount,
        "overdue_principal": overdue_principal,
        "overdue_days": overdue_days,
        "repayment_history": repayment_history(
            open_date,
            close_date=close_date,
            pays_monthly=loan_type != LoanType.BILL_DISCOUNT,
            overdue_days=overdue_days,
            overrides=history_overrides,
        ),
        "reporting_date": REPORTING_DATE,
    }


def make_guarantee(
    world: World,
    guarantor_uscc: str,
    loan: dict[str, Any],
    *,
    guarantee_type: str,
    guaranteed_amount: Decimal | None = None,
) -> dict[str, Any]:
    """The guarantor's liability for ``loan``: its status, class and overdue follow the loan."""
    amount = guaranteed_amount if guaranteed_amount is not None else loan["principal"]
    business_id = world.next_business_id("guarantees")
    code = _GUARANTEE_CODES[GuaranteeType(guarantee_type)]
    settled = loan["status"] == AccountStatus.SETTLED
    return {
        "enterprise": guarantor_uscc,
        "business_id": business_id,
        "contract_number": f"XF{code}{loan['open_date'].year}{business_id[-6:]}",
        "guarantee_type": guarantee_type,
        "borrower_name": world.names()[loan["enterprise"]],
        "borrower_uscc": loan["enterprise"],
        "guaranteed_loan_business_id": loan["business_id"],
        "currency": loan["currency"],
        "guaranteed_amount": amount,
        "liability_balance": min(loan["balance"], amount),
        "start_date": loan["open_date"],
        "end_date": loan["maturity_date"],
        "status": GuaranteeStatus.RELEASED if settled else GuaranteeStatus.ACTIVE,
        "five_tier_class": loan["five_tier_class"],
        "overdue_amount": loan["overdue_amount"],
        "reporting_date": REPORTING_DATE,
    }


def make_public_record(
    world: World,
    uscc: str,
    *,
    kind: str,
    authority: str,
    document_number: str,
    decided_on: dt.date,
    status: str,
    amount: Decimal | None = None,
    publicity_until: dt.date | None = None,
    description: str = "",
) -> dict[str, Any]:
    """A public record's source fields as given."""
    return {
        "enterprise": uscc,
        "business_id": world.next_business_id("public_records"),
        "kind": kind,
        "authority": authority,
        "document_number": document_number,
        "decided_on": decided_on,
        "currency": "CNY",
        "amount": amount,
        "status": status,
        "publicity_until": publicity_until,
        "description": description,
        "reporting_date": REPORTING_DATE,
    }


def authority_for(kind: str, region: Region) -> str:
    """The body that decides a public record of this kind in the enterprise's district."""
    if kind == PublicRecordKind.TAX_ARREARS:
        return f"国家税务总局{region.city}{region.district}税务局"
    if kind in {PublicRecordKind.CIVIL_JUDGMENT, PublicRecordKind.ENFORCEMENT}:
        return f"{region.city}{region.district}人民法院"
    return f"{region.city}{region.district}市场监督管理局"


def document_number_for(kind: str, region: Region, year: int, number: int) -> str:
    """A document number in the style each kind of body uses, e.g. （2025）浙0106民初1234号."""
    short = region.city_short[0] + region.district[0]
    if kind == PublicRecordKind.CIVIL_JUDGMENT:
        return f"（{year}）{region.court_prefix}{region.code[2:]}民初{number}号"
    if kind == PublicRecordKind.ENFORCEMENT:
        return f"（{year}）{region.court_prefix}{region.code[2:]}执{number}号"
    if kind == PublicRecordKind.TAX_ARREARS:
        return f"{short}税欠告〔{year}〕{number}号"
    if kind == PublicRecordKind.ABNORMAL_OPERATIONS:
        return f"{short}市监异〔{year}〕{number}号"
    return f"{short}市监罚〔{year}〕{number}号"
