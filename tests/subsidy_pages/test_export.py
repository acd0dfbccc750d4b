"""The claim's Excel export (terms, costs, history and the accounts behind the version) and its
printable PDF with each bureau's sign-off; 404 for a claim the user may not see."""

import io

import pytest
from openpyxl import load_workbook

from subsidy.services.claims import claim_adjust_cost
from tests.counter_pay.test_receipt_pdf import poppler
from tests.factories import make_account
from tests.settlement.helpers import settle
from tests.subsidy_claims.helpers import paid, submitted

XLSX, PDF = "/subsidy/claims/{}/claim.xlsx", "/subsidy/claims/{}/claim.pdf"


def workbook(client, user, claim):
    client.force_login(user)
    response = client.get(XLSX.format(claim.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="claim-')
    return load_workbook(io.BytesIO(response.content))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_workbook_has_every_term_the_costs_and_the_history(client, manager, officer):
    claim = submitted(manager)
    claim_adjust_cost(
        user=officer["SJJ"], claim_id=claim.pk, category="fuel", amount="13000", reason='=HYPERLINK("x")'
    )
    book = workbook(client, officer["CZJ"], claim)
    assert book.sheetnames == ["补贴测算", "成本明细", "办理记录", "结算账户"]
    terms = rows(book["补贴测算"])
    assert len(terms) == 14
    assert terms[-1][:2] == ["补贴金额", 2325]  # cost 24000: min(5325, 2825) − 500
    costs = rows(book["成本明细"])
    assert costs[0][:3] == ["燃料费", 15000, 13000]
    assert costs[1][3:] == ["沂源县审计局", 15000, 13000, '\'=HYPERLINK("x")']  # a formula stays text
    assert [row[1] for row in rows(book["办理记录"])] == ["创建", "提交", "调整成本"]


def test_the_accounts_are_those_of_the_version_not_statements_issued_since(client, manager, company):
    before = make_account(company=company, number="A0001")
    settle(company, before)
    claim = submitted(manager)
    settle(company, make_account(company=company, number="A0002"))
    accounts = rows(workbook(client, manager, claim)["结算账户"])
    assert [row[0] for row in accounts] == ["A0001"]


def test_the_pdf_shows_each_bureaus_sign_off(client, manager, officer, tmp_path):
    claim = paid(manager, officer)
    client.force_login(officer["SJJ"])
    response = client.get(PDF.format(claim.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "".join(poppler("pdftotext", response.content, tmp_path).split())
    for bureau in ("沂源县住房和城乡建设局", "沂源县发展和改革局", "沂源县审计局", "沂源县财政局"):
        assert bureau in text
    assert text.count("审核通过：") == 3
    assert "审批补贴金额¥4325.00" in text and "财拨〔2020〕17号" in text
    assert "WenQuanYi" in poppler("pdffonts", response.content, tmp_path)


@pytest.mark.parametrize("path", [XLSX, PDF])
def test_another_companys_claim_is_404(client, manager, other_manager, path):
    claim = submitted(manager)
    client.force_login(other_manager)
    assert client.get(path.format(claim.pk)).status_code == 404
    assert client.get(path.format(claim.pk + 1000)).status_code == 404
