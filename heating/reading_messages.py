"""Reading refusals in the reader's language, from the rules' codes (heating/reading_rules.py)."""
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from heating.identity import mask_id_numbers_in
from heating.reading_rules import FIELDS

MESSAGES = {
    "unknown_unit": _("未知单位 %(unit)s，应为 GJ、MWh 或 kWh"),
    "not_finite": _("读数须为数字"),
    "negative": _("累计读数不能为负数（%(value)s）"),
    "inexact": _("%(value)s %(unit)s 折合 %(gj)s GJ，超过 6 位小数，无法精确保存"),
    "too_large": _("读数 %(value)s %(unit)s 过大"),
    "unknown_kind": _("未知读数类型 %(kind)s"),
    "naive_time": _("抄表时间须带时区"),
    "future": _("抄表时间 %(read_at)s 晚于当前时间"),
    "unknown_meter": _("本公司没有表号为“%(serial)s”的热量表"),
    "before_installation": _("表 %(serial)s 于 %(installed_on)s 安装，读数早于安装日期"),
    "after_removal": _("表 %(serial)s 已于 %(removed_on)s 拆除，读数晚于拆除日期"),
    "conflict_client_id": _(
        "编号“%(client_id)s”已用于 %(read_at)s 的读数 %(value)s GJ，"
        "本条为 %(new_read_at)s 的 %(new_value)s GJ"
    ),
    "conflict_time": _("该表在 %(read_at)s 已有读数 %(value)s GJ，本条为 %(new_value)s GJ"),
    "below_earlier": _("低于此前 %(read_at)s 的读数 %(value)s GJ"),
    "above_later": _("高于此后 %(read_at)s 的读数 %(value)s GJ"),
}
_TIMES = ("read_at", "new_read_at")


def local_time_text(text: str) -> str:
    """An ISO time from a refusal as people read it here: local, to the minute."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def refusal_text(code: str | None, params: dict, reason: str | None = None) -> str:
    """The message for a refused reading; the English reason when the code is unknown. A serial or
    value typed wrong may be an identity number: it is masked."""
    if code not in MESSAGES:
        return mask_id_numbers_in(reason or "")
    shown = {k: local_time_text(v) if k in _TIMES else v for k, v in params.items()}
    return mask_id_numbers_in(str(MESSAGES[code] % shown))


def refusal_field(code: str | None) -> str | None:
    """The input field (meter, read_at, value, unit, type, reading_id) a refusal is about."""
    return FIELDS.get(code)
