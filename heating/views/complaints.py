"""Complaints and repair requests (投诉/报修) on the portal: the resident files one from their home and
confirms or reopens the answer; the account's company works its queue by building (assign, measure,
answer); the bureaus overseeing service (and supervising prices) follow them. Who sees which complaint
is heating.selectors.complaints; what may change is heating.services.complaints."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heating.models import Complaint, Duty
from heating.models.complaints import PHOTO_MAX_BYTES, PHOTOS_MAX
from heating.selectors.complaints import (
    STATE_FILTERS,
    bureau_complaint_or_404,
    cold_by_building,
    company_buildings,
    company_complaint_or_404,
    company_queue,
    company_staff,
    complaint_photo_for,
    complaint_stats,
    overdue_complaints,
    resident_account_or_404,
    resident_complaint_or_404,
    resident_complaints,
    sees_complaints,
    service_overseer,
    suspected_violations,
)
from heating.selectors.scope import bureau_duties, company_staff_required
from heating.services.complaints import (
    complaint_answer,
    complaint_assign,
    complaint_confirm,
    complaint_file,
    complaint_measure,
    complaint_reopen,
)

from .files import stored_file_download
from .page_input import posted_text as _text
from .page_input import refusal_messages as _errors
from .page_input import storable


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def complaint_new(request, company, number):
    """投诉报修: the category, what happened, photos."""
    if not storable(company) or not storable(number):
        raise Http404
    account = resident_account_or_404(request.user, company, number)
    errors, form = {}, {"category": request.GET.get("category", "")[:10], "description": "", "suspected": ""}
    if request.method == "POST":
        form = {
            "category": _text(request.POST, "category", 10),
            "description": _text(request.POST, "description", 4000),
            "suspected": _text(request.POST, "suspected", 10),
        }
        try:
            complaint = complaint_file(
                user=request.user,
                account_id=account.pk,
                category=form["category"],
                description=form["description"],
                suspected_violation=form["suspected"] == "yes",
                photos=request.FILES.getlist("photos")[: PHOTOS_MAX + 1],
            )
        except ValidationError as refused:
            errors = _errors(refused)
        else:
            messages.success(request, _("已提交，供热企业将在答复期限内处理。"))
            return redirect("complaint-detail", pk=complaint.pk)
    context = {
        "account": account,
        "categories": Complaint.Category.choices,
        "form": form,
        "errors": errors,
        "max_mb": PHOTO_MAX_BYTES // (1024 * 1024),
        "max_files": PHOTOS_MAX,
        "about_price": list(Complaint.ABOUT_PRICE),
    }
    return render(request, "heating/complaints/new.html", context, status=400 if errors else 200)


@never_cache
@require_GET
@login_required
def complaint_list(request):
    """我的投诉: the resident's complaints, newest first."""
    return render(request, "heating/complaints/list.html", {"complaints": resident_complaints(request.user)})


def _page(request, complaint, template, **extra):
    context = {
        "complaint": complaint,
        "account": complaint.account,
        "minimum": settings.COMPLAINT_MIN_ROOM_TEMPERATURE,
        "now": timezone.now(),
        **extra,
    }
    return render(request, template, context, status=400 if extra.get("errors") else 200)


@never_cache
@require_GET
@login_required
def complaint_detail(request, pk):
    return _page(request, resident_complaint_or_404(request.user, pk), "heating/complaints/resident.html")


@never_cache
@require_POST
@login_required
def complaint_respond(request, pk):
    """The resident's answer to the company's: 确认 with a rating, or 重新处理 with a reason."""
    complaint = resident_complaint_or_404(request.user, pk)
    reopening = request.POST.get("action") == "reopen"
    try:
        if reopening:
            complaint_reopen(
                user=request.user, complaint_id=complaint.pk, reason=_text(request.POST, "reason", 4000)
            )
        else:
            complaint_confirm(
                user=request.user,
                complaint_id=complaint.pk,
                rating=_text(request.POST, "rating", 2),
                note=_text(request.POST, "note", 4000),
            )
    except ValidationError as refused:
        complaint = resident_complaint_or_404(request.user, pk)
        return _page(request, complaint, "heating/complaints/resident.html", errors=_errors(refused))
    messages.success(request, _("已要求重新处理。") if reopening else _("已确认办结，感谢您的评价。"))
    return redirect("complaint-detail", pk=complaint.pk)


