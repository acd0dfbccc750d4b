"""Who sees a bill (CONTRACTS.md "Resident portal addresses"): the account's holder and its company's
staff. Everyone else — another resident guessing numbers, the other company's staff (which has a home
with the same 户号), a bureau — gets the very 404 of an account that does not exist, page and PDF."""

import re

import pytest

from .conftest import bill_url, client_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pdf", [False, True], ids=["page", "pdf"])
@pytest.mark.parametrize("who", ["resident", "clerk"])
def test_the_holder_and_the_companys_staff_see_the_bill(homes, who, pdf):
    response = client_of(getattr(homes, who)).get(bill_url(homes.refunded, pdf=pdf))

    assert response.status_code == 200
    if pdf:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    else:
        assert response.context["page"].account == homes.refunded


def _not_found_body(response, path: str) -> str:
    """The 404 page, less the address it was asked for (the language switch's way back names it) and
    the CSRF token (masked afresh on every page)."""
    assert response.status_code == 404
    body = response.content.decode().replace(path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


@pytest.mark.parametrize("pdf", [False, True], ids=["page", "pdf"])
@pytest.mark.parametrize("who", ["neighbour", "other_clerk", "officer"])
def test_anyone_else_gets_the_404_of_an_account_that_does_not_exist(homes, who, pdf):
    client = client_of(getattr(homes, who))
    real = bill_url(homes.refunded, pdf=pdf)
    missing = real.replace("/H1001/", "/H9999/")

    refused, absent = client.get(real), client.get(missing)

    assert _not_found_body(refused, real) == _not_found_body(absent, missing)
    assert "张建国" not in refused.content.decode() and "H1001" not in refused.content.decode().replace(
        real, ""
    )


def test_the_other_companys_staff_see_their_own_twin_not_ours(homes):
    client = client_of(homes.other_clerk)

    assert client.get(bill_url(homes.refunded)).status_code == 404
    # Their own H1001 has no bill for 2019-2020 (nothing paid or settled); the season running has one.
    twin = client.get(bill_url(homes.twin, season="2026-2027"))
    assert twin.status_code == 200 and twin.context["page"].account == homes.twin


def test_a_resident_guessing_numbers_and_companies_finds_nothing(homes):
    client = client_of(homes.neighbour)
    company = homes.company.code
    for path in (
        f"/me/{company}/H1002/2019-2020/",
        f"/me/{company}/H1001/2019-2020/statement.pdf",
        f"/me/{homes.other_company.code}/H1001/2026-2027/",
        f"/me/{company}/{homes.refunded.pk}/2019-2020/",
        f"/me/{homes.refunded.company_id}/H1001/2019-2020/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(bill_url(homes.neighbours_home)).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(homes):
    for pdf in (False, True):
        response = client_of(None).get(bill_url(homes.refunded, pdf=pdf))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "season",
    ["2019-2021", "2019", "0000-0001", "2019-2020x", "x" * 5000, "2018-2019", "1999-2000", "%00"],
)
def test_an_address_that_names_no_bill_is_404_never_500(homes, season):
    for pdf in (False, True):
        assert client_of(homes.resident).get(bill_url(homes.refunded, season, pdf)).status_code == 404


def test_a_season_with_no_bill_says_so_and_leads_back_to_my_heating(homes):
    response = client_of(homes.resident).get(bill_url(homes.refunded, "1999-2000"))

    html = response.content.decode()
    assert response.status_code == 404 and "找不到这个页面" in html
    assert 'class="button secondary" href="/me/">返回我的供暖<' in html
    assert "返回我的供暖" not in client_of(homes.resident).get("/no-such-page/").content.decode()


@pytest.mark.parametrize("number", ["H1001%00", "H" * 21, "H1001%ED%A0%80"])
def test_hostile_account_numbers_are_404(homes, number):
    assert client_of(homes.resident).get(f"/me/{homes.company.code}/{number}/2019-2020/").status_code == 404
    assert client_of(homes.resident).get(f"/me/{'C' * 21}/H1001/2019-2020/").status_code == 404
