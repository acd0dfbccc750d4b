from django.urls import path

from .claims import ClaimDetailView, ClaimListView

urlpatterns = [
    path("claims", ClaimListView.as_view(), name="api-claims"),
    path("claims/<int:pk>", ClaimDetailView.as_view(), name="api-claim"),
]
