"""/subsidy/fees/: the finance bureau (the holder of the approval duty) records the connection fees
returned to a company and corrects a record; nobody else may."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heating.models import Duty, Role
from subsidy.models import ConnectionFee
from subsidy.selectors.costs import connection_fees_total
from tests.factories import BureauFactory, CompanyFactory, MembershipFactory, UserFactory
from tests.subsidy.helpers import D, finance_officer, manager_of, return_fees

pytestmark = pytest.mark.django_db
URL = reverse("subsidy-fees")


@pytest.fixture
def company():
    return CompanyFactory(name="鑫源热力")


@pytest.fixture
def finance(client):
    user = finance_officer()
    client.force_login(user)
    return user


def record(of, **changes):
    return {
        "company": of.code,
        "season": "2019-2020",
        "amount": "500.00",
        "returned_on": "2020-06-30",
        "reference": "源财〔2020〕12号",
        **changes,
    }


def test_finance_records_a_fee_and_sees_the_season_s_total(client, company, finance):
    assert client.post(URL, record(company)).status_code == 302
    assert client.post(URL, record(company, amount="250.50")).status_code == 302
    fee = ConnectionFee.objects.order_by("id").first()
    assert (fee.amount, fee.season_year, fee.reference, fee.recorded_by) == (
        D("500.00"),
        2019,
        "源财〔2020〕12号",
        finance,
    )
    page = client.get(URL).content.decode()
    assert "鑫源热力 · 2019-2020" in page and 'class="fee-total">¥750.50<' in page


def test_finance_corrects_a_fee_with_a_reason(client, company, finance):
    fee = return_fees(company, 2019, "500.00", finance)
    response = client.post(
        reverse("subsidy-fee-correct", args=[fee.pk]), {"amount": "100", "reason": "多登记"}
    )
    assert response.status_code == 302
    assert connection_fees_total(company, 2019) == D("400.00")
    page = client.get(URL).content.decode()
    assert "−¥100.00" in page and "多登记" in page and 'class="fee-total">¥400.00<' in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "abc"}, "fee-amount-error"),
        ({"amount": "-5"}, "fee-amount-error"),
        ({"amount": "0"}, "fee-amount-error"),
        ({"season": "2019"}, "fee-season-error"),
        ({"returned_on": "2020-13-01"}, "fee-returned-on-error"),
        ({"company": "NOPE"}, "fee-company-error"),
    ],
)
def test_a_bad_record_is_a_field_error(client, company, finance, changes, field):
    response = client.post(URL, record(company, **changes))
    assert response.status_code == 400
    assert f'id="{field}"' in response.content.decode()
    assert not ConnectionFee.objects.exists()


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"amount": "600", "reason": "错"}, "不能超过"),
        ({"amount": "100", "reason": " "}, "原因"),
        ({"amount": "x", "reason": "错"}, "金额"),
    ],
)
def test_a_bad_correction_is_said_next_to_its_record(client, company, finance, form, words):
    fee = return_fees(company, 2019, "500.00", finance)
    response = client.post(reverse("subsidy-fee-correct", args=[fee.pk]), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="correct-{fee.pk}-' in page and words in page
    assert connection_fees_total(company, 2019) == D("500.00")


def other_bureau():
    return MembershipFactory(
        organisation=BureauFactory(duties=[Duty.SUBSIDY_LEAD, Duty.SUBSIDY_REVIEW]), role=Role.OFFICER
    ).user


@pytest.mark.parametrize("who", [other_bureau, lambda: manager_of(CompanyFactory()), UserFactory])
def test_anyone_but_finance_is_refused(client, company, who):
    fee = return_fees(company, 2019, "500.00")
    client.force_login(who())
    assert client.get(URL).status_code == 403
    assert client.post(URL, record(company)).status_code == 403
    assert (
        client.post(reverse("subsidy-fee-correct", args=[fee.pk]), {"amount": "1", "reason": "x"}).status_code
        == 403
    )
    assert ConnectionFee.objects.count() == 1


def queries_of(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_page_s_queries_do_not_grow_with_fees(client, company, finance):
    return_fees(company, 2019, "500.00", finance)
    before = queries_of(client)
    for season in (2019, 2020, 2021):
        for other in (company, CompanyFactory()):
            return_fees(other, season, "100.00", finance)
    assert queries_of(client) == before <= 10


def test_a_correction_is_not_corrected_again(client, company, finance):
    fee = return_fees(company, 2019, "500.00", finance)
    client.post(reverse("subsidy-fee-correct", args=[fee.pk]), {"amount": "100", "reason": "多登记"})
    correction = ConnectionFee.objects.get(corrects=fee)
    response = client.post(
        reverse("subsidy-fee-correct", args=[correction.pk]), {"amount": "1", "reason": "再错"}
    )
    assert response.status_code == 400
    assert 'id="correct-error"' in response.content.decode()
    assert connection_fees_total(company, 2019) == D("400.00")


def test_finance_finds_the_fees_page_from_its_queue_and_a_reviewer_does_not(client, finance):
    assert URL in client.get(reverse("subsidy-queue")).content.decode()

    client.force_login(other_bureau())
    assert URL not in client.get(reverse("subsidy-queue")).content.decode()
