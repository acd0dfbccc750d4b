"""Price what-ifs for the bureau holding the price-policy duty: choose a settled season and one or two
policies, watch the job, read what would change (charts with their tables), export it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from heating.models import PricePolicy
from heating.models.policy import season_name
from heating.services.jobs import JobActive
from heating.views.jobs import progress_data
from subsidy.export import whatif_csv, whatif_workbook
from subsidy.selectors.whatif_page import (
    group_label,
    policies_to_try,
    price_bureau,
    seasons_over,
    whatif_charts,
    whatif_for,
    whatif_recent,
)
from subsidy.services.whatif import WhatIfRefused, whatif_start


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def whatif_new(request):
    bureau = price_bureau(request.user)
    seasons = seasons_over()
    policies = list(policies_to_try())
    source = request.POST if request.method == "POST" else request.GET
    form = {
        "season": _int(source.get("season", "")) or (seasons[0] if seasons else None),
        "policy": _int(source.get("policy", "")),
        "other": _int(source.get("other", "")),
    }
    error = None
    if request.method == "POST":
        by_pk = {p.pk: p for p in policies}
        chosen = [by_pk.get(form["policy"]), by_pk.get(form["other"])]
        if form["season"] not in seasons:
            error = _("请选择已经结束的供暖季。")
        elif chosen[0] is None:
            error = _("请选择要测算的价格政策。")
        elif form["other"] is not None and (chosen[1] is None or chosen[1] == chosen[0]):
            error = _("对比政策须是另一项价格政策。")
        else:
            try:
                whatif = whatif_start(
                    season_year=form["season"],
                    policies=[p for p in chosen if p is not None],
                    bureau=bureau,
                    user=request.user,
                )
            except WhatIfRefused as refused:
                error = str(refused)
            except JobActive:  # the job's params name a new what-if: never in practice
                error = _("已有相同的测算正在进行。")
            else:
                return redirect("whatif", pk=whatif.pk)
    context = {
        "form": form,
        "error": error,
        "seasons": [(year, season_name(year)) for year in seasons],
        "policies": policies,
        "draft": PricePolicy.Status.DRAFT,
        "recent": whatif_recent(bureau),
    }
    return render(request, "subsidy/whatif/new.html", context, status=400 if error else 200)


@never_cache
@require_GET
@login_required
def whatif_detail(request, pk):
    whatif = whatif_for(request.user, pk)
    columns = whatif.result.get("policies", [])
    for column in columns:
        for group in column["groups"]:
            group["label"] = group_label(group)
    context = {
        "whatif": whatif,
        "season": season_name(whatif.season_year),
        "columns": columns,
        "charts": whatif_charts(whatif.result),
        "job": whatif.job,
    }
    return render(request, "subsidy/whatif/detail.html", context)


@never_cache
@require_GET
@login_required
def whatif_progress(request, pk):
    whatif = whatif_for(request.user, pk)
    response = JsonResponse(progress_data(whatif.job))
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
@login_required
def whatif_export(request, pk, fmt):
    whatif = whatif_for(request.user, pk)
    name = f"whatif-{season_name(whatif.season_year)}-{whatif.pk}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(whatif_csv(whatif.result), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            whatif_workbook(whatif.result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
