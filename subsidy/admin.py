"""Claims are moved only by subsidy.services.claims: the admin shows them and their history, read-only."""

from django.contrib import admin

from heating.admin import AppendOnlyAdmin, PortalAdmin
from subsidy.models import Claim, ClaimAdjustment, ClaimEvent, ClaimVersion


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    fields = ["at", "kind", "organisation", "actor_name", "decision", "comment", "state_after"]
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(Claim)
class ClaimAdmin(AppendOnlyAdmin, PortalAdmin, admin.ModelAdmin):
    list_display = ["company", "season_year", "state", "approved_amount", "paid_on"]
    list_filter = ["season_year", "state"]
    list_select_related = ["company"]
    inlines = [ClaimEventInline]


@admin.register(ClaimVersion)
class ClaimVersionAdmin(AppendOnlyAdmin, PortalAdmin, admin.ModelAdmin):
    list_display = ["claim", "number", "statements_count", "made_at", "made_by"]
    list_select_related = ["claim__company", "made_by"]


@admin.register(ClaimAdjustment)
class ClaimAdjustmentAdmin(AppendOnlyAdmin, PortalAdmin, admin.ModelAdmin):
    list_display = ["version", "category", "amount_before", "amount_after", "organisation", "made_at"]
    list_select_related = ["version", "organisation"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(AppendOnlyAdmin, PortalAdmin, admin.ModelAdmin):
    list_display = ["claim", "kind", "organisation", "actor_name", "at", "decision"]
    list_filter = ["kind"]
    list_select_related = ["claim__company", "organisation"]
