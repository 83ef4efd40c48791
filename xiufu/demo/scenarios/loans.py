"""Story loans: wrong overdues, settled loans shown open, wrong class and amounts, a loan on a
look-alike enterprise, and the real overdues that must stay."""

from __future__ import annotations

from typing import Any

from xiufu.demo.builders import money, repayment_history
from xiufu.demo.scenarios.common import D, story_loan, uscc_of
from xiufu.demo.world import World
from xiufu.records.choices import AccountStatus, FiveTierClass, LoanType


def plant_overdue_errors(world: World) -> None:
    """Three wrong overdue reports: a bank outage, a payment left in suspense, a wrong start."""
    loan = story_loan(
        world,
        "chenguang",
        loan_type=LoanType.FIXED_ASSET,
        principal=money(12_000_000),
        open_date=D(2024, 3, 15),
        term_months=60,
    )
    world.plant(
        "PE-01",
        "overdue_wrong",
        "loans",
        loan,
        {"repayment_history": repayment_history(D(2024, 3, 15), overrides={"2026-06": "1"})},
        description="2026年6月21日修复示范银行核心系统升级，当日批量自动扣款失败（故障登记号"
        " INC-20260621-01）；企业账户余额充足，6月23日系统恢复后补扣成功，台账按时还款处理，"
        "但报送程序把2026年6月记为逾期1期。",
        expected="逾期状态错误：按段更正2026-06还款状态为N；属银行系统原因的非恶意逾期，"
        "证据为故障登记与扣款流水。",
    )
    loan = story_loan(
        world,
        "ludao",
        loan_type=LoanType.WORKING_CAPITAL,
        principal=money(6_000_000),
        open_date=D(2025, 10, 19),
        term_months=24,
        balance=money(4_500_000),
    )
    world.plant(
        "PE-02",
        "overdue_wrong",
        "loans",
        loan,
        {
            "status": AccountStatus.OVERDUE,
            "five_tier_class": FiveTierClass.SPECIAL_MENTION,
            "overdue_amount": money("512450.00"),
            "overdue_principal": money(500_000),
            "overdue_days": 12,
            "repayment_history": repayment_history(D(2025, 10, 19), overdue_days=12),
        },
        description="2026年10月19日到期的一期本息，企业当日对公转账足额汇入，因附言缺少合同号"
        "进入待清算挂账户；台账当日按时核销，报送系统仍按未还计算逾期12天。",
        expected="逾期状态错误：账户状态更正为正常，逾期总额、逾期本金、逾期天数清零，五级分类"
        "更正为正常，2026-10还款状态更正为N。",
    )
    loan = story_loan(
        world,
        "ruifeng",
        loan_type=LoanType.FIXED_ASSET,
        principal=money(24_000_000),
        open_date=D(2024, 10, 16),
        term_months=30,
        balance=money(5_600_000),
        overdue_days=15,
        overdue_principal=money(800_000),
        overdue_amount=money("826400.00"),
    )
    world.plant(
        "PE-03",
        "overdue_wrong",
        "loans",
        loan,
        {
            "overdue_amount": money("1652800.00"),
            "overdue_principal": money(1_600_000),
            "overdue_days": 45,
            "repayment_history": repayment_history(D(2024, 10, 16), overdue_days=45),
        },
        description="9月16日一期已由集团财务公司按时代扣，但入账时错配到集团另一笔合同，报送"
        "系统把逾期起算日算成9月16日；实际只有10月16日一期80万元未还，逾期15天。",
        expected="部分更正：逾期天数改为15、逾期本金800,000.00、逾期总额826,400.00、"
        "2026-09还款状态改为N；10月这一期逾期属实，必须保留，不得整笔删除。",
    )


def plant_settled_errors(world: World) -> None:
    """Two settled loans still shown as running: an early repayment and a payoff of an overdue."""
    loan = story_loan(
        world,
        "yunfan",
        loan_type=LoanType.WORKING_CAPITAL,
        principal=money(3_000_000),
        open_date=D(2025, 12, 20),
        term_months=12,
        close_date=D(2026, 9, 18),
    )
    world.plant(
        "PE-04",
        "settled_shown_outstanding",
        "loans",
        loan,
        {
            "status": AccountStatus.NORMAL,
            "balance": money(3_000_000),
            "close_date": None,
            "repayment_history": repayment_history(D(2025, 12, 20)),
        },
        description="企业于2026年9月18日提前归还全部本息，信贷系统已结清；结清信息因报送批次"
        "遗漏未上报，报告仍显示未结清、余额300万元。",
        expected="已结清仍显示未结清：账户状态更正为结清，结清日期2026-09-18，余额0，还款记录"
        "以2026-09的C结束。",
    )
    loan = story_loan(
        world,
        "ancheng",
        loan_type=LoanType.FIXED_ASSET,
        principal=money(2_400_000),
        open_date=D(2025, 4, 10),
        term_months=24,
        close_date=D(2026, 10, 15),
        history_overrides={"2026-09": "1"},
    )
    world.plant(
        "PE-05",
        "settled_shown_outstanding",
        "loans",
        loan,
        {
            "status": AccountStatus.OVERDUE,
            "balance": money(800_000),
            "close_date": None,
            "five_tier_class": FiveTierClass.SPECIAL_MENTION,
            "overdue_amount": money("206300.00"),
            "overdue_principal": money(200_000),
            "overdue_days": 51,
            "repayment_history": repayment_history(D(2025, 4, 10), overdue_days=51),
        },
        description="9月10日一期企业确未按时归还（真实逾期）；10月15日企业一次性还清全部欠款并"
        "结清贷款，台账已结清，但报送系统因结清交易与逾期核销顺序错误，仍报送为逾期51天、"
        "余额80万元。",
        expected="已结清仍显示未结清：更正为结清（2026-10-15，余额0，逾期清零，分类正常）；"
        "但2026-09的“1”属实，必须保留。",
    )


