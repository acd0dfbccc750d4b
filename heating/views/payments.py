"""柜台收款: a clerk takes a payment and hands over a receipt (收据); a manager reverses a mistaken one;
the day's takings (日结) per clerk and channel."""

import datetime
import io
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from heating.amount_words import amount_in_capitals
from heating.imports.files import csv_cell, csv_export
from heating.models import Account, Payment, PaymentOrder, Receipt, Role
from heating.models.policy import season_name
from heating.pdf import pdf_from_html, premises_address
from heating.selectors.scope import company_staff_required
from heating.selectors.statements import season_from_name
from heating.selectors.takings import amount_proposed, counter_season, day_takings
from heating.services.receipts import payment_take, receipt_void

# A credit and a bank's collection are never taken at the counter.
NOT_AT_COUNTER = (Payment.Channel.CREDIT, Payment.Channel.BANK_COLLECTION)
CHANNELS = [choice for choice in Payment.Channel.choices if choice[0] not in NOT_AT_COUNTER]
MOST = Decimal("1000000.00")
RECEIPT_CSS = str(settings.BASE_DIR / "static" / "css" / "receipt.css")


class BadInput(ValueError):
    pass


def _account(request, number) -> Account:
    return get_object_or_404(
        Account.objects.select_related("customer", "company"), company=request.company, number=number[:20]
    )


def _amount(text: str) -> Decimal:
    try:
        amount = Decimal(text.strip()[:20])
    except InvalidOperation:
        raise BadInput(_("金额：请填写数字，如 1680.00。")) from None
    if not amount.is_finite() or amount <= 0 or amount > MOST or amount != amount.quantize(Decimal("0.01")):
        raise BadInput(_("金额：须大于 0、不超过 1000000，且最多两位小数。"))
    return amount


def _form_input(request) -> dict:
    post = request.POST
    start_year = season_from_name(post.get("season", "").strip()[:20])
    if start_year is None:
        raise BadInput(
            _("供暖季：") + _("须给出一个供暖季，格式为 YYYY-YYYY，且后一年等于前一年加一，如 2019-2020。")
        )
    channel = post.get("channel", "")
    if channel not in dict(CHANNELS):
        raise BadInput(_("方式：请选择收款方式。"))
    return {
        "season_year": start_year,
        "amount": _amount(post.get("amount", "")),
        "channel": channel,
        "reference": post.get("reference", "").strip()[:100],
    }


def _receipts(account):
    return (
        Receipt.objects.filter(payment__account=account)
        .select_related("payment", "void")
        .order_by("-issued_at")[:10]
    )


@never_cache
@require_http_methods(["GET", "POST"])
@company_staff_required
def payment_take_page(request, number):
    account = _account(request, number)
    start_year = season_from_name(request.GET.get("season", "")[:20]) or counter_season(timezone.localdate())
    form = {"season": season_name(start_year), "channel": Payment.Channel.CASH, "reference": ""}
    error = None
    if request.method == "POST":
        form = {
            key: request.POST.get(key, "").strip()[:100]
            for key in ("season", "amount", "channel", "reference")
        }
        try:
            receipt = payment_take(account=account, user=request.user, **_form_input(request))
        except BadInput as bad:
            error = str(bad)
        except ValidationError as refused:
            error = "；".join(refused.messages)
        else:
            messages.success(request, _("已收款并开具收据 %(number)s。") % {"number": receipt.number})
            return redirect(reverse("payment-take", args=[account.number]) + f"?receipt={receipt.pk}")
    else:
        form["amount"] = amount_proposed(account, start_year)
    issued = None
    if request.GET.get("receipt", "").isdigit():
        issued = Receipt.objects.filter(pk=int(request.GET["receipt"][:12]), payment__account=account).first()
    context = {
        "account": account,
        "form": form,
        "error": error,
        "channels": CHANNELS,
        "issued": issued,
        "receipts": _receipts(account),
        "may_void": request.membership.role == Role.MANAGER,
    }
    return render(request, "heating/counter/pay.html", context, status=400 if error else 200)


