"""POST /api/v1/quote — the public fee calculator (CONTRACTS.md). The engine bills; this only talks."""
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from heating.billing import METHODS, PART_KINDS, PRICE_CLASSES, AccountFacts, Part, bill, problems
from heating.billing_messages import billing_errors_by_field
from heating.models.policy import season_length
from heating.selectors.policy import NoPolicyInForce, latest_priced_season, policy_for_season
from heating.selectors.statements import season_from_name

from .breakdown import breakdown_json
from .fields import StrictBooleanField, StrictDecimalField, StrictIntegerField, padded
from .parsers import JSONBodyParser
from .schema import THROTTLED, field_errors, retry_after

MAX_AREA = Decimal("1000000")
MAX_HEAT = Decimal("10000000")
MAX_MONEY = Decimal("100000000")


class PartSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PART_KINDS)
    area = StrictDecimalField(places=2, max_value=MAX_AREA, positive=True)


@extend_schema_field({"type": "string", "pattern": padded("[0-9]{4}-[0-9]{4}"), "example": "2019-2020"})
class SeasonField(serializers.CharField):
    """Text; QuoteRequestSerializer.validate_season reads the years (the schema only shows the shape)."""


class QuoteRequestSerializer(serializers.Serializer):
    season = SeasonField(required=False, allow_null=True, help_text="YYYY-YYYY")
    price_class = serializers.ChoiceField(choices=PRICE_CLASSES)
    method = serializers.ChoiceField(choices=METHODS)
    parts = PartSerializer(many=True, allow_empty=False, max_length=50)
    heat_gj = StrictDecimalField(places=6, max_value=MAX_HEAT, required=False, allow_null=True)
    exchangers = StrictIntegerField(max_value=99, required=False)
    low_income = StrictBooleanField(required=False)
    prepaid = StrictDecimalField(places=2, max_value=MAX_MONEY, required=False, allow_null=True)
    days_open = StrictIntegerField(
        max_value=366,
        required=False,
        allow_null=True,
        help_text="days the home is connected in the season, 1 to the season's 121 or 122 days (15 Nov to "
        "15 Mar, both counted); a home connected or disconnected during the season pays for these days "
        "(POLICY.md §4). Default: the whole season.",
    )

    def validate_season(self, value):
        if value is None:
            return None
        start_year = season_from_name(value)
        if start_year is None:
            raise serializers.ValidationError(
                _("供暖季格式为 YYYY-YYYY，且后一年等于前一年加一，如 2019-2020。")
            )
        return start_year

    def validate(self, attrs):
        """The engine's own checks of the combination (one source for them), in the request's language.
        The season (its default resolved here) gives the days of the season that days_open is out of."""
        if attrs.get("season") is None:
            attrs["season"] = latest_priced_season()
        found = problems(quote_facts(attrs), heat_gj=attrs.get("heat_gj"), prepaid=attrs.get("prepaid"))
        if found:
            raise serializers.ValidationError(billing_errors_by_field(found))
        return attrs


def quote_facts(data) -> AccountFacts:
    """The account a quote request describes (open for days_open of the season when given)."""
    days_open, season = data.get("days_open"), data.get("season")
    if season is None:  # no policy loaded: the season's refusal says so
        days_open = None
    return AccountFacts(
        price_class=data["price_class"],
        method=data["method"],
        parts=tuple(Part(kind=p["kind"], area=p["area"]) for p in data["parts"]),
        exchangers=data.get("exchangers", 0),
        low_income=data.get("low_income", False),
        days_open=days_open,
        season_days=None if days_open is None else season_length(season),
    )


class QuoteLineSerializer(serializers.Serializer):
    key = serializers.CharField()
    section = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.CharField(allow_null=True)


class QuoteResponseSerializer(serializers.Serializer):
    season = serializers.CharField()
    policy = serializers.CharField()
    billing_area = serializers.CharField()
    basic_fee = serializers.CharField(allow_null=True)
    metered_fee = serializers.CharField(allow_null=True)
    cap = serializers.CharField(allow_null=True)
    cap_loss = serializers.CharField()
    heating_fee = serializers.CharField()
    exchanger_fee = serializers.CharField()
    gross_fee = serializers.CharField()
    low_income_discount = serializers.CharField()
    amount_due = serializers.CharField()
    prepayment = serializers.CharField()
    refund = serializers.CharField()
    balance_due = serializers.CharField()
    lines = QuoteLineSerializer(many=True)


class QuoteThrottle(AnonRateThrottle):
    """Per client address; past the rate the quote answers 429 with Retry-After (documented)."""

    rate = "120/minute"


class QuoteView(APIView):
    """What does this home pay under the price policy? The same engine bills real accounts."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONBodyParser]
    throttle_classes = [QuoteThrottle]

    @extend_schema(
        operation_id="quote",
        request=QuoteRequestSerializer,
        responses={
            200: QuoteResponseSerializer,
            400: field_errors(
                "the request is not a home the policy can bill (a field missing or malformed, parts "
                "that do not fit the price class, heat_gj missing for metered or given for area, days_open "
                "outside 1 to the season's days), or "
                "no price policy is in force on the season's first day (the message names the date)"
            ),
            429: THROTTLED,
        },
        parameters=[retry_after(429)],
        examples=[
            OpenApiExample(
                "metered flat",
                value={
                    "season": "2019-2020",
                    "price_class": "residential",
                    "method": "metered",
                    "parts": [{"kind": "flat", "area": "100.00"}],
                    "heat_gj": "20.000",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        serializer = QuoteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        start_year = data["season"]
        if start_year is None:
            return Response({"season": [_("尚未载入任何价格政策。")]}, status=400)
        try:
            policy = policy_for_season(start_year)
        except NoPolicyInForce as exc:
            return Response({"season": [str(exc)]}, status=400)
        heat_gj, prepaid = data.get("heat_gj"), data.get("prepaid")
        result = bill(quote_facts(data), policy.terms(), heat_gj=heat_gj, prepaid=prepaid)
        return Response(breakdown_json(result, start_year, get_language()))
