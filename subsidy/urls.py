from django.urls import path

from subsidy.views import claim, costs, export, fees, new, queue, season

urlpatterns = [
    path("", queue.claim_queue, name="subsidy-queue"),
    path("claims/new/", new.claim_new, name="subsidy-claim-new"),
    path("claims/<int:pk>/", claim.claim_detail, name="subsidy-claim"),
    path("claims/<int:pk>/accounts/", season.claim_accounts, name="subsidy-claim-accounts"),
    path(
        "claims/<int:pk>/statements/<int:statement>/", season.claim_statement, name="subsidy-claim-statement"
    ),
    path("claims/<int:pk>/claim.xlsx", export.claim_export, name="subsidy-claim-export"),
    path("claims/<int:pk>/claim.pdf", export.claim_pdf, name="subsidy-claim-pdf"),
    path("claims/<int:pk>/<slug:step>/", claim.claim_step, name="subsidy-claim-step"),
    path("costs/", costs.cost_page, name="subsidy-costs"),
    path("costs/files/<int:pk>/", costs.cost_attachment_download, name="subsidy-cost-file"),
    path("fees/", fees.fee_page, name="subsidy-fees"),
    path("fees/<int:pk>/correct/", fees.fee_correct, name="subsidy-fee-correct"),
]
