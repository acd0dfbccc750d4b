"""Onboarding a company's books (建档导入): one row per account, with its customer, building, home,
heated parts, terms, meter and opening reading. Every row is checked, against the file and the
database, before anything is written; then everything is written set-based in one transaction, or
nothing. The preview runs the same writes and rolls them back, so it sees what the commit will see.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from heating import identity
from heating.batching import chunks
from heating.billing import (
    AREA,
    ATTIC_WITH_CERTIFICATE,
    ATTIC_WITHOUT_CERTIFICATE,
    BASEMENT,
    BUILDING,
    DUPLEX_BOTH_FLOORS_HEATED,
    DUPLEX_SINGLE_FLOOR_HEATED,
    FLAT,
    GARAGE,
    INSTITUTION,
    METERED,
    NON_RESIDENTIAL,
    PART_KIND_LABELS,
    PART_KINDS,
    RESIDENTIAL,
    STORAGE,
    AccountFacts,
    Part,
    problems,
)
from heating.billing_messages import billing_error_text
from heating.models import (
    Account,
    AccountTerms,
    Building,
    Customer,
    HeatedPart,
    ImportBatch,
    Meter,
    Premises,
    Reading,
    Route,
)
from heating.models.policy import season_days
from heating.reading_rules import REJECTED
from heating.selectors.policy import NoPolicyInForce, policy_for_season
from heating.services.readings import Incoming, readings_ingest

from .common import (
    CellError,
    Errors,
    ImportResult,
    batch_create,
    batch_finish,
    batch_lock_pending,
    batch_refused,
    check_length,
    parse_date,
    parse_decimal,
    parse_int,
    parse_moment,
)
from .files import Column, FileRefused, read_table, template
from .readings import explain_refusal

KIND = ImportBatch.Kind.ONBOARDING
CHUNK = 2000
MAX_AREA = Decimal("1000000")
MAX_EXCHANGERS = 99

COLUMNS = (
    Column("account", "户号", ("account_number",), required=True),
    Column("customer", "客户名称", ("customer_name", "姓名", "客户"), required=True),
    Column("phone", "电话", ("联系电话", "telephone")),
    Column("id_number", "身份证号", ("身份证", "证件号码")),
    Column("building_code", "楼栋编号", (), required=True),
    Column("building_name", "楼栋名称"),
    Column("route_code", "线路编号", ("route",)),
    Column("unit", "房号", ("单元/房号", "room"), required=True),
    Column("parts", "采暖部位", (), required=True),
    Column("price_class", "价格类别", (), required=True),
    Column("exchangers", "换热器", ("小型换热设备",)),
    Column("from_season", "起始供暖季", ("season",), required=True),
    Column("opened_on", "开户日期", (), required=True),
    Column("meter_serial", "表号", ("meter",)),
    Column("meter_installed_on", "装表日期", ("installed_on",)),
    Column("opening_reading_gj", "期初读数", ("opening_reading",)),
    Column("opening_read_at", "期初抄表时间", ()),
)
EXAMPLES = (
    (
        "0100001", "张三", "13800000000", "", "B01", "1号楼", "R01", "1-101",
        "flat:80.00;attic_without_certificate:40.00", "居民", "0", "2019-2020", "2019-10-01",
        "", "", "", "",
    ),
    (
        "0100002", "李四", "13900000000", "", "B01", "1号楼", "R01", "1-102", "住宅:95.50", "居民", "0",
        "2019-2020", "2019-10-01", "HM-000123", "2019-10-01", "100.000", "2019-11-15 08:00",
    ),
    (
        "0100003", "城关幼儿园", "0533-0000000", "", "B02", "幼儿园", "", "整栋", "building:1200.00",
        "执行居民价格的单位", "0", "2019-2020", "2019-10-01", "", "", "", "",
    ),
)


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


PART_NAMES = {
    _key(name): kind
    for kind, names in {
        FLAT: ("住宅", "套内", "平层", "套内建筑面积"),
        DUPLEX_SINGLE_FLOOR_HEATED: ("复式单层采暖", "复式单层"),
        DUPLEX_BOTH_FLOORS_HEATED: ("复式双层采暖", "复式双层", "复式"),
        ATTIC_WITH_CERTIFICATE: ("阁楼有证", "有证阁楼", "阁楼有房产证"),
        ATTIC_WITHOUT_CERTIFICATE: ("阁楼无证", "无证阁楼", "阁楼无房产证"),
        BASEMENT: ("地下室",),
        STORAGE: ("杂物间", "储藏室"),
        GARAGE: ("车库",),
        BUILDING: ("建筑面积", "整栋", "楼宇"),
    }.items()
    for name in (kind, PART_KIND_LABELS["zh-hans"][kind], *names)
}
PRICE_CLASSES = {
    _key(name): value
    for value, names in {
        RESIDENTIAL: ("residential", "居民", "居民用户"),
        INSTITUTION: ("institution", "执行居民价格的单位", "单位"),
        NON_RESIDENTIAL: ("non_residential", "non-residential", "非居民", "非居民用户"),
    }.items()
    for name in names
}
_SEASON = re.compile(r"([0-9]{4})\s*[-—–~至]\s*([0-9]{4})")
_PART_SPLIT = re.compile(r"[;；]")
_PART = re.compile(r"(.+?)\s*[:：]\s*(.+)")
INSTITUTION_NOTE = "单位居民价格资格待主管部门审定，批准前按非居民价格计费。"


def onboarding_template(fmt: str) -> bytes:
    return template(COLUMNS, EXAMPLES, fmt)


def batch_note(batch_id: int) -> str:
    """Written on each account's first terms row: where the account came from."""
    return f"建档导入，批次 {batch_id}。"


