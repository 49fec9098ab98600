from django.urls import path

from core.views import api_tokens

urlpatterns = [
    path("compte/jetons/", api_tokens.api_token_list, name="api_tokens"),
    path("compte/jetons/<int:pk>/revoquer/", api_tokens.api_token_revoke_view, name="api_token_revoke"),
]
