"""The background of the demo: ordinary enterprises whose records are all correct and clean.

Everything adverse in the demo is placed on purpose by ``scenarios`` and listed in the manifest;
the background only adds volume (normal and settled loans, guarantees of clean loans, public
records that were resolved long ago), so that the planted errors have to be found.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from xiufu.demo.builders import (
    WINDOW_START,
    add_months,
    authority_for,
    document_number_for,
    make_guarantee,
    make_loan,
    make_public_record,
    money,
    new_enterprise,
)
from xiufu.demo.data import BRANDS, INDUSTRY_WORDS, REGIONS
from xiufu.demo.world import REPORTING_DATE, World
from xiufu.records.choices import GuaranteeType, LoanType, PublicRecordKind, PublicRecordStatus

_CAPITALS = (100, 200, 300, 500, 800, 1000, 2000, 3000, 5000, 10000)  # 万元
_LOAN_TYPES = (
    (LoanType.WORKING_CAPITAL, 10, (12, 12, 24, 36)),
    (LoanType.FIXED_ASSET, 3, (36, 48, 60)),
    (LoanType.TRADE_FINANCE, 3, (6, 12)),
    (LoanType.BILL_DISCOUNT, 2, (6,)),
    (LoanType.FINANCE_LEASE, 1, (36, 48)),
    (LoanType.OTHER, 1, (12, 24)),
)
_GUARANTEE_TYPES = (
    (GuaranteeType.JOINT_LIABILITY, 10),
    (GuaranteeType.GENERAL, 2),
    (GuaranteeType.MAXIMUM_AMOUNT, 3),
    (GuaranteeType.MORTGAGE, 3),
    (GuaranteeType.PLEDGE, 2),
)


def add_background_enterprises(world: World, rng: random.Random, *, total: int) -> None:
    """Add plausible enterprises until there are ``total``; every brand word is used once."""
    brands = iter(rng.sample(BRANDS, len(BRANDS)))
    while len(world.enterprises) < total:
        region = rng.choice(REGIONS)
        word, industry = rng.choice(INDUSTRY_WORDS)
        capital = rng.choice(_CAPITALS)
        suffix = "股份有限公司" if capital >= 5000 and rng.random() < 0.5 else "有限公司"
        new_enterprise(
            world,
            rng,
            key=f"bg-{len(world.enterprises):02d}",
            name=f"{region.city_short}{next(brands)}{word}{suffix}",
            region=region,
            industry=industry,
            capital=capital,
            # By 2018: a settled 60-month loan in the window may have opened in late 2019.
            established_year=rng.randint(1998, 2018),
        )


def _principal(rng: random.Random, capital_wan: int, currency: str) -> Any:
    if currency == "USD":
        return money(rng.randint(5, 200) * 10_000)
    # Up to 1.5 times the registered capital, between 30万 and 5000万, in whole 10万.
    ceiling = max(4, min(500, capital_wan * 15 // 100))
    return money(rng.randint(3, ceiling) * 100_000)


def clean_loan(world: World, rng: random.Random, uscc: str, *, settled: bool) -> dict[str, Any]:
    """A loan repaid on time so far: normal and still running, or settled within the window."""
    loan_type, _, terms = rng.choices(_LOAN_TYPES, weights=[w for _, w, _ in _LOAN_TYPES])[0]
    term = rng.choice(terms)
    currency = "USD" if loan_type == LoanType.TRADE_FINANCE and rng.random() < 0.4 else "CNY"
    capital = int(next(e for e in world.enterprises if e.uscc == uscc).registered_capital)
    if settled:
        close = WINDOW_START + dt.timedelta(
            days=rng.randint(30, (REPORTING_DATE - WINDOW_START).days - 10)
        )
        # One in five settled early; the others on the maturity date.
        maturity = close + dt.timedelta(days=rng.randint(30, 200)) if rng.random() < 0.2 else close
        open_date = add_months(maturity, -term)
    else:
        open_date = REPORTING_DATE - dt.timedelta(days=rng.randint(15, term * 30 - 30))
        close = None
    loan = make_loan(
        world,
        uscc,
        loan_type=loan_type,
        principal=_principal(rng, capital, currency),
        open_date=open_date,
        term_months=term,
        currency=currency,
        close_date=close,
    )
    world.add("loans", loan)
    world.clean_loans.append(loan)
    return loan


def add_background_loans(world: World, rng: random.Random) -> None:
    """Top every enterprise up to between one and four loans; about a third are settled."""
    for enterprise in world.enterprises:
        target = rng.randint(1, 4)
        for _ in range(max(0, target - world.count("loans", enterprise.uscc))):
            clean_loan(world, rng, enterprise.uscc, settled=rng.random() < 0.3)


def add_background_guarantees(world: World, rng: random.Random) -> None:
    """About half of the enterprises guarantee one or two clean loans of other enterprises."""
    types = [t for t, _ in _GUARANTEE_TYPES]
    weights = [w for _, w in _GUARANTEE_TYPES]
    for enterprise in world.enterprises:
        if rng.random() >= 0.45:
            continue
        candidates = [loan for loan in world.clean_loans if loan["enterprise"] != enterprise.uscc]
        for loan in rng.sample(candidates, rng.choice((1, 1, 2))):
            guarantee_type = rng.choices(types, weights=weights)[0]
            amount = None
            if guarantee_type == GuaranteeType.MAXIMUM_AMOUNT:
                # A maximum-amount guarantee covers a credit line rounded up to the next 100万.
                amount = money((loan["principal"] // 1_000_000 + 1) * 1_000_000)
            world.add(
                "guarantees",
                make_guarantee(
                    world,
                    enterprise.uscc,
                    loan,
                    guarantee_type=guarantee_type,
                    guaranteed_amount=amount,
                ),
            )


def _resolved_public_record(world: World, rng: random.Random, uscc: str) -> dict[str, Any]:
    region = next(e.region for e in world.enterprises if e.uscc == uscc)
    kind = rng.choice(list(PublicRecordKind.values))
    decided = dt.date(rng.randint(2021, 2023), rng.randint(1, 9), rng.randint(1, 28))
    amount, until = None, None
    if kind == PublicRecordKind.TAX_ARREARS:
        status, amount, text = (
            PublicRecordStatus.PERFORMED,
            rng.randint(5_000, 300_000),
            "欠缴税款已缴清",
        )
    elif kind in {PublicRecordKind.CIVIL_JUDGMENT, PublicRecordKind.ENFORCEMENT}:
        status, amount, text = (
            PublicRecordStatus.PERFORMED,
            rng.randint(50_000, 2_000_000),
            "已履行完毕",
        )
    elif kind == PublicRecordKind.ADMINISTRATIVE_PENALTY:
        # Decided by September 2023: the three-year publicity (Order 45 Art. 13) has ended.
        status, amount, text = (
            PublicRecordStatus.PUBLICITY_ENDED,
            rng.randint(5_000, 100_000),
            "罚款已缴纳，公示期满",
        )
        until = decided.replace(year=decided.year + 3)
    else:
        status, text = PublicRecordStatus.REVOKED, "补报年度报告后已移出经营异常名录"
    return make_public_record(
        world,
        uscc,
        kind=kind,
        authority=authority_for(kind, region),
        document_number=document_number_for(kind, region, decided.year, rng.randint(100, 4999)),
        decided_on=decided,
        status=status,
        amount=money(amount) if amount is not None else None,
        publicity_until=until,
        description=text,
    )


def add_background_public_records(world: World, rng: random.Random, *, count: int) -> None:
    """Resolved public records (paid, performed, publicity ended) for ``count`` enterprises."""
    background = [e for e in world.enterprises if e.key.startswith("bg-")]
    for enterprise in rng.sample(background, count):
        world.add("public_records", _resolved_public_record(world, rng, enterprise.uscc))
