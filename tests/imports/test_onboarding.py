"""A company's books through `import_onboarding_file`, without HTTP."""
import datetime
from decimal import Decimal

import pytest

from heating import identity
from heating.imports import import_onboarding_file, onboarding_batch_commit
from heating.imports.onboarding import COLUMNS
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
from tests.factories import (
    AccountFactory,
    BuildingFactory,
    CustomerFactory,
    MeterFactory,
    PricePolicyFactory,
    RouteFactory,
    aware,
    id_number,
)

from .conftest import csv_bytes, xlsx_bytes

HEADER = [c.label for c in COLUMNS]
ID_ZHANG = id_number("37032319800101001")
ID_LI = id_number("37032319850505002")


def row(**cells):
    base = {
        "account": "0100001", "customer": "张三", "phone": "13800000000", "id_number": ID_ZHANG,
        "building_code": "B01", "building_name": "1号楼", "route_code": "R01", "unit": "1-101",
        "parts": "flat:80.00", "price_class": "居民", "exchangers": "0", "from_season": "2019-2020",
        "opened_on": "2019-10-01", "meter_serial": "", "meter_installed_on": "", "opening_reading_gj": "",
        "opening_read_at": "",
    }
    base.update(cells)
    return [base[c.key] for c in COLUMNS]


def books():
    return [
        row(parts="flat:80.00;attic_without_certificate:40.00", exchangers="2"),
        row(
            account="0100002", unit="1-102", customer="李四", id_number=ID_LI, parts="住宅:95.50",
            meter_serial="HM-1", meter_installed_on="2019-10-01", opening_reading_gj="100.5",
            opening_read_at="2019-11-15 08:00",
        ),
        row(account="0100003", unit="1-103", parts="复式单层采暖:70"),  # 张三's second home
        row(
            account="0200001", customer="城关幼儿园", id_number="", phone="", building_code="B02",
            building_name="幼儿园", route_code="", unit="整栋", parts="建筑面积:1200.00",
            price_class="执行居民价格的单位",
        ),
    ]


def run(company, user, rows, *, commit):
    data = csv_bytes([HEADER, *rows])
    return import_onboarding_file(company=company, user=user, file_name="books.csv", data=data, commit=commit)


def test_a_valid_file_creates_the_books(company, alice):
    result = run(company, alice, books(), commit=True)

    assert result.errors == [] and result.committed
    assert Customer.objects.filter(company=company).count() == 3
    assert Route.objects.get(company=company).code == "R01"
    b01, b02 = Building.objects.filter(company=company).order_by("code")
    assert (b01.name, b01.route.code, b02.name, b02.route) == ("1号楼", "R01", "幼儿园", None)
    assert Premises.objects.filter(company=company).count() == 4
    zhang = Account.objects.get(number="0100001")
    assert zhang.customer.name == "张三" and zhang.premises.unit == "1-101"
    assert Account.objects.get(number="0100003").customer == zhang.customer
    parts = HeatedPart.objects.filter(premises=zhang.premises).values_list("kind", "area", "from_year")
    parts = sorted(parts)
    assert parts == [("attic_without_certificate", Decimal("40.00"), 2019), ("flat", Decimal("80.00"), 2019)]
    terms = AccountTerms.objects.get(account=zhang)
    assert (terms.price_class, terms.exchangers, terms.from_year) == ("residential", 2, 2019)
    school = AccountTerms.objects.get(account__number="0200001")
    assert school.price_class == "institution" and "按非居民价格计费" in school.note
    meter = Meter.objects.get(serial="HM-1")
    assert meter.account.number == "0100002" and meter.company == company
    opening = Reading.objects.get(meter=meter)
    assert (opening.value_gj, opening.read_at) == (Decimal("100.500000"), aware(2019, 11, 15, 8))
    assert opening.import_batch == result.batch and opening.source == Reading.Source.IMPORT
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.status, batch.rows, batch.created_by) == ("onboarding", "committed", 4, alice)
    assert result.summary["accounts"] == 4 and result.summary["institution_rows"] == [5]
    assert zhang.history.get().history_change_reason == f"建档导入（批次 {batch.pk}）"


def test_identity_numbers_are_stored_encrypted(company, alice):
    run(company, alice, books(), commit=True)

    zhang = Customer.objects.get(name="张三")
    assert ID_ZHANG not in zhang.id_number_cipher
    assert identity.reveal(zhang.id_number_cipher) == ID_ZHANG
    assert zhang.id_number_hash == identity.fingerprint(ID_ZHANG)
    assert zhang.id_number_masked == ID_ZHANG[:4] + "*" * 10 + ID_ZHANG[-4:]
    history = zhang.history.get()
    assert not hasattr(history, "id_number_cipher")


def test_preview_writes_nothing_then_commit_writes(company, alice):
    preview = run(company, alice, books(), commit=False)

    assert preview.ok and not preview.committed
    assert preview.summary["accounts"] == 4
    assert Account.objects.count() == Customer.objects.count() == Reading.objects.count() == 0

    result = onboarding_batch_commit(batch=preview.batch, user=alice)

    assert result.committed and Account.objects.filter(company=company).count() == 4


