"""A heating company's manager declares the season's operating cost and attaches its supporting files;
the company's staff and the subsidy bureaus download those files."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from heating.imports import files as upload_files
from heating.models.policy import season_name
from heating.selectors.overview import current_season
from heating.selectors.scope import company_staff_required
from heating.views.files import stored_file_download
from heating.views.seasons import BadSeason, bad_season_page, season_named
from subsidy.attachments import max_bytes
from subsidy.models import COST_CATEGORIES
from subsidy.selectors.inputs import cost_attachment_for, cost_declarations
from subsidy.services.costs import cost_attachment_add, cost_declare

from .amounts import typed_amount


@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required(manager=True)
def cost_page(request):
    """The season's current declaration, its earlier versions, a form to declare anew and an upload."""
    text = request.GET.get("season")
    try:
        start_year = current_season(timezone.localdate()) - 1 if text is None else season_named(text)
    except BadSeason as bad:
        return bad_season_page(request, bad, title=_("运营成本"), back="subsidy-costs")
    declarations = cost_declarations(request.company, start_year)
    current = declarations[0] if declarations else None
    form = {name: "" if current is None else str(getattr(current, name)) for name, _label in COST_CATEGORIES}
    form["note"] = ""
    errors = {}
    if request.method == "POST":
        if request.POST.get("action") == "attach":
            errors = _attach(request, current)
        else:
            form, errors = _declare(request, start_year)
        if not errors:
            return redirect(f"{reverse('subsidy-costs')}?season={season_name(start_year)}")
    context = {
        "season": season_name(start_year),
        "current": current,
        "earlier": declarations[1:],
        "fields": [(name, label, form[name], errors.get(name)) for name, label in COST_CATEGORIES],
        "note": form["note"],
        "errors": errors,
        "max_mb": max_bytes() // (1024 * 1024),
    }
    return render(request, "subsidy/costs.html", context, status=400 if errors else 200)


def _declare(request, start_year: int) -> tuple[dict, dict]:
    """(what was typed, errors by field): declares when every amount reads as one."""
    form = {name: request.POST.get(name, "")[:30] for name, _label in COST_CATEGORIES}
    form["note"] = request.POST.get("note", "")[:500]
    amounts = {name: typed_amount(form[name]) for name, _label in COST_CATEGORIES}
    errors = {name: [_("请填写金额，如 1680.00。")] for name, value in amounts.items() if value is None}
    if errors:
        return form, errors
    try:
        cost_declare(
            company=request.company,
            start_year=start_year,
            user=request.user,
            amounts=amounts,
            note=form["note"],
        )
    except ValidationError as refused:
        return form, refused.message_dict if hasattr(refused, "error_dict") else {"all": refused.messages}
    messages.success(request, _("已申报运营成本。"))
    return form, {}


def _attach(request, current) -> dict:
    # The body was read through settings.FILE_UPLOAD_HANDLERS, whose first handler keeps no more than
    # IMPORT_MAX_BYTES + 1 of a file; the service refuses anything past SUBSIDY_ATTACHMENT_MAX_BYTES.
    upload = request.FILES.get("file")
    if current is None:
        return {"file": [_("请先申报本供暖季的运营成本，再上传附件。")]}
    if upload is None:
        return {"file": [_("请选择要上传的文件。")]}
    if upload.size > upload_files.MAX_BYTES:  # cut short by that handler: never keep part of a file
        return {"file": [_("文件过大，未能完整接收。")]}
    try:
        cost_attachment_add(declaration=current, user=request.user, upload=upload)
    except ValidationError as refused:
        return {"file": refused.messages}
    messages.success(request, _("已上传附件。"))
    return {}


@never_cache
@require_GET
def cost_attachment_download(request, pk: int):
    attachment = cost_attachment_for(request.user, pk)
    return stored_file_download(attachment)
