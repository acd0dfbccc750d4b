"""The demo county behind `manage.py seed_demo`: two companies, the bureaus, a login per role, N accounts.

Account i is planned from its index alone (`random.Random(f"demo-{i}")`), so a run is deterministic,
a larger N only adds accounts, and a second run finds every account already there and writes nothing.
The first accounts are a fixed showcase of every case the policy names; the rest are a random mix.
Prepayments come from the real engine over the stored facts, never from a copy of its rules.
"""
import datetime
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from heating import billing
from heating.billing import INSTITUTION, METERED, NON_RESIDENTIAL, RESIDENTIAL, Part, PriceTerms
from heating.models import (
    Account,
    AccountTerms,
    AreaDecision,
    Building,
    Customer,
    Duty,
    HeatedPart,
    InstitutionApproval,
    LowIncomeCertificate,
    Membership,
    Meter,
    Organisation,
    OrganisationDuty,
    Payment,
    Premises,
    Reading,
    Role,
    Route,
    Season,
)
from heating.models.accounts import Decision
from heating.selectors.facts import facts_for_season
from heating.selectors.policy import policy_for_season

DEMO_PASSWORD = "demo-2019"
SEASONS = (2019, 2020)
TZ = ZoneInfo("Asia/Shanghai")
BATCH = 1000
FACTS_CHUNK = 2000
CHANGE_REASON = "seed_demo"

Category = InstitutionApproval.Category

# ---------------------------------------------------------------------------------------------
# The fixed part: organisations and logins


@dataclass(frozen=True)
class CompanyInfo:
    code: str
    name: str
    number_prefix: str  # account numbers and meter serials start with it
    communities: tuple[tuple[str, str], ...]  # (小区, the road it is on)


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
    ),
)
# Account i belongs to DEMO2 when i % 10 is one of these (a 70/30 split), else to DEMO1.
DEMO2_DIGITS = frozenset({3, 6, 9})
FLATS_PER_BUILDING = 24  # 2 entrances × 6 floors × 2 doors
BUILDINGS_PER_ROUTE = 8
BUILDINGS_PER_COMMUNITY = 15

