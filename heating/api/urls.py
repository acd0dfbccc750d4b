"""The remote-reading API for machine clients (token authentication), under /api/v1/."""
from django.urls import path

from .meters import MeterListView
from .payments import payment_notify
from .readings import ReadingBatchView
from .statements import StatementListView

urlpatterns = [
    path("meters", MeterListView.as_view(), name="api-meters"),
    path("statements", StatementListView.as_view(), name="api-statements"),
    path("readings/batch", ReadingBatchView.as_view(), name="api-readings-batch"),
    path("payments/notify/<slug:provider>/", payment_notify, name="api-payment-notify"),
]
