"""Alipay (支付宝) through `python-alipay-sdk`: wap pay on phones, page pay on desktops, asynchronous
notifications, query, close and refund.

The merchant's configuration holds the app's private key (secret), the Alipay public key of the
app (public-key mode, RSA2), the APPID and the merchant's PID (`merchant_id`, the notifications'
seller_id, which picks the configuration). A notification is a form-encoded POST signed RSA2 over
its sorted parameters less sign and sign_type; the SDK's `verify` checks it, then the app id and
seller id must be ours. Alipay retries a notification for a day with the same notify_time, so
there is no freshness window: a replay is recorded as a duplicate. The answer is the plain text
"success" (or "fail", which makes Alipay retry)."""

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from alipay import AliPay
from alipay.utils import AliPayConfig
from django.conf import settings

from heating.models import Payment

from .providers import (
    AlreadyPaid,
    MerchantConfig,
    Notice,
    NotificationRefused,
    Payer,
    Provider,
    ProviderError,
    RefundRefused,
    RefundStatus,
    TradeStatus,
    notify_url,
    register,
)

NAME = "alipay"
GATEWAY = "https://openapi.alipay.com/gateway.do"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PAID = ("TRADE_SUCCESS", "TRADE_FINISHED")
STATES = {
    "WAIT_BUYER_PAY": TradeStatus.OPEN,
    "TRADE_SUCCESS": TradeStatus.PAID,
    "TRADE_FINISHED": TradeStatus.PAID,
    "TRADE_CLOSED": TradeStatus.CLOSED,
}
NOT_EXIST = "ACQ.TRADE_NOT_EXIST"
BUSINESS_FAILED = "40004"  # the gateway answered and refused (its sub_code says why)


def client(config: MerchantConfig) -> AliPay:
    return AliPay(
        appid=config.app_id,
        app_notify_url=notify_url(NAME),
        app_private_key_string=config.secrets["app_private_key"],
        alipay_public_key_string=config.public_key,
        sign_type="RSA2",
        config=AliPayConfig(timeout=15),
    )


def _call(request) -> dict:
    """One SDK request to the gateway: the answer, its signature verified by the SDK (an unsigned
    or forged answer raises). Never the key or the body in our error."""
    try:
        answer = request()
    except Exception as error:
        raise ProviderError(f"Alipay: {type(error).__name__}") from None
    return answer if isinstance(answer, dict) else {}


def _time(text: str) -> datetime.datetime | None:
    if not text:
        return None
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def _amount(text: str) -> Decimal:
    amount = Decimal(text)
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(text)
    return amount


def _form(body: bytes) -> dict[str, str]:
    try:
        return dict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True, max_num_fields=100))
    except (UnicodeDecodeError, ValueError):
        raise NotificationRefused("malformed") from None


