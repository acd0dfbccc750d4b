from django.urls import path

from supervision.views import cases, checks

urlpatterns = [
    path("", checks.home, name="supervision-home"),
    path("checks/<int:pk>/", checks.check_page, name="supervision-check"),
    path("checks/<int:pk>/progress/", checks.check_progress, name="supervision-check-progress"),
    path("checks/<int:pk>/findings.csv", checks.findings_csv, name="supervision-findings-csv"),
    path("checks/<int:pk>/findings.xlsx", checks.findings_xlsx, name="supervision-findings-xlsx"),
    path("checks/<int:pk>/report/", checks.report, name="supervision-report"),
    path("checks/<int:pk>/cases/", checks.case_new, name="supervision-case-new"),
    path("cases/<int:pk>/", cases.case_page, name="supervision-case"),
    path("cases/<int:pk>/step/", cases.case_step, name="supervision-case-step"),
]
