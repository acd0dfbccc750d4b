"""The bureau starts a check and reads its findings; a company reads the findings about it. Exports
(CSV, Excel) and the printable report show exactly what the page shows to the same person."""

import csv
import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heating.imports.files import csv_cell
from heating.models import Organisation
from heating.models.policy import season_name
from heating.selectors.complaints import sees_complaints
from heating.selectors.policy import NoPolicyInForce
from heating.selectors.statements import season_from_name
from heating.services.jobs import JobActive
from heating.views.jobs import progress_data
from supervision.models import Case, ComplianceCheck, Finding
from supervision.selectors.access import check_for, findings_of, viewer
from supervision.services.cases import case_open
from supervision.services.check_job import check_start

PAGE_SIZE = 50


def _companies():
    return Organisation.objects.filter(kind=Organisation.Kind.COMPANY).order_by("code")


def _start(request, bureau):
    """The start form's POST: company (or every one), season, refund deadline."""
    errors = {}
    code = request.POST.get("company", "")[:20]
    company = None
    if code:
        company = _companies().filter(code=code).first()
        if company is None:
            errors["company"] = _("请选择供热企业。")
    start_year = season_from_name(request.POST.get("season", "")[:20].strip())
    if start_year is None:
        errors["season"] = _("请按 YYYY-YYYY 填写供暖季。")
    try:
        deadline = datetime.date.fromisoformat(request.POST.get("deadline", "")[:10])
    except ValueError:
        deadline = None
        errors["deadline"] = _("请填写退费期限。")
    if not errors:
        try:
            check = check_start(
                bureau=bureau, company=company, start_year=start_year, deadline=deadline, user=request.user
            )
            return redirect("supervision-check", check.pk), errors
        except NoPolicyInForce:
            errors["season"] = _("该供暖季没有已公布的价格政策。")
        except JobActive:
            errors["season"] = _("同样的检查正在进行，请等待其完成。")
    return None, errors


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def home(request):
    """The bureau's checks and the form to start one; a company's findings and cases."""
    bureau, company = viewer(request.user)
    if bureau is None and company is None:
        raise PermissionDenied
    errors, form = {}, {"company": "", "season": "", "deadline": ""}
    if request.method == "POST":
        if bureau is None:
            raise PermissionDenied
        form = {name: request.POST.get(name, "")[:20] for name in form}
        response, errors = _start(request, bureau)
        if response:
            return response
    if bureau is not None:
        context = {
            "bureau": bureau,
            "checks": ComplianceCheck.objects.filter(bureau=bureau).select_related("company", "job")[:50],
            "cases": Case.objects.filter(check_run__bureau=bureau).select_related("company")[:50],
            "companies": _companies(),
            "errors": errors,
            "form": form,
            "sees_complaints": sees_complaints(request.user),
        }
    else:
        context = {
            "company": company,
            "checks": ComplianceCheck.objects.filter(findings__company=company)
            .distinct()
            .select_related("bureau")[:50],
            "cases": Case.objects.filter(company=company).select_related("check_run__bureau")[:50],
        }
    return render(request, "supervision/home.html", context, status=400 if errors else 200)


def _filtered(request, check, company):
    rows = findings_of(check, company)
    kind = request.GET.get("kind", "")[:30]
    if kind in Finding.Kind.values:
        rows = rows.filter(kind=kind)
    code = request.GET.get("company", "")[:20]
    if code and company is None:
        rows = rows.filter(company__code=code)
    return rows, kind, code


@never_cache
@require_GET
@login_required
def check_page(request, pk):
    check, bureau, company = check_for(request.user, pk)
    rows, kind, code = _filtered(request, check, company)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page", "")[:10])
    context = {
        "check": check,
        "bureau": bureau,
        "page": page,
        "kinds": Finding.Kind.choices,
        "kind": kind,
        "company_code": code,
        "companies": _companies() if bureau else [],
        "query": request.GET.copy(),
    }
    return render(request, "supervision/check.html", context)


@never_cache
@require_GET
@login_required
def check_progress(request, pk):
    check, _bureau, _company = check_for(request.user, pk)
    response = JsonResponse(progress_data(check.job))
    response["Cache-Control"] = "no-store"
    return response


HEADER = ("company", "account", "holder", "kind", "charged", "allowed", "excess", "statement", "refund")


def _file_name(check, extension: str) -> str:
    return f"compliance-{check.pk}-{season_name(check.season_year)}.{extension}"


def _rows(rows):
    for f in rows:
        yield [
            csv_cell(f.company.code),
            csv_cell(f.account.number),
            csv_cell(f.holder),
            f.get_kind_display(),
            f.charged,
            f.allowed,
            f.excess,
            f.statement_id or "",
            f.refund_id or "",
        ]


def _labels():
    return [
        _("供热企业"),
        _("户号"),
        _("户主（脱敏）"),
        _("问题类别"),
        _("实收或应收（元）"),
        _("政策允许（元）"),
        _("差额（元）"),
        _("结算单"),
        _("退费"),
    ]


@never_cache
@require_GET
@login_required
def findings_csv(request, pk):
    check, _bureau, company = check_for(request.user, pk)
    rows, _kind, _code = _filtered(request, check, company)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_labels())
    writer.writerows(_rows(rows.iterator()))
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(check, "csv")}"'
    return response


@never_cache
@require_GET
@login_required
def findings_xlsx(request, pk):
    from openpyxl import Workbook

    check, _bureau, company = check_for(request.user, pk)
    rows, _kind, _code = _filtered(request, check, company)
    book = Workbook()
    sheet = book.active
    sheet.title = _("检查发现")
    sheet.append(_labels())
    for row in _rows(rows.iterator()):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(check, "xlsx")}"'
    return response


@never_cache
@require_GET
@login_required
def report(request, pk):
    """The printable report: the check, its counts by kind and every finding (print CSS)."""
    check, bureau, company = check_for(request.user, pk)
    rows = findings_of(check, company)
    counts = {value: 0 for value in Finding.Kind.values}
    for value in rows.values_list("kind", flat=True):
        counts[value] += 1
    by_kind = [(label, counts[value]) for value, label in Finding.Kind.choices]
    context = {"check": check, "rows": rows, "by_kind": by_kind, "company": company}
    return render(request, "supervision/report.html", context)


@require_POST
@login_required
def case_new(request, pk):
    check, bureau, _company = check_for(request.user, pk)
    if bureau is None:
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("finding")[:500] if v.isdigit() and len(v) < 12]
    try:
        case = case_open(
            bureau=bureau,
            check=check,
            finding_ids=ids,
            text=request.POST.get("text", "")[:2000],
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("supervision-check", check.pk)
    return redirect("supervision-case", case.pk)