class Alipay(Provider):
    name = NAME
    channel = Payment.Channel.ALIPAY

    def create_order(
        self,
        config: MerchantConfig,
        *,
        out_trade_no: str,
        amount: Decimal,
        description: str,
        payer: Payer | None = None,
    ) -> dict:
        payer = payer or Payer()
        alipay = client(config)
        request = (
            alipay.api_alipay_trade_wap_pay
            if payer.scene == Payer.PHONE
            else alipay.api_alipay_trade_page_pay
        )
        signed = request(
            subject=description[:256],
            out_trade_no=out_trade_no,
            total_amount=f"{amount:.2f}",
            return_url=payer.return_url or None,
            # The provider takes no payment after our own timeout, when the order is closed here.
            timeout_express=f"{settings.ORDER_TIMEOUT_MINUTES}m",
        )
        return {"out_trade_no": out_trade_no, "pay_url": f"{GATEWAY}?{signed}"}

    def notification_merchant(self, headers: Mapping[str, str], body: bytes) -> str:
        seller_id = _form(body).get("seller_id", "")
        if not seller_id:
            raise NotificationRefused("malformed")
        return seller_id

    def verify_notification(
        self, config: MerchantConfig, headers: Mapping[str, str], body: bytes, *, now: datetime.datetime
    ) -> Notice:
        data = _form(body)
        signature = data.pop("sign", "")
        if not signature or data.get("sign_type") != "RSA2":
            raise NotificationRefused("bad_signature")
        try:
            verified = client(config).verify(data, signature)
        except Exception:
            verified = False
        if not verified:
            raise NotificationRefused("bad_signature")
        if data.get("app_id") != config.app_id or data.get("seller_id") != config.merchant_id:
            raise NotificationRefused("unknown_merchant")
        try:
            trade_no = data.get("trade_no", "")
            if len(trade_no) > 64:
                raise ValueError
            return Notice(
                out_trade_no=data["out_trade_no"][:32],
                transaction_id=trade_no,
                amount=_amount(data["total_amount"]),
                paid=data.get("trade_status") in PAID and bool(trade_no),
                paid_at=_time(data.get("gmt_payment", "")),
            )
        except (KeyError, ValueError, InvalidOperation):
            raise NotificationRefused("malformed") from None

    def query_order(self, config: MerchantConfig, out_trade_no: str) -> TradeStatus:
        answer = _call(lambda: client(config).api_alipay_trade_query(out_trade_no=out_trade_no))
        if answer.get("sub_code") == NOT_EXIST:
            # The payer never opened the payment page: Alipay has no trade, and none can start later.
            return TradeStatus(out_trade_no=out_trade_no, state=TradeStatus.CLOSED)
        if answer.get("code") != "10000" or answer.get("trade_status") not in STATES:
            raise ProviderError(f"Alipay query failed: {answer.get('code')} {answer.get('sub_code', '')}")
        try:
            return TradeStatus(
                out_trade_no=out_trade_no,
                state=STATES[answer["trade_status"]],
                transaction_id=answer.get("trade_no", ""),
                amount=_amount(answer["total_amount"]),
                paid_at=_time(answer.get("send_pay_date", "")),
            )
        except (KeyError, ValueError, InvalidOperation):
            raise ProviderError("Alipay query answer malformed") from None

    def close_order(self, config: MerchantConfig, out_trade_no: str) -> None:
        answer = _call(lambda: client(config).api_alipay_trade_close(out_trade_no=out_trade_no))
        if answer.get("code") == "10000":
            return
        state = self.query_order(config, out_trade_no).state
        if state == TradeStatus.PAID:
            raise AlreadyPaid(out_trade_no)
        if state != TradeStatus.CLOSED:
            raise ProviderError(f"Alipay close failed: {answer.get('code')} {answer.get('sub_code', '')}")

    def refund(self, config: MerchantConfig, out_trade_no: str, *, refund_no: str, amount: Decimal) -> None:
        answer = _call(
            lambda: client(config).api_alipay_trade_refund(
                refund_amount=f"{amount:.2f}", out_trade_no=out_trade_no, out_request_no=refund_no
            )
        )
        if answer.get("code") == "10000":
            return
        if answer.get("code") == BUSINESS_FAILED:
            raise RefundRefused(f"Alipay refused the refund: {answer.get('sub_code', '')}")
        raise ProviderError(f"Alipay refund failed: {answer.get('code')} {answer.get('sub_code', '')}")

    def refund_query(self, config: MerchantConfig, out_trade_no: str, refund_no: str) -> RefundStatus:
        """Alipay refunds at once or not at all: a refund it does not report as REFUND_SUCCESS never
        took place, and is asked for again under the same number."""
        answer = _call(
            lambda: client(config).api_alipay_trade_fastpay_refund_query(
                out_request_no=refund_no, out_trade_no=out_trade_no
            )
        )
        if answer.get("code") != "10000":
            raise ProviderError(
                f"Alipay refund query failed: {answer.get('code')} {answer.get('sub_code', '')}"
            )
        if answer.get("refund_status") == "REFUND_SUCCESS":
            return RefundStatus(
                refund_no=refund_no, state=RefundStatus.SUCCEEDED, refund_id=answer.get("trade_no", "")
            )
        return RefundStatus(refund_no=refund_no, state=RefundStatus.UNKNOWN)

    def ack(self, ok: bool) -> tuple[int, str]:
        return (200, "success") if ok else (400, "fail")


register(Alipay())
