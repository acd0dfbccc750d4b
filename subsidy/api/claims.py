"""GET /api/v1/claims and /api/v1/claims/<id>: the subsidy claims the caller may see, read-only.
Portal users by their session (scoped by subsidy.selectors.claims.visible_claims); a company's API
token sees that company's claims."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer

from heating.api.auth import CompanyTokenAuthentication
from heating.api.schema import NO_SUCH_PAGE, UNAUTHORIZED
from heating.models import ApiToken
from heating.models.policy import season_name
from subsidy.explain import TERMS
from subsidy.models import Claim, ClaimEvent, ClaimReview
from subsidy.selectors.claims import token_claims, visible_claims

_MONEY = {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$", "example": "4325.00"}
_FIGURES = {
    "type": "object",
    "nullable": True,
    "description": "every term of POLICY.md §8 as a two-decimal string; null before the first submission",
    "properties": {**{term: _MONEY for term in TERMS}, "exceptions": {"type": "integer"}},
}


@extend_schema_field(_FIGURES)
class FiguresField(serializers.JSONField):
    pass


class SignedInOrCompanyToken(BasePermission):
    message = _("请登录门户，或使用接口令牌：Authorization: Token <令牌>。")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken) or request.user.is_authenticated


def claims_of(request):
    """The one place the API scopes claims: a token's company, else the signed-in user's view."""
    if isinstance(request.auth, ApiToken):
        return token_claims(request.auth.company)
    return visible_claims(request.user)


class ClaimSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="company.code", help_text="the heating company's code")
    company_name = serializers.CharField(source="company.name")
    season = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=Claim.State.values)
    version = serializers.IntegerField(source="current_version.number", allow_null=True)
    figures = FiguresField(help_text="the current version's figures with the reviewers' cost adjustments")
    approved_amount = serializers.DecimalField(max_digits=13, decimal_places=2, allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "company",
            "company_name",
            "season",
            "state",
            "version",
            "figures",
            "approved_amount",
            "paid_on",
            "payment_reference",
        ]

    def get_season(self, claim) -> str:
        return season_name(claim.season_year)


class ReviewSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    decision = serializers.ChoiceField(choices=ClaimReview.Decision.values)

    class Meta:
        model = ClaimReview
        fields = ["organisation", "decision"]


class EventSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    kind = serializers.ChoiceField(choices=ClaimEvent.Kind.values)
    version = serializers.IntegerField(source="version.number", allow_null=True)
    figures_before = FiguresField()
    figures_after = FiguresField()

    class Meta:
        model = ClaimEvent
        fields = [
            "kind",
            "state_after",
            "organisation",
            "actor_name",
            "at",
            "decision",
            "comment",
            "version",
            "figures_before",
            "figures_after",
        ]


class ClaimDetailSerializer(ClaimSerializer):
    cost_items = serializers.JSONField(
        source="current_version.cost_items", allow_null=True, help_text="the declared cost by category"
    )
    reviews = ReviewSerializer(many=True)
    history = EventSerializer(many=True, source="events")

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "cost_items", "reviews", "history"]


class _ClaimsView:
    authentication_classes = [CompanyTokenAuthentication, SessionAuthentication]
    permission_classes = [SignedInOrCompanyToken]
    renderer_classes = [JSONRenderer]

    def get_queryset(self):
        return (
            claims_of(self.request)
            .select_related("company", "current_version")
            .order_by("-season_year", "id")
        )


class ClaimListView(_ClaimsView, ListAPIView):
    serializer_class = ClaimSerializer

    @extend_schema(
        operation_id="claims_list",
        summary="List the subsidy claims the caller may see",
        description=(
            "Subsidy claims (POLICY.md §8), latest season first, paginated (`?page=N`). A company's token "
            "or staff see that company's claims; a bureau holding a subsidy duty sees every claim; anyone "
            "else none."
        ),
        responses={200: ClaimSerializer(many=True), 401: UNAUTHORIZED, 404: NO_SUCH_PAGE},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ClaimDetailView(_ClaimsView, RetrieveAPIView):
    serializer_class = ClaimDetailSerializer

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "reviews", ClaimReview.objects.select_related("organisation").order_by("organisation_id")
                ),
                Prefetch(
                    "events", ClaimEvent.objects.select_related("organisation", "version").order_by("id")
                ),
            )
        )

    @extend_schema(
        operation_id="claims_retrieve",
        summary="One subsidy claim with its cost items, reviews and history",
        description="A claim the caller may not see answers 404, exactly like one that does not exist.",
        responses={200: ClaimDetailSerializer, 401: UNAUTHORIZED, 404: NO_SUCH_PAGE},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
