"""Admin pages never answer 500 to a hostile id or filter value."""
import pytest

from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("model", ["account", "customer", "meter", "reading", "pricepolicy"])
def test_a_history_page_of_no_such_id_is_not_a_500(admin_client, model):
    assert admin_client.get(f"/admin/heating/{model}/1e5/history/").status_code in (302, 404)


@pytest.mark.parametrize("model", ["reading", "importbatch"])
def test_a_status_filter_with_a_nul_is_a_400(admin_client, model):
    assert admin_client.get(f"/admin/heating/{model}/?status__exact=a%00b").status_code == 400


@pytest.mark.parametrize("url", ["/calculator/?season=%00", "/company/readings/review/?page=1%00"])
def test_a_nul_in_any_query_string_is_the_portals_400_page(client, url):
    response = client.get(url, headers={"Accept-Language": "en"})

    assert response.status_code == 400
    assert '<html lang="en">' in response.content.decode()
