"""Story guarantees: two reported on a look-alike enterprise, one with a mistyped amount."""

from __future__ import annotations

import random
from typing import Any

from xiufu.demo.background import clean_loan
from xiufu.demo.builders import make_guarantee, money
from xiufu.demo.scenarios.common import D, story_loan, uscc_of
from xiufu.demo.world import World
from xiufu.records.choices import GuaranteeType, LoanType


def plant_guarantee_errors(world: World, rng: random.Random, defaulted: dict[str, Any]) -> None:
    """Two guarantees reported on a look-alike enterprise, one guarantee amount mistyped."""
    guarantee = make_guarantee(
        world,
        uscc_of(world, "hengda_twin"),
        defaulted,
        guarantee_type=GuaranteeType.JOINT_LIABILITY,
    )
    world.plant(
        "PE-06",
        "guarantee_wrong",
        "guarantees",
        guarantee,
        {"enterprise": uscc_of(world, "hengda")},
        description="保证合同的保证人是苏州恒达电子有限公司；录入担保合同时按名称模糊查询客户，"
        "误选了名称相近的苏州恒达电子科技有限公司，使一笔次级类担保责任出现在后者的报告上。",
        expected="担保非本企业：从苏州恒达电子科技有限公司的报告中删除该相关还款责任，改报到"
        "真正的保证人（标识变更）；对真正保证人而言该担保责任属实，不得删除。",
    )
    supplier_loan = clean_loan(world, rng, uscc_of(world, "fenghe"), settled=False)
    guarantee = make_guarantee(
        world,
        uscc_of(world, "haiyun_twin"),
        supplier_loan,
        guarantee_type=GuaranteeType.MAXIMUM_AMOUNT,
        guaranteed_amount=money(5_000_000),
    )
    world.plant(
        "PE-07",
        "guarantee_wrong",
        "guarantees",
        guarantee,
        {"enterprise": uscc_of(world, "haiyun")},
        description="青岛海韵食品贸易有限公司为供应商郑州丰禾农业提供最高额保证；报送时按名称"
        "前缀“青岛海韵食品”匹配客户号，挂到了青岛海韵食品有限公司名下。",
        expected="担保非本企业：删除青岛海韵食品有限公司名下的该笔担保，改报到青岛海韵食品贸易"
        "有限公司。",
    )
    loan = story_loan(
        world,
        "hongyuan",
        loan_type=LoanType.WORKING_CAPITAL,
        principal=money(3_000_000),
        open_date=D(2026, 3, 25),
        term_months=12,
    )
    world.add("loans", loan)
    world.clean_loans.append(loan)
    guarantee = make_guarantee(
        world, uscc_of(world, "boyuan"), loan, guarantee_type=GuaranteeType.JOINT_LIABILITY
    )
    world.plant(
        "PE-08",
        "guarantee_wrong",
        "guarantees",
        guarantee,
        {"guaranteed_amount": money(30_000_000)},
        description="保证合同约定担保金额300万元，录入时多输一个0，报送为3000万元，北京博远的"
        "对外担保规模被放大十倍。",
        expected="担保金额错误：按段更正担保金额为3,000,000.00；相关还款责任余额不变。",
    )