@dataclass
class Row:
    number: int
    account: str
    customer: str
    phone: str
    id_number: str  # normalised; "" when not given
    id_hash: str
    building_code: str
    building_name: str
    route_code: str
    unit: str
    parts: list[Part]
    price_class: str
    exchangers: int
    from_year: int
    opened_on: object
    meter_serial: str
    meter_installed_on: object = None
    opening_gj: Decimal | None = None
    opening_at: object = None
    customer_key: str | tuple = ()  # the id-number hash, else ("name", name, phone); set when written


# Cells ---------------------------------------------------------------------------------------------


def _required(text, what, limit):
    if not text:
        raise CellError(f"{what}不能为空")
    return check_length(text, limit, what=what)


def _optional(text, what, limit):
    return check_length(text, limit, what=what)


def _parts(text):
    if not text:
        raise CellError("采暖部位不能为空，如 flat:80.00;attic_without_certificate:40.00")
    parts = []
    for piece in filter(None, (p.strip() for p in _PART_SPLIT.split(text))):
        match = _PART.fullmatch(piece)
        if not match:
            raise CellError(f"采暖部位“{piece}”应写成 部位:面积，如 flat:80.00")
        kind = PART_NAMES.get(_key(match[1]))
        if kind is None:
            raise CellError(f"未知的采暖部位“{match[1]}”，可用：{'、'.join(PART_KINDS)}")
        area = parse_decimal(match[2], places=2, what="面积")
        if area >= MAX_AREA:
            raise CellError(f"面积过大：“{piece}”")
        parts.append(Part(kind, area))
    if not parts:
        raise CellError("采暖部位不能为空")
    if len(parts) > 50:
        raise CellError("一户最多 50 个采暖部位")
    return parts


def _price_class(text):
    if not text:
        raise CellError("价格类别不能为空，应为 居民、执行居民价格的单位 或 非居民")
    value = PRICE_CLASSES.get(_key(text))
    if value is None:
        raise CellError(f"未知的价格类别“{text}”，应为 居民、执行居民价格的单位 或 非居民")
    return value


def _season(text):
    if not text:
        raise CellError("起始供暖季不能为空，如 2019-2020")
    match = _SEASON.fullmatch(text)
    if not match or int(match[2]) != int(match[1]) + 1 or not 2000 <= int(match[1]) <= 2100:
        raise CellError(f"供暖季“{text}”格式应为 YYYY-YYYY，后一年等于前一年加一，如 2019-2020")
    return int(match[1])


