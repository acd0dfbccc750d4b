"""价格政策工作台: only the price-policy duty drafts, edits and publishes; a draft copies the policy in
force with every figure editable; validation says in words what is wrong (an overlap refused, a gap
warned about); publishing is immediate for billing, the quote API and 政策公开; a published policy is
never changed again, by the desk, the admin, a model save or a direct UPDATE."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from heating.models import PricePolicy, Statement
from heating.models.policy import PolicyPublished
from heating.selectors.policy import NoPolicyInForce, policy_for_season, priced_seasons
from heating.services.policy import (
    policy_draft_delete,
    policy_draft_new,
    policy_draft_update,
    policy_publish,
)
from heating.services.settlement import season_settle
from heating.templatetags.portal import notice_section_url
from tests.factories import CompanyFactory, make_account
from tests.test_calculator_page import POLICY_2019
from tests.uploads import PDF, PNG

from .conftest import a_draft, form_of, policy_2019

pytestmark = pytest.mark.django_db

DESK = "/bureau/prices/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- who may use the desk -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["resident", "clerk", "other_officer"])
def test_only_the_price_policy_duty_may_draft_edit_delete_or_publish(client, county, who):
    draft = a_draft()
    client.force_login(getattr(county, who))

    assert client.get(DESK).status_code == 403
    assert client.post(f"{DESK}new/").status_code == 403
    assert client.get(f"{DESK}{draft.pk}/").status_code == 403
    body = form_of(draft, residential_area_price="30.00")
    assert client.post(f"{DESK}{draft.pk}/", body).status_code == 403
    assert client.post(f"{DESK}{draft.pk}/publish/").status_code == 403
    assert client.post(f"{DESK}{draft.pk}/delete/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == PricePolicy.Status.DRAFT
    assert draft.residential_area_price == Decimal("21.00")
    assert PricePolicy.objects.count() == 2


def test_anyone_signed_out_is_sent_to_sign_in(client, county):
    assert client.get(DESK)["Location"].startswith("/accounts/login/")


def test_the_bureau_lands_on_its_desk_and_sees_every_policy(client, county):
    draft = a_draft()
    client.force_login(county.officer)

    assert client.get("/start/")["Location"] == DESK
    text = text_of(client.get(DESK))
    assert f"{POLICY_2019} 已发布 执行期 2019-11-15 至 2021-11-14" in text
    assert f"{draft.code} 草稿 执行期 2021-11-15 至 2023-11-14" in text
    assert "价格政策" in text  # the navigation's link to the desk


def test_the_desk_answers_in_few_queries(client, county, django_assert_max_num_queries):
    for n in range(5):
        a_draft(code=f"测试〔2021〕{n}号")
    client.force_login(county.officer)

    with django_assert_max_num_queries(10):
        assert client.get(DESK).status_code == 200


# --- drafting -------------------------------------------------------------------------------------


def test_a_new_draft_copies_every_figure_of_the_latest_published_policy(client, county):
    client.force_login(county.officer)

    response = client.post(f"{DESK}new/")

    draft = PricePolicy.objects.get(status=PricePolicy.Status.DRAFT)
    assert response["Location"] == f"{DESK}{draft.pk}/"
    base = policy_2019()
    for field in PricePolicy._meta.concrete_fields:
        if field.name not in {"id", "code", "effective_from", "effective_until", "status", "published_at",
                              "published_by", "notice_date", "notice_text"}:
            assert getattr(draft, field.attname) == getattr(base, field.attname), field.name
    assert draft.effective_from == datetime.date(2021, 11, 15)
    assert draft.effective_until == datetime.date(2023, 11, 14)
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("residential_area_price", "low_income_rate", "institution_phased", "prorate_partial_seasons",
                 "notice_text", "notice_pdf", "effective_until"):
        assert f'name="{name}"' in html


def test_a_new_draft_after_a_policy_ending_on_28_february_of_a_leap_year_starts_on_29_february(county):
    ending = a_draft(until=datetime.date(2024, 2, 28))
    policy_publish(user=county.officer, policy_id=ending.pk)

    draft = policy_draft_new(user=county.officer, today=datetime.date(2026, 12, 1))

    assert draft.effective_from == datetime.date(2024, 2, 29)
    assert draft.effective_until == datetime.date(2026, 2, 27)


def test_a_second_new_draft_gets_a_code_of_its_own(client, county):
    client.force_login(county.officer)
    client.post(f"{DESK}new/")
    client.post(f"{DESK}new/")

    codes = set(PricePolicy.objects.filter(status=PricePolicy.Status.DRAFT).values_list("code", flat=True))
    assert len(codes) == 2


def test_editing_a_draft_keeps_every_figure_and_records_who(client, county):
    draft = a_draft()
    client.force_login(county.officer)

    body = form_of(draft, residential_area_price="22.50", institution_cap=False, low_income_rate="0.7000",
                   effective_until=datetime.date(2022, 11, 14), title="新的标题")
    response = client.post(f"{DESK}{draft.pk}/", body)

    assert response.status_code == 302, text_of(response)
    draft.refresh_from_db()
    assert draft.residential_area_price == Decimal("22.50")
    assert draft.institution_cap is False and draft.institution_phased is True
    assert draft.low_income_rate == Decimal("0.7000")
    assert draft.effective_until == datetime.date(2022, 11, 14)
    assert draft.history.first().history_user == county.officer


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("residential_area_price", "-1", "应在 0 到 1000 之间"),
        ("non_residential_heat_price", "5000", "应在 0 到 1000 之间"),
        ("low_income_rate", "1.5", "应在 0 到 1 之间"),
        ("basic_share", "-0.1", "应在 0 到 1 之间"),
        ("exchanger_fee", "abc", "输入一个数字"),
        ("effective_until", "2021-11-01", "有效期至不能早于执行日期"),
        ("code", "", "该字段是必填项"),
    ],
)
def test_nonsense_is_refused_in_words_next_to_its_field(client, county, field, value, words):
    draft = a_draft()
    client.force_login(county.officer)

    response = client.post(f"{DESK}{draft.pk}/", form_of(draft, **{field: value}))

    assert response.status_code == 400
    html = response.content.decode()
    errors = html[html.index(f'name="{field}"'):]
    assert words in errors[: errors.index("</label>") if "</label>" in errors else 2000]
    assert PricePolicy.objects.get(pk=draft.pk).residential_area_price == Decimal("21.00")


def test_the_service_refuses_a_nonsense_figure_too(county):
    draft = a_draft()

    with pytest.raises(ValidationError) as refused:
        policy_draft_update(user=county.officer, policy_id=draft.pk, values={"low_income_rate": Decimal("2")})

    assert "low_income_rate" in refused.value.message_dict


def test_an_overlap_with_a_published_policy_is_named_and_publishing_is_refused(client, county):
    draft = a_draft(start=datetime.date(2021, 1, 1))
    client.force_login(county.officer)

    text = text_of(client.get(f"{DESK}{draft.pk}/"))
    assert f"执行期与已发布的价格政策“{POLICY_2019}”（2019-11-15 至 2021-11-14）重叠" in text

    response = client.post(f"{DESK}{draft.pk}/publish/", follow=True)

    assert f"执行期与价格政策“{POLICY_2019}”（2019-11-15 至 2021-11-14）重叠" in text_of(response)
    draft.refresh_from_db()
    assert draft.status == PricePolicy.Status.DRAFT and draft.published_at is None
    assert policy_for_season(2020).code == POLICY_2019


def test_a_draft_may_overlap_another_draft(county):
    a_draft()
    assert a_draft(code="测试〔2021〕2号").pk


def test_a_gap_after_the_published_policy_is_warned_about_and_does_not_stop_publishing(client, county):
    draft = a_draft(start=datetime.date(2022, 11, 15), until=datetime.date(2024, 11, 14))
    client.force_login(county.officer)

    text = text_of(client.get(f"{DESK}{draft.pk}/"))
    assert (
        f"与前一份已发布的价格政策“{POLICY_2019}”之间有空档：2021-11-15 至 2022-11-14 没有价格政策" in text
    )
    client.post(f"{DESK}{draft.pk}/publish/")

    assert PricePolicy.objects.get(pk=draft.pk).status == PricePolicy.Status.PUBLISHED
    assert priced_seasons() == [2023, 2022, 2020, 2019]


def test_a_gap_before_a_later_published_policy_is_warned_about(client, county):
    later = a_draft(
        start=datetime.date(2023, 11, 15), until=datetime.date(2025, 11, 14), code="测试〔2023〕1号"
    )
    policy_publish(user=county.officer, policy_id=later.pk)
    draft = a_draft(start=datetime.date(2021, 11, 15), until=datetime.date(2022, 11, 14))
    client.force_login(county.officer)

    text = text_of(client.get(f"{DESK}{draft.pk}/"))

    gap = "与后一份已发布的价格政策“测试〔2023〕1号”之间有空档：2022-11-15 至 2023-11-14 没有价格政策"
    assert gap in text
    assert "与前一份" not in text  # 2019's ends the day before this one starts


def test_publishing_needs_the_notice_text_and_date(client, county):
    draft = a_draft(notice="")
    client.force_login(county.officer)

    response = client.post(f"{DESK}{draft.pk}/publish/", follow=True)

    assert "发布前请填写通知原文" in text_of(response)
    assert PricePolicy.objects.get(pk=draft.pk).status == PricePolicy.Status.DRAFT


def test_a_draft_is_deleted_and_a_published_policy_is_not(client, county):
    draft = a_draft()
    client.force_login(county.officer)

    assert client.post(f"{DESK}{draft.pk}/delete/")["Location"] == DESK
    assert not PricePolicy.objects.filter(pk=draft.pk).exists()
    client.post(f"{DESK}{policy_2019().pk}/delete/")
    assert PricePolicy.objects.filter(code=POLICY_2019).exists()
    with pytest.raises(PolicyPublished):
        policy_draft_delete(user=county.officer, policy_id=policy_2019().pk)
    with pytest.raises(PolicyPublished):
        policy_2019().delete()


def test_a_draft_links_to_its_what_if(client, county):
    draft = a_draft()
    client.force_login(county.officer)

    page = client.get(f"{DESK}{draft.pk}/").content.decode()
    assert f'href="/bureau/prices/whatif/?policy={draft.pk}"' in page


# --- the notice's PDF -----------------------------------------------------------------------------


def test_the_notice_pdf_is_the_desks_until_published_then_everyones(client, county):
    draft = a_draft()
    client.force_login(county.officer)
    body = {**form_of(draft), "notice_pdf": SimpleUploadedFile("通知.pdf", PDF, "application/pdf")}
    assert client.post(f"{DESK}{draft.pk}/", body).status_code == 302
    address = reverse("policy-notice-pdf", args=[draft.pk])

    assert b"".join(client.get(address).streaming_content) == PDF
    client.logout()
    assert client.get(address).status_code == 404
    client.force_login(county.resident)
    assert client.get(address).status_code == 404

    policy_publish(user=county.officer, policy_id=draft.pk)
    client.logout()
    assert client.get(address).status_code == 200
    assert address in client.get("/policy/").content.decode()


def test_a_notice_that_is_not_a_pdf_is_refused_in_words(client, county):
    draft = a_draft()
    client.force_login(county.officer)
    body = {**form_of(draft), "notice_pdf": SimpleUploadedFile("通知.png", PNG, "image/png")}

    response = client.post(f"{DESK}{draft.pk}/", body)

    assert response.status_code == 400
    assert "通知 PDF：只能上传 PDF 文件。" in text_of(response)


# --- publishing -----------------------------------------------------------------------------------


def test_publishing_bills_its_seasons_and_shows_on_the_quote_api_and_the_policy_page_at_once(client, county):
    draft = a_draft(residential_area_price=Decimal("22.00"))
    client.force_login(county.officer)

    response = client.post(f"{DESK}{draft.pk}/publish/")

    assert response["Location"] == f"{DESK}{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == PricePolicy.Status.PUBLISHED
    assert draft.published_by == county.officer and draft.published_at is not None
    assert policy_for_season(2021) == draft and policy_for_season(2022) == draft
    quote = client.post(
        "/api/v1/quote",
        {"season": "2021-2022", "price_class": "residential", "method": "area",
         "parts": [{"kind": "flat", "area": "100.00"}]},
        content_type="application/json",
    ).json()
    assert quote["policy"] == draft.code and quote["amount_due"] == "2200.00"
    client.logout()
    page = text_of(client.get("/policy/"))
    assert draft.code in page and "每平方米 ¥22.00，按套内建筑面积计费" in page
    assert "1. 居民用户供暖价格：按面积收费的，执行套内建筑面积22元/平方米。" in page  # its notice's text
    assert "2021-2022" in client.get("/calculator/").content.decode()


def test_a_season_under_a_published_draft_is_settled_and_one_under_a_draft_is_not(county):
    company = CompanyFactory()
    home = make_account(area="100.00", company=company, from_year=2021)
    draft = a_draft(residential_area_price=Decimal("22.00"))

    with pytest.raises(NoPolicyInForce):
        season_settle(company=company, start_year=2021, account_ids=[home.pk])
    policy_publish(user=county.officer, policy_id=draft.pk)
    assert season_settle(company=company, start_year=2021, account_ids=[home.pk]).issued == 1

    statement = Statement.objects.get(account=home)
    assert statement.policy_id == draft.pk and statement.amount_due == Decimal("2200.00")


def test_a_published_drafted_notice_is_cited_by_its_sections(county):
    draft = a_draft()
    policy_publish(user=county.officer, policy_id=draft.pk)

    assert notice_section_url("§一.1", draft.code) == f"/policy/#notice-{draft.pk}-s1-1"
    assert notice_section_url("§二", "测试〔2099〕1号") == ""


def test_publishing_records_the_history_the_published_page_shows(client, county):
    draft = a_draft()
    client.force_login(county.officer)
    client.post(f"{DESK}{draft.pk}/", form_of(draft, residential_area_price="22.00"))
    client.post(f"{DESK}{draft.pk}/publish/")

    records = list(PricePolicy.objects.get(pk=draft.pk).history.order_by("history_id"))
    assert [r.status for r in records] == ["draft", "draft", "published"]
    assert records[-1].history_user == county.officer and records[-1].history_change_reason == "published"
    text = text_of(client.get(f"{DESK}{draft.pk}/"))
    assert "不能修改" in text and "修改记录" in text and "吴婷" in text
    assert 'name="residential_area_price"' not in client.get(f"{DESK}{draft.pk}/").content.decode()


# --- a published policy is never changed ------------------------------------------------------------


def test_the_desk_does_not_change_a_published_policy(client, county):
    client.force_login(county.officer)
    published = policy_2019()

    client.post(f"{DESK}{published.pk}/", form_of(published, residential_area_price="30.00"))

    assert policy_2019().residential_area_price == Decimal("21.00")
    with pytest.raises(PolicyPublished):
        policy_draft_update(user=county.officer, policy_id=published.pk,
                            values={"residential_area_price": Decimal("30.00")})
    with pytest.raises(PolicyPublished):
        policy_publish(user=county.officer, policy_id=published.pk)


def test_a_model_save_does_not_change_a_published_policy(county):
    published = policy_2019()
    published.residential_area_price = Decimal("30.00")

    with pytest.raises(PolicyPublished):
        published.save()
    published = policy_2019()
    published.save()  # unchanged: no change to refuse
    assert policy_2019().residential_area_price == Decimal("21.00")


@pytest.mark.parametrize(
    ("column", "value"),
    [("residential_area_price", Decimal("30.00")), ("institution_cap", False), ("status", "draft"),
     ("effective_from", datetime.date(2019, 1, 1)), ("notice_text", "改过的原文")],
)
def test_the_database_refuses_any_writers_change_to_a_published_policy(county, column, value):
    """The trigger of migration 0033, on SQLite and PostgreSQL alike: a queryset update skips save()."""
    with pytest.raises(IntegrityError, match="price_policy_published_frozen"), transaction.atomic():
        PricePolicy.objects.filter(code=POLICY_2019).update(**{column: value})

    assert getattr(policy_2019(), column) != value


def test_the_database_lets_a_draft_change_and_be_published(county):
    draft = a_draft()

    PricePolicy.objects.filter(pk=draft.pk).update(residential_area_price=Decimal("30.00"))
    PricePolicy.objects.filter(pk=draft.pk).update(status="published")

    assert PricePolicy.objects.get(pk=draft.pk).residential_area_price == Decimal("30.00")


def test_the_admin_shows_a_policy_without_a_form_to_change_it(admin_client, county):
    published = policy_2019()
    address = reverse("admin:heating_pricepolicy_change", args=[published.pk])

    html = admin_client.get(address).content.decode()
    admin_client.post(address, {**form_of(published, residential_area_price="30.00"), "status": "draft"})

    assert 'name="residential_area_price"' not in html and 'name="status"' not in html
    assert policy_2019().residential_area_price == Decimal("21.00")
    assert policy_2019().status == PricePolicy.Status.PUBLISHED
    assert admin_client.post(reverse("admin:heating_pricepolicy_delete", args=[published.pk]),
                             {"post": "yes"}).status_code == 403
    assert PricePolicy.objects.filter(pk=published.pk).exists()


# --- overlapping publishers -----------------------------------------------------------------------


def test_an_overlapping_draft_cannot_be_published_even_past_the_check(county, monkeypatch):
    """A publisher that got past clean() (a concurrent one) is stopped by the database on PostgreSQL;
    on SQLite writers are serialised, and clean() under the lock is the guard."""
    draft = a_draft(start=datetime.date(2021, 1, 1))

    with pytest.raises(ValidationError, match=POLICY_2019):
        policy_publish(user=county.officer, policy_id=draft.pk)
    assert PricePolicy.objects.get(pk=draft.pk).status == PricePolicy.Status.DRAFT


@pytest.mark.postgres
def test_postgresql_refuses_an_overlapping_publication_that_skipped_the_check(county, monkeypatch):
    draft = a_draft(start=datetime.date(2021, 1, 1))
    monkeypatch.setattr(PricePolicy, "clean", lambda self: None)

    with pytest.raises(IntegrityError, match="policy_periods_never_overlap"):
        policy_publish(user=county.officer, policy_id=draft.pk)
    assert PricePolicy.objects.get(pk=draft.pk).status == PricePolicy.Status.DRAFT
