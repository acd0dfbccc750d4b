"""接口令牌: a company manager lists, creates and revokes the remote-reading API tokens of the company.

The plain key is shown once, in the response to the POST that created it (never stored, never put in
the session or a redirect); only its digest is kept.
"""
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


@never_cache
@company_staff_required(manager=True)
@require_http_methods(["GET"])
def token_list(request):
    return _page(request)


@never_cache
@company_staff_required(manager=True)
@require_POST
def token_create(request):
    name = request.POST.get("name", "").strip()
    error = None
    if not name:
        error = _("请填写令牌名称，例如使用它的远传系统。")
    elif len(name) > NAME_MAX:
        error = _("名称最多 %(max)s 个字符。") % {"max": NAME_MAX}
    if error:
        return _page(request, status=400, name_error=error, name_value=name)
    with transaction.atomic():
        token, key = ApiToken.issue(company=request.company, name=name, created_by=request.user)
    # Rendered, not redirected: the key must not travel through the session or a URL.
    return _page(request, new_token=token, new_key=key)


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
