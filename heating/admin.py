import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from heating import identity
from heating.models import (
    Account,
    AccountHolder,
    AccountTerms,
    ActivationCode,
    ApiToken,
    AreaDecision,
    Building,
    Customer,
    HeatedPart,
    ImportBatch,
    InstitutionApproval,
    Job,
    JobSlot,
    LedgerEntry,
    LowIncomeCertificate,
    Membership,
    Meter,
    Organisation,
    OrganisationDuty,
    Payment,
    Premises,
    PricePolicy,
    ProviderAccount,
    Reading,
    ReadingLimits,
    Receipt,
    ReceiptVoid,
    Refund,
    Route,
    Season,
    SeasonTotals,
    ServiceCounter,
    Statement,
)
from heating.services.payments import credit_problem, payment_record

admin.site.site_header = _("沂源县城区供暖账户门户")
admin.site.site_title = _("沂源县城区供暖账户门户")
admin.site.index_title = _("管理后台")


class CompanyFilter(admin.RelatedFieldListFilter):
    """Offers heating companies only: a bureau is never a row's company."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(
            include_blank=False,
            ordering=self.field_admin_ordering(field, request, model_admin),
            limit_choices_to={"kind": Organisation.Kind.COMPANY},
        )


COMPANY = ("company", CompanyFilter)


class PortalAdmin:
    """Rules every admin of ours keeps (mixed in before Django's ModelAdmin): a row's company is a
    heating company, and no search puts an identity number in a URL or a link."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "company" and db_field.related_model is Organisation:
            kwargs["queryset"] = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        """A search term holding an identity number never reaches the list's links."""
        if _holds_id_number(request.GET.get(SEARCH_VAR, "")):
            return self.id_number_searched(request, request.GET[SEARCH_VAR])
        return super().changelist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        """simple_history looks the id up as given: one that is no key at all ("1e5") would be a 500."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)

    def id_number_searched(self, request, term):
        self.message_user(
            request, _("此处不能按身份证号搜索：请在客户列表中用“按身份证号查找”。"), messages.WARNING
        )
        return redirect(_with_query(request.path, _filters(request)))


def _holds_id_number(term: str) -> bool:
    compact = re.sub(r"\s", "", term)
    return identity.mask_id_numbers_in(compact) != compact


def _with_query(url, query):
    return f"{url}?{query.urlencode()}" if query else url


def _filters(request):
    """The change list's filters from the query string, without the search, the page and a
    previous lookup's keys."""
    filters = request.GET.copy()
    for name in (SEARCH_VAR, PAGE_VAR, "id__in"):
        filters.pop(name, None)
    return filters


class WrittenElsewhere:
    """Rows the portal's own pages write (with the rules they need): the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DutyInline(admin.TabularInline):
    model = OrganisationDuty
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class ServiceCounterInline(admin.TabularInline):
    model = ServiceCounter
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(PortalAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    inlines = [DutyInline, MembershipInline, ServiceCounterInline]


class WriteOnlyInput(forms.TextInput):
    """A text box that never renders its value, so a form shown again after an error cannot echo it."""

    def format_value(self, value):
        return None


class CustomerForm(forms.ModelForm):
    """The identity number is write-only: typed in, stored encrypted, shown masked."""

    id_number = forms.CharField(
        label=_("身份证号（新录入或更正）"),
        required=False,
        widget=WriteOnlyInput(attrs={"autocomplete": "off"}),
        help_text=_("留空则不变。保存后只显示脱敏号码。"),
    )

    class Meta:
        model = Customer
        fields = ["company", "name", "phone", "user"]

    def clean_id_number(self):
        number = self.cleaned_data["id_number"]
        return identity.normalise(number) if number else ""

    def save(self, commit=True):
        if self.cleaned_data.get("id_number"):
            self.instance.set_id_number(self.cleaned_data["id_number"])
        return super().save(commit)


@admin.register(Customer)
class CustomerAdmin(PortalAdmin, SimpleHistoryAdmin):
    form = CustomerForm
    list_display = ["name", "company", "phone", "id_number_masked", "user"]
    list_filter = [COMPANY]
    search_fields = ["name", "phone", "accounts__number"]
    readonly_fields = ["id_number_masked"]
    autocomplete_fields = ["user"]
    history_list_display = ["name", "phone", "id_number_masked"]

    def get_urls(self):
        find = self.admin_site.admin_view(self.find_by_id_number_view)
        return [
            path("find-by-id-number/", find, name="heating_customer_find_by_id_number"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        find_url = _with_query(reverse("admin:heating_customer_find_by_id_number"), _filters(request))
        extra_context = {**(extra_context or {}), "find_by_id_number_url": find_url}
        return super().changelist_view(request, extra_context)

    @method_decorator(sensitive_post_parameters("id_number"))
    @method_decorator(require_POST)
    def find_by_id_number_view(self, request):
        """Looks a customer up by identity number sent in a POST body, never in a URL."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return self.id_number_searched(request, request.POST.get("id_number", ""))

    def id_number_searched(self, request, number):
        """Redirects to the change list narrowed to the number's holders by their keys (the list
        filters kept): the URL, the page's links and the access log never see the number."""
        filters = _filters(request)
        try:
            fingerprint = identity.fingerprint(number)
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.ERROR)
        else:
            holders = self.get_queryset(request).filter(id_number_hash=fingerprint)
            keys = ",".join(str(pk) for pk in holders.values_list("pk", flat=True))
            if keys:
                filters["id__in"] = keys
            else:
                self.message_user(request, _("没有客户登记这个身份证号。"), messages.WARNING)
        return redirect(_with_query(reverse("admin:heating_customer_changelist"), filters))


