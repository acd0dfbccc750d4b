"""WeChat Pay (微信支付 API v3) through the `wechatpayv3` SDK: H5 payment on phones, a Native QR code on
desktops, notifications, query, close and refund.

Only the WeChat Pay public key mode (微信支付公钥) is configured: the public key and its id come from
the merchant console, so the SDK never downloads platform certificates (its constructor would,
over the network, without them). A notification names the key it was signed with in
Wechatpay-Serial; one that names any other key is refused here before the SDK sees it, since the
SDK would go and download certificates for it. The SDK checks the RSA-SHA256 signature over
"timestamp\\nnonce\\nbody\\n" and decrypts the resource (AES-256-GCM with the APIv3 key); the
timestamp must be within WINDOW_SECONDS. The SDK's own logger is never given: it would log headers
and bodies."""

import datetime
import json
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from wechatpayv3 import WeChatPay, WeChatPayType

from heating.models import Payment, ProviderAccount

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

NAME = "wechat"
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
WINDOW_SECONDS = 300
TIMEOUT = (5, 15)
STATES = {
    "SUCCESS": TradeStatus.PAID,
    "NOTPAY": TradeStatus.OPEN,
    "USERPAYING": TradeStatus.OPEN,
    "CLOSED": TradeStatus.CLOSED,
    "REVOKED": TradeStatus.CLOSED,
    "PAYERROR": TradeStatus.CLOSED,
    "REFUND": TradeStatus.REFUNDED,
}
# A refund's status in WeChat Pay's answers; ABNORMAL (the payer's account cannot take it back) and
# CLOSED are failures staff must act on.
REFUND_STATES = {
    "SUCCESS": RefundStatus.SUCCEEDED,
    "PROCESSING": RefundStatus.PROCESSING,
    "ABNORMAL": RefundStatus.FAILED,
    "CLOSED": RefundStatus.FAILED,
}
CENT = Decimal("0.01")


def fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


def yuan(total) -> Decimal:
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise ValueError(total)
    return (Decimal(total) / 100).quantize(CENT)


def client(config: MerchantConfig, pay_type: WeChatPayType = WeChatPayType.NATIVE) -> WeChatPay:
    if not (config.public_key and config.public_key_id):
        # Without them the SDK's constructor would download platform certificates.
        raise ProviderError("WeChat Pay: the merchant has no WeChat Pay public key and id")
    return WeChatPay(
        wechatpay_type=pay_type,
        mchid=config.merchant_id,
        private_key=config.secrets["merchant_private_key"],
        cert_serial_no=config.cert_serial_no,
        appid=config.app_id,
        apiv3_key=config.secrets["apiv3_key"],
        notify_url=notify_url(NAME),
        timeout=TIMEOUT,
        public_key=config.public_key,
        public_key_id=config.public_key_id,
    )


def _call(request) -> tuple[int, dict]:
    """One SDK request: its status and JSON answer. The SDK raises on an answer whose signature
    fails (and on a key it cannot load): never the key or the body in our error."""
    try:
        code, message = request()
    except Exception as error:
        raise ProviderError(f"WeChat Pay: {type(error).__name__}") from None
    try:
        data = json.loads(message) if message else {}
    except (TypeError, ValueError):
        data = {}
    return code, data if isinstance(data, dict) else {}


def _time(text: str) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


