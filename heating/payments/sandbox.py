"""The sandbox provider, for the demo and the tests: it plays the payment platform on this server.

Each company's sandbox merchant account gets an RSA key pair generated here; the private half (the
platform's signing key) is kept encrypted, the public half verifies. A notification is a JSON body
signed RSA-SHA256 (PKCS#1 v1.5) over "timestamp\\nnonce\\nbody\\n", the timestamp and nonce in
headers, as WeChat Pay v3 does; verification is the real code path, with a replay window on the
timestamp. `trade_pay` is the pretend payer: it marks the trade paid and returns the signed
notification the platform would send. Refunds are kept per refund number (the idempotency key) and
never exceed what the trade has left; with SANDBOX_REFUNDS_ASYNC they stay processing until
`refund_complete`, the pretend platform finishing (or failing) them."""

import base64
import datetime
import json
import re
import secrets
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from heating.models import Payment, ProviderAccount, SandboxRefund, SandboxTrade

from .config import merchant_config, secrets_protect
from .providers import (
    AlreadyPaid,
    MerchantConfig,
    Notice,
    NotificationRefused,
    Payer,
    Provider,
    RefundRefused,
    RefundStatus,
    TradeStatus,
    register,
)

NAME = "sandbox"
TIMESTAMP, NONCE, SIGNATURE = "sandbox-timestamp", "sandbox-nonce", "sandbox-signature"
# A notification signed longer ago (or further ahead) than this is refused as a replay.
WINDOW_SECONDS = 300
_AMOUNT = re.compile(r"[0-9]{1,11}\.[0-9]{2}", re.ASCII)
_TRADE_NO = re.compile(r"[A-Za-z0-9_-]{1,32}", re.ASCII)


def _message(timestamp: str, nonce: str, body: bytes) -> bytes:
    return timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"


def account_create(*, company, merchant_id: str = "") -> ProviderAccount:
    """A sandbox merchant account for the company with a freshly generated key pair."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    account = ProviderAccount(
        company=company,
        provider=NAME,
        merchant_id=merchant_id or f"SANDBOX-{company.code}",
        public_key=public_pem,
    )
    secrets_protect(account, {"platform_private_key": private_pem})
    account.save()
    return account


def notification_signer(merchant_id: str):
    """A function signing notifications as the platform signs them for this merchant (its key loaded
    once): payload, timestamp=None, nonce=None → (headers, body)."""
    config = merchant_config(ProviderAccount.objects.get(provider=NAME, merchant_id=merchant_id))
    key = serialization.load_pem_private_key(config.secrets["platform_private_key"].encode(), password=None)

    def sign(payload: dict, *, timestamp: int | None = None, nonce: str | None = None):
        body = json.dumps({**payload, "mch_id": merchant_id}, ensure_ascii=False, sort_keys=True).encode()
        stamp = str(int(timezone.now().timestamp()) if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(16)
        signature = key.sign(_message(stamp, nonce, body), padding.PKCS1v15(), hashes.SHA256())
        return {
            "Sandbox-Timestamp": stamp,
            "Sandbox-Nonce": nonce,
            "Sandbox-Signature": base64.b64encode(signature).decode(),
        }, body

    return sign


def notification_sign(
    merchant_id: str, payload: dict, *, timestamp: int | None = None, nonce: str | None = None
) -> tuple[dict[str, str], bytes]:
    """Headers and body of a notification signed as the platform signs them."""
    return notification_signer(merchant_id)(payload, timestamp=timestamp, nonce=nonce)


def _payload(trade: SandboxTrade) -> dict:
    return {
        "out_trade_no": trade.out_trade_no,
        "transaction_id": trade.transaction_id,
        "amount": f"{trade.amount:.2f}",
        "trade_state": trade.state,
        "success_time": trade.paid_at.isoformat() if trade.paid_at else "",
    }


@transaction.atomic
def trade_pay(out_trade_no: str, *, timestamp: int | None = None) -> tuple[dict[str, str], bytes]:
    """The payer pays the order in full: the platform's trade is paid, and its notification returned."""
    trade = SandboxTrade.objects.select_for_update().get(out_trade_no=out_trade_no)
    if trade.state == SandboxTrade.State.NOTPAY:
        trade.state = SandboxTrade.State.SUCCESS
        trade.transaction_id = "SBX" + secrets.token_hex(12)
        trade.paid_at = timezone.now()
        trade.save()
    return notification_sign(trade.merchant_id, _payload(trade), timestamp=timestamp)