BUREAUS = (
    ("CZJ", "沂源县财政局", (Duty.SUBSIDY_LEAD, Duty.SUBSIDY_APPROVE, Duty.FUND_AUDIT)),
    ("ZJJ", "沂源县住房和城乡建设局", (Duty.SUBSIDY_LEAD, Duty.REFUND_OVERSIGHT, Duty.AREA_DECISION)),
    ("FGJ", "沂源县发展和改革局", (Duty.SUBSIDY_REVIEW, Duty.PRICE_EXPLANATION)),
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

# ---------------------------------------------------------------------------------------------
# The plan of one account: plain data, a function of the index only


@dataclass
class BuildingPlan:
    code: str
    name: str
    address: str
    route: int  # route index within the company
    route_order: int


@dataclass
class PartPlan:
    kind: str
    area: Decimal
    from_year: int = 2019
    until_year: int | None = None


@dataclass
class ReadingPlan:
    read_at: datetime.datetime
    value: Decimal
    kind: str = Reading.Kind.ACTUAL
    note: str = ""


@dataclass
class MeterPlan:
    serial: str
    installed_on: datetime.date
    removed_on: datetime.date | None
    readings: list[ReadingPlan]


@dataclass
class PaymentPlan:
    season_year: int
    percent: int  # of the prepayment; below 100 for a partial payment
    channel: str
    paid_on: datetime.date
    reference: str


@dataclass
class AccountPlan:
    index: int
    company: CompanyInfo
    k: int  # the account's place among its company's accounts
    number: str
    opened_on: datetime.date
    customer_name: str
    phone: str
    id_number: str  # "" for a business or institution
    login: str | None  # the demo user who is this customer
    building: BuildingPlan
    unit: str
    description: str
    parts: list[PartPlan]
    terms: list[tuple[int, str, int, str]]  # (from_year, price_class, exchangers, note)
    approval: tuple[str, str] | None = None  # (category, status)
    certificate: tuple[str, str] | None = None  # (kind, status)
    decision: tuple[Decimal, str, str] | None = None  # (area, reference, reason), from 2020
    meters: list[MeterPlan] = field(default_factory=list)
    payments: list[PaymentPlan] = field(default_factory=list)


@dataclass
class Profile:
    """What kind of account to plan; the showcase fixes these, the random mix draws them."""

    kind: str = "home"  # home | institution | shop | office | rented_shop
    layout: str = "flat"  # flat | duplex_single | duplex_both | attic_cert | attic_nocert
    extras: tuple[str, ...] = ()
    meter: str | None = None  # None | normal | replaced | late (installed 2020-09)
    use: str = "normal"  # normal | heavy (above the cap) | light (below the basic fee)
    estimated: bool = False  # the 2019-20 closing reading is estimated
    exchangers: int = 0
    exchangers_removed_2020: bool = False
    low_income: str | None = None  # a LowIncomeCertificate.Kind
    low_income_pending: bool = False
    category: str | None = None  # an InstitutionApproval.Category
    name: str | None = None
    approved: bool = True
    decision: bool = False
    extra_until_2020: bool = False  # the last extra part stops being heated from 2020
    extra_from_2020: bool = False  # the last extra part is heated from 2020 only
    partial: bool = False
    login: str | None = None


SHOWCASE = {
    # DEMO1
    0: Profile(meter="normal", login=RESIDENT, name="张建国"),
    1: Profile(exchangers=2, login=RESIDENT, name="张建国"),
    2: Profile(low_income=LowIncomeCertificate.Kind.DIBAO, login=RESIDENT2, name="李秀兰"),
    4: Profile(kind="institution", category=Category.SCHOOL, name="沂源县实验小学", meter="normal"),
    5: Profile(kind="rented_shop", name="沂源县实验小学"),
    7: Profile(kind="institution", category=Category.KINDERGARTEN, name="沂源县实验幼儿园"),
    8: Profile(kind="institution", category=Category.VOCATIONAL, name="沂源县高级技工学校", meter="normal"),
    10: Profile(kind="institution", category=Category.WELFARE, name="沂源县南麻街道敬老院"),
    11: Profile(layout="duplex_single", meter="normal"),
    12: Profile(layout="duplex_both", decision=True),
    14: Profile(layout="attic_cert"),
    15: Profile(layout="attic_nocert", meter="normal"),
    17: Profile(extras=("basement",)),
    18: Profile(extras=("storage",), exchangers=1),
    20: Profile(extras=("garage",), extra_until_2020=True),
    21: Profile(kind="shop"),
    22: Profile(kind="office", meter="normal"),
    24: Profile(meter="replaced"),
    25: Profile(meter="late"),
    27: Profile(meter="normal", estimated=True),
    28: Profile(exchangers=2, exchangers_removed_2020=True),
    30: Profile(low_income=LowIncomeCertificate.Kind.TEKUN, meter="normal"),
    31: Profile(meter="normal", use="heavy"),
    32: Profile(meter="normal", use="light"),
    34: Profile(partial=True),
    35: Profile(
        kind="institution", category=Category.KINDERGARTEN, name="沂源县童乐普惠幼儿园", approved=False
    ),
    37: Profile(low_income=LowIncomeCertificate.Kind.DIBAO, low_income_pending=True),
    38: Profile(extras=("storage",), extra_from_2020=True),
    # DEMO2
    3: Profile(kind="institution", category=Category.SCHOOL, name="沂源县城南中学"),
    6: Profile(kind="institution", category=Category.KINDERGARTEN, name="沂源县城南幼儿园", meter="normal"),
    9: Profile(kind="shop", meter="normal"),
    13: Profile(meter="normal"),
    16: Profile(exchangers=1),
    19: Profile(low_income=LowIncomeCertificate.Kind.DIBAO, meter="normal"),
    23: Profile(layout="duplex_single"),
    26: Profile(layout="attic_nocert", decision=True),
    29: Profile(meter="replaced"),
    33: Profile(meter="normal", estimated=True),
    36: Profile(meter="late"),
    39: Profile(partial=True),
}
SHOWCASE_SCHOOL_OF = {5: 4}  # the rented-out shop → the school that lets it


def company_slot(index: int) -> tuple[int, int]:
    """(company position in COMPANIES, the account's place among that company's accounts)."""
    tens, digit = divmod(index, 10)
    if digit in DEMO2_DIGITS:
        return 1, tens * len(DEMO2_DIGITS) + sum(1 for d in DEMO2_DIGITS if d < digit)
    return 0, tens * (10 - len(DEMO2_DIGITS)) + sum(1 for d in range(digit) if d not in DEMO2_DIGITS)


def account_number(company: CompanyInfo, k: int) -> str:
    return f"{company.number_prefix}{k + 1:05d}"


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    """A random area in m² with two decimals, between low and high."""
    return Decimal(rng.randint(low * 100, high * 100)).scaleb(-2)


def _gj(milli: int) -> Decimal:
    return Decimal(milli).scaleb(-3)


def _at(day: datetime.date, hour: int = 8, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _person(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"


def id_number(rng: random.Random) -> str:
    """A valid 18-digit number of a 沂源县 (370323) resident, with its GB 11643 check character."""
    born = _day(rng, datetime.date(1940, 1, 1), datetime.date(2000, 12, 31))
    body = f"370323{born:%Y%m%d}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _community(company: CompanyInfo, building: int) -> tuple[str, str, int]:
    """(小区 name with its phase, road, building number within it) of the company's building."""
    group, number = divmod(building, BUILDINGS_PER_COMMUNITY)
    phase, which = divmod(group, len(company.communities))
    name, road = company.communities[which]
    if phase:
        name += f"{'二三四五六七八九'[phase - 1]}期" if phase < 9 else f"{phase + 1}期"
    return name, road, number + 1


def _residential_building(company: CompanyInfo, building: int) -> BuildingPlan:
    community, road, number = _community(company, building)
    return BuildingPlan(
        code=f"B{building + 1:04d}",
        name=f"{community}{number}号楼",
        address=f"沂源县{road}{(building % BUILDINGS_PER_COMMUNITY) * 2 + 1}号{community}{number}号楼",
        route=building // BUILDINGS_PER_ROUTE,
        route_order=building % BUILDINGS_PER_ROUTE + 1,
    )


def route_name(company: CompanyInfo, route: int) -> str:
    community, _road, _number = _community(company, route * BUILDINGS_PER_ROUTE)
    return f"{community}抄表{route + 1}线"


def _own_building(company: CompanyInfo, k: int, name: str) -> BuildingPlan:
    """The building of an institution, which stands apart from the blocks of flats."""
    building = k // FLATS_PER_BUILDING
    _community_name, road, _number = _community(company, building)
    return BuildingPlan(
        code=f"J{k + 1:05d}",
        name=name,
        address=f"沂源县{road}{100 + k % 100}号",
        route=building // BUILDINGS_PER_ROUTE,
        route_order=building % BUILDINGS_PER_ROUTE + 1,
    )


def _random_profile(rng: random.Random, floor: int) -> Profile:
    p = Profile()
    u = rng.random()
    if u < 0.003:
        p.kind = "institution"
        p.category = rng.choice((Category.SCHOOL, Category.KINDERGARTEN))
    elif u < 0.043:
        p.kind = "shop" if rng.random() < 0.7 else "office"
    if p.kind == "home":
        if floor == 6:
            x = rng.random()
            p.layout = (
                "duplex_single" if x < 0.12
                else "duplex_both" if x < 0.24
                else "attic_cert" if x < 0.34
                else "attic_nocert" if x < 0.44
                else "flat"
            )  # fmt: skip
        p.extras = tuple(
            kind for kind, chance in (("basement", 0.06), ("storage", 0.05), ("garage", 0.03))
            if rng.random() < chance
        )  # fmt: skip
        if p.extras and rng.random() < 0.1:
            if rng.random() < 0.5:
                p.extra_until_2020 = True
            else:
                p.extra_from_2020 = True
        if rng.random() < 0.03:
            p.low_income = (
                LowIncomeCertificate.Kind.DIBAO if rng.random() < 0.8 else LowIncomeCertificate.Kind.TEKUN
            )
    if rng.random() < 0.40:
        x = rng.random()
        p.meter = "late" if x < 0.01 else "replaced" if x < 0.013 else "normal"
        p.estimated = p.meter == "normal" and rng.random() < 0.007
        x = rng.random()
        p.use = "heavy" if x < 0.03 else "light" if x < 0.06 else "normal"
    elif p.kind == "home" and rng.random() < 0.10:
        p.exchangers = rng.choice((1, 1, 2))
        p.exchangers_removed_2020 = rng.random() < 0.15
    return p


def _parts(rng: random.Random, p: Profile) -> list[PartPlan]:
    if p.kind == "institution":
        low, high = {
            Category.SCHOOL: (3000, 8000),
            Category.KINDERGARTEN: (2000, 3500),
            Category.VOCATIONAL: (6000, 8000),
            Category.WELFARE: (2000, 3000),
        }[p.category]
        return [PartPlan(billing.BUILDING, _cents(rng, low, high))]
    if p.kind in ("shop", "rented_shop"):
        return [PartPlan(billing.BUILDING, _cents(rng, 50, 400))]
    if p.kind == "office":
        return [PartPlan(billing.BUILDING, _cents(rng, 200, 2000))]
    flat = _cents(rng, 60, 140)
    parts = {
        "flat": [PartPlan(billing.FLAT, flat)],
        "duplex_single": [PartPlan(billing.DUPLEX_SINGLE_FLOOR_HEATED, _cents(rng, 60, 100))],
        "duplex_both": [PartPlan(billing.DUPLEX_BOTH_FLOORS_HEATED, _cents(rng, 120, 200))],
        "attic_cert": [
            PartPlan(billing.FLAT, flat),
            PartPlan(billing.ATTIC_WITH_CERTIFICATE, _cents(rng, 15, 45)),
        ],
        # Without a certificate the part's area is the floor below the attic (POLICY.md §2).
        "attic_nocert": [PartPlan(billing.FLAT, flat), PartPlan(billing.ATTIC_WITHOUT_CERTIFICATE, flat)],
    }[p.layout]
    sizes = {"basement": (10, 30), "storage": (5, 15), "garage": (15, 30)}
    parts += [PartPlan(kind, _cents(rng, *sizes[kind])) for kind in p.extras]
    if p.extra_until_2020:
        parts[-1].until_year = 2020
    if p.extra_from_2020:
        parts[-1].from_year = 2020
    return parts


def _season_area(parts: Sequence[PartPlan], year: int, terms: PriceTerms) -> Decimal:
    heated = [
        Part(p.kind, p.area)
        for p in parts
        if p.from_year <= year and (p.until_year is None or p.until_year > year)
    ]
    return billing.billing_area(heated, terms)


def _use(rng: random.Random, area: Decimal, use: str) -> int:
    """A season's heat in thousandths of a GJ: 0.15–0.45 GJ/m², beyond the cap or below the basic fee."""
    low, high = {"normal": (150, 450), "heavy": (500, 650), "light": (50, 120)}[use]
    return max(1, int((area * rng.randint(low, high)).to_integral_value()))


def _season_readings(
    rng: random.Random, start: int, year: int, used: int, *, estimated: bool = False
) -> tuple[list[ReadingPlan], int]:
    """Opening (already taken), a mid-season reading, and the closing one; returns the new register."""
    mid = _day(rng, datetime.date(year + 1, 1, 5), datetime.date(year + 1, 1, 25))
    end = start + used
    closing = ReadingPlan(_at(datetime.date(year + 1, 3, 15)), _gj(end))
    if estimated:
        closing.kind = Reading.Kind.ESTIMATED
        closing.note = "估抄：表计通讯故障，待实抄核实"
    readings = [
        ReadingPlan(
            _at(mid, rng.randint(9, 16), rng.randint(0, 59)), _gj(start + used * rng.randint(40, 60) // 100)
        ),
        closing,
    ]
    return readings, end


def _meters(
    rng: random.Random, company: CompanyInfo, k: int, p: Profile, areas: dict[int, Decimal]
) -> list[MeterPlan]:
    def serial(generation: int) -> str:
        # Company and generation digits first, so serials are unique across both companies.
        return f"HM-{company.number_prefix[-1]}{generation}{k:05d}"

    used = {year: _use(rng, areas[year], p.use) for year in SEASONS}
    opening_2020 = datetime.date(2020, 11, 15)
    if p.meter == "late":
        installed = _day(rng, datetime.date(2020, 9, 1), datetime.date(2020, 9, 30))
        value = rng.randint(0, 50)
        readings = [ReadingPlan(_at(installed, 10), _gj(value), note="安装初始读数")]
        value += rng.randint(0, 300)
        readings.append(ReadingPlan(_at(opening_2020), _gj(value)))
        more, value = _season_readings(rng, value, 2020, used[2020])
        return [MeterPlan(serial(1), installed, None, readings + more)]

    installed = _day(rng, datetime.date(2019, 10, 8), datetime.date(2019, 10, 31))
    value = rng.randint(100, 3000)
    readings = [ReadingPlan(_at(datetime.date(2019, 11, 15)), _gj(value))]
    meters = []
    if p.meter == "replaced":
        swapped = _day(rng, datetime.date(2020, 1, 5), datetime.date(2020, 1, 25))
        before = used[2019] * rng.randint(30, 70) // 100
        readings.append(
            ReadingPlan(_at(swapped, 10), _gj(value + before), Reading.Kind.EXCHANGE, "换表：旧表拆除读数")
        )
        meters.append(MeterPlan(serial(1), installed, swapped, readings))
        value = rng.randint(0, 20)
        readings = [ReadingPlan(_at(swapped, 10), _gj(value), Reading.Kind.EXCHANGE, "换表：新表安装读数")]
        value += used[2019] - before
        readings.append(ReadingPlan(_at(datetime.date(2020, 3, 15)), _gj(value)))
        installed, generation = swapped, 2
    else:
        more, value = _season_readings(rng, value, 2019, used[2019], estimated=p.estimated)
        readings += more
        generation = 1
    value += rng.randint(0, 500)  # the trial run before the season
    readings.append(ReadingPlan(_at(opening_2020), _gj(value)))
    more, value = _season_readings(rng, value, 2020, used[2020])
    meters.append(MeterPlan(serial(generation), installed, None, readings + more))
    return meters


def _payments(rng: random.Random, company: CompanyInfo, k: int, p: Profile) -> list[PaymentPlan]:
    payments = []
    for year in SEASONS:
        partial = p.partial or rng.random() < 0.05
        if p.kind == "home":
            channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
        else:
            channel = Payment.Channel.BANK if rng.random() < 0.8 else Payment.Channel.WECHAT
        payments.append(
            PaymentPlan(
                season_year=year,
                percent=rng.randint(30, 80) if partial else 100,
                channel=channel,
                paid_on=_day(rng, datetime.date(year, 10, 8), datetime.date(year, 11, 30)),
                reference=f"SK{year}{company.number_prefix}{k + 1:06d}",
            )
        )
    return payments


def plan_account(index: int, terms: PriceTerms) -> AccountPlan:
    """Everything about account `index`, from the index alone (and the price terms' area shares)."""
    rng = random.Random(f"demo-{index}")
    position, k = company_slot(index)
    company = COMPANIES[position]
    building, slot = divmod(k, FLATS_PER_BUILDING)
    entrance, rest = divmod(slot, FLATS_PER_BUILDING // 2)
    floor, door = rest // 2 + 1, rest % 2 + 1
    p = SHOWCASE.get(index) or _random_profile(rng, floor)

    unit, description = f"{entrance + 1}-{floor}0{door}", ""
    home = _residential_building(company, building)
    opened_on = _day(rng, datetime.date(2003, 1, 1), datetime.date(2019, 9, 30))
    name, person = p.name, p.kind == "home"
    if p.kind == "institution":
        if name is None:
            community, _road, _number = _community(company, building)
            name = community[:2] + ("小学" if p.category == Category.SCHOOL else "幼儿园")
        home, unit, description = _own_building(company, k, name), "校舍", "自用教学及生活用房"
        if p.category == Category.WELFARE:
            unit, description = "院舍", "敬老院自用房屋"
    elif p.kind == "rented_shop":
        # The school's rented-out shop: a separate non-residential account in the school's building.
        school = SHOWCASE_SCHOOL_OF[index]
        home = _own_building(company, company_slot(school)[1], name)
        unit, description = "临街商铺", "学校出租的临街商铺，按非居民价格单独立户"
        name += "（临街商铺）"
    elif p.kind == "shop":
        name = rng.choice(SURNAMES) + "记" + rng.choice(SHOP_TRADES)
        unit, description = f"商铺-{slot + 1:02d}", "沿街底商"
    elif p.kind == "office":
        name = "沂源县" + rng.choice(FIRM_WORDS) + rng.choice(FIRM_KINDS)
        unit, description = f"办公-{slot + 1:02d}", "办公用房"
    if name is None:
        name = _person(rng)
    if p.layout != "flat":
        description = {
            "duplex_single": "复式，仅一层采暖",
            "duplex_both": "复式，上下两层采暖",
            "attic_cert": "顶层带阁楼（有产权证）",
            "attic_nocert": "顶层带阁楼（无产权证）",
        }[p.layout]

    parts = _parts(rng, p)
    price_class = {
        "home": RESIDENTIAL,
        "institution": INSTITUTION,
    }.get(p.kind, NON_RESIDENTIAL)
    terms_rows = [(2019, price_class, p.exchangers, "")]
    if p.exchangers_removed_2020:
        terms_rows.append((2020, price_class, 0, "2020年拆除小型换热设备"))

    plan = AccountPlan(
        index=index,
        company=company,
        k=k,
        number=account_number(company, k),
        opened_on=opened_on,
        customer_name=name,
        phone=_phone(rng),
        id_number=id_number(rng) if person else "",
        login=p.login,
        building=home,
        unit=unit,
        description=description,
        parts=parts,
        terms=terms_rows,
    )
    if p.category:
        plan.approval = (p.category, Decision.APPROVED if p.approved else Decision.PENDING)
    if p.low_income:
        plan.certificate = (p.low_income, Decision.PENDING if p.low_income_pending else Decision.APPROVED)
    areas = {year: _season_area(parts, year, terms) for year in SEASONS}
    if p.decision:
        decided = billing.area(areas[2020] * Decimal("0.92"))
        reason = "经现场勘验，层高不足2.2米部分及楼梯间不计入采暖面积。"
        plan.decision = (decided, f"源房认〔2020〕{index}号", reason)
    if p.meter:
        plan.meters = _meters(rng, company, k, p, areas)
    plan.payments = _payments(rng, company, k, p)
    return plan


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass
class SeedResult:
    accounts_requested: int
    created: dict[str, int]
    existing_accounts: int
    logins: list[tuple[str, str, str]]  # (username, role, organisation)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _with_history(objs: list, model) -> list:
    """bulk_create, plus each row's 'created' history entry, copied over in SQL.

    simple_history's bulk_create_with_history builds a historical instance per row in Python,
    which costs more than the inserts themselves; the copy is one statement per chunk of ids.
    """
    if not objs:
        return objs
    model.objects.bulk_create(objs, batch_size=BATCH)
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return objs
    ids = [obj.pk for obj in objs]
    if None in ids:
        raise RuntimeError(f"the database did not return the ids of the new {model.__name__} rows")
    quote = connection.ops.quote_name
    history = model.history.model
    columns = ", ".join(quote(f.column) for f in history.tracked_fields)
    meta = ("history_date", "history_change_reason", "history_type", "history_user_id")
    stamp = [connection.ops.adapt_datetimefield_value(timezone.now()), CHANGE_REASON, "+"]
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {', '.join(map(quote, meta))}) "
        f"SELECT {columns}, %s, %s, %s, NULL FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(insert + "= ANY(%s)", [*stamp, ids])
        else:
            for chunk in _chunks(ids, 500):
                cursor.execute(insert + f"IN ({', '.join(['%s'] * len(chunk))})", [*stamp, *chunk])
    return objs


def _ensure_organisations(created: dict[str, int]) -> dict[str, Organisation]:
    wanted = [(c.code, c.name, Organisation.Kind.COMPANY) for c in COMPANIES]
    wanted += [(code, name, Organisation.Kind.BUREAU) for code, name, _duties in BUREAUS]
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[code for code, _n, _k in wanted])}
    new = [Organisation(code=code, name=name, kind=kind) for code, name, kind in wanted if code not in orgs]
    Organisation.objects.bulk_create(new)
    orgs.update((o.code, o) for o in new)
    created["organisations"] = len(new)

    held = set(
        OrganisationDuty.objects.filter(organisation__in=orgs.values()).values_list("organisation_id", "duty")
    )
    duties = [
        OrganisationDuty(organisation=orgs[code], duty=duty)
        for code, _name, bureau_duties in BUREAUS
        for duty in bureau_duties
        if (orgs[code].id, duty) not in held
    ]
    OrganisationDuty.objects.bulk_create(duties)
    created["duties"] = len(duties)
    return orgs


def _ensure_users(orgs: dict[str, Organisation], created: dict[str, int]) -> dict[str, object]:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[login.username for login in LOGINS])}
    missing = [login for login in LOGINS if login.username not in users]
    if missing:
        password = make_password(DEMO_PASSWORD)  # one hash for all: hashing is slow by design
        new = [
            User(
                username=login.username,
                last_name=login.last_name,
                first_name=login.first_name,
                password=password,
                is_staff=login.role == "superuser",
                is_superuser=login.role == "superuser",
            )
            for login in missing
        ]
        User.objects.bulk_create(new)
        users.update((u.username, u) for u in new)
    created["users"] = len(missing)

    held = set(
        Membership.objects.filter(user__in=users.values()).values_list("user_id", "organisation_id")
    )
    memberships = [
        Membership(user=users[login.username], organisation=orgs[login.organisation], role=login.role)
        for login in LOGINS
        if login.role in Role.values and (users[login.username].id, orgs[login.organisation].id) not in held
    ]
    Membership.objects.bulk_create(memberships)
    created["memberships"] = len(memberships)
    return users