def add_overdue_true_negatives(world: World) -> dict[str, Any]:
    """Real overdues that must stay on the reports. Returns the loan that PE-06 guarantees."""
    loan = story_loan(
        world,
        "chutian",
        loan_type=LoanType.WORKING_CAPITAL,
        principal=money(6_000_000),
        open_date=D(2025, 7, 28),
        term_months=12,
        overdue_days=95,
        overdue_principal=money(6_000_000),
        overdue_amount=money("6183000.00"),
    )
    world.true_negative(
        "TN-01",
        "loans",
        loan,
        facts="2026年7月28日到期的600万元流动资金贷款未归还，逾期95天，五级分类次级；企业称"
        "“受市场影响”，但既无银行过错也无政策依据，台账与报送一致。",
        expected="核实无误，不予修复：拒绝删除真实逾期（洗白），书面说明理由和其他救济途径；"
        "企业可添加声明。",
    )
    defaulted = story_loan(
        world,
        "yuzhou",
        loan_type=LoanType.WORKING_CAPITAL,
        principal=money(15_000_000),
        open_date=D(2025, 6, 3),
        term_months=12,
        overdue_days=150,
        overdue_principal=money(15_000_000),
        overdue_amount=money("15412500.00"),
    )
    world.true_negative(
        "TN-02",
        "loans",
        defaulted,
        facts="2026年6月3日到期的1500万元流动资金贷款未归还，逾期150天，五级分类次级；"
        "台账与报送一致。",
        expected="核实无误：不得删除或改为正常；保证人承担相关还款责任（见PE-06）。",
    )
    cured = story_loan(
        world,
        "chenguang",
        loan_type=LoanType.WORKING_CAPITAL,
        principal=money(5_000_000),
        open_date=D(2024, 12, 10),
        term_months=36,
        history_overrides={"2025-03": "1"},
    )
    world.true_negative(
        "TN-03",
        "loans",
        cured,
        facts="2025年3月10日应付利息，企业因回款延迟于3月19日才归还，逾期9天；此后按时还款，"
        "台账与报送一致。",
        expected="核实无误，不予修复：2025-03的“1”属实（与PE-01的系统故障无关），拒绝删除；"
        "企业可添加声明。",
    )
    return defaulted


def plant_loan_field_errors(world: World) -> None:
    """A wrong five-tier class, a mistyped principal, a stale balance, a loan on a look-alike."""
    loan = story_loan(
        world,
        "jiahe",
        loan_type=LoanType.FIXED_ASSET,
        principal=money(8_000_000),
        open_date=D(2025, 1, 20),
        term_months=48,
    )
    world.plant(
        "PE-12",
        "five_tier_class_wrong",
        "loans",
        loan,
        {"five_tier_class": FiveTierClass.SUBSTANDARD},
        description="2026年三季度风险分类批量调整时，调整清单按合同号前缀匹配，把另一客户的"
        "次级类分类写到了本笔贷款上；本笔贷款从未逾期。",
        expected="五级分类错误：由次级更正为正常（账户正常、无逾期却为次级，一致性规则可发现）。",
    )
    loan = story_loan(
        world,
        "dingsheng",
        loan_type=LoanType.WORKING_CAPITAL,
        principal=money(500_000),
        open_date=D(2026, 4, 8),
        term_months=12,
    )
    world.plant(
        "PE-13",
        "amount_wrong",
        "loans",
        loan,
        {"principal": money(5_000_000)},
        description="借款合同金额50万元，补录时多输一个0，报送为500万元（余额仍为50万元）。",
        expected="借款金额错误：按段更正借款金额为500,000.00。",
    )
    loan = story_loan(
        world,
        "hongyuan",
        loan_type=LoanType.WORKING_CAPITAL,
        principal=money(8_000_000),
        open_date=D(2026, 1, 12),
        term_months=12,
        balance=money(6_500_000),
    )
    world.plant(
        "PE-14",
        "amount_wrong",
        "loans",
        loan,
        {"balance": money(8_000_000)},
        description="企业于2026年10月10日提前部分还款150万元，台账余额650万元，报送余额仍为800万元。",
        expected="余额错误：按段更正余额为6,500,000.00。",
    )
    loan = story_loan(
        world,
        "huayue_twin",
        loan_type=LoanType.WORKING_CAPITAL,
        principal=money(2_000_000),
        open_date=D(2025, 8, 27),
        term_months=12,
        overdue_days=65,
        overdue_principal=money(2_000_000),
        overdue_amount=money("2026000.00"),
    )
    world.plant(
        "PE-15",
        "account_not_ours",
        "loans",
        loan,
        {"enterprise": uscc_of(world, "huayue")},
        description="借款人是西安华岳机械有限公司；开户时客户号关联错误，这笔逾期65天的贷款报送在"
        "名称相近的西安华岳机械制造有限公司名下，后者从未在本行借款。",
        expected="借贷账户非本企业：从西安华岳机械制造有限公司的报告中整笔删除或标识变更到真正"
        "借款人；逾期本身属实，真正借款人的记录保留。",
    )
