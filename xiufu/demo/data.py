"""Static word lists for the demo data: real region codes, plausible names, industries.

Every name built from these lists is fictitious; a resemblance to a real enterprise or person is
a coincidence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """A real GB/T 2260 county-level code with the names a registration address needs."""

    code: str
    province: str  # "" for the four municipalities, whose city name says it all
    city: str
    district: str
    court_prefix: str  # province abbreviation used in court case numbers, e.g. "浙"
    roads: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.province}{self.city}{self.district}"

    @property
    def city_short(self) -> str:
        return self.city.removesuffix("市")


REGIONS: tuple[Region, ...] = (
    Region("110105", "", "北京市", "朝阳区", "京", ("建国路", "东三环北路", "酒仙桥路")),
    Region("310115", "", "上海市", "浦东新区", "沪", ("张江路", "世纪大道", "川沙路")),
    Region("120116", "", "天津市", "滨海新区", "津", ("第一大街", "洞庭路", "新港路")),
    Region("500112", "", "重庆市", "渝北区", "渝", ("金开大道", "新南路", "龙山大道")),
    Region("440305", "广东省", "深圳市", "南山区", "粤", ("深南大道", "高新南一道", "南海大道")),
    Region("440106", "广东省", "广州市", "天河区", "粤", ("天河路", "体育西路", "黄埔大道西")),
    Region("330106", "浙江省", "杭州市", "西湖区", "浙", ("文三路", "天目山路", "古墩路")),
    Region("320505", "江苏省", "苏州市", "虎丘区", "苏", ("狮山路", "长江路", "竹园路")),
    Region("320102", "江苏省", "南京市", "玄武区", "苏", ("中山路", "珠江路", "北京东路")),
    Region("510107", "四川省", "成都市", "武侯区", "川", ("人民南路四段", "武侯大道", "科华北路")),
    Region("420106", "湖北省", "武汉市", "武昌区", "鄂", ("中北路", "武珞路", "徐东大街")),
    Region("370202", "山东省", "青岛市", "市南区", "鲁", ("香港中路", "山东路", "东海西路")),
    Region("350203", "福建省", "厦门市", "思明区", "闽", ("湖滨南路", "鹭江道", "嘉禾路")),
    Region("610113", "陕西省", "西安市", "雁塔区", "陕", ("高新路", "科技路", "长安南路")),
    Region("430104", "湖南省", "长沙市", "岳麓区", "湘", ("枫林三路", "麓谷大道", "岳麓大道")),
    Region("410105", "河南省", "郑州市", "金水区", "豫", ("花园路", "农业路", "经三路")),
    Region("340104", "安徽省", "合肥市", "蜀山区", "皖", ("长江西路", "黄山路", "望江西路")),
)

REGIONS_BY_CODE = {region.code: region for region in REGIONS}

# (word in the enterprise name, GB/T 4754-2017 section): the name says what the company does.
INDUSTRY_WORDS: tuple[tuple[str, str], ...] = (
    ("精密机械", "C"),
    ("电子科技", "C"),
    ("新材料科技", "C"),
    ("汽车零部件", "C"),
    ("食品", "C"),
    ("纺织", "C"),
    ("医疗器械", "C"),
    ("包装材料", "C"),
    ("智能装备", "C"),
    ("建设工程", "E"),
    ("建筑装饰工程", "E"),
    ("市政工程", "E"),
    ("商贸", "F"),
    ("医药", "F"),
    ("进出口贸易", "F"),
    ("物流", "G"),
    ("国际货运代理", "G"),
    ("餐饮管理", "H"),
    ("酒店管理", "H"),
    ("信息技术", "I"),
    ("软件", "I"),
    ("网络科技", "I"),
    ("置业", "K"),
    ("供应链管理", "L"),
    ("会展服务", "L"),
    ("检测技术", "M"),
    ("工程设计", "M"),
    ("生物技术", "M"),
    ("农业发展", "A"),
    ("燃气", "D"),
    ("环境工程", "N"),
    ("文化传媒", "R"),
)

# Brand words (字号) for the background enterprises. Disjoint from the story enterprises' brands
# so that the only look-alike names are the ones planted on purpose.
BRANDS: tuple[str, ...] = (
    "华瑞", "宏图", "金桥", "永兴", "泰和", "安泰", "汇通", "启航", "新源", "中盈",
    "聚力", "天成", "长盛", "益康", "恒信", "优创", "联拓", "卓越", "明德", "融通",
    "精诚", "同创", "德润", "和信", "英华", "海纳", "伟业", "弘毅", "广源", "锦华",
    "青禾", "睿达", "科瑞", "欣荣", "顺达", "源丰", "合众", "坤元", "天泽", "恒通",
    "辰星", "云海", "凌峰", "思源", "景明", "鑫源", "博瑞", "嘉信", "正源", "康宁",
)  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
)
# Given names by sex, so that a name agrees with the sex digit of the person's ID number.
MALE_GIVEN_NAMES = (
    "伟", "强", "磊", "军", "勇", "涛", "斌", "刚", "建国", "志强", "建华", "国强", "海涛",
    "俊杰", "晓东", "文斌", "立新", "振华", "宏伟", "浩然", "子轩", "宇航", "明辉", "鹏飞",
    "家豪", "永刚", "德明", "春生", "卫东", "志远",
)  # fmt: skip
FEMALE_GIVEN_NAMES = (
    "芳", "敏", "静", "丽", "艳", "娟", "霞", "婷", "秀英", "丽华", "海燕", "桂兰", "晓燕",
    "雪梅", "玉兰", "慧敏", "佳怡", "思雨", "欣怡", "雅琴", "春梅", "红梅", "丽娟", "美玲",
    "晓丽", "文静", "梦瑶", "淑珍", "秀兰", "颖",
)  # fmt: skip

# Mobile prefixes of the three operators, for plausible phone numbers.
MOBILE_PREFIXES = ("133", "135", "136", "138", "139", "150", "152", "158", "177", "186", "189")