def _exchangers(text):
    count = parse_int(text, what="换热器数量") if text else 0
    if count > MAX_EXCHANGERS:
        raise CellError(f"换热器数量不能超过 {MAX_EXCHANGERS}")
    return count


# Each column's reader, by the Row field it fills.
READERS = {
    "account": ("account", lambda t: _required(t, "户号", 20)),
    "customer": ("customer", lambda t: _required(t, "客户名称", 100)),
    "phone": ("phone", lambda t: _optional(t, "电话", 30)),
    "id_number": ("id_number", lambda t: identity.normalise(t) if t else ""),
    "building_code": ("building_code", lambda t: _required(t, "楼栋编号", 20)),
    "building_name": ("building_name", lambda t: _optional(t, "楼栋名称", 100)),
    "route_code": ("route_code", lambda t: _optional(t, "线路编号", 20)),
    "unit": ("unit", lambda t: _required(t, "房号", 50)),
    "parts": ("parts", _parts),
    "price_class": ("price_class", _price_class),
    "exchangers": ("exchangers", _exchangers),
    "from_season": ("from_year", _season),
    "opened_on": ("opened_on", lambda t: parse_date(_required(t, "开户日期", 30))),
    "meter_serial": ("meter_serial", lambda t: _optional(t, "表号", 40)),
    "meter_installed_on": ("meter_installed_on", lambda t: parse_date(t) if t else None),
    "opening_reading_gj": ("opening_gj", lambda t: parse_decimal(t, what="期初读数") if t else None),
    "opening_read_at": ("opening_at", lambda t: parse_moment(t) if t else None),
}


def _read_cells(number, cells: dict, errors: Errors) -> dict | None:
    """Each cell read on its own: the Row's fields, or None when any cell is wrong."""
    values, before = {}, errors.count
    for key, (name, read) in READERS.items():
        try:
            values[name] = read(cells[key])
        except CellError as exc:
            errors.add(number, key, str(exc))
        except ValidationError as exc:
            errors.add(number, key, " ".join(exc.messages))
    return None if errors.count > before else values


def _meter_problems(v: dict):
    """The meter's cells against each other: a date and opening reading only with a serial."""
    if not v["meter_serial"]:
        for key, name in (
            ("meter_installed_on", "meter_installed_on"),
            ("opening_reading_gj", "opening_gj"),
            ("opening_read_at", "opening_at"),
        ):
            if v[name] is not None:
                yield key, "没有填写表号，不能填写此项"
    elif v["meter_installed_on"] is None:
        yield "meter_installed_on", "填写了表号，须填写装表日期"
    if (v["opening_gj"] is None) != (v["opening_at"] is None):
        missing = "opening_read_at" if v["opening_at"] is None else "opening_reading_gj"
        yield missing, "期初读数和期初抄表时间须同时填写或同时留空"
    opening_at, installed_on = v["opening_at"], v["meter_installed_on"]
    if opening_at is not None and installed_on is not None and timezone.localdate(opening_at) < installed_on:
        yield "opening_read_at", f"期初抄表时间早于装表日期 {installed_on}"


def _season_refusal(year: int, seasons: dict) -> str | None:
    """Why a season cannot be billed (no policy in force on its first day); asked once per season."""
    if year not in seasons:
        try:
            policy_for_season(year)
            seasons[year] = None
        except NoPolicyInForce as missing:
            seasons[year] = str(missing)
    return seasons[year]


def _billing_problems(v: dict, seasons: dict):
    """The account as the engine sees it in its first season, which a policy must price: metered only
    if the meter is in by the season's first day, else by area (POLICY.md §1)."""
    year = v["from_year"]
    refusal = _season_refusal(year, seasons)
    if refusal:
        yield "from_season", refusal
        return
    installed_on = v["meter_installed_on"]
    metered = installed_on is not None and installed_on <= season_days(year)[0]
    facts = AccountFacts(v["price_class"], METERED if metered else AREA, tuple(v["parts"]), v["exchangers"])
    for error in problems(facts, heat_gj=Decimal(0) if metered else None):
        yield error.field, billing_error_text(error)


