"""支付商户 (/company/payments/providers/): a manager enters the company's merchant accounts; secrets
are stored encrypted, shown masked, never sent back; clerks, residents and other companies are refused."""

import logging

import pytest
from django.urls import reverse

from heating.models import ProviderAccount, Role
from heating.payments.config import merchant_config
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

from .servers import AlipayGateway, WeChatServer, private_pem, public_pem

pytestmark = pytest.mark.django_db
LIST = reverse("provider-accounts")
APIV3 = WeChatServer.APIV3_KEY


def edit(provider):
    return reverse("provider-account-edit", args=[provider])


@pytest.fixture
def company():
    return CompanyFactory(code="PAYCO")


@pytest.fixture
def manager_client(client, company):
    client.force_login(MembershipFactory(organisation=company, role=Role.MANAGER).user)
    return client


def _bare(pem: str) -> str:
    """The key as the consoles hand it out: base64 without the PEM lines."""
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


def wechat_form(keys, **changes):
    form = {
        "merchant_id": WeChatServer.MCHID,
        "app_id": WeChatServer.APPID,
        "cert_serial_no": WeChatServer.CERT_SERIAL,
        "public_key_id": WeChatServer.PUBLIC_KEY_ID,
        "public_key": _bare(public_pem(keys["platform"])),
        "merchant_private_key": private_pem(keys["merchant"]),
        "apiv3_key": APIV3,
        "active": "on",
        **changes,
    }
    return {f"wechat-{name}": value for name, value in form.items() if value is not None}


def test_a_manager_enters_a_wechat_merchant_stored_encrypted_and_shown_masked(
    manager_client, company, keys, caplog
):
    caplog.set_level(logging.DEBUG)
    secret_line = private_pem(keys["merchant"]).splitlines()[5]

    response = manager_client.post(edit("wechat"), wechat_form(keys), follow=True)

    assert response.status_code == 200
    account = ProviderAccount.objects.get(company=company, provider="wechat")
    assert account.active and account.merchant_id == WeChatServer.MCHID
    assert account.public_key == public_pem(keys["platform"])
    config = merchant_config(account)
    assert config.secrets == {"merchant_private_key": private_pem(keys["merchant"]), "apiv3_key": APIV3}
    assert config.app_id == WeChatServer.APPID and config.public_key_id == WeChatServer.PUBLIC_KEY_ID
    page = response.content.decode()
    assert account.secrets_masked in page and "apiv3_key ****" in page
    assert secret_line not in page and APIV3 not in page
    assert "/api/v1/payments/notify/wechat/" in page
    assert secret_line not in account.secrets_cipher and APIV3 not in account.secrets_cipher
    assert secret_line not in caplog.text and APIV3 not in caplog.text


def test_empty_secrets_keep_the_stored_ones_and_a_switch_deactivates(manager_client, company, keys):
    manager_client.post(edit("wechat"), wechat_form(keys))

    response = manager_client.post(
        edit("wechat"), wechat_form(keys, merchant_private_key="", apiv3_key="", active=None, app_id="wx2")
    )

    assert response.status_code == 302
    account = ProviderAccount.objects.get(company=company, provider="wechat")
    assert not account.active and account.app_id == "wx2"
    assert merchant_config(account).secrets["apiv3_key"] == APIV3


def test_a_first_entry_needs_its_secrets_and_an_error_never_echoes_one(manager_client, keys):
    secret_line = private_pem(keys["merchant"]).splitlines()[5]

    response = manager_client.post(edit("wechat"), wechat_form(keys, apiv3_key="short", public_key="junk"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "APIv3 密钥应为 32 个字符" in page and "不是有效的 RSA 公钥" in page
    assert secret_line not in page and 'value="short"' not in page
    assert not ProviderAccount.objects.exists()
    missing = manager_client.post(edit("wechat"), wechat_form(keys, merchant_private_key="", apiv3_key=""))
    assert missing.status_code == 400 and "首次登记须填写此项" in missing.content.decode()


def test_a_manager_enters_an_alipay_merchant(manager_client, company, keys):
    form = {
        "merchant_id": AlipayGateway.PID,
        "app_id": AlipayGateway.APP_ID,
        "public_key": public_pem(keys["alipay"]),
        "app_private_key": _bare(private_pem(keys["app"])),
        "active": "on",
    }

    response = manager_client.post(edit("alipay"), {f"alipay-{k}": v for k, v in form.items()})

    assert response.status_code == 302
    config = merchant_config(ProviderAccount.objects.get(company=company, provider="alipay"))
    assert config.merchant_id == AlipayGateway.PID and config.app_id == AlipayGateway.APP_ID
    assert config.secrets == {"app_private_key": private_pem(keys["app"])}


def test_a_merchant_id_of_another_company_is_refused(manager_client, keys):
    other = ProviderAccount.objects.create(
        company=CompanyFactory(code="OTHER"), provider="wechat", merchant_id=WeChatServer.MCHID
    )

    response = manager_client.post(edit("wechat"), wechat_form(keys))

    assert response.status_code == 400 and "该商户号已由其他单位登记" in response.content.decode()
    assert list(ProviderAccount.objects.all()) == [other]


def test_the_page_shows_only_the_own_companys_accounts(
    manager_client, company, django_assert_max_num_queries
):
    ProviderAccount.objects.create(
        company=CompanyFactory(code="OTHER"), provider="wechat", merchant_id="1999999999", app_id="wxOTHER"
    )
    ProviderAccount.objects.create(
        company=company, provider="alipay", merchant_id="2088777", app_id="2021777"
    )

    with django_assert_max_num_queries(8):
        response = manager_client.get(LIST)

    page = response.content.decode()
    assert response.status_code == 200 and "2088777" in page
    assert "1999999999" not in page and "wxOTHER" not in page


@pytest.mark.parametrize("role", [Role.CLERK, None])
def test_clerks_and_people_outside_the_company_are_refused(client, company, keys, role):
    user = MembershipFactory(organisation=company, role=role).user if role else UserFactory()
    client.force_login(user)

    assert client.get(LIST).status_code == 403
    assert client.post(edit("wechat"), wechat_form(keys)).status_code == 403
    assert not ProviderAccount.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, keys):
    assert client.get(LIST).status_code == 302
    assert client.post(edit("wechat"), wechat_form(keys)).status_code == 302
    assert not ProviderAccount.objects.exists()


def test_an_unknown_provider_is_not_found_and_the_sandbox_not_editable(manager_client):
    assert manager_client.post(edit("nosuch"), {}).status_code == 404
    assert manager_client.post(edit("sandbox"), {}).status_code == 404
    assert manager_client.get(edit("wechat")).status_code == 405


def test_the_admin_shows_the_masked_secrets_and_never_the_keys(admin_client, keys):
    account = WeChatServer(keys).merchant()

    response = admin_client.get(reverse("admin:heating_provideraccount_change", args=[account.pk]))

    page = response.content.decode()
    assert response.status_code == 200 and account.secrets_masked in page
    assert private_pem(keys["merchant"]).splitlines()[5] not in page and APIV3 not in page
    assert account.secrets_cipher not in page
