"""The subsidy inputs in the admin: read-only, since they are written once through their services
(a manager's declaration, the finance bureau's record) and corrected by new rows, never edited."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from heating.admin import COMPANY, AppendOnlyAdmin, PortalAdmin
from subsidy.models import ConnectionFee, CostAttachment, CostDeclaration


class CostAttachmentInline(admin.TabularInline):
    model = CostAttachment
    extra = 0
    fields = ["name", "content_type", "size", "uploaded_by", "uploaded_at"]
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