def _ensure_seasons(created: dict[str, int]) -> None:
    have = set(Season.objects.filter(start_year__in=SEASONS).values_list("start_year", flat=True))
    new = [Season(start_year=year) for year in SEASONS if year not in have]
    Season.objects.bulk_create(new)
    created["seasons"] = len(new)


def _ensure_places(
    company: Organisation, info: CompanyInfo, plans: list[AccountPlan], created: dict[str, int]
) -> dict[str, Building]:
    """The routes and buildings the new accounts need, each found or created once."""
    routes = {r.code: r for r in Route.objects.filter(company=company)}
    buildings = {b.code: b for b in Building.objects.filter(company=company)}
    new_routes, new_buildings = {}, {}
    for plan in plans:
        wanted = plan.building
        if wanted.code in buildings or wanted.code in new_buildings:
            continue
        route_code = f"R{wanted.route + 1:03d}"
        route = routes.get(route_code) or new_routes.get(route_code)
        if route is None:
            route = new_routes[route_code] = Route(
                company=company, code=route_code, name=route_name(info, wanted.route)
            )
        new_buildings[wanted.code] = Building(
            company=company,
            code=wanted.code,
            name=wanted.name,
            address=wanted.address,
            route=route,
            route_order=wanted.route_order,
        )
    Route.objects.bulk_create(list(new_routes.values()), batch_size=BATCH)
    Building.objects.bulk_create(list(new_buildings.values()), batch_size=BATCH)
    created["routes"] = created.get("routes", 0) + len(new_routes)
    created["buildings"] = created.get("buildings", 0) + len(new_buildings)
    buildings.update(new_buildings)
    return buildings


