"""RSA keys as merchants paste them: a PEM block, or the bare base64 that the WeChat Pay and Alipay
consoles hand out. Normalised to PEM once, when the manager saves them; None when it is no key."""

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _der(text: str) -> bytes | None:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines and lines[0].startswith("-----BEGIN"):
        lines = [line for line in lines if not line.startswith("-----")]
    try:
        return base64.b64decode("".join(lines), validate=True)
    except (binascii.Error, ValueError):
        return None


def private_pem(text: str) -> str | None:
    """A PKCS#8 PEM private RSA key from PKCS#8 or PKCS#1, PEM or bare base64."""
    der = _der(text)
    if not der:
        return None
    try:
        key = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError):
        return None
    if not isinstance(key, rsa.RSAPrivateKey):
        return None
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(text: str) -> str | None:
    """A SubjectPublicKeyInfo PEM public RSA key, from PEM or bare base64."""
    der = _der(text)
    if not der:
        return None
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, TypeError):
        return None
    if not isinstance(key, rsa.RSAPublicKey):
        return None
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
