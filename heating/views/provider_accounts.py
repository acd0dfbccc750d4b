"""支付商户: a company manager enters the company's WeChat Pay and Alipay merchant accounts.

Secrets (private keys, the APIv3 key) are written, never read back: the page shows each only as a
masked fingerprint, a form sent back with an error never holds them, and they stay out of error
reports (sensitive_post_parameters). Leaving one empty keeps the one stored."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from heating.models import ProviderAccount
from heating.payments import keys
from heating.payments.providers import notify_url
from heating.selectors.scope import company_staff_required
from heating.services.provider_accounts import provider_account_save

SECRET_FIELDS = ("merchant_private_key", "apiv3_key", "app_private_key")


class SecretTextarea(forms.Textarea):
    """A key is typed in, never shown: not even the one just typed, on a form sent back."""

    def format_value(self, value):
        return None


def _key_field(label, help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
    )


def _secret_field(label, widget=None):
    return forms.CharField(
        label=label,
        required=False,
        max_length=8000,
        strip=True,
        widget=widget or SecretTextarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        help_text=gettext_lazy("已保存的密钥不再显示；留空则保留原密钥。"),
    )


class MerchantForm(forms.Form):
    merchant_id = forms.CharField(label=gettext_lazy("商户号"), max_length=64)
    app_id = forms.CharField(label=gettext_lazy("应用 ID（APPID）"), max_length=64)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False)
    secrets: tuple[str, ...] = ()

    def __init__(self, *args, stored: ProviderAccount | None = None, **kwargs):
        self.stored = stored
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "active":
                field.widget.attrs.setdefault("autocomplete", "off")
            if name in self.secrets and stored is None:
                field.help_text = ""

    def clean_public_key(self):
        pem = keys.public_pem(self.cleaned_data["public_key"])
        if pem is None:
            raise ValidationError(_("不是有效的 RSA 公钥。"))
        return pem

    def _private_key(self, name):
        text = self.cleaned_data[name]
        if not text:
            return text
        pem = keys.private_pem(text)
        if pem is None:
            raise ValidationError(_("不是有效的 RSA 私钥。"))
        return pem

    def clean(self):
        data = super().clean()
        if self.stored is None or not self.stored.secrets_cipher:
            for name in self.secrets:
                if name in data and not data[name]:
                    self.add_error(name, _("首次登记须填写此项。"))
        return data

    def fields_and_secrets(self) -> tuple[dict, dict]:
        data = self.cleaned_data
        return (
            {name: value for name, value in data.items() if name not in self.secrets},
            {name: data[name] for name in self.secrets},
        )


class WeChatForm(MerchantForm):
    title = gettext_lazy("微信支付")
    secrets = ("merchant_private_key", "apiv3_key")

    cert_serial_no = forms.CharField(label=gettext_lazy("商户 API 证书序列号"), max_length=64)
    public_key_id = forms.CharField(
        label=gettext_lazy("微信支付公钥 ID"), max_length=64, help_text=gettext_lazy("以 PUB_KEY_ID_ 开头。")
    )
    public_key = _key_field(gettext_lazy("微信支付公钥"))
    merchant_private_key = _secret_field(gettext_lazy("商户 API 私钥（apiclient_key.pem）"))
    apiv3_key = _secret_field(
        gettext_lazy("APIv3 密钥"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_merchant_private_key(self):
        return self._private_key("merchant_private_key")

    def clean_apiv3_key(self):
        key = self.cleaned_data["apiv3_key"]
        if key and (len(key) != 32 or not key.isascii() or not key.isprintable()):
            raise ValidationError(_("APIv3 密钥应为 32 个字符。"))
        return key


class AlipayForm(MerchantForm):
    title = gettext_lazy("支付宝")
    secrets = ("app_private_key",)

    public_key = _key_field(
        gettext_lazy("支付宝公钥"), gettext_lazy("开放平台“接口加签方式”中的支付宝公钥（RSA2）。")
    )
    app_private_key = _secret_field(gettext_lazy("应用私钥"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant_id"].label = _("合作伙伴身份（PID）")
        self.fields["merchant_id"].help_text = _("以 2088 开头，即异步通知中的 seller_id。")

    def clean_app_private_key(self):
        return self._private_key("app_private_key")


FORMS = {"wechat": WeChatForm, "alipay": AlipayForm}


def _initial(account: ProviderAccount | None) -> dict:
    if account is None:
        return {"active": True}
    return {
        name: getattr(account, name)
        for name in ("merchant_id", "app_id", "cert_serial_no", "public_key_id", "public_key", "active")
    }


def _page(request, *, bound=None, status=200):
    stored = {
        account.provider: account for account in ProviderAccount.objects.filter(company=request.company)
    }
    providers = []
    for name, form_class in FORMS.items():
        account = stored.get(name)
        form = (
            bound
            if bound is not None and bound.provider == name
            else form_class(initial=_initial(account), stored=account, prefix=name)
        )
        providers.append({"name": name, "form": form, "account": account, "notify_url": notify_url(name)})
    return render(request, "heating/provider_accounts.html", {"providers": providers}, status=status)


@never_cache
@company_staff_required(manager=True)
@require_GET
def provider_accounts(request):
    return _page(request)


@never_cache
@sensitive_post_parameters(*(f"{provider}-{name}" for provider in FORMS for name in SECRET_FIELDS))
@company_staff_required(manager=True)
@require_POST
def provider_account_edit(request, provider: str):
    form_class = FORMS.get(provider)
    if form_class is None:
        raise Http404
    stored = ProviderAccount.objects.filter(company=request.company, provider=provider).first()
    form = form_class(request.POST, stored=stored, prefix=provider)
    form.provider = provider
    if form.is_valid():
        fields, secrets = form.fields_and_secrets()
        try:
            provider_account_save(company=request.company, provider=provider, fields=fields, secrets=secrets)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(provider)s商户设置已保存。") % {"provider": form_class.title})
            return redirect("provider-accounts")
    return _page(request, bound=form, status=400)
