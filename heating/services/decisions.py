"""Decisions only the competent organisation makes (POLICY.md §1, §2, §5; issue 11):

    area_decide(*, user, account_id, from_year, area, reference, reason) -> AreaDecision
    area_decision_record(…same…) -> AreaDecision  (area_decide telling no one: a dispute's decision)
    institution_decide(*, user, approval_id, approve: bool, comment="") -> InstitutionApproval
    certificate_approve(*, user, certificate_id, comment="") -> LowIncomeCertificate
    certificate_deny(*, user, certificate_id, reason) -> LowIncomeCertificate
    certificate_revoke(*, user, certificate_id, reason, effective=None) -> LowIncomeCertificate

Each finds the user's bureau holding the duty (heating.selectors.scope.bureau_holding: PermissionDenied
in words when none does) and records it with the duty, the user and the time, telling its parties in
their inbox (heating.services.notifications); bad input is refused with DecisionRefused. A rejection,
denial or revocation needs its reason. A decision touching a settled season lists the account for
re-settlement by itself (heating.selectors.statements.resettlements_due).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import Account, AreaDecision, InstitutionApproval, LowIncomeCertificate
from heating.models.accounts import Decision
from heating.selectors.facts import certificate_in_force
from heating.selectors.scope import bureau_holding
from heating.services import notifications

FIRST_SEASON = 2000
MAX_AREA = Decimal("9999999999.99")
MAX_TEXT = 2000
MAX_REFERENCE = AreaDecision._meta.get_field("reference").max_length


class DecisionRefused(ValidationError):
    """A decision the input or the row's state does not allow, said in words."""


