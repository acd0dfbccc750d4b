"""The finance bureau records the 供热配套费 returned to each company and corrects a record."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heating.models import Duty, Organisation
from heating.selectors.scope import bureau_duties
from heating.selectors.statements import season_from_name
from subsidy.models import ConnectionFee
from subsidy.selectors.inputs import connection_fee_groups
from subsidy.services.fees import connection_fee_correct, connection_fee_record

from .amounts import typed_amount

RECORD_FIELDS = ("company", "season", "amount", "returned_on", "reference", "note")


def _finance_only(request) -> None:
    if Duty.SUBSIDY_APPROVE not in bureau_duties(request.user):
        raise PermissionDenied


def _companies():
    return Organisation.objects.filter(kind=Organisation.Kind.COMPANY).order_by("name")


def _page(request, *, record=None, errors=None, correcting=None, correction=None, status=200):
    context = {
        "groups": connection_fee_groups(),
        "companies": _companies(),
        "record": record or dict.fromkeys(RECORD_FIELDS, ""),
        "errors": errors or {},
        "correcting": correcting,
        "correction": correction or {"amount": "", "reason": ""},
    }
    return render(request, "subsidy/fees.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def fee_page(request):
    """Every recorded fee by company and season, and the form to record one."""
    _finance_only(request)
    if request.method == "GET":
        return _page(request)
    record = {name: request.POST.get(name, "")[:500].strip() for name in RECORD_FIELDS}
    errors = {}
    company = _companies().filter(code=record["company"][:20]).first()
    if company is None:
        errors["company"] = [_("请选择供热企业。")]
    start_year = season_from_name(record["season"][:20])
    if start_year is None:
        errors["season"] = [_("格式为 YYYY-YYYY，如 2019-2020。")]
    amount = typed_amount(record["amount"][:30])
    if amount is None:
        errors["amount"] = [_("请填写金额，如 1680.00。")]
    try:
        returned_on = datetime.date.fromisoformat(record["returned_on"][:10])
    except ValueError:
        errors["returned_on"] = [_("请填写日期，如 2020-06-30。")]
    if not errors:
        try:
            connection_fee_record(
                company=company,
                start_year=start_year,
                amount=amount,
                returned_on=returned_on,
                user=request.user,
                reference=record["reference"],
                note=record["note"],
            )
        except ValidationError as refused:
            errors = refused.message_dict
        else:
            messages.success(request, _("已登记供热配套费返还。"))
            return redirect("subsidy-fees")
    return _page(request, record=record, errors=errors, status=400)


@never_cache
@require_POST
@login_required
def fee_correct(request, pk: int):
    """Take back part or all of a recorded return, with the reason."""
    _finance_only(request)
    fee = get_object_or_404(ConnectionFee, pk=pk)
    correction = {
        "amount": request.POST.get("amount", "")[:30],
        "reason": request.POST.get("reason", "")[:500],
    }
    amount = typed_amount(correction["amount"])
    if amount is None:
        errors = {"amount": [_("请填写金额，如 1680.00。")]}
    else:
        try:
            connection_fee_correct(fee=fee, amount=amount, reason=correction["reason"], user=request.user)
        except ValidationError as refused:
            errors = refused.message_dict if hasattr(refused, "error_dict") else {"all": refused.messages}
        else:
            messages.success(request, _("已更正供热配套费记录。"))
            return redirect("subsidy-fees")
    return _page(request, errors=errors, correcting=fee.pk, correction=correction, status=400)
