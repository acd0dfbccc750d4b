"""The queue page's losses by cause: a chart drawn by a static script from the page's JSON, and a
table beside it saying the same, of the claims the user may see only."""

import json
import re

import pytest

from subsidy.services.claims import claim_create
from tests.subsidy_claims.helpers import submitted

pytestmark = pytest.mark.django_db


def chart_data(html):
    return json.loads(
        re.search(r'<script id="loss-chart" type="application/json">(.*?)</script>', html, re.S)[1]
    )


def test_the_auditors_see_every_submitted_claims_losses_in_a_chart_and_a_table(
    client, manager, other_manager, officer, company
):
    submitted(manager)
    submitted(other_manager)
    claim_create(user=other_manager, start_year=2020)  # a draft: no figures, no row
    client.force_login(officer["SJJ"])
    html = client.get("/subsidy/").content.decode()
    table = html[html.index('id="losses-table"') : html.index("</table>", html.index('id="losses-table"'))]
    assert table.count("<tr>") == 1 + 2
    assert company.name in table and "2019-2020" in table
    assert "¥225.00" in table and "¥600.00" in table and "¥5250.00" in table
    data = chart_data(html)
    assert len(data["labels"]) == 2 and [s["values"] for s in data["datasets"]] == [
        ["225.00", "225.00"],
        ["600.00", "600.00"],
        ["5250.00", "5250.00"],
    ]
    assert '<script src="/static/js/subsidy_losses.js"' in html and "<canvas" in html


def test_a_company_sees_its_own_losses_only(client, manager, other_manager, other_company):
    submitted(manager)
    submitted(other_manager)
    client.force_login(manager)
    html = client.get("/subsidy/").content.decode()
    assert len(chart_data(html)["labels"]) == 1 and other_company.name not in html


def test_no_claim_no_chart(client, officer, db):
    client.force_login(officer["SJJ"])
    html = client.get("/subsidy/").content.decode()
    assert 'id="no-losses"' in html and "subsidy_losses.js" not in html and "loss-chart" not in html
