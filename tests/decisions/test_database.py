"""The database itself refuses a decision by an organisation not holding the duty, and one certificate
serving two homes at once (migration 0024), on PostgreSQL and on SQLite alike."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from heating.models import Duty
from heating.models.accounts import Decision
from tests.factories import (
    AreaDecisionFactory,
    BureauFactory,
    CompanyFactory,
    InstitutionApprovalFactory,
    LowIncomeCertificateFactory,
    make_account,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def refused(make, **fields) -> bool:
    try:
        with transaction.atomic():
            make(**fields)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    ("factory", "duty"),
    [
        (AreaDecisionFactory, Duty.AREA_DECISION),
        (InstitutionApprovalFactory, Duty.ELIGIBILITY_EDUCATION),
        (LowIncomeCertificateFactory, Duty.ELIGIBILITY_CIVIL_AFFAIRS),
    ],
)
def test_a_company_or_a_wrong_bureau_is_refused_and_the_competent_bureau_accepted(factory, duty):
    account = make_account()
    wrong_bureau = BureauFactory(duties=[Duty.SUBSIDY_LEAD, Duty.ELIGIBILITY_HR])

    assert refused(factory, account=account, decided_by=CompanyFactory(), decided_duty=duty)
    assert refused(factory, account=account, decided_by=wrong_bureau, decided_duty=duty)
    assert refused(factory, account=account, decided_by=BureauFactory(duties=[duty]), decided_duty=None)
    assert factory(account=account, decided_by=BureauFactory(duties=[duty]), decided_duty=duty).pk


def test_a_decision_under_another_duty_than_its_kind_is_refused():
    civil = BureauFactory(duties=[Duty.ELIGIBILITY_CIVIL_AFFAIRS])
    assert refused(
        InstitutionApprovalFactory, account=make_account(), category="school", decided_by=civil,
        decided_duty=Duty.ELIGIBILITY_CIVIL_AFFAIRS,
    )


def test_an_approval_without_a_decider_is_refused():
    assert refused(LowIncomeCertificateFactory, account=make_account(), decided_by=None, decided_duty=None)


def test_changing_a_decider_to_one_without_the_duty_is_refused():
    certificate = LowIncomeCertificateFactory(account=make_account())
    certificate.decided_by = CompanyFactory()

    assert refused(certificate.save)
    certificate.refresh_from_db()
    certificate.comment = "补录意见"  # what is not the decision stays editable
    certificate.save()


@pytest.mark.parametrize(
    ("first", "second", "overlaps"),
    [
        ((D(2019, 1, 1), D(2020, 12, 31)), (D(2020, 12, 31), None), True),
        ((D(2019, 1, 1), None), (D(2025, 1, 1), None), True),
        ((D(2019, 1, 1), D(2020, 12, 31)), (D(2021, 1, 1), None), False),
    ],
)
def test_one_certificate_cannot_serve_two_homes_in_overlapping_periods(first, second, overlaps):
    fields = {"kind": "dibao", "number": "源民低保证〔2019〕7号"}
    LowIncomeCertificateFactory(account=make_account(), valid_from=first[0], valid_until=first[1], **fields)
    other = make_account()

    assert refused(
        LowIncomeCertificateFactory, account=other, valid_from=second[0], valid_until=second[1], **fields
    ) is overlaps
    # A pending application with the number is no approval: it is accepted either way.
    assert LowIncomeCertificateFactory(
        account=other, valid_from=second[0], status=Decision.PENDING, **fields
    ).pk


def test_a_revocation_ends_the_certificates_period_for_the_database_too():
    fields = {"kind": "dibao", "number": "N-7"}
    first = LowIncomeCertificateFactory(account=make_account(), valid_from=D(2019, 1, 1), **fields)
    first.status, first.revoked_from = Decision.REVOKED, D(2020, 6, 1)
    first.save()

    assert refused(LowIncomeCertificateFactory, account=make_account(), valid_from=D(2020, 5, 1), **fields)
    assert LowIncomeCertificateFactory(account=make_account(), valid_from=D(2020, 6, 1), **fields).pk
