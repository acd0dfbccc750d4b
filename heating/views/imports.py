"""File imports for company staff: upload → preview (every bad row listed) → 确认导入 → history.

The work is done in heating.imports; these views only scope by company, talk and redirect.
"""
import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from heating.imports import (
    NotPending,
    bank_collection,
    import_onboarding_file,
    import_readings_file,
    onboarding_template,
    readings_template,
)
from heating.imports import reconciliation as statement
from heating.imports.bank_collection import bank_collection_template, import_bank_collection_file
from heating.imports.common import batch_refused
from heating.imports.files import (
    CONTENT_TYPES,
    FORMATS,
    MAX_BYTES,
    MAX_ROWS,
    FileRefused,
    csv_export,
    summary_load,
)
from heating.imports.jobs import COMMITS, batch_commit_is_job, batch_commit_start, batch_job_params
from heating.imports.jobs import KIND as COMMIT_JOB
from heating.imports.onboarding import batch_note
from heating.models import Account, BankCollection, ImportBatch, Reading
from heating.selectors.jobs import job_latest
from heating.selectors.scope import company_staff_required
from heating.services.jobs import JobActive

READINGS, ONBOARDING = ImportBatch.Kind.READINGS, ImportBatch.Kind.ONBOARDING
BANK_COLLECTION = ImportBatch.Kind.BANK_COLLECTION
STATEMENT = ImportBatch.Kind.STATEMENT
IMPORTERS = {
    READINGS: import_readings_file,
    ONBOARDING: import_onboarding_file,
    BANK_COLLECTION: import_bank_collection_file,
    STATEMENT: statement.import_statement_file,
}
# Files of a kind with its own, smaller bounds (the others: MAX_BYTES, MAX_ROWS).
LIMITS = {
    BANK_COLLECTION: (bank_collection.MAX_BYTES, bank_collection.MAX_ROWS),
    STATEMENT: (statement.MAX_BYTES, statement.MAX_ROWS),
}
TEMPLATES = {
    READINGS: readings_template,
    ONBOARDING: onboarding_template,
    BANK_COLLECTION: bank_collection_template,
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("CSV（UTF-8 或 GB18030 编码）或 Excel .xlsx，不超过 20 MB、200,000 行。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def _company_batches(request):
    return ImportBatch.objects.filter(company=request.company)


@company_staff_required
def import_list(request):
    batches = _company_batches(request).select_related("created_by").order_by("-created_at", "-id")
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    return render(request, "heating/imports/list.html", {"page": page})


BANK_COLLECTION_HELP = gettext_lazy("CSV（UTF-8 或 GB18030 编码）或 Excel .xlsx，不超过 5 MB、50,000 行。")


def _upload(request, kind):
    form = UploadForm(request.POST or None, request.FILES or None)
    if kind == BANK_COLLECTION:
        form.fields["file"].help_text = BANK_COLLECTION_HELP
    if request.method == "POST" and form.is_valid():
        return import_receive(request, kind, form.cleaned_data["file"])
    return render(
        request,
        "heating/imports/upload.html",
        {
            "form": form, "kind": kind, "kind_label": ImportBatch.Kind(kind).label,
            "max_rows": LIMITS.get(kind, (MAX_BYTES, MAX_ROWS))[1],
            "max_mb": LIMITS.get(kind, (MAX_BYTES, MAX_ROWS))[0] // (1024 * 1024),
        },
    )


def import_receive(request, kind, upload):
    """An uploaded file of `kind` checked and recorded as a batch; on to the batch's page."""
    if upload.size > MAX_BYTES:
        # Of the part kept: heating.imports.uploads drops what comes past the limit.
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        mb = MAX_BYTES // (1024 * 1024)
        refusal = FileRefused(_("文件超过 %(mb)s MB，请拆分后分批导入。") % {"mb": mb})
        result = batch_refused(
            company=request.company, user=request.user, kind=kind, file_name=upload.name,
            sha256=digest.hexdigest(), refusal=refusal,
        )
    else:
        result = IMPORTERS[kind](
            company=request.company, user=request.user, file_name=upload.name, data=upload.read(),
            commit=False,
        )
    if result.ok:
        messages.success(request, _("文件校验通过，请核对后点击“确认导入”。"))
    else:
        messages.error(request, _("文件有错误，未写入任何数据。请按下列错误修改后重新上传。"))
    return redirect("import-detail", pk=result.batch.pk)


@company_staff_required
def import_readings(request):
    return _upload(request, READINGS)


@company_staff_required
def import_onboarding(request):
    return _upload(request, ONBOARDING)


@company_staff_required
def import_bank_collection(request):
    return _upload(request, BANK_COLLECTION)


@company_staff_required
def import_detail(request, pk):
    batch = get_object_or_404(_company_batches(request).select_related("created_by"), pk=pk)
    summary = summary_load(batch.pk) or {}
    errors = Paginator(batch.errors, 200).get_page(request.GET.get("errors_page"))
    context = {
        "batch": batch,
        "summary": summary,
        "errors": errors,
        "written": None,
        "preview_hours": settings.IMPORT_PREVIEW_HOURS,
        "job": job_latest(company=request.company, kind=COMMIT_JOB, params=batch_job_params(batch)),
    }
    if batch.status == ImportBatch.Status.COMMITTED:
        if batch.kind == READINGS:
            written = (
                Reading.objects.filter(import_batch=batch, company=request.company)
                .select_related("meter")
                .order_by("id")
            )
        elif batch.kind == BANK_COLLECTION:
            written = (
                BankCollection.objects.filter(batch=batch, company=request.company)
                .select_related("payment__account")
                .order_by("id")
            )
        elif batch.kind == ONBOARDING:
            written = (
                Account.objects.filter(company=request.company, terms__note__startswith=batch_note(batch.pk))
                .select_related("customer", "premises__building")
                .order_by("number")
            )
        else:  # a statement writes no rows of its own: its page is the reconciliation's
            written = None
        if written is not None:
            context["written"] = Paginator(written, 100).get_page(request.GET.get("page"))
    return render(request, "heating/imports/detail.html", context)


@require_POST
@company_staff_required
def import_commit(request, pk):
    batch = get_object_or_404(_company_batches(request), pk=pk)
    if batch_commit_is_job(batch):
        return _commit_as_job(request, batch)
    try:
        result = COMMITS[batch.kind](batch=batch, user=request.user)
    except NotPending:
        messages.error(request, _("该批次不在待确认状态，不能导入。"))
    else:
        if result.committed:
            messages.success(request, _("已导入，共 %(rows)s 行。") % {"rows": result.rows})
        else:
            messages.error(
                request,
                _("确认导入时重新校验发现错误（数据在预览后有变化），未写入任何数据。"),
            )
    return redirect("import-detail", pk=batch.pk)


def _commit_as_job(request, batch):
    try:
        batch_commit_start(batch=batch, user=request.user)
    except NotPending:
        messages.error(request, _("该批次不在待确认状态，不能导入。"))
    except JobActive:
        messages.info(request, _("该批次已在后台导入中，请在本页查看进度。"))
    else:
        messages.info(
            request,
            _("文件较大（%(rows)s 行），已转入后台导入，可在本页查看进度；离开本页不影响导入。")
            % {"rows": batch.rows},
        )
    return redirect("import-detail", pk=batch.pk)


@company_staff_required
def import_errors(request, pk):
    """The batch's errors as a CSV the clerk can open next to the file."""
    batch = get_object_or_404(_company_batches(request), pk=pk)
    rows = ([e["row"] or "", e["column"], e["message"]] for e in batch.errors)
    data = csv_export([_("行号"), _("列"), _("原因")], rows)
    response = HttpResponse(data, content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
    return response


@company_staff_required
def import_template(request, kind, fmt):
    if kind not in TEMPLATES or fmt not in FORMATS:
        raise Http404
    response = HttpResponse(TEMPLATES[kind](fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response
