"""The API's one JSON parser: a body it cannot read is a ParseError that says in words what is wrong
and where, never Python's own message (errors.py turns it into the contract's 400)."""
import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Python refuses to read integers longer than this (sys.get_int_max_str_digits); no field takes one
# anywhere near it, so a body carrying one is refused before Python's own error could surface.
MAX_INTEGER_DIGITS = 1000

_BAD_ESCAPE = _("第 %(line)s 行第 %(column)s 列：字符串中有无效的转义序列。")
# json.JSONDecodeError.msg → what the sender got wrong, said at the place it happened.
_PROBLEMS = {
    "Expecting value": _(
        "第 %(line)s 行第 %(column)s 列应为一个值（对象、数组、字符串、数字、true、false 或 null）。"
    ),
    "Expecting property name enclosed in double quotes": _(
        "第 %(line)s 行第 %(column)s 列应为用双引号括起的字段名（对象的最后一项后不能有逗号）。"
    ),
    "Expecting ':' delimiter": _("第 %(line)s 行第 %(column)s 列：字段名之后应为冒号。"),
    "Expecting ',' delimiter": _("第 %(line)s 行第 %(column)s 列应为逗号或右括号。"),
    "Unterminated string starting at": _(
        "第 %(line)s 行第 %(column)s 列开始的字符串没有结束的双引号。"
    ),
    "Invalid control character at": _(
        "第 %(line)s 行第 %(column)s 列：字符串中有未转义的控制字符（如换行或制表符）。"
    ),
    "Invalid \\escape": _BAD_ESCAPE,
    "Invalid \\uXXXX escape": _BAD_ESCAPE,
    "Extra data": _("第 %(line)s 行第 %(column)s 列：一个 JSON 值之后还有多余的内容。"),
}


def _refuse_constant(name):
    raise ParseError(_("JSON 不允许 %(name)s，数字须为有限的十进制数。") % {"name": name})


def _bounded_int(text):
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise ParseError(_("数字位数过多（最多 %(limit)s 位）。") % {"limit": MAX_INTEGER_DIGITS})
    return int(text)


class JSONBodyParser(JSONParser):
    """A JSONParser, so DRF reads the body through request.body, which enforces
    DATA_UPLOAD_MAX_MEMORY_SIZE (any other parser is handed the unbounded stream)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            "".encode(encoding)  # a bytes-to-bytes codec (bz2_codec) would inflate the body unbounded
            text = stream.read().decode(encoding)
        except LookupError:
            raise ParseError(_("不支持 Content-Type 中的字符集，请用 UTF-8。")) from None
        except UnicodeError:
            message = _("请求体不是有效的 %(encoding)s 文本。") % {"encoding": encoding.upper()}
            raise ParseError(message) from None
        try:
            return json.loads(text, parse_constant=_refuse_constant, parse_int=_bounded_int)
        except json.JSONDecodeError as exc:
            message = _PROBLEMS.get(exc.msg, _("第 %(line)s 行第 %(column)s 列不是有效的 JSON。"))
            raise ParseError(message % {"line": exc.lineno, "column": exc.colno}) from None
        except RecursionError:
            raise ParseError(_("JSON 嵌套层数过多。")) from None
