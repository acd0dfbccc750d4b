"""Institutions' applications for the residential price on the portal: the institution's contact or
its company's staff apply for an institution account and follow the application; the bureau whose
duty covers the category decides it from its queue. Who sees which application is
heating.selectors.institutions; what may change is the services'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from heating.models import InstitutionApproval
from heating.models.accounts import Decision
from heating.models.institutions import DOCUMENT_MAX_BYTES, DOCUMENTS_MAX
from heating.models.policy import season_name
from heating.selectors.institutions import (
    account_approvals,
    account_or_404,
    applicant_approval_or_404,
    applicant_approvals,
    bureau_approval_or_404,
    bureau_queue,
    deciding_categories,
    document_for,
    institution_accounts,
)
from heating.selectors.policy import priced_seasons
from heating.services.decisions import institution_decide
from heating.services.institutions import institution_apply

from .files import stored_file_download
from .page_input import posted_text, refusal_messages, storable


@never_cache
@require_GET
@login_required
def application_list(request):
    """单位执行居民价格: the institution accounts the user may apply for and their applications."""
    accounts = list(
        institution_accounts(request.user).select_related("company", "premises").order_by("number")
    )
    approvals = list(applicant_approvals(request.user).order_by("-id")[:200])
    if not accounts and not approvals:
        raise PermissionDenied
    return render(request, "heating/institutions/list.html", {"accounts": accounts, "approvals": approvals})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def apply(request, company, number):
    """The application: category, first season, own-use space and documents."""
    if not storable(company) or not storable(number):
        raise Http404
    account = account_or_404(request.user, company, number)
    seasons = priced_seasons()
    errors = {}
    form = {"category": "", "from_year": str(seasons[0]) if seasons else "", "statement": ""}
    if request.method == "POST":
        form = {name: posted_text(request.POST, name, 4000) for name in form}
        try:
            approval = institution_apply(
                user=request.user,
                account_id=account.pk,
                category=form["category"],
                from_year=int(form["from_year"]) if form["from_year"].isdigit() else 0,
                statement=form["statement"],
                documents=request.FILES.getlist("documents")[: DOCUMENTS_MAX + 1],
            )
        except ValidationError as refused:
            errors = refusal_messages(refused)
        else:
            messages.success(request, _("申请已提交，由主管部门审定后自所选供暖季起执行居民价格。"))
            return redirect("institution-detail", pk=approval.pk)
    context = {
        "account": account,
        "earlier": account_approvals(account),
        "categories": InstitutionApproval.Category.choices,
        "seasons": [(str(year), season_name(year)) for year in seasons],
        "form": form,
        "errors": errors,
        "max_mb": DOCUMENT_MAX_BYTES // (1024 * 1024),
        "max_files": DOCUMENTS_MAX,
    }
    return render(request, "heating/institutions/apply.html", context, status=400 if errors else 200)


def _page(request, approval, template, **extra):
    context = {"approval": approval, "account": approval.account, "season": season_name(approval.from_year)}
    return render(request, template, {**context, **extra}, status=400 if extra.get("errors") else 200)


@never_cache
@require_GET
@login_required
def application_detail(request, pk):
    return _page(request, applicant_approval_or_404(request.user, pk), "heating/institutions/detail.html")


@never_cache
@require_GET
def document(request, pk):
    found = document_for(request.user, pk)
    return stored_file_download(found)


def _categories(request) -> list[str]:
    categories = deciding_categories(request.user)
    if not categories:
        raise PermissionDenied
    return categories


@never_cache
@require_GET
@login_required
def queue(request):
    """单位居民价格审定: pending applications of the bureau's categories, and those decided lately."""
    pending, decided = bureau_queue(_categories(request))
    return render(request, "heating/institutions/queue.html", {"pending": pending, "decided": decided})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def bureau_detail(request, pk):
    approval = bureau_approval_or_404(_categories(request), pk)
    errors, form = {}, {"outcome": "approve", "comment": ""}
    if request.method == "POST":
        form = {name: posted_text(request.POST, name, 4000) for name in form}
        try:
            institution_decide(
                user=request.user, approval_id=approval.pk, approve=form["outcome"] == "approve",
                comment=form["comment"],
            )
        except ValidationError as refused:
            errors = refusal_messages(refused)
        else:
            messages.success(request, _("已作出审定。"))
            return redirect("institution-queue")
    pending = approval.status == Decision.PENDING
    template = "heating/institutions/bureau.html"
    return _page(request, approval, template, errors=errors, form=form, pending=pending)
