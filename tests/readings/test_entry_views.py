"""抄表录入 /company/readings/entry/ and its JSON save and check endpoints."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from heating.models import Duty, Meter, Reading, Role
from tests.factories import (
    BureauFactory,
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    RouteFactory,
    UserFactory,
)

from .helpers import add_meter, building_with_meters, local_input

pytestmark = pytest.mark.django_db

ENTRY = reverse("reading-entry")
SAVE = reverse("reading-entry-save")
CHECK = reverse("reading-entry-check")


@pytest.fixture
def building(company):
    building, _meters = building_with_meters(company, 3, code="B01")
    return building


def meters_of(building):
    meters = Meter.objects.filter(account__premises__building=building)
    return list(meters.order_by("account__premises__unit"))


def shown(moment) -> str:
    """A time as refusal messages show it: local, to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def post(client, url, rows, read_at=None):
    body = {"read_at": read_at or local_input(timezone.now()), "rows": rows}
    return client.post(url, data=json.dumps(body), content_type="application/json")


def listed_serials(response):
    return [row["serial"] for row in response.context["rows"]]


# --- who may enter --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [ENTRY, SAVE, CHECK, reverse("reading-review")])
def test_anonymous_visitors_are_sent_to_the_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_bureau_officers_and_residents_are_refused(client, building):
    officer = UserFactory()
    MembershipFactory(user=officer, organisation=BureauFactory(duties=[Duty.SUBSIDY_LEAD]), role=Role.OFFICER)
    resident = UserFactory()
    CustomerFactory(company=building.company, user=resident)

    for user in (officer, resident):
        client.force_login(user)
        assert client.get(ENTRY, {"building": building.pk}).status_code == 403
        assert post(client, SAVE, [{"serial": "x", "value": "1"}]).status_code == 403
    assert Reading.objects.count() == 3  # the previous readings only


# --- the page -------------------------------------------------------------------------------------


def test_without_a_choice_the_page_offers_the_companys_routes_and_buildings(client_in, company, building):
    route = RouteFactory(company=company, code="R01", name="东线")
    elsewhere = CompanyFactory()
    RouteFactory(company=elsewhere, code="R99", name="别家线路")
    building_with_meters(elsewhere, 1, code="X99")

    response = client_in.get(ENTRY)

    assert response.status_code == 200
    assert response.context["routes"] == [route]
    assert response.context["buildings"] == [building]
    html = response.content.decode()
    assert "东线" in html and "别家线路" not in html and "X99" not in html
    assert 'id="entry"' not in html


def test_a_building_lists_its_current_meters_in_unit_order_with_the_previous_reading(client_in, company):
    building, meters = building_with_meters(company, 2, code="B01")
    later = add_meter(building, "0-01", previous="55.25")
    removed = add_meter(building, "0-02")
    removed.removed_on = removed.installed_on
    removed.save()
    add_meter(building, "0-03", previous=None)
    building_with_meters(company, 1, code="B02")  # another building

    response = client_in.get(ENTRY, {"building": building.pk})

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["unit"] for r in rows] == ["0-01", "0-03", "1-01", "1-02"]
    assert rows[0]["serial"] == later.serial and rows[0]["account"] == later.account.number
    assert rows[0]["prev_text"] == "55.25"
    assert rows[1]["prev_value"] is None
    assert rows[2]["prev_text"] == "100.0"
    assert rows[2]["prev_at"] == Reading.objects.get(meter=meters[0]).read_at
    html = response.content.decode()
    assert f'aria-label="1-01 表号 {meters[0].serial} 本次读数（GJ）"' in html
    assert "autofocus" in html and removed.serial not in html


def test_the_building_column_is_shown_for_a_route_not_for_one_building(client_in, company):
    route = RouteFactory(company=company)
    building, _ = building_with_meters(company, 3, route=route, code="B01")
    building.name = "幸福小区3号楼"
    building.save()

    one_building = client_in.get(ENTRY, {"building": building.pk}).content.decode()
    whole_route = client_in.get(ENTRY, {"route": route.pk}).content.decode()

    table = one_building[one_building.index('<table class="entry">') :]
    assert "楼栋</th>" not in table and table.count("幸福小区3号楼") == 0
    head = one_building[one_building.index('<form id="entry"') : one_building.index('<table class="entry">')]
    assert head.count("幸福小区3号楼") == 1  # the heading names it, once
    route_table = whole_route[whole_route.index('<table class="entry">') :]
    assert "楼栋</th>" in route_table and route_table.count("幸福小区3号楼") == 3


