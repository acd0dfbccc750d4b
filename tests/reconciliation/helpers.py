"""A generated day: accounts, orders and payments in the ledger, and the provider's statement of the
same day in each real format (WeChat Pay's trade bill, Alipay's business or account detail, the bank's
collection file), with differences planted where a test says."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from heating.models import Payment, PaymentOrder
from heating.services.payments import payment_record

DAY = datetime.date(2025, 12, 1)
SEASON = 2025
CHANNEL = {
    "wechat": Payment.Channel.WECHAT,
    "alipay": Payment.Channel.ALIPAY,
    "bank": Payment.Channel.BANK_COLLECTION,
}


@dataclass
class Trade:
    """One line of the provider's statement."""

    reference: str  # 商户订单号 / the bank's reference
    transaction_id: str
    amount: Decimal
    account: str = ""
    refund: bool = False
    day: datetime.date = DAY


@dataclass
class Day:
    trades: list[Trade] = field(default_factory=list)
    orders: dict = field(default_factory=dict)  # reference → PaymentOrder
    payments: dict = field(default_factory=dict)  # reference → Payment


def _order(account, reference, amount, *, provider, state=PaymentOrder.State.CREATED):
    return PaymentOrder.objects.create(
        company=account.company,
        account=account,
        season_year=SEASON,
        purpose="prepayment",
        amount=amount,
        provider=provider,
        out_trade_no=reference,
        state=state,
    )


def paid(source, account, reference, transaction_id, amount, *, on=DAY):
    """A payment in the ledger as the channel leaves it: an order paid with its payment online, a
    payment with the bank's reference for the bank."""
    payment = payment_record(
        account=account,
        season_year=SEASON,
        amount=Decimal(amount),
        paid_on=on,
        channel=CHANNEL[source],
        reference=reference if source == "bank" else transaction_id,
    )
    if source != "bank":
        order = _order(account, reference, Decimal(amount), provider=source, state=PaymentOrder.State.PAID)
        order.transaction_id, order.payment = transaction_id, payment
        order.save()
    return payment


def generated_day(source, accounts, *, clean=False) -> Day:
    """len(accounts) ≥ 8 accounts: five payments that match, and unless `clean` one of each planted
    difference — paid at the provider and not in the ledger (an open order / a known account), in
    the ledger and not at the provider, a different amount, the same trade listed twice, and (online
    only) a refund at the provider that our books do not have."""
    day = Day()
    for i, account in enumerate(accounts[:5]):
        ref, txn, amount = f"HT{i:04d}", f"T{i:010d}", f"{1000 + i}.00"
        day.payments[ref] = paid(source, account, ref, txn, amount)
        day.trades.append(Trade(ref, txn if source != "bank" else ref, Decimal(amount), account.number))
    if clean:
        return day
    missing = accounts[5]
    if source != "bank":
        day.orders["HTMISS"] = _order(missing, "HTMISS", Decimal("1680.00"), provider=source)
    day.trades.append(
        Trade("HTMISS", "TMISS" if source != "bank" else "HTMISS", Decimal("1680.00"), missing.number)
    )
    day.payments["HTONLYUS"] = paid(source, accounts[6], "HTONLYUS", "TONLYUS", "900.00")
    day.payments["HTAMOUNT"] = paid(source, accounts[7], "HTAMOUNT", "TAMOUNT", "500.00")
    day.trades.append(
        Trade(
            "HTAMOUNT", "TAMOUNT" if source != "bank" else "HTAMOUNT", Decimal("550.00"), accounts[7].number
        )
    )
    day.trades.append(day.trades[0])  # the first trade listed a second time
    if source != "bank":
        day.trades.append(Trade("HT0001", "T0000000001", Decimal("20.00"), refund=True))
    return day


