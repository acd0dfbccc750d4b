"""Who hears of each step of the eligibility decisions (issue 11) and of complaints (issue 14), through
the inbox (heating.services.inbox.notify): one function per step, called by the service that takes it,
in its transaction. Subjects name the 户号 and the matter only."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from heating.models import (
    AreaDecision,
    AreaDispute,
    Complaint,
    Duty,
    InstitutionApplication,
    InstitutionApproval,
    LowIncomeCertificate,
    Message,
)
from heating.models.accounts import Decision
from heating.models.policy import season_name
from heating.selectors.scope import organisations_holding, organisations_holding_any

from .inbox import notify

AWAITING, DECIDED = Message.Kind.AWAITING, Message.Kind.DECIDED


def certificate_filed(certificate: LowIncomeCertificate) -> None:
    notify(
        organisations=organisations_holding(LowIncomeCertificate.DUTY), kind=AWAITING,
        subject=gettext_noop("户号 %(number)s 的困难群体收费申请待审定"),
        params={"number": certificate.account.number},
        link=reverse("lowincome-detail", args=[certificate.pk]),
    )


CERTIFICATE_DECIDED = {
    Decision.APPROVED: gettext_noop("户号 %(number)s 的困难群体收费申请已批准"),
    Decision.REJECTED: gettext_noop("户号 %(number)s 的困难群体收费申请未获批准"),
    Decision.REVOKED: gettext_noop("户号 %(number)s 的困难群体收费资格已撤销"),
}


def certificate_decided(certificate: LowIncomeCertificate) -> None:
    """To whoever applied, else the login of the home's customer: /me/low-income/ shows the reason."""
    account = certificate.account
    notify(
        users=[certificate.applied_by_id or account.customer.user_id], kind=DECIDED,
        subject=CERTIFICATE_DECIDED[certificate.status], params={"number": account.number},
        link=reverse("lowincome-apply"),
    )


def dispute_filed(dispute: AreaDispute) -> None:
    notify(
        organisations=[dispute.account.company_id], kind=AWAITING,
        subject=gettext_noop("户号 %(number)s 对计费面积提出异议，待企业答复"),
        params={"number": dispute.account.number},
        link=reverse("dispute-company", args=[dispute.pk]),
    )


def dispute_answered(dispute: AreaDispute) -> None:
    notify(
        organisations=organisations_holding(Duty.AREA_DECISION), kind=AWAITING,
        subject=gettext_noop("户号 %(number)s 的计费面积异议企业已答复，待认定"),
        params={"number": dispute.account.number},
        link=reverse("dispute-bureau", args=[dispute.pk]),
    )


DISPUTE_CLOSED = {
    AreaDispute.State.UPHELD: gettext_noop("户号 %(number)s 的计费面积异议已认定：异议成立"),
    AreaDispute.State.REJECTED: gettext_noop("户号 %(number)s 的计费面积异议已认定：异议不成立"),
    AreaDispute.State.WITHDRAWN: gettext_noop("户号 %(number)s 的计费面积异议已撤回"),
}


def dispute_closed(dispute: AreaDispute) -> None:
    """Decided or withdrawn: the resident who filed it and the company. A dispute withdrawn while it
    awaited the bureau's decision also leaves the bureaus holding the duty."""
    account = dispute.account
    closed = {"kind": DECIDED, "subject": DISPUTE_CLOSED[dispute.state], "params": {"number": account.number}}
    notify(users=[dispute.filed_by_id], link=reverse("dispute-detail", args=[dispute.pk]), **closed)
    notify(organisations=[account.company_id], link=reverse("dispute-company", args=[dispute.pk]), **closed)
    if dispute.state == AreaDispute.State.WITHDRAWN and dispute.answered_at is not None:
        bureaus = organisations_holding(Duty.AREA_DECISION)
        notify(organisations=bureaus, link=reverse("dispute-bureau", args=[dispute.pk]), **closed)


def area_decided(decision: AreaDecision) -> None:
    """A decision made directly (not on a dispute, whose parties hear of it by dispute_closed)."""
    notify(
        organisations=[decision.account.company_id], kind=DECIDED,
        subject=gettext_noop("户号 %(number)s 的计费面积已由主管部门认定（自 %(season)s 供暖季起）"),
        params={"number": decision.account.number, "season": season_name(decision.from_year)},
        link=reverse("staff-account", args=[decision.account.number]),
    )


