"""Billing-area disputes (POLICY.md §2): a resident files one for their own home, the account's company
answers it, the bureau holding the area-decision duty decides it (upheld: an AreaDecision from the
season the dispute names, which a settled season then lists for re-settlement, §11), or the resident
withdraws it. Every step locks the dispute and checks its state; refusals name the field."""

import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating import attachments
from heating.billing import PART_KINDS
from heating.models import AreaDecision, AreaDispute, AreaDisputeDocument, Duty
from heating.models.disputes import DOCUMENT_MAX_BYTES, DOCUMENTS_MAX, PARTS_MAX
from heating.selectors.policy import priced_seasons
from heating.selectors.scope import bureau_holding, company_membership, resident_accounts
from heating.services import notifications
from heating.services.decisions import area_decision_record

ALLOWED = frozenset({"pdf", "jpg", "jpeg", "png"})
AREA_MAX = Decimal("100000")
TEXT_MAX = 2000
REFERENCE_MAX = AreaDecision._meta.get_field("reference").max_length


def typed_area(value) -> Decimal | None:
    """An area in m² (> 0, at most two decimals, below AREA_MAX) from what was typed, else None."""
    try:
        area = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not area.is_finite() or area <= 0 or area >= AREA_MAX or area != round(area, 2):
        return None
    return area.quantize(Decimal("0.01"))


def _parts(parts) -> list[dict]:
    if not isinstance(parts, list | tuple) or not parts:
        raise ValidationError({"parts": _("采暖部位：请至少填写一个部位及其面积。")})
    if len(parts) > PARTS_MAX:
        raise ValidationError({"parts": _("采暖部位：最多填写 %(n)s 个部位。") % {"n": PARTS_MAX}})
    checked = []
    for part in parts:
        kind = part.get("kind") if isinstance(part, dict) else None
        area = typed_area(part.get("area")) if isinstance(part, dict) else None
        if kind not in PART_KINDS:
            raise ValidationError({"parts": _("采暖部位：请从列表中选择部位类型。")})
        if area is None:
            raise ValidationError({"parts": _("采暖部位：面积请填写大于 0、最多两位小数的平方米数。")})
        checked.append({"kind": kind, "area": str(area)})
    return checked


def _text(value, field: str, label: str, refusal: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: refusal})
    if len(text) > TEXT_MAX:
        too_long = _("%(field)s：不能超过 %(n)s 个字。") % {"field": label, "n": TEXT_MAX}
        raise ValidationError({field: too_long})
    return text


def _locked(dispute_id: int, queryset=None) -> AreaDispute | None:
    queryset = AreaDispute.objects.all() if queryset is None else queryset
    return queryset.select_for_update().filter(pk=dispute_id).first()


def _state_refused(dispute: AreaDispute) -> ValidationError:
    return ValidationError(
        {"state": _("状态：这件异议%(state)s，不能再办理这一步。") % {"state": dispute.get_state_display()}}
    )


