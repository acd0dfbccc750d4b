"""Strict number fields: ASCII decimal strings (or JSON integers) with bounded size and decimals.

Python's Decimal accepts 'NaN', '1e999999' and full-width digits; a bill must not.
"""
import re
import sys
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

_DECIMAL = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,12})?$")
_INTEGER = re.compile(r"^[0-9]{1,9}$")


@cache
def _whitespace() -> str:
    """What str.strip() takes off both ends, as a pattern class the schema's readers (ECMA) understand."""
    return "[" + "".join(f"\\u{c:04x}" for c in range(sys.maxunicode + 1) if chr(c).isspace()) + "]*"


def padded(pattern: str) -> str:
    """A schema pattern for text that is stripped before `pattern` must match all of it."""
    return f"^{_whitespace()}{pattern}{_whitespace()}$"


class StrictDecimalField(serializers.Field):
    default_error_messages = {
        "invalid": _("须为非负十进制数字，如 \"80.00\"。"),
        "max_places": _("最多 {places} 位小数。"),
        "max_value": _("不能大于 {limit}。"),
        "min_value": _("须大于 0。"),
    }

    def __init__(self, *, places: int, max_value: Decimal, positive: bool = False, **kwargs):
        self.places = places
        self.max_value = max_value
        self.positive = positive
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        text = str(data).strip()
        if not _DECIMAL.match(text):
            self.fail("invalid")
        value = Decimal(text)
        if -value.as_tuple().exponent > self.places:
            self.fail("max_places", places=self.places)
        if value > self.max_value:
            self.fail("max_value", limit=self.max_value)
        if self.positive and value <= 0:
            self.fail("min_value")
        return value

    def to_representation(self, value):
        return None if value is None else str(value)


class StrictIntegerField(serializers.Field):
    default_error_messages = {
        "invalid": _("须为非负整数。"),
        "max_value": _("不能大于 {limit}。"),
    }

    def __init__(self, *, max_value: int, **kwargs):
        self.max_value = max_value
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        text = str(data).strip()  # int() takes off less than strip() does ("\x1c5")
        if not _INTEGER.match(text):
            self.fail("invalid")
        value = int(text)
        if value > self.max_value:
            self.fail("max_value", limit=self.max_value)
        return value

    def to_representation(self, value):
        return value


class StrictBooleanField(serializers.Field):
    default_error_messages = {"invalid": _("须为 true 或 false。")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class StrictDecimalFieldSchema(OpenApiSerializerFieldExtension):
    target_class = StrictDecimalField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        return {
            "oneOf": [
                {
                    "type": "string",
                    "pattern": padded(f"[0-9]{{1,15}}(\\.[0-9]{{1,{field.places}}})?"),
                    "example": f"{Decimal(80):.{field.places}f}",
                },
                {"type": "integer", "minimum": 1 if field.positive else 0, "maximum": int(field.max_value)},
            ],
            "description": (
                f"a decimal string with at most {field.places} decimals (or a JSON integer), "
                f"{'> 0' if field.positive else '≥ 0'} and ≤ {field.max_value}; a JSON float is refused"
            ),
        }


class StrictIntegerFieldSchema(OpenApiSerializerFieldExtension):
    target_class = StrictIntegerField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "oneOf": [
                {"type": "integer", "minimum": 0, "maximum": self.target.max_value},
                {"type": "string", "pattern": padded("[0-9]{1,9}")},
            ],
            "description": f"an integer from 0 to {self.target.max_value}, or the same as a string of digits",
        }


class StrictBooleanFieldSchema(OpenApiSerializerFieldExtension):
    target_class = StrictBooleanField

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "boolean"}
