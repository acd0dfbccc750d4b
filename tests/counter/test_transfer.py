"""过户 at the counter: a new holder from a date, with history; clerks and managers may; another
company's staff cannot reach the account; the identity number is stored protected and never echoed."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from heating import identity
from heating.models import AccountHolder, Customer
from tests.factories import UserFactory, id_number

NEW_ID = id_number("37032319900202002")


def transfer(client, number="H2002", **fields):
    data = {"name": "李红梅", "phone": "13905336789", "id_number": NEW_ID, "on": "2020-06-01", **fields}
    return client.post(f"/company/accounts/{number}/", data)


@pytest.mark.parametrize("who", ["clerk", "manager"])
def test_a_clerk_or_manager_records_the_change_of_owner(counter, who):
    client = Client()
    client.force_login(getattr(counter, who))

    response = transfer(client)

    assert response.status_code == 302
    counter.wang.refresh_from_db()
    holder = counter.wang.customer
    assert (holder.name, holder.phone, holder.company_id) == ("李红梅", "13905336789", counter.company.id)
    assert holder.id_number_hash == identity.fingerprint(NEW_ID)
    assert holder.id_number_masked == identity.mask(NEW_ID)
    assert NEW_ID not in holder.id_number_cipher
    holders = list(AccountHolder.objects.filter(account=counter.wang).order_by("from_date"))
    assert [(h.customer.name, h.from_date) for h in holders] == [
        ("王建国", counter.wang.opened_on),
        ("李红梅", datetime.date(2020, 6, 1)),
    ]
    assert holders[-1].recorded_by == getattr(counter, who)
    assert counter.wang.history.count() == 2  # created, then the holder changed
    page = client.get(response["Location"]).content.decode()
    assert "李红梅" in page and NEW_ID not in page


def test_the_identity_number_is_optional(counter, clerk_client):
    assert transfer(clerk_client, id_number="").status_code == 302
    counter.wang.refresh_from_db()
    assert counter.wang.customer.id_number_hash == ""


def test_a_refused_transfer_records_nothing_and_never_echoes_the_number(counter, clerk_client):
    customers = Customer.objects.count()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()

    for fields in ({"on": future}, {"on": "2018-01-01"}, {"id_number": NEW_ID[:17] + "0"}, {"name": ""}):
        response = transfer(clerk_client, **fields)
        html = response.content.decode()
        assert response.status_code == 400, fields
        assert 'role="alert"' in html or "errorlist" in html
        assert NEW_ID[:17] not in html
    assert Customer.objects.count() == customers
    counter.wang.refresh_from_db()
    assert counter.wang.customer.name == "王建国"


def test_another_companys_clerk_cannot_transfer(counter):
    client = Client()
    client.force_login(counter.other_clerk)

    assert transfer(client, number="H1001").status_code == 404
    customer = counter.exact.customer
    counter.exact.refresh_from_db()
    assert counter.exact.customer == customer
    assert not AccountHolder.objects.filter(account=counter.exact).exists()


def test_a_resident_cannot_transfer(counter):
    client = Client()
    client.force_login(UserFactory())

    assert transfer(client).status_code == 403
    assert Client().post("/company/accounts/H2002/", {}).status_code == 302


def test_hostile_fields_are_refused_not_a_500(counter, clerk_client):
    assert transfer(clerk_client, name="王\x00").status_code == 400
    assert transfer(clerk_client, name="x" * 500).status_code == 400
    assert transfer(clerk_client, on="not a date").status_code == 400
