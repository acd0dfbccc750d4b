"""Low-income certificates (POLICY.md §5): a household applies from the portal with a scan; the
civil-affairs bureau's queue approves, denies or revokes, and imports its roster. The work is done in
heating.services.lowincome, heating.imports.roster and heating.selectors.lowincome; these views talk."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heating.imports import files as upload_files
from heating.imports.common import NotPending
from heating.imports.files import CONTENT_TYPES, FORMATS, summary_load
from heating.imports.roster import KIND as ROSTER
from heating.imports.roster import MAX_ROWS as ROSTER_MAX_ROWS
from heating.imports.roster import import_roster_file, roster_batch_commit, roster_template
from heating.models import ImportBatch, LowIncomeCertificate
from heating.selectors.lowincome import (
    bureau_certificate,
    bureau_queue,
    civil_affairs_bureau,
    resident_certificates,
    scan_for,
)
from heating.selectors.scope import resident_accounts
from heating.services.decisions import certificate_approve, certificate_deny, certificate_revoke
from heating.services.lowincome import certificate_apply
from heating.views.files import stored_file_download

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplicationForm(forms.Form):
    account = forms.ModelChoiceField(
        label=gettext_lazy("供暖户号（您居住的一户）"), queryset=None, empty_label=None
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("证件类别"),
        choices=[
            (LowIncomeCertificate.Kind.DIBAO, gettext_lazy("低保证（城市低保）")),
            (LowIncomeCertificate.Kind.TEKUN, gettext_lazy("特困人员证（城市特困）")),
        ],
    )
    number = forms.CharField(label=gettext_lazy("证件编号"), max_length=50)
    valid_from = forms.DateField(label=gettext_lazy("有效期起"), widget=DATE)
    valid_until = forms.DateField(
        label=gettext_lazy("有效期至"), required=False, widget=DATE,
        help_text=gettext_lazy("证件上没有截止日期的可不填。"),
    )
    scan = forms.FileField(
        label=gettext_lazy("证件扫描件或照片"),
        help_text=gettext_lazy("PDF、JPG 或 PNG，不超过 5 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = resident_accounts(user).select_related("company", "premises")
        self.fields["account"].label_from_instance = lambda a: f"{a.company.name} {a.number} {a.premises}"

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("有效期至不能早于有效期起。"))
        return data


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def apply(request):
    """困难群体收费申请: the form for one of the user's homes and the applications made so far."""
    form = ApplicationForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["scan"]
        if upload.size > upload_files.MAX_BYTES:  # cut short by the first upload handler
            form.add_error("scan", _("文件过大，未能完整接收。"))
        else:
            data = form.cleaned_data
            try:
                certificate_apply(
                    user=request.user, account_id=data["account"].pk, kind=data["kind"],
                    number=data["number"], valid_from=data["valid_from"], valid_until=data["valid_until"],
                    upload=upload,
                )
            except ValidationError as refused:
                on_file = refused.code in {"extension", "empty", "size", "content", "name"}
                form.add_error("scan" if on_file else None, refused)
            else:
                messages.success(request, _("申请已提交，民政部门审定后会在“我的供暖”和账单上显示。"))
                return redirect("lowincome-apply")
    context = {
        "form": form,
        "has_homes": resident_accounts(request.user).exists(),
        "certificates": resident_certificates(request.user),
    }
    return render(request, "heating/lowincome/apply.html", context, status=400 if form.errors else 200)


@never_cache
@require_GET
@login_required
def scan_download(request, pk: int):
    scan = scan_for(request.user, pk)
    return stored_file_download(scan)


@never_cache
@login_required
def queue(request):
    """民政部门的待审定: pending applications and approvals in force, personal data masked."""
    context = bureau_queue(request.user, today=timezone.localdate())
    return render(request, "heating/lowincome/queue.html", context)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", "approve"), ("deny", "deny"), ("revoke", "revoke")])
    reason = forms.CharField(required=False, max_length=1000)
    effective = forms.DateField(required=False)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    certificate = bureau_certificate(request.user, pk)
    errors = []
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if not form.is_valid():
            errors = [e for field_errors in form.errors.values() for e in field_errors]
        else:
            errors = _decide(request, certificate, form.cleaned_data)
            if not errors:
                return redirect("lowincome-queue")
    status = 400 if errors else 200
    context = {"certificate": certificate, "errors": errors}
    return render(request, "heating/lowincome/detail.html", context, status=status)


def _decide(request, certificate, data) -> list[str]:
    action, reason = data["action"], data["reason"]
    try:
        if action == "approve":
            certificate_approve(user=request.user, certificate_id=certificate.pk, comment=reason)
            messages.success(request, _("已批准。"))
        elif action == "deny":
            certificate_deny(user=request.user, certificate_id=certificate.pk, reason=reason)
            messages.success(request, _("已不予批准，理由会显示给申请人。"))
        else:
            certificate_revoke(
                user=request.user, certificate_id=certificate.pk, reason=reason, effective=data["effective"]
            )
            messages.success(request, _("已撤销。"))
    except ValidationError as refused:
        return refused.messages
    return []


class RosterForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("名册文件"),
        help_text=gettext_lazy("CSV（UTF-8 或 GB18030 编码）或 Excel .xlsx，不超过 5 MB、20,000 行。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def _roster_batches(request):
    return ImportBatch.objects.filter(company=civil_affairs_bureau(request.user), kind=ROSTER)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def roster(request):
    """名册导入: upload (checked and previewed, nothing written) and the bureau's earlier files."""
    bureau = civil_affairs_bureau(request.user)
    form = RosterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > upload_files.MAX_BYTES:
            form.add_error("file", _("文件过大，未能完整接收。"))
        else:
            result = import_roster_file(
                bureau=bureau, user=request.user, file_name=upload.name, data=upload.read()
            )
            if result.ok:
                messages.success(request, _("文件校验通过，请核对后点击“确认导入”。"))
            else:
                messages.error(request, _("文件有错误，未写入任何数据。请按下列错误修改后重新上传。"))
            return redirect("lowincome-roster-detail", pk=result.batch.pk)
    batches = _roster_batches(request).select_related("created_by").order_by("-created_at", "-id")
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "max_rows": ROSTER_MAX_ROWS}
    return render(request, "heating/lowincome/roster.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
def roster_detail(request, pk: int):
    batch = get_object_or_404(_roster_batches(request).select_related("created_by"), pk=pk)
    summary = summary_load(batch.pk) or {}
    errors = Paginator(batch.errors, 200).get_page(request.GET.get("errors_page"))
    context = {"batch": batch, "summary": summary, "errors": errors}
    return render(request, "heating/lowincome/roster_detail.html", context)


@require_POST
@login_required
def roster_commit(request, pk: int):
    batch = get_object_or_404(_roster_batches(request), pk=pk)
    try:
        result = roster_batch_commit(batch=batch, user=request.user)
    except NotPending:
        messages.error(request, _("该批次不在待确认状态，不能导入。"))
    else:
        if result.committed:
            messages.success(request, _("已导入，共 %(rows)s 行。") % {"rows": result.rows})
        else:
            messages.error(request, _("确认导入时重新校验发现错误（数据在预览后有变化），未写入任何数据。"))
    return redirect("lowincome-roster-detail", pk=batch.pk)


@login_required
def roster_file_template(request, fmt: str):
    civil_affairs_bureau(request.user)
    if fmt not in FORMATS:
        raise Http404
    response = HttpResponse(roster_template(fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="low-income-roster-template.{fmt}"'
    return response