def _decided_at(rng: random.Random, year: int, month: int) -> datetime.datetime:
    day = _day(rng, datetime.date(year, month, 1), datetime.date(year, month, 28))
    return _at(day, rng.randint(9, 16), rng.randint(0, 59))


@transaction.atomic
def demo_seed(*, accounts: int = 3000) -> SeedResult:
    """Create whatever of the demo county is missing; accounts 0..accounts-1 (see the module docstring)."""
    if accounts < 0:
        raise ValueError("accounts must be at least 0")
    policies = {year: policy_for_season(year) for year in SEASONS}
    terms = policies[SEASONS[0]].terms()
    created: dict[str, int] = {}
    _ensure_seasons(created)
    orgs = _ensure_organisations(created)
    users = _ensure_users(orgs, created)

    companies = {info.code: orgs[info.code] for info in COMPANIES}
    existing = {
        code: set(Account.objects.filter(company=org).values_list("number", flat=True))
        for code, org in companies.items()
    }
    plans: list[AccountPlan] = []
    for index in range(accounts):
        position, k = company_slot(index)
        info = COMPANIES[position]
        if account_number(info, k) not in existing[info.code]:
            plans.append(plan_account(index, terms))
    known = sum(len(numbers) for numbers in existing.values())

    buildings: dict[tuple[str, str], Building] = {}
    for info in COMPANIES:
        mine = [plan for plan in plans if plan.company is info]
        for code, building in _ensure_places(companies[info.code], info, mine, created).items():
            buildings[info.code, code] = building

    customers = _create_customers(plans, companies, users, created)
    premises, parts, new_accounts = [], [], []
    for plan in plans:
        company = companies[plan.company.code]
        place = Premises(
            company=company,
            building=buildings[plan.company.code, plan.building.code],
            unit=plan.unit,
            description=plan.description,
        )
        premises.append(place)
        parts += [
            HeatedPart(
                premises=place, kind=p.kind, area=p.area, from_year=p.from_year, until_year=p.until_year
            )
            for p in plan.parts
        ]
        new_accounts.append(
            Account(
                company=company,
                number=plan.number,
                customer=customers[plan.login or plan.index],
                premises=place,
                opened_on=plan.opened_on,
            )
        )
    Premises.objects.bulk_create(premises, batch_size=BATCH)
    created["premises"] = len(premises)
    created["parts"] = len(_with_history(parts, HeatedPart))
    created["accounts"] = len(_with_history(new_accounts, Account))
    _create_account_facts(plans, new_accounts, orgs, created)
    _create_meters(plans, new_accounts, companies, created)
    _create_payments(plans, new_accounts, policies, users, created)
    logins = [
        (login.username, str(login.role), f"{code} {orgs[code].name}" if (code := login.organisation) else "")
        for login in LOGINS
    ]
    return SeedResult(accounts, created, known, logins)