def _company_receipt(request, pk) -> Receipt:
    return get_object_or_404(
        Receipt.objects.select_related(
            "company", "issued_by", "payment__account__customer", "payment__account__premises__building"
        ),
        pk=pk,
        company=request.company,
    )


@require_POST
@company_staff_required(manager=True)
def receipt_void_page(request, pk):
    """Reversal is approved by a manager: the clerk who took the money does not undo it alone."""
    receipt = _company_receipt(request, pk)
    try:
        receipt_void(receipt=receipt, reason=request.POST.get("reason", "")[:200], user=request.user)
    except ValidationError as refused:
        messages.error(request, "；".join(refused.messages))
    else:
        messages.success(request, _("收据 %(number)s 已作废，收款已冲正。") % {"number": receipt.number})
    return redirect("payment-take", receipt.payment.account.number)


def receipt_response(request, receipt: Receipt, *, electronic: bool = False) -> HttpResponse:
    """The receipt as PDF: the counter's printout, or the resident's electronic receipt (电子收据) of
    the same numbered receipt, with the provider's transaction and time for a payment made online."""
    payment = receipt.payment
    order = PaymentOrder.objects.filter(payment=payment).first()
    html = render_to_string(
        "heating/counter/receipt_pdf.html",
        {
            "receipt": receipt,
            "payment": payment,
            "order": order,
            "electronic": electronic,
            "address": premises_address(payment.account.premises),
            "season": season_name(payment.season_year),
            "capitals": amount_in_capitals(payment.amount),
        },
        request=request,
    )
    response = HttpResponse(pdf_from_html(html, RECEIPT_CSS), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt.number}.pdf"'
    return response


@never_cache
@require_GET
@company_staff_required
def receipt_pdf(request, pk):
    return receipt_response(request, _company_receipt(request, pk))


HEADER = (
    gettext_lazy("收款员"),
    gettext_lazy("方式"),
    gettext_lazy("笔数"),
    gettext_lazy("金额（元）"),
    gettext_lazy("冲正笔数"),
    gettext_lazy("冲正金额（元）"),
    gettext_lazy("净额（元）"),
)


def _cells(row) -> list:
    return [row.clerk, row.channel, row.count, row.total, row.reversed_count, row.reversed_total, row.net]


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("日结")
    sheet.append([str(title) for title in HEADER])
    for row in rows:
        sheet.append([csv_cell(cell) if isinstance(cell, str) else cell for cell in _cells(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@never_cache
@require_GET
@company_staff_required
def cashup(request):
    """Managers see every clerk's takings; a clerk sees their own."""
    text = request.GET.get("day", "")[:10]
    try:
        day = datetime.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return render(
            request, "heating/counter/cashup.html", {"error": _("日期：请按 YYYY-MM-DD 填写。")}, status=400
        )
    manager = request.membership.role == Role.MANAGER
    rows = day_takings(request.company, day, clerk=None if manager else request.user)
    export = request.GET.get("format")
    if export == "csv":
        body = csv_export([str(title) for title in HEADER], [_cells(row) for row in rows])
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    elif export == "xlsx":
        response = HttpResponse(
            _workbook(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    elif export:
        raise Http404
    else:
        totals = {
            "count": sum(r.count for r in rows),
            "total": sum((r.total for r in rows), Decimal("0.00")),
            "reversed_count": sum(r.reversed_count for r in rows),
            "reversed_total": sum((r.reversed_total for r in rows), Decimal("0.00")),
            "net": sum((r.net for r in rows), Decimal("0.00")),
        }
        context = {"day": day.isoformat(), "rows": rows, "totals": totals, "manager": manager}
        return render(request, "heating/counter/cashup.html", context)
    response["Content-Disposition"] = f'attachment; filename="cashup-{day.isoformat()}.{export}"'
    return response