def wechat_bill(trades) -> bytes:
    """WeChat Pay's trade bill (bill_type=ALL) as the v3 download URL gives it."""
    header = (
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
        "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,"
        "商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
    )
    lines = [header]
    for t in trades:
        refund = "0.00" if not t.refund else str(t.amount)
        amount = "0.00" if t.refund else str(t.amount)
        fields = [
            f"{t.day:%Y-%m-%d} 10:15:00",
            "wx8888888888888888",
            "1900000109",
            "0",
            "",
            t.transaction_id,
            t.reference,
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            "MWEB",
            "REFUND" if t.refund else "SUCCESS",
            "OTHERS",
            "CNY",
            amount,
            "0.00",
            "50000000001" if t.refund else "0",
            "R1" if t.refund else "0",
            refund,
            "0.00",
            "ORIGINAL" if t.refund else "",
            "SUCCESS" if t.refund else "",
            "供暖费",
            "",
            "0.60000",
            "0.60%",
            amount,
            refund,
            "",
        ]
        lines.append(",".join("`" + f for f in fields))
    lines.append(
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
    )
    total = sum((t.amount for t in trades if not t.refund), Decimal("0.00"))
    lines.append(f"`{len(trades)},`{total},`0.00,`0.00,`0.00,`{total},`0.00")
    return ("\r\n".join(lines) + "\r\n").encode()


def alipay_business_bill(trades) -> bytes:
    """Alipay's business detail (业务明细) as downloaded from the bill download URL: GBK, comments."""
    lines = [
        "#支付宝业务明细查询",
        "#账号：[20880000000000000156]",
        f"#起始日期：[{DAY:%Y年%m月%d日} 00:00:00]   "
        f"终止日期：[{DAY + datetime.timedelta(days=1):%Y年%m月%d日} 00:00:00]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
        "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,"
        "券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注",
    ]
    for t in trades:
        amount = f"-{t.amount}" if t.refund else str(t.amount)
        fields = [
            t.transaction_id,
            t.reference,
            "退款" if t.refund else "交易",
            "供暖费",
            f"{t.day:%Y-%m-%d} 09:00:00",
            f"{t.day:%Y-%m-%d} 09:00:05",
            "",
            "",
            "",
            "",
            "abc***@163.com",
            amount,
            amount,
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "0.00",
            "",
            "0.00",
            "0.00",
            "R1" if t.refund else "",
            "0.00",
            "0.00",
            "",
        ]
        lines.append(",".join(f + "\t" for f in fields))
    lines += [
        "#-----------------------------------------业务明细列表结束------------------------------------",
        f"#交易合计：{len(trades)}笔",
        f"#导出时间：[{DAY:%Y年%m月%d日} 23:59:59]",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def alipay_account_bill(trades) -> bytes:
    """Alipay's account detail (账务明细): income and expense columns, other business skipped."""
    lines = [
        "#支付宝账务明细查询",
        "#账号：[20880000000000000156]",
        "#-----------------------------------------账务明细列表----------------------------------------",
        "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,"
        "交易渠道,业务类型,备注",
    ]
    for n, t in enumerate(trades):
        income, expense = ("", f"-{t.amount}") if t.refund else (f"+{t.amount}", "")
        kind = "交易退款" if t.refund else "在线支付"
        fields = [
            f"2025{n:012d}",
            t.transaction_id,
            t.reference,
            "供暖费",
            f"{t.day:%Y-%m-%d} 09:00:05",
            "abc***@163.com",
            income,
            expense,
            "10000.00",
            "支付宝",
            kind,
            "",
        ]
        lines.append(",".join(f + "\t" for f in fields))
    lines.append(
        ",".join(
            ["20259999", "", "", "服务费", f"{DAY:%Y-%m-%d} 23:00:00", "", "", "-1.00", "1", "", "收费", ""]
        )
    )
    lines += [
        "#-----------------------------------------账务明细列表结束------------------------------------"
    ]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def bank_file(trades) -> bytes:
    lines = ["户号,金额,银行流水号,入账日期,供暖季"]
    for t in trades:
        lines.append(f"{t.account},{t.amount},{t.reference},{t.day:%Y-%m-%d},{SEASON}-{SEASON + 1}")
    return ("\n".join(lines) + "\n").encode()


FORMATS = {
    "wechat": wechat_bill,
    "alipay": alipay_business_bill,
    "alipay-account": alipay_account_bill,
    "bank": bank_file,
}


def source_of(fmt: str) -> str:
    return fmt.split("-")[0]