class WeChat(Provider):
    name = NAME
    channel = Payment.Channel.WECHAT

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
        phone = payer.scene == Payer.PHONE
        # The provider takes no payment after our own timeout, when the order is closed here.
        expire = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
            minutes=settings.ORDER_TIMEOUT_MINUTES
        )
        code, data = _call(
            lambda: client(config, WeChatPayType.H5 if phone else WeChatPayType.NATIVE).pay(
                description=description[:127],
                out_trade_no=out_trade_no,
                amount={"total": fen(amount), "currency": "CNY"},
                time_expire=expire.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                scene_info={"payer_client_ip": payer.client_ip, "h5_info": {"type": "Wap"}}
                if phone
                else None,
            )
        )
        key = "h5_url" if phone else "code_url"
        if code != 200 or not isinstance(data.get(key), str):
            raise ProviderError(f"WeChat Pay refused the order: {code} {data.get('code', '')}")
        url = data[key]
        if phone and payer.return_url:
            url += "&redirect_url=" + quote(payer.return_url, safe="")
        return {"out_trade_no": out_trade_no, key: url}

    def notification_merchant(self, headers: Mapping[str, str], body: bytes) -> str:
        serial = headers.get("wechatpay-serial", "")
        merchant_id = (
            ProviderAccount.objects.filter(provider=NAME, public_key_id=serial[:64], active=True)
            .values_list("merchant_id", flat=True)
            .first()
            if serial
            else None
        )
        if merchant_id is None:
            raise NotificationRefused("unknown_merchant")
        return merchant_id

    def verify_notification(
        self, config: MerchantConfig, headers: Mapping[str, str], body: bytes, *, now: datetime.datetime
    ) -> Notice:
        stamp = headers.get("wechatpay-timestamp", "")
        if not (
            headers.get("wechatpay-serial") == config.public_key_id
            and headers.get("wechatpay-signature-type") == SIGNATURE_TYPE
            and stamp.isascii()
            and stamp.isdigit()
            and len(stamp) <= 12
            and headers.get("wechatpay-nonce")
            and headers.get("wechatpay-signature")
        ):
            raise NotificationRefused("bad_signature")
        try:
            text = body.decode()
        except UnicodeDecodeError:
            raise NotificationRefused("malformed") from None
        try:
            # None: the signature failed, or the resource did not decrypt with our APIv3 key.
            data = client(config).callback(headers, text)
        except Exception:
            raise NotificationRefused("malformed") from None
        if data is None:
            raise NotificationRefused("bad_signature")
        if abs(now.timestamp() - int(stamp)) > WINDOW_SECONDS:
            raise NotificationRefused("expired")
        try:
            resource = data["resource"]
            if resource.get("mchid") != config.merchant_id or resource.get("appid") != config.app_id:
                raise NotificationRefused("unknown_merchant")
            transaction_id = resource.get("transaction_id") or ""
            if not isinstance(transaction_id, str) or len(transaction_id) > 64:
                raise ValueError
            return Notice(
                out_trade_no=str(resource["out_trade_no"])[:32],
                transaction_id=transaction_id,
                amount=yuan(resource["amount"]["total"]),
                paid=resource.get("trade_state") == "SUCCESS" and bool(transaction_id),
                paid_at=_time(resource.get("success_time") or ""),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise NotificationRefused("malformed") from None

    def query_order(self, config: MerchantConfig, out_trade_no: str) -> TradeStatus:
        code, data = _call(lambda: client(config).query(out_trade_no=out_trade_no))
        if code == 404 or data.get("code") == "ORDER_NOT_EXIST":
            return TradeStatus(out_trade_no=out_trade_no, state=TradeStatus.CLOSED)
        if code != 200 or data.get("trade_state") not in STATES:
            raise ProviderError(f"WeChat Pay query failed: {code} {data.get('code', '')}")
        try:
            return TradeStatus(
                out_trade_no=out_trade_no,
                state=STATES[data["trade_state"]],
                transaction_id=data.get("transaction_id") or "",
                amount=yuan(data["amount"]["total"]),
                paid_at=_time(data.get("success_time") or ""),
            )
        except (KeyError, TypeError, ValueError):
            raise ProviderError("WeChat Pay query answer malformed") from None

    def close_order(self, config: MerchantConfig, out_trade_no: str) -> None:
        code, data = _call(lambda: client(config).close(out_trade_no=out_trade_no))
        if code in (200, 204):
            return
        state = self.query_order(config, out_trade_no).state
        if state == TradeStatus.PAID:
            raise AlreadyPaid(out_trade_no)
        if state != TradeStatus.CLOSED:
            raise ProviderError(f"WeChat Pay close failed: {code} {data.get('code', '')}")

    def refund(self, config: MerchantConfig, out_trade_no: str, *, refund_no: str, amount: Decimal) -> None:
        paid = self.query_order(config, out_trade_no)
        if paid.amount is None or paid.state not in (TradeStatus.PAID, TradeStatus.REFUNDED):
            raise RefundRefused("WeChat Pay: the order was not paid")
        code, data = _call(
            lambda: client(config).refund(
                out_refund_no=refund_no,
                out_trade_no=out_trade_no,
                amount={"refund": fen(amount), "total": fen(paid.amount), "currency": "CNY"},
            )
        )
        if code == 200 and data.get("status") in REFUND_STATES:
            return
        if 400 <= code < 500:
            # A business refusal (not enough left to refund, too old, …): WeChat Pay's code says why.
            raise RefundRefused(f"WeChat Pay refused the refund: {data.get('code', code)}")
        raise ProviderError(f"WeChat Pay refund failed: {code} {data.get('code', '')}")

    def refund_query(self, config: MerchantConfig, out_trade_no: str, refund_no: str) -> RefundStatus:
        code, data = _call(lambda: client(config).query_refund(out_refund_no=refund_no))
        if code == 404 or data.get("code") == "RESOURCE_NOT_EXISTS":
            return RefundStatus(refund_no=refund_no, state=RefundStatus.UNKNOWN)
        if code != 200 or data.get("status") not in REFUND_STATES:
            raise ProviderError(f"WeChat Pay refund query failed: {code} {data.get('code', '')}")
        state = REFUND_STATES[data["status"]]
        reason = f"WeChat Pay: {data['status']}" if state == RefundStatus.FAILED else ""
        return RefundStatus(
            refund_no=refund_no, state=state, refund_id=data.get("refund_id") or "", reason=reason
        )

    def ack(self, ok: bool) -> tuple[int, dict]:
        return (200, {"code": "SUCCESS"}) if ok else (400, {"code": "FAIL", "message": "refused"})


register(WeChat())
