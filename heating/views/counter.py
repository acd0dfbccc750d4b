"""收费台: clerks and managers find any account of their company at once and open its page; the change
of owner (过户) is recorded there. Identity numbers typed into either are never sent back."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from heating.models import Account
from heating.selectors.account_page import account_page
from heating.selectors.counter import MAX_QUERY, account_search, holds_id_number
from heating.selectors.scope import company_staff_required
from heating.services.accounts import account_transfer_to_new_holder

from .page_input import storable

ACCOUNT_NUMBER_MAX = Account._meta.get_field("number").max_length


def _search(request) -> dict:
    """The search's context and HTTP status: a query too long or not storable is refused (400).
    The page's form posts, and the script posts what looks like an identity number, so that one
    never sits in a URL (history, proxies); GET ?q= serves the script and links."""
    query = (request.POST if request.method == "POST" else request.GET).get("q", "")
    if len(query) > MAX_QUERY:
        return {"error": _("查询内容太长：最多 %(max)s 个字符。") % {"max": MAX_QUERY}, "status": 400}
    if not storable(query):
        return {"error": _("查询内容含有无法识别的字符。"), "status": 400}
    hidden = holds_id_number(query)
    return {
        # An identity number is searched for, never shown back: the box comes back empty.
        "q": "" if hidden else query.strip(),
        "searched": bool(query.strip()),
        "by_id_number": hidden,
        "private_query": hidden,  # base.html: the language switch's way back leaves the query out
        "results": account_search(request.company, query),
        "status": 200,
    }


@sensitive_post_parameters("q")
@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required
def counter(request):
    context = _search(request)
    return render(request, "heating/counter/search.html", context, status=context["status"])


@sensitive_post_parameters("q")
@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required
def counter_search(request):
    """The results as an HTML fragment, for static/js/counter_search.js as the clerk types."""
    context = _search(request)
    return render(request, "heating/counter/_results.html", context, status=context["status"])


class TransferForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("新户主姓名/单位名称"), max_length=100)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    id_number = forms.CharField(
        label=gettext_lazy("身份证号（可不填）"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    on = forms.DateField(label=gettext_lazy("过户日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        for key in ("name", "phone", "id_number"):
            if not storable(data.get(key) or ""):
                self.add_error(key, _("含有无法识别的字符。"))
        return data


def _render(request, page, form: TransferForm, *, status=200):
    return render(
        request, "heating/counter/account.html", {"page": page, "transfer_form": form}, status=status
    )


@sensitive_post_parameters("id_number")
@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required
def staff_account(request, number):
    if len(number) > ACCOUNT_NUMBER_MAX or not storable(number):
        raise Http404
    page = account_page(request.company, number, today=timezone.localdate())
    if page is None:
        raise Http404
    if request.method != "POST":
        return _render(
            request, page, TransferForm(initial={"on": timezone.localdate()}, auto_id="transfer-%s")
        )
    form = TransferForm(request.POST, auto_id="transfer-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            account_transfer_to_new_holder(
                account=page.account,
                name=data["name"].strip(),
                phone=data["phone"].strip(),
                id_number=data["id_number"].strip(),
                on=data["on"],
                user=request.user,
            )
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                for key, errors in refused.message_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                form.add_error(None, refused.messages)
        else:
            messages.success(
                request,
                _("已过户：自 %(on)s 起户主为 %(name)s。")
                % {"on": data["on"].isoformat(), "name": data["name"].strip()},
            )
            return redirect(reverse("staff-account", kwargs={"number": page.account.number}))
    # Never sent back: a refused form asks for the identity number again.
    form.data = form.data.copy()
    form.data["id_number"] = ""
    return _render(request, page, form, status=400)
