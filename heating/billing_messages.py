"""Billing refusals in the reader's language, from the engine's codes (heating/billing/engine.py)."""
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from heating.billing import BillingError

MESSAGES = {
    "unknown_price_class": _("未知的价格类别“%(value)s”。"),
    "unknown_method": _("未知的计费方式“%(value)s”。"),
    "no_parts": _("至少须有一个采暖部位。"),
    "unknown_part_kind": _("第 %(index)s 个部位：未知的部位“%(kind)s”。"),
    "building_for_residential": _(
        "第 %(index)s 个部位：居民用户按套内建筑面积计费，不能选“building”（建筑面积）。"
    ),
    "not_building": _("第 %(index)s 个部位：单位和非居民用户按建筑面积计费，部位须为“building”。"),
    "not_decimal": _("%(what)s须为十进制数字。"),
    "not_finite": _("%(what)s须为有限的数字。"),
    "negative": _("%(what)s不能为负数。"),
    "not_positive": _("%(what)s须大于 0。"),
    "too_large": _("%(what)s须小于 %(limit)s。"),
    "too_many_decimals": _("%(what)s最多 %(places)s 位小数。"),
    "heat_missing": _("分户计量须填写本供暖季的用热量（GJ）。"),
    "heat_not_for_area": _("按面积收费不需要用热量，请不要填写 heat_gj。"),
    "exchangers_not_whole": _("换热器数量须为整数。"),
    "exchangers_negative": _("换热器数量不能为负数。"),
    "exchangers_not_applicable": _("小型换热设备费只适用于按面积收费的居民用户（§一.4）。"),
    "low_income_not_bool": _("困难群体标记须为是或否。"),
    "low_income_not_applicable": _("困难群体优惠只适用于居民用户（§五）。"),
    "days_incomplete": _("开户天数和供暖季天数须同时填写或同时不填。"),
    "season_days_invalid": _("供暖季自 11 月 15 日至次年 3 月 15 日，共 121 或 122 天，不能是“%(value)s”。"),
    "days_open_not_whole": _("开户天数须为整数。"),
    "days_open_out_of_range": _("开户天数须在 1 至 %(season_days)s 天之间，不能是 %(value)s。"),
}
# What a number refusal (the codes whose message has a %(what)s) is about, by the field it names.
NUMBER_CODES = ("not_decimal", "not_finite", "negative", "not_positive", "too_large", "too_many_decimals")
WHAT = {
    "parts": _("第 %(index)s 个部位的面积"),
    "area_decision": _("确定的计费面积"),
    "heat_gj": _("用热量"),
    "prepaid": _("已交金额"),
}


def billing_error_text(error: BillingError) -> str:
    """The engine's refusal in the active language; parts are counted from 1, as people count them."""
    params = dict(error.params)
    if "index" in params:
        params["index"] = params["index"] + 1
    if "limit" in params:
        params["limit"] = f"{params['limit']:,}"
    if error.code in NUMBER_CODES:
        params["what"] = WHAT[error.field] % params
    return str(MESSAGES[error.code] % params)


def billing_errors_by_field(errors: Iterable[BillingError]) -> dict[str, list[str]]:
    """The refusals grouped by the field they name, as an API's 400 body lists them."""
    grouped: dict[str, list[str]] = {}
    for error in errors:
        grouped.setdefault(error.field, []).append(billing_error_text(error))
    return grouped
