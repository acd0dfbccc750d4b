"""The development-and-reform bureau holding the price-policy duty and its officer, the finance bureau
(another duty), a resident and a clerk; notice PDFs kept under a fresh MEDIA_ROOT."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import translation

from heating.models import Duty, PricePolicy, Role
from heating.services.policy import DRAFT_FIELDS, FIGURES
from tests.factories import (
    BureauFactory,
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_account,
)
from tests.test_calculator_page import POLICY_2019, load_policy_2019

NOTICE = """沂源县人民政府办公室关于调整城区供暖价格的通知

测试〔2021〕1号

一、城区供暖价格

1. 居民用户供暖价格：按面积收费的，执行套内建筑面积22元/平方米。

二、执行期

自 2021 年 11 月 15 日起执行。
"""


@dataclass
class County:
    officer: object  # the development-and-reform bureau's
    other_officer: object  # the finance bureau's: no price-policy duty
    resident: object
    clerk: object


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def build_county() -> County:
    load_policy_2019()
    ndrc = BureauFactory(
        code="FGJ", name="沂源县发展和改革局", duties=[Duty.PRICE_POLICY, Duty.SUBSIDY_REVIEW]
    )
    finance = BureauFactory(code="CZJ", name="沂源县财政局", duties=[Duty.FUND_AUDIT])
    officer = MembershipFactory(organisation=ndrc, role=Role.OFFICER, user=UserFactory(username="ndrc")).user
    officer.last_name, officer.first_name = "吴", "婷"
    officer.save()
    other = MembershipFactory(organisation=finance, role=Role.OFFICER).user
    company = CompanyFactory()
    resident = UserFactory()
    make_account(company=company, customer=CustomerFactory(company=company, user=resident))
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    return County(officer, other, resident, clerk)


@pytest.fixture
def county(db):
    return build_county()


def policy_2019() -> PricePolicy:
    return PricePolicy.objects.get(code=POLICY_2019)


def a_draft(start=datetime.date(2021, 11, 15), until=datetime.date(2023, 11, 14), code="测试〔2021〕1号",
            notice=NOTICE, **figures) -> PricePolicy:
    """A draft with the 2019 figures (changed by `figures`), its notice's text and date."""
    base = policy_2019()
    return PricePolicy.objects.create(
        code=code, title="测试价格政策", effective_from=start, effective_until=until,
        status=PricePolicy.Status.DRAFT, notice_text=notice, notice_date=datetime.date(2021, 10, 20),
        **{**{name: getattr(base, name) for name in FIGURES}, **figures},
    )


def form_of(policy: PricePolicy, **changes) -> dict:
    """The desk's form as a browser posts it for `policy`, with `changes`."""
    data = {}
    for name in DRAFT_FIELDS:
        value = changes.get(name, getattr(policy, name))
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data
