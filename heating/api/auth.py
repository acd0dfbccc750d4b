"""Machine clients of the remote-reading API: `Authorization: Token <key>` (CONTRACTS.md).

A token belongs to a heating company, not to a person: `request.user` is anonymous and
`request.auth` is the ApiToken, whose company scopes everything the client may see or write.
"""
import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from heating.models import ApiToken, Organisation
from heating.models.tokens import token_digest

KEYWORD = "Token"
MAX_KEY_LENGTH = 200  # issued keys are 43 characters; longer is not ours and is not hashed
# last_used_at is informative ("is that system still calling?"): one write a minute is plenty.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class CompanyTokenAuthentication(BaseAuthentication):
    """Looks the key up by its SHA-256 digest; a revoked token (or one of a non-company) is unknown."""

    keyword = KEYWORD

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # no token offered: HasCompanyToken answers 401
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式应为 “Authorization: Token <令牌>”。"))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效。")) from None
        return self.authenticate_key(key)

    def authenticate_key(self, key: str):
        if not key or len(key) > MAX_KEY_LENGTH:
            raise exceptions.AuthenticationFailed(_("令牌无效。"))
        token = (
            ApiToken.objects.select_related("company")
            .filter(
                digest=token_digest(key),
                revoked_at__isnull=True,
                company__kind=Organisation.Kind.COMPANY,
            )
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效或已吊销。"))
        touch(token)
        return AnonymousUser(), token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 when no valid token came.
        return self.keyword


def touch(token: ApiToken, now=None) -> None:
    """Record use at most once per LAST_USED_RESOLUTION, and never twice for concurrent requests:
    the in-memory check skips the write on most requests, the conditional update on the rest."""
    now = now or timezone.now()
    threshold = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at >= threshold:
        return
    updated = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=threshold))
        .update(last_used_at=now)
    )
    if updated:
        token.last_used_at = now


class HasCompanyToken(BasePermission):
    """The request came with a valid company token (see CompanyTokenAuthentication)."""

    message = _("需要有效的接口令牌：Authorization: Token <令牌>。")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)


class CompanyTokenScheme(OpenApiAuthenticationExtension):
    """Documents the scheme in the OpenAPI schema (drf-spectacular finds it on import)."""

    target_class = "heating.api.auth.CompanyTokenAuthentication"
    name = "companyToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A heating company's API token: `Authorization: Token <token>`. Created with "
                "`python manage.py create_api_token COMPANY_CODE` or by a company manager in the "
                "portal (/company/tokens/). Missing, wrong or revoked → 401."
            ),
        }
