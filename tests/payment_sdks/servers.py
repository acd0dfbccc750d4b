"""WeChat Pay and Alipay as the SDKs meet them over HTTP, with real keys: each checks the merchant's
request signature, keeps its trades, and signs its answers and notifications the way the real one
does, so that the SDKs' own verification runs. Installed at the HTTP layer (requests' adapter,
urllib's opener) by the fixtures in conftest.py."""

import base64
import datetime
import email.message
import io
import json
import secrets
import time
import urllib.request
import urllib.response
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from requests.structures import CaseInsensitiveDict

from heating.models import LedgerEntry, ProviderAccount
from heating.payments.config import secrets_protect
from tests.factories import CompanyFactory, make_account

SEASON = 2025


def private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign(key, message: str) -> str:
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(key, message: str, signature: str) -> None:
    key.public_key().verify(
        base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def account_owing(company, prepayment="2016.00"):
    account = make_account(company=company)
    LedgerEntry.objects.create(
        account=account, season_year=SEASON, kind=LedgerEntry.Kind.PREPAYMENT_DUE, amount=Decimal(prepayment)
    )
    return account


class WeChatServer:
    MCHID, APPID = "1900000001", "wx8888888888888888"
    PUBLIC_KEY_ID = "PUB_KEY_ID_0119000000012025120700000000"
    CERT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
    APIV3_KEY = "a" * 16 + "B" * 16

    def __init__(self, keys):
        self.keys = keys
        self.trades: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}  # by out_refund_no: what the refund query answers
        self.requests: list[tuple[str, str, dict]] = []
        self.forge_answers = False

    def merchant(self, code="WX1", merchant_id=MCHID, company=None) -> ProviderAccount:
        account = ProviderAccount(
            company=company or CompanyFactory(code=code),
            provider="wechat",
            merchant_id=merchant_id,
            app_id=self.APPID,
            public_key=public_pem(self.keys["platform"]),
            public_key_id=self.PUBLIC_KEY_ID,
            cert_serial_no=self.CERT_SERIAL,
        )
        secrets_protect(
            account, {"merchant_private_key": private_pem(self.keys["merchant"]), "apiv3_key": self.APIV3_KEY}
        )
        account.save()
        return account

    # The HTTP side: requests' adapter calls this instead of opening a connection.
    def send(self, request):
        url = urlsplit(request.url)
        assert url.hostname == "api.mch.weixin.qq.com", url
        path = url.path + (f"?{url.query}" if url.query else "")
        body = request.body.decode() if isinstance(request.body, bytes) else request.body or ""
        scheme, _, fields = request.headers["Authorization"].partition(" ")
        auth = dict(part.split("=", 1) for part in fields.split(","))
        auth = {name: value.strip('"') for name, value in auth.items()}
        assert scheme == "WECHATPAY2-SHA256-RSA2048" and auth["mchid"] == self.MCHID
        assert auth["serial_no"] == self.CERT_SERIAL
        verify(
            self.keys["merchant"],
            f"{request.method}\n{path}\n{auth['timestamp']}\n{auth['nonce_str']}\n{body}\n",
            auth["signature"],
        )
        data = json.loads(body) if body else {}
        self.requests.append((request.method, path, data))
        status, answer = self.route(request.method, url.path, data)
        return self.answer(request, status, answer)

    def route(self, method, path, data):
        parts = path.strip("/").split("/")
        if method == "POST" and path in ("/v3/pay/transactions/native", "/v3/pay/transactions/h5"):
            self.trades[data["out_trade_no"]] = {"total": data["amount"]["total"], "state": "NOTPAY"}
            if path.endswith("native"):
                return 200, {"code_url": "weixin://wxpay/bizpayurl?pr=" + secrets.token_hex(4)}
            return 200, {"h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1"}
        if parts[:4] == ["v3", "pay", "transactions", "out-trade-no"]:
            trade = self.trades.get(parts[4])
            if trade is None:
                return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
            if method == "GET":
                return 200, self.transaction(parts[4])
            if trade["state"] == "SUCCESS":
                return 400, {"code": "ORDERPAID", "message": "订单已支付"}
            trade["state"] = "CLOSED"
            return 204, None
        if method == "POST" and path == "/v3/refund/domestic/refunds":
            trade = self.trades[data["out_trade_no"]]
            assert data["amount"]["total"] == trade["total"] and trade["state"] in ("SUCCESS", "REFUND")
            if data["amount"]["refund"] > trade["total"] - trade.get("refunded", 0):
                return 403, {"code": "NOT_ENOUGH", "message": "基本账户余额不足"}
            trade["state"], trade["refunded"] = "REFUND", trade.get("refunded", 0) + data["amount"]["refund"]
            refund = {
                "out_refund_no": data["out_refund_no"],
                "refund_id": "50000" + secrets.token_hex(6),
                "status": "PROCESSING",
                "amount": data["amount"],
            }
            self.refunds[data["out_refund_no"]] = refund
            return 200, refund
        if method == "GET" and parts[:4] == ["v3", "refund", "domestic", "refunds"]:
            refund = self.refunds.get(parts[4])
            if refund is None:
                return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"}
            return 200, refund
        raise AssertionError(f"unexpected WeChat Pay request {method} {path}")

    def answer(self, request, status: int, answer: dict | None):
        text = json.dumps(answer, ensure_ascii=False) if answer is not None else ""
        response = requests.Response()
        response.status_code, response._content, response.encoding = status, text.encode(), "utf-8"
        response.url, response.request = request.url, request
        response.headers = CaseInsensitiveDict(
            {"Content-Type": "application/json; charset=utf-8", **self.signed(text)}
        )
        return response

    def signed(self, text: str, *, key: str = "platform", timestamp: int | None = None) -> dict:
        stamp, nonce = str(int(time.time()) if timestamp is None else timestamp), secrets.token_hex(16)
        key = "forger" if self.forge_answers else key
        return {
            "Wechatpay-Serial": self.PUBLIC_KEY_ID,
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": sign(self.keys[key], f"{stamp}\n{nonce}\n{text}\n"),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    def transaction(self, out_trade_no: str) -> dict:
        trade = self.trades[out_trade_no]
        paid = trade["state"] in ("SUCCESS", "REFUND")
        return {
            "mchid": self.MCHID,
            "appid": self.APPID,
            "out_trade_no": out_trade_no,
            "transaction_id": trade.get("transaction_id", "") if paid else "",
            "trade_type": "NATIVE",
            "trade_state": trade["state"],
            "trade_state_desc": "",
            "success_time": "2025-11-16T10:34:56+08:00" if paid else "",
            "amount": {"total": trade["total"], "payer_total": trade["total"], "currency": "CNY"},
        }

    def pay(self, out_trade_no: str) -> tuple[dict, bytes]:
        """The payer pays: the trade is paid, and the notification WeChat Pay sends about it."""
        trade = self.trades[out_trade_no]
        trade["state"], trade["transaction_id"] = "SUCCESS", "4200002" + secrets.token_hex(11)
        return self.notification(self.transaction(out_trade_no))

    def notification(
        self, resource: dict, *, key="platform", apiv3_key=APIV3_KEY, timestamp=None
    ) -> tuple[dict, bytes]:
        nonce = secrets.token_hex(6)
        ciphertext = AESGCM(apiv3_key.encode()).encrypt(
            nonce.encode(), json.dumps(resource).encode(), b"transaction"
        )
        body = json.dumps(
            {
                "id": secrets.token_hex(8),
                "create_time": "2025-11-16T10:34:57+08:00",
                "resource_type": "encrypt-resource",
                "event_type": "TRANSACTION.SUCCESS",
                "summary": "支付成功",
                "resource": {
                    "original_type": "transaction",
                    "algorithm": "AEAD_AES_256_GCM",
                    "ciphertext": base64.b64encode(ciphertext).decode(),
                    "associated_data": "transaction",
                    "nonce": nonce,
                },
            },
            ensure_ascii=False,
        )
        return self.signed(body, key=key, timestamp=timestamp), body.encode()


class AlipayGateway:
    PID, APP_ID = "2088000000000001", "2021000000000001"
    HOST = "openapi.alipay.com"

    def __init__(self, keys):
        self.keys = keys
        self.trades: dict[str, dict] = {}
        self.requests: list[tuple[str, dict]] = []
        self.forge_answers = False

    def merchant(self, code="ALI1", merchant_id=PID, company=None) -> ProviderAccount:
        account = ProviderAccount(
            company=company or CompanyFactory(code=code),
            provider="alipay",
            merchant_id=merchant_id,
            app_id=self.APP_ID,
            public_key=public_pem(self.keys["alipay"]),
        )
        secrets_protect(account, {"app_private_key": private_pem(self.keys["app"])})
        account.save()
        return account

    def install(self):
        gateway = self

        class Handler(urllib.request.BaseHandler):
            handler_order = 100

            def https_open(self, req):
                return gateway.handle(req)

        urllib.request.install_opener(urllib.request.build_opener(Handler))

    def uninstall(self):
        urllib.request.install_opener(None)

    def params(self, url: str) -> dict:
        """A request's parameters, its signature checked with the app's public key."""
        parts = urlsplit(url)
        assert parts.hostname == self.HOST and parts.path == "/gateway.do", url
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        signature = params.pop("sign")
        assert params["sign_type"] == "RSA2" and params["app_id"] == self.APP_ID
        verify(self.keys["app"], "&".join(f"{k}={v}" for k, v in sorted(params.items())), signature)
        return params

    def open(self, pay_url: str) -> dict:
        """The payer opens the payment page: Alipay's trade is created."""
        params = self.params(pay_url)
        biz = json.loads(params["biz_content"])
        self.trades[biz["out_trade_no"]] = {"total": biz["total_amount"], "state": "WAIT_BUYER_PAY"}
        return params

    def handle(self, req):
        params = self.params(req.full_url)
        method, biz = params["method"], json.loads(params["biz_content"])
        self.requests.append((method, biz))
        trade = self.trades.get(biz.get("out_trade_no"))
        missing = {
            "code": "40004",
            "msg": "Business Failed",
            "sub_code": "ACQ.TRADE_NOT_EXIST",
            "sub_msg": "交易不存在",
        }
        if trade is None:
            answer = missing
        elif method == "alipay.trade.query":
            answer = {
                "code": "10000",
                "msg": "Success",
                "out_trade_no": biz["out_trade_no"],
                "trade_no": trade.get("trade_no", ""),
                "trade_status": trade["state"],
                "total_amount": trade["total"],
                "send_pay_date": "2025-11-16 10:34:56",
            }
        elif method == "alipay.trade.close":
            if trade["state"] != "WAIT_BUYER_PAY":
                answer = {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR"}
            else:
                trade["state"] = "TRADE_CLOSED"
                answer = {"code": "10000", "msg": "Success", "out_trade_no": biz["out_trade_no"]}
        elif method == "alipay.trade.refund":
            assert trade["state"] == "TRADE_SUCCESS"
            if Decimal(biz["refund_amount"]) > Decimal(trade["total"]):
                answer = {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                }
            else:
                trade["refunded"] = biz["refund_amount"]
                trade.setdefault("refunds", {})[biz["out_request_no"]] = biz["refund_amount"]
                answer = {
                    "code": "10000",
                    "msg": "Success",
                    "fund_change": "Y",
                    "refund_fee": biz["refund_amount"],
                }
        elif method == "alipay.trade.fastpay.refund.query":
            answer = {"code": "10000", "msg": "Success", "out_trade_no": biz["out_trade_no"]}
            if biz["out_request_no"] in trade.get("refunds", {}):
                answer |= {
                    "refund_status": "REFUND_SUCCESS",
                    "refund_amount": trade["refunds"][biz["out_request_no"]],
                }
        else:
            raise AssertionError(f"unexpected Alipay request {method}")
        inner = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
        signature = sign(self.keys["forger" if self.forge_answers else "alipay"], inner)
        text = f'{{"{method.replace(".", "_")}_response":{inner},"sign":"{signature}"}}'
        headers = email.message.Message()
        headers["Content-Type"] = "application/json;charset=utf-8"
        response = urllib.response.addinfourl(io.BytesIO(text.encode()), headers, req.full_url, 200)
        response.msg = "OK"
        return response

    def pay(self, out_trade_no: str) -> bytes:
        """The payer pays: the trade is paid, and the notification Alipay posts about it."""
        trade = self.trades[out_trade_no]
        trade["state"], trade["trade_no"] = "TRADE_SUCCESS", "2025111622001" + secrets.token_hex(8)
        return self.notification(
            {"out_trade_no": out_trade_no, "trade_no": trade["trade_no"], "total_amount": trade["total"]}
        )

    def notification(self, fields: dict, *, key="alipay") -> bytes:
        now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        params = {
            "notify_time": now,
            "notify_type": "trade_status_sync",
            "notify_id": secrets.token_hex(16),
            "charset": "utf-8",
            "version": "1.0",
            "app_id": self.APP_ID,
            "seller_id": self.PID,
            "trade_status": "TRADE_SUCCESS",
            "receipt_amount": fields.get("total_amount", ""),
            "gmt_create": now,
            "gmt_payment": now,
            "subject": "供暖费",
            "buyer_id": "2088102177846880",
            **fields,
        }
        params.pop("sign", None)
        params.pop("sign_type", None)
        signature = sign(self.keys[key], "&".join(f"{k}={v}" for k, v in sorted(params.items())))
        return urlencode({**params, "sign": signature, "sign_type": "RSA2"}).encode()