def test_one_bad_row_writes_nothing(company, alice):
    rows = books()
    rows[2] = row(account="0100003", unit="1-103", parts="flat:80.001")

    result = run(company, alice, rows, commit=True)

    assert result.errors == [{"row": 4, "column": "采暖部位", "message": "面积最多 2 位小数：“80.001”"}]
    assert Account.objects.count() == Customer.objects.count() == Building.objects.count() == 0
    assert Meter.objects.count() == Reading.objects.count() == Route.objects.count() == 0
    assert ImportBatch.objects.get().status == "rejected"


def test_an_account_number_already_in_the_books_is_an_error(company, alice):
    AccountFactory(company=company, number="0100002")

    result = run(company, alice, books(), commit=True)

    assert result.errors == [
        {"row": 3, "column": "户号", "message": "户号 0100002 已存在，导入不修改已有账户"}
    ]
    assert Account.objects.count() == 1


def test_the_same_account_twice_is_an_error_on_the_second_row(company, alice):
    rows = books()
    rows[2] = row(unit="1-103")  # account 0100001 again

    result = run(company, alice, rows, commit=False)

    assert result.errors == [{"row": 4, "column": "户号", "message": "户号 0100001 与第 2 行重复"}]


def test_a_meter_serial_already_in_the_books_is_an_error(company, alice):
    MeterFactory(company=company, serial="HM-1")

    result = run(company, alice, books(), commit=True)

    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "表号")]


def test_existing_customers_buildings_and_routes_are_reused(company, alice):
    zhang = CustomerFactory(company=company, name="张三", id_number=ID_ZHANG)
    route = RouteFactory(company=company, code="R01")
    building = BuildingFactory(company=company, code="B01", name="1号楼", route=route)

    result = run(company, alice, books(), commit=True)

    assert result.ok, result.errors
    assert Account.objects.get(number="0100001").customer == zhang
    assert Account.objects.get(number="0100001").premises.building == building
    assert Route.objects.filter(company=company).count() == 1
    assert result.summary["customers_matched"] == 2


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({"parts": "building:80"}, "采暖部位", "第 1 个部位：居民用户按套内建筑面积计费，不能选“building”"),
        ({"price_class": "非居民"}, "采暖部位", "部位须为“building”"),
        ({"parts": "flat:0"}, "采暖部位", "第 1 个部位的面积须大于 0"),
        ({"parts": "sauna:10"}, "采暖部位", "未知的采暖部位"),
        ({"exchangers": "1", "price_class": "非居民", "parts": "building:100"}, "换热器", "按面积收费的居民"),
        ({"exchangers": "1", "meter_serial": "X", "meter_installed_on": "2019-10-01"}, "换热器", "按面积"),
        ({"exchangers": "1", "meter_serial": "X", "meter_installed_on": "2019-11-15"}, "换热器", "按面积"),
        ({"exchangers": "100"}, "换热器", "不能超过 99"),
        ({"from_season": "2023-2024"}, "起始供暖季", "2023-11-15 没有生效的价格政策"),
        ({"from_season": "2019-2021"}, "起始供暖季", "YYYY-YYYY"),
        ({"opened_on": "2019-02-30"}, "开户日期", "不是"),
        ({"id_number": "370323198001010010"}, "身份证号", "校验位"),
        ({"meter_serial": "X"}, "装表日期", "须填写装表日期"),
        ({"meter_installed_on": "2019-10-01"}, "装表日期", "没有填写表号"),
        (
            {"meter_serial": "X", "meter_installed_on": "2019-10-01", "opening_reading_gj": "1"},
            "期初抄表时间",
            "同时填写",
        ),
        (
            {"meter_serial": "X", "meter_installed_on": "2019-10-01", "opening_reading_gj": "1",
             "opening_read_at": "2099-01-01 08:00"},
            "期初抄表时间",
            "晚于当前时间",
        ),
        (
            {"meter_serial": "X", "meter_installed_on": "2019-10-01", "opening_reading_gj": "0.0000001",
             "opening_read_at": "2019-11-15 08:00"},
            "期初读数",
            "6 位小数",
        ),
        ({"building_code": "B09", "building_name": ""}, "楼栋名称", "须在"),
        ({"customer": ""}, "客户名称", "不能为空"),
    ],
)
def test_row_errors(company, alice, cells, column, words):
    result = run(company, alice, [row(**cells)], commit=True)

    assert [(e["row"], e["column"]) for e in result.errors] == [(2, column)], result.errors
    assert words in result.errors[0]["message"]
    assert Account.objects.count() == 0


def test_an_identity_number_under_another_name_is_an_error(company, alice):
    rows = [row(), row(account="0100002", unit="1-102", customer="张叁")]

    result = run(company, alice, rows, commit=True)

    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "身份证号")]
    assert "张三" not in result.errors[0]["message"]
    assert "第 2 行" in result.errors[0]["message"]


