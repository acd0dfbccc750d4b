"""A resident's bill for a season and its statement as PDF, at the addresses printed notices carry
(CONTRACTS.md "Resident portal addresses"). Anyone but the account's holders and its company's staff,
and any address that names no bill, gets the same 404."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from heating.pdf import pdf_from_html, premises_address
from heating.selectors.bill import SeasonBillPage, season_bill_page
from heating.selectors.heat_use import heat_use
from heating.selectors.lowincome import season_low_income
from heating.selectors.orders import online_providers, open_orders, payment_purpose, returning_order
from heating.selectors.scope import resident_bill_account_or_404
from heating.selectors.statements import season_from_name
from heating.services.orders import order_amount, order_refresh

from .page_input import storable

STATEMENT_CSS = settings.BASE_DIR / "static" / "css" / "statement.css"


def bill_or_404(request, company: str, number: str, season: str) -> SeasonBillPage:
    """A season that is no season is no bill: 404 like every other address that names none."""
    if not all(storable(part) for part in (company, number, season)):
        raise Http404
    start_year = season_from_name(season)
    if start_year is None:
        raise Http404
    account = resident_bill_account_or_404(request.user, company, number)
    page = season_bill_page(account, start_year, today=timezone.localdate())
    if page is None:
        raise Http404
    return page


def _context(page: SeasonBillPage) -> dict:
    return {"page": page, "account": page.account, "address": premises_address(page.account.premises)}


def _payable_online(page: SeasonBillPage) -> bool:
    """The company takes payments online and the ledger has an amount to pay now (before settlement
    a prepayment the notice computes but the ledger has not charged is paid at the counter)."""
    purpose = payment_purpose(settled=page.settled)
    return bool(online_providers(page.account.company_id)) and (
        order_amount(account=page.account, season_year=page.season_year, purpose=purpose) > 0
    )


@never_cache
@require_GET
@login_required
def season_bill(request, company, number, season):
    # Back from paying (?order=): the provider is asked once about that order if it is still open.
    returning = returning_order(request.user, request.GET.get("order", "")[:12])
    if returning is not None:
        order_refresh(returning)
    page = bill_or_404(request, company, number, season)
    holder = page.account.customer.user_id == request.user.id
    context = {
        **_context(page),
        "heat_use": heat_use(page.account, page.season_year),
        "low_income": season_low_income(page.account, page.season_year),
        "holder": holder,
        "pay_online": holder and bool(page.to_pay) and _payable_online(page),
        "open_orders": open_orders(page.account, page.season_year) if holder else [],
    }
    return render(request, "heating/resident/bill.html", context)


@never_cache
@require_GET
@login_required
def statement_pdf(request, company, number, season):
    page = bill_or_404(request, company, number, season)
    context = {**_context(page), "printed_at": timezone.localtime()}
    html = render_to_string("heating/resident/statement_pdf.html", context, request=request)
    response = HttpResponse(pdf_from_html(html, STATEMENT_CSS), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{page.account.number}-{page.season}.pdf"'
    return response
