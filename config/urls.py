from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz
from heating.api.quote import QuoteView
from heating.views import (
    bill,
    counter,
    disputes,
    imports,
    inbox,
    institutions,
    jobs,
    landing,
    lowincome,
    notices,
    payments,
    public,
    refunds,
    resident,
    season_totals,
    settlement,
    tokens,
)
from heating.views import readings as reading_views

api_v1 = [
    path("quote", QuoteView.as_view(), name="quote"),
    path("", include("heating.api.urls")),
    path("", include("subsidy.api.urls")),
]

urlpatterns = [
    path("", public.home, name="home"),
    path("calculator/", public.calculator, name="calculator"),
    path("policy/", public.policy, name="policy-public"),
    path("start/", landing.landing, name="landing"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.inbox_open, name="inbox-open"),
    path("inbox/read/", inbox.inbox_mark_read, name="inbox-mark-read"),
    # CONTRACTS.md, "Resident portal addresses": printed notices carry /activate/ and /me/.
    path("activate/", resident.activate, name="activate"),
    path("activate/password/", resident.activate_password, name="activate-password"),
    path("me/", resident.homes, name="homes"),
    path("me/low-income/", lowincome.apply, name="lowincome-apply"),
    path("low-income/scans/<int:pk>/", lowincome.scan_download, name="lowincome-scan"),
    path("bureau/low-income/", lowincome.queue, name="lowincome-queue"),
    path("bureau/low-income/<int:pk>/", lowincome.detail, name="lowincome-detail"),
    path("bureau/low-income/roster/", lowincome.roster, name="lowincome-roster"),
    path("bureau/low-income/roster/<int:pk>/", lowincome.roster_detail, name="lowincome-roster-detail"),
    path(
        "bureau/low-income/roster/<int:pk>/commit/", lowincome.roster_commit, name="lowincome-roster-commit"
    ),
    path(
        "bureau/low-income/roster/template.<slug:fmt>",
        lowincome.roster_file_template,
        name="lowincome-roster-template",
    ),
    path("company/", landing.company_overview_page, name="company-overview"),
    path("bureau/", landing.bureau_inbox, name="bureau-inbox"),
    path("company/counter/", counter.counter, name="counter"),
    path("company/counter/search", counter.counter_search, name="counter-search"),
    path("company/accounts/<str:number>/", counter.staff_account, name="staff-account"),
    path("company/imports/", imports.import_list, name="import-list"),
    path("company/imports/readings/", imports.import_readings, name="import-readings"),
    path("company/imports/onboarding/", imports.import_onboarding, name="import-onboarding"),
    path(
        "company/imports/bank-collection/", imports.import_bank_collection, name="import-bank-collection"
    ),
    path("company/imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("company/imports/<int:pk>/commit/", imports.import_commit, name="import-commit"),
    path("company/imports/<int:pk>/errors.csv", imports.import_errors, name="import-errors"),
    path("company/imports/template/<slug:kind>.<slug:fmt>", imports.import_template, name="import-template"),
    path("jobs/<int:pk>/progress", jobs.job_progress, name="job-progress"),
    path("company/refunds/", refunds.refund_list, name="refund-list"),
    path("company/refunds/open/", refunds.refund_open, name="refund-open"),
    path("company/refunds/paid/", refunds.refund_mark_paid, name="refund-mark-paid"),
    path("company/refunds/<int:pk>/payee/", refunds.refund_payee, name="refund-payee"),
    path("company/refunds/<int:pk>/channel/", refunds.refund_channel, name="refund-channel"),
    path("company/refunds/<int:pk>/retry/", refunds.refund_retry_view, name="refund-retry"),
    path("company/refunds/bank.xlsx", refunds.refund_export, name="refund-export"),
    path("company/accounts/<str:number>/pay/", payments.payment_take_page, name="payment-take"),
    path("company/receipts/<int:pk>.pdf", payments.receipt_pdf, name="receipt-pdf"),
    path("company/receipts/<int:pk>/void/", payments.receipt_void_page, name="receipt-void"),
    path("company/cashup/", payments.cashup, name="cashup"),
    path("company/settlement/", settlement.settlement, name="settlement"),
    path("company/settlement/preview/", settlement.settlement_preview, name="settlement-preview"),
    path("company/settlement/start/", settlement.settlement_begin, name="settlement-start"),
    path("company/settlement/resettle/", settlement.resettlement, name="resettlement"),
    path("company/totals/", season_totals.season_totals_page, name="season-totals"),
    path("company/totals/start/", season_totals.season_totals_begin, name="season-totals-start"),
    path(
        "company/accounts/<str:number>/activation-code/",
        notices.activation_code_reissue,
        name="activation-code-reissue",
    ),
    path("company/accounts/<str:number>/notice.pdf", notices.notice_pdf, name="notice-pdf"),
    path("company/notices/", notices.notices, name="notices"),
    path("company/notices/<int:pk>.pdf", notices.notices_download, name="notices-download"),
    path("bureau/refunds/", refunds.bureau_refunds, name="bureau-refunds"),
    path("subsidy/", include("subsidy.urls")),
    path("company/tokens/", tokens.token_list, name="tokens"),
    path("company/tokens/new/", tokens.token_create, name="token-create"),
    path("company/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("company/readings/entry/", reading_views.entry, name="reading-entry"),
    path("company/readings/entry/check/", reading_views.entry_check, name="reading-entry-check"),
    path("company/readings/entry/save/", reading_views.entry_save, name="reading-entry-save"),
    path("company/readings/review/", reading_views.review, name="reading-review"),
    path("company/readings/<int:pk>/confirm/", reading_views.reading_confirm_view, name="reading-confirm"),
    path("company/readings/<int:pk>/void/", reading_views.reading_void_view, name="reading-void"),
    path("company/readings/<int:pk>/correct/", reading_views.reading_correct_view, name="reading-correct"),
    path("company/meters/<str:serial>/", reading_views.meter_detail, name="meter-detail"),
    path("company/meters/<str:serial>/replace/", reading_views.meter_replace_view, name="meter-replace"),
    path("disputes/new/<str:company>/<str:number>/", disputes.dispute_new, name="dispute-new"),
    path("disputes/<int:pk>/", disputes.dispute_detail, name="dispute-detail"),
    path("disputes/<int:pk>/withdraw/", disputes.dispute_withdraw_view, name="dispute-withdraw"),
    path("disputes/files/<int:pk>/", disputes.dispute_document, name="dispute-document"),
    path("company/disputes/", disputes.company_queue, name="dispute-company-queue"),
    path("company/disputes/<int:pk>/", disputes.company_answer, name="dispute-company"),
    path("bureau/disputes/", disputes.bureau_queue, name="dispute-bureau-queue"),
    path("bureau/disputes/<int:pk>/", disputes.bureau_decide, name="dispute-bureau"),
    path("institutions/", institutions.application_list, name="institution-list"),
    path("institutions/new/<str:company>/<str:number>/", institutions.apply, name="institution-apply"),
    path("institutions/<int:pk>/", institutions.application_detail, name="institution-detail"),
    path("institutions/files/<int:pk>/", institutions.document, name="institution-document"),
    path("bureau/institutions/", institutions.queue, name="institution-queue"),
    path("bureau/institutions/<int:pk>/", institutions.bureau_detail, name="institution-bureau"),
    path("me/<str:company>/<str:number>/<str:season>/", bill.season_bill, name="resident-bill"),
    path(
        "me/<str:company>/<str:number>/<str:season>/statement.pdf",
        bill.statement_pdf,
        name="resident-statement-pdf",
    ),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from ?script, not inline: no CSP exception.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"),
        name="api-docs",
    ),
    path("healthz", healthz, name="healthz"),
]

if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