def _read_row(number, cells: dict, errors: Errors, seasons: dict) -> Row | None:
    """One row's cells checked on their own and against each other; None when any is wrong.
    `seasons` remembers what `_season_refusal` found for each season already asked about."""
    values = _read_cells(number, cells, errors)
    if values is None:
        return None
    problems_found = [*_meter_problems(values), *_billing_problems(values, seasons)]
    for key, message in problems_found:
        errors.add(number, key, message)
    if problems_found:
        return None
    fingerprint = identity.fingerprint(values["id_number"]) if values["id_number"] else ""
    return Row(number=number, id_hash=fingerprint, **values)


# The file against itself and the database ---------------------------------------------------------


def _existing(queryset, field_name, values, *fields):
    found = []
    for chunk in chunks(sorted(values), CHUNK):
        found.extend(queryset.filter(**{f"{field_name}__in": chunk}).values_list(*fields))
    return found


@dataclass
class Plan:
    rows: list[Row]
    routes: dict[str, int]  # code → id of the routes that exist
    buildings: dict[str, int]  # code → id of the buildings that exist
    new_buildings: dict[str, tuple[str, str]]  # code → (name, route code) of those to create
    customers: dict[str, int]  # id-number hash → id of the customer that exists


@dataclass
class Seen:
    """Where each account, meter, home and new building first appears in the file (any row, even
    one with errors, so that a later row is told about the first and not the other way round)."""

    accounts: dict = field(default_factory=dict)
    meters: dict = field(default_factory=dict)
    homes: dict = field(default_factory=dict)
    buildings: dict = field(default_factory=dict)  # code → (row, name, route code), first named row

    def note(self, number, cells):
        self.accounts.setdefault(cells["account"], number)
        if cells["meter_serial"]:
            self.meters.setdefault(cells["meter_serial"], number)
        self.homes.setdefault((cells["building_code"], cells["unit"]), number)
        if cells["building_code"] and cells["building_name"]:
            self.buildings.setdefault(
                cells["building_code"], (number, cells["building_name"], cells["route_code"])
            )


def _cross_check(company, rows: list[Row], seen: Seen, errors: Errors) -> Plan:
    """Duplicates within the file and clashes with the company's books; the rows that survive."""
    numbers = {r.account for r in rows}
    accounts = {n for (n,) in _existing(Account.objects.filter(company=company), "number", numbers, "number")}
    serials = {r.meter_serial for r in rows if r.meter_serial}
    meters = {s for (s,) in _existing(Meter.objects.filter(company=company), "serial", serials, "serial")}
    route_codes = {r.route_code for r in rows if r.route_code}
    routes = dict(_existing(Route.objects.filter(company=company), "code", route_codes, "code", "id"))
    codes = {r.building_code for r in rows}
    buildings = {
        code: (pk, name, route or "")
        for code, pk, name, route in _existing(
            Building.objects.filter(company=company), "code", codes, "code", "id", "name", "route__code"
        )
    }
    homes = set(
        _existing(Premises.objects.filter(company=company), "building__code", codes, "building__code", "unit")
    )
    # A home with an open account takes no second one (POLICY.md §4): the row is told which account it is.
    occupied = {
        (code, unit): number
        for code, unit, number in _existing(
            Account.objects.filter(company=company, closed_on__isnull=True).order_by("opened_on"),
            "premises__building__code",
            codes,
            "premises__building__code",
            "premises__unit",
            "number",
        )
    }
    hashes = {r.id_hash for r in rows if r.id_hash}
    known = {}
    for pk, name, digest in _existing(
        Customer.objects.filter(company=company).order_by("id"), "id_number_hash", hashes,
        "id", "name", "id_number_hash",
    ):
        known.setdefault(digest, []).append((pk, name))

    people = {}
    kept = []
    for row in rows:
        problems = []
        if row.account in accounts:
            problems.append(("account", f"户号 {row.account} 已存在，导入不修改已有账户"))
        elif seen.accounts[row.account] != row.number:
            problems.append(("account", f"户号 {row.account} 与第 {seen.accounts[row.account]} 行重复"))
        if row.meter_serial in meters:
            problems.append(("meter_serial", f"表号 {row.meter_serial} 已存在"))
        elif row.meter_serial and seen.meters[row.meter_serial] != row.number:
            earlier = seen.meters[row.meter_serial]
            problems.append(("meter_serial", f"表号 {row.meter_serial} 与第 {earlier} 行重复"))
        home = (row.building_code, row.unit)
        if home in occupied:
            problems.append((
                "unit",
                f"楼栋 {row.building_code} 的房号 {row.unit} 已有开户中的账户 {occupied[home]}；"
                "同一房屋同一时间只能有一个账户，换了户主请办理过户",
            ))
        elif home in homes:
            problems.append(("unit", f"楼栋 {row.building_code} 的房号 {row.unit} 已建档"))
        elif seen.homes[home] != row.number:
            earlier = seen.homes[home]
            problems.append(("unit", f"楼栋 {row.building_code} 的房号 {row.unit} 与第 {earlier} 行重复"))
        problems.extend(_building_problems(row, buildings, seen.buildings))
        if row.id_hash:
            other = [name for _, name in known.get(row.id_hash, []) if name != row.customer]
            first, name = people.setdefault(row.id_hash, (row.number, row.customer))
            # Say that the name differs, never whose the number is: the holder is not the uploader's to learn.
            if other:
                problems.append(("id_number", "该身份证号已登记在另一客户名下，与本行客户名称不符"))
            elif name != row.customer:
                problems.append(("id_number", f"该身份证号在第 {first} 行登记为另一客户名称，与本行不符"))
        for key, message in problems:
            errors.add(row.number, key, message)
        if not problems:
            kept.append(row)
    return Plan(
        rows=kept,
        routes=routes,
        buildings={code: pk for code, (pk, _, _) in buildings.items()},
        new_buildings={
            code: (name, route)
            for code, (_, name, route) in seen.buildings.items()
            if code not in buildings and code in codes
        },
        customers={digest: same[0][0] for digest, same in known.items()},
    )


