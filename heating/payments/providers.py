"""The one interface every payment provider implements, and the registry of providers by name.

A provider turns our order into its own request, checks its own signatures and answers in its own
format; it never touches our orders or the ledger (heating.services.orders does). WeChat Pay and
Alipay fit the same shape: `notification_merchant` picks the merchant configuration that verifies a
notification (WeChat: the platform public key's id in the Wechatpay-Serial header; Alipay: the
seller id in the body).

`create_order` answers what the payer's page needs, with exactly one of: `code_url` (shown as a QR
code on a desktop), `h5_url` or `pay_url` (the phone, or the desktop's browser, is sent there)."""

import datetime
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class MerchantConfig:
    """A company's merchant account, secrets decrypted (heating.payments.config); never logged."""

    provider: str
    merchant_id: str
    public_key: str
    secrets: dict = field(repr=False)
    app_id: str = ""
    # WeChat Pay: the id of the platform public key (the Wechatpay-Serial it signs with) and the
    # serial of the merchant's own API certificate.
    public_key_id: str = ""
    cert_serial_no: str = ""


@dataclass(frozen=True)
class Payer:
    """Where the payer pays from: `scene` PHONE (WeChat H5, Alipay wap) or DESKTOP (WeChat Native QR
    code, Alipay page); WeChat H5 wants the payer's IP address; `return_url` is where the provider's
    page sends the payer back to."""

    PHONE, DESKTOP = "phone", "desktop"

    scene: str = DESKTOP
    client_ip: str = ""
    return_url: str = ""


@dataclass(frozen=True)
class Notice:
    """What a verified notification says happened."""

    out_trade_no: str
    transaction_id: str
    amount: Decimal
    paid: bool
    paid_at: datetime.datetime | None


@dataclass(frozen=True)
class TradeStatus:
    """The provider's answer to a query: `state` is one of PAID, OPEN, CLOSED, REFUNDED."""

    PAID, OPEN, CLOSED, REFUNDED = "paid", "open", "closed", "refunded"

    out_trade_no: str
    state: str
    transaction_id: str = ""
    amount: Decimal | None = None
    paid_at: datetime.datetime | None = None


@dataclass(frozen=True)
class RefundStatus:
    """The provider's answer about one refund: `state` is one of SUCCEEDED, PROCESSING, FAILED or
    UNKNOWN (the provider has no refund under that number: the request never reached it);
    `reason` says why a refund failed, in words fit to show staff."""

    SUCCEEDED, PROCESSING, FAILED, UNKNOWN = "succeeded", "processing", "failed", "unknown"

    refund_no: str
    state: str
    refund_id: str = ""
    reason: str = ""


class RefundRefused(Exception):
    """The provider refused the refund outright (not paid, more than is left to refund); the
    message is the provider's reason, fit to show staff and free of secrets."""


class NotificationRefused(Exception):
    """The notification cannot be trusted; `verdict` is a PaymentNotification.Verdict value."""

    def __init__(self, verdict: str):
        super().__init__(verdict)
        self.verdict = verdict


class AlreadyPaid(Exception):
    """The provider will not close an order that was paid."""


class ProviderError(Exception):
    """The provider refused a request or could not be reached; the message never holds a secret."""


class Provider(ABC):
    name: str
    # The Payment.Channel a paid order is recorded under.
    channel: str

    @abstractmethod
    def create_order(
        self,
        config: MerchantConfig,
        *,
        out_trade_no: str,
        amount: Decimal,
        description: str,
        payer: Payer | None = None,
    ) -> dict:
        """Open the order with the provider; what the payer's page needs to pay it (no payer: DESKTOP)."""

    @abstractmethod
    def notification_merchant(self, headers: Mapping[str, str], body: bytes) -> str:
        """The merchant id whose configuration verifies this notification (unverified; raise
        NotificationRefused("malformed") when there is none)."""

    @abstractmethod
    def verify_notification(
        self, config: MerchantConfig, headers: Mapping[str, str], body: bytes, *, now: datetime.datetime
    ) -> Notice:
        """Check the signature and freshness and parse the body; raise NotificationRefused."""

    @abstractmethod
    def query_order(self, config: MerchantConfig, out_trade_no: str) -> TradeStatus: ...

    @abstractmethod
    def close_order(self, config: MerchantConfig, out_trade_no: str) -> None:
        """Close an unpaid order; raise AlreadyPaid when it was paid meanwhile."""

    @abstractmethod
    def refund(
        self, config: MerchantConfig, out_trade_no: str, *, refund_no: str, amount: Decimal
    ) -> None:
        """Ask the provider to pay `amount` of the paid order back to the payer under our
        `refund_no`, which is the provider's idempotency key (WeChat's out_refund_no, Alipay's
        out_request_no): asking again with the same number refunds once. Raise RefundRefused when the
        provider refuses; the outcome otherwise comes from `refund_query` (refunds are asynchronous).
        Any other exception means "not known to have arrived": the caller asks again later."""

    @abstractmethod
    def refund_query(self, config: MerchantConfig, out_trade_no: str, refund_no: str) -> RefundStatus:
        """Where the refund `refund_no` of the order stands."""

    @abstractmethod
    def ack(self, ok: bool) -> tuple[int, dict | str]:
        """The HTTP status and body the provider expects in answer to a notification: a dict is
        answered as JSON, a str as plain text."""


PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    PROVIDERS[provider.name] = provider
    return provider


def provider_get(name: str) -> Provider | None:
    # Importing the modules registers them; here so callers need only this module.
    from heating.payments import alipay, sandbox, wechat  # noqa: F401

    return PROVIDERS.get(name)


def notify_url(name: str) -> str:
    """The address a provider sends its notifications to (POST /api/v1/payments/notify/<name>/)."""
    from django.conf import settings
    from django.urls import reverse

    return settings.PORTAL_BASE_URL + reverse("api-payment-notify", args=[name])
