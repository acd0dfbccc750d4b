"""The database itself refuses rows no bill could be made from (the models' CheckConstraints and
UniqueConstraints), whatever code path writes them."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from heating.billing import NON_RESIDENTIAL, RESIDENTIAL
from heating.models.accounts import Decision

from .factories import (
    AccountFactory,
    AccountTermsFactory,
    AreaDecisionFactory,
    CompanyFactory,
    HeatedPartFactory,
    LowIncomeCertificateFactory,
    MeterFactory,
    PaymentFactory,
    PremisesFactory,
    PricePolicyFactory,
    ReadingFactory,
)

pytestmark = pytest.mark.django_db


def refused(factory, **fields):
    """True when the database refuses to store the row (the transaction stays usable)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)
    return True


@pytest.fixture
def premises():
    return PremisesFactory()


@pytest.fixture
def account():
    return AccountFactory()


@pytest.mark.parametrize("area", [Decimal("0.00"), Decimal("-0.01"), Decimal("-80.00")])
def test_a_heated_part_needs_a_positive_area(premises, area):
    assert refused(HeatedPartFactory, premises=premises, area=area)


def test_a_heated_part_with_a_positive_area_is_stored(premises):
    assert HeatedPartFactory(premises=premises, area=Decimal("0.01")).pk


@pytest.mark.parametrize("until_year", [2019, 2018])
def test_a_heated_part_must_end_after_it_starts(premises, until_year):
    assert refused(HeatedPartFactory, premises=premises, from_year=2019, until_year=until_year)


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("-0.01"), Decimal("-1680.00")])
def test_a_payment_must_be_positive(account, amount):
    assert refused(PaymentFactory, account=account, amount=amount)


def test_a_positive_payment_is_stored(account):
    assert PaymentFactory(account=account, amount=Decimal("0.01")).pk


def test_a_reading_cannot_be_negative():
    meter = MeterFactory()

    assert refused(ReadingFactory, meter=meter, value_gj=Decimal("-0.000001"))
    assert ReadingFactory(meter=meter, value_gj=Decimal("0")).pk


def test_a_meter_cannot_be_removed_before_it_was_installed():
    account = AccountFactory()

    assert refused(
        MeterFactory,
        account=account,
        installed_on=datetime.date(2019, 10, 1),
        removed_on=datetime.date(2019, 9, 30),
    )


def test_a_policy_cannot_end_before_it_starts():
    assert refused(
        PricePolicyFactory,
        effective_from=datetime.date(2021, 11, 15),
        effective_until=datetime.date(2021, 11, 14),
    )


def test_a_one_day_policy_is_allowed():
    day = datetime.date(2021, 11, 15)

    assert PricePolicyFactory(effective_from=day, effective_until=day).pk


@pytest.mark.parametrize(
    "figure",
    [
        {"residential_area_price": Decimal("-21.00")},
        {"non_residential_heat_price": Decimal("-0.01")},
        {"exchanger_fee": Decimal("-120.00")},
        {"low_income_rate": Decimal("1.0001")},
        {"low_income_rate": Decimal("-0.75")},
    ],
)
def test_a_policy_cannot_have_negative_figures_or_a_rate_above_one(figure):
    assert refused(PricePolicyFactory, **figure)


@pytest.mark.parametrize("price_class", [NON_RESIDENTIAL, "institution"])
def test_exchangers_are_refused_on_a_terms_row_that_is_not_residential(account, price_class):
    assert refused(AccountTermsFactory, account=account, price_class=price_class, exchangers=1)
    assert AccountTermsFactory(account=account, price_class=price_class, exchangers=0).pk


def test_exchangers_are_stored_on_a_residential_terms_row(account):
    assert AccountTermsFactory(account=account, price_class=RESIDENTIAL, exchangers=2).pk


def test_one_terms_row_per_account_and_season(account):
    AccountTermsFactory(account=account, from_year=2019)

    assert refused(AccountTermsFactory, account=account, from_year=2019, exchangers=1)
    assert AccountTermsFactory(account=account, from_year=2020).pk


def test_an_account_number_is_unique_within_a_company():
    company = CompanyFactory()
    AccountFactory(company=company, number="0001")

    assert refused(AccountFactory, company=company, number="0001")


def test_the_same_account_number_may_be_used_by_another_company():
    AccountFactory(company=CompanyFactory(), number="0001")

    assert AccountFactory(company=CompanyFactory(), number="0001").pk


def test_a_meter_serial_is_unique_within_a_company():
    company = CompanyFactory()
    MeterFactory(company=company, serial="M-1")

    assert refused(MeterFactory, company=company, serial="M-1")
    assert MeterFactory(company=CompanyFactory(), serial="M-1").pk


def test_an_approved_certificate_must_say_when_it_was_decided(account):
    assert refused(
        LowIncomeCertificateFactory, account=account, status=Decision.APPROVED, decided_at=None
    )


def test_a_pending_certificate_needs_no_decision_time(account):
    assert LowIncomeCertificateFactory(account=account, status=Decision.PENDING, decided_at=None).pk


def test_a_certificate_cannot_expire_before_it_starts(account):
    assert refused(
        LowIncomeCertificateFactory,
        account=account,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2019, 12, 31),
    )


@pytest.mark.parametrize("area", [Decimal("0.00"), Decimal("-1.00")])
def test_a_decided_area_must_be_positive(account, area):
    assert refused(AreaDecisionFactory, account=account, area=area)
