"""A small county like the demo's, for the page tests: a company with a route, buildings, meters with
readings (one flagged), imports (one refused with errors), tokens, and a user of every role (the
resident holding the first metered home)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext_noop

from heating.models import ApiToken, Duty, ImportBatch, Message, Reading, Role
from heating.services.inbox import notify
from heating.services.receipts import payment_take
from subsidy.services.claims import claim_create, claim_submit
from subsidy.services.costs import cost_declare
from subsidy.services.fees import connection_fee_correct
from tests.factories import (
    BureauFactory,
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    RouteFactory,
    UserFactory,
    make_account,
)
from tests.readings.helpers import building_with_meters
from tests.settlement.helpers import pay, settle
from tests.subsidy.helpers import costs, return_fees
from tests.subsidy_pages.helpers import stand_in_figures
from tests.test_calculator_page import load_policy_2019


@dataclass
class County:
    company: object
    clerk: object
    manager: object
    officer: object
    resident: object
    route: object
    building: object
    meter: object
    flagged: object
    refused: object
    token: object
    receipt: object
    home: object  # the resident's, settled for 2019-2020: their bill has a statement
    reviewer: object  # an officer of the bureau that reviews subsidy claims
    claim: object  # the company's subsidy claim for 2019-2020, submitted and awaiting the reviewer
    treasurer: object  # an officer of the bureau that approves subsidy and records connection fees


def person(username, last, first):
    return UserFactory(username=username, last_name=last, first_name=first)


def build_county() -> County:
    company = CompanyFactory(name="沂源县鑫源热力有限公司城区第二供热站")
    clerk, manager = person("clerk1", "王", "丽"), person("manager1", "刘", "志强")
    MembershipFactory(user=clerk, organisation=company, role=Role.CLERK)
    MembershipFactory(user=manager, organisation=company, role=Role.MANAGER)
    officer = person("finance", "孙", "明")
    MembershipFactory(user=officer, organisation=BureauFactory(name="沂源县财政局"), role=Role.OFFICER)
    resident = person("resident1", "张", "建国")
    route = RouteFactory(company=company, name="历山街道东片区第一抄表线路")
    building, meters = building_with_meters(company, 6, route=route, code="LSJD-0012")
    building_with_meters(company, 4, route=route, route_order=1)
    meter = meters[0]
    # The resident holds the first home: 我的供暖 (/me/) lists it.
    meter.account.customer.user = resident
    meter.account.customer.save()
    flagged = Reading.objects.create(
        meter=meter,
        company=company,
        read_at=timezone.now() - datetime.timedelta(days=1),
        value_gj=Decimal("5100.000000"),
        status=Reading.Status.FLAGGED,
        flags=["implausible"],
        source=Reading.Source.MANUAL,
        created_by=clerk,
        note="用热量异常偏高",
    )
    refused = ImportBatch.objects.create(
        company=company,
        kind=ImportBatch.Kind.ONBOARDING,
        status=ImportBatch.Status.REJECTED,
        file_name="2020-2021供暖季历山街道东片区建档导入（第二批，含阁楼和储藏室）.xlsx",
        file_sha256="ab" * 32,
        rows=3,
        error_count=2,
        created_by=clerk,
        errors=[
            {
                "row": 2,
                "column": "采暖部位",
                "message": "采暖部位格式为 种类:面积，如 flat:80.00;attic_without_certificate:40.00",
            },
            {"row": 3, "column": "身份证号", "message": "身份证号格式不正确：3703231************"},
        ],
    )
    ImportBatch.objects.create(
        company=company,
        kind=ImportBatch.Kind.READINGS,
        status=ImportBatch.Status.COMMITTED,
        file_name="readings.csv",
        file_sha256="cd" * 32,
        rows=10,
        created_by=manager,
        committed_at=timezone.now(),
    )
    token, _key = ApiToken.issue(
        company=company, name="远传抄表系统（历山街道东片区集中器）", created_by=manager
    )
    # A payment taken today, so that the cash-up has takings and the manager's payment page a receipt.
    receipt = payment_take(
        account=meter.account, season_year=2019, amount=Decimal("1680.00"), channel="cash", user=clerk
    )
    home = make_account(
        company=company,
        number="R0001",
        customer=CustomerFactory(company=company, name="张建国", user=resident),
    )
    pay(home, "2000.00")
    load_policy_2019()  # a transactional test before this one may have flushed it
    settle(company, home)
    reviewer = person("housing", "赵", "立新")
    housing = BureauFactory(name="沂源县住房和城乡建设局", duties=[Duty.SUBSIDY_LEAD])
    MembershipFactory(user=reviewer, organisation=housing, role=Role.OFFICER)
    with stand_in_figures():
        claim = claim_submit(user=manager, claim_id=claim_create(user=manager, start_year=2019).id)
    treasurer = person("treasury", "钱", "国栋")
    MembershipFactory(
        user=treasurer, organisation=BureauFactory(duties=[Duty.SUBSIDY_APPROVE]), role=Role.OFFICER
    )
    # 2020-2021's inputs (not the claim's season): the cost page's table, the fee page's list.
    cost_declare(company=company, start_year=2020, user=manager, amounts=costs("8123456.78"), note="审计后")
    connection_fee_correct(
        fee=return_fees(company, 2020, "350000.00", treasurer),
        amount=Decimal("1000.00"),
        reason="多登记",
        user=treasurer,
    )
    # 消息: a read and an unread message for the resident, one for the company's staff.
    approved = gettext_noop("户号 %(number)s 的困难群体收费申请已批准")
    for number, to in (("R0001", {"users": [resident]}), ("R0002", {"users": [resident]}),
                       ("R0001", {"organisations": [company]})):
        notify(kind=Message.Kind.DECIDED, subject=approved, params={"number": number}, link="/me/", **to)
    Message.objects.filter(user=resident, subject__contains="R0001").update(read_at=timezone.now())
    return County(
        company,
        clerk,
        manager,
        officer,
        resident,
        route,
        building,
        meter,
        flagged,
        refused,
        token,
        receipt,
        home,
        reviewer,
        claim,
        treasurer,
    )


@pytest.fixture
def county(db):
    return build_county()


@pytest.fixture
def committed_county(transactional_db):
    """For the live server, which reads from another thread: committed, not in a rollback."""
    return build_county()
