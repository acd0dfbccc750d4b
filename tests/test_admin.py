"""The admin site: every model's pages open, and identity numbers stay write-only there."""
import datetime
import re
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from heating import identity
from heating.models import (
    ApiToken,
    Customer,
    ImportBatch,
    Job,
    Meter,
    Organisation,
    Reading,
    ReadingLimits,
    Season,
)
from heating.payments import sandbox
from heating.services.accounts import account_transfer
from heating.services.activation import activation_code_issue
from heating.services.payments import payment_record
from heating.services.receipts import payment_take, receipt_void
from heating.services.refunds import refunds_open_for_season
from heating.services.season_totals import season_totals_record
from heating.services.settlement import season_settle
from subsidy.models import Claim, ClaimAdjustment, ClaimEvent, ClaimVersion

from .factories import (
    AreaDecisionFactory,
    BureauFactory,
    CompanyFactory,
    CustomerFactory,
    InstitutionApprovalFactory,
    LowIncomeCertificateFactory,
    MembershipFactory,
    PaymentFactory,
    ReadingFactory,
    RouteFactory,
    UserFactory,
    id_number,
    make_account,
)
from .subsidy.helpers import subsidy_inputs

pytestmark = pytest.mark.django_db

NUMBER = "11010519491231002X"
MASK = "1101**********002X"
NEW_NUMBER = id_number("37032319800101001")

# Third-party apps that register models (django-axes) test their own admin pages.
OUR_APPS = {"auth", "heating", "subsidy"}
REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in OUR_APPS
)


@pytest.fixture
def one_of_everything():
    """At least one row of each heating model, so that change lists render real rows."""
    company = CompanyFactory()
    account = make_account(company=company, metered=True, exchangers=0)
    make_account(company=company, area="500.00", price_class="institution", institution_approved=True)
    RouteFactory(company=company)
    meter = account.meters.get()
    ReadingFactory(meter=meter, value_gj=Decimal("12.500000"))
    PaymentFactory(account=account)
    AreaDecisionFactory(account=account, from_year=2020)
    LowIncomeCertificateFactory(account=account)
    InstitutionApprovalFactory(account=account, status="pending")
    membership = MembershipFactory(organisation=company)
    Group.objects.create(name="抄表员")
    ApiToken.issue(company=company, name="reader", created_by=membership.user)
    ReadingLimits.objects.create(company=company)
    sandbox.account_create(company=company)
    ImportBatch.objects.create(
        company=company,
        kind=ImportBatch.Kind.READINGS,
        file_name="读数.csv",
        file_sha256="0" * 64,
        status=ImportBatch.Status.COMMITTED,
        created_by=membership.user,
    )
    job = Job.objects.create(
        kind="import_commit", company=company, started_by=membership.user, params_key="{}", total=1
    )
    job.slots.create(index=0, payload={"batch": 1})
    BureauFactory(duties=["subsidy_lead", "area_decision"])
    Season.objects.create(start_year=2019)
    buyer = CustomerFactory(company=company)
    account_transfer(account=account, customer=buyer, on=datetime.date(2020, 1, 20), user=membership.user)
    settled = make_account(company=company)
    payment_record(
        account=settled, season_year=2019, amount=Decimal("1680.00"), paid_on=datetime.date(2019, 11, 1),
        channel="cash",
    )
    refunded = make_account(company=company)
    payment_record(
        account=refunded, season_year=2019, amount=Decimal("5000.00"), paid_on=datetime.date(2019, 11, 1),
        channel="cash",
    )
    season_settle(company=company, start_year=2019, account_ids=[settled.id, refunded.id])
    refunds_open_for_season(company=company, start_year=2019)
    taken = payment_take(
        account=account, season_year=2019, amount=Decimal("100.00"), channel="cash", user=membership.user
    )
    receipt_void(receipt=taken, reason="收错户", user=membership.user)
    season_totals_record(company=company, start_year=2019)
    activation_code_issue(account, membership.user)
    subsidy_inputs(company)
    a_claim_with_its_history(company, membership.user)
    return account


