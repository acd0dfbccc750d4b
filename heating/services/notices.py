"""Prepayment notices (缴费通知单) as one PDF: a page per account with its prepayment, a fresh
activation code and the QR code of the resident portal's /activate/ address (CONTRACTS.md).

Printing a notice issues the account a fresh code (voiding the old one): only its hash is stored, so
the page is the only place the code is ever written down."""
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from heating.models.policy import season_days, season_name
from heating.pdf import pdf_from_html, premises_address
from heating.selectors.notices import notices_for_season

from .activation import activation_code_issue

NOTICE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "notice.css"


def activation_url(account, code: str) -> str:
    query = urlencode({"company": account.company.code, "account": account.number, "code": code})
    return f"{settings.PORTAL_BASE_URL}/activate/?{query}"


def qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m", micro=False).svg_inline(scale=4, border=4, omitsize=False)


def notices_pdf(*, accounts, start_year: int, user=None) -> tuple[bytes, int]:
    """The notices of `accounts` (those the engine can price; the rest are left out) as one PDF and
    its page count. Issues each printed account a fresh activation code."""
    pages = []
    for notice in notices_for_season(accounts, start_year, translation.get_language() or "zh-hans"):
        if notice.breakdown is None:
            continue
        code = activation_code_issue(notice.account, user)
        url = activation_url(notice.account, code)
        pages.append({"notice": notice, "code": code, "url": url, "qr": qr_svg(url)})
    for page in pages:
        page["address"] = premises_address(page["notice"].account.premises)
    html = render_to_string(
        "heating/notices/notice_pdf.html",
        {
            "pages": pages,
            "season": season_name(start_year),
            "deadline": season_days(start_year)[0],
            "activate": f"{settings.PORTAL_BASE_URL}/activate/",
        },
    )
    return pdf_from_html(html, NOTICE_CSS), len(pages)