def test_an_identity_number_held_by_another_customer_does_not_name_the_holder(company, alice):
    CustomerFactory(company=company, name="张建国", id_number=ID_ZHANG)

    result = run(company, alice, [row()], commit=False)

    (error,) = result.errors
    assert (error["row"], error["column"]) == (2, "身份证号")
    assert "张建国" not in error["message"] and "张建国" not in str(result.batch.errors)
    assert "已登记在另一客户名下" in error["message"]


def test_a_building_named_differently_in_two_rows_is_an_error(company, alice):
    rows = [row(), row(account="0100002", unit="1-102", building_name="一号楼")]

    result = run(company, alice, rows, commit=True)

    assert result.errors == [{"row": 3, "column": "楼栋名称", "message": "楼栋 B01 在第 2 行的名称为“1号楼”"}]


def test_customers_without_identity_numbers_are_one_per_name_and_phone(company, alice):
    rows = [
        row(id_number=""),
        row(account="0100002", unit="1-102", id_number=""),
        row(account="0100003", unit="1-103", id_number="", phone="13900000000"),
    ]

    assert run(company, alice, rows, commit=True).committed

    assert Customer.objects.filter(name="张三").count() == 2


def test_the_commit_checks_the_books_again(company, alice):
    preview = run(company, alice, books(), commit=False)
    assert preview.ok
    AccountFactory(company=company, number="0200001")  # keyed in by someone else meanwhile

    result = onboarding_batch_commit(batch=preview.batch, user=alice)

    assert not result.committed
    assert [(e["row"], e["column"]) for e in result.errors] == [(5, "户号")]
    assert Account.objects.count() == 1 and Meter.objects.count() == Reading.objects.count() == 0
    preview.batch.refresh_from_db()
    assert preview.batch.status == ImportBatch.Status.REJECTED


def test_an_excel_file_with_date_cells_works(company, alice):
    cells = row(
        meter_serial="HM-9", meter_installed_on="", opening_reading_gj="", opening_read_at="", opened_on=""
    )
    position = {c.key: i for i, c in enumerate(COLUMNS)}
    cells[position["opened_on"]] = datetime.datetime(2019, 10, 1)
    cells[position["meter_installed_on"]] = datetime.datetime(2019, 10, 1)
    cells[position["opening_reading_gj"]] = 12.5
    cells[position["opening_read_at"]] = datetime.datetime(2019, 11, 15, 8)
    cells[position["exchangers"]] = 0
    data = xlsx_bytes([HEADER, cells])

    result = import_onboarding_file(company=company, user=alice, file_name="b.xlsx", data=data, commit=True)

    assert result.committed, result.errors
    assert Account.objects.get().opened_on.isoformat() == "2019-10-01"
    assert Reading.objects.get().value_gj == Decimal("12.5")


def test_exchangers_are_accepted_when_the_meter_comes_after_the_first_day_of_the_season(company, alice):
    # POLICY.md §1: metered only with a meter working at the season's start; until then, by area.
    cells = {"exchangers": "2", "meter_serial": "HM-7", "meter_installed_on": "2019-11-16"}

    result = run(company, alice, [row(**cells)], commit=True)

    assert result.committed, result.errors
    assert AccountTerms.objects.get().exchangers == 2
    assert Meter.objects.get().installed_on == datetime.date(2019, 11, 16)


def test_a_row_is_checked_under_the_policy_in_force_for_its_season(company, alice):
    later = row(from_season="2022-2023", opened_on="2022-10-01")

    refused = run(company, alice, [later], commit=False)
    PricePolicyFactory(
        effective_from=datetime.date(2021, 11, 15), effective_until=datetime.date(2023, 11, 14)
    )
    accepted = run(company, alice, [later], commit=True)

    assert [(e["column"], e["message"]) for e in refused.errors] == [
        ("起始供暖季", "2022-11-15 没有生效的价格政策")
    ]
    assert accepted.committed, accepted.errors


def test_the_billing_checks_are_the_engines(company, alice, monkeypatch):
    """Onboarding asks the engine (`problems`), with the method of the row's first season."""
    from heating.billing import BillingError
    from heating.imports import onboarding

    asked = []

    def engine_says(facts, heat_gj=None, prepaid=None):
        asked.append((facts.method, facts.exchangers, heat_gj))
        return (BillingError("low_income", "low_income_not_bool", "low_income must be true or false"),)

    monkeypatch.setattr(onboarding, "problems", engine_says)
    metered = {"meter_serial": "HM-7", "meter_installed_on": "2019-11-15"}

    rows = [row(exchangers="1"), row(account="0100002", unit="1-102", **metered)]

    result = run(company, alice, rows, commit=False)

    assert asked == [("area", 1, None), ("metered", 0, Decimal(0))]
    assert [(e["row"], e["column"], e["message"]) for e in result.errors] == [
        (2, "low_income", "困难群体标记须为是或否。"),
        (3, "low_income", "困难群体标记须为是或否。"),
    ]
