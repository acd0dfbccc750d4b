"""The daily reconciliation (对账) for company staff: the days reconciled and the statement upload,
one day's differences, and a manager's resolution of one difference."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from heating.models import ImportBatch, Mismatch, Role
from heating.selectors.reconciliation import mismatches, reconciliation_get, reconciliations
from heating.selectors.scope import company_staff_required
from heating.services.reconciliation import mismatch_resolve

from .imports import UploadForm, import_receive


class StatementForm(UploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("对账单")
        self.fields["file"].help_text = gettext_lazy(
            "微信支付交易账单（CSV）、支付宝账单（业务明细或账务明细，CSV）或银行代收文件（CSV 或 .xlsx），"
            "一天一份，不超过 10 MB、20,000 行。"
        )


class ResolveForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("处理"), choices=Mismatch.Action.choices)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=200)


@company_staff_required
def reconciliation_list(request):
    form = StatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return import_receive(request, ImportBatch.Kind.STATEMENT, form.cleaned_data["file"])
    page = Paginator(reconciliations(request.company), 30).get_page(request.GET.get("page"))
    return render(request, "heating/reconciliation/list.html", {"page": page, "form": form})


def _day(request, pk):
    reconciliation = reconciliation_get(request.company, pk)
    if reconciliation is None:
        raise Http404
    return reconciliation


@company_staff_required
def reconciliation_day(request, pk):
    reconciliation = _day(request, pk)
    context = {
        "reconciliation": reconciliation,
        "mismatches": list(mismatches(reconciliation)),
        "can_resolve": request.membership.role == Role.MANAGER,
    }
    return render(request, "heating/reconciliation/day.html", context)


@require_POST
@company_staff_required(manager=True)
def mismatch_resolve_view(request, pk):
    form = ResolveForm(request.POST)
    mismatch = Mismatch.objects.filter(pk=pk, reconciliation__company=request.company).first()
    if mismatch is None:
        raise Http404
    if mismatch.resolved_at is not None:
        messages.info(request, _("该差异此前已处理，未再记账。"))
    elif not form.is_valid():
        messages.error(request, _("请选择处理方式并填写原因（最多 200 字）。"))
    else:
        try:
            done = mismatch_resolve(
                company=request.company, mismatch_id=pk, action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"], user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已处理：%(action)s。") % {"action": done.get_action_display()})
    return redirect("reconciliation-day", pk=mismatch.reconciliation_id)
