"""The subsidy claim's workflow (POLICY.md §8): the company manager submits, every bureau holding a
review slot approves (adjusting cost items with a reason) or returns it, the approving bureau approves
the amount the figures give and records the payment, and the fund-audit bureaus check the use of the
money. Each step checks the acting user's organisation and duty, refuses in words otherwise, and
writes its event in the same transaction."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.billing.money import money
from heating.models import Duty, Organisation, Role
from heating.selectors.scope import bureau_holding, company_membership
from subsidy.formula import figures_at_cost
from subsidy.models import Claim, ClaimAdjustment, ClaimEvent, ClaimReview, ClaimVersion
from subsidy.selectors.claims import (
    claim_is_stale,
    reviewing_organisations,
    statements_marker,
    visible_claims,
)

State = Claim.State
Kind = ClaimEvent.Kind
Decision = ClaimEvent.Decision
MAX_TEXT = 2000
FIRST_SEASON = 2000
MAX_AMOUNT = Decimal("99999999999.99")


class ClaimRefused(ValidationError):
    """A step the claim's state or the input does not allow, said in words."""


def season_figures(company, start_year: int) -> dict[str, str]:
    """The §8 figures as the contract's strings (subsidy.selectors.figures, built beside this)."""
    from subsidy.selectors.figures import claim_figures

    return claim_figures(company, start_year).as_json()


def declared_cost_items(company, start_year: int) -> dict[str, str]:
    """The company's declared cost for the season by category, as two-decimal strings."""
    from subsidy.selectors.figures import declared_cost_items

    return declared_cost_items(company, start_year)


# Who acts ----------------------------------------------------------------------------------------


def _manager_of(user, claim_company=None) -> Organisation:
    membership = company_membership(user)
    if membership is None or membership.role != Role.MANAGER:
        raise PermissionDenied(_("只有供热企业的经理可以办理本企业的补贴申请。"))
    if claim_company is not None and membership.organisation_id != claim_company.id:
        raise PermissionDenied(_("这份补贴申请不属于贵企业。"))
    return membership.organisation


def _review_slot(user, claim: Claim, *, refuse: bool = True) -> ClaimReview | None:
    """The claim's review slot held by the user's organisation, locked."""
    slot = (
        ClaimReview.objects.select_for_update()
        .select_related("organisation")
        .filter(claim=claim, organisation__memberships__user=user)
        .order_by("id")
        .first()
    )
    if slot is None and refuse:
        raise PermissionDenied(_("贵单位不承担这份补贴申请的审核。"))
    return slot