class HeatedPartInline(admin.TabularInline):
    model = HeatedPart
    extra = 0


@admin.register(Premises)
class PremisesAdmin(PortalAdmin, admin.ModelAdmin):
    list_display = ["__str__", "company", "building"]
    list_filter = [COMPANY]
    search_fields = ["unit", "building__name", "accounts__number"]
    list_select_related = ["building", "company"]
    inlines = [HeatedPartInline]
    autocomplete_fields = ["building"]


@admin.register(Building)
class BuildingAdmin(PortalAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "company", "route", "route_order"]
    list_filter = [COMPANY]
    search_fields = ["code", "name"]
    list_select_related = ["company", "route"]


@admin.register(Route)
class RouteAdmin(PortalAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "company"]
    list_filter = [COMPANY]
    search_fields = ["code", "name"]


class TermsInline(admin.TabularInline):
    model = AccountTerms
    extra = 0


class AreaDecisionInline(admin.TabularInline):
    """Area decisions are made by the bureau holding the duty (heating.services.decisions): shown here."""

    model = AreaDecision
    extra = 0
    fk_name = "account"
    fields = ["from_year", "area", "decided_by", "decided_by_user", "decided_at", "reference", "needs_review"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(PortalAdmin, SimpleHistoryAdmin):
    list_display = ["number", "company", "customer", "premises", "opened_on", "closed_on"]
    list_filter = [COMPANY]
    search_fields = ["number", "customer__name"]
    list_select_related = ["company", "customer", "premises__building"]
    autocomplete_fields = ["customer", "premises"]
    inlines = [TermsInline, AreaDecisionInline]


# Who decided is written only by heating.services.decisions, which checks the duty (so does the
# database); `needs_review` lists the rows recorded before that check whose decider did not hold it.
DECIDED_FIELDS = ["status", "decided_by", "decided_duty", "decided_by_user", "decided_at", "needs_review"]


@admin.register(AreaDecision)
class AreaDecisionAdmin(WrittenElsewhere, PortalAdmin, SimpleHistoryAdmin):
    list_display = ["account", "from_year", "area", "decided_by", "decided_at", "needs_review"]
    list_filter = ["needs_review", "from_year"]
    search_fields = ["account__number", "reference"]
    list_select_related = ["account", "decided_by", "decided_by_user"]


@admin.register(InstitutionApproval)
class InstitutionApprovalAdmin(PortalAdmin, SimpleHistoryAdmin):
    list_display = ["account", "category", "from_year", "status", "decided_by", "decided_at", "needs_review"]
    list_filter = ["needs_review", "status", "category"]
    search_fields = ["account__number"]
    autocomplete_fields = ["account"]
    readonly_fields = DECIDED_FIELDS


@admin.register(LowIncomeCertificate)
class LowIncomeCertificateAdmin(PortalAdmin, SimpleHistoryAdmin):
    list_display = ["account", "kind", "number", "valid_from", "valid_until", "status", "needs_review"]
    list_filter = ["needs_review", "status", "kind"]
    search_fields = ["account__number", "number"]
    autocomplete_fields = ["account"]
    readonly_fields = [*DECIDED_FIELDS, "revoked_from"]


@admin.register(Meter)
class MeterAdmin(PortalAdmin, SimpleHistoryAdmin):
    list_display = ["serial", "company", "account", "installed_on", "removed_on"]
    list_filter = [COMPANY]
    search_fields = ["serial", "account__number"]
    list_select_related = ["company", "account"]
    autocomplete_fields = ["account"]


@admin.register(Reading)
class ReadingAdmin(PortalAdmin, SimpleHistoryAdmin):
    """A reading's value and status change only through the review pages, which apply the rules
    and record who and why; entry, import and the API add readings. Only the note is kept here."""

    list_display = ["meter", "read_at", "value_gj", "kind", "status", "source"]
    list_filter = [COMPANY, "status", "kind", "source"]
    search_fields = ["meter__serial", "client_id"]
    list_select_related = ["meter"]
    date_hierarchy = "read_at"

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in ("id", "note")]


class PaymentForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if data.get("channel") == Payment.Channel.CREDIT and data.get("account") and data.get("amount"):
            problem = credit_problem(
                account=data["account"], season_year=data["season_year"], amount=data["amount"]
            )
            if problem:
                self.add_error("amount", problem)
        return data


@admin.register(Payment)
class PaymentAdmin(PortalAdmin, SimpleHistoryAdmin):
    """A payment is added through the service that writes its ledger entries, and never edited:
    a wrong one is reversed in the ledger."""

    list_display = ["account", "season_year", "amount", "paid_on", "channel"]
    list_filter = ["season_year", "channel"]
    search_fields = ["account__number", "reference"]
    autocomplete_fields = ["account"]
    exclude = ["created_by"]
    form = PaymentForm

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = payment_record(
            account=obj.account,
            season_year=obj.season_year,
            amount=obj.amount,
            paid_on=obj.paid_on,
            channel=obj.channel,
            reference=obj.reference,
            user=request.user,
        )
        obj.pk = saved.pk


@admin.register(PricePolicy)
class PricePolicyAdmin(PortalAdmin, SimpleHistoryAdmin):
    """A notice in force is never edited: past bills must stay reproducible. A new notice is a new row
    (loaded here as published, or drafted and published on the price-policy desk, /bureau/prices/);
    here a policy is only read, and only a draft is deleted."""

    list_display = ["code", "status", "effective_from", "effective_until"]
    list_filter = ["status"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("status", "published_at", "published_by")
        return [f.name for f in self.model._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a queryset's delete would pass a published policy by
        return actions

    def revert_disabled(self, request, obj=None):
        return True

    def save_model(self, request, obj, form, change):
        if not change:  # a notice loaded here is published as it is kept
            obj.published_at, obj.published_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)


@admin.register(Season)
class SeasonAdmin(PortalAdmin, admin.ModelAdmin):
    list_display = ["name", "settled_at"]


@admin.register(AccountHolder)
class AccountHolderAdmin(WrittenElsewhere, PortalAdmin, SimpleHistoryAdmin):
    """Written by the transfer service (过户), which keeps Account.customer in step; never edited."""

    list_display = ["account", "customer", "from_date", "recorded_by", "recorded_at"]
    search_fields = ["account__number", "customer__name"]
    list_select_related = ["account", "customer", "recorded_by"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(WrittenElsewhere, PortalAdmin, admin.ModelAdmin):
    """Issued in the portal or with `manage.py create_api_token`; only a digest is stored."""

    list_display = ["name", "company", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [COMPANY]


@admin.register(ProviderAccount)
class ProviderAccountAdmin(WrittenElsewhere, PortalAdmin, admin.ModelAdmin):
    """Entered by the company's manager on 支付商户, where the secrets are encrypted; here only their
    masked fingerprints are shown, never the secrets."""

    list_display = ["company", "provider", "merchant_id", "app_id", "active", "secrets_masked"]
    list_filter = [COMPANY, "provider", "active"]
    list_select_related = ["company"]
    fields = [
        "company", "provider", "merchant_id", "app_id", "public_key_id", "cert_serial_no", "public_key",
        "active", "secrets_masked",
    ]
    readonly_fields = ["secrets_masked"]


@admin.register(ImportBatch)
class ImportBatchAdmin(WrittenElsewhere, PortalAdmin, admin.ModelAdmin):
    list_display = ["file_name", "company", "kind", "status", "rows", "error_count", "created_by"]
    list_filter = [COMPANY, "kind", "status"]
    list_select_related = ["company", "created_by"]


class AppendOnlyAdmin(WrittenElsewhere):
    """Issued documents and ledger entries are never edited or deleted here (nor anywhere)."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(AppendOnlyAdmin, PortalAdmin, admin.ModelAdmin):
    list_display = ["account", "season_year", "kind", "amount", "created_at", "memo"]
    list_filter = ["season_year", "kind"]
    search_fields = ["account__number"]
    list_select_related = ["account"]


@admin.register(Statement)
class StatementAdmin(AppendOnlyAdmin, PortalAdmin, admin.ModelAdmin):
    list_display = ["account", "season_year", "version", "status", "amount_due", "refund", "balance_due"]
    list_filter = ["season_year", "status"]
    search_fields = ["account__number"]
    list_select_related = ["account"]


@admin.register(SeasonTotals)
class SeasonTotalsAdmin(AppendOnlyAdmin, PortalAdmin, admin.ModelAdmin):
    list_display = ["company", "season_year", "computed_at", "statements", "exceptions", "revenue"]
    list_filter = ["season_year"]
    list_select_related = ["company"]


class JobSlotInline(admin.TabularInline):
    model = JobSlot
    extra = 0
    fields = ["index", "size", "state", "claimed_by", "claimed_at", "attempts", "finished_at"]
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(Job)
class JobAdmin(WrittenElsewhere, PortalAdmin, admin.ModelAdmin):
    """Started from the portal's pages and run by the workers (heating.services.jobs)."""

    list_display = ["kind", "company", "state", "done", "total", "started_by", "created_at", "finished_at"]
    list_filter = [COMPANY, "kind", "state"]
    list_select_related = ["company", "started_by"]
    inlines = [JobSlotInline]


@admin.register(Refund)
class RefundAdmin(WrittenElsewhere, PortalAdmin, SimpleHistoryAdmin):
    """Read-only: refunds move only through heating.services.refunds, which write the ledger."""

    list_display = ["account", "season_year", "kind", "amount", "state", "payee_account_masked", "paid_on"]
    list_filter = ["season_year", "kind", "state"]
    search_fields = ["account__number"]
    list_select_related = ["account"]
    # The cipher is useless to read and the plain number is for the bank's export only.
    exclude = ["payee_account_cipher"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(AppendOnlyAdmin, PortalAdmin, admin.ModelAdmin):
    """Issued at the counter with its payment (heating.services.receipts); voided by a record of its own."""

    list_display = ["number", "company", "payment", "issued_at", "issued_by"]
    list_filter = [COMPANY, "year"]
    search_fields = ["number", "payment__account__number"]
    list_select_related = ["company", "payment__account", "issued_by"]


@admin.register(ReceiptVoid)
class ReceiptVoidAdmin(AppendOnlyAdmin, PortalAdmin, admin.ModelAdmin):
    list_display = ["receipt", "reason", "voided_at", "voided_by"]
    list_select_related = ["receipt", "voided_by"]


@admin.register(ReadingLimits)
class ReadingLimitsAdmin(PortalAdmin, admin.ModelAdmin):
    list_display = ["__str__", "max_daily_gj_per_m2", "history_factor"]


@admin.register(ActivationCode)
class ActivationCodeAdmin(WrittenElsewhere, PortalAdmin, admin.ModelAdmin):
    """Issued at the counter, on notices or with `manage.py issue_activation_code`; only a hash is kept."""

    list_display = ["account", "issued_at", "issued_by", "voided_at"]
    search_fields = ["account__number"]
    list_select_related = ["account", "issued_by"]
    exclude = ["code_hash"]
