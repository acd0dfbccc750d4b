"""Each step of the eligibility decisions tells exactly its parties: the bureaus holding the duty of
what awaits them, the applicant and the company of what was decided; a bureau without the duty, another
company and the neighbours hear nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from heating.models import Message
from heating.services.decisions import (
    area_decide,
    certificate_approve,
    certificate_deny,
    certificate_revoke,
    institution_decide,
)
from heating.services.disputes import dispute_answer, dispute_decide, dispute_withdraw

from .conftest import (
    CERTIFICATE_NUMBER,
    answered_dispute,
    applied_certificate,
    applied_institution,
    filed_dispute,
    recipients,
)

AWAITING, DECIDED = Message.Kind.AWAITING, Message.Kind.DECIDED


def only(kind=None):
    """The one message of `kind` (or the only message): its subject and link."""
    messages = Message.objects.filter(kind=kind) if kind else Message.objects.all()
    (message,) = {(m.subject, m.subject_en, m.link) for m in messages}
    return message


def test_a_low_income_application_awaits_the_civil_affairs_bureau_alone(county):
    certificate = applied_certificate(county)

    assert recipients() == ["MZJ"]
    subject, english, link = only(AWAITING)
    assert subject == "户号 H1001 的困难群体收费申请待审定"
    assert english == "Account H1001: a low-income rate application awaits a decision"
    assert link == f"/bureau/low-income/{certificate.pk}/"


@pytest.mark.parametrize(
    "decide, words",
    [
        (lambda c, pk: certificate_approve(user=c.civil, certificate_id=pk), "已批准"),
        (lambda c, pk: certificate_deny(user=c.civil, certificate_id=pk, reason="收入超标。"), "未获批准"),
    ],
    ids=["approved", "denied"],
)
def test_a_certificate_decision_tells_the_applicant_alone(county, decide, words):
    certificate = applied_certificate(county)
    decide(county, certificate.pk)

    assert recipients(kind=DECIDED) == ["resident"]
    subject, _english, link = only(DECIDED)
    assert subject == f"户号 H1001 的困难群体收费申请{words}"
    assert link == "/me/low-income/"


def test_a_revocation_tells_the_applicant(county):
    certificate = applied_certificate(county)
    certificate_approve(user=county.civil, certificate_id=certificate.pk)
    certificate_revoke(
        user=county.civil, certificate_id=certificate.pk, reason="已不再享受低保。",
        effective=datetime.date(2020, 1, 1),
    )

    assert recipients(kind=DECIDED) == ["resident", "resident"]
    revoked = Message.objects.filter(subject="户号 H1001 的困难群体收费资格已撤销", user=county.resident)
    assert revoked.count() == 1


def test_a_certificate_recorded_by_no_one_tells_the_homes_login(county):
    certificate = applied_certificate(county)
    type(certificate).objects.filter(pk=certificate.pk).update(applied_by=None)
    certificate_deny(user=county.civil, certificate_id=certificate.pk, reason="证件已过期。")

    assert recipients(kind=DECIDED) == ["resident"]


def test_no_message_names_the_certificate_or_the_person(county):
    certificate = applied_certificate(county)
    certificate_deny(user=county.civil, certificate_id=certificate.pk, reason="证件已过期。")

    for subject, english in Message.objects.values_list("subject", "subject_en"):
        assert CERTIFICATE_NUMBER not in subject + english
        assert "张建国" not in subject + english


def test_a_refused_decision_leaves_no_message(county):
    certificate = applied_certificate(county)
    with pytest.raises(ValidationError):
        certificate_deny(user=county.civil, certificate_id=certificate.pk, reason="")

    assert recipients(kind=DECIDED) == []


def test_a_dispute_awaits_its_company_then_the_housing_bureau(county):
    dispute = filed_dispute(county)
    assert recipients() == ["DEMO1"]
    assert only()[2] == f"/company/disputes/{dispute.pk}/"

    Message.objects.all().delete()
    dispute_answer(user=county.clerk, dispute_id=dispute.pk, response="按测绘报告。")
    assert recipients() == ["ZJJ"]
    assert only() == (
        "户号 H1001 的计费面积异议企业已答复，待认定",
        "Account H1001: the company has answered the billing-area dispute, awaiting a decision",
        f"/bureau/disputes/{dispute.pk}/",
    )


@pytest.mark.parametrize("upheld", [True, False], ids=["upheld", "rejected"])
def test_a_dispute_decision_tells_the_resident_and_the_company_once_each(county, upheld):
    dispute = answered_dispute(county)
    Message.objects.all().delete()
    dispute_decide(
        user=county.housing, dispute_id=dispute.pk, upheld=upheld, area="70.00",
        reference="源住建认〔2020〕3号", reason="" if upheld else "测绘报告为准。",
    )

    assert recipients() == ["DEMO1", "resident"]
    links = dict(Message.objects.values_list("organisation__code", "link"))
    assert links == {None: f"/disputes/{dispute.pk}/", "DEMO1": f"/company/disputes/{dispute.pk}/"}
    assert set(Message.objects.values_list("subject", flat=True)) == {
        "户号 H1001 的计费面积异议已认定：" + ("异议成立" if upheld else "异议不成立")
    }


def test_a_withdrawal_tells_the_resident_and_the_company(county):
    dispute = filed_dispute(county)
    Message.objects.all().delete()
    dispute_withdraw(user=county.resident, dispute_id=dispute.pk)

    assert recipients() == ["DEMO1", "resident"]


def test_a_withdrawal_awaiting_the_bureau_also_tells_the_bureau(county):
    dispute = answered_dispute(county)
    Message.objects.all().delete()
    dispute_withdraw(user=county.resident, dispute_id=dispute.pk)

    assert recipients() == ["DEMO1", "ZJJ", "resident"]


def test_an_area_decided_directly_tells_the_company(county):
    area_decide(
        user=county.housing, account_id=county.home.pk, from_year=2019, area="75.00",
        reference="源住建认〔2020〕4号", reason="复测。",
    )

    assert recipients() == ["DEMO1"]
    assert only() == (
        "户号 H1001 的计费面积已由主管部门认定（自 2019-2020 供暖季起）",
        "Account H1001: the billing area was decided by the competent bureau (from season 2019-2020)",
        "/company/accounts/H1001/",
    )


def test_an_institution_application_awaits_the_bureau_of_its_category_alone(county):
    approval = applied_institution(county)

    assert recipients() == ["JYJ"]
    assert only()[2] == f"/bureau/institutions/{approval.pk}/"


@pytest.mark.parametrize("approve", [True, False], ids=["approved", "rejected"])
def test_an_institution_decision_tells_the_applicant_and_the_company(county, approve):
    approval = applied_institution(county)
    Message.objects.all().delete()
    institution_decide(user=county.education, approval_id=approval.pk, approve=approve, comment="材料齐全。")

    assert recipients() == ["DEMO1", "school"]
    subject, _english, link = only()
    assert subject == "户号 S1001 执行居民价格的申请" + ("已批准" if approve else "未获批准")
    assert link == f"/institutions/{approval.pk}/"


def test_staff_who_applied_for_an_institution_hear_the_decision_as_their_company(county):
    approval = applied_institution(county, user=county.clerk)
    Message.objects.all().delete()
    institution_decide(user=county.education, approval_id=approval.pk, approve=True)

    assert recipients() == ["DEMO1"]
