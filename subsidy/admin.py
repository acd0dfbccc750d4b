"""The subsidy app in the admin, read-only: cost declarations and connection fees are written once
through their services and corrected by new rows; claims are moved only by subsidy.services.claims."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from heating.admin import COMPANY, AppendOnlyAdmin, PortalAdmin
from subsidy.models import (
    Claim,
    ClaimAdjustment,
    ClaimEvent,
    ClaimVersion,
    ConnectionFee,
    CostAttachment,
    CostDeclaration,
)


class CostAttachmentInline(admin.TabularInline):
    model = CostAttachment
    extra = 0
    fields = ["name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False
    max_num = 0


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    fields = ["at", "kind", "organisation", "actor_name", "decision", "comment", "state_after"]
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(CostDeclaration)
class CostDeclarationAdmin(AppendOnlyAdmin, PortalAdmin, SimpleHistoryAdmin):
    list_display = ["company", "season_year", "total", "declared_by", "declared_at"]
    list_filter = [COMPANY, "season_year"]
    list_select_related = ["company", "declared_by"]
    inlines = [CostAttachmentInline]


@admin.register(ConnectionFee)
class ConnectionFeeAdmin(AppendOnlyAdmin, PortalAdmin, SimpleHistoryAdmin):
    list_display = ["company", "season_year", "amount", "returned_on", "reference", "corrects", "recorded_by"]
    list_filter = [COMPANY, "season_year"]
    list_select_related = ["company", "recorded_by", "corrects"]


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