def _create_customers(plans: list[AccountPlan], companies, users, created: dict[str, int]) -> dict:
    """Customers keyed by account index, or by username for a demo user's customer (shared by accounts)."""
    linked = {
        c.user.username: c
        for c in Customer.objects.filter(user__in=[users[RESIDENT], users[RESIDENT2]]).select_related("user")
    }
    customers: dict = {}
    new = []
    for plan in plans:
        key = plan.login or plan.index
        if key in customers:
            continue
        if plan.login in linked:
            customers[key] = linked[plan.login]
            continue
        customer = Customer(
            company=companies[plan.company.code],
            name=plan.customer_name,
            phone=plan.phone,
            user=users[plan.login] if plan.login else None,
        )
        if plan.id_number:
            customer.set_id_number(plan.id_number)
        customers[key] = customer
        new.append(customer)
    created["customers"] = len(_with_history(new, Customer))
    return customers


def _create_account_facts(
    plans: list[AccountPlan], accounts: list[Account], orgs: dict[str, Organisation], created: dict[str, int]
) -> None:
    terms, approvals, certificates, decisions = [], [], [], []
    for plan, account in zip(plans, accounts, strict=True):
        rng = random.Random(f"demo-{plan.index}-decisions")
        terms += [
            AccountTerms(account=account, from_year=year, price_class=price_class, exchangers=n, note=note)
            for year, price_class, n, note in plan.terms
        ]
        if plan.approval:
            category, status = plan.approval
            approved = status == Decision.APPROVED
            approvals.append(
                InstitutionApproval(
                    account=account,
                    category=category,
                    from_year=2019,
                    status=status,
                    decided_by=orgs[BUREAU_FOR[category]] if approved else None,
                    decided_at=_decided_at(rng, 2019, 10) if approved else None,
                    comment=APPROVAL_COMMENTS[category] if approved else "",
                )
            )
        if plan.certificate:
            kind, status = plan.certificate
            approved = status == Decision.APPROVED
            label = "低保" if kind == LowIncomeCertificate.Kind.DIBAO else "特困"
            certificates.append(
                LowIncomeCertificate(
                    account=account,
                    kind=kind,
                    number=f"源民{label}证〔2019〕{plan.company.number_prefix}{plan.k + 1:05d}号",
                    valid_from=datetime.date(2019, 1, 1) if approved else datetime.date(2020, 10, 1),
                    valid_until=datetime.date(2021, 12, 31),
                    status=status,
                    decided_by=orgs[CIVIL_AFFAIRS] if approved else None,
                    decided_at=_decided_at(rng, 2019, 3) if approved else None,
                    comment="经核查，符合城市低保、特困人员供暖费优惠条件。" if approved else "",
                )
            )
        if plan.decision:
            decided, reference, reason = plan.decision
            decisions.append(
                AreaDecision(
                    account=account,
                    from_year=2020,
                    area=decided,
                    decided_by=orgs[HOUSING],
                    reference=reference,
                    reason=reason,
                    decided_at=_decided_at(rng, 2020, 10),
                )
            )
    created["terms"] = len(_with_history(terms, AccountTerms))
    created["institution_approvals"] = len(_with_history(approvals, InstitutionApproval))
    created["low_income_certificates"] = len(_with_history(certificates, LowIncomeCertificate))
    created["area_decisions"] = len(_with_history(decisions, AreaDecision))


