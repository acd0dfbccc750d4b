"""A company manager opens the claim for a season that has begun (it is submitted from its page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heating.models.policy import season_name
from heating.selectors.overview import current_season
from heating.selectors.scope import company_staff_required
from heating.views.seasons import BadSeason, season_named
from subsidy.services.claims import claim_create


@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required(manager=True)
def claim_new(request):
    # A claim follows a season's end: the last season is the likely one.
    form, error = {"season": season_name(current_season(timezone.localdate()) - 1), "note": ""}, None
    if request.method == "POST":
        form = {"season": request.POST.get("season", "")[:20], "note": request.POST.get("note", "")[:2000]}
        try:
            claim = claim_create(
                user=request.user, start_year=season_named(form["season"]), note=form["note"]
            )
        except BadSeason as bad:
            error = str(bad)
        except ValidationError as refused:
            error = _("供暖季：") + "；".join(refused.messages)
        else:
            messages.success(request, _("已创建补贴申请。核对数据后请提交。"))
            return redirect("subsidy-claim", pk=claim.pk)
    return render(request, "subsidy/new.html", {"form": form, "error": error}, status=400 if error else 200)
