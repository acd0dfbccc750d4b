"""/me/ (我的供暖): each of the resident's homes with its company, address, heated parts and the rule
that counts each, the billing area (and any property-management decision), price class and method,
what needs attention, and its seasons linked to their bills; never another household's home, in a
number of queries that does not grow with the homes or the seasons."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from heating.models import Customer, HeatedPart, Reading, Role
from heating.models.policy import season_name
from heating.selectors.homes import bill_path, resident_homes
from heating.selectors.takings import counter_season
from heating.services.refunds import refunds_open_for_season
from tests.factories import (
    AreaDecisionFactory,
    BureauFactory,
    MembershipFactory,
    UserFactory,
    aware,
    make_account,
)
from tests.settlement.helpers import pay, settle

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(homes):
    user = UserFactory(username="13805331234", last_name="张建国")
    Customer.objects.filter(pk__in=[homes.first.customer_id, homes.second.customer_id]).update(user=user)
    return user


def page(client, user) -> str:
    client.force_login(user)
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


def section(html, account) -> str:
    start = html.index(f'id="home-{account.company.code}-{account.number}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(
    ("code", "number", "year", "path"),
    [
        ("DEMO1", "0100234", 2019, "/me/DEMO1/0100234/2019-2020/"),
        ("DEMO2", "H 12", 2020, "/me/DEMO2/H%2012/2020-2021/"),
    ],
)
def test_a_bill_address_is_the_contracts(code, number, year, path):
    assert bill_path(code, number, year) == path


def test_the_resident_sees_each_home_with_its_area_rule_price_class_and_method(client, homes, resident):
    HeatedPart.objects.create(premises=homes.first.premises, kind="attic_without_certificate", area="40.00")

    html = page(client, resident)

    first = section(html, homes.first)
    assert "沂源示范热力有限公司" in first and "0100234" in first and str(homes.first.premises) in first
    assert "住宅套内建筑面积：96.50 m²，全部计入计费面积" in first
    assert "阁楼无房产证（按下层住房面积）：40.00 m² × 50%，计入计费面积 20.00 m²" in first
    assert re.search(r'class="billing-area">116.50 m²<', first)
    assert "居民用户" in first and "按面积收费" in first and "2020-2021 价格类别" in first
    assert 'href="/me/DEMO1/0100234/2020-2021/"' in first
    assert 'href="/me/DEMO2/0200017/2020-2021/"' in section(html, homes.second)


def test_another_households_home_never_appears(client, homes, resident):
    html = page(client, resident)

    assert homes.neighbour.number not in html and "李秀兰" not in html
    assert homes.first.number not in page(client, UserFactory())


def test_a_property_management_decision_is_named(client, homes, resident):
    AreaDecisionFactory(account=homes.first, area=Decimal("90.00"), reference="源住建认字〔2020〕7号")

    first = section(page(client, resident), homes.first)

    assert "计费面积经房产管理部门确定为 90.00 m²，取代按各部分计算的 96.50 m²" in first
    assert "源住建认字〔2020〕7号" in first and re.search(r'class="billing-area">90.00 m²<', first)


def test_an_amount_owed_and_a_refund_on_its_way_need_attention(client, homes, resident):
    pay(homes.first, "1000.00")  # 96.50 m² × ¥21 = ¥2026.50 due
    pay(homes.second, "2000.00")  # 80 m² × ¥21 = ¥1680.00 due
    settle(homes.first.company, homes.first)
    settle(homes.second.company, homes.second)

    html = page(client, resident)
    assert "2019-2020 供暖季还应缴 ¥1026.50" in section(html, homes.first)
    second = section(html, homes.second)
    assert "2019-2020 供暖季应退您 ¥320.00" in second and "供热企业将办理退费" in second
    assert '<span class="tag">已结算</span>' in second

    refunds_open_for_season(company=homes.second.company, start_year=2019)
    second = section(page(client, resident), homes.second)
    assert second.count("应退您") == 1 and "退费正在办理" in second


def test_a_missing_reading_of_a_metered_home_needs_attention(client, homes, resident):
    metered = make_account(company=homes.first.company, metered=True, customer=homes.first.customer)
    serial = metered.meters.get().serial

    assert f"2020-2021 供暖季：表 {serial} 缺少期初读数" in section(page(client, resident), metered)

    # While the season is under way only its opening reading is due.
    Reading.objects.create(
        meter=metered.meters.get(), company=metered.company, read_at=aware(2020, 11, 15, 8), value_gj=1
    )
    (_first, home) = [
        h
        for h in resident_homes(resident, today=datetime.date(2020, 12, 1))
        if h.account.company_id == metered.company_id
    ]
    assert home.account == metered and home.attention == ()
    (home,) = [h for h in resident_homes(resident, today=datetime.date(2021, 4, 1)) if h.account == metered]
    assert [a.text for a in home.attention] == [f"表 {serial} 缺少期末读数"]


def test_every_season_link_opens_the_holders_bill(client, homes, resident):
    """/me/ and the bill count a home's seasons by one rule: a home with nothing paid yet links the
    season its facts are shown for, a settled one its statements' seasons and the season under way."""
    metered = make_account(company=homes.first.company, metered=True, customer=homes.first.customer)
    pay(homes.second, "2000.00")
    settle(homes.second.company, homes.second)

    html = page(client, resident)
    links = sorted(set(re.findall(r'href="(/me/[^"]+/)"', html)))

    under_way = season_name(counter_season(timezone.localdate()))
    seasons = {homes.first: ["2020-2021", under_way], homes.second: ["2019-2020", "2020-2021", under_way]}
    for account, names in seasons.items():
        assert [link.rsplit("/", 2)[1] for link in links if f"/{account.number}/" in link] == names
    assert any(f"/{metered.number}/" in link for link in links)
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)


