"""The claim's page and its steps: each step is a POST to /subsidy/claims/<pk>/<step>/; a refusal is
shown next to that step's form, in words, with what was typed."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from heating.services.jobs import JobActive
from subsidy.explain import NOTICE_CODE, NOTICE_SECTION, cost_category_label
from subsidy.selectors.claim_page import claim_page, may_sum_totals, viewer_of
from subsidy.selectors.claims import claim_for
from subsidy.services import claims as services
from subsidy.services.figures_job import figures_start
from subsidy.services.review import claim_review_record

MAX_TEXT = 2000
MAX_AMOUNT = 20  # characters of a typed amount


class BadInput(ValueError):
    pass


def _render(request, claim, *, errors=None, posted=None, status=200):
    page, posted, errors = claim_page(request.user, claim), posted or {}, errors or {}
    context = {
        "page": page,
        "errors": errors,
        # A refused step whose form the page does not offer (no longer, or never to this user).
        "stray_error": next((error for step, error in errors.items() if step not in page.steps), None),
        "posted": posted,
        # The review form's cost items with what was typed in them, when a refusal shows it again.
        "adjust_rows": [
            (
                row,
                posted.get(f"amount-{row.category}", "")[:MAX_AMOUNT],
                posted.get(f"reason-{row.category}", ""),
            )
            for row in page.costs
        ],
        "today": timezone.localdate().isoformat(),
        "notice_code": NOTICE_CODE,
        "notice_section": NOTICE_SECTION,
    }
    return render(request, "subsidy/claim.html", context, status=status)


@never_cache
@require_GET
@login_required
def claim_detail(request, pk):
    return _render(request, claim_for(request.user, pk))


def _text(request, name) -> str:
    return request.POST.get(name, "")[:MAX_TEXT]


def _adjustments(request, claim) -> list[tuple[str, str, str]]:
    """The cost items the reviewer changed: an amount typed for a declared category."""
    items = claim.current_version.cost_items if claim.current_version else {}
    changed = []
    for category in items:
        amount = request.POST.get(f"amount-{category}", "").strip()[:MAX_AMOUNT]
        if amount:
            changed.append((category, amount, _text(request, f"reason-{category}")))
    return changed


def _review(request, claim):
    changed = _adjustments(request, claim)
    try:
        return claim_review_record(
            user=request.user, claim_id=claim.pk, adjustments=changed, comment=_text(request, "comment")
        )
    except ValidationError as refused:
        # Name the item the refusal is about when there is one.
        code = getattr(refused, "code", "")
        if code in ("amount", "required") and changed:
            labels = "、".join(cost_category_label(category) for category, _a, _r in changed)
            raise BadInput(
                _("成本调整（%(items)s）：") % {"items": labels} + "；".join(refused.messages)
            ) from None
        raise


def _paid_on(request) -> datetime.date:
    try:
        paid_on = datetime.date.fromisoformat(request.POST.get("paid_on", "").strip()[:10])
    except ValueError:
        raise BadInput(_("拨付日期：请按 YYYY-MM-DD 填写。")) from None
    if paid_on > timezone.localdate():
        raise BadInput(_("拨付日期：不能晚于今天。"))
    return paid_on


def _sound(request) -> bool:
    value = request.POST.get("sound", "")
    if value not in ("yes", "no"):
        raise BadInput(_("检查结论：请选择是否专款专用。"))
    return value == "yes"


def _totals(request, claim):
    if not may_sum_totals(viewer_of(request.user), claim):
        raise PermissionDenied(_("只有本企业经理或补贴审核牵头部门可以汇总本季损失数据。"))
    try:
        figures_start(claim.company, claim.season_year, request.user)
    except JobActive:
        raise BadInput(_("该供暖季的汇总正在计算，请在本页查看进度。")) from None


STEPS = {
    "totals": _totals,
    "submit": lambda r, c: services.claim_submit(user=r.user, claim_id=c.pk, comment=_text(r, "comment")),
    "recompute": lambda r, c: services.claim_recompute(
        user=r.user, claim_id=c.pk, comment=_text(r, "comment")
    ),
    "review": _review,
    "return": lambda r, c: services.claim_return(user=r.user, claim_id=c.pk, reason=_text(r, "reason")),
    "approve": lambda r, c: services.claim_approve(user=r.user, claim_id=c.pk, comment=_text(r, "comment")),
    "pay": lambda r, c: services.claim_pay(
        user=r.user, claim_id=c.pk, paid_on=_paid_on(r), reference=_text(r, "reference")
    ),
    "funds_check": lambda r, c: services.claim_funds_check(
        user=r.user, claim_id=c.pk, sound=_sound(r), comment=_text(r, "comment")
    ),
}
DONE = {
    "totals": gettext_lazy("已开始汇总本季损失数据，可在本页查看进度。"),
    "submit": gettext_lazy("已提交补贴申请，等待各审核部门审核。"),
    "recompute": gettext_lazy("已按最新结算单重新计算，各部门需重新审核。"),
    "review": gettext_lazy("已审核通过。"),
    "return": gettext_lazy("已退回企业。"),
    "approve": gettext_lazy("已审批补贴金额。"),
    "pay": gettext_lazy("已登记拨付。"),
    "funds_check": gettext_lazy("已记录资金使用检查。"),
}


@require_POST
@login_required
def claim_step(request, pk, step):
    claim = claim_for(request.user, pk)
    if step not in STEPS:
        raise Http404
    try:
        STEPS[step](request, claim)
    except BadInput as bad:
        error = str(bad)
    except (ValidationError, PermissionDenied) as refused:
        error = "；".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)
    else:
        messages.success(request, str(DONE[step]))
        return redirect("subsidy-claim", pk=claim.pk)
    posted = {key: value[:MAX_TEXT] for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
    # Read again: the refused step changed nothing, but another officer may have acted meanwhile.
    return _render(request, claim_for(request.user, pk), errors={step: error}, posted=posted, status=400)
