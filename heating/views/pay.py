"""The resident pays online from the bill: 去缴费 → a page confirming the amount the server computed and
choosing among the company's providers → the provider's pay step → back to the bill, which asks the
provider once about the order if its notification has not landed. The sandbox provider's pay step is a
cashier page here (演示), whose 确认支付 pays the sandbox trade and hands its signed notification to the
same service the notification endpoint calls, so the real signature check runs. And every payment's
electronic receipt (电子收据) for the account's resident."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heating.models import PaymentOrder, ProviderAccount
from heating.models.policy import season_name
from heating.payments import sandbox
from heating.payments.providers import Payer, ProviderError
from heating.selectors.orders import online_providers, payment_purpose
from heating.selectors.scope import resident_order_or_404, resident_payment_or_404
from heating.services.notices import qr_svg
from heating.services.orders import CreatedOrder, notification_apply, order_amount, order_create
from heating.services.receipts import receipt_issue

from .bill import bill_or_404
from .payments import receipt_response


def _bill_url(order: PaymentOrder) -> str:
    account, season = order.account, season_name(order.season_year)
    return reverse("resident-bill", args=[account.company.code, account.number, season])


def _payer(request, bill_url: str) -> Payer:
    """Phone or desktop by the browser's own word; the provider's page sends the payer back to the
    bill, which then asks the provider about their newest open order."""
    phone = "Mobi" in request.headers.get("User-Agent", "")
    return Payer(
        scene=Payer.PHONE if phone else Payer.DESKTOP,
        client_ip=request.META.get("REMOTE_ADDR", ""),
        return_url=request.build_absolute_uri(bill_url) + "?order=latest",
    )


def _pay_step(request, created: CreatedOrder):
    """Where the payer pays: the sandbox's cashier page, a WeChat Pay QR code to scan (Native, on a
    desktop), or the provider's page (WeChat H5, Alipay)."""
    if created.order.provider == sandbox.NAME:
        return redirect("sandbox-cashier", pk=created.order.pk)
    if created.pay.get("code_url"):
        context = {
            "order": created.order,
            "qr": qr_svg(created.pay["code_url"]),
            "bill": _bill_url(created.order),
        }
        return render(request, "heating/resident/pay_qr.html", context)
    url = created.pay.get("h5_url") or created.pay.get("pay_url") or ""
    if not url.startswith("https://"):
        raise ValidationError(_("该支付方式暂不支持在本页面支付，请选择其他方式。"), code="no_pay_step")
    return redirect(url)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def pay_confirm(request, company, number, season):
    page = bill_or_404(request, company, number, season)
    account = page.account
    if account.customer.user_id != request.user.id:
        raise Http404
    purpose = payment_purpose(settled=page.settled)
    providers = online_providers(account.company_id)
    if not providers:
        raise Http404
    error = None
    if request.method == "POST":
        chosen = request.POST.get("provider", "")[:20]
        if chosen not in dict(providers):
            error = _("请选择支付方式。")
        else:
            try:
                created = order_create(
                    account=account,
                    season_year=page.season_year,
                    purpose=purpose,
                    provider=chosen,
                    payer=_payer(request, reverse("resident-bill", args=[company, number, season])),
                )
                return _pay_step(request, created)
            except ValidationError as refused:
                error = "；".join(refused.messages)
            except ProviderError:
                error = _("支付渠道暂时无法受理，请稍后再试或到营业厅缴费。")
    context = {
        "page": page,
        "account": account,
        "purpose": PaymentOrder.Purpose(purpose).label,
        "amount": order_amount(account=account, season_year=page.season_year, purpose=purpose),
        "providers": providers,
        "error": error,
    }
    return render(request, "heating/resident/pay.html", context, status=400 if error else 200)


def _sandbox_order(request, pk) -> PaymentOrder:
    """The resident's own sandbox order, while the company's sandbox merchant is configured."""
    order = resident_order_or_404(request.user, pk)
    configured = ProviderAccount.objects.filter(
        company_id=order.company_id, provider=sandbox.NAME, active=True
    ).exists()
    if order.provider != sandbox.NAME or not configured:
        raise Http404
    return order


@never_cache
@require_GET
@login_required
def sandbox_cashier(request, pk):
    order = _sandbox_order(request, pk)
    if order.state != PaymentOrder.State.CREATED:
        return redirect(_bill_url(order))
    context = {"order": order, "bill": _bill_url(order)}
    return render(request, "heating/resident/sandbox_cashier.html", context)


@require_POST
@login_required
def sandbox_pay(request, pk):
    order = _sandbox_order(request, pk)
    if order.state == PaymentOrder.State.CREATED:
        headers, body = sandbox.trade_pay(order.out_trade_no)
        notification_apply(provider=sandbox.NAME, headers=headers, body=body)
    return redirect(f"{_bill_url(order)}?order={order.pk}")


@never_cache
@require_GET
@login_required
def receipt_pdf(request, pk):
    payment = resident_payment_or_404(request.user, pk)
    try:
        receipt = receipt_issue(payment=payment)
    except ValidationError:
        raise Http404 from None
    return receipt_response(request, receipt, electronic=True)