def _create_meters(
    plans: list[AccountPlan], accounts: list[Account], companies: dict[str, Organisation], created
) -> None:
    meters, pending = [], []
    for plan, account in zip(plans, accounts, strict=True):
        company = companies[plan.company.code]
        for m in plan.meters:
            meter = Meter(
                company=company,
                account=account,
                serial=m.serial,
                installed_on=m.installed_on,
                removed_on=m.removed_on,
            )
            meters.append(meter)
            pending += [(meter, company, r) for r in m.readings]
    _with_history(meters, Meter)
    readings = [
        Reading(
            meter=meter,
            read_at=r.read_at,
            value_gj=r.value,
            kind=r.kind,
            status=Reading.Status.VALID,
            source=Reading.Source.IMPORT,
            company=company,
            note=r.note,
        )
        for meter, company, r in pending
    ]
    _with_history(readings, Reading)
    created["meters"] = len(meters)
    created["readings"] = len(readings)


def _create_payments(
    plans: list[AccountPlan], accounts: list[Account], policies: dict[int, object], users, created
) -> None:
    """Each season's prepayment as the engine computes it from the facts just stored."""
    by_id = {account.id: plan for plan, account in zip(plans, accounts, strict=True)}
    payments = []
    for year, policy in policies.items():
        terms = policy.terms()
        for chunk in _chunks(accounts, FACTS_CHUNK):
            for account_id, facts in facts_for_season(chunk, year).items():
                # The prepayment is by area whatever the method; the heat only matters at settlement.
                heat = Decimal(0) if facts.method == METERED else None
                prepayment = billing.bill(facts, terms, heat_gj=heat).prepayment
                plan = by_id[account_id]
                pay = next(p for p in plan.payments if p.season_year == year)
                amount = billing.money(prepayment * pay.percent / 100)
                payments.append(
                    Payment(
                        account_id=account_id,
                        season_year=year,
                        amount=amount,
                        paid_on=pay.paid_on,
                        channel=pay.channel,
                        reference=pay.reference,
                        created_by=users[CLERKS[plan.company.code]],
                    )
                )
    created["payments"] = len(_with_history(payments, Payment))
