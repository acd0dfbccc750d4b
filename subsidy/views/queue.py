"""The subsidy queue: a bureau's landing page (settings.BUREAU_LANDINGS) and a company's claims, with
their losses by cause."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from heating.models import Duty, Role
from heating.selectors.scope import bureau_duties, company_membership
from subsidy.selectors.claims import SUBSIDY_DUTIES, awaiting, visible_claims
from subsidy.selectors.losses import losses_by_cause, losses_chart


@never_cache
@require_GET
@login_required
def claim_queue(request):
    """Claims awaiting a step by the user's organisation, then every claim the user may see. Only
    company staff and bureaus with a subsidy duty have a queue."""
    duties = bureau_duties(request.user)
    membership = company_membership(request.user)
    if not (duties & SUBSIDY_DUTIES or membership or request.user.is_superuser):
        raise PermissionDenied
    claims = list(visible_claims(request.user).select_related("company"))
    losses = losses_by_cause(claims)
    context = {
        "waiting": list(awaiting(request.user)),
        "claims": claims,
        "losses": losses,
        "loss_chart": losses_chart(losses),
        "may_create": membership is not None and membership.role == Role.MANAGER,
        "oversees_refunds": Duty.REFUND_OVERSIGHT in duties,
        "sees_complaints": bool(duties & {Duty.SERVICE_OVERSIGHT, Duty.PRICE_SUPERVISION}),
        "records_fees": Duty.SUBSIDY_APPROVE in duties,
        "tries_prices": Duty.PRICE_POLICY in duties,
    }
    return render(request, "subsidy/queue.html", context)
