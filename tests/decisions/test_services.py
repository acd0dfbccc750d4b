"""heating.services.decisions: only a bureau holding the duty decides, and records who, under which
duty and when; bad input is refused in words (POLICY.md §1, §2, §5)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from heating.billing import INSTITUTION
from heating.models import Duty, InstitutionApproval
from heating.models.accounts import Decision
from heating.services.decisions import (
    DecisionRefused,
    area_decide,
    certificate_approve,
    certificate_deny,
    certificate_revoke,
    institution_decide,
)
from tests.factories import InstitutionApprovalFactory, LowIncomeCertificateFactory, make_account

from .helpers import clerk, officer

pytestmark = pytest.mark.django_db

D = datetime.date
CIVIL = Duty.ELIGIBILITY_CIVIL_AFFAIRS


def pending_certificate(**fields):
    return LowIncomeCertificateFactory(account=make_account(), status=Decision.PENDING, **fields)


def pending_approval(category):
    account = make_account("500.00", price_class=INSTITUTION)
    return InstitutionApprovalFactory(account=account, category=category, status=Decision.PENDING)


def test_the_area_bureau_decides_an_area_and_is_recorded_with_its_duty_and_officer():
    user = officer(Duty.AREA_DECISION)
    account = make_account()

    decision = area_decide(
        user=user, account_id=account.id, from_year=2019, area="72.50", reference="源住建认字〔2020〕3号",
        reason="现场复核",
    )

    assert (decision.area, decision.decided_duty, decision.decided_by_user) == (
        Decimal("72.50"), Duty.AREA_DECISION, user
    )
    assert decision.decided_by == user.memberships.get().organisation and decision.decided_at


def test_a_second_area_decision_for_the_season_replaces_the_first():
    user = officer(Duty.AREA_DECISION)
    account = make_account()
    decide = dict(user=user, account_id=account.id, from_year=2019, reference="")
    first = area_decide(**decide, area="72.50", reason="a")
    second = area_decide(**decide, area="70.00", reason="b")

    assert first.pk == second.pk and str(account.area_decisions.get().area) == "70.00"
    assert account.area_decisions.get().history.count() == 2


@pytest.mark.parametrize("category", list(InstitutionApproval.Category))
def test_only_the_bureau_of_the_institutions_category_decides_it(category):
    approval = pending_approval(category)
    duty = InstitutionApproval.DUTIES[category]
    others = [d for d in {Duty.ELIGIBILITY_EDUCATION, Duty.ELIGIBILITY_HR, CIVIL} if d != duty]

    for user in [clerk(), officer(*others), officer(Duty.AREA_DECISION)]:
        with pytest.raises(PermissionDenied):
            institution_decide(user=user, approval_id=approval.id, approve=True)
    user = officer(duty)
    decided = institution_decide(user=user, approval_id=approval.id, approve=True, comment="符合")

    assert (decided.status, decided.decided_duty, decided.decided_by_user) == (Decision.APPROVED, duty, user)


@pytest.mark.parametrize(
    "decide",
    [
        lambda user, c: certificate_approve(user=user, certificate_id=c.id),
        lambda user, c: certificate_deny(user=user, certificate_id=c.id, reason="收入超标"),
    ],
    ids=["approve", "deny"],
)
def test_only_the_civil_affairs_bureau_decides_a_certificate(decide):
    certificate = pending_certificate()
    for user in [clerk(), officer(Duty.ELIGIBILITY_EDUCATION, Duty.AREA_DECISION)]:
        with pytest.raises(PermissionDenied):
            decide(user, certificate)
    user = officer(CIVIL)

    decided = decide(user, certificate)

    assert (decided.decided_duty, decided.decided_by_user) == (CIVIL, user)
    assert decided.status in (Decision.APPROVED, Decision.REJECTED)


@pytest.mark.parametrize(
    "user", [clerk, lambda: officer(Duty.ELIGIBILITY_EDUCATION)], ids=["company", "wrong bureau"]
)
def test_a_company_or_a_wrong_bureau_cannot_decide_an_area_or_revoke(user):
    account = make_account()
    certificate = LowIncomeCertificateFactory(account=account)
    with pytest.raises(PermissionDenied):
        area_decide(user=user(), account_id=account.id, from_year=2019, area="70", reference="", reason="x")
    with pytest.raises(PermissionDenied):
        certificate_revoke(user=user(), certificate_id=certificate.id, reason="骗取")
    assert not account.area_decisions.exists()


def test_a_rejection_a_denial_and_a_revocation_need_their_reason():
    civil = officer(CIVIL)
    certificate = pending_certificate()
    with pytest.raises(DecisionRefused, match="理由"):
        certificate_deny(user=civil, certificate_id=certificate.id, reason="  ")
    approval = pending_approval(InstitutionApproval.Category.SCHOOL)
    with pytest.raises(DecisionRefused, match="理由"):
        institution_decide(user=officer(Duty.ELIGIBILITY_EDUCATION), approval_id=approval.id, approve=False)
    approved = LowIncomeCertificateFactory(account=make_account())
    with pytest.raises(DecisionRefused, match="理由"):
        certificate_revoke(user=civil, certificate_id=approved.id, reason="")


@pytest.mark.parametrize(
    ("from_year", "area"),
    [(2019, "0"), (2019, "-5"), (2019, "abc"), (2019, "70.123"), (2019, "1e20"), (1999, "70"),
     ("2019", "70")],
)
def test_a_bad_area_or_season_is_refused_in_words(from_year, area):
    account = make_account()
    with pytest.raises(DecisionRefused):
        area_decide(
            user=officer(Duty.AREA_DECISION), account_id=account.id, from_year=from_year, area=area,
            reference="", reason="复核",
        )
    assert not account.area_decisions.exists()


def test_a_decided_application_is_not_decided_again_and_an_unknown_one_is_refused():
    civil = officer(CIVIL)
    certificate = LowIncomeCertificateFactory(account=make_account())
    with pytest.raises(DecisionRefused, match="已审定"):
        certificate_deny(user=civil, certificate_id=certificate.id, reason="重复")
    with pytest.raises(DecisionRefused):
        certificate_approve(user=civil, certificate_id=10**9)
    with pytest.raises(DecisionRefused):
        certificate_approve(user=civil, certificate_id="x")


def test_one_certificate_serves_one_home_in_overlapping_periods():
    civil = officer(CIVIL)
    LowIncomeCertificateFactory(
        account=make_account(), number="源民低保证001", valid_from=D(2019, 1, 1), valid_until=D(2020, 12, 31)
    )
    second = pending_certificate(number="源民低保证001", valid_from=D(2020, 6, 1), valid_until=None)
    with pytest.raises(DecisionRefused, match="源民低保证001"):
        certificate_approve(user=civil, certificate_id=second.id)
    later = pending_certificate(number="源民低保证001", valid_from=D(2021, 1, 1))

    assert certificate_approve(user=civil, certificate_id=later.id).status == Decision.APPROVED


def test_a_revoked_certificate_frees_its_number_from_the_revocation_on():
    civil = officer(CIVIL)
    first = LowIncomeCertificateFactory(account=make_account(), number="N1", valid_from=D(2019, 1, 1))
    certificate_revoke(user=civil, certificate_id=first.id, reason="迁出", effective=D(2020, 1, 1))
    second = pending_certificate(number="N1", valid_from=D(2020, 1, 1))

    assert certificate_approve(user=civil, certificate_id=second.id).status == Decision.APPROVED


def test_a_revocation_is_its_own_decision_and_the_approval_stays_in_the_history():
    civil = officer(CIVIL)
    certificate = LowIncomeCertificateFactory(account=make_account())
    approver = certificate.decided_by

    revoked = certificate_revoke(user=civil, certificate_id=certificate.id, reason="骗取证件")

    assert (revoked.status, revoked.revoked_from, revoked.comment) == (
        Decision.REVOKED, certificate.valid_from, "骗取证件"
    )
    assert revoked.decided_by_user == civil and revoked.decided_by != approver
    statuses = [h.status for h in revoked.history.order_by("history_date")]
    assert statuses == [Decision.APPROVED, Decision.REVOKED]
    with pytest.raises(DecisionRefused):
        certificate_revoke(user=civil, certificate_id=certificate.id, reason="再次")
    with pytest.raises(DecisionRefused, match="有效期起"):
        certificate_revoke(
            user=civil, certificate_id=LowIncomeCertificateFactory(account=make_account()).id, reason="x",
            effective=D(2018, 1, 1),
        )
