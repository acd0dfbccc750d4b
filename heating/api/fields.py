"""Strict number fields: ASCII decimal strings (or JSON integers) with bounded size and decimals.

Python's Decimal accepts 'NaN', '1e999999' and full-width digits; a bill must not.
"""
import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

_DECIMAL = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,12})?$")
_INTEGER = re.compile(r"^[0-9]{1,9}$")


@extend_schema_field(OpenApiTypes.DECIMAL)
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


@extend_schema_field(OpenApiTypes.INT)
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
        if not _INTEGER.match(str(data).strip()):
            self.fail("invalid")
        value = int(data)
        if value > self.max_value:
            self.fail("max_value", limit=self.max_value)
        return value

    def to_representation(self, value):
        return value


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanField(serializers.Field):
    default_error_messages = {"invalid": _("须为 true 或 false。")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value