def _text(value, *, required: bool, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DecisionRefused(_("请填写理由。"), code="reason_required")
    if len(text) > limit:
        raise DecisionRefused(
            _("文字不能超过 %(limit)s 个字。"), code="too_long", params={"limit": limit}
        )
    return text


def _decided(row, bureau, duty, user) -> None:
    row.decided_by = bureau
    row.decided_duty = duty
    row.decided_by_user = user
    row.decided_at = timezone.now()
    row.needs_review = False


def _undecided(row) -> None:
    """Only an application awaiting a decision, or a row recorded without a valid decider, is decided."""
    if row.status != Decision.PENDING and not row.needs_review:
        raise DecisionRefused(
            _("该申请已审定（%(status)s），不能再次审定。"),
            code="already_decided",
            params={"status": row.get_status_display()},
        )


def _locked(model, pk):
    try:
        row = model.objects.select_for_update().filter(pk=pk).first()
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise DecisionRefused(_("没有这条记录。"), code="not_found")
    return row


def _area(value) -> Decimal:
    try:
        area = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DecisionRefused(_("认定面积须是数字。"), code="area_invalid") from None
    if not area.is_finite() or area <= 0 or area > MAX_AREA or area.as_tuple().exponent < -2:
        raise DecisionRefused(
            _("认定面积须大于 0、不超过 %(max)s 平方米，最多两位小数。"),
            code="area_invalid",
            params={"max": MAX_AREA},
        )
    return area


def _season(value) -> int:
    latest = timezone.localdate().year + 1
    if not isinstance(value, int) or isinstance(value, bool) or not FIRST_SEASON <= value <= latest:
        raise DecisionRefused(
            _("起始供暖季须是 %(first)s 至 %(latest)s 年之间的年份。"),
            code="season_invalid",
            params={"first": FIRST_SEASON, "latest": latest},
        )
    return value


@transaction.atomic
def area_decide(*, user, account_id, from_year, area, reference, reason) -> AreaDecision:
    """The property-management authority's billing area for an account from a season (POLICY.md §2);
    a second decision for the same season replaces the first (its history keeps it). The account's
    company hears of it in its inbox."""
    decision = area_decision_record(
        user=user, account_id=account_id, from_year=from_year, area=area, reference=reference, reason=reason
    )
    notifications.area_decided(decision)
    return decision


@transaction.atomic
def area_decision_record(*, user, account_id, from_year, area, reference, reason) -> AreaDecision:
    """area_decide without telling anyone: a dispute's decision tells its own parties."""
    bureau = bureau_holding(
        user, AreaDecision.DUTY, _("只有承担计费面积争议认定职责的部门可以认定计费面积。")
    )
    from_year, area = _season(from_year), _area(area)
    reference = _text(reference, required=False, limit=MAX_REFERENCE)
    reason = _text(reason, required=True)
    account = _locked(Account, account_id)
    decision = AreaDecision.objects.filter(account=account, from_year=from_year).first() or AreaDecision(
        account=account, from_year=from_year
    )
    decision.area, decision.reference, decision.reason = area, reference, reason
    _decided(decision, bureau, AreaDecision.DUTY, user)
    decision.save()
    return decision


@transaction.atomic
def institution_decide(*, user, approval_id, approve: bool, comment="") -> InstitutionApproval:
    """Approve or reject an institution's residential price (POLICY.md §1); the bureau holding the duty
    of its category decides, and a rejection says why."""
    approval = _locked(InstitutionApproval, approval_id)
    duty = InstitutionApproval.DUTIES[approval.category]
    bureau = bureau_holding(user, duty, _("只有主管该类单位资格审定的部门可以审定。"))
    _undecided(approval)
    approval.comment = _text(comment, required=not approve)
    approval.status = Decision.APPROVED if approve else Decision.REJECTED
    _decided(approval, bureau, duty, user)
    approval.save()
    notifications.institution_decided(approval)
    return approval


def _civil_affairs(user):
    return bureau_holding(
        user, LowIncomeCertificate.DUTY, _("只有承担低保特困资格审定职责的部门可以审定困难群体证件。")
    )


def _other_home(certificate: LowIncomeCertificate) -> LowIncomeCertificate | None:
    """An approved certificate of the same kind and number for another account, in force on some day
    of this one's period (POLICY.md §5: one certificate, one home)."""
    overlapping = Q(valid_until__isnull=True) | Q(valid_until__gte=certificate.valid_from)
    if certificate.valid_until is not None:
        overlapping &= Q(valid_from__lte=certificate.valid_until)
    return (
        LowIncomeCertificate.objects.select_related("account")
        .filter(overlapping, certificate_in_force(certificate.valid_from))
        .filter(kind=certificate.kind, number=certificate.number)
        .exclude(account_id=certificate.account_id)
        .first()
    )


def _second_home_refusal(other: LowIncomeCertificate) -> DecisionRefused:
    return DecisionRefused(
        _("证件 %(number)s 已用于户号 %(account)s，同一证件在同一时期只能用于一户。"),
        code="certificate_in_use",
        params={"number": other.number, "account": other.account.number},
    )


@transaction.atomic
def certificate_approve(*, user, certificate_id, comment="") -> LowIncomeCertificate:
    """Approve a low-income certificate for its home (POLICY.md §5); refused while the same certificate
    serves another home in an overlapping period."""
    bureau = _civil_affairs(user)
    certificate = _locked(LowIncomeCertificate, certificate_id)
    _undecided(certificate)
    # Approvals of one certificate number queue here, so each sees the one before.
    list(
        LowIncomeCertificate.objects.select_for_update()
        .filter(kind=certificate.kind, number=certificate.number)
        .order_by("id")
        .values_list("id")
    )
    other = _other_home(certificate)
    if other is not None:
        raise _second_home_refusal(other)
    certificate.comment = _text(comment, required=False)
    certificate.status = Decision.APPROVED
    _decided(certificate, bureau, LowIncomeCertificate.DUTY, user)
    certificate.save()
    notifications.certificate_decided(certificate)
    return certificate


@transaction.atomic
def certificate_deny(*, user, certificate_id, reason) -> LowIncomeCertificate:
    bureau = _civil_affairs(user)
    certificate = _locked(LowIncomeCertificate, certificate_id)
    _undecided(certificate)
    certificate.comment = _text(reason, required=True)
    certificate.status = Decision.REJECTED
    _decided(certificate, bureau, LowIncomeCertificate.DUTY, user)
    certificate.save()
    notifications.certificate_decided(certificate)
    return certificate


@transaction.atomic
def certificate_revoke(
    *, user, certificate_id, reason, effective: datetime.date | None = None
) -> LowIncomeCertificate:
    """Revoke an approved certificate from `effective` (by default its first day: it never counted).
    The seasons with a day before that keep the rate; the others are corrected by re-settlement
    (POLICY.md §5, §11). The approval stays in the certificate's history."""
    bureau = _civil_affairs(user)
    certificate = _locked(LowIncomeCertificate, certificate_id)
    if certificate.status != Decision.APPROVED or certificate.needs_review:
        raise DecisionRefused(_("只能撤销已批准的证件。"), code="not_approved")
    reason = _text(reason, required=True)
    effective = certificate.valid_from if effective is None else effective
    if not isinstance(effective, datetime.date) or effective < certificate.valid_from:
        raise DecisionRefused(
            _("撤销生效日期不能早于证件有效期起（%(start)s）。"),
            code="effective_invalid",
            params={"start": certificate.valid_from.isoformat()},
        )
    certificate.status = Decision.REVOKED
    certificate.revoked_from = effective
    certificate.comment = reason
    _decided(certificate, bureau, LowIncomeCertificate.DUTY, user)
    certificate.save()
    notifications.certificate_decided(certificate)
    return certificate
