"""A company manager opens the claim for a season that has begun (it is submitted from its page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heating.models.policy import season_name
from heating.selectors.scope import company_staff_required
from subsidy.services.claims import claim_create

SEASONS_OFFERED = 5


def seasons_offered(today) -> list[tuple[int, str]]:
    """The last few seasons, the latest first: a claim is for a season that has begun."""
    return [(year, season_name(year)) for year in range(today.year, today.year - SEASONS_OFFERED, -1)]


@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required(manager=True)
def claim_new(request):
    seasons = seasons_offered(timezone.localdate())
    form, error = {"season": str(seasons[1][0]), "note": ""}, None
    if request.method == "POST":
        form = {"season": request.POST.get("season", "")[:10], "note": request.POST.get("note", "")[:2000]}
        try:
            start_year = int(form["season"])
        except ValueError:
            error = _("供暖季：请选择一个供暖季。")
        else:
            try:
                claim = claim_create(user=request.user, start_year=start_year, note=form["note"])
            except ValidationError as refused:
                error = _("供暖季：") + "；".join(refused.messages)
            else:
                messages.success(request, _("已创建补贴申请。核对数据后请提交。"))
                return redirect("subsidy-claim", pk=claim.pk)
    context = {"seasons": seasons, "form": form, "error": error}
    return render(request, "subsidy/new.html", context, status=400 if error else 200)