def test_the_previous_reading_is_the_last_valid_one(client_in, company):
    building, (meter,) = building_with_meters(company, 1)
    post(client_in, SAVE, [{"serial": meter.serial, "value": "5000"}])  # implausible: held for review
    assert Reading.objects.filter(meter=meter, status=Reading.Status.FLAGGED).count() == 1

    response = client_in.get(ENTRY, {"building": building.pk})

    (row,) = response.context["rows"]
    assert (row["prev_text"], row["pending"]) == ("100.0", True)
    assert "有待复核" in response.content.decode()


def test_a_route_lists_its_buildings_in_route_order(client_in, company):
    route = RouteFactory(company=company)
    first, first_meters = building_with_meters(company, 2, route=route, route_order=1, code="Z")
    second, second_meters = building_with_meters(company, 1, route=route, route_order=2, code="A")
    building_with_meters(company, 1, code="M")  # not on the route

    response = client_in.get(ENTRY, {"route": route.pk})

    assert listed_serials(response) == [m.serial for m in first_meters + second_meters]
    assert [r["building"] for r in response.context["rows"]] == [first.name, first.name, second.name]


@pytest.mark.parametrize("param", ["building", "route"])
def test_another_companys_building_or_route_is_not_found(client_in, param):
    other = CompanyFactory()
    route = RouteFactory(company=other)
    building, _ = building_with_meters(other, 1, route=route)
    target = building if param == "building" else route

    assert client_in.get(ENTRY, {param: target.pk}).status_code == 404
    assert client_in.get(ENTRY, {param: "999999"}).status_code == 404
    assert client_in.get(ENTRY, {param: "abc"}).status_code == 404


def test_the_page_takes_a_fixed_number_of_queries(client_in, company, django_assert_max_num_queries):
    small, _ = building_with_meters(company, 1)
    big, _ = building_with_meters(company, 24)
    route = RouteFactory(company=company)
    for order in range(4):
        building_with_meters(company, 24, route=route, route_order=order)

    counts = []
    for params, rows in (({"building": small.pk}, 1), ({"building": big.pk}, 24), ({"route": route.pk}, 96)):
        with django_assert_max_num_queries(6) as captured:
            response = client_in.get(ENTRY, params)
        assert len(response.context["rows"]) == rows
        counts.append(len(captured))
    assert len(set(counts)) == 1, counts


# --- saving ---------------------------------------------------------------------------------------


def test_valid_rows_are_stored_as_manual_readings(client_in, clerk, building):
    meters = meters_of(building)
    at = timezone.localtime().replace(second=0, microsecond=0)

    response = post(
        client_in,
        SAVE,
        [{"serial": meters[0].serial, "value": "112.5"}, {"serial": meters[2].serial, "value": "100"}],
        read_at=local_input(at),
    )

    assert response.status_code == 200
    answer = response.json()
    assert answer["saved"] is True
    assert [(r["status"], r["message"], r["value"]) for r in answer["rows"]] == [
        ("stored", "已保存", "112.5"),
        ("stored", "已保存", "100.0"),
    ]
    stored = Reading.objects.filter(read_at=at).order_by("meter__account__premises__unit")
    assert [(r.meter, r.value_gj, r.source, r.kind, r.status, r.created_by) for r in stored] == [
        (meters[0], Decimal("112.5"), "manual", "actual", "valid", clerk),
        (meters[2], Decimal("100"), "manual", "actual", "valid", clerk),
    ]


def test_a_decreasing_value_refuses_the_whole_save(client_in, building):
    meters = meters_of(building)
    count = Reading.objects.count()

    response = post(
        client_in,
        SAVE,
        [{"serial": meters[0].serial, "value": "110"}, {"serial": meters[1].serial, "value": "99.5"}],
    )

    assert response.status_code == 422
    answer = response.json()
    assert answer["saved"] is False
    assert [r["status"] for r in answer["rows"]] == ["unsaved", "rejected"]
    previous = Reading.objects.get(meter=meters[1]).read_at
    assert answer["rows"][1]["message"] == f"低于此前 {shown(previous)} 的读数 100.0 GJ"
    assert Reading.objects.count() == count


