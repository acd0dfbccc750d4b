"""POST /api/v1/readings/batch — remote-reading systems send register readings (CONTRACTS.md).

This module only checks the body's shape (anything off → 400, nothing stored) and talks JSON; every
judgement of a reading is made by heating.services.readings, the same for every entry path.
"""
import datetime
import decimal
import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from heating.identity import mask_id_numbers_in
from heating.models import Reading
from heating.reading_rules import DUPLICATE, KINDS, REJECTED, STORED, UNIT_FACTORS
from heating.services.readings import Incoming, ReadingsBusy, readings_ingest

from .auth import CompanyTokenAuthentication, HasCompanyToken
from .parsers import JSONBodyParser
from .schema import BUSY, UNAUTHORIZED, WWW_AUTHENTICATE, field_errors, retry_after

MAX_BATCH = 1000
MAX_VALUE_CHARS = 40
# ASCII only: Python's Decimal and datetime parsers also take "NaN", "1e5" and full-width digits.
_VALUE = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)
_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:?[0-9]{2})?",
    re.ASCII,
)


class StrictCharField(serializers.CharField):
    """A JSON string, kept exactly as sent (no trimming, no number-to-text coercion)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


# _TIME as the schema's readers (ECMA) write it; no `format: date-time`, which is stricter than this.
@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
        r"([Zz]|[+-][0-9]{2}:?[0-9]{2})$",
        "example": "2020-03-15T08:00:00+08:00",
    }
)
class OffsetDateTimeField(serializers.Field):
    """ISO 8601 date and time with a UTC offset; microseconds at most."""

    default_error_messages = {
        "invalid": _("须为带时区偏移的 ISO 8601 时间字符串，如 “2020-03-15T08:00:00+08:00”。"),
        "no_offset": _("时间须带时区偏移（如 +08:00 或 Z）。"),
        "out_of_range": _("时间超出可表示的范围。"),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        match = _TIME.fullmatch(data)
        if not match:
            self.fail("invalid")
        if not match["offset"]:
            self.fail("no_offset")
        try:
            value = datetime.datetime.fromisoformat(data)
            value.astimezone(datetime.UTC)  # an offset that pushes the time outside year 1..9999
        except (ValueError, OverflowError):
            self.fail("out_of_range" if _looks_like_date(data) else "invalid")
        return value


def _looks_like_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^[+-]?[0-9]+(\.[0-9]+)?$",
        "maxLength": MAX_VALUE_CHARS,
    }
)
class DecimalStringField(serializers.Field):
    """A decimal number as a JSON string of ASCII digits. Negative is shape-valid: the service
    refuses it as a reading, with a reason, like any other value it cannot store."""

    default_error_messages = {
        "invalid": _("须为十进制数字字符串，如 “123.4567”。"),
        "max_length": _("最多 {limit} 个字符。"),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or not _VALUE.fullmatch(data):
            self.fail("invalid")
        if len(data) > MAX_VALUE_CHARS:
            self.fail("max_length", limit=MAX_VALUE_CHARS)
        return decimal.Decimal(data)


MAX_TEXT = 100


class ReadingInSerializer(serializers.Serializer):
    reading_id = StrictCharField(
        min_length=1, max_length=MAX_TEXT, help_text="the client's idempotency key, unique per company"
    )
    meter = StrictCharField(max_length=MAX_TEXT, help_text="the meter's serial")
    read_at = OffsetDateTimeField(help_text="ISO 8601 with offset")
    value = DecimalStringField(help_text="cumulative register, decimal string ≥ 0")
    unit = StrictChoiceField(choices=list(UNIT_FACTORS))
    type = StrictChoiceField(choices=list(KINDS), default=Reading.Kind.ACTUAL)

    def to_internal_value(self, data):
        """A well-formed reading (the usual case) takes the fast path; anything else goes through
        DRF's field-by-field validation, which says what is wrong. The fast path accepts only what
        that validation accepts, with the same result (tests/api/test_readings_batch.py checks)."""
        well_formed = self.well_formed(data)
        return well_formed if well_formed is not None else super().to_internal_value(data)

    def well_formed(self, data) -> dict | None:
        if type(data) is not dict:
            return None
        reading_id, meter = data.get("reading_id"), data.get("meter")
        unit, kind = data.get("unit"), data.get("type", Reading.Kind.ACTUAL)
        if not (
            _plain_text(reading_id)
            and _plain_text(meter)
            and isinstance(unit, str)
            and unit in UNIT_FACTORS
            and isinstance(kind, str)
            and kind in KINDS
        ):
            return None
        fields = self.fields
        try:
            read_at = fields["read_at"].to_internal_value(data.get("read_at"))
            value = fields["value"].to_internal_value(data.get("value"))
        except serializers.ValidationError:
            return None
        return {
            "reading_id": reading_id,
            "meter": meter,
            "read_at": read_at,
            "value": value,
            "unit": unit,
            "type": kind,
        }


def _plain_text(value) -> bool:
    # isprintable() is False for NUL and surrogates, which the CharFields refuse.
    return isinstance(value, str) and 0 < len(value) <= MAX_TEXT and value.isprintable()


class ReadingListField(serializers.ListField):
    """Counts before validating items: 1,001 readings are refused without looking at any."""

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) > MAX_BATCH:
            self.fail("max_length", max_length=MAX_BATCH)
        return super().to_internal_value(data)


class ReadingBatchSerializer(serializers.Serializer):
    readings = ReadingListField(child=ReadingInSerializer(), max_length=MAX_BATCH)


class ReadingResultSerializer(serializers.Serializer):
    reading_id = serializers.CharField()
    status = serializers.ChoiceField(choices=[STORED, DUPLICATE, REJECTED])
    reason = serializers.CharField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField(), help_text='e.g. ["implausible_use"]')


class ReadingBatchResultSerializer(serializers.Serializer):
    stored = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = ReadingResultSerializer(many=True)


def _incoming(reading: dict) -> Incoming:
    return Incoming(
        serial=reading["meter"],
        read_at=reading["read_at"],
        value=reading["value"],
        unit=reading["unit"],
        kind=reading["type"],
        client_id=reading["reading_id"],
    )


class ReadingBatchView(APIView):
    """Store a batch of register readings for the token's company; each reading is judged alone."""

    authentication_classes = [CompanyTokenAuthentication]
    permission_classes = [HasCompanyToken]
    parser_classes = [JSONBodyParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="readings_batch",
        summary="Send a batch of meter readings",
        description=(
            "At most 1,000 readings. A body that is not this shape (a missing field, a field of the "
            "wrong type, an unknown unit or type, a time without an offset, more than 1,000 "
            "readings) is 400 and stores nothing; errors name the reading by its index, e.g. "
            '`{"readings": {"3": {"unit": ["…"]}}}`. Otherwise each reading is judged on its own '
            "and the response gives one result per reading, in the order sent: `stored`, "
            "`duplicate` (this reading_id, or the same meter, time and value, is already stored) or "
            "`rejected` with the reason. Values are stored in GJ with six decimals "
            "(1 MWh = 3.6 GJ, 1 kWh = 0.0036 GJ); a value that cannot be stored exactly is rejected. "
            'A stored reading may carry flags, e.g. `["implausible_use"]` (held for review). '
            "Sending the same batch again is safe: everything comes back `duplicate`."
        ),
        request=ReadingBatchSerializer,
        responses={
            200: ReadingBatchResultSerializer,
            400: field_errors("the body is not this shape; nothing was stored"),
            401: UNAUTHORIZED,
            503: BUSY,
        },
        parameters=[WWW_AUTHENTICATE, retry_after(503)],
        examples=[
            OpenApiExample(
                "one reading",
                value={
                    "readings": [
                        {
                            "reading_id": "route7-HM-000123-20200315",
                            "meter": "HM-000123",
                            "read_at": "2020-03-15T08:00:00+08:00",
                            "value": "123.4567",
                            "unit": "GJ",
                            "type": "actual",
                        }
                    ]
                },
                request_only=True,
            ),
            OpenApiExample(
                "stored",
                value={
                    "stored": 1,
                    "duplicate": 0,
                    "rejected": 0,
                    "results": [
                        {
                            "reading_id": "route7-HM-000123-20200315",
                            "status": "stored",
                            "reason": None,
                            "flags": [],
                        }
                    ],
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "one of each",
                value={
                    "stored": 1,
                    "duplicate": 1,
                    "rejected": 1,
                    "results": [
                        {"reading_id": "r-1", "status": "stored", "reason": None, "flags": []},
                        {"reading_id": "r-2", "status": "duplicate", "reason": None, "flags": []},
                        {
                            "reading_id": "r-3",
                            "status": "rejected",
                            "reason": "below the earlier reading 130.5 GJ at 2020-03-14T08:00:00+08:00",
                            "flags": [],
                        },
                    ],
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "shape error",
                value={"readings": {"3": {"unit": ['"J" is not a valid choice.']}}},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request):
        serializer = ReadingBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        readings = serializer.validated_data["readings"]
        try:
            outcomes = readings_ingest(
                company=request.auth.company,
                incoming=[_incoming(r) for r in readings],
                source=Reading.Source.API,
                api_token=request.auth,
            )
        except ReadingsBusy:
            return Response(
                {"detail": _("同一批读数正与其他请求冲突，未保存任何读数，请稍后重发。")},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "1"},
            )
        counts = {STORED: 0, DUPLICATE: 0, REJECTED: 0}
        results = []
        for reading, outcome in zip(readings, outcomes, strict=True):
            counts[outcome.status] += 1
            results.append(
                {
                    "reading_id": reading["reading_id"],
                    "status": outcome.status,
                    "reason": outcome.reason and mask_id_numbers_in(outcome.reason),
                    "flags": list(outcome.flags),
                }
            )
        return Response({**counts, "results": results}, status=status.HTTP_200_OK)
