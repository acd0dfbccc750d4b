"""A company manager's merchant account with a payment provider: saved with its secrets encrypted
(heating.payments.config); a secret left empty keeps the one stored."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from heating.models import Organisation, ProviderAccount
from heating.payments.config import merchant_config, secrets_protect


@transaction.atomic
def provider_account_save(
    *, company: Organisation, provider: str, fields: dict[str, object], secrets: dict[str, str]
) -> ProviderAccount:
    """Create or update the company's account with `provider`. `fields` are the plain columns;
    `secrets` the secrets given now (the others are kept)."""
    account = ProviderAccount.objects.select_for_update().filter(
        company=company, provider=provider
    ).first() or ProviderAccount(company=company, provider=provider)
    if (
        ProviderAccount.objects.filter(provider=provider, merchant_id=fields["merchant_id"])
        .exclude(company=company)
        .exists()
    ):
        raise ValidationError({"merchant_id": _("该商户号已由其他单位登记。")})
    for name, value in fields.items():
        setattr(account, name, value)
    kept = merchant_config(account).secrets if account.secrets_cipher else {}
    secrets_protect(account, {**kept, **{name: value for name, value in secrets.items() if value}})
    account.save()
    return account
