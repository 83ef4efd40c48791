"""The story: named enterprises, the errors planted in their reports and their true negatives.

Each scenario builds the ledger truth with the same builders as the background, then either
plants a wrong reported value (``world.plant``) or records a correct adverse record as a true
negative (``world.true_negative``). The texts are what the documentation and later the
investigation workspace show; keep them factual and consistent with the values.
"""

from __future__ import annotations

import random

from xiufu.demo.builders import new_agent, new_enterprise
from xiufu.demo.data import REGIONS_BY_CODE
from xiufu.demo.scenarios.guarantees import plant_guarantee_errors
from xiufu.demo.scenarios.loans import (
    add_overdue_true_negatives,
    plant_loan_field_errors,
    plant_overdue_errors,
    plant_settled_errors,
)
from xiufu.demo.scenarios.public_records import (
    add_public_record_true_negatives,
    plant_public_record_errors,
)
from xiufu.demo.world import World

# key, name, region code, industry, registered capital (万元), year established, USCC category.
# The *_twin entries carry look-alike names: the identity mix-ups below are planted on them.
STORY_ENTERPRISES: tuple[tuple[str, str, str, str, int, int, str], ...] = (
    ("chenguang", "杭州晨光精密机械有限公司", "330106", "C", 3000, 2009, "1"),
    ("yunfan", "深圳云帆信息技术有限公司", "440305", "I", 1000, 2016, "1"),
    ("hengda", "苏州恒达电子科技有限公司", "320505", "C", 5000, 2006, "1"),
    ("hengda_twin", "苏州恒达电子有限公司", "320505", "C", 800, 2012, "1"),
    ("jincheng", "成都锦程建设工程有限公司", "510107", "E", 8000, 2003, "1"),
    ("chutian", "武汉楚天物流有限公司", "420106", "G", 2000, 2011, "1"),
    ("haiyun", "青岛海韵食品有限公司", "370202", "C", 1500, 2008, "1"),
    ("haiyun_twin", "青岛海韵食品贸易有限公司", "370202", "F", 300, 2018, "1"),
    ("huayue", "西安华岳机械制造有限公司", "610113", "C", 2500, 2005, "1"),
    ("huayue_twin", "西安华岳机械有限公司", "610113", "C", 600, 2017, "1"),
    ("ludao", "厦门鹭岛供应链管理有限公司", "350203", "L", 2000, 2015, "1"),
    ("yuzhou", "重庆渝州汽车零部件股份有限公司", "500112", "C", 12000, 2001, "1"),
    ("ruifeng", "天津瑞丰化工有限公司", "120116", "C", 6000, 2004, "1"),
    ("jiahe", "上海嘉禾医疗器械有限公司", "310115", "C", 3000, 2013, "1"),
    ("dingsheng", "北京鼎盛商贸有限公司", "110105", "F", 500, 2010, "1"),
    ("hongyuan", "南京宏远建筑装饰工程有限公司", "320102", "E", 2000, 2007, "1"),
    ("tianqi", "广州天启文化传媒有限公司", "440106", "R", 300, 2017, "1"),
    ("xiangjiang", "长沙湘江新材料科技有限公司", "430104", "C", 5000, 2012, "1"),
    ("fenghe", "郑州丰禾农业发展有限公司", "410105", "A", 1000, 2014, "1"),
    ("ancheng", "合肥安诚检测技术有限公司", "340104", "M", 800, 2016, "1"),
    ("boyuan", "北京博远工程设计有限公司", "110105", "M", 1000, 2008, "1"),
    # An individual business (category 2) and a farmers' cooperative (category 3).
    ("rongxiang", "成都市武侯区蓉香小吃店", "510107", "H", 10, 2018, "2"),
    ("lushan", "长沙市岳麓区麓山果蔬种植专业合作社", "430104", "A", 200, 2015, "3"),
)

# Agents (经办人) filing for their enterprise under a power of attorney: username -> enterprise.
STORY_AGENTS: tuple[tuple[str, str], ...] = (
    ("chenguang-agent", "chenguang"),
    ("hengda-agent", "hengda"),
    ("jincheng-agent", "jincheng"),
    ("chutian-agent-expired", "chutian"),
)


def add_story_enterprises(world: World, rng: random.Random) -> None:
    """The named enterprises of the story and the agents who file for them."""
    for key, name, region_code, industry, capital, year, category in STORY_ENTERPRISES:
        new_enterprise(
            world,
            rng,
            key=key,
            name=name,
            region=REGIONS_BY_CODE[region_code],
            industry=industry,
            capital=capital,
            established_year=year,
            category=category,
        )
    for username, key in STORY_AGENTS:
        new_agent(world, rng, username=username, region=world.enterprise(key).region)


def add_story(world: World, rng: random.Random) -> None:
    """Plant every error and true negative of the story, in a fixed order."""
    plant_overdue_errors(world)
    plant_settled_errors(world)
    defaulted = add_overdue_true_negatives(world)
    plant_guarantee_errors(world, rng, defaulted)
    plant_public_record_errors(world)
    add_public_record_true_negatives(world)
    plant_loan_field_errors(world)
