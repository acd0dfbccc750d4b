"""The statement PDF: A4, Chinese in the embedded WenQuanYi font (pdffonts), and the page's figures in its
text (pdftotext): company, account, holder, address, season, policy, lines, payments and outcome."""

import pytest

from tests.counter_pay.test_receipt_pdf import poppler

from .conftest import bill_url, client_of

pytestmark = pytest.mark.django_db


def _pdf(homes, account, user=None):
    response = client_of(user or homes.resident).get(bill_url(account, pdf=True))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response


def test_the_pdf_embeds_the_chinese_font_and_carries_the_pages_amount_due(homes, tmp_path):
    page = client_of(homes.resident).get(bill_url(homes.refunded)).context["page"]
    response = _pdf(homes, homes.refunded)

    fonts = poppler("pdffonts", response.content, tmp_path)
    microhei = [line for line in fonts.splitlines() if "WenQuanYi" in line or "wqy" in line.lower()]
    assert microhei and all(" yes " in line for line in microhei), fonts
    text = "".join(poppler("pdftotext", response.content, tmp_path).split())
    amount_due = page.statement.statement.amount_due
    assert f"实际应缴¥{amount_due}" in text
    for shown in (
        homes.company.name,
        "H1001",
        "张建国",
        "2019-2020",
        "源政办字〔2019〕54号",
        "按面积收费：计费面积70.00m²×21.00元/m²（源政办字〔2019〕54号§一.1）",
        "2019-10-20微信¥1500.00",
        "应退费¥530.00",
        "更正原因：面积认定：无→70.00",
    ):
        assert shown in text, shown


def test_the_pdf_of_an_amount_owed_says_how_to_pay(homes, tmp_path):
    text = "".join(poppler("pdftotext", _pdf(homes, homes.owing).content, tmp_path).split())

    assert "应补缴¥680.00" in text and "中国工商银行沂源支行" in text and "胜利路营业厅" in text


def test_the_pdf_is_a4(homes, tmp_path):
    info = poppler("pdfinfo", _pdf(homes, homes.refunded).content, tmp_path)

    assert "595.276 x 841.89 pts (A4)" in info or "(A4)" in info, info


def test_before_settlement_the_page_and_the_pdf_call_it_a_bill_not_a_statement(homes, tmp_path):
    client = client_of(homes.resident)
    settled = client.get(bill_url(homes.refunded)).content.decode()
    unsettled = client.get(bill_url(homes.refunded, "2020-2021")).content.decode()
    assert "下载结算单（PDF）" in settled and "下载账单（PDF）" not in settled
    assert "下载账单（PDF）" in unsettled and "下载结算单（PDF）" not in unsettled

    pdf = client.get(bill_url(homes.refunded, "2020-2021", pdf=True)).content
    text = "".join(poppler("pdftotext", pdf, tmp_path).split())
    assert "供暖费账单" in text and "结算单" not in text and "尚未结算" in text
