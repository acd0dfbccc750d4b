"""The resident portal's way in and first page: /activate/ (户号 + the notice's activation code → a
login, another home, or a new password), /activate/password/ (its second step) and /me/ (我的供暖).

Step one checks the code, throttled like sign-in; a wrong 户号 and a wrong code get the same words.
A right code starts step two in the session (a fresh session key, 15 minutes), where a new login's
phone and password or an existing login's new password are set; the code is consumed only then."""

import datetime
from math import ceil

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from config.login_throttle import client_address
from heating.models import Account, Organisation
from heating.selectors.homes import resident_homes
from heating.selectors.overview import is_bureau_officer
from heating.selectors.scope import company_membership
from heating.services.activation import LENGTH, activation_code_find, activation_code_live
from heating.services.activation_throttle import activation_failed, activation_locked, cooloff_seconds
from heating.services.resident_signup import (
    ActivationFailed,
    phone_normalise,
    resident_account_link,
    resident_password_reset,
    resident_signup,
)

STEP = "resident_activation"
STEP_TIME = datetime.timedelta(minutes=15)
NUMBER_MAX = Account._meta.get_field("number").max_length
WRONG = gettext_lazy("户号或激活码不正确。请核对缴费通知单；激活码遗失或已失效，请到供热企业收费台重新领取。")
BACKEND = "django.contrib.auth.backends.ModelBackend"


class ActivationForm(forms.Form):
    company = forms.ModelChoiceField(
        label=gettext_lazy("供热企业"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.COMPANY).order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("不确定（按户号查找）"),
    )
    number = forms.CharField(
        label=gettext_lazy("户号"),
        max_length=NUMBER_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    code = forms.CharField(
        label=gettext_lazy("激活码"),
        max_length=LENGTH * 4,
        help_text=gettext_lazy("印在缴费通知单上的 8 位字母和数字，不区分大小写。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class PasswordForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("手机号"),
        max_length=20,
        help_text=gettext_lazy("以后用这个手机号和密码登录。"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("密码"),
        max_length=128,
        strip=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("再次输入密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, holder=None, name="", **kwargs):
        super().__init__(*args, **kwargs)
        self.holder, self.name = holder, name
        if holder is not None:
            del self.fields["phone"]

    def clean_phone(self):
        phone = phone_normalise(self.cleaned_data["phone"])
        if phone is None:
            raise ValidationError(_("请输入 11 位手机号码。"))
        return phone

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            user = self.holder or get_user_model()(username=data.get("phone") or "", last_name=self.name)
            try:
                validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


def _staff(user) -> bool:
    """Staff and bureau logins are not residents' logins: no home is linked to them here."""
    return user.is_authenticated and (
        user.is_staff or company_membership(user) is not None or is_bureau_officer(user)
    )


def _prefill(query) -> dict:
    """What the QR code on a notice carries (heating.services.notices.activation_url)."""
    return {
        "company": query.get("company", "")[:20],
        "number": query.get("account", "")[:NUMBER_MAX],
        "code": query.get("code", "")[: LENGTH * 4],
    }


def _activate_page(request, form, *, status=200, locked=False):
    context = {"form": form, "locked_out": locked, "cooloff_minutes": ceil(cooloff_seconds() / 60)}
    response = render(request, "heating/resident/activate.html", context, status=status)
    if locked:
        response["Retry-After"] = str(cooloff_seconds())
    return response


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def activate(request):
    if _staff(request.user):
        return render(request, "heating/resident/staff_refused.html", status=403)
    if request.method == "GET":
        return _activate_page(request, ActivationForm(initial=_prefill(request.GET)))
    form = ActivationForm(request.POST)
    if not form.is_valid():
        return _activate_page(request, form)
    number, address = form.cleaned_data["number"], client_address(request)
    if activation_locked(number, address):
        return _activate_page(request, form, status=429, locked=True)
    found = activation_code_find(number, form.cleaned_data["code"], form.cleaned_data["company"])
    if found is None:
        if activation_failed(number, address):
            return _activate_page(request, form, status=429, locked=True)
        form.add_error(None, WRONG)
        return _activate_page(request, form)
    if request.user.is_authenticated:
        return _link(request, form, found)
    request.session.cycle_key()
    request.session[STEP] = {"code": found.id, "until": (timezone.now() + STEP_TIME).timestamp()}
    return redirect("activate-password")


def _link(request, form, found):
    try:
        resident_account_link(user=request.user, code_id=found.id)
    except ActivationFailed as failure:
        if failure.reason == ActivationFailed.HELD_BY_ANOTHER:
            form.add_error(
                None,
                _(
                    "这个户号已开通在另一个登录账号（%(holder)s）下。请用那个账号登录；忘记密码的，退出后凭此激活码重设。"
                )
                % {"holder": failure.holder},
            )
        else:
            form.add_error(None, WRONG)
        return _activate_page(request, form)
    messages.success(
        request,
        _("已添加 %(company)s 户号 %(number)s。")
        % {"company": found.account.company.name, "number": found.account.number},
    )
    return redirect("homes")


def _step_code(request):
    """Step two's live code, or None: never started, expired, or the code voided since."""
    state = request.session.get(STEP)
    if not isinstance(state, dict) or state.get("until", 0) < timezone.now().timestamp():
        return None
    return activation_code_live(state.get("code"))


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def activate_password(request):
    if _staff(request.user):
        return render(request, "heating/resident/staff_refused.html", status=403)
    live = _step_code(request)
    if live is None:
        request.session.pop(STEP, None)
        messages.error(request, _("请先输入户号和激活码（每次验证 15 分钟内有效）。"))
        return redirect("activate")
    account = live.account
    holder = account.customer.user
    data = request.POST if request.method == "POST" else None
    form = PasswordForm(data, holder=holder, name=account.customer.name)
    if form.is_valid():
        try:
            if holder is None:
                user = resident_signup(
                    code_id=live.id, phone=form.cleaned_data["phone"], password=form.cleaned_data["password1"]
                )
            else:
                user = resident_password_reset(code_id=live.id, password=form.cleaned_data["password1"])
        except ActivationFailed as failure:
            if failure.reason != ActivationFailed.PHONE_TAKEN:
                request.session.pop(STEP, None)
                messages.error(request, _("情况有变，请重新输入户号和激活码。"))
                return redirect("activate")
            # Counted like a wrong code: a right code must not make a tool for finding who has a login.
            activation_failed(account.number, client_address(request))
            form.add_error(
                "phone",
                _(
                    "这个手机号已是另一个登录账号的用户名。如果是您的，请用它登录后再添加这个户号；否则请换一个手机号。"
                ),
            )
        else:
            request.session.pop(STEP, None)
            login(request, user, backend=BACKEND)
            messages.success(
                request,
                _("已开通。以后请用用户名 %(username)s 和新密码登录。") % {"username": user.username},
            )
            return redirect("homes")
    context = {"form": form, "account": account, "holder": holder}
    return render(request, "heating/resident/password.html", context)


@never_cache
@login_required
def homes(request):
    """我的供暖. Staff and bureau logins with no home linked go to their own work instead."""
    homes = resident_homes(request.user, today=timezone.localdate())
    if not homes and _staff(request.user):
        return redirect("landing")
    return render(request, "heating/resident/homes.html", {"homes": homes})
