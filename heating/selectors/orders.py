"""Online payment on a resident's bill: which providers the company offers, the season's orders still
open (paid at the provider, perhaps, its notification not landed yet: 确认中), and what a payment now
is for. The caller has scoped the account."""

from heating.models import Account, Payment, PaymentOrder, ProviderAccount
from heating.payments.providers import provider_get

from .scope import resident_accounts


def online_providers(company_id: int) -> list[tuple[str, str]]:
    """(name, label) of the company's active merchant accounts whose provider this server knows; one
    query."""
    names = ProviderAccount.objects.filter(company_id=company_id, active=True).order_by("provider")
    backends = [provider_get(name) for name in names.values_list("provider", flat=True)]
    return [(b.name, Payment.Channel(b.channel).label) for b in backends if b is not None]


def open_orders(account: Account, season_year: int) -> list[PaymentOrder]:
    return list(
        PaymentOrder.objects.filter(
            account=account, season_year=season_year, state=PaymentOrder.State.CREATED
        ).order_by("created_at")
    )


def payment_purpose(*, settled: bool) -> str:
    """Before settlement a resident pays the rest of the prepayment; after it, the balance owed."""
    return PaymentOrder.Purpose.OWED if settled else PaymentOrder.Purpose.PREPAYMENT


def returning_order(user, text: str) -> PaymentOrder | None:
    """The resident's own open order named by `?order=` on the way back from paying, if any:
    `?order=latest` (where a provider's page sends the payer back to) is their newest open order."""
    orders = PaymentOrder.objects.filter(
        state=PaymentOrder.State.CREATED, account__in=resident_accounts(user)
    )
    if text == "latest":
        return orders.order_by("-created_at").first()
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        return None
    return orders.filter(pk=int(text)).first()
