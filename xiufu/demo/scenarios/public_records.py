"""Story public records: three resolved at the source but shown outstanding, two true ones."""

from __future__ import annotations

from xiufu.demo.builders import money
from xiufu.demo.scenarios.common import D, story_public_record
from xiufu.demo.world import World
from xiufu.records.choices import PublicRecordKind, PublicRecordStatus


def plant_public_record_errors(world: World) -> None:
    """Three public records resolved at the source but still shown as outstanding."""
    outstanding = {"status": PublicRecordStatus.OUTSTANDING}
    record = story_public_record(
        world,
        "jincheng",
        PublicRecordKind.TAX_ARREARS,
        D(2026, 3, 15),
        number=318,
        amount=money("186532.17"),
        status=PublicRecordStatus.PERFORMED,
        description="欠缴增值税及附加税费",
    )
    world.plant(
        "PE-09",
        "public_record_outdated",
        "public_records",
        record,
        outstanding,
        description="2026年3月税务机关公告欠缴增值税及附加186,532.17元；企业已于2026年8月12日"
        "缴清并取得完税证明，税务来源数据已更新为已缴清，报告仍显示未缴。",
        expected="公共记录未及时更新：状态更正为已履行（已缴清）；欠税事实本身保留。",
    )
    record = story_public_record(
        world,
        "tianqi",
        PublicRecordKind.ADMINISTRATIVE_PENALTY,
        D(2023, 5, 18),
        number=1266,
        amount=money(200_000),
        status=PublicRecordStatus.PUBLICITY_ENDED,
        publicity_until=D(2026, 5, 18),
        description="发布虚假广告，罚款20万元",
    )
    world.plant(
        "PE-10",
        "public_record_outdated",
        "public_records",
        record,
        outstanding,
        description="2023年5月的行政处罚罚款已按期缴纳，三年公示期已于2026年5月18日届满，"
        "报告仍显示为未履行。",
        expected="公示期已满：状态更正为公示期满；公示截止日期早于报告日期，数据质量规则即可发现。",
    )
    record = story_public_record(
        world,
        "xiangjiang",
        PublicRecordKind.CIVIL_JUDGMENT,
        D(2025, 6, 20),
        number=2871,
        amount=money(1_280_000),
        status=PublicRecordStatus.PERFORMED,
        description="买卖合同纠纷，判决支付货款128万元",
    )
    world.plant(
        "PE-11",
        "public_record_outdated",
        "public_records",
        record,
        outstanding,
        description="2025年判决的货款128万元已于2026年7月3日履行完毕，执行案件已结案，报告仍"
        "显示未履行。",
        expected="公共记录未及时更新：状态更正为已履行，结案通知书为证据。",
    )


def add_public_record_true_negatives(world: World) -> None:
    """A penalty still in its publicity period and an unpaid tax: both true."""
    record = story_public_record(
        world,
        "chutian",
        PublicRecordKind.ADMINISTRATIVE_PENALTY,
        D(2026, 4, 15),
        number=577,
        amount=money(30_000),
        status=PublicRecordStatus.PERFORMED,
        publicity_until=D(2029, 4, 15),
        description="收费未明码标价，罚款3万元",
    )
    world.true_negative(
        "TN-04",
        "public_records",
        record,
        facts="2026年4月15日因收费未明码标价被罚款3万元，罚款已缴纳，公示期至2029年4月15日，"
        "尚在公示期内；来源与报告一致。",
        expected="核实无误，公示期内不删除；可向市场监管部门申请信用修复（提前停止公示），"
        "不属于本行更正范围。",
    )
    record = story_public_record(
        world,
        "fenghe",
        PublicRecordKind.TAX_ARREARS,
        D(2026, 9, 10),
        number=905,
        amount=money("58210.00"),
        status=PublicRecordStatus.OUTSTANDING,
        description="欠缴企业所得税",
    )
    world.true_negative(
        "TN-05",
        "public_records",
        record,
        facts="2026年9月税务机关公告欠缴企业所得税58,210.00元，至报告日尚未缴纳；来源与报告一致。",
        expected="核实无误，不予修复；缴清后由税务来源更新为已缴清。",
    )