@never_cache
@require_GET
def complaint_photo(request, pk):
    return stored_file_download(complaint_photo_for(request.user, pk))


@never_cache
@require_GET
@company_staff_required
def company_list(request):
    """投诉报修: the company's complaints by building, filtered by state, category and building."""
    state = request.GET.get("state", "open")
    state = state if state in STATE_FILTERS else "open"
    category = request.GET.get("category", "")[:10]
    building = request.GET.get("building", "")[:12]
    context = {
        "complaints": company_queue(request.company, state=state, category=category, building=building),
        "buildings": company_buildings(request.company),
        "categories": Complaint.Category.choices,
        "states": [
            ("open", _("待处理")),
            ("overdue", _("已超期")),
            ("answered", _("待居民确认")),
            ("confirmed", _("已办结")),
            ("all", _("全部")),
        ],
        "state": state,
        "category": category,
        "building": building,
        "now": timezone.now(),
    }
    return render(request, "heating/complaints/company_queue.html", context)


def _measured_at(text: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return timezone.make_aware(moment)


@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required
def company_detail(request, pk):
    """One complaint for the company: assign it, record a room temperature, answer it."""
    complaint = company_complaint_or_404(request.company, pk)
    errors, form = {}, {"answer": "", "value": "", "place": "", "measured_at": ""}
    if request.method == "POST":
        action = request.POST.get("action", "")
        form.update({name: _text(request.POST, name, 4000) for name in form})
        done = {
            "assign": _("已派单。"),
            "measure": _("已记录室温。"),
            "answer": _("已答复，等待居民确认。"),
        }
        try:
            if action == "assign":
                complaint_assign(
                    user=request.user,
                    complaint_id=complaint.pk,
                    assignee_id=_text(request.POST, "assignee", 12),
                )
            elif action == "measure":
                complaint_measure(
                    user=request.user,
                    complaint_id=complaint.pk,
                    value=form["value"],
                    place=form["place"][:200],
                    measured_at=_measured_at(form["measured_at"]),
                )
            elif action == "answer":
                complaint_answer(user=request.user, complaint_id=complaint.pk, answer=form["answer"])
            else:
                raise ValidationError(_("请选择要办理的步骤。"))
        except ValidationError as refused:
            errors = _errors(refused)
            complaint = company_complaint_or_404(request.company, pk)
        else:
            messages.success(request, done[action])
            if action == "answer":
                return redirect("complaint-company-list")
            return redirect("complaint-company", pk=complaint.pk)
    if not form["measured_at"]:
        form["measured_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return _page(
        request,
        complaint,
        "heating/complaints/company.html",
        errors=errors,
        form=form,
        staff=company_staff(request.company),
    )


def _bureau(request):
    if not sees_complaints(request.user):
        raise PermissionDenied


@never_cache
@require_GET
@login_required
def bureau_list(request):
    """投诉监督: for the service-oversight bureau, each company's figures, the overdue complaints and the
    chart of cold flats by building; for the market bureau, complaints flagged as suspected price
    violations."""
    _bureau(request)
    context = {
        "overseer": service_overseer(request.user),
        "supervises_prices": Duty.PRICE_SUPERVISION in bureau_duties(request.user),
    }
    if context["overseer"]:
        cold = cold_by_building()
        context.update(
            stats=complaint_stats(),
            overdue=overdue_complaints(),
            cold=cold,
            chart={
                "labels": [f"{row.building}（{row.company}）" for row in cold],
                "complaints": [row.complaints for row in cold],
                "below": [row.below_minimum for row in cold],
                "complaints_label": _("室温投诉（件）"),
                "below_label": _("低于下限的测温（次）"),
            },
        )
    if context["overseer"] or context["supervises_prices"]:
        context["suspected"] = suspected_violations()
    return render(request, "heating/complaints/bureau.html", context)


@never_cache
@require_GET
@login_required
def bureau_detail(request, pk):
    _bureau(request)
    return _page(request, bureau_complaint_or_404(request.user, pk), "heating/complaints/bureau_detail.html")
