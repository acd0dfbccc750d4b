"""Who hears of each step: the company of a new complaint, the assignee of their work, the resident of
the answer, the company of a reopening; the public-utilities administration of price and refund
complaints, and the market bureau of those the resident flags as suspected violations."""

import pytest

from heating.models import Message
from heating.services.complaints import complaint_answer, complaint_assign, complaint_reopen

from .conftest import filed

pytestmark = pytest.mark.django_db


def inbox(**recipient):
    return list(Message.objects.filter(**recipient).values_list("subject", "link"))


def test_each_step_reaches_whoever_acts_next(people, clock):
    complaint = filed(people, category="leak", description="漏水")
    assert inbox(organisation=people.company) == [
        ("户号 H1001 投诉报修（漏水），待受理", f"/company/complaints/{complaint.pk}/")
    ]
    complaint_assign(user=people.clerk, complaint_id=complaint.pk, assignee_id=people.fitter.pk)
    assert inbox(user=people.fitter) == [
        ("户号 H1001 的投诉报修已派给您办理", f"/company/complaints/{complaint.pk}/")
    ]
    complaint_answer(user=people.fitter, complaint_id=complaint.pk, answer="已修好。")
    assert inbox(user=people.resident) == [
        ("户号 H1001 的投诉报修已处理，请确认", f"/complaints/{complaint.pk}/")
    ]
    complaint_reopen(user=people.resident, complaint_id=complaint.pk, reason="还在漏")
    assert (
        Message.objects.filter(subject="户号 H1001 的投诉报修被要求重新处理").count() == 2
    )  # company, fitter
    # Nothing about a leak reaches the bureaus.
    assert not Message.objects.filter(organisation__kind="bureau").exists()


def test_price_complaints_reach_the_administration_and_suspected_violations_the_market_bureau(people):
    filed(people, category="refund", description="退费没到账")
    assert Message.objects.filter(organisation__memberships__user=people.utilities).count() == 1
    assert not Message.objects.filter(organisation__memberships__user=people.market).exists()
    suspected = filed(people, category="price", description="单价高于公布的价格", suspected_violation=True)
    assert suspected.suspected_violation
    market = Message.objects.get(organisation__memberships__user=people.market)
    assert (
        market.subject == "户号 H1001 投诉收费问题（收费价格）"
        and market.link == f"/bureau/complaints/{suspected.pk}/"
    )
    # The flag counts only for price complaints.
    assert not filed(people, category="cold", suspected_violation=True).suspected_violation


def test_answers_are_e_mailed_when_configured(
    people, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.INBOX_EMAIL_FROM = "heating@example.cn"
    settings.EMAIL_HOST = "localhost"
    people.resident.email = "zhang@example.cn"
    people.resident.save()
    complaint = filed(people, category="service", description="态度差")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_answer(user=people.clerk, complaint_id=complaint.pk, answer="已约谈。")
    assert any(mail.to == ["zhang@example.cn"] and "已处理" in mail.subject for mail in mailoutbox)