def _building_problems(row, existing, named):
    """A building is described once: by the books if it exists, else by the first row that names it."""
    code = row.building_code
    if code in existing:
        _, name, route = existing[code]
        if row.building_name and row.building_name != name:
            yield "building_name", f"楼栋 {code} 已存在，名称为“{name}”；导入不修改已有楼栋"
        if row.route_code and row.route_code != route:
            where = f"属于线路 {route}" if route else "未分配线路"
            yield "route_code", f"楼栋 {code} 已存在且{where}；导入不修改已有楼栋"
        return
    if code not in named:
        yield "building_name", f"楼栋 {code} 是新楼栋，须在（至少一行中）填写楼栋名称"
        return
    number, name, route = named[code]
    if number == row.number:
        return
    if row.building_name and row.building_name != name:
        yield "building_name", f"楼栋 {code} 在第 {number} 行的名称为“{name}”"
    if row.route_code and row.route_code != route:
        yield "route_code", f"楼栋 {code} 在第 {number} 行的线路为“{route or '（无）'}”"


# Writing -------------------------------------------------------------------------------------------


@dataclass
class Written:
    counts: dict
    outcomes: list  # of the opening readings
    incoming: list
    opening_rows: list[int]


def _write(company, plan: Plan, batch: ImportBatch, user) -> Written:
    """Everything the plan describes, set-based; opening readings through the reading service."""
    rows = plan.rows
    reason = f"建档导入（批次 {batch.pk}）"
    history = {"default_user": user, "default_change_reason": reason, "batch_size": 1000}
    routes, new_routes = _create_routes(company, plan)
    buildings, new_buildings = _create_buildings(company, plan, routes)
    customer_ids, new_people = _create_customers(company, plan, history)
    homes, parts = _create_homes(company, rows, buildings, history)
    accounts = _create_accounts(company, rows, homes, customer_ids, batch, history)
    meters = [
        Meter(company=company, account_id=a.pk, serial=r.meter_serial, installed_on=r.meter_installed_on)
        for r, a in zip(rows, accounts, strict=True)
        if r.meter_serial
    ]
    bulk_create_with_history(meters, Meter, **history)
    opening, incoming, outcomes = _ingest_opening_readings(company, rows, batch, user)
    counts = {
        "accounts": len(accounts),
        "customers_new": new_people,
        "customers_matched": sum(1 for r in rows if r.customer_key in plan.customers),
        "routes_new": len(new_routes),
        "buildings_new": len(new_buildings),
        "premises": len(homes),
        "parts": len(parts),
        "meters": len(meters),
        "opening_readings": sum(1 for o in outcomes if o.status != REJECTED),
        "institution_rows": [r.number for r in rows if r.price_class == INSTITUTION][:1000],
    }
    return Written(counts, outcomes, incoming, [r.number for r in opening])


