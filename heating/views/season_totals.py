"""供暖季汇总: a company's season summed for the subsidy review (POLICY.md §8). The company's managers
see and recompute their own; the bureaus with subsidy duties see every company's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from heating.billing import LANGUAGES, PRICE_CLASS_LABELS, PRICE_CLASSES
from heating.models import Duty, Organisation, Role
from heating.models.policy import season_name
from heating.selectors.jobs import job_latest
from heating.selectors.policy import priced_seasons
from heating.selectors.scope import bureau_duties, company_membership, company_staff_required
from heating.selectors.season_totals import season_totals_latest, season_totals_stale
from heating.services.jobs import JobActive
from heating.services.season_totals import KIND, season_totals_params, season_totals_start

from .seasons import BadSeason
from .settlement import _bad_season, _season

# Bureaus that review, approve or audit the subsidy see every company's totals.
SUBSIDY_DUTIES = {Duty.SUBSIDY_LEAD, Duty.SUBSIDY_REVIEW, Duty.SUBSIDY_APPROVE, Duty.FUND_AUDIT}


def _company(request) -> tuple[Organisation, bool, list[Organisation]]:
    """The company shown, whether the user manages it, and the companies the user may pick from."""
    membership = company_membership(request.user)
    if membership is not None:
        if membership.role != Role.MANAGER:
            raise PermissionDenied
        return membership.organisation, True, []
    if not SUBSIDY_DUTIES & bureau_duties(request.user):
        raise PermissionDenied
    companies = list(Organisation.objects.filter(kind=Organisation.Kind.COMPANY).order_by("code"))
    code = request.GET.get("company", "")[:20]
    chosen = next((c for c in companies if c.code == code), companies[0] if companies else None)
    if chosen is None:
        raise PermissionDenied
    return chosen, False, companies


@never_cache
@require_GET
@login_required
def season_totals_page(request):
    company, manager, companies = _company(request)
    try:
        start_year = _season(request)
    except BadSeason as bad:
        return _bad_season(request, bad)
    totals = season_totals_latest(company, start_year)
    return render(
        request,
        "heating/season_totals.html",
        {
            "company": company,
            "companies": companies,
            "season": season_name(start_year),
            "seasons": [season_name(year) for year in priced_seasons()],
            "totals": totals,
            "stale": totals is not None and season_totals_stale(totals),
            "classes": _classes(totals),
            "job": job_latest(company=company, kind=KIND, params=season_totals_params(start_year)),
            "manager": manager,
        },
    )


def _classes(totals) -> list[tuple[str, int, int]]:
    """(price class, accounts billed by area, metered) in the order of POLICY.md §1."""
    if totals is None:
        return []
    rows = totals.accounts_by_class
    language = get_language()
    names = PRICE_CLASS_LABELS[language if language in LANGUAGES else LANGUAGES[0]]
    return [
        (names[key], rows[key].get("area", 0), rows[key].get("metered", 0))
        for key in PRICE_CLASSES
        if key in rows
    ]


@require_POST
@company_staff_required(manager=True)
def season_totals_begin(request):
    try:
        start_year = _season(request)
    except BadSeason as bad:
        return _bad_season(request, bad)
    try:
        season_totals_start(request.company, start_year, request.user)
    except JobActive:
        messages.info(request, _("该供暖季的汇总正在计算，请在本页查看进度。"))
    else:
        messages.success(request, _("已开始重新汇总，可在本页查看进度。"))
    return redirect(reverse("season-totals") + "?season=" + season_name(start_year))
