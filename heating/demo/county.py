"""The fixed part of the demo county: companies, bureaus, logins and the words the demo uses."""
import datetime
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from heating.models import (
    Duty,
    InstitutionApproval,
    Payment,
    Role,
)

DEMO_PASSWORD = "demo-2019"
SEASONS = (2019, 2020)
TZ = ZoneInfo("Asia/Shanghai")
BATCH = 1000
FACTS_CHUNK = 2000
CHANGE_REASON = "seed_demo"

Category = InstitutionApproval.Category




@dataclass(frozen=True)
class CompanyInfo:
    code: str
    name: str
    number_prefix: str  # account numbers and meter serials start with it
    communities: tuple[tuple[str, str], ...]  # (小区, the road it is on)
    bank_name: str = ""
    bank_account: str = ""  # the company's own account for transfers: public payment details
    counters: tuple[tuple[str, str, str, str], ...] = ()  # (name, address, hours, phone)


COMPANIES = (
    CompanyInfo(
        "DEMO1",
        "沂源示范热力有限公司",
        "01",
        (
            ("翠屏小区", "胜利路"),
            ("荆山花园", "荆山路"),
            ("历山社区", "历山路"),
            ("鲁山小区", "鲁山路"),
            ("沂河源小区", "沂河路"),
            ("儒林小区", "儒林街"),
            ("振兴花园", "振兴路"),
            ("螳螂河畔", "螳螂河路"),
            ("实验小区", "博物馆路"),
            ("瑞阳嘉园", "瑞阳路"),
            ("凤凰城", "凤凰路"),
            ("金桥花园", "健康路"),
            ("新城华府", "新城路"),
            ("文化苑", "文化路"),
            ("东关社区", "东关街"),
            ("银河小区", "银河路"),
        ),
        bank_name="中国工商银行沂源支行",
        bank_account="1603 0012 0920 0058 817",
        counters=(
            ("胜利路营业厅", "沂源县胜利路 86 号", "每日 8:00–17:30（供暖季延至 19:00）", "0533-3241001"),
            ("荆山路营业厅", "沂源县荆山路 128 号", "周一至周六 8:30–17:00", "0533-3241002"),
        ),
    ),
    CompanyInfo(
        "DEMO2",
        "沂源城南示范供热有限公司",
        "02",
        (
            ("城南花园", "城南路"),
            ("南麻新村", "南麻街"),
            ("润生小区", "润生路"),
            ("阳光佳苑", "阳光路"),
            ("龙泉小区", "龙泉路"),
            ("南苑小区", "南苑街"),
            ("东岳花园", "东岳路"),
            ("悦庄小区", "悦庄路"),
            ("锦绣家园", "锦绣路"),
            ("泰和名都", "泰和路"),
        ),
        bank_name="中国农业银行沂源县支行",
        bank_account="1533 5101 0400 1276 3",
        counters=(("城南路营业厅", "沂源县城南路 19 号", "每日 8:00–17:00", "0533-3256600"),),
    ),
)
# Account i belongs to DEMO2 when i % 10 is one of these (a 70/30 split), else to DEMO1.
DEMO2_DIGITS = frozenset({3, 6, 9})
FLATS_PER_BUILDING = 24  # 2 entrances × 6 floors × 2 doors
BUILDINGS_PER_ROUTE = 8
BUILDINGS_PER_COMMUNITY = 15

BUREAUS = (
    ("CZJ", "沂源县财政局", (Duty.SUBSIDY_LEAD, Duty.SUBSIDY_APPROVE, Duty.FUND_AUDIT)),
    (
        "ZJJ", "沂源县住房和城乡建设局",
        (Duty.SUBSIDY_LEAD, Duty.REFUND_OVERSIGHT, Duty.AREA_DECISION, Duty.SERVICE_OVERSIGHT),
    ),
    ("FGJ", "沂源县发展和改革局", (Duty.SUBSIDY_REVIEW, Duty.PRICE_EXPLANATION, Duty.PRICE_POLICY)),
    ("SJJ", "沂源县审计局", (Duty.SUBSIDY_REVIEW, Duty.FUND_AUDIT)),
    ("JTJ", "沂源县教育和体育局", (Duty.ELIGIBILITY_EDUCATION,)),
    ("RSJ", "沂源县人力资源和社会保障局", (Duty.ELIGIBILITY_HR,)),
    ("MZJ", "沂源县民政局", (Duty.ELIGIBILITY_CIVIL_AFFAIRS,)),
    ("SCJGJ", "沂源县市场监督管理局", (Duty.PRICE_SUPERVISION,)),
)
BUREAU_FOR = {
    Category.SCHOOL: "JTJ",
    Category.KINDERGARTEN: "JTJ",
    Category.VOCATIONAL: "RSJ",
    Category.WELFARE: "MZJ",
}
CIVIL_AFFAIRS = "MZJ"
HOUSING = "ZJJ"