def test_another_companys_meter_is_refused_and_nothing_is_written(client_in, building):
    _, (foreign,) = building_with_meters(CompanyFactory(), 1)
    count = Reading.objects.count()

    response = post(
        client_in,
        SAVE,
        [
            {"serial": meters_of(building)[0].serial, "value": "101"},
            {"serial": foreign.serial, "value": "101"},
        ],
    )

    assert response.status_code == 422
    rows = response.json()["rows"]
    assert (rows[1]["status"], rows[1]["message"]) == (
        "rejected",
        f"本公司没有表号为“{foreign.serial}”的热量表",
    )
    assert Reading.objects.count() == count


def test_a_huge_jump_is_stored_but_held_for_review(client_in, building):
    meter = meters_of(building)[0]

    response = post(client_in, SAVE, [{"serial": meter.serial, "value": "900"}])

    assert response.status_code == 200
    (row,) = response.json()["rows"]
    assert (row["status"], row["flagged"], row["message"]) == ("stored", True, "已保存，待复核")
    assert Reading.objects.get(meter=meter, value_gj=900).status == Reading.Status.FLAGGED


def test_saving_the_same_rows_twice_is_harmless(client_in, building):
    meter = meters_of(building)[0]
    read_at = local_input(timezone.now())
    post(client_in, SAVE, [{"serial": meter.serial, "value": "101"}], read_at=read_at)

    response = post(client_in, SAVE, [{"serial": meter.serial, "value": "101"}], read_at=read_at)

    assert response.json()["rows"][0]["status"] == "duplicate"
    assert Reading.objects.filter(meter=meter).count() == 2


@pytest.mark.parametrize(
    "value, message",
    [
        ("abc", "读数须为数字"),
        ("-1", "累计读数不能为负数（-1）"),
        ("100.0000001", "100.0000001 GJ 折合 100.0000001 GJ，超过 6 位小数，无法精确保存"),
        ("", "读数须为数字"),
    ],
)
def test_values_that_are_not_readings_are_refused(client_in, building, value, message):
    count = Reading.objects.count()

    response = post(client_in, SAVE, [{"serial": meters_of(building)[0].serial, "value": value}])

    assert response.status_code == 422
    assert response.json()["rows"][0]["message"] == message
    assert Reading.objects.count() == count


def test_a_reading_time_in_the_future_is_refused(client_in, building):
    future = local_input(timezone.now() + timezone.timedelta(hours=2))

    response = post(
        client_in, SAVE, [{"serial": meters_of(building)[0].serial, "value": "101"}], read_at=future
    )

    assert response.status_code == 422
    assert response.json()["rows"][0]["message"] == f"抄表时间 {future.replace('T', ' ')} 晚于当前时间"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"rows": []}',
        b'{"read_at": "2024-01-05T09:30", "rows": []}',
        b'{"read_at": "yesterday", "rows": [{"serial": "M", "value": "1"}]}',
        b'{"read_at": "2024-01-05T09:30", "rows": [["M", "1"]]}',
    ],
)
def test_malformed_requests_are_refused(client_in, body):
    response = client_in.post(SAVE, data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]


def test_saving_needs_post(client_in):
    assert client_in.get(SAVE).status_code == 405


# --- checking before saving -----------------------------------------------------------------------


def test_the_check_judges_without_writing(client_in, building):
    meters = meters_of(building)
    count = Reading.objects.count()

    response = post(
        client_in,
        CHECK,
        [
            {"serial": meters[0].serial, "value": "101"},
            {"serial": meters[1].serial, "value": "900"},
            {"serial": meters[2].serial, "value": "50"},
        ],
    )

    assert response.status_code == 200
    rows = response.json()["rows"]
    assert [(r["status"], r["flagged"]) for r in rows] == [
        ("ok", False),
        ("ok", True),
        ("rejected", False),
    ]
    assert rows[1]["message"] == "用热量异常偏高"
    previous = Reading.objects.get(meter=meters[2]).read_at
    assert rows[2]["message"] == f"低于此前 {shown(previous)} 的读数 100.0 GJ"
    assert Reading.objects.count() == count
