"""The hooks the password-guessing throttle (django-axes) calls: whose name and address, what to answer."""
from math import ceil

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def client_address(request) -> str | None:
    """The visitor's address: behind TRUSTED_PROXY_COUNT proxies, the one the outermost of them saw.

    Behind a proxy REMOTE_ADDR is the proxy, so without this every visitor would share one address
    and one visitor's guessing would lock out everybody. Entries left of the trusted ones are the
    client's own claims and are ignored.
    """
    count = settings.TRUSTED_PROXY_COUNT
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if count and len(hops) >= count:
        return hops[-count]
    return request.META.get("REMOTE_ADDR")


def username(request, credentials) -> str:
    """The username as typed, cut to the longest a user can have: a longer one is an ordinary failed
    sign-in, not a row axes' attempt table cannot hold (a 500 on PostgreSQL). No NUL either."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(typed).replace("\x00", "")[: get_user_model().username.field.max_length]


def lockout_response(request, original_response, credentials):
    """The portal's login page again (429), saying that sign-in is paused and for how long."""
    cool_off = get_cool_off(request)
    next_url = request.POST.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    context = {
        "form": AuthenticationForm(request, initial={"username": get_client_username(request, credentials)}),
        "next": next_url,
        "locked_out": True,
        "cooloff_minutes": ceil(cool_off.total_seconds() / 60),
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
