"""消息: the signed-in user's inbox (heating.services.inbox)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from heating.selectors.inbox import inbox_message_or_404, inbox_messages
from heating.services.inbox import message_open, messages_mark_read

PAGE_SIZE = 20


@never_cache
@require_GET
@login_required
def inbox(request):
    page = Paginator(inbox_messages(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "heating/inbox.html", {"page": page})


@never_cache
@require_GET
@login_required
def inbox_open(request, pk: int):
    """Marks the message read for this user and goes where it points."""
    message = inbox_message_or_404(request.user, pk)
    message_open(user=request.user, message=message)
    if not url_has_allowed_host_and_scheme(message.link, allowed_hosts=None):
        return redirect("inbox")
    return redirect(message.link)


@require_POST
@login_required
def inbox_mark_read(request):
    if messages_mark_read(user=request.user):
        messages.success(request, _("已全部标为已读。"))
    return redirect("inbox")
