"""GET /api/v1/meters — the token's company's meters with their latest reading (CONTRACTS.md)."""
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.renderers import JSONRenderer

from heating.models import Meter, Reading
from heating.reading_rules import gj_text

from .auth import CompanyTokenAuthentication, HasCompanyToken
from .schema import NO_SUCH_PAGE, UNAUTHORIZED, WWW_AUTHENTICATE


class LastReadingSerializer(serializers.Serializer):
    read_at = serializers.CharField(help_text="ISO 8601, local time (+08:00)")
    value_gj = serializers.CharField(help_text="cumulative register in GJ, up to six decimals")


class MeterSerializer(serializers.Serializer):
    serial = serializers.CharField()
    account = serializers.CharField(source="account.number", help_text="the account number (户号)")
    last_reading = serializers.SerializerMethodField()

    @extend_schema_field(LastReadingSerializer(allow_null=True))
    def get_last_reading(self, meter):
        if meter.last_read_at is None:
            return None
        return {
            "read_at": timezone.localtime(meter.last_read_at).isoformat(),
            "value_gj": gj_text(meter.last_value_gj),
        }


def meters_with_last_reading(company):
    """The company's meters by serial, each annotated with its latest live (not void) reading —
    one statement, whatever the page size."""
    latest = (
        Reading.objects.filter(meter=OuterRef("pk"))
        .exclude(status=Reading.Status.VOID)
        .order_by("-read_at", "-pk")
    )
    return (
        Meter.objects.filter(company=company)
        .select_related("account")
        .only("serial", "account__number")
        .annotate(
            last_read_at=Subquery(latest.values("read_at")[:1]),
            last_value_gj=Subquery(latest.values("value_gj")[:1]),
        )
        .order_by("serial")
    )


class MeterListView(ListAPIView):
    """The meters of the token's company, by serial, with the latest reading of each."""

    authentication_classes = [CompanyTokenAuthentication]
    permission_classes = [HasCompanyToken]
    renderer_classes = [JSONRenderer]
    serializer_class = MeterSerializer

    def get_queryset(self):
        return meters_with_last_reading(self.request.auth.company)

    @extend_schema(
        operation_id="meters_list",
        summary="List the company's meters",
        description=(
            "The token's company's meters ordered by serial, paginated (`?page=N`, 100 a page). "
            "`last_reading` is the latest reading that is not void (null for a meter with none); "
            "`read_at` is local time with its offset, `value_gj` the stored value without "
            "trailing zeros."
        ),
        responses={
            200: MeterSerializer(many=True),
            401: UNAUTHORIZED,
            404: NO_SUCH_PAGE,
        },
        parameters=[WWW_AUTHENTICATE],
        examples=[
            OpenApiExample(
                "a meter with a reading",
                # drf-spectacular wraps a list view's example in the page envelope itself.
                value={
                    "serial": "HM-000123",
                    "account": "0100234",
                    "last_reading": {"read_at": "2020-03-15T08:00:00+08:00", "value_gj": "123.4567"},
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "a meter without readings",
                value={"serial": "HM-000124", "account": "0100235", "last_reading": None},
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