@transaction.atomic
def refund_complete(refund_no: str, *, ok: bool = True, reason: str = "") -> None:
    """The platform finishes a processing refund: paid back (the trade becomes REFUND once nothing
    is left of it) or abnormal, with its reason."""
    refund = SandboxRefund.objects.select_for_update().select_related("trade").get(refund_no=refund_no)
    if refund.state != SandboxRefund.State.PROCESSING:
        return
    refund.state = SandboxRefund.State.SUCCESS if ok else SandboxRefund.State.ABNORMAL
    refund.reason = "" if ok else reason[:200]
    refund.save()
    trade = refund.trade
    paid_back = trade.refunds.filter(state=SandboxRefund.State.SUCCESS).aggregate(total=Sum("amount"))[
        "total"
    ]
    if paid_back == trade.amount:
        trade.state = SandboxTrade.State.REFUND
        trade.save()


class Sandbox(Provider):
    name = NAME
    channel = Payment.Channel.SANDBOX

    def create_order(
        self,
        config: MerchantConfig,
        *,
        out_trade_no: str,
        amount: Decimal,
        description: str,
        payer: Payer | None = None,
    ) -> dict:
        SandboxTrade.objects.get_or_create(
            out_trade_no=out_trade_no, defaults={"merchant_id": config.merchant_id, "amount": amount}
        )
        return {"out_trade_no": out_trade_no, "code_url": f"sandbox://pay/{out_trade_no}"}

    def notification_merchant(self, headers: Mapping[str, str], body: bytes) -> str:
        merchant_id = _parse(body).get("mch_id")
        if not isinstance(merchant_id, str) or not merchant_id:
            raise NotificationRefused("malformed")
        return merchant_id

    def verify_notification(
        self, config: MerchantConfig, headers: Mapping[str, str], body: bytes, *, now: datetime.datetime
    ) -> Notice:
        stamp, nonce, signature = (headers.get(name, "") for name in (TIMESTAMP, NONCE, SIGNATURE))
        if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12 and nonce and signature):
            raise NotificationRefused("bad_signature")
        public_key = serialization.load_pem_public_key(config.public_key.encode())
        try:
            public_key.verify(
                base64.b64decode(signature, validate=True),
                _message(stamp, nonce, body),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, ValueError):
            raise NotificationRefused("bad_signature") from None
        if abs(now.timestamp() - int(stamp)) > WINDOW_SECONDS:
            raise NotificationRefused("expired")
        data = _parse(body)
        try:
            out_trade_no, transaction_id, amount, state = (
                data["out_trade_no"],
                data["transaction_id"],
                data["amount"],
                data["trade_state"],
            )
            if not (_TRADE_NO.fullmatch(out_trade_no) and _AMOUNT.fullmatch(amount)):
                raise ValueError
            paid_at = (
                datetime.datetime.fromisoformat(data["success_time"]) if data.get("success_time") else None
            )
            if not isinstance(transaction_id, str) or len(transaction_id) > 64:
                raise ValueError
            return Notice(
                out_trade_no=out_trade_no,
                transaction_id=transaction_id,
                amount=Decimal(amount),
                paid=state == SandboxTrade.State.SUCCESS and bool(transaction_id),
                paid_at=paid_at,
            )
        except (KeyError, TypeError, ValueError, InvalidOperation):
            raise NotificationRefused("malformed") from None

    def query_order(self, config: MerchantConfig, out_trade_no: str) -> TradeStatus:
        trade = SandboxTrade.objects.filter(merchant_id=config.merchant_id, out_trade_no=out_trade_no).first()
        if trade is None:
            return TradeStatus(out_trade_no=out_trade_no, state=TradeStatus.CLOSED)
        state = {
            SandboxTrade.State.NOTPAY: TradeStatus.OPEN,
            SandboxTrade.State.SUCCESS: TradeStatus.PAID,
            SandboxTrade.State.CLOSED: TradeStatus.CLOSED,
            SandboxTrade.State.REFUND: TradeStatus.REFUNDED,
        }[trade.state]
        return TradeStatus(
            out_trade_no=out_trade_no,
            state=state,
            transaction_id=trade.transaction_id,
            amount=trade.amount,
            paid_at=trade.paid_at,
        )

    @transaction.atomic
    def close_order(self, config: MerchantConfig, out_trade_no: str) -> None:
        trade = (
            SandboxTrade.objects.select_for_update()
            .filter(merchant_id=config.merchant_id, out_trade_no=out_trade_no)
            .first()
        )
        if trade is None:
            return
        if trade.state != SandboxTrade.State.NOTPAY:
            if trade.state == SandboxTrade.State.SUCCESS:
                raise AlreadyPaid(out_trade_no)
            return
        trade.state = SandboxTrade.State.CLOSED
        trade.save()

    @transaction.atomic
    def refund(self, config: MerchantConfig, out_trade_no: str, *, refund_no: str, amount: Decimal) -> None:
        trade = (
            SandboxTrade.objects.select_for_update()
            .filter(merchant_id=config.merchant_id, out_trade_no=out_trade_no)
            .first()
        )
        if (
            trade is None
            or trade.state == SandboxTrade.State.NOTPAY
            or trade.state == SandboxTrade.State.CLOSED
        ):
            raise RefundRefused("交易不存在或未支付")
        if trade.refunds.filter(refund_no=refund_no).exists():
            return
        refunded = trade.refunds.exclude(state=SandboxRefund.State.ABNORMAL).aggregate(total=Sum("amount"))
        if trade.state == SandboxTrade.State.REFUND or amount > trade.amount - (refunded["total"] or 0):
            raise RefundRefused("可退金额不足")
        trade.refunds.create(
            refund_no=refund_no,
            refund_id="SBXR" + secrets.token_hex(12),
            amount=amount,
            state=SandboxRefund.State.PROCESSING,
        )
        if not settings.SANDBOX_REFUNDS_ASYNC:
            refund_complete(refund_no)

    def refund_query(self, config: MerchantConfig, out_trade_no: str, refund_no: str) -> RefundStatus:
        refund = SandboxRefund.objects.filter(
            trade__merchant_id=config.merchant_id, trade__out_trade_no=out_trade_no, refund_no=refund_no
        ).first()
        if refund is None:
            return RefundStatus(refund_no=refund_no, state=RefundStatus.UNKNOWN)
        state = {
            SandboxRefund.State.PROCESSING: RefundStatus.PROCESSING,
            SandboxRefund.State.SUCCESS: RefundStatus.SUCCEEDED,
            SandboxRefund.State.ABNORMAL: RefundStatus.FAILED,
        }[refund.state]
        return RefundStatus(
            refund_no=refund_no, state=state, refund_id=refund.refund_id, reason=refund.reason
        )

    def ack(self, ok: bool) -> tuple[int, dict]:
        return (200, {"code": "SUCCESS"}) if ok else (400, {"code": "FAIL", "message": "refused"})


def _parse(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise NotificationRefused("malformed") from None
    if not isinstance(data, dict):
        raise NotificationRefused("malformed")
    return data


register(Sandbox())
