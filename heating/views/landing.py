"""Where each role starts: the sign-in redirect, the manager's overview, the bureau's inbox."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.models import Duty, InstitutionApproval
from heating.selectors.inbox import latest_unread
from heating.selectors.overview import (
    bureau_work_page,
    company_overview,
    is_bureau_officer,
    landing_page,
    overview_season,
)
from heating.selectors.scope import bureau_duties, company_membership, company_staff_required

from .seasons import BadSeason, bad_season_page, season_named


@login_required
def landing(request):
    """LOGIN_REDIRECT_URL: a clerk to the counter (收费台), a manager to the overview, a bureau officer to
    the inbox, a resident to their homes (/me/), anyone else to the home page."""
    return redirect(landing_page(request.user, company_membership(request.user)))


@company_staff_required(manager=True)
def company_overview_page(request):
    today = timezone.localdate()
    text = request.GET.get("season")
    if text is None:
        start_year = overview_season(request.company, today)
    else:
        try:
            start_year = season_named(text)
        except BadSeason as bad:
            return bad_season_page(request, bad, title=_("概览"), back="company-overview")
    overview = company_overview(request.company, start_year=start_year, today=today)
    context = {"overview": overview, "today": today, "charts": _charts(overview)}
    return render(request, "heating/overview.html", context)


def _charts(overview) -> dict:
    """What static/js/overview_charts.js draws; the page's tables say the same in words."""
    return {
        "collection": {
            "label": _("收缴率（%）"),
            "labels": [row.label for row in overview.collection],
            "values": [row.rate or 0 for row in overview.collection],
        },
        "routes": {
            "label": _("读数"),
            "labels": [row.label for row in overview.routes],
            "values": [row.readings for row in overview.routes],
        },
        "takings": {
            "label": _("金额（元）"),
            "labels": [row.channel for row in overview.takings],
            "values": [row.amount for row in overview.takings],
        },
    }


@login_required
def bureau_inbox(request):
    """待办: what awaits a county bureau: the page of its own work when an app offers one (the subsidy
    queue for a bureau with a subsidy duty), else this page."""
    if not is_bureau_officer(request.user):
        raise PermissionDenied
    work = bureau_work_page(request.user)
    if work:
        return redirect(work)
    duties = bureau_duties(request.user)
    context = {
        "oversees_refunds": Duty.REFUND_OVERSIGHT in duties,
        "sees_complaints": bool(duties & {Duty.SERVICE_OVERSIGHT, Duty.PRICE_SUPERVISION}),
        "decides_areas": Duty.AREA_DECISION in duties,
        "sets_prices": Duty.PRICE_POLICY in duties,
        "decides_institutions": bool(duties & set(InstitutionApproval.DUTIES.values())),
        "unread": latest_unread(request.user),
    }
    return render(request, "heating/bureau_inbox.html", context)
