"""`manage.py seed_demo`: the demo county, idempotent, deterministic, and billable by the real engine."""
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max, Sum

from heating import identity
from heating.billing import AREA, METERED, NOTICE_2019, PART_KINDS, PRICE_CLASSES
from heating.demo import BUREAUS, DEMO_PASSWORD, LOGINS, plan_account
from heating.models import (
    Account,
    AccountTerms,
    AreaDecision,
    Customer,
    Duty,
    HeatedPart,
    InstitutionApproval,
    LowIncomeCertificate,
    Meter,
    Organisation,
    OrganisationDuty,
    Payment,
    Reading,
)
from heating.models.accounts import Decision
from heating.selectors.bills import season_bills
from heating.selectors.facts import facts_for_season

COUNTY = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db

N = 60


def seed(accounts: int = N) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--accounts", str(accounts), stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed()


def _counts() -> dict[str, int]:
    """Row counts of every model of the project (history tables included) and of the users."""
    models = [*apps.get_app_config("heating").get_models(), get_user_model()]
    return {model._meta.label: model._default_manager.count() for model in models}


def _checksums() -> dict[str, object]:
    return {
        "payments": Payment.objects.aggregate(total=Sum("amount"), last=Max("id")),
        "readings": Reading.objects.aggregate(total=Sum("value_gj"), last=Max("id")),
        "parts": HeatedPart.objects.aggregate(total=Sum("area"), last=Max("id")),
        "accounts": Account.objects.aggregate(last=Max("id")),
        "users": get_user_model().objects.aggregate(last=Max("id"), login=Max("last_login")),
        "passwords": sorted(get_user_model().objects.values_list("password", flat=True)),
    }


def _account_fingerprint(numbers=None) -> dict:
    """Everything seeded about each account, keyed by company and number."""
    accounts = Account.objects.select_related("company", "customer", "premises__building__route")
    if numbers is not None:
        accounts = accounts.filter(number__in=numbers)
    out = {}
    for a in accounts:
        out[a.company.code, a.number] = (
            a.id,
            a.customer.name,
            a.customer.id_number_masked,
            a.opened_on,
            a.premises.building.code,
            a.premises.building.route.code,
            a.premises.unit,
            sorted(a.premises.parts.values_list("id", "kind", "area", "from_year", "until_year")),
            sorted(a.terms.values_list("id", "from_year", "price_class", "exchangers")),
            sorted(a.meters.values_list("id", "serial", "installed_on", "removed_on")),
            sorted(Reading.objects.filter(meter__account=a).values_list("id", "read_at", "value_gj", "kind")),
            sorted(a.payments.values_list("id", "season_year", "amount", "paid_on", "channel")),
        )
    return out


def test_it_creates_the_two_companies_and_the_bureaus_with_their_duties(seeded):
    companies = dict(Organisation.objects.filter(kind=Organisation.Kind.COMPANY).values_list("code", "name"))
    assert companies["DEMO1"] == "沂源示范热力有限公司"
    assert companies["DEMO2"] == "沂源城南示范供热有限公司"
    for code, _name, duties in BUREAUS:
        bureau = Organisation.objects.get(code=code)
        assert bureau.kind == Organisation.Kind.BUREAU
        assert set(bureau.duties.values_list("duty", flat=True)) == set(duties)
    held = set(OrganisationDuty.objects.values_list("duty", flat=True))
    assert held == set(Duty.values), "every duty is held by some bureau"


def test_accounts_split_about_70_30_between_the_companies():
    seed(100)
    assert Account.objects.filter(company__code="DEMO1").count() == 70
    assert Account.objects.filter(company__code="DEMO2").count() == 30


def test_every_demo_user_can_log_in(seeded, client):
    for login in LOGINS:
        user = get_user_model().objects.get(username=login.username)
        assert user.first_name and user.last_name
        assert client.login(username=login.username, password=DEMO_PASSWORD), login.username
        client.logout()
    assert get_user_model().objects.get(username="admin").is_superuser


def test_every_role_belongs_to_its_organisation(seeded):
    User = get_user_model()
    assert User.objects.get(username="clerk1").memberships.get().organisation.code == "DEMO1"
    assert User.objects.get(username="manager2").memberships.get().role == "manager"
    finance = User.objects.get(username="finance")
    assert set(finance.memberships.values_list("organisation__code", "role")) == {("CZJ", "officer")}
    for code, _name, _duties in BUREAUS:
        assert Organisation.objects.get(code=code).memberships.filter(role="officer").exists(), code


def test_the_residents_see_their_own_accounts(seeded):
    resident = Account.objects.filter(customer__user__username="resident")
    facts = facts_for_season(resident, 2019)
    assert sorted((f.method, f.exchangers) for f in facts.values()) == [(AREA, 2), (METERED, 0)]
    metered = next(a for a in resident if facts[a.id].method == METERED)
    assert Reading.objects.filter(meter__account=metered).count() >= 4

    (household,) = Account.objects.filter(customer__user__username="resident2")
    assert facts_for_season([household], 2019)[household.id].low_income


