"""价格政策工作台 (/bureau/prices/): the bureau holding the price-policy duty drafts a policy (a copy of the
one in force), edits it, and publishes it. The work is done in heating.services.policy and
heating.selectors.policy_desk; these views talk."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heating.imports import files as upload_files
from heating.models import PricePolicy
from heating.selectors.policy_desk import (
    desk_policies,
    desk_policy,
    draft_problems,
    draft_warnings,
    notice_pdf_for,
    policy_history,
    price_bureau,
)
from heating.services.policy import (
    DRAFT_FIELDS,
    FIGURES,
    figure_problems,
    policy_draft_delete,
    policy_draft_new,
    policy_draft_update,
    policy_publish,
)
from heating.views.files import stored_file_download

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DraftForm(forms.ModelForm):
    notice_pdf = forms.FileField(
        label=gettext_lazy("通知 PDF"), required=False,
        help_text=gettext_lazy("可选：印发的通知文件，PDF，不超过 10 MB；上传新文件替换旧文件。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    class Meta:
        model = PricePolicy
        fields = DRAFT_FIELDS
        widgets = {
            "effective_from": DATE,
            "effective_until": DATE,
            "notice_date": DATE,
            "notice_text": forms.Textarea(attrs={"rows": 14}),
        }
        labels = {"code": gettext_lazy("文号（通知编号）")}

    def clean(self):
        data = super().clean()
        for name, problem in figure_problems(data).items():
            if name not in self.errors:
                self.add_error(name, problem)
        return data


@never_cache
@login_required
@require_GET
def desk(request):
    """Every policy with its period and state, and the button that starts a draft."""
    price_bureau(request.user)
    return render(request, "heating/policy_desk/desk.html", {"rows": desk_policies(timezone.localdate())})


@login_required
@require_POST
def draft_new(request):
    price_bureau(request.user)
    try:
        draft = policy_draft_new(user=request.user, today=timezone.localdate())
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("policy-desk")
    messages.success(request, _("已复制现行价格政策为草稿“%(code)s”，请修改后发布。") % {"code": draft.code})
    return redirect("policy-desk-policy", draft.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def policy(request, pk: int):
    """A draft's form (every figure, flag, the period and the notice), or a published policy read-only
    with its history."""
    found = desk_policy(request.user, pk)
    if found.is_published:
        context = {"policy": found, "history": policy_history(found), "figures": _figures(found)}
        return render(request, "heating/policy_desk/published.html", context)
    form = DraftForm(request.POST or None, request.FILES or None, instance=found)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("notice_pdf")
        if upload and upload.size > upload_files.MAX_BYTES:  # cut short by the first upload handler
            form.add_error("notice_pdf", _("文件过大，未能完整接收。"))
        else:
            try:
                policy_draft_update(
                    user=request.user, policy_id=found.pk,
                    values={name: form.cleaned_data[name] for name in DRAFT_FIELDS}, notice_pdf=upload,
                )
            except ValidationError as refused:
                on_file = getattr(refused, "code", None) in {"extension", "empty", "size", "content", "name"}
                form.add_error("notice_pdf" if on_file else None, refused)
            else:
                messages.success(request, _("草稿已保存。"))
                return redirect("policy-desk-policy", found.pk)
    saved = PricePolicy.objects.get(pk=found.pk)  # the form's instance holds what was typed
    context = {
        "form": form,
        "policy": saved,
        "problems": draft_problems(saved),
        "warnings": draft_warnings(saved),
        "whatif_url": f"{reverse('whatif-new')}?policy={saved.pk}",
        "has_pdf": hasattr(saved, "notice_pdf"),
    }
    return render(request, "heating/policy_desk/draft.html", context, status=400 if form.errors else 200)


def _figures(policy: PricePolicy) -> list[tuple[str, object]]:
    fields = [PricePolicy._meta.get_field(name) for name in ("effective_from", "effective_until", *FIGURES)]
    return [(f.verbose_name, getattr(policy, f.name)) for f in fields]


@login_required
@require_POST
def draft_delete(request, pk: int):
    found = desk_policy(request.user, pk)
    try:
        policy_draft_delete(user=request.user, policy_id=found.pk)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("policy-desk-policy", found.pk)
    messages.success(request, _("草稿“%(code)s”已删除。") % {"code": found.code})
    return redirect("policy-desk")


@login_required
@require_POST
def draft_publish(request, pk: int):
    found = desk_policy(request.user, pk)
    try:
        published = policy_publish(user=request.user, policy_id=found.pk)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("policy-desk-policy", found.pk)
    messages.success(
        request,
        _("价格政策“%(code)s”已发布：计算器、费用查询接口和政策公开页面即刻按它计算和展示。")
        % {"code": published.code},
    )
    return redirect("policy-desk-policy", found.pk)


@never_cache
@require_GET
def notice_pdf(request, pk: int):
    """A notice's PDF: public once its policy is published, the desk's before."""
    return stored_file_download(notice_pdf_for(request.user, pk))
