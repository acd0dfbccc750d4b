"""Connection fees (供热配套费) returned to a company: recorded by the organisation holding the approval
duty only, counted toward the season named, corrected by a reversing row with its reason."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from heating.models import AppendOnlyError, Duty, Role
from subsidy.models import ConnectionFee
from subsidy.selectors.costs import connection_fees_total
from subsidy.services.fees import connection_fee_correct, connection_fee_record
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory

from .helpers import finance_officer, manager_of, return_fees

pytestmark = pytest.mark.django_db
D = Decimal
SEASON = 2019


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def finance():
    return finance_officer()


def test_fees_count_toward_their_season_and_company_only(company, finance):
    return_fees(company, SEASON, "1000.00", finance)
    return_fees(company, SEASON, "250.50", finance)
    return_fees(company, SEASON + 1, "9.00", finance)
    return_fees(CompanyFactory(), SEASON, "7.00", finance)
    assert connection_fees_total(company, SEASON) == D("1250.50")
    assert connection_fees_total(company, SEASON + 1) == D("9.00")
    assert connection_fees_total(company, 2021) == D("0.00")


def test_a_correction_reverses_with_a_reason_and_the_record_stays(company, finance):
    fee = return_fees(company, SEASON, "1000.00", finance)
    correction = connection_fee_correct(fee=fee, amount=D("100.00"), reason="多登记了 100 元", user=finance)
    assert correction.amount == D("-100.00") and correction.corrects == fee
    assert connection_fees_total(company, SEASON) == D("900.00")
    with pytest.raises(ValidationError):
        connection_fee_correct(fee=fee, amount=D("900.01"), reason="超出", user=finance)
    connection_fee_correct(fee=fee, amount=D("900.00"), reason="整笔登记错了", user=finance)
    assert connection_fees_total(company, SEASON) == D("0.00")
    assert ConnectionFee.objects.filter(company=company).count() == 3


def test_a_correction_needs_a_reason_and_is_not_itself_corrected(company, finance):
    fee = return_fees(company, SEASON, "1000.00", finance)
    with pytest.raises(ValidationError):
        connection_fee_correct(fee=fee, amount=D("1.00"), reason="  ", user=finance)
    correction = connection_fee_correct(fee=fee, amount=D("1.00"), reason="错", user=finance)
    with pytest.raises(ValidationError):
        connection_fee_correct(fee=correction, amount=D("1.00"), reason="错", user=finance)


def test_a_record_is_never_changed(company, finance):
    fee = return_fees(company, SEASON, "1000.00", finance)
    fee.amount = D("1.00")
    with pytest.raises(AppendOnlyError):
        fee.save()
    with pytest.raises(AppendOnlyError):
        ConnectionFee.objects.all().delete()


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda company: manager_of(company), id="the-company-s-manager"),
        pytest.param(
            lambda company: (
                MembershipFactory(
                    organisation=BureauFactory(duties=[Duty.SUBSIDY_REVIEW, Duty.FUND_AUDIT]),
                    role=Role.OFFICER,
                ).user
            ),
            id="a-reviewing-bureau",
        ),
    ],
)
def test_only_the_bureau_with_the_approval_duty_records(company, who):
    with pytest.raises(PermissionDenied):
        return_fees(company, SEASON, "1000.00", who(company))
    assert not ConnectionFee.objects.exists()


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "0.005", "1e13", "NaN"])
def test_the_amount_is_positive_cents(company, finance, amount):
    with pytest.raises(ValidationError):
        return_fees(company, SEASON, amount, finance)


def test_fees_are_for_a_company_only(finance):
    with pytest.raises(ValidationError):
        connection_fee_record(
            company=BureauFactory(),
            start_year=SEASON,
            amount=D("1.00"),
            returned_on=datetime.date(2020, 6, 30),
            user=finance,
        )


def test_the_database_refuses_a_negative_amount_that_corrects_nothing(company, finance):
    with pytest.raises(IntegrityError):
        ConnectionFee.objects.create(
            company=company,
            season_year=SEASON,
            amount=D("-1.00"),
            returned_on=datetime.date(2020, 6, 30),
            recorded_by=finance,
        )
