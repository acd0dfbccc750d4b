"""GET /api/v1/statements?season=YYYY-YYYY — the token's company's statements (CONTRACTS.md)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.renderers import JSONRenderer

from heating.models import Statement
from heating.models.policy import season_name
from heating.selectors.statements import CONTRACT_INPUTS, company_statements, season_from_name

from .auth import CompanyTokenAuthentication, HasCompanyToken
from .fields import padded
from .schema import NO_SUCH_PAGE, UNAUTHORIZED, WWW_AUTHENTICATE, field_errors

_MONEY = {"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$", "example": "900.00"}
_INPUTS = {
    "type": "object",
    "properties": {
        "price_class": {"type": "string"},
        "method": {"type": "string"},
        "parts": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"kind": {"type": "string"}, "area": _MONEY},
                "required": ["kind", "area"],
            },
        },
        "area_decision": {**_MONEY, "nullable": True},
        "exchangers": {"type": "integer"},
        "low_income": {"type": "boolean"},
        "heat_gj": {"type": "string", "nullable": True, "example": "20.000000"},
        "days_open": {"type": "integer"},
        "season_days": {"type": "integer"},
        "prepaid": _MONEY,
    },
    "required": list(CONTRACT_INPUTS),
}


@extend_schema_field(_INPUTS)
class InputsField(serializers.Field):
    def to_representation(self, inputs):
        return {key: inputs[key] for key in CONTRACT_INPUTS}


@extend_schema_field({**_MONEY, "nullable": True})
class MoneyText(serializers.Field):
    def to_representation(self, value):
        return f"{value:.2f}"


class StatementSerializer(serializers.Serializer):
    account = serializers.CharField(source="account.number", help_text="the account number (户号)")
    season = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Statement.Status.values)
    supersedes = serializers.IntegerField(
        source="supersedes.version", allow_null=True, help_text="the version this one replaces"
    )
    reason = serializers.SerializerMethodField()
    policy = serializers.CharField(source="policy.code", help_text="the price notice's 文号")
    inputs = InputsField()
    billing_area = MoneyText()
    basic_fee = MoneyText()
    metered_fee = MoneyText()
    cap = MoneyText()
    cap_loss = MoneyText()
    heating_fee = MoneyText()
    exchanger_fee = MoneyText()
    gross_fee = MoneyText()
    low_income_discount = MoneyText()
    amount_due = MoneyText()
    prepayment = MoneyText()
    refund = MoneyText()
    balance_due = MoneyText()

    def get_season(self, statement) -> str:
        return season_name(statement.season_year)

    def get_reason(self, statement) -> str | None:
        return statement.reason or None


class StatementListView(ListAPIView):
    """Every version of the token's company's statements for a season, oldest first per account."""

    authentication_classes = [CompanyTokenAuthentication]
    permission_classes = [HasCompanyToken]
    renderer_classes = [JSONRenderer]
    serializer_class = StatementSerializer

    def get_queryset(self):
        values = self.request.query_params.getlist("season")
        start_year = season_from_name(values[0].strip()) if len(values) == 1 else None
        if start_year is None:
            raise ValidationError(
                {"season": [_("须给出一个供暖季，格式为 YYYY-YYYY，且后一年等于前一年加一，如 2019-2020。")]}
            )
        return company_statements(self.request.auth.company, start_year)

    @extend_schema(
        operation_id="statements_list",
        summary="List the company's statements of a season",
        description=(
            "Every version of the token's company's season statements (结算单), by account and "
            "oldest version first, paginated (`?page=N`, 100 a page). `supersedes` is the version a "
            "statement replaces and `reason` says why; `inputs` are what the figures were computed "
            "from under `policy`. Accounts that could not be settled are not listed."
        ),
        parameters=[
            OpenApiParameter(
                "season",
                {"type": "string", "pattern": padded("[0-9]{4}-[0-9]{4}")},
                OpenApiParameter.QUERY,
                required=True,
                description="YYYY-YYYY, e.g. 2019-2020",
            ),
            WWW_AUTHENTICATE,
        ],
        responses={
            200: StatementSerializer(many=True),
            400: field_errors("the season is missing or not a season"),
            401: UNAUTHORIZED,
            404: NO_SUCH_PAGE,
        },
        examples=[
            OpenApiExample(
                "a metered home's first statement",
                value={
                    "account": "0100234",
                    "season": "2019-2020",
                    "version": 1,
                    "status": "issued",
                    "supersedes": None,
                    "reason": None,
                    "policy": "源政办字〔2019〕54号",
                    "inputs": {
                        "price_class": "residential",
                        "method": "metered",
                        "parts": [{"kind": "flat", "area": "100.00"}],
                        "area_decision": None,
                        "exchangers": 0,
                        "low_income": False,
                        "heat_gj": "20.000000",
                        "days_open": 122,
                        "season_days": 122,
                        "prepaid": "2100.00",
                    },
                    "billing_area": "100.00",
                    "basic_fee": "630.00",
                    "metered_fee": "900.00",
                    "cap": "2100.00",
                    "cap_loss": "0.00",
                    "heating_fee": "900.00",
                    "exchanger_fee": "0.00",
                    "gross_fee": "900.00",
                    "low_income_discount": "0.00",
                    "amount_due": "900.00",
                    "prepayment": "2100.00",
                    "refund": "1200.00",
                    "balance_due": "0.00",
                },
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
