"""Amounts in Chinese capitals (大写金额) as receipts and cheques write them, e.g. 壹仟贰佰元整."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
GROUPS = ("", "万", "亿", "万亿")


def _group(number: int) -> str:
    """0 < number < 10000, with the zeros inside it read (壹仟零伍)."""
    text, zero = "", False
    for power, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
        digit = number // 10**power % 10
        if digit:
            text += ("零" if zero else "") + DIGITS[digit] + unit
            zero = False
        elif text:
            zero = True
    return text


def amount_in_capitals(amount: Decimal) -> str:
    cents = int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    if cents < 0 or cents >= 10**18:
        raise ValueError("amount out of range")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    groups = []
    while yuan:
        groups.append(yuan % 10000)
        yuan //= 10000
    text, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if not group:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _group(group) + GROUPS[index]
        gap = False
    if text or not (jiao or fen):
        text = (text or "零") + "元"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen and text:
        text += "零"
    return text + (DIGITS[fen] + "分" if fen else "整")