def a_claim_with_its_history(company, user):
    """Rows as subsidy.services.claims writes them (the services need the season's figures)."""
    claim = Claim.objects.create(company=company, season_year=2019, state=Claim.State.SUBMITTED)
    version = ClaimVersion.objects.create(
        claim=claim, number=1, figures={"cost": "100.00"}, cost_items={"fuel": "100.00"}, statements_count=2,
        made_by=user,
    )
    ClaimAdjustment.objects.create(
        version=version, category="fuel", amount_before=Decimal("100.00"), amount_after=Decimal("90.00"),
        reason="发票不足", organisation=company, made_by=user,
    )
    ClaimEvent.objects.create(
        claim=claim, version=version, kind=ClaimEvent.Kind.SUBMITTED, state_after=claim.state, actor=user,
        actor_name=user.username, organisation=company, figures_after=version.figures,
    )


@pytest.fixture
def customer():
    return CustomerFactory(id_number=NUMBER)


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED, ids=[f"{a}.{m}" for a, m in REGISTERED])
def test_every_registered_models_changelist_and_add_page_open(
    admin_client, one_of_everything, app_label, model_name
):
    changelist = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    add = admin_client.get(reverse(f"admin:{app_label}_{model_name}_add"))

    assert changelist.status_code == 200
    # Tokens, import batches, readings, holders, jobs, statements, the ledger, refunds and area
    # decisions are written only by the portal's pages and services, which apply their rules.
    written_elsewhere = (
        "apitoken", "importbatch", "reading", "accountholder", "job", "statement", "ledgerentry", "refund",
        "receipt", "receiptvoid", "seasontotals", "activationcode", "costdeclaration", "connectionfee",
        "claim", "claimversion", "claimadjustment", "claimevent", "areadecision", "provideraccount",
    )
    assert add.status_code == (403 if model_name in written_elsewhere else 200)


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED, ids=[f"{a}.{m}" for a, m in REGISTERED])
def test_every_registered_models_change_page_opens(admin_client, one_of_everything, app_label, model_name):
    from django.apps import apps

    row = apps.get_model(app_label, model_name)._default_manager.first()
    assert row is not None, f"one_of_everything makes no {app_label}.{model_name} row"

    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[row.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED, ids=[f"{a}.{m}" for a, m in REGISTERED])
def test_every_registered_models_history_pages_open(admin_client, one_of_everything, app_label, model_name):
    from django.apps import apps

    model = apps.get_model(app_label, model_name)
    row = model._default_manager.first()

    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_history", args=[row.pk]))

    assert response.status_code == 200
    records = getattr(row, "history", None)
    for record in records.all() if records is not None else ():
        detail = admin_client.get(
            reverse(f"admin:{app_label}_{model_name}_simple_history", args=[row.pk, record.history_id])
        )
        assert detail.status_code == 200