def test_it_prints_the_logins(seeded):
    assert "resident" in seeded
    assert "clerk1" in seeded
    assert DEMO_PASSWORD in seeded


def test_a_second_run_changes_nothing(seeded):
    counts, checksums = _counts(), _checksums()
    fingerprint = _account_fingerprint()

    again = seed()

    assert _counts() == counts
    assert _checksums() == checksums
    assert _account_fingerprint() == fingerprint
    assert "clerk1" in again


def test_a_larger_n_adds_the_difference_and_leaves_the_old_accounts_alone():
    seed(40)
    before = _account_fingerprint()
    counts = _counts()

    seed(N)

    assert Account.objects.count() == N
    assert _counts()["heating.Account"] == counts["heating.Account"] + N - 40
    assert _account_fingerprint(numbers=[number for _code, number in before]) == before


def test_account_data_depends_only_on_its_index():
    assert plan_account(57, NOTICE_2019) == plan_account(57, NOTICE_2019)
    assert plan_account(57, NOTICE_2019) != plan_account(58, NOTICE_2019)


def test_meter_serials_are_unique_across_companies(seeded):
    serials = list(Meter.objects.values_list("serial", flat=True))
    assert len(serials) == len(set(serials)) > 0
    assert all(s.startswith("HM-") for s in serials)


def test_the_mix_covers_every_part_kind_price_class_and_method(seeded):
    assert set(HeatedPart.objects.values_list("kind", flat=True)) == set(PART_KINDS)
    accounts = list(Account.objects.all())
    facts = [*facts_for_season(accounts, 2019).values(), *facts_for_season(accounts, 2020).values()]
    assert {f.price_class for f in facts} == set(PRICE_CLASSES)
    assert {f.method for f in facts} == {AREA, METERED}
    assert any(f.low_income for f in facts)
    assert any(f.exchangers for f in facts)
    assert any(f.area_decision for f in facts)


def test_the_decisions_are_dated_and_made_by_the_competent_bureau(seeded):
    for approval in InstitutionApproval.objects.filter(status=Decision.APPROVED).select_related("decided_by"):
        assert approval.decided_at is not None
        assert approval.decided_by.duties.filter(duty=InstitutionApproval.DUTIES[approval.category]).exists()
    categories = set(
        InstitutionApproval.objects.filter(status=Decision.APPROVED).values_list("category", flat=True)
    )
    assert categories == set(InstitutionApproval.Category.values)
    for certificate in LowIncomeCertificate.objects.filter(status=Decision.APPROVED):
        assert certificate.decided_by.code == "MZJ" and certificate.decided_at is not None
    decision = AreaDecision.objects.select_related("decided_by").first()
    assert decision.decided_by.code == "ZJJ" and decision.from_year == 2020
    assert "源房认〔2020〕" in decision.reference
    assert AccountTerms.objects.filter(from_year=2020).exists(), "some terms change in 2020"


def test_identity_numbers_pass_the_checksum(seeded):
    ciphers = Customer.objects.exclude(id_number_cipher="").values_list("id_number_cipher", flat=True)
    assert ciphers
    for cipher in ciphers:
        identity.normalise(identity.reveal(cipher))


def test_readings_are_cumulative_with_at_most_three_decimals(seeded):
    previous = {}
    for reading in Reading.objects.order_by("meter_id", "read_at"):
        assert reading.value_gj == reading.value_gj.quantize(Decimal("0.001"))
        assert reading.value_gj >= previous.get(reading.meter_id, 0)
        # Meters are read in county working hours, on the whole minute: a reading written in the wrong
        # zone (UTC, or a naive time taken as UTC) lands at night here.
        local = reading.read_at.astimezone(COUNTY)
        assert 8 <= local.hour < 17 and local.second == local.microsecond == 0, local
        assert reading.source == Reading.Source.IMPORT and reading.company_id
        previous[reading.meter_id] = reading.value_gj
    kinds = set(Reading.objects.values_list("kind", flat=True))
    assert {Reading.Kind.ACTUAL, Reading.Kind.ESTIMATED, Reading.Kind.EXCHANGE} <= kinds


def test_every_account_bills_for_both_seasons_and_prepaid_what_the_engine_asked(seeded):
    accounts = list(Account.objects.all())
    estimated = set(
        Reading.objects.filter(kind=Reading.Kind.ESTIMATED).values_list("meter__account_id", flat=True)
    )
    partly_paid = 0
    for year in (2019, 2020):
        bills = season_bills(accounts, year)
        assert len(bills) == len(accounts)
        for account_id, bill in bills.items():
            if bill.is_exception:
                assert year == 2019 and account_id in estimated
                continue
            assert bill.prepaid <= bill.breakdown.prepayment
            partly_paid += bill.prepaid < bill.breakdown.prepayment
        assert sum(b.is_exception for b in bills.values()) == (len(estimated) if year == 2019 else 0)
    assert partly_paid > 0
