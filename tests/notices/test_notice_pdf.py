"""A prepayment notice: the engine's prepayment, Chinese in an embedded font, a fresh activation code
and a QR code that decodes (from the rendered page) to the /activate/ address with that code."""
import re
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from heating.models import ActivationCode, Role
from heating.services.activation import activation_code_check, activation_code_issue
from heating.services.notices import notices_pdf
from tests.factories import BuildingFactory, CompanyFactory, MembershipFactory, make_account

pytestmark = pytest.mark.django_db
SEASON = "2019-2020"


@pytest.fixture
def account():
    company = CompanyFactory(code="NOT1", name="沂源县示范热力公司")
    building = BuildingFactory(company=company, name="富源小区3号楼", address="沂源县城富源路 8 号")
    return make_account(
        company=company, area="90.50", exchangers=2, number="0300001", premises__building=building,
        premises__unit="2-301", customer__name="张三",
    )


@pytest.fixture
def clerk(account):
    return MembershipFactory(organisation=account.company, role=Role.CLERK).user


def _pdf(tmp_path, content: bytes):
    path = tmp_path / "notice.pdf"
    path.write_bytes(content)
    return path


def _text(path) -> str:
    args = ["pdftotext", "-layout", str(path), "-"]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return done.stdout


def _qr_of_first_page(path, tmp_path) -> str:
    import zxingcpp
    from PIL import Image

    page = ["-r", "150", "-f", "1", "-l", "1", "-png"]
    subprocess.run(["pdftoppm", *page, str(path), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    (found,) = zxingcpp.read_barcodes(Image.open(png))
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    return found.text


pytestmark = [pytestmark, pytest.mark.tool("pdffonts", "poppler-utils")]


def test_a_notice_shows_the_prepayment_chinese_in_an_embedded_font_and_a_qr_of_the_activation_address(
    client, account, clerk, tmp_path, settings
):
    settings.PORTAL_BASE_URL = "https://heating.example.cn"
    old = activation_code_issue(account)
    client.force_login(clerk)

    response = client.get(reverse("notice-pdf", args=[account.number]) + f"?season={SEASON}")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = _pdf(tmp_path, response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"WenQuanYi.*\byes\b", fonts), fonts
    text = _text(path)
    # POLICY.md §9 example 2: 90.5 m² × 21 + 2 exchangers × 120 = 2140.50.
    shown_all = ("沂源县示范热力公司", "0300001", "张三", "富源路", "2-301", "90.50 m²", "21.00", "¥2140.50")
    for shown in (*shown_all, "2019-11-15"):
        assert shown in text, shown

    url = _qr_of_first_page(path, tmp_path)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://heating.example.cn/activate/"
    assert query["account"] == ["0300001"] and query["company"] == ["NOT1"]
    code = query["code"][0]
    assert code in "".join(text.split())  # letter-spaced on the page
    assert activation_code_check(account, code)
    assert not activation_code_check(account, old)
    assert ActivationCode.objects.filter(account=account).count() == 2


def test_a_metered_home_prepays_by_area_and_one_without_facts_gets_no_notice(account, tmp_path):
    metered = make_account(company=account.company, area="100.00", metered=True)
    without_terms = make_account(company=account.company)
    without_terms.terms.all().delete()

    pdf, pages = notices_pdf(accounts=[metered, without_terms], start_year=2019)

    assert pages == 1
    assert ActivationCode.objects.filter(account=metered).count() == 1
    assert not ActivationCode.objects.filter(account=without_terms).exists()
    assert "¥2100.00" in _text(_pdf(tmp_path, pdf))  # POLICY.md §9 example 3: prepayment 2100.00


def test_another_companys_clerk_gets_404_and_no_code_is_issued(client, account):
    client.force_login(MembershipFactory(organisation=CompanyFactory(), role=Role.CLERK).user)

    response = client.get(reverse("notice-pdf", args=[account.number]) + f"?season={SEASON}")

    assert response.status_code == 404
    assert not ActivationCode.objects.exists()


@pytest.mark.parametrize("season", ["2019", "2019-2021", "1900-1901", "x" * 5000])
def test_a_bad_season_is_400_in_words(client, account, clerk, season):
    client.force_login(clerk)

    response = client.get(reverse("notice-pdf", args=[account.number]), {"season": season})

    assert response.status_code == 400
    assert "YYYY-YYYY" in response.content.decode()
    assert not ActivationCode.objects.exists()
