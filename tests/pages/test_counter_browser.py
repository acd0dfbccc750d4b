"""The counter in a browser: a clerk types a fragment of an address, sees the account appear as they
type, opens its page, takes a payment from it and opens the receipt; at desktop width and at 360 px,
with no CSP violation and nothing axe calls serious. Without script the same form submits and lists
the same account (tests/counter)."""

import pytest

from heating.models import Role
from tests.factories import (
    BuildingFactory,
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    id_number,
    make_account,
)
from tests.pages.test_phone import AXE_RUN, LISTEN, PHONE, SMALL_TARGETS, WIDEST, sign_in
from tests.test_calculator_page import load_policy_2019

ID_NUMBER = id_number("37032319800101001")


@pytest.fixture
def counter_county(transactional_db):
    load_policy_2019()
    company = CompanyFactory(name="沂源县鑫源热力有限公司城区第二供热站")
    clerk = MembershipFactory(organisation=company, role=Role.CLERK).user
    building = BuildingFactory(company=company, name="历山街道东片区3号楼", address="沂源县历山路18号")
    for n in range(5):
        make_account(company=company, premises__building=building, premises__unit=f"1单元{n + 1}01")
    customer = CustomerFactory(company=company, name="王建国", phone="13805331234", id_number=ID_NUMBER)
    account = make_account(
        number="H2002",
        customer=customer,
        premises__company=company,
        premises__building=building,
        premises__unit="2单元301",
    )
    return clerk, account


def problems_on(page, where, axe_source):
    found = []
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        found.append(f"{where}: {width[0]} px wide " + str(page.evaluate(WIDEST)))
    if page.evaluate("window.__csp"):
        found.append(f"{where}: CSP {page.evaluate('window.__csp')}")
    if small := page.evaluate(SMALL_TARGETS):
        found.append(f"{where}: targets under 44 px {small}")
    page.evaluate(axe_source)
    found += [f"{where}: axe {v}" for v in page.evaluate(AXE_RUN)]
    return found


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_clerk_finds_an_account_by_a_fragment_of_its_address_and_opens_it(
    live_server, counter_county, page, axe_source, viewport
):
    clerk, account = counter_county
    if viewport:
        page.set_viewport_size(viewport)
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.set_default_timeout(10_000)
    page.add_init_script(LISTEN)
    sign_in(page, live_server, clerk)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="收费台").click()
    page.wait_for_url("**/company/counter/")

    page.get_by_role("searchbox").press_sequentially("2单元3", delay=30)
    result = page.locator("#counter-results a", has_text="H2002")
    result.wait_for()
    assert page.locator("#counter-results a").count() == 1  # the 1单元 homes are not 2单元
    assert "王建国" in result.inner_text()
    problems = problems_on(page, "counter", axe_source)

    # An identity number finds the holder too, posted: no request names it in its URL.
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    page.get_by_role("searchbox").fill("")
    page.locator("#counter-results a").first.wait_for(state="detached")
    page.get_by_role("searchbox").fill(ID_NUMBER)
    page.locator("#counter-results a", has_text="H2002").wait_for()
    assert urls and not [url for url in urls if ID_NUMBER[:6] in url]

    result = page.locator("#counter-results a", has_text="H2002")
    result.click()
    page.wait_for_url(f"**/company/accounts/{account.number}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("账户 H2002")
    assert page.get_by_role("button", name="办理过户").is_visible()
    problems += problems_on(page, "account", axe_source)

    # From the account's page: take the money and open the receipt.
    page.get_by_role("link", name="收款", exact=True).click()
    page.wait_for_url(f"**/company/accounts/{account.number}/pay/**")
    page.locator("#pay-amount").fill("1200.00")
    page.get_by_role("button", name="收款并开具收据").click()
    receipt = page.get_by_role("link", name="打开收据（PDF）")
    receipt.wait_for()
    problems += problems_on(page, "payment", axe_source)
    pdf = page.request.get(live_server.url + receipt.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert problems == [], "\n".join(problems)
