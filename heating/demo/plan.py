"""The plan of one demo account: plain data, a function of its index only (no database)."""
import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from heating import billing
from heating.billing import INSTITUTION, NON_RESIDENTIAL, RESIDENTIAL, Part, PriceTerms
from heating.models import (
    LowIncomeCertificate,
    Payment,
    Reading,
)
from heating.models.accounts import Decision

from .county import (
    BUILDINGS_PER_COMMUNITY,
    BUILDINGS_PER_ROUTE,
    CHANNEL_WEIGHTS,
    CHANNELS,
    COMPANIES,
    DEMO2_DIGITS,
    FIRM_KINDS,
    FIRM_WORDS,
    FLATS_PER_BUILDING,
    GIVEN,
    RESIDENT,
    RESIDENT2,
    SEASONS,
    SHOP_TRADES,
    SURNAMES,
    Category,
    CompanyInfo,
    local_time,
    random_day,
)


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


def _person(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"


def id_number(rng: random.Random) -> str:
    """A valid 18-digit number of a 沂源县 (370323) resident, with its GB 11643 check character."""
    born = random_day(rng, datetime.date(1940, 1, 1), datetime.date(2000, 12, 31))
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
    mid = random_day(rng, datetime.date(year + 1, 1, 5), datetime.date(year + 1, 1, 25))
    end = start + used
    closing = ReadingPlan(local_time(datetime.date(year + 1, 3, 15)), _gj(end))
    if estimated:
        closing.kind = Reading.Kind.ESTIMATED
        closing.note = "估抄：表计通讯故障，待实抄核实"
    readings = [
        ReadingPlan(
            local_time(mid, rng.randint(9, 16), rng.randint(0, 59)),
            _gj(start + used * rng.randint(40, 60) // 100),
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
        installed = random_day(rng, datetime.date(2020, 9, 1), datetime.date(2020, 9, 30))
        value = rng.randint(0, 50)
        readings = [ReadingPlan(local_time(installed, 10), _gj(value), note="安装初始读数")]
        value += rng.randint(0, 300)
        readings.append(ReadingPlan(local_time(opening_2020), _gj(value)))
        more, value = _season_readings(rng, value, 2020, used[2020])
        return [MeterPlan(serial(1), installed, None, readings + more)]

    installed = random_day(rng, datetime.date(2019, 10, 8), datetime.date(2019, 10, 31))
    value = rng.randint(100, 3000)
    readings = [ReadingPlan(local_time(datetime.date(2019, 11, 15)), _gj(value))]
    meters = []
    if p.meter == "replaced":
        swapped = random_day(rng, datetime.date(2020, 1, 5), datetime.date(2020, 1, 25))
        before = used[2019] * rng.randint(30, 70) // 100
        removed_at = local_time(swapped, 10)
        removal = ReadingPlan(removed_at, _gj(value + before), Reading.Kind.EXCHANGE, "换表：旧表拆除读数")
        readings.append(removal)
        meters.append(MeterPlan(serial(1), installed, swapped, readings))
        value = rng.randint(0, 20)
        installation = ReadingPlan(removed_at, _gj(value), Reading.Kind.EXCHANGE, "换表：新表安装读数")
        readings = [installation]
        value += used[2019] - before
        readings.append(ReadingPlan(local_time(datetime.date(2020, 3, 15)), _gj(value)))
        installed, generation = swapped, 2
    else:
        more, value = _season_readings(rng, value, 2019, used[2019], estimated=p.estimated)
        readings += more
        generation = 1
    value += rng.randint(0, 500)  # the trial run before the season
    readings.append(ReadingPlan(local_time(opening_2020), _gj(value)))
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
                paid_on=random_day(rng, datetime.date(year, 10, 8), datetime.date(year, 11, 30)),
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
    opened_on = random_day(rng, datetime.date(2003, 1, 1), datetime.date(2019, 9, 30))
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