# The demo draft of the price-policy desk: the 2019 prices continued from the day the 2019 notice ends.
DEMO_DRAFT_CODE = "演示草稿〔2021〕"
DEMO_DRAFT_TITLE = "【演示数据】延续 2019 年价格的城区供暖价格政策（草稿，非正式文件）"
DEMO_DRAFT_FROM = datetime.date(2021, 11, 15)
DEMO_DRAFT_UNTIL = datetime.date(2023, 11, 14)
DEMO_DRAFT_NOTICE_DATE = datetime.date(2021, 10, 20)
DEMO_DRAFT_TEXT = """【演示数据】关于延续城区供暖价格的通知（草稿）

演示草稿〔2021〕

这是演示数据，不是正式文件：门户的价格政策工作台用它展示起草和发布的过程。

一、城区供暖价格

1. 自 2021 年 11 月 15 日起，继续执行源政办字〔2019〕54号确定的居民和非居民供暖价格。

二、执行期

本通知自 2021 年 11 月 15 日起执行，有效期至 2023 年 11 月 14 日。
"""

RESIDENT = "resident"
RESIDENT2 = "resident2"


@dataclass(frozen=True)
class Login:
    username: str
    last_name: str
    first_name: str
    role: str  # a Role, or "superuser" / "resident"
    organisation: str | None  # an Organisation code


LOGINS = (
    Login("admin", "赵", "建华", "superuser", None),
    Login(RESIDENT, "张", "建国", "resident", "DEMO1"),
    Login(RESIDENT2, "李", "秀兰", "resident", "DEMO1"),
    Login("clerk1", "王", "丽", Role.CLERK, "DEMO1"),
    Login("manager1", "刘", "志强", Role.MANAGER, "DEMO1"),
    Login("clerk2", "陈", "静", Role.CLERK, "DEMO2"),
    Login("manager2", "杨", "海涛", Role.MANAGER, "DEMO2"),
    Login("finance", "孙", "明", Role.OFFICER, "CZJ"),
    Login("housing", "周", "磊", Role.OFFICER, "ZJJ"),
    Login("ndrc", "吴", "婷", Role.OFFICER, "FGJ"),
    Login("audit", "郑", "伟", Role.OFFICER, "SJJ"),
    Login("education", "冯", "雪", Role.OFFICER, "JTJ"),
    Login("hrss", "褚", "刚", Role.OFFICER, "RSJ"),
    Login("civil", "卫", "红", Role.OFFICER, "MZJ"),
    Login("market", "蒋", "涛", Role.OFFICER, "SCJGJ"),
)
CLERKS = {"DEMO1": "clerk1", "DEMO2": "clerk2"}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺"
)
GIVEN = (
    "建国秀玉桂志明海春晓丽文德俊新金淑红永立宝凤福成云庆洪振家世兰静敏燕芳霞英华军平伟强磊洋勇杰涛鹏超辉刚娟"
)
SHOP_TRADES = (
    "水饺馆", "面馆", "便利店", "理发店", "大药房", "五金店", "烧烤店", "快餐店",
    "服装店", "花店", "茶叶店", "眼镜店", "文具店", "诊所", "超市", "手机店",
)  # fmt: skip
FIRM_WORDS = ("鑫源", "华通", "恒达", "瑞丰", "鲁中", "沂河", "金泰", "宏远", "博远", "嘉禾", "天成", "汇丰")
FIRM_KINDS = (
    "商贸有限公司", "建筑工程有限公司", "物业服务有限公司", "律师事务所",
    "会计师事务所", "信息技术有限公司", "农业发展有限公司", "保险代理有限公司",
)  # fmt: skip
CHANNELS = (Payment.Channel.CASH, Payment.Channel.BANK, Payment.Channel.WECHAT, Payment.Channel.ALIPAY)
CHANNEL_WEIGHTS = (20, 15, 40, 25)
APPROVAL_COMMENTS = {
    Category.SCHOOL: "经审核，属义务教育、高中阶段学校自用房屋，自2019-2020供暖季起执行居民供暖价格。",
    Category.KINDERGARTEN: "经审核，属公办（普惠性）幼儿园自用房屋，自2019-2020供暖季起执行居民供暖价格。",
    Category.VOCATIONAL: "经审核，属技工学校自用教学用房，自2019-2020供暖季起执行居民供暖价格。",
    Category.WELFARE: "经审核，属敬老院自用房屋，自2019-2020供暖季起执行居民供暖价格。",
}

def local_time(day: datetime.date, hour: int = 8, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def random_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))