def institution_filed(approval: InstitutionApproval) -> None:
    notify(
        organisations=organisations_holding(InstitutionApproval.DUTIES[approval.category]), kind=AWAITING,
        subject=gettext_noop("户号 %(number)s 申请执行居民价格，待审定"),
        params={"number": approval.account.number},
        link=reverse("institution-bureau", args=[approval.pk]),
    )


INSTITUTION_DECIDED = {
    Decision.APPROVED: gettext_noop("户号 %(number)s 执行居民价格的申请已批准"),
    Decision.REJECTED: gettext_noop("户号 %(number)s 执行居民价格的申请未获批准"),
}


def institution_decided(approval: InstitutionApproval) -> None:
    """The applicant and the account's company; an applicant on the company's staff hears it once,
    as the company."""
    company_id = approval.account.company_id
    applicant = (
        InstitutionApplication.objects.filter(approval=approval)
        .exclude(applied_by__memberships__organisation_id=company_id)
        .values_list("applied_by_id", flat=True)
        .first()
    )
    notify(
        users=[applicant], organisations=[company_id], kind=DECIDED,
        subject=INSTITUTION_DECIDED[approval.status], params={"number": approval.account.number},
        link=reverse("institution-detail", args=[approval.pk]),
    )


def complaint_filed(complaint: Complaint) -> None:
    """The company; a complaint about the price, the bill or a refund also the public-utilities
    administration (service oversight), and one flagged as a suspected violation the market bureau."""
    params = {"number": complaint.account.number, "category": complaint.get_category_display()}
    notify(
        organisations=[complaint.account.company_id], kind=AWAITING,
        subject=gettext_noop("户号 %(number)s 投诉报修（%(category)s），待受理"), params=params,
        link=reverse("complaint-company", args=[complaint.pk]),
    )
    if complaint.category in Complaint.ABOUT_PRICE:
        duties = [Duty.SERVICE_OVERSIGHT]
        if complaint.suspected_violation:
            duties.append(Duty.PRICE_SUPERVISION)
        notify(
            organisations=organisations_holding_any(duties), kind=AWAITING,
            subject=gettext_noop("户号 %(number)s 投诉收费问题（%(category)s）"), params=params,
            link=reverse("complaint-bureau", args=[complaint.pk]),
        )


def complaint_assigned(complaint: Complaint) -> None:
    notify(
        users=[complaint.assigned_to_id], kind=AWAITING,
        subject=gettext_noop("户号 %(number)s 的投诉报修已派给您办理"),
        params={"number": complaint.account.number},
        link=reverse("complaint-company", args=[complaint.pk]),
    )


def complaint_answered(complaint: Complaint) -> None:
    notify(
        users=[complaint.filed_by_id], kind=DECIDED,
        subject=gettext_noop("户号 %(number)s 的投诉报修已处理，请确认"),
        params={"number": complaint.account.number},
        link=reverse("complaint-detail", args=[complaint.pk]),
    )


def complaint_reopened(complaint: Complaint) -> None:
    notify(
        organisations=[complaint.account.company_id], users=[complaint.assigned_to_id], kind=AWAITING,
        subject=gettext_noop("户号 %(number)s 的投诉报修被要求重新处理"),
        params={"number": complaint.account.number},
        link=reverse("complaint-company", args=[complaint.pk]),
    )


def complaints_overdue(complaints: list[Complaint]) -> None:
    """Each complaint past its deadline: the bureaus holding the service-oversight duty and its company."""
    bureaus = list(organisations_holding(Duty.SERVICE_OVERSIGHT).values_list("pk", flat=True))
    for complaint in complaints:
        params = {"number": complaint.account.number}
        subject = gettext_noop("户号 %(number)s 的投诉报修已超过答复期限")
        notify(organisations=bureaus, kind=AWAITING, subject=subject, params=params,
               link=reverse("complaint-bureau", args=[complaint.pk]))
        notify(organisations=[complaint.account.company_id], kind=AWAITING, subject=subject, params=params,
               link=reverse("complaint-company", args=[complaint.pk]))