def _locked(user, claim_id: int) -> Claim:
    """The claim, locked, if the user may see it; one they may not is refused exactly like one that
    does not exist."""
    claim = (
        visible_claims(user)
        .select_for_update(of=("self",))
        .select_related("company", "current_version")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise PermissionDenied(_("没有这份补贴申请。"))
    return claim


def _refuse_unless(claim: Claim, *states, why: str | None = None) -> None:
    if claim.state not in states:
        raise ClaimRefused(
            why
            or _("这份补贴申请的状态是“%(state)s”，不能办理这一步。") % {"state": claim.get_state_display()},
            code="state",
        )


def _refuse_if_stale(claim: Claim) -> None:
    if claim_is_stale(claim):
        raise ClaimRefused(_("结算单在提交后有变化，请先重新计算补贴数据。"), code="stale")


def _text(value: str, *, required: str | None = None) -> str:
    value = (value or "").strip()[:MAX_TEXT]
    if required and not value:
        raise ClaimRefused(required, code="required")
    return value


def _record(claim, kind, user, organisation, *, decision="", comment="", before=None, **links) -> ClaimEvent:
    claim.save()
    return ClaimEvent.objects.create(
        claim=claim,
        version=claim.current_version,
        kind=kind,
        state_after=claim.state,
        actor=user,
        actor_name=(user.get_full_name() or user.get_username())[:150],
        organisation=organisation,
        decision=decision,
        comment=comment,
        figures_before=before,
        figures_after=claim.figures,
        **links,
    )


def _freeze(claim: Claim, user) -> None:
    """A new version of the claim with the season's figures as they are now, and a fresh set of
    pending review slots for the bureaus that review."""
    reviewers = list(reviewing_organisations())
    if not reviewers:
        raise ClaimRefused(_("没有承担补贴审核职责的部门，暂不能提交。"), code="reviewers")
    # The marker is read before the figures: a statement issued in between makes the version look
    # stale (and recomputable), never current while it is not.
    count, latest = statements_marker(claim.company_id, claim.season_year)
    version = ClaimVersion.objects.create(
        claim=claim,
        number=claim.versions.count() + 1,
        figures=season_figures(claim.company, claim.season_year),
        cost_items=declared_cost_items(claim.company, claim.season_year),
        statements_count=count,
        latest_statement_id=latest,
        made_by=user,
    )
    claim.current_version, claim.figures, claim.approved_amount = version, version.figures, None
    claim.reviews.exclude(organisation__in=reviewers).delete()
    claim.reviews.filter(organisation__in=reviewers).update(decision=ClaimReview.Decision.PENDING)
    ClaimReview.objects.bulk_create(
        [ClaimReview(claim=claim, organisation=o) for o in reviewers],
        ignore_conflicts=True,
    )


# The company ------------------------------------------------------------------------------------


@transaction.atomic
def claim_create(*, user, start_year: int, note: str = "") -> Claim:
    company = _manager_of(user)
    if not FIRST_SEASON <= start_year <= timezone.localdate().year:
        raise ClaimRefused(_("没有这个供暖季。"), code="season")
    if Claim.objects.filter(company=company, season_year=start_year).exists():
        raise ClaimRefused(_("本企业这个供暖季已有补贴申请。"), code="exists")
    claim = Claim(company=company, season_year=start_year, note=_text(note))
    _record(claim, Kind.CREATED, user, company)
    return claim


@transaction.atomic
def claim_edit(*, user, claim_id: int, note: str) -> Claim:
    claim = _locked(user, claim_id)
    company = _manager_of(user, claim.company)
    _refuse_unless(claim, *Claim.EDITABLE, why=_("已提交的补贴申请不能修改；退回后才能修改。"))
    claim.note = _text(note)
    _record(claim, Kind.EDITED, user, company, comment=claim.note)
    return claim


@transaction.atomic
def claim_submit(*, user, claim_id: int, comment: str = "") -> Claim:
    """Freeze the season's figures into a new version and open a review slot for each reviewing
    bureau; a resubmission after a return starts every review afresh."""
    claim = _locked(user, claim_id)
    company = _manager_of(user, claim.company)
    _refuse_unless(claim, *Claim.EDITABLE)
    before = claim.figures
    _freeze(claim, user)
    claim.submit()
    _record(claim, Kind.SUBMITTED, user, company, comment=_text(comment), before=before)
    return claim


@transaction.atomic
def claim_recompute(*, user, claim_id: int, comment: str = "") -> Claim:
    """A stale claim (statements issued since its version) recomputed into a new version: its
    adjustments stay with the old version, every review and any approval are opened again."""
    claim = _locked(user, claim_id)
    membership = company_membership(user)
    if membership is not None and membership.organisation_id == claim.company_id:
        organisation = _manager_of(user, claim.company)
    else:
        organisation = bureau_holding(
            user, Duty.SUBSIDY_LEAD, _("只有本企业经理或补贴审核牵头部门可以重新计算。")
        )
    _refuse_unless(claim, State.SUBMITTED, State.REVIEWED, State.APPROVED)
    if not claim_is_stale(claim):
        raise ClaimRefused(_("结算单没有变化，补贴数据仍是最新的。"), code="current")
    before = claim.figures
    _freeze(claim, user)
    claim.reopen()
    _record(claim, Kind.RECOMPUTED, user, organisation, comment=_text(comment), before=before)
    return claim


# The reviewing bureaus --------------------------------------------------------------------------


@transaction.atomic
def claim_review_approve(*, user, claim_id: int, comment: str = "") -> Claim:
    claim = _locked(user, claim_id)
    slot = _review_slot(user, claim)
    _refuse_unless(claim, State.SUBMITTED)
    if slot.decision == ClaimReview.Decision.APPROVED:
        raise ClaimRefused(_("贵单位已审核通过这份补贴申请。"), code="done")
    slot.decision = ClaimReview.Decision.APPROVED
    slot.save(update_fields=["decision"])
    if not claim.reviews.exclude(decision=ClaimReview.Decision.APPROVED).exists():
        claim.complete_review()
    _record(
        claim,
        Kind.REVIEW_APPROVED,
        user,
        slot.organisation,
        decision=Decision.AGREE,
        comment=_text(comment),
        before=claim.figures,
    )
    return claim


@transaction.atomic
def claim_adjust_cost(*, user, claim_id: int, category: str, amount: Decimal | str, reason: str) -> Claim:
    """Change one declared cost item, with the reason; the figures follow (POLICY.md §8) and every
    review already given is opened again, the adjusting bureau's own included."""
    claim = _locked(user, claim_id)
    slot = _review_slot(user, claim)
    _refuse_unless(claim, State.SUBMITTED, State.REVIEWED)
    version = claim.current_version
    if category not in version.cost_items:
        raise ClaimRefused(_("没有这个成本项目。"), code="category")
    try:
        after = money(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ClaimRefused(_("请填写调整后的金额。"), code="amount") from None
    if not Decimal(0) <= after <= MAX_AMOUNT:
        raise ClaimRefused(_("调整后的金额不能为负，也不能超过一千亿元。"), code="amount")
    reason = _text(reason, required=_("请写明调整理由。"))
    last = version.adjustments.filter(category=category).order_by("-id").first()
    before_amount = last.amount_after if last else Decimal(version.cost_items[category])
    if after == before_amount:
        raise ClaimRefused(_("调整后的金额与调整前相同。"), code="amount")
    adjustment = ClaimAdjustment.objects.create(
        version=version,
        category=category,
        amount_before=before_amount,
        amount_after=after,
        reason=reason,
        organisation=slot.organisation,
        made_by=user,
    )
    before = claim.figures
    claim.figures = figures_at_cost(before, Decimal(before["cost"]) + after - before_amount)
    claim.reviews.update(decision=ClaimReview.Decision.PENDING)
    if claim.state == State.REVIEWED:
        claim.reopen()
    _record(
        claim,
        Kind.COST_ADJUSTED,
        user,
        slot.organisation,
        comment=reason,
        before=before,
        adjustment=adjustment,
    )
    return claim


@transaction.atomic
def claim_return(*, user, claim_id: int, reason: str) -> Claim:
    """Send the claim back to the company, with the reason: a reviewing bureau while reviews run,
    or the approving bureau before it approves."""
    claim = _locked(user, claim_id)
    slot = _review_slot(user, claim, refuse=False)
    if slot is not None:
        organisation = slot.organisation
    else:
        organisation = bureau_holding(user, Duty.SUBSIDY_APPROVE, _("贵单位不承担这份补贴申请的审核。"))
    _refuse_unless(claim, State.SUBMITTED, State.REVIEWED)
    reason = _text(reason, required=_("请写明退回理由。"))
    claim.send_back()
    _record(
        claim,
        Kind.RETURNED,
        user,
        organisation,
        decision=Decision.RETURN,
        comment=reason,
        before=claim.figures,
    )
    return claim


# The approving bureau and the use of the funds --------------------------------------------------


@transaction.atomic
def claim_approve(*, user, claim_id: int, comment: str = "") -> Claim:
    """Approve the amount the figures give (reviewers adjust cost items, never the result); never
    on figures that statements issued since have made stale."""
    claim = _locked(user, claim_id)
    bureau = bureau_holding(user, Duty.SUBSIDY_APPROVE, _("只有承担补贴审批职责的部门可以审批。"))
    _refuse_unless(claim, State.REVIEWED, why=_("各审核部门的审核尚未全部通过，不能审批。"))
    _refuse_if_stale(claim)
    claim.approved_amount = Decimal(claim.figures["claim"])
    claim.approve()
    _record(
        claim,
        Kind.APPROVED,
        user,
        bureau,
        decision=Decision.AGREE,
        comment=_text(comment),
        before=claim.figures,
    )
    return claim


@transaction.atomic
def claim_pay(*, user, claim_id: int, paid_on: datetime.date, reference: str) -> Claim:
    claim = _locked(user, claim_id)
    bureau = bureau_holding(user, Duty.SUBSIDY_APPROVE, _("只有承担补贴拨付职责的部门可以登记拨付。"))
    _refuse_unless(claim, State.APPROVED, why=_("补贴申请审批后才能登记拨付。"))
    _refuse_if_stale(claim)
    claim.paid_on = paid_on
    claim.payment_reference = _text(reference, required=_("请填写拨付凭证号。"))[:100]
    claim.pay()
    _record(
        claim,
        Kind.PAID,
        user,
        bureau,
        comment=claim.payment_reference,
        before=claim.figures,
    )
    return claim


@transaction.atomic
def claim_funds_check(*, user, claim_id: int, sound: bool, comment: str = "") -> ClaimEvent:
    """A later check that the money was spent on what it was for (专款专用); a finding needs words."""
    claim = _locked(user, claim_id)
    bureau = bureau_holding(user, Duty.FUND_AUDIT, _("只有承担资金使用监督职责的部门可以检查资金使用。"))
    _refuse_unless(claim, State.PAID, why=_("补贴拨付后才能检查资金使用。"))
    comment = _text(comment, required=None if sound else _("请写明发现的问题。"))
    decision = Decision.SOUND if sound else Decision.CONCERN
    return _record(
        claim, Kind.FUNDS_CHECKED, user, bureau, decision=decision, comment=comment, before=claim.figures
    )
