"""What a resident reads on a season's bill: the prepayment asked, the payments that arrived with their
dates and channels, the statement's figures with each line in words citing the notice, the corrected
versions with why, and the outcome — a refund with its state and expected date, or what is owed and
how to pay it — in a number of queries that does not grow with the bill."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from heating.models import AreaDecision, Role, Statement
from heating.models.statements import FIGURES
from heating.services.payments import payment_reverse
from heating.services.refunds import refunds_mark_paid
from tests.factories import MembershipFactory, make_account
from tests.settlement.helpers import pay, settle

from .conftest import BANK_ACCOUNT, ID_NUMBER, bill_url, client_of

pytestmark = pytest.mark.django_db


def _get(homes, account, season="2019-2020", user=None):
    response = client_of(user or homes.resident).get(bill_url(account, season))
    assert response.status_code == 200
    return response.context["page"], response.content.decode()


def test_the_figures_are_the_statements_and_every_line_cites_the_notice(homes):
    page, html = _get(homes, homes.refunded)

    current = Statement.objects.get(account=homes.refunded, status="issued")
    assert page.statement.statement == current
    assert [value for _label, value in page.statement.figures] == [getattr(current, f) for f in FIGURES]
    assert f"¥{current.amount_due}" in html and f"¥{current.refund}" in html
    assert page.statement.lines and all(
        "（源政办字〔2019〕54号 §" in text for text, _a in page.statement.lines
    )
    assert "按面积收费：计费面积 70.00 m² × 21.00 元/m²（源政办字〔2019〕54号 §一.1）" in html


def test_the_prepayment_and_each_payment_with_its_date_and_channel(homes):
    page, html = _get(homes, homes.refunded)

    assert page.prepayment == Decimal("1470.00")  # the statement's, no prepayment was charged in the ledger
    assert [(p.payment.amount, p.payment.paid_on, p.payment.channel) for p in page.payments] == [
        (Decimal("1500.00"), datetime.date(2019, 10, 20), "wechat"),
        (Decimal("500.00"), datetime.date(2019, 11, 2), "bank"),
    ]
    assert "2019-10-20 · 微信" in html and "2019-11-02 · 转账" in html
    assert 'id="received">¥2000.00' in html


def test_a_reversed_payment_is_shown_as_such_and_not_counted(homes):
    payment_reverse(payment=homes.owing.payments.get())

    page, html = _get(homes, homes.owing)

    assert page.received == Decimal("0.00") and "已冲正，不计入" in html


def test_a_corrected_statement_shows_the_version_it_replaced_and_why(homes):
    page, html = _get(homes, homes.refunded)

    [old] = page.superseded
    assert (old.statement.version, old.statement.status) == (1, "superseded")
    reason = page.statement.statement.reason
    assert reason == "面积认定：无 → 70.00"
    assert f"已被第 2 版更正，原因：{reason}" in html
    assert f"实际应缴 ¥{old.statement.amount_due}" in html


def test_a_refund_owed_shows_its_state_and_the_day_to_expect_it(homes, settings):
    settings.REFUND_DUE_DAYS = 30
    page, html = _get(homes, homes.refunded)

    [refund] = page.refunds
    assert page.to_refund == Decimal("530.00") == refund.refund.amount
    expected = timezone.localdate(refund.refund.created_at)
    assert refund.expected_on == expected + datetime.timedelta(days=30)
    assert 'id="to-refund">¥530.00' in html and "待处理" in html
    assert f"预计在 {refund.expected_on:%Y-%m-%d} 前退还" in html
    assert 'id="how-to-pay"' not in html  # nothing to pay


def test_a_refund_paid_out_shows_the_day_it_was_paid(homes):
    refund = homes.refunded.refunds.get()
    manager = MembershipFactory(organisation=homes.company, role=Role.MANAGER).user
    refunds_mark_paid(
        refund_ids=[refund.id], bank_reference="B-1", paid_on=datetime.date(2020, 4, 2), user=manager
    )

    page, html = _get(homes, homes.refunded)

    assert page.refunds[0].refund.state == "paid" and page.refunds[0].expected_on is None
    assert "已支付" in html and "已于 2020-04-02 支付" in html
    assert 'id="squared"' in html


def test_an_amount_owed_says_how_to_pay_it(homes):
    page, html = _get(homes, homes.owing)

    assert page.to_pay == Decimal("680.00")
    assert 'id="to-pay">¥680.00' in html
    assert BANK_ACCOUNT in html and "中国工商银行沂源支行" in html and "户号 H1002" in html
    assert "胜利路营业厅" in html and "沂源县胜利路 86 号" in html and "每日 8:00–17:30" in html


def test_before_settlement_the_prepayment_the_payments_and_not_yet_settled_in_words(homes):
    pay(homes.refunded, "500.00", season=2020, paid_on=datetime.date(2020, 11, 1))

    page, html = _get(homes, homes.refunded, "2020-2021")

    assert not page.settled and page.exception is None
    assert page.prepayment == Decimal("1470.00")  # the notice's: 70 m² as decided × 21.00
    assert page.to_pay == Decimal("970.00")
    assert "本供暖季尚未结算。" in html and "供暖季已结束" in html
    assert "预交金额：计费面积 70.00 m² × 21.00 元/m²（源政办字〔2019〕54号 §四）" in html
    assert 'id="how-to-pay"' in html


def test_an_unsettled_exception_is_said_in_words(homes):
    metered = make_account(
        company=homes.company, number="H1003", customer=homes.refunded.customer, metered=True
    )
    pay(metered, "2100.00")
    settle(homes.company, metered)  # an exception: a metered home without readings

    page, html = _get(homes, metered)

    serial = metered.meters.get().serial
    assert page.exception == f"表 {serial} 缺少期初读数；表 {serial} 缺少期末读数"
    assert f"暂时无法结算，原因：表 {serial} 缺少期初读数" in html


def test_past_seasons_are_links_and_the_pdf_is_linked(homes):
    pay(homes.refunded, "100.00", season=2020)

    page, html = _get(homes, homes.refunded)

    code = homes.company.code
    assert page.season_names == ["2026-2027", "2020-2021", "2019-2020"]
    assert f'href="/me/{code}/H1001/2020-2021/"' in html and f'href="/me/{code}/H1001/2026-2027/"' in html
    assert '<span aria-current="page">2019-2020</span>' in html
    assert f'href="/me/{code}/H1001/2019-2020/statement.pdf"' in html


def test_the_bill_leads_back_to_my_heating_which_the_navigation_marks(homes):
    _page, html = _get(homes, homes.owing)

    assert '<p><a href="/me/">返回我的供暖</a></p>' in html
    assert 'href="/me/" aria-current="page">我的供暖<' in html


def test_no_identity_number_anywhere_in_the_page(homes):
    customer = homes.refunded.customer
    assert customer.id_number_masked

    for user in (homes.resident, homes.clerk):
        _page, html = _get(homes, homes.refunded, user=user)
        assert ID_NUMBER not in html and customer.id_number_masked not in html
        assert ID_NUMBER[-4:] + "<" not in html


def test_english_on_request(homes):
    response = client_of(homes.resident).get(bill_url(homes.owing), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert "How to pay" in html and "Area fee: billing area 80.00 m² × ¥21.00/m² (notice §一.1)" in html


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_payments_versions_and_seasons(
    homes, django_assert_max_num_queries
):
    client = client_of(homes.resident)
    url = bill_url(homes.refunded)
    with django_assert_max_num_queries(25):
        client.get(url)
    before = _count(client, url)

    for year in (2020, 2021, 2022):
        pay(homes.refunded, "10.00", season=year)
    for _ in range(3):
        pay(homes.refunded, "10.00")
    AreaDecision.objects.filter(account=homes.refunded).update(area=Decimal("65.00"))
    settle(homes.company, homes.refunded)
    assert homes.refunded.statements.count() == 3

    assert _count(client, url) == before


def test_an_unsettled_season_costs_a_fixed_number_of_queries_too(homes, django_assert_max_num_queries):
    """Before settlement the notice's prepayment and, the season over, the engine's verdict are read:
    more queries than a settled bill, still a fixed number."""
    client = client_of(homes.resident)
    pay(homes.refunded, "10.00", season=2020)
    url = bill_url(homes.refunded, "2020-2021")
    with django_assert_max_num_queries(39):
        client.get(url)
    before = _count(client, url)

    for _ in range(4):
        pay(homes.refunded, "10.00", season=2020)
    pay(homes.refunded, "10.00", season=2021)

    assert _count(client, url) == before


def test_a_refund_not_opened_yet_is_expected_counted_from_the_statement(homes, settings):
    settings.REFUND_DUE_DAYS = 30
    home = make_account(company=homes.company, number="H1004", customer=homes.refunded.customer)
    pay(home, "2000.00")
    settle(homes.company, home)  # the manager has not opened the season's refunds yet

    page, html = _get(homes, home)

    issued = timezone.localdate(page.statement.statement.issued_at)
    assert page.refunds == [] and page.refund_expected_on == issued + datetime.timedelta(days=30)
    assert f"退费正在办理，预计在 {page.refund_expected_on:%Y-%m-%d} 前退还。" in html