def _create_routes(company, plan: Plan) -> tuple[dict, list]:
    """The routes the rows and new buildings name that the books lack: code → id of all, and the new."""
    routes = dict(plan.routes)
    wanted = [route for _, route in plan.new_buildings.values()]
    new_routes = [
        Route(company=company, code=code, name=f"线路{code}")
        for code in dict.fromkeys(wanted + [r.route_code for r in plan.rows])
        if code and code not in routes
    ]
    Route.objects.bulk_create(new_routes, batch_size=1000)
    routes.update({route.code: route.pk for route in new_routes})
    return routes, new_routes


def _create_buildings(company, plan: Plan, routes: dict) -> tuple[dict, list]:
    """The new buildings, each placed after the last of its route: code → id of all, and the new."""
    buildings = dict(plan.buildings)
    orders = {}
    new_buildings = []
    for code, (name, route_code) in plan.new_buildings.items():
        route_id = routes.get(route_code)
        if route_id is not None and route_id not in orders:
            orders[route_id] = _next_order(route_id)
        new_buildings.append(
            Building(
                company=company, code=code, name=name, route_id=route_id, route_order=orders.get(route_id, 0)
            )
        )
        if route_id is not None:
            orders[route_id] += 1
    Building.objects.bulk_create(new_buildings, batch_size=1000)
    buildings.update({b.code: b.pk for b in new_buildings})
    return buildings, new_buildings


def _create_customers(company, plan: Plan, history: dict) -> tuple[dict, int]:
    """One customer per identity number (the one in the books if any), else per name and phone.
    Sets each row's `customer_key`; returns key → customer id, and how many were created."""
    people = {}
    for row in plan.rows:
        row.customer_key = row.id_hash or ("name", row.customer, row.phone)
        if row.customer_key in plan.customers or row.customer_key in people:
            continue
        person = Customer(company=company, name=row.customer, phone=row.phone)
        if row.id_number:
            person.set_id_number(row.id_number)
        people[row.customer_key] = person
    bulk_create_with_history(list(people.values()), Customer, **history)
    return plan.customers | {key: person.pk for key, person in people.items()}, len(people)


def _create_homes(company, rows: list[Row], buildings: dict, history: dict) -> tuple[list, list]:
    """A premises per row, with its heated parts from the row's first season."""
    homes = [Premises(company=company, building_id=buildings[r.building_code], unit=r.unit) for r in rows]
    Premises.objects.bulk_create(homes, batch_size=1000)
    parts = [
        HeatedPart(premises_id=home.pk, kind=p.kind, area=p.area, from_year=r.from_year)
        for r, home in zip(rows, homes, strict=True)
        for p in r.parts
    ]
    bulk_create_with_history(parts, HeatedPart, **history)
    return homes, parts


def _create_accounts(company, rows, homes, customer_ids, batch, history) -> list:
    """An account per row, with its first terms row noting the batch it came from."""
    accounts = [
        Account(
            company=company, number=r.account, customer_id=customer_ids[r.customer_key], premises_id=home.pk,
            opened_on=r.opened_on,
        )
        for r, home in zip(rows, homes, strict=True)
    ]
    bulk_create_with_history(accounts, Account, **history)
    note = batch_note(batch.pk)
    terms = [
        AccountTerms(
            account_id=a.pk, from_year=r.from_year, price_class=r.price_class, exchangers=r.exchangers,
            note=note + (INSTITUTION_NOTE if r.price_class == INSTITUTION else ""),
        )
        for r, a in zip(rows, accounts, strict=True)
    ]
    bulk_create_with_history(terms, AccountTerms, **history)
    return accounts


