"""Real keys and the two providers' servers played at the HTTP layer: nothing here reaches the network."""

import socket

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from .servers import AlipayGateway, WeChatServer

LOCAL = {"localhost", "127.0.0.1", "::1"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any name lookup but the local one fails: an SDK call that slipped past the fake servers."""
    real = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host not in LOCAL:
            raise OSError(f"network refused in tests: {host}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@pytest.fixture(scope="session")
def keys():
    """RSA key pairs by role: the merchant's (or app's) and the provider's, and one of nobody's."""
    return {
        name: rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for name in ("merchant", "platform", "app", "alipay", "forger")
    }


@pytest.fixture
def wechat_server(monkeypatch, keys):
    server = WeChatServer(keys)
    monkeypatch.setattr(
        "requests.adapters.HTTPAdapter.send", lambda adapter, request, **kw: server.send(request)
    )
    return server


@pytest.fixture
def alipay_gateway(keys):
    gateway = AlipayGateway(keys)
    gateway.install()
    yield gateway
    gateway.uninstall()
