"""Merchant secrets at rest: one Fernet key derived for this purpose (heating.identity.keyed_fernet),
shown masked as a short fingerprint of each secret, never logged."""

import hashlib
import json

from heating.identity import keyed_fernet
from heating.models import ProviderAccount

from .providers import MerchantConfig

_PURPOSE = b"payment-provider-secrets"


def secrets_protect(account: ProviderAccount, secrets: dict[str, str]) -> None:
    """Set the account's encrypted secrets and their masked form (the caller saves it)."""
    account.secrets_cipher = keyed_fernet(_PURPOSE).encrypt(json.dumps(secrets).encode()).decode()
    account.secrets_masked = ", ".join(
        f"{name} ****{hashlib.sha256(value.encode()).hexdigest()[-6:]}"
        for name, value in sorted(secrets.items())
    )[:200]


def merchant_config(account: ProviderAccount) -> MerchantConfig:
    secrets = (
        json.loads(keyed_fernet(_PURPOSE).decrypt(account.secrets_cipher.encode()))
        if account.secrets_cipher
        else {}
    )
    return MerchantConfig(
        provider=account.provider,
        merchant_id=account.merchant_id,
        public_key=account.public_key,
        secrets=secrets,
        app_id=account.app_id,
        public_key_id=account.public_key_id,
        cert_serial_no=account.cert_serial_no,
    )
