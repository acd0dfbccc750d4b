"""支付商户 at 360×740, in Chinese and in English: a manager enters the Alipay merchant; the page fits,
sends no CSP violation, and axe finds nothing serious."""

import pytest

from heating.models import ProviderAccount, Role
from heating.payments.config import merchant_config
from tests.factories import CompanyFactory, MembershipFactory
from tests.pages.test_counter_browser import problems_on
from tests.pages.test_phone import on_a_phone, sign_in

from .servers import AlipayGateway, private_pem, public_pem


@pytest.mark.browser
@pytest.mark.parametrize(
    "language, save", [("zh-CN,zh;q=0.9", "保存"), ("en-US,en;q=0.9", "Save")], ids=["zh-hans", "en"]
)
def test_a_manager_enters_the_alipay_merchant_on_a_phone(
    live_server, transactional_db, page, axe_source, keys, language, save
):
    company = CompanyFactory(code="PAYB")
    on_a_phone(page, language)
    sign_in(page, live_server, MembershipFactory(organisation=company, role=Role.MANAGER).user)

    page.goto(f"{live_server.url}/company/payments/providers/")
    problems = problems_on(page, "empty", axe_source)
    form = page.locator("#provider-alipay form")
    form.locator("#id_alipay-merchant_id").fill(AlipayGateway.PID)
    form.locator("#id_alipay-app_id").fill(AlipayGateway.APP_ID)
    form.locator("#id_alipay-public_key").fill(public_pem(keys["alipay"]))
    form.locator("#id_alipay-app_private_key").fill(private_pem(keys["app"]))
    form.get_by_role("button", name=save).click()
    page.wait_for_load_state("load")
    problems += problems_on(page, "saved", axe_source)

    assert problems == [], "\n".join(problems)
    account = ProviderAccount.objects.get(company=company, provider="alipay")
    assert merchant_config(account).secrets == {"app_private_key": private_pem(keys["app"])}
    assert account.secrets_masked in page.content()
