"""The claim's page: every §8 term with how it follows, the cost items and adjustments, the review
slots, the stale warning, the history, and only the viewer's own steps; 404 for a claim not theirs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subsidy.services.claims import claim_adjust_cost, claim_create, claim_return, claim_review_approve
from tests.factories import make_account
from tests.settlement.helpers import settle
from tests.subsidy_claims.helpers import REVIEWERS, approved, paid, reviewed, submitted

from .helpers import forms_on, part

URL = "/subsidy/claims/{}/"
# Session, user, the claim, viewer's membership and duties, reviews, adjustments, history, the
# statements marker and the decisions since, the season's latest totals and their job, the navigation.
CLAIM_QUERIES = 15


def page(client, user, claim):
    client.force_login(user)
    response = client.get(URL.format(claim.pk))
    assert response.status_code == 200
    return response.content.decode()


def test_every_term_of_section_8_with_its_line_citing_the_notice(client, manager, officer):
    html = page(client, officer["FGJ"], submitted(manager))
    figures = part(html, "figures")
    for name in ("revenue", "cost", "res_cost", "inversion", "eligible", "actual_loss", "offset", "claim"):
        assert f'id="term-{name}"' in figures
    assert "¥4325.00" in part(html, "term-claim")
    assert "¥6075.00 与实际亏损 ¥4825.00 中较小者" in part(html, "term-claim")
    assert figures.count("（通知 §七）") == 14
    assert 'href="/policy/#' in figures


def test_an_adjustment_shows_with_its_reason_and_the_figures_follow(client, manager, officer):
    claim = submitted(manager)
    claim_adjust_cost(
        user=officer["SJJ"], claim_id=claim.pk, category="fuel", amount="13000", reason="燃料发票不全"
    )
    html = page(client, manager, claim)
    cost = part(html, "cost-fuel")
    assert "¥15000.00" in cost and "¥13000.00" in cost and "燃料发票不全" in cost and "沂源县审计局" in cost
    assert "¥24000.00" in part(html, "term-cost")
    assert "经审核部门调整" in part(html, "term-cost")
    history = part(html, "history")
    assert "调整成本" in history and "燃料费：¥15000.00 → ¥13000.00" in history


def test_the_review_slots_and_who_approved(client, manager, officer):
    claim = submitted(manager)
    claim_review_approve(user=officer["ZJJ"], claim_id=claim.pk, comment="面积核实无误")
    reviews = part(page(client, manager, claim), "reviews")
    assert reviews.count('class="review"') == 3
    assert reviews.count("审核通过") == 1 and reviews.count("待审核") == 2
    assert "面积核实无误" in reviews


@pytest.mark.parametrize(
    "who, state, steps",
    [
        ("manager", "draft", {"submit", "totals"}),
        ("FGJ", "submitted", {"review", "return"}),
        ("CZJ", "submitted", {"return", "totals"}),
        ("JTJ", "submitted", set()),
        ("CZJ", "reviewed", {"approve", "return", "totals"}),
        ("SJJ", "reviewed", {"return"}),
        ("manager", "reviewed", {"totals"}),
        ("CZJ", "approved", {"pay", "totals"}),
        ("CZJ", "paid", {"funds_check", "totals"}),
        ("SJJ", "paid", {"funds_check"}),
        ("ZJJ", "paid", {"totals"}),
        ("manager", "returned", {"submit", "totals"}),
    ],
)
def test_only_the_viewers_own_steps_have_forms(client, manager, officer, who, state, steps):
    claim = {
        "draft": lambda: claim_create(user=manager, start_year=2019),
        "submitted": lambda: submitted(manager),
        "reviewed": lambda: reviewed(manager, officer),
        "approved": lambda: approved(manager, officer),
        "paid": lambda: paid(manager, officer),
        "returned": lambda: claim_return(
            user=officer["FGJ"], claim_id=submitted(manager).pk, reason="缺附件"
        ),
    }[state]()
    user = manager if who == "manager" else officer[who]
    client.force_login(user)
    response = client.get(URL.format(claim.pk))
    if who == "JTJ":  # no subsidy duty: the claim is not there for it
        assert response.status_code == 404
        return
    assert forms_on(response.content.decode()) == steps


def test_a_claim_of_another_company_is_404_like_a_missing_one(client, manager, other_manager, officer):
    claim = submitted(manager)
    client.force_login(other_manager)
    mine = client.get(URL.format(claim.pk))
    missing = client.get(URL.format(claim.pk + 1000))
    assert mine.status_code == missing.status_code == 404
    assert client.post(URL.format(claim.pk) + "submit/").status_code == 404


def test_a_stale_claim_warns_and_offers_the_recompute_to_those_allowed(client, manager, officer, company):
    claim = submitted(manager)
    settle(company, make_account(company=company))
    html = page(client, officer["ZJJ"], claim)
    assert 'id="stale"' in html and "recompute" in forms_on(html)
    html = page(client, officer["FGJ"], claim)
    assert 'id="stale"' in html and "recompute" not in forms_on(html)
    assert "recompute" in forms_on(page(client, manager, claim))


def test_the_claim_page_costs_the_same_queries_however_long_its_history(client, manager, officer):
    claim = submitted(manager)
    client.force_login(officer["CZJ"])
    client.get(URL.format(claim.pk))
    with CaptureQueriesContext(connection) as short:
        client.get(URL.format(claim.pk))
    for step in range(6):
        code = REVIEWERS[step % 2]
        amount = f"{14000 - step * 10}"
        claim_adjust_cost(
            user=officer[code], claim_id=claim.pk, category="fuel", amount=amount, reason="核减"
        )
        claim_review_approve(user=officer[code], claim_id=claim.pk)
    with CaptureQueriesContext(connection) as long:
        response = client.get(URL.format(claim.pk))
    assert response.content.decode().count("核减") >= 6
    assert len(long.captured_queries) == len(short.captured_queries) <= CLAIM_QUERIES