def test_the_customer_change_page_shows_the_mask_never_the_number(admin_client, customer):
    response = admin_client.get(reverse("admin:heating_customer_change", args=[customer.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert MASK in page
    assert NUMBER not in page
    assert NUMBER[4:14] not in page
    assert customer.id_number_cipher not in page
    assert customer.id_number_hash not in page


def test_the_customer_changelist_shows_the_mask_never_the_number(admin_client, customer):
    page = admin_client.get(reverse("admin:heating_customer_changelist")).content.decode()

    assert MASK in page
    assert NUMBER[4:14] not in page


def _form(customer, **changes):
    return {
        "company": customer.company_id,
        "name": customer.name,
        "phone": customer.phone,
        "user": "",
        "id_number": "",
        **changes,
    }


def test_saving_a_new_number_in_the_admin_stores_it_encrypted(admin_client, customer):
    url = reverse("admin:heating_customer_change", args=[customer.pk])

    response = admin_client.post(url, _form(customer, id_number=" 3703 2319 8001 0100 1" + NEW_NUMBER[-1]))

    assert response.status_code == 302, response.content.decode()[:2000]
    customer.refresh_from_db()
    assert identity.reveal(customer.id_number_cipher) == NEW_NUMBER
    assert customer.id_number_hash == identity.fingerprint(NEW_NUMBER)
    assert customer.id_number_masked == identity.mask(NEW_NUMBER)
    assert NEW_NUMBER not in customer.id_number_cipher


def test_saving_without_a_number_keeps_the_stored_one(admin_client, customer):
    url = reverse("admin:heating_customer_change", args=[customer.pk])

    response = admin_client.post(url, _form(customer, phone="13900000000"))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.phone == "13900000000"
    assert identity.reveal(customer.id_number_cipher) == NUMBER


def test_adding_a_customer_with_a_number_in_the_admin(admin_client):
    company = CompanyFactory()

    response = admin_client.post(
        reverse("admin:heating_customer_add"),
        {"company": company.pk, "name": "王五", "phone": "", "user": "", "id_number": NUMBER.lower()},
    )

    assert response.status_code == 302
    added = Customer.objects.get(name="王五")
    assert identity.reveal(added.id_number_cipher) == NUMBER
    assert added.id_number_masked == MASK


def test_an_invalid_number_is_refused_without_being_echoed(admin_client, customer):
    wrong = NEW_NUMBER[:17] + ("0" if NEW_NUMBER[-1] != "0" else "1")
    url = reverse("admin:heating_customer_change", args=[customer.pk])

    response = admin_client.post(url, _form(customer, id_number=wrong))

    assert response.status_code == 200
    assert "校验位" in response.content.decode()
    assert wrong not in response.content.decode()
    customer.refresh_from_db()
    assert identity.reveal(customer.id_number_cipher) == NUMBER


def test_a_form_shown_again_after_another_error_does_not_echo_the_number(admin_client, customer):
    url = reverse("admin:heating_customer_change", args=[customer.pk])

    response = admin_client.post(url, _form(customer, name="", id_number=NEW_NUMBER))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() == {"name"}
    assert NEW_NUMBER not in page
    assert NEW_NUMBER[4:14] not in page


def test_the_admin_history_shows_only_the_mask(admin_client, customer):
    admin_client.post(
        reverse("admin:heating_customer_change", args=[customer.pk]), _form(customer, id_number=NEW_NUMBER)
    )

    history = admin_client.get(reverse("admin:heating_customer_history", args=[customer.pk]))

    page = history.content.decode()
    assert history.status_code == 200
    assert identity.mask(NEW_NUMBER) in page
    assert MASK in page
    for number in (NUMBER, NEW_NUMBER):
        assert number not in page
        assert number[4:14] not in page
    for record in customer.history.all():
        detail = admin_client.get(
            reverse("admin:heating_customer_simple_history", args=[customer.pk, record.history_id])
        )
        assert detail.status_code == 200
        assert NUMBER[4:14] not in detail.content.decode()
        assert NEW_NUMBER[4:14] not in detail.content.decode()


def _search(admin_client, term, **filters):
    response = admin_client.get(reverse("admin:heating_customer_changelist"), {"q": term, **filters})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


FIND = "admin:heating_customer_find_by_id_number"


def _assert_no_number(text, *numbers):
    for number in numbers or (NUMBER, NEW_NUMBER):
        assert number not in text
        assert number[4:14] not in text
        assert number[4:14] not in text.replace(" ", "")


def _followed(admin_client, response):
    """The page a lookup redirects to; neither its URL nor anything on it holds a number."""
    assert response.status_code == 302
    _assert_no_number(response["Location"])
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    _assert_no_number(page.content.decode())
    return page


def _find(admin_client, number, **filters):
    url = reverse(FIND) + (f"?{urlencode(filters)}" if filters else "")
    page = _followed(admin_client, admin_client.post(url, {"id_number": number}))
    return list(page.context["cl"].result_list), [str(m) for m in page.context["messages"]]


@pytest.mark.parametrize("term", [NUMBER, NUMBER.lower(), "1101 0519 4912 3100 2X"])
def test_the_id_number_form_finds_the_customer_by_its_key(admin_client, customer, term):
    CustomerFactory(id_number=NEW_NUMBER)
    url = reverse(FIND)

    response = admin_client.post(url, {"id_number": term})

    assert response["Location"] == f"{reverse('admin:heating_customer_changelist')}?id__in={customer.pk}"
    assert list(_followed(admin_client, response).context["cl"].result_list) == [customer]


def test_the_changelist_offers_the_id_number_form_as_a_post(admin_client, customer):
    page = admin_client.get(reverse("admin:heating_customer_changelist"), {"company__id__exact": "1"})

    html = page.content.decode()
    assert f'method="post" action="{reverse(FIND)}?company__id__exact=1"' in html
    assert 'name="id_number"' in html


def test_every_holder_of_a_number_is_listed(admin_client, customer):
    other = CustomerFactory(id_number=NUMBER)  # the same person, a customer of another company

    found, _ = _find(admin_client, NUMBER)

    assert sorted(c.pk for c in found) == sorted([customer.pk, other.pk])


@pytest.mark.parametrize("term", [NUMBER, "1101 0519 4912 3100 2x", NUMBER[:17] + "1", f"张三 {NUMBER}"])
def test_a_search_term_holding_a_number_never_reaches_the_result_pages_links(admin_client, customer, term):
    response = admin_client.get(reverse("admin:heating_customer_changelist"), {"q": term})

    html = _followed(admin_client, response).content.decode()

    assert reverse("admin:heating_customer_change", args=[customer.pk]) in html  # links, without it
    assert term not in html


def test_a_search_term_that_is_the_number_lists_its_holder(admin_client, customer):
    CustomerFactory(id_number=NEW_NUMBER)

    response = admin_client.get(reverse("admin:heating_customer_changelist"), {"q": NUMBER})

    assert list(_followed(admin_client, response).context["cl"].result_list) == [customer]


def test_another_valid_number_finds_nobody_and_says_so(admin_client, customer):
    response = admin_client.post(reverse(FIND), {"id_number": NEW_NUMBER})

    page = _followed(admin_client, response)
    assert "id__in" not in response["Location"]
    assert [str(m) for m in page.context["messages"]] == ["没有客户登记这个身份证号。"]


def test_a_mistyped_number_is_refused_without_being_echoed(admin_client, customer):
    _, said = _find(admin_client, NUMBER[:17] + "1")

    assert said == ["身份证号校验位不符，请核对。"]


def test_admin_search_by_the_mask_or_part_of_the_number_finds_nobody(admin_client, customer):
    assert _search(admin_client, NUMBER[:10]) == []
    assert _search(admin_client, NUMBER[:17]) == []
    assert _search(admin_client, MASK) == []


def test_admin_search_still_finds_by_name(admin_client, customer):
    assert _search(admin_client, customer.name) == [customer]


def test_the_id_number_lookup_keeps_the_list_filter(admin_client, customer):
    other = CompanyFactory()

    assert _find(admin_client, NUMBER, company__id__exact=customer.company_id)[0] == [customer]
    assert _find(admin_client, NUMBER, company__id__exact=other.pk)[0] == []


def test_the_id_number_lookup_takes_no_get(admin_client, customer):
    assert admin_client.get(reverse(FIND), {"id_number": NUMBER}).status_code == 405


def test_the_id_number_lookup_needs_permission_to_see_customers(client, customer):
    client.force_login(UserFactory(is_staff=True))

    assert client.post(reverse(FIND), {"id_number": NUMBER}).status_code == 403


def test_a_non_staff_user_is_sent_to_the_admin_login(client):
    client.force_login(UserFactory(is_staff=False))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:heating_customer_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_user_can_log_in_with_the_factory_password(client):
    user = UserFactory(is_staff=True, is_superuser=True)

    assert client.login(username=user.username, password="pw")
    assert client.get("/admin/").status_code == 200




# --- names, times and what may be edited (issue 6 item 28) ---------------------------------------


def test_the_admin_is_named_for_the_portal(admin_client):
    zh = admin_client.get("/admin/").content.decode()
    en = admin_client.get("/admin/", headers={"Accept-Language": "en"}).content.decode()

    assert "<title>管理后台 | 沂源县城区供暖账户门户</title>" in zh
    assert '<a href="/admin/">沂源县城区供暖账户门户</a>' in zh
    assert "Django" not in zh
    assert "Yiyuan Town Heating Accounts Portal" in en and "Django" not in en


def _names(model):
    yield model.__name__, model._meta.verbose_name
    yield model.__name__, model._meta.verbose_name_plural
    for field in model._meta.get_fields():
        if field.concrete and field.name != "id":  # Django's own automatic key keeps "ID"
            yield f"{model.__name__}.{field.name}", field.verbose_name


HEATING_MODELS = list(apps.get_app_config("heating").get_models())  # the historical ones too
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_model_and_field_is_named_in_chinese_and_in_english_on_request():
    assert any(m.__name__ == "HistoricalReading" for m in HEATING_MODELS)

    with translation.override("zh-hans"):
        zh = {what: str(name) for model in HEATING_MODELS for what, name in _names(model)}
    with translation.override("en"):
        en = {what: str(name) for model in HEATING_MODELS for what, name in _names(model)}

    # Units (GJ, m²) and 'ID' may stay Latin; a word may not.
    assert [(w, n) for w, n in zh.items() if not CJK.search(n) or re.search("[A-Za-z]{3}", n)] == []
    assert [(w, n) for w, n in en.items() if CJK.search(n)] == []


def test_the_admin_labels_are_chinese(admin_client, one_of_everything):
    reading = Reading.objects.get()
    changelist = admin_client.get(reverse("admin:heating_reading_changelist")).content.decode()
    change = admin_client.get(reverse("admin:heating_reading_change", args=[reading.pk])).content.decode()

    assert ">热表</a>" in changelist
    for label in ("供热企业", "复核人", "录入时间", "录入人", "导入批次"):
        assert f"<label>{label}:</label>" in change
    assert not re.search(r"(?i)>(meter|company|created at|reviewed by|import batch):?<", changelist + change)


def test_a_readings_title_shows_the_time_in_shanghai():
    reading = Reading(
        meter=Meter(serial="M1"),
        read_at=datetime.datetime(2019, 11, 15, 16, 30, tzinfo=datetime.UTC),
        value_gj=Decimal("12.5"),
    )

    assert str(reading) == "M1 2019-11-16 00:30 12.5 GJ"


def test_a_history_records_title_is_chinese_in_shanghai_time(customer):
    record = customer.history.earliest()
    local = timezone.localtime(record.history_date)

    assert str(record) == f"{customer.name}（{local:%Y-%m-%d %H:%M} 的记录）"
    with translation.override("en"):
        assert str(record) == f"{customer.name} as of {local:%Y-%m-%d %H:%M}"


def test_a_readings_value_and_status_cannot_be_changed_in_the_admin(admin_client, one_of_everything):
    reading = Reading.objects.get()
    url = reverse("admin:heating_reading_change", args=[reading.pk])

    form = admin_client.get(url).context["adminform"].form
    response = admin_client.post(
        url, {"value_gj": "9999", "status": "void", "void_reason": "x", "note": "查过"}
    )

    assert set(form.fields) == {"note"}
    assert response.status_code == 302
    reading.refresh_from_db()
    assert (reading.value_gj, reading.status, reading.note) == (Decimal("12.500000"), "valid", "查过")


def test_the_company_filter_and_choices_list_heating_companies_only(admin_client, one_of_everything):
    CompanyFactory()  # two companies, so that the filter is shown
    bureaus = Organisation.objects.filter(kind=Organisation.Kind.BUREAU)
    companies = set(Organisation.objects.filter(kind=Organisation.Kind.COMPANY).values_list("pk", flat=True))

    changelist = admin_client.get(reverse("admin:heating_customer_changelist"))
    add = admin_client.get(reverse("admin:heating_customer_add"))

    (company_filter,) = [f for f in changelist.context["cl"].filter_specs if f.field_path == "company"]
    assert {pk for pk, _ in company_filter.lookup_choices} == companies
    assert bureaus and not any(b.name in changelist.content.decode() for b in bureaus)
    choices = add.context["adminform"].form.fields["company"].queryset
    assert set(choices.values_list("pk", flat=True)) == companies


def test_no_search_box_puts_an_id_number_in_a_link(admin_client, one_of_everything):
    url = reverse("admin:heating_account_changelist")

    response = admin_client.get(url, {"q": NUMBER, "company__id__exact": "1"})

    assert response.status_code == 302
    assert response["Location"] == url + "?company__id__exact=1"
    page = admin_client.get(response["Location"])
    assert "按身份证号查找" in [str(m) for m in page.context["messages"]][0]
