"""接口令牌: a company manager lists, creates and revokes the remote-reading API tokens of the company.

Only a token's digest is kept. Creating one redirects to the list (a refresh creates no second token),
which shows the plain key once: it waits for that one page in the session, encrypted and for a few
minutes at most, and is removed when shown.
"""
import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from heating.models import ApiToken
from heating.selectors.scope import company_staff_required

NAME_MAX = ApiToken._meta.get_field("name").max_length
NEW_KEY = "heating.new_api_token"
NEW_KEY_SECONDS = 300


def _company_tokens(company):
    return (
        ApiToken.objects.filter(company=company)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


def _page(request, *, status=200, **context):
    context.setdefault("tokens", _company_tokens(request.company))
    context.setdefault("name_max", NAME_MAX)
    return render(request, "heating/tokens.html", context, status=status)


def _fernet() -> Fernet:
    secret = hashlib.sha256(b"heating.tokens.new-key\x00" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(secret))


def _keep_new_key(request, token, key: str) -> None:
    request.session[NEW_KEY] = {"id": token.pk, "key": _fernet().encrypt(key.encode()).decode()}


def _take_new_key(request):
    """The token just created and its plain key, once; (None, None) on any later page."""
    kept = request.session.pop(NEW_KEY, None)
    if not isinstance(kept, dict):
        return None, None
    token = _company_tokens(request.company).filter(pk=kept.get("id"), revoked_at__isnull=True).first()
    try:
        key = _fernet().decrypt(str(kept.get("key")).encode(), ttl=NEW_KEY_SECONDS).decode()
    except InvalidToken:
        return None, None
    return (token, key) if token is not None else (None, None)


@never_cache
@company_staff_required(manager=True)
@require_http_methods(["GET"])
def token_list(request):
    new_token, new_key = _take_new_key(request)
    return _page(request, new_token=new_token, new_key=new_key)


def _name_error(name: str) -> str | None:
    if not name:
        return _("请填写令牌名称，例如使用它的远传系统。")
    if len(name) > NAME_MAX:
        return _("名称最多 %(max)s 个字符。") % {"max": NAME_MAX}
    if not name.isprintable():  # a NUL cannot be stored, and no control character belongs in a name
        return _("名称不能包含控制字符。")
    return None


@never_cache
@company_staff_required(manager=True)
@require_POST
def token_create(request):
    name = request.POST.get("name", "").strip()
    error = _name_error(name)
    if error:
        return _page(request, status=400, name_error=error, name_value=name if name.isprintable() else "")
    with transaction.atomic():
        token, key = ApiToken.issue(company=request.company, name=name, created_by=request.user)
    _keep_new_key(request, token, key)
    return redirect("tokens")


@never_cache
@company_staff_required(manager=True)
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    """GET asks for confirmation; POST revokes. Another company's token does not exist here."""
    token = _company_tokens(request.company).filter(pk=pk).first()
    if token is None:
        raise Http404
    if request.method == "GET":
        return _page(request, confirm_token=token)
    with transaction.atomic():
        # Conditional: revoking twice (or concurrently) keeps the first revocation time.
        revoked = ApiToken.objects.filter(
            pk=token.pk, company=request.company, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    if revoked:
        messages.success(request, _("令牌“%(name)s”已吊销，使用它的请求将被拒绝。") % {"name": token.name})
    else:
        messages.info(request, _("令牌“%(name)s”此前已吊销。") % {"name": token.name})
    return redirect("tokens")
