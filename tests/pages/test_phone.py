"""Every page at 360×740, as each role sees it with demo-like data: it fits the screen (no horizontal
scroll), sends no Content-Security-Policy violation, its buttons and fields are 44 px tall, and axe-core
finds no serious or critical accessibility problem."""

import pytest
from django.test import Client

from tests.test_calculator_page import load_policy_2019

PHONE = {"width": 360, "height": 740}
SERIOUS = ("serious", "critical")

# Collected before any page script runs; init scripts are not subject to the page's CSP.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sourceFile}:${e.lineNumber}`);
});
"""
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    "button, select, input:not([type=hidden]):not([type=checkbox]), nav a, a.button, footer a, .pages a"))
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .filter((el) => el.getBoundingClientRect().height < 44)
  .map((el) => el.outerHTML.slice(0, 80))"""
WIDEST = """() => Array.from(document.querySelectorAll("body *"))
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"""
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter((v) => ["serious", "critical"].includes(v.impact))
  .map((v) => v.id + ": " + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "))"""


def pages_of(county):
    """(who, path, expected status, check accessibility): every page of the portal."""
    pk, serial, building, route = county.refused.pk, county.meter.serial, county.building.pk, county.route.pk
    number = county.meter.account.number
    bill = f"/me/{county.company.code}/{county.home.number}/2019-2020/"
    claim = f"/subsidy/claims/{county.claim.pk}/"
    statement = f"{claim}statements/{county.home.statements.get().pk}/"
    return [
        ("anonymous", "/", 200, True),
        ("anonymous", "/calculator/", 200, True),
        ("anonymous", "/policy/", 200, True),
        ("anonymous", "/accounts/login/", 200, True),
        ("anonymous", f"/activate/?company={county.company.code}&account={number}&code=ABCD2345", 200, True),
        ("anonymous", "/no-such-page/", 404, True),
        # Swagger UI's own markup is not ours to fix: checked for width and CSP only.
        ("anonymous", "/api/docs/", 200, False),
        ("resident", "/", 200, True),
        ("resident", "/me/", 200, True),
        ("resident", "/inbox/", 200, True),
        ("resident", "/activate/", 200, True),
        ("resident", bill, 200, True),
        ("resident", bill.replace("/R0001/", "/R0002/"), 404, True),
        ("resident", "/company/readings/entry/", 403, True),
        ("resident", "/company/counter/", 403, True),
        ("clerk", "/company/counter/", 200, True),
        ("clerk", f"/company/counter/?q={county.building.code}", 200, True),
        ("clerk", f"/company/accounts/{number}/", 200, True),
        ("clerk", bill, 200, True),
        ("resident", "/company/cashup/", 403, True),
        ("clerk", "/company/readings/entry/", 200, True),
        ("clerk", f"/company/readings/entry/?building={building}", 200, True),
        ("clerk", f"/company/readings/entry/?route={route}", 200, True),
        ("clerk", "/company/readings/review/", 200, True),
        ("clerk", f"/company/meters/{serial}/", 200, True),
        ("clerk", "/company/imports/", 200, True),
        ("clerk", "/company/imports/readings/", 200, True),
        ("clerk", "/company/imports/onboarding/", 200, True),
        ("clerk", f"/company/imports/{pk}/", 200, True),
        ("clerk", "/company/tokens/", 403, True),
        ("clerk", "/company/refunds/?season=2019-2020", 200, True),
        ("clerk", "/company/settlement/?season=2019-2020", 200, True),
        ("clerk", "/company/settlement/resettle/?season=2019-2020", 200, True),
        ("clerk", f"/company/accounts/{county.meter.account.number}/pay/", 200, True),
        ("clerk", "/company/cashup/", 200, True),
        ("clerk", "/company/cashup/?day=2026-13-01", 400, True),
        ("clerk", "/company/notices/", 200, True),
        ("clerk", f"/company/accounts/{county.meter.account.number}/notice.pdf?season=2019", 400, True),
        ("manager", "/company/", 200, True),
        ("manager", "/company/?season=2019-2020", 200, True),
        ("manager", "/company/?season=2019", 400, True),
        ("manager", f"/company/accounts/{number}/", 200, True),
        ("manager", "/company/tokens/", 200, True),
        ("manager", f"/company/tokens/{county.token.pk}/revoke/", 200, True),
        ("manager", "/company/tokens/new/", 405, True),
        ("manager", "/company/payments/providers/", 200, True),
        ("clerk", "/company/payments/providers/", 403, True),
        ("manager", "/company/refunds/?season=2019-2020", 200, True),
        ("manager", "/company/settlement/", 200, True),
        ("manager", "/company/settlement/resettle/?season=2019-2020", 200, True),
        ("manager", "/company/settlement/?season=2019", 400, True),
        ("manager", f"/company/accounts/{county.receipt.payment.account.number}/pay/", 200, True),
        ("manager", "/company/cashup/", 200, True),
        ("manager", "/company/totals/?season=2019-2020", 200, True),
        ("clerk", "/company/totals/?season=2019-2020", 403, True),
        ("officer", "/bureau/", 200, True),
        ("officer", "/inbox/", 200, True),
        ("clerk", "/inbox/", 200, True),
        # The county's finance bureau does not hold the refund-oversight duty: its refusal page.
        ("officer", "/bureau/refunds/", 403, True),
        ("officer", "/company/totals/?season=2019-2020", 403, True),
        ("officer", bill, 404, True),
        ("manager", "/subsidy/", 200, True),
        ("manager", "/subsidy/claims/new/", 200, True),
        ("manager", claim, 200, True),
        ("reviewer", "/subsidy/", 200, True),
        ("reviewer", claim, 200, True),
        ("manager", f"{claim}accounts/", 200, True),
        ("reviewer", f"{claim}accounts/", 200, True),
        ("manager", statement, 200, True),
        ("reviewer", statement, 200, True),
        # The county's finance bureau holds no subsidy duty here: no queue, and the claim is not there.
        ("officer", "/subsidy/", 403, True),
        ("officer", claim, 404, True),
        ("officer", f"{claim}accounts/", 404, True),
        ("officer", statement, 404, True),
        ("manager", "/subsidy/costs/?season=2020-2021", 200, True),
        ("treasurer", "/subsidy/fees/", 200, True),
        ("officer", "/subsidy/fees/", 403, True),
    ]


def on_a_phone(page, language="zh-CN,zh;q=0.9"):
    """The page at 360×740 in `language`, collecting CSP violations, with a patient default timeout
    for a busy machine."""
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_default_timeout(10_000)
    page.add_init_script(LISTEN)


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh-CN,zh;q=0.9", "en-US,en;q=0.9"], ids=["zh-hans", "en"])
def test_every_page_fits_a_phone_and_passes_csp_and_axe(
    live_server, committed_county, page, axe_source, language
):
    load_policy_2019()
    page.set_viewport_size(PHONE)
    page.set_extra_http_headers({"Accept-Language": language})
    page.add_init_script(LISTEN)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    problems, signed_in = [], None
    for who, path, status, check_axe in pages_of(committed_county):
        if who != signed_in:
            page.context.clear_cookies()
            if who != "anonymous":
                sign_in(page, live_server, getattr(committed_county, who))
            signed_in = who
        console.clear()
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        where = f"{who} {path}"
        if response.status != status:
            problems.append(f"{where}: status {response.status}, expected {status}")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            problems.append(f"{where}: {width[0]} px wide at {width[1]} px " + str(page.evaluate(WIDEST)))
        violations = page.evaluate("window.__csp") + console
        if violations:
            problems.append(f"{where}: CSP {violations}")
        if not check_axe:
            continue
        small = page.evaluate(SMALL_TARGETS)
        if small:
            problems.append(f"{where}: targets under 44 px {small}")
        page.evaluate(axe_source)  # evaluated, not a <script> tag: the page's CSP would refuse that
        found = page.evaluate(AXE_RUN)
        if found:
            problems.append(f"{where}: axe {found}")
    assert problems == [], "\n".join(problems)