@pytest.mark.parametrize("who", ["clerk", "officer"])
def test_staff_without_a_home_go_to_their_work(client, homes, who):
    user = UserFactory()
    if who == "clerk":
        MembershipFactory(user=user, organisation=homes.first.company, role=Role.CLERK)
    else:
        MembershipFactory(user=user, organisation=BureauFactory(), role=Role.OFFICER)
    client.force_login(user)

    response = client.get("/me/")

    assert response.status_code == 302 and response["Location"] == "/start/"


def test_a_login_without_a_home_is_offered_activation(client, db):
    html = page(client, UserFactory())

    assert "您的登录还没有绑定供暖账户" in html and 'href="/activate/"' in html
    assert client.logout() is None and client.get("/me/")["Location"].startswith("/accounts/login/")


def test_the_queries_do_not_grow_with_homes_or_seasons(client, homes, django_assert_num_queries):
    user = UserFactory()
    Customer.objects.filter(pk=homes.first.customer_id).update(user=user)
    metered = make_account(company=homes.first.company, metered=True, customer=homes.first.customer)
    client.force_login(user)
    client.get("/me/")
    # Session, user; accounts, statements, balances, refunds; the season and its policy; the facts (6);
    # the meters of metered homes not settled, with their endpoint readings; area decisions; the
    # navigation's membership and bureau lookups; the homes' low-income certificates.
    with django_assert_num_queries(19) as few:
        client.get("/me/")

    Customer.objects.filter(pk__in=[homes.second.customer_id, homes.neighbour.customer_id]).update(user=user)
    decided = make_account(company=homes.second.company, customer=homes.second.customer)
    AreaDecisionFactory(account=decided)
    for account in (homes.first, homes.second, homes.neighbour, decided):
        for year in (2019, 2020):
            pay(account, "2000.00" if account == homes.second else "900.00", season=year)
            settle(account.company, account, season=year)
    refunds_open_for_season(company=homes.second.company, start_year=2019)

    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get("/me/").content.decode()
    assert html.count('class="card home"') == 5 and metered.number in html
    assert html.count("已结算") == 8 and "退费正在办理" in html


def test_the_navigation_leads_a_resident_home_and_a_visitor_to_activation(client, homes, resident):
    client.force_login(resident)
    nav = re.search(r"<nav [^>]*>(.*?)</nav>", client.get("/me/").content.decode(), re.S)[1]
    assert 'href="/me/" aria-current="page">我的供暖<' in nav

    client.logout()
    assert 'href="/activate/"' in client.get("/").content.decode()
    assert 'href="/activate/"' in client.get("/accounts/login/").content.decode()