@transaction.atomic
def dispute_file(
    *, user, account_id: int, from_year: int, parts, statement: str, documents=()
) -> AreaDispute:
    """A resident disputes their own home's billing area from a season on; `documents` are uploaded
    files (django UploadedFile), each checked by kind, contents and size before anything is kept."""
    account = resident_accounts(user).select_for_update().filter(pk=account_id).first()
    if account is None:
        raise PermissionDenied(_("户号：只能对自己的户号提出计费面积异议。"))
    if from_year not in priced_seasons():
        raise ValidationError({"from_year": _("起始供暖季：请选择有价格政策的供暖季。")})
    checked_parts = _parts(parts)
    text = _text(statement, "statement", _("异议陈述"), _("异议陈述：请写明您认为计费面积哪里不对。"))
    files = attachments.documents_read(
        documents, allowed=ALLOWED, max_bytes=DOCUMENT_MAX_BYTES, max_files=DOCUMENTS_MAX,
        wrong_kind=_("只能上传 PDF、JPG 或 PNG 文件。"),
    )
    if AreaDispute.objects.filter(account=account, state__in=AreaDispute.OPEN).exists():
        raise ValidationError({"account": _("户号：这个户号已有一件未办结的计费面积异议。")})
    try:
        with transaction.atomic():
            dispute = AreaDispute.objects.create(
                account=account,
                from_year=from_year,
                parts=checked_parts,
                statement=text,
                filed_by=user,
                filed_at=timezone.now(),
            )
    except IntegrityError:  # one_open_area_dispute: another request filed first
        raise ValidationError({"account": _("户号：这个户号已有一件未办结的计费面积异议。")}) from None
    for name, data, content_type in files:
        document = AreaDisputeDocument(
            dispute=dispute,
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        document.file.save(document.sha256, ContentFile(data), save=False)
        document.save()
    notifications.dispute_filed(dispute)
    return dispute


@transaction.atomic
def dispute_withdraw(*, user, dispute_id: int) -> AreaDispute:
    """The resident who holds the account withdraws an open dispute."""
    dispute = _locked(dispute_id, AreaDispute.objects.filter(account__in=resident_accounts(user)))
    if dispute is None:
        raise PermissionDenied(_("户号：只能撤回自己户号的异议。"))
    if not dispute.is_open:
        raise _state_refused(dispute)
    dispute.withdraw()
    dispute.withdrawn_at = timezone.now()
    dispute.save()
    notifications.dispute_closed(dispute)
    return dispute


@transaction.atomic
def dispute_answer(*, user, dispute_id: int, response: str) -> AreaDispute:
    """Staff of the account's heating company answer a filed dispute (what the company recorded and
    why); the dispute then awaits the bureau's decision."""
    membership = company_membership(user)
    dispute = None
    if membership is not None:
        dispute = _locked(dispute_id, AreaDispute.objects.filter(account__company=membership.organisation))
    if dispute is None:
        raise PermissionDenied(_("供热企业：只有该户号所属供热企业的工作人员可以答复。"))
    if dispute.state != AreaDispute.State.FILED:
        raise _state_refused(dispute)
    dispute.response = _text(response, "response", _("企业答复"), _("企业答复：请填写答复内容。"))
    dispute.answer()
    dispute.answered_by = user
    dispute.answered_at = timezone.now()
    dispute.save()
    notifications.dispute_answered(dispute)
    return dispute


@transaction.atomic
def dispute_decide(
    *, user, dispute_id: int, upheld: bool, area=None, reference: str = "", reason: str = ""
) -> AreaDispute:
    """The property-management bureau decides an answered dispute. Upheld: `area` (m²) replaces the
    computed billing area from the dispute's season, under `reference` (认定文号). Rejected: `reason`."""
    bureau = bureau_holding(user, Duty.AREA_DECISION, _("认定部门：只有负责计费面积争议认定的部门可以认定。"))
    dispute = _locked(dispute_id)
    if dispute is None:
        raise ValidationError({"dispute": _("异议：没有这件计费面积异议。")})
    if dispute.state != AreaDispute.State.ANSWERED:
        raise _state_refused(dispute)
    reference = (reference or "").strip()
    reason = (reason or "").strip()
    if len(reason) > TEXT_MAX:
        raise ValidationError({"reason": _("理由：不能超过 %(n)s 个字。") % {"n": TEXT_MAX}})
    if upheld:
        decided_area = typed_area(area) if area is not None else None
        if decided_area is None:
            raise ValidationError({"area": _("认定计费面积：请填写大于 0、最多两位小数的平方米数。")})
        if not reference:
            raise ValidationError({"reference": _("认定文号：支持异议时请填写认定文号。")})
        if len(reference) > REFERENCE_MAX:
            raise ValidationError({"reference": _("认定文号：不能超过 %(n)s 个字。") % {"n": REFERENCE_MAX}})
        dispute.decision = area_decision_record(
            user=user,
            account_id=dispute.account_id,
            from_year=dispute.from_year,
            area=decided_area,
            reference=reference,
            reason=reason or _("住户的计费面积异议成立。"),
        )
        dispute.area = decided_area
        dispute.reference = reference
        dispute.uphold()
    else:
        if not reason:
            raise ValidationError({"reason": _("理由：不支持异议时请写明理由。")})
        if len(reference) > REFERENCE_MAX:
            raise ValidationError({"reference": _("认定文号：不能超过 %(n)s 个字。") % {"n": REFERENCE_MAX}})
        dispute.reference = reference
        dispute.reject()
    dispute.reason = reason
    dispute.decided_by = bureau
    dispute.decided_by_user = user
    dispute.decided_at = timezone.now()
    dispute.save()
    notifications.dispute_closed(dispute)
    return dispute
