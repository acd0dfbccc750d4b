"""Billing-area disputes on the portal: the resident files one from their home and follows it, the
account's company answers it from its queue, the bureau holding the area-decision duty decides it
from its own. Who sees which dispute is heating.selectors.disputes; what may change is the service's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heating.billing import PART_KINDS
from heating.billing.explain import PART_KIND_LABELS, language
from heating.models import AreaDispute
from heating.models.disputes import DOCUMENT_MAX_BYTES, DOCUMENTS_MAX, PARTS_MAX
from heating.models.policy import season_name
from heating.selectors.disputes import (
    account_disputes,
    area_decider,
    bureau_dispute_or_404,
    bureau_disputes,
    company_dispute_or_404,
    company_disputes,
    dispute_document_for,
    parts_shown,
    recorded_parts,
    resident_account_or_404,
    resident_dispute_or_404,
)
from heating.selectors.policy import priced_seasons
from heating.selectors.scope import company_staff_required
from heating.services.disputes import dispute_answer, dispute_decide, dispute_file, dispute_withdraw

from .files import stored_file_download
from .page_input import posted_text as _text
from .page_input import refusal_messages as _errors
from .page_input import storable

EMPTY_ROWS = 2


def _kinds():
    labels = PART_KIND_LABELS[language(get_language() or "")]
    return [(kind, labels[kind]) for kind in PART_KINDS]


def _typed_parts(post) -> list[dict]:
    """The rows of the parts table that were filled in (a row left wholly empty is no part)."""
    rows = [
        {"kind": _text(post, f"part-{i}-kind", 40), "area": _text(post, f"part-{i}-area", 20).strip()}
        for i in range(PARTS_MAX)
    ]
    return [row for row in rows if row["kind"] or row["area"]]


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def dispute_new(request, company, number):
    """对计费面积有异议: the parts as recorded (to correct), the season it should apply from, a statement
    and documents. An account with an open dispute shows that dispute instead."""
    if not storable(company) or not storable(number):
        raise Http404
    account = resident_account_or_404(request.user, company, number)
    earlier = account_disputes(account)
    open_dispute = next((d for d in earlier if d.is_open), None)
    if open_dispute is not None:
        return redirect("dispute-detail", pk=open_dispute.pk)
    seasons = priced_seasons()
    errors = {}
    if request.method == "POST":
        rows = _typed_parts(request.POST)
        season_text = _text(request.POST, "from_year", 10)
        statement = _text(request.POST, "statement", 4000)
        try:
            dispute = dispute_file(
                user=request.user,
                account_id=account.pk,
                from_year=int(season_text) if season_text.isdigit() else 0,
                parts=rows,
                statement=statement,
                documents=request.FILES.getlist("documents")[: DOCUMENTS_MAX + 1],
            )
        except ValidationError as refused:
            errors = _errors(refused)
        else:
            messages.success(request, _("已提交计费面积异议，供热企业答复后由房产管理部门认定。"))
            return redirect("dispute-detail", pk=dispute.pk)
        from_year = int(season_text) if season_text.isdigit() else None
    else:
        from_year = seasons[0] if seasons else None
        statement = ""
        rows = [{"kind": p.kind, "area": str(p.area)} for p in recorded_parts(account, from_year or 0)]
    rows = rows + [{"kind": "", "area": ""}] * max(0, min(EMPTY_ROWS, PARTS_MAX - len(rows)))
    context = {
        "account": account,
        "earlier": earlier,
        "seasons": [(year, season_name(year)) for year in seasons],
        "from_year": from_year,
        "rows": rows,
        "kinds": _kinds(),
        "statement": statement,
        "errors": errors,
        "max_mb": DOCUMENT_MAX_BYTES // (1024 * 1024),
        "max_files": DOCUMENTS_MAX,
    }
    return render(request, "heating/disputes/new.html", context, status=400 if errors else 200)


def _page(request, dispute, template, **extra):
    context = {
        "dispute": dispute,
        "account": dispute.account,
        "season": season_name(dispute.from_year),
        "parts": parts_shown(dispute.parts),
        **extra,
    }
    return render(request, template, context, status=400 if extra.get("errors") else 200)


@never_cache
@require_GET
@login_required
def dispute_detail(request, pk):
    """The resident's dispute: what they filed, the company's answer, the decision."""
    return _page(request, resident_dispute_or_404(request.user, pk), "heating/disputes/resident.html")


@never_cache
@require_POST
@login_required
def dispute_withdraw_view(request, pk):
    dispute = resident_dispute_or_404(request.user, pk)
    try:
        dispute_withdraw(user=request.user, dispute_id=dispute.pk)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("已撤回计费面积异议。"))
    return redirect("dispute-detail", pk=dispute.pk)


@never_cache
@require_GET
def dispute_document(request, pk):
    document = dispute_document_for(request.user, pk)
    return stored_file_download(document)


@never_cache
@require_GET
@company_staff_required
def company_queue(request):
    """面积异议: the company's disputes, those awaiting its answer first."""
    disputes = company_disputes(request.company)
    awaiting = sum(1 for d in disputes if d.state == AreaDispute.State.FILED)
    context = {"disputes": disputes, "awaiting": awaiting}
    return render(request, "heating/disputes/company_queue.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required
def company_answer(request, pk):
    dispute = company_dispute_or_404(request.company, pk)
    errors, response = {}, ""
    if request.method == "POST":
        response = _text(request.POST, "response", 4000)
        try:
            dispute_answer(user=request.user, dispute_id=dispute.pk, response=response)
        except ValidationError as refused:
            errors = _errors(refused)
        else:
            messages.success(request, _("已答复，等待房产管理部门认定。"))
            return redirect("dispute-company-queue")
    return _page(request, dispute, "heating/disputes/company.html", errors=errors, response=response)


def _decider(request):
    if not area_decider(request.user):
        raise PermissionDenied


@never_cache
@require_GET
@login_required
def bureau_queue(request):
    """计费面积争议认定: disputes the companies have answered, oldest first, and those decided lately."""
    _decider(request)
    awaiting, decided = bureau_disputes()
    return render(request, "heating/disputes/bureau_queue.html", {"awaiting": awaiting, "decided": decided})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def bureau_decide(request, pk):
    _decider(request)
    dispute = bureau_dispute_or_404(pk)
    errors, form = {}, {"outcome": "upheld", "area": "", "reference": "", "reason": ""}
    if request.method == "POST":
        form = {name: _text(request.POST, name, 4000) for name in form}
        try:
            dispute_decide(
                user=request.user,
                dispute_id=dispute.pk,
                upheld=form["outcome"] != "rejected",
                area=form["area"],
                reference=form["reference"][:200],
                reason=form["reason"],
            )
        except ValidationError as refused:
            errors = _errors(refused)
        else:
            messages.success(request, _("已作出认定。"))
            return redirect("dispute-bureau-queue")
    return _page(request, dispute, "heating/disputes/bureau.html", errors=errors, form=form)
