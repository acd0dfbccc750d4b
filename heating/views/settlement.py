"""结算: a company's season settled as a job its manager starts and watches; its clerks see the state,
the exceptions and what needs re-settling. The work is the settlement services'; these views only
scope by company, talk and redirect."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from heating.models import Role
from heating.models.policy import season_days, season_name
from heating.selectors.jobs import job_latest
from heating.selectors.policy import NoPolicyInForce, policy_for_season, priced_seasons
from heating.selectors.scope import company_staff_required
from heating.selectors.settlement import exception_fixes, resettlement_rows, season_state
from heating.services.jobs import JobActive
from heating.services.settlement import SettlementRefused, season_over_or_refuse, season_settle
from heating.services.settlement_runs import KIND, settlement_params, settlement_result, settlement_start

from .seasons import BadSeason, bad_season_page, season_named

# Exceptions listed on the page; the count above them is of all.
EXCEPTIONS_SHOWN = 200


def _season(request) -> int:
    """The season asked for, or the latest priced one that is over (else the latest priced one)."""
    seasons = priced_seasons()
    text = (request.POST if request.method == "POST" else request.GET).get("season")
    if text is None:
        today = timezone.localdate()
        over = [year for year in seasons if season_days(year)[1] < today]
        if over or seasons:
            return (over or seasons)[0]
        raise BadSeason(_("没有已载入的价格政策，无法结算。"))
    start_year = season_named(text)
    try:
        policy_for_season(start_year)
    except NoPolicyInForce as missing:
        raise BadSeason(_("供暖季：") + str(missing)) from None
    return start_year


def _bad_season(request, bad: BadSeason):
    return bad_season_page(request, bad, title=_("结算"), back="settlement")


def _is_manager(request) -> bool:
    return request.membership.role == Role.MANAGER


def _page(request, start_year: int, *, preview=None):
    job = job_latest(company=request.company, kind=KIND, params=settlement_params(start_year))
    result = settlement_result(job) if job is not None and preview is None else preview
    exceptions = exception_fixes(request.company, result.exceptions, EXCEPTIONS_SHOWN) if result else []
    try:
        season_over_or_refuse(start_year)
        refusal = None
    except SettlementRefused as refused:
        refusal = str(refused)
    return render(
        request,
        "heating/settlement/season.html",
        {
            "season": season_name(start_year),
            "seasons": [season_name(year) for year in priced_seasons()],
            "state": season_state(request.company, start_year),
            "job": job,
            "result": result,
            "preview": preview is not None,
            "exceptions": exceptions,
            "refusal": refusal,
            "manager": _is_manager(request),
        },
    )


@never_cache
@require_GET
@company_staff_required
def settlement(request):
    try:
        start_year = _season(request)
    except BadSeason as bad:
        return _bad_season(request, bad)
    return _page(request, start_year)


@require_POST
@company_staff_required(manager=True)
def settlement_preview(request):
    """The counts and exceptions a settlement would have, computed in the request (fine for a county's
    few thousand accounts) and written nowhere."""
    try:
        start_year = _season(request)
    except BadSeason as bad:
        return _bad_season(request, bad)
    preview = season_settle(company=request.company, start_year=start_year, user=request.user, preview=True)
    return _page(request, start_year, preview=preview)


@require_POST
@company_staff_required(manager=True)
def settlement_begin(request):
    """Start the season's settlement job (it settles the unsettled and re-settles the changed)."""
    try:
        start_year = _season(request)
    except BadSeason as bad:
        return _bad_season(request, bad)
    try:
        settlement_start(company=request.company, start_year=start_year, user=request.user)
    except JobActive:
        messages.info(request, _("该供暖季的结算已在进行中，请在本页查看进度。"))
    except SettlementRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("已开始结算，可在本页查看进度；离开本页不影响结算。"))
    return redirect(reverse("settlement") + "?season=" + season_name(start_year))


@never_cache
@require_GET
@company_staff_required
def resettlement(request):
    """The accounts whose issued statement no longer matches the season's data: what changed, and the
    figures before and after (or why they cannot be re-settled yet)."""
    try:
        start_year = _season(request)
    except BadSeason as bad:
        return _bad_season(request, bad)
    return render(
        request,
        "heating/settlement/resettle.html",
        {
            "season": season_name(start_year),
            "rows": resettlement_rows(request.company, start_year),
            "manager": _is_manager(request),
            "job": job_latest(company=request.company, kind=KIND, params=settlement_params(start_year)),
        },
    )
