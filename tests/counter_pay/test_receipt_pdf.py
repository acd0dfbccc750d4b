"""The receipt PDF: Chinese text in the embedded WenQuanYi font, checked with poppler's pdffonts and
pdftotext (poppler-utils, installed by .ci/run)."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from heating.services.receipts import payment_take

from .helpers import counter

pytestmark = pytest.mark.django_db


def poppler(tool, pdf, tmp_path) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} (poppler-utils) is not installed")
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    args = [tool, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def test_the_receipt_pdf_shows_the_payment_in_chinese_with_the_font_embedded(client, tmp_path):
    company, clerk, _manager, account = counter()
    account.customer.name = "张建国"
    account.customer.save()
    receipt = payment_take(
        account=account,
        season_year=2019,
        amount=Decimal("1200.00"),
        channel="wechat",
        reference="WX-1",
        user=clerk,
    )
    client.force_login(clerk)

    response = client.get(reverse("receipt-pdf", args=[receipt.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response["Content-Type"] == "application/pdf"
    fonts = poppler("pdffonts", response.content, tmp_path)
    microhei = [line for line in fonts.splitlines() if "WenQuanYi" in line or "wqy" in line.lower()]
    assert microhei and all(" yes " in line for line in microhei), fonts
    text = "".join(poppler("pdftotext", response.content, tmp_path).split())
    for shown in (
        company.name,
        receipt.number,
        account.number,
        "张建国",
        "2019-2020",
        "壹仟贰佰元整",
        "1200.00",
        "微信",
        "WX-1",
        clerk.username,
        "收据",
    ):
        assert shown in text, shown
