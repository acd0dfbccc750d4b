"""缴费通知单 and activation codes at the counter: one account's notice as a PDF, a building's or a
route's in one PDF made by a job, and a fresh code for a resident who lost theirs. The work is the
services'; these views scope by company, talk and redirect."""
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heating.models import Account, Building, Job, Route
from heating.models.policy import season_name
from heating.selectors.jobs import company_jobs
from heating.selectors.policy import NoPolicyInForce, latest_priced_season, policy_for_season, priced_seasons
from heating.selectors.scope import company_staff_required
from heating.selectors.statements import season_from_name
from heating.services.activation import activation_code_issue
from heating.services.jobs import JobActive
from heating.services.notice_runs import KIND, notices_file, notices_start
from heating.services.notices import notices_pdf

JOBS_SHOWN = 10


def _account(request, number: str) -> Account:
    accounts = Account.objects.select_related("company")
    return get_object_or_404(accounts, company=request.company, number=number[:20])


def _season(text: str | None) -> int | None:
    """The season named, or the latest priced one when none is; None for a bad name or one unpriced."""
    if not text:
        return latest_priced_season()
    start_year = season_from_name(text.strip()[:9])
    if start_year is None:
        return None
    try:
        policy_for_season(start_year)
    except NoPolicyInForce:
        return None
    return start_year


@require_POST
@company_staff_required
def activation_code_reissue(request, number):
    """The fresh code, shown this once: the page is never cached and the code is nowhere else."""
    account = _account(request, number)
    code = activation_code_issue(account, request.user)
    response = render(request, "heating/notices/activation_code.html", {"account": account, "code": code})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET"])
@company_staff_required
def notice_pdf(request, number):
    account = _account(request, number)
    start_year = _season(request.GET.get("season"))
    if start_year is None:
        return render(request, "heating/notices/bad_season.html", status=400)
    pdf, pages = notices_pdf(accounts=[account], start_year=start_year, user=request.user)
    if not pages:
        return render(request, "heating/notices/no_notice.html", {"account": account}, status=409)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"notice-{account.number}-{season_name(start_year)}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _int(text) -> int | None:
    return int(text) if text and str(text).isdigit() and len(str(text)) < 10 else None


@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required
def notices(request):
    """Choose a season and a building or route; the notices are made by a job and downloaded here."""
    buildings = Building.objects.filter(company=request.company).order_by("code")
    routes = Route.objects.filter(company=request.company).order_by("code")
    error = None
    if request.method == "POST":
        start_year = _season(request.POST.get("season"))
        building = buildings.filter(pk=_int(request.POST.get("building"))).first()
        route = routes.filter(pk=_int(request.POST.get("route"))).first()
        if start_year is None:
            error = _("请选择一个已载入价格政策的供暖季。")
        elif (building is None) == (route is None):
            error = _("请选择一栋楼或一条抄表线路（二选一）。")
        else:
            try:
                notices_start(
                    company=request.company,
                    start_year=start_year,
                    user=request.user,
                    building=building,
                    route=route,
                )
            except JobActive:
                pass  # the same run is under way: the page shows it
            return redirect(reverse("notices"))
    jobs = list(company_jobs(request.company).filter(kind=KIND).order_by("-id")[:JOBS_SHOWN])
    names = _targets(jobs, buildings, routes)
    return render(
        request,
        "heating/notices/notices.html",
        {
            "seasons": [season_name(year) for year in priced_seasons()],
            "buildings": buildings,
            "routes": routes,
            "jobs": [(job, names.get(job.pk, ""), season_name(job.params["season"])) for job in jobs],
            "error": error,
        },
        status=400 if error else 200,
    )


def _targets(jobs, buildings, routes) -> dict[int, str]:
    """What each job printed, by name, in two queries whatever the number of jobs."""
    building_ids = [job.params.get("building") for job in jobs]
    route_ids = [job.params.get("route") for job in jobs]
    building_names = dict(buildings.filter(pk__in=building_ids).values_list("pk", "name"))
    route_names = dict(routes.filter(pk__in=route_ids).values_list("pk", "name"))
    return {
        job.pk: building_names.get(job.params.get("building")) or route_names.get(job.params.get("route"), "")
        for job in jobs
    }


@never_cache
@require_http_methods(["GET"])
@company_staff_required
def notices_download(request, pk):
    job = get_object_or_404(company_jobs(request.company), pk=pk, kind=KIND, state=Job.State.DONE)
    path = notices_file(job)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), content_type="application/pdf", filename=f"notices-{job.pk}.pdf")