def _ingest_opening_readings(company, rows, batch, user) -> tuple[list, list, list]:
    """The opening readings through the reading service, all or nothing: (rows, incoming, outcomes)."""
    opening = [r for r in rows if r.opening_gj is not None]
    incoming = [
        Incoming(serial=r.meter_serial, read_at=r.opening_at, value=r.opening_gj, note="期初读数（建档导入）")
        for r in opening
    ]
    if not incoming:
        return opening, incoming, []
    outcomes = readings_ingest(
        company=company, incoming=incoming, source=Reading.Source.IMPORT, user=user,
        all_or_nothing=True, import_batch=batch,
    )
    return opening, incoming, outcomes


def _next_order(route_id):
    if route_id is None:
        return 0
    last = Building.objects.filter(route_id=route_id).order_by("-route_order").values_list("route_order")
    return (last.first() or (0,))[0] + 1


class _Undo(Exception):
    def __init__(self, written: Written):
        self.written = written


def _run(company, plan, batch, user, *, keep: bool, errors: Errors) -> dict:
    """The writes in a savepoint: kept when `keep` and the opening readings pass, else rolled back."""
    try:
        with transaction.atomic():
            written = _write(company, plan, batch, user)
            if not keep or any(o.status == REJECTED for o in written.outcomes):
                raise _Undo(written)
    except _Undo as undo:
        written = undo.written
    except IntegrityError:
        # Another writer created the same account, meter or home between the checks and the insert.
        errors.add(None, "", "写入时与同时录入的资料冲突，未写入任何资料，请重新上传。")
        return {}
    columns = {"value": "opening_reading_gj", "read_at": "opening_read_at", "meter": "meter_serial"}
    for outcome, item, number in zip(written.outcomes, written.incoming, written.opening_rows, strict=True):
        if outcome.status == REJECTED:
            column, message = explain_refusal(outcome, item, {})
            errors.add(number, columns.get(column, "opening_reading_gj"), f"期初读数：{message}")
    return written.counts


def _check(company, table) -> tuple[Plan, Errors]:
    errors = Errors({c.key: c.label for c in COLUMNS} | table.labels)
    position = {key: i for i, key in enumerate(table.keys)}
    seen = Seen()
    rows = []
    seasons = {}
    for number, raw in zip(table.numbers, table.rows, strict=True):
        cells = {c.key: (raw[position[c.key]] if c.key in position else "") for c in COLUMNS}
        seen.note(number, cells)
        row = _read_row(number, cells, errors, seasons)
        if row is not None:
            rows.append(row)
    return _cross_check(company, rows, seen, errors), errors


def import_onboarding_file(*, company, user, file_name: str, data: bytes, commit: bool) -> ImportResult:
    """Check a books file and (with commit=True, when every row is right) write it; record the batch."""
    try:
        table = read_table(file_name, data, COLUMNS)
    except FileRefused as refusal:
        return batch_refused(
            company=company, user=user, kind=KIND, file_name=file_name, data=data, refusal=refusal
        )
    with transaction.atomic():
        batch = batch_create(
            company=company, user=user, kind=KIND, file_name=file_name, data=data,
            rows=len(table), status=ImportBatch.Status.PREVIEWED,
        )
        plan, errors = _check(company, table)
        counts = _run(company, plan, batch, user, keep=commit and not errors, errors=errors)
        committed = commit and not errors
        batch_finish(batch, errors, counts, committed=committed, data=None if commit else data)
    return ImportResult(batch, batch.rows, errors.count, batch.errors, committed, counts)


def onboarding_batch_commit(*, batch: ImportBatch, user) -> ImportResult:
    """Check the kept file again against the books as they are now, and write it all or nothing."""
    with transaction.atomic():
        batch, table = batch_lock_pending(batch, KIND, COLUMNS)
        if isinstance(table, ImportResult):
            return table
        plan, errors = _check(batch.company, table)
        counts = _run(batch.company, plan, batch, user, keep=not errors, errors=errors)
        committed = not errors
        batch_finish(batch, errors, counts, committed=committed)
    return ImportResult(batch, batch.rows, errors.count, batch.errors, committed, counts)
